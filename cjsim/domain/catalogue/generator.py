"""The seeded generator: one ``random.Random(seed)`` and a seeded Faker make the catalogue.

Why generated and not a fixture file: integrators need hundreds of products to exercise paging
and search, yet a test must get the same bytes on every run. So everything comes from one
``random.Random(seed)`` (never the global random state) plus a seeded Faker for a few texts;
the same seed gives byte-identical answers. Names are built from the word lists of
:mod:`.words`, so a keyword search means something ("phone case" finds phone cases, not random
lorem).

The order of the draws IS the catalogue: a new draw goes after all existing ones of its
product (or the products of every seed change, and the pinned fingerprints of
``tests/domain/test_catalogue_fingerprint.py`` fail).

The first product is always the demo product "Magnetic Phone Case" (SKU ``CJSJBHPK01234``),
in stock in CN and US, so the searches (docs/endpoints.md, "products") find it with any seed.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from cjsim.clock import US
from cjsim.domain.catalogue.core import Catalogue
from cjsim.domain.catalogue.model import (
    DEFAULT_PRODUCTS,
    DEMO_SKU,
    IMAGE_HOST,
    BaseStock,
    Category,
    Product,
    Variant,
)
from cjsim.domain.catalogue.words import PACKINGS, PHONE_CASE_PATH, TREE, Dim, Group, Leaf, Word
from cjsim.money import money

if TYPE_CHECKING:
    from faker import Faker

# The demo product's creation instant (the product/list example): the newest product, so it leads
# the default "createAt desc" order. Every other product is created between these two.
DEMO_CREATE_US = 1_762_049_652 * US  # 2025-11-02T10:14:12+08:00
OLDEST_CREATE_US = 1_672_502_400 * US  # 2023-01-01T00:00:00+08:00

# Chance that a product is stocked in each overseas warehouse (CN always stocks).
_OVERSEAS_ODDS: tuple[tuple[str, float], ...] = (
    ("US", 0.35), ("DE", 0.12), ("GB", 0.10), ("TH", 0.08), ("FR", 0.08), ("AU", 0.06),
)
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _uid(rng: random.Random) -> str:
    """An uppercase version-4 UUID drawn from the catalogue's rng (so: from the seed)."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4)).upper()


def _cents(value: int) -> Decimal:
    return money(Decimal(value) / 100)


def _sug_price(price: Decimal, rng: random.Random) -> Decimal:
    """Suggested retail price: 2.2-3x cost, ending in .99 as shops price."""
    factor = Decimal(rng.randint(220, 300)) / 100
    return money(int(price * factor) + Decimal("0.99"))


@dataclass
class _Draw:
    """The rng, the Faker and the uniqueness sets of one generation run."""

    rng: random.Random
    fake: Faker
    skus: set[str]
    aliases: set[str]
    suppliers: list[tuple[str, str]]

    def sku(self) -> str:
        while True:
            letters = "".join(self.rng.choice(_UPPER) for _ in range(6))
            sku = f"CJ{letters}{self.rng.randrange(100_000):05d}"
            if sku not in self.skus:
                self.skus.add(sku)
                return sku

    def alias(self) -> str:
        while True:
            alias = str(self.rng.randrange(1_300_000_000_000_000_000, 1_999_999_999_999_999_999))
            if alias not in self.aliases:
                self.aliases.add(alias)
                return alias


def _build_tree(rng: random.Random) -> tuple[list[Category], list[tuple[Category, Group, Leaf]]]:
    """All categories (parents first) and, per leaf, its category and generation specs."""
    cats: list[Category] = []
    leaves: list[tuple[Category, Group, Leaf]] = []
    for first_name, groups in TREE:
        first = Category(_uid(rng), first_name, 1, None)
        cats.append(first)
        for group in groups:
            second = Category(_uid(rng), group.name, 2, first.id)
            cats.append(second)
            for leaf in group.leaves:
                third = Category(_uid(rng), leaf.name, 3, second.id)
                cats.append(third)
                leaves.append((third, group, leaf))
    return cats, leaves


def _pick_values(rng: random.Random, dims: tuple[Dim, ...]) -> list[tuple[Word, ...]]:
    """Variant value combinations, 1-8 of them, in the dimension lists' own order."""
    first = dims[0][2]
    if len(dims) == 1 or rng.random() < 0.35:
        n = min(len(first), rng.choice((1, 1, 2, 2, 3, 3, 4, 4, 5, 6, 8)))
        return [(w,) for w in sorted(rng.sample(first, n), key=first.index)]
    second = dims[1][2]
    n0 = min(len(first), rng.choice((1, 2, 2, 3, 4)))
    n1 = min(len(second), rng.randint(1, max(1, 8 // n0)))
    a = sorted(rng.sample(first, n0), key=first.index)
    b = sorted(rng.sample(second, n1), key=second.index)
    return [(x, y) for x in a for y in b]


def _stock(rng: random.Random, countries: Sequence[str], empty: bool) -> tuple[BaseStock, ...]:
    rows = []
    for country in countries:
        if empty:
            rows.append(BaseStock(country, 0, 0))
        elif country == "CN":
            factory = 0 if rng.random() < 0.3 else rng.randint(100, 5000)
            rows.append(BaseStock(country, rng.randint(0, 900), factory))
        else:
            rows.append(BaseStock(country, rng.randint(0, 400), 0))
    return tuple(rows)


def _name(rng: random.Random, group: Group, leaf: Leaf) -> tuple[str, str]:
    noun = rng.choice(leaf.nouns)
    adjs = rng.sample(group.adjectives, 2 if rng.random() < 0.35 else 1)
    return " ".join([a[0] for a in adjs] + [noun[0]]), "".join([a[1] for a in adjs] + [noun[1]])


def _product(d: _Draw, cat: Category, group: Group, leaf: Leaf, online: bool) -> Product:
    rng = d.rng
    pid, sku = _uid(rng), d.sku()
    name_en, name_zh = _name(rng, group, leaf)
    dims = leaf.dims or group.dims
    combos = _pick_values(rng, dims)
    used = dims[: len(combos[0])]
    create_us = rng.randrange(OLDEST_CREATE_US // US, DEMO_CREATE_US // US - 86_400) * US
    weight = rng.randint(*group.weight)
    longest = rng.randint(*group.size)
    size = (longest, max(10, longest * rng.randint(30, 80) // 100),
            max(5, longest * rng.randint(5, 30) // 100))
    base = rng.randint(*group.price)
    same_price = rng.random() < 0.5
    countries = ["CN"] + [c for c, odds in _OVERSEAS_ODDS if rng.random() < odds]
    empty_product = rng.random() < 0.03
    variants = []
    for combo in combos:
        vid = _uid(rng)
        key = "-".join(w[0] for w in combo)
        cents = base if same_price else base + rng.choice((0, 0, 50, 100, 187, 250))
        price = _cents(cents)
        variants.append(Variant(
            vid=vid, pid=pid, sku=f"{sku}-{key}", key=key,
            name_en=f"{name_en} {' '.join(w[0] for w in combo)}",
            name=f"{name_zh} {' '.join(w[1] for w in combo)}",
            image=f"{IMAGE_HOST}/v/{vid[:8]}.jpg",
            length=size[0], width=size[1], height=size[2],
            weight=max(1, weight + weight * rng.randint(-5, 15) // 100),
            price=price, sug_price=_sug_price(price, rng), create_us=create_us,
            stock=_stock(rng, countries, empty_product or rng.random() < 0.04),
        ))
    material = rng.choice(group.materials)
    packing = rng.choice(PACKINGS)
    supplier = rng.choice(d.suppliers) if rng.random() < 0.1 else None
    return Product(
        pid=pid, alias=d.alias(), sku=sku, name_en=name_en, local_names=(name_zh,),
        category_id=cat.id,
        images=tuple(f"{IMAGE_HOST}/p/{pid[:8]}{'' if i == 1 else f'-{i}'}.jpg"
                     for i in range(1, rng.randint(2, 5))),
        weight=weight, packing_weight=weight + rng.randint(10, 40),
        product_type="SUPPLIER_PRODUCT" if supplier else "ORDINARY_PRODUCT",
        unit="unit(s)", free_shipping=rng.random() < 0.15,
        listed_num=int(rng.expovariate(1 / 150)), create_us=create_us,
        description=f"<p>{name_en}.</p><p>{d.fake.sentence(nb_words=10)}</p>",
        online=online, key_en=tuple(dim[0] for dim in used), key_zh=tuple(dim[1] for dim in used),
        entry_code=group.hs, entry_name=group.entry[1], entry_name_en=group.entry[0],
        material_zh=(material[0],), material_en=(material[1],), material_key=(material[2],),
        packing_zh=(packing[0],), packing_en=(packing[1],), packing_key=(packing[2],),
        pro_zh=(group.pro[0],), pro_en=(group.pro[1],),
        sug_price=max(v.sug_price for v in variants), is_video=rng.random() < 0.2,
        supplier_name=supplier[0] if supplier else "", supplier_id=supplier[1] if supplier else "",
        delivery_cycle=rng.choice(("1-3", "3-5", "3-5", "5-7")), variants=tuple(variants),
    )


def _demo(d: _Draw, cat: Category) -> Product:
    """The fixed demo product of docs/endpoints.md's product examples (only its ids come from the seed)."""
    rng = d.rng
    pid = _uid(rng)
    d.skus.add(DEMO_SKU)
    specs = (("Black", "黑色", "8.13", 300, 994, 118), ("Clear", "透明", "8.13", 220, 600, 96),
             ("Blue", "蓝色", "10.00", 150, 400, 146))
    variants = []
    for key, zh, price, cj, factory, us in specs:
        vid = _uid(rng)
        variants.append(Variant(
            vid=vid, pid=pid, sku=f"{DEMO_SKU}-{key}", key=key,
            name_en=f"Magnetic Phone Case {key}", name=f"磁吸手机壳 {zh}",
            image=f"{IMAGE_HOST}/v/{vid[:8]}.jpg", length=150, width=80, height=10,
            weight=120, price=money(price), sug_price=money("19.99"), create_us=DEMO_CREATE_US,
            stock=(BaseStock("CN", cj, factory), BaseStock("US", us, 0)),
        ))
    return Product(
        pid=pid, alias=d.alias(), sku=DEMO_SKU, name_en="Magnetic Phone Case",
        local_names=("磁吸手机壳",), category_id=cat.id,
        images=(f"{IMAGE_HOST}/p/{pid[:8]}.jpg", f"{IMAGE_HOST}/p/{pid[:8]}-2.jpg"),
        weight=120, packing_weight=135, product_type="ORDINARY_PRODUCT", unit="unit(s)",
        free_shipping=False, listed_num=37, create_us=DEMO_CREATE_US,
        description="<p>Strong magnets.</p>", online=True, key_en=("Color",), key_zh=("颜色",),
        entry_code="3926909090", entry_name="手机壳", entry_name_en="phone case",
        material_zh=("塑料",), material_en=("plastic",), material_key=("PLASTIC",),
        packing_zh=("塑料袋",), packing_en=("plastic_bag",), packing_key=("PLASTIC_BAG",),
        pro_zh=("普货",), pro_en=("COMMON",), sug_price=money("19.99"), is_video=False,
        supplier_name="", supplier_id="", delivery_cycle="3-5", variants=tuple(variants),
    )


def generate(seed: int = 0, products: int = DEFAULT_PRODUCTS) -> Catalogue:
    """Build the catalogue of ``seed``: same seed, same catalogue, byte for byte."""
    if products < 1:
        raise ValueError("a catalogue needs at least the demo product")
    # Faker costs ~0.2 s to import: paid here, at the first product call, never by `import cjsim`
    from faker import Faker

    rng = random.Random(seed)
    fake = Faker()
    fake.seed_instance(seed)
    suppliers = [(fake.company(), _uid(rng)) for _ in range(6)]
    draw = _Draw(rng, fake, set(), set(), suppliers)
    cats, leaves = _build_tree(rng)
    by_path = {(g.name, leaf.name): c for c, g, leaf in leaves}
    demo_cat = by_path[(PHONE_CASE_PATH[1], PHONE_CASE_PATH[2])]
    offline = set(rng.sample(range(1, products), min(products - 1, max(2, products // 48))))
    weights = [leaf.weight for _, _, leaf in leaves]
    items = [_demo(draw, demo_cat)]
    for index in range(1, products):
        cat, group, leaf = rng.choices(leaves, weights)[0]
        items.append(_product(draw, cat, group, leaf, index not in offline))
    return Catalogue(cats, items, seed=seed)

