"""The pinned-file format (``--catalog FILE``): a catalogue as UTF-8 JSON, and back.

:meth:`Catalogue.to_json <cjsim.domain.catalogue.core.Catalogue.to_json>` writes, and
:meth:`Catalogue.from_json <cjsim.domain.catalogue.core.Catalogue.from_json>` reads::

    {"format": "cjsim-catalogue", "version": 1, "seed": 0 | null,
     "categories": [{"id", "name", "level": 1|2|3, "parent_id": str|null}, ...],
     "products": [{<every field of Product, snake_case>, "variants": [
         {<every field of Variant>, "stock": [{"country", "cj", "factory"}, ...]}, ...]}]}

Money is written as a decimal string ("8.13"), tuples as lists, times as epoch microseconds
(``create_us``). Categories must list parents before children; product ``category_id`` is a
level-3 id; stock countries must be warehouse countries (:data:`~.model.WAREHOUSES`).

A new model field is written by ``asdict`` on its own; if it is not a plain JSON value
(a tuple, a Decimal, a dataclass), teach :func:`product_from` / :func:`_variant_from` to read
it back, and bump :data:`FORMAT_VERSION` if old files can no longer be read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from decimal import Decimal
from typing import Any

from cjsim.domain.catalogue.model import BaseStock, Category, Product, Variant
from cjsim.money import money

FORMAT = "cjsim-catalogue"
FORMAT_VERSION = 1


def to_document(seed: int | None, categories: Sequence[Category],
                products: Sequence[Product]) -> dict[str, Any]:
    return {
        "format": FORMAT, "version": FORMAT_VERSION, "seed": seed,
        "categories": [asdict(c) for c in categories],
        "products": [_plain(asdict(p)) for p in products],
    }


def from_document(doc: Mapping[str, Any]) -> tuple[list[Category], list[Product], int | None]:
    """(categories, products, seed); ValueError naming what is wrong."""
    if doc.get("format") != FORMAT or doc.get("version") != FORMAT_VERSION:
        raise ValueError(f"not a {FORMAT} version {FORMAT_VERSION} document")
    try:
        cats = [Category(**c) for c in doc["categories"]]
        items = [product_from(p) for p in doc["products"]]
    except (KeyError, TypeError) as exc:
        raise ValueError(f"bad catalogue document: {exc}") from exc
    return cats, items, doc.get("seed")


def _plain(value: Any) -> Any:
    """asdict output -> JSON-ready: Decimal as string, tuples as lists."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


_TUPLE_FIELDS = ("local_names", "images", "key_en", "key_zh", "material_zh", "material_en",
                 "material_key", "packing_zh", "packing_en", "packing_key", "pro_zh", "pro_en")


def _variant_from(d: Mapping[str, Any]) -> Variant:
    return Variant(**{
        **d, "price": money(d["price"]), "sug_price": money(d["sug_price"]),
        "stock": tuple(BaseStock(**s) for s in d["stock"]),
    })


def product_from(d: Mapping[str, Any]) -> Product:
    fields = dict(d)
    for name in _TUPLE_FIELDS:
        fields[name] = tuple(fields[name])
    fields["sug_price"] = money(fields["sug_price"])
    fields["variants"] = tuple(_variant_from(v) for v in fields["variants"])
    return Product(**fields)
