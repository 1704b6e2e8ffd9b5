"""Pinned fingerprints of the generated catalogue: a refactoring must not change one product.

The digests below were taken from the single-module catalogue before it was split into the
``cjsim.domain.catalogue`` package. If one changes, generation changed: a seed no longer gives
the products it gave, and every integrator's pinned expectations break. Change a digest only
for a deliberate change of the generated data, and say so in the commit.

Two levels:

* the model (every field of every category, product, variant and stock row, as the pinned-file
  format writes it), with the few Faker-made texts masked, so the digest does not depend on
  the installed Faker's word lists;
* the answers of the product endpoints (views and look-ups included), which hold those
  texts: checked only with the Faker version they were taken with.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import faker
import pytest

from cjsim.domain.catalogue import Catalogue, generate
from cjsim.jsonenc import dumps, loads

FAKER_VERSION = "40.63.0"

# (seed, products) -> sha256
MODEL = {
    (0, 240): "b9bd534d1cd2b1321b21c118d72c382a741522a991183cbcfecd8a39eceef3d6",
    (7, 240): "26df1db26417e1ab10b79029a1f82319224420100266b770a0e5710e6f1a1154",
    (12345, 60): "1c9e97c4f23d2d319934c68b724ef5ea072138e7ba0d46651ce845af6881a00d",
}
# The answer digests moved once on purpose: the answers gained fields (per-storage ``stock[]``
# rows in every inventory, ``suggestSellPrice``, ``addMarkStatus``, ``productPro``/``productProEn``)
# and no existing field changed (checked by hashing the new answers without those keys: they
# gave the previous digests).
ANSWERS = {
    (0, 240): "af2f8af17e0e7c3fa6dda5a794c8457ce704c5885aceb134f8f3f483af3acdb2",
    (7, 240): "666dc6ac0c692c9d0d1aa8ee7bff66ccacad662eac475ed4b164b18f7581525f",
    (12345, 60): "ebf24ea8882295bccbae4f9497df41cd52ade7856a87df7ae103059ab9c32e62",
}

_FAKER_SENTENCE = re.compile(r"</p><p>.*</p>$")


def model_digest(c: Catalogue) -> str:
    doc: dict[str, Any] = loads(c.to_json())
    for p in doc["products"]:
        p["description"] = _FAKER_SENTENCE.sub("</p><p>~</p>", p["description"])
        p["supplier_name"] = "~" if p["supplier_name"] else ""
    return hashlib.sha256(dumps(doc)).hexdigest()


def answers_digest(c: Catalogue) -> str:
    """Every product endpoint's answer for a spread of products and searches."""
    parts: list[object] = [
        c.get_category(),
        c.product_list(page_size=200),
        c.product_list(page_num=2, page_size=200, sort="asc"),
        c.product_list(order_by="listedNum", page_size=50, country_code="US"),
        c.product_list_v2(size=100, features=["enable_category", "enable_description"]),
        c.product_list_v2(size=100, key_word="phone case", order_by=2, sort="asc"),
        c.product_list_v2(size=50, order_by=4, country_code="CN", start_warehouse_inventory=1,
                          features=["enable_video"]),
    ]
    for p in c.products:
        if not p.online:
            continue
        parts.append(c.product_query(pid=p.pid, features=["enable_inventory", "enable_video"]))
        parts.append(c.variant_query(product_sku=p.sku))
        parts.append(c.inventory_by_pid(p.pid))
        parts.append(c.stock_by_sku(p.sku))
        for v in p.variants:
            parts.append(c.stock_by_vid(v.vid))
            parts.append(c.variant_by_vid(v.vid, features=["enable_inventory"]))
    return hashlib.sha256(dumps(parts)).hexdigest()


@pytest.mark.parametrize(("seed", "products"), sorted(MODEL))
def test_generated_model_is_unchanged(seed: int, products: int) -> None:
    assert model_digest(generate(seed, products)) == MODEL[(seed, products)]


@pytest.mark.skipif(faker.VERSION != FAKER_VERSION,
                    reason=f"answer digests were taken with Faker {FAKER_VERSION}")
@pytest.mark.parametrize(("seed", "products"), sorted(ANSWERS))
def test_endpoint_answers_are_unchanged(seed: int, products: int) -> None:
    assert answers_digest(generate(seed, products)) == ANSWERS[(seed, products)]


def test_the_model_digest_sees_a_one_unit_stock_change() -> None:
    """The fingerprint is not blind: one unit of stock moves it."""
    c = generate(12345, 60)
    p = c.products[5]
    v = p.variants[0]
    s = v.stock[0]
    moved = type(s)(s.country, s.cj + 1, s.factory)
    changed = type(v)(**{**v.__dict__, "stock": (moved, *v.stock[1:])})
    replaced = type(p)(**{**p.__dict__, "variants": (changed, *p.variants[1:])})
    other = type(c)(c.categories, [*c.products[:5], replaced, *c.products[6:]], seed=c.seed,
                    splits=c.splits)
    assert model_digest(other) != model_digest(c)
