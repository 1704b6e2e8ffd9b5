"""The product catalogue: a seeded, deterministic category tree of products and variants.

Where things go (one module per concept; this ``__init__`` only re-exports):

============  ==============================================================================
module        holds
============  ==============================================================================
``model``     the dataclasses (warehouse, category, product, variant, base stock): a new
              product or variant *field* starts here
``words``     the word lists and the category tree the generator draws from: a new
              category, noun, adjective, dimension value or material
``generator`` ``generate(seed)``: the draws, in a fixed order (new draws go last)
``index``     ``CatalogueIndex``: products by pid/alias/SKU/vid, category subtrees, stock
              sums, the look-ups every view shares
``views``     the answers of getCategory, query, variant and stock endpoints
``search``    the answers of product/list and product/listV2 (one keyword per filter)
``warehouses`` CJ's storages (sub-warehouses), warehouse/detail, globalWarehouseList and the
              per-storage ``stock[]`` rows of every inventory answer
``comments``  productComments / comments (their own seeded stream) and queryProductsByImage
``changes``   changes made from a test (shelf status, prices, stock), laid over the catalogue
``formats``   CJ's time strings, price ranges and JSON-encoded arrays
``pinned``    the ``--catalog FILE`` JSON format (to and from)
``core``      ``Catalogue``: the index with every view mixed in
============  ==============================================================================

A view for a new endpoint is a method of a view mixin (``views``, ``search``, or a new module
for a new family, e.g. ``warehouses``), named after the endpoint and taking the route's
fields as snake_case keyword arguments; ``cjsim/api/bind.py`` converts the names and
``tests/api/test_route_fields.py`` fails if a declared field has no parameter.

What the catalogue does NOT own: live stock. Reservations are state of the core's store, so
the catalogue keeps only the *base* inventory, and every view that reports inventory takes
``reserved(vid, countryCode) -> units`` and subtracts it (CJ's own stock first, then factory).

Importing this package is cheap (no Faker): :func:`generate` imports Faker on first use, so
``import cjsim`` stays light.
"""

from __future__ import annotations

from cjsim.domain.catalogue.core import Catalogue
from cjsim.domain.catalogue.formats import china_iso, price_text, utc_ms_iso
from cjsim.domain.catalogue.generator import generate
from cjsim.domain.catalogue.model import (
    DEFAULT_PRODUCTS,
    DEMO_SKU,
    WAREHOUSES,
    BaseStock,
    Category,
    Product,
    Reserved,
    Variant,
    Warehouse,
)
from cjsim.domain.catalogue.pinned import FORMAT, FORMAT_VERSION

__all__ = [
    "DEFAULT_PRODUCTS", "DEMO_SKU", "FORMAT", "FORMAT_VERSION", "WAREHOUSES", "BaseStock",
    "Catalogue", "Category", "Product", "Reserved", "Variant", "Warehouse", "china_iso",
    "generate", "price_text", "utc_ms_iso",
]
