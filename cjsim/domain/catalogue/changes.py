"""Changes to the catalogue made from a test: shelf status, prices and stock, per product.

Why changes are data in the store and not edits of the catalogue: the catalogue is generated
lazily from a seed in every worker process, and must come back by ``reset``. So a change is
a document in the namespace :data:`NS` (owned by the catalogue), keyed by pid, and every
worker lays the stored changes over its generated catalogue (``cjsim/domain/runtime.py``,
rebuilt only when :data:`VERSION_NS` says something changed).

A change document, as ``PATCH /__cjsim/products/<pid>``, ``Simulator.change_product`` and a
scenario timeline's ``products`` take it::

    {"onShelf": bool, "sellPrice": 12.5,
     "variants": {"<vid>": {"onShelf": bool, "sellPrice": 9.99,
                            "stock": {"US": 40, "<storageId>": 12}}}}

* ``onShelf`` false: the product is offline (1602001 everywhere, as CJ's removed products);
  a variant taken off the shelf disappears from its product (its vid answers 1602000); a
  product whose variants are all off the shelf is offline.
* ``sellPrice`` on the product sets every variant's price; a variant's own wins.
* ``stock`` sets base units (CJ's own, no factory units) in a warehouse country, or in one
  storage (then the country's total is the sum of its storages). Reservations still apply.

Later changes of a product merge into the stored one, key by key.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from cjsim.domain.catalogue.model import WAREHOUSES, BaseStock, Product, Variant
from cjsim.domain.catalogue.warehouses import STORAGES_BY_ID, Split, base_split, storage
from cjsim.money import money, money_str

if TYPE_CHECKING:
    from cjsim.domain.catalogue.core import Catalogue

NS = "catalogue_changes"  # pid -> change document (normalised)
VERSION_NS, VERSION_KEY = "catalogue_meta", "version"
MAX_PRICE = Decimal("99999999.99")
MAX_UNITS = 100_000_000
_TOP = ("onShelf", "sellPrice", "variants")
_VARIANT = ("onShelf", "sellPrice", "stock")


def _keys(doc: Any, allowed: tuple[str, ...], where: str) -> dict[str, Any]:
    if not isinstance(doc, dict):
        raise ValueError(f"{where} must be an object")
    unknown = sorted(set(doc) - set(allowed))
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {', '.join(unknown)} "
                         f"(allowed: {', '.join(allowed)})")
    if not doc:
        raise ValueError(f"{where}: give at least one of {', '.join(allowed)}")
    return doc


def _price(value: Any, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"{where} must be a number")
    try:
        price = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"{where} must be a number, not {value!r}") from None
    if not price.is_finite() or price <= 0 or price > MAX_PRICE:
        raise ValueError(f"{where} must be more than 0 and at most {MAX_PRICE}")
    return money_str(money(price))


def _flag(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{where} must be true or false")
    return value


def stock_key(key: str) -> str:
    """A warehouse country (``us`` -> ``US``) or a storage id (lower case); ValueError else."""
    text = key.strip()
    if text.upper() in WAREHOUSES:
        return text.upper()
    found = storage(text)
    if found is None:
        raise ValueError(f"stock key {key!r} is neither a warehouse country "
                         f"({', '.join(WAREHOUSES)}) nor a storage id")
    return found.id


def _stock(doc: Any, where: str) -> dict[str, int]:
    if not isinstance(doc, dict) or not doc:
        raise ValueError(f"{where} must be a non-empty object of warehouse (country code or "
                         f"storage id) -> units")
    out: dict[str, int] = {}
    for key, units in doc.items():
        if isinstance(units, bool) or not isinstance(units, int) or not 0 <= units <= MAX_UNITS:
            raise ValueError(f"{where}.{key} must be a whole number of units, 0..{MAX_UNITS}")
        out = merge_stock(out, {stock_key(key): units})
    return out


def parse_change(doc: Any) -> dict[str, Any]:
    """The change's shape, checked and normalised (vids are checked against the product later)."""
    doc = _keys(doc, _TOP, "the change")
    out: dict[str, Any] = {}
    if "onShelf" in doc:
        out["onShelf"] = _flag(doc["onShelf"], "onShelf")
    if "sellPrice" in doc:
        out["sellPrice"] = _price(doc["sellPrice"], "sellPrice")
    if "variants" in doc:
        variants = doc["variants"]
        if not isinstance(variants, dict) or not variants:
            raise ValueError("variants must be a non-empty object of vid -> change")
        out["variants"] = {}
        for vid, change in variants.items():
            where = f"variants.{vid}"
            change = _keys(change, _VARIANT, where)
            one: dict[str, Any] = {}
            if "onShelf" in change:
                one["onShelf"] = _flag(change["onShelf"], f"{where}.onShelf")
            if "sellPrice" in change:
                one["sellPrice"] = _price(change["sellPrice"], f"{where}.sellPrice")
            if "stock" in change:
                one["stock"] = _stock(change["stock"], f"{where}.stock")
            out["variants"][vid.strip().upper()] = one
    return out


def resolve(cat: Catalogue, pid: str, change: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """(the product's pid, the change) for a pid or alias; LookupError for an unknown product,
    ValueError for a vid of another product."""
    product = cat.find_product(pid)
    if product is None:
        raise LookupError(f"no product {pid}")
    own = {v.vid.upper() for v in product.variants} | cat.removed_vids(product.pid)
    for vid in change.get("variants", {}):
        if vid not in own:
            raise ValueError(f"variant {vid} is not a variant of product {product.pid}")
    return product.pid, dict(change)


def merge_stock(old: Mapping[str, int], new: Mapping[str, int]) -> dict[str, int]:
    """Later keys last: a country's total resets the storages of that country set before."""
    out = dict(old)
    for key, units in new.items():
        out.pop(key, None)
        if key in WAREHOUSES:
            for sid in [k for k in out if k in STORAGES_BY_ID and STORAGES_BY_ID[k].country == key]:
                del out[sid]
        out[key] = units
    return out


def merge(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in (old or {}).items() if k != "variants"}
    out.update({k: v for k, v in new.items() if k != "variants"})
    variants = {vid: dict(v) for vid, v in (old or {}).get("variants", {}).items()}
    for vid, change in new.get("variants", {}).items():
        mine = variants.setdefault(vid, {})
        for key, value in change.items():
            mine[key] = merge_stock(mine.get("stock", {}), value) if key == "stock" else value
    if variants:
        out["variants"] = variants
    return out


# -- laying changes over a catalogue --------------------------------------------------------

def apply(base: Catalogue, changes: Mapping[str, Mapping[str, Any]]) -> Catalogue:
    """``base`` with every stored change applied (a new catalogue; ``base`` is untouched)."""
    from cjsim.domain.catalogue.core import Catalogue

    if not changes:
        return base
    splits: dict[tuple[str, str], Split] = dict(base.splits)
    removed: dict[str, frozenset[str]] = {}
    items = []
    for p in base.products:
        change = changes.get(p.pid)
        if change is None:
            items.append(p)
            continue
        product, gone = _product(p, change, splits)
        items.append(product)
        if gone:
            removed[p.pid] = gone
    return Catalogue(base.categories, items, seed=base.seed, splits=splits, removed=removed)


def _product(p: Product, change: Mapping[str, Any], splits: dict[tuple[str, str], Split],
             ) -> tuple[Product, frozenset[str]]:
    variants = []
    gone = set()
    for v in p.variants:
        mine = change.get("variants", {}).get(v.vid.upper(), {})
        price = mine.get("sellPrice", change.get("sellPrice"))
        if price is not None:
            v = dataclasses.replace(v, price=money(price))
        for key, units in mine.get("stock", {}).items():
            v = _set_stock(v, key, units, splits)
        if mine.get("onShelf") is False:
            gone.add(v.vid.upper())
            continue
        variants.append(v)
    online = change.get("onShelf", p.online) and bool(variants)
    kept = tuple(variants) if variants else p.variants
    return dataclasses.replace(p, online=online, variants=kept), frozenset(gone)


def restocked(v: Variant, stock: Mapping[str, int],
              splits: Mapping[tuple[str, str], Split]) -> Variant:
    """``v`` with ``stock`` (a change's levels by country or storage) set, laid over
    ``splits`` (left untouched): the new levels of a variant the same change took off the
    shelf, which the changed catalogue no longer lists."""
    scratch = dict(splits)
    for key, units in stock.items():
        v = _set_stock(v, key, units, scratch)
    return v


def _set_stock(v: Variant, key: str, units: int, splits: dict[tuple[str, str], Split]) -> Variant:
    if key in WAREHOUSES:
        splits.pop((v.vid, key), None)
        return _with_country(v, BaseStock(key, units, 0))
    home = STORAGES_BY_ID[key]
    rows = [r for r in base_split(v, home.country, splits) if r[0] != key]
    rows.append((key, units, 0))
    order = [s.id for s in STORAGES_BY_ID.values()]
    split = tuple(sorted(rows, key=lambda r: order.index(r[0])))
    splits[(v.vid, home.country)] = split
    return _with_country(v, BaseStock(home.country, sum(r[1] for r in split),
                                      sum(r[2] for r in split)))


def _with_country(v: Variant, row: BaseStock) -> Variant:
    rows = [s for s in v.stock if s.country != row.country] + [row]
    order = list(WAREHOUSES)
    return dataclasses.replace(v, stock=tuple(sorted(rows, key=lambda s: order.index(s.country))))
