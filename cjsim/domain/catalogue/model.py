"""What a catalogue is made of: warehouses, categories, products, variants and base stock.

A new product or variant field goes here (a dataclass field), then into the generator
(:mod:`.generator`, which must draw it from the seed's rng *after* every existing draw, or the
seeded catalogues change), the pinned-file reader if it is not a plain JSON value
(:mod:`.pinned`), and the view(s) that show it (:mod:`.views`, :mod:`.search`).

What the model does NOT own: live stock. Reservations are state of the core's store, so a
variant keeps only its *base* stock per warehouse country, and every view that reports stock
takes ``reserved(vid, countryCode) -> units`` and subtracts it with :func:`levels`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

Reserved = Callable[[str, str], int]
"""(vid, countryCode) -> units currently reserved by orders in that warehouse country."""


DEFAULT_PRODUCTS = 240  # products of a generated catalogue
DEMO_SKU = "CJSJBHPK01234"
IMAGE_HOST = "https://img.cjsim.local"
VIDEO_HOST = "https://video.cjsim.local"


@dataclass(frozen=True)
class Warehouse:
    country: str
    area_id: int
    area_en: str
    country_name_en: str


# Warehouse countries, in areaId order. CN 1 and US 2 are CJ's; the rest are stable choices.
WAREHOUSES: Mapping[str, Warehouse] = MappingProxyType(
    {
        w.country: w
        for w in (
            Warehouse("CN", 1, "China Warehouse", "China"),
            Warehouse("US", 2, "US Warehouse", "United States of America (the)"),
            Warehouse("DE", 3, "Germany Warehouse", "Germany"),
            Warehouse(
                "GB", 4, "UK Warehouse",
                "United Kingdom of Great Britain and Northern Ireland (the)",
            ),
            Warehouse("TH", 5, "Thailand Warehouse", "Thailand"),
            Warehouse("FR", 6, "France Warehouse", "France"),
            Warehouse("AU", 7, "Australia Warehouse", "Australia"),
        )
    }
)


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    level: int  # 1, 2 or 3
    parent_id: str | None


@dataclass(frozen=True)
class BaseStock:
    """Base units of one variant in one warehouse country, before any reservation."""

    country: str
    cj: int
    factory: int


@dataclass(frozen=True)
class Variant:
    vid: str
    pid: str
    sku: str
    key: str  # "Black", "Black-XL"
    name_en: str
    name: str | None  # local (Chinese) name
    image: str
    length: int  # mm
    width: int
    height: int
    weight: int  # grams
    price: Decimal  # USD, variantSellPrice
    sug_price: Decimal
    create_us: int
    stock: tuple[BaseStock, ...]

    @property
    def volume(self) -> int:
        return self.length * self.width * self.height


@dataclass(frozen=True)
class Product:
    pid: str
    alias: str  # 19-digit numeric id, also accepted as pid
    sku: str
    name_en: str
    local_names: tuple[str, ...]
    category_id: str  # level 3
    images: tuple[str, ...]
    weight: int  # grams
    packing_weight: int
    product_type: str  # ORDINARY_PRODUCT | SUPPLIER_PRODUCT
    unit: str
    free_shipping: bool
    listed_num: int
    create_us: int
    description: str
    online: bool
    key_en: tuple[str, ...]  # variant dimension names: ("Color", "Size")
    key_zh: tuple[str, ...]
    entry_code: str
    entry_name: str
    entry_name_en: str
    material_zh: tuple[str, ...]
    material_en: tuple[str, ...]
    material_key: tuple[str, ...]
    packing_zh: tuple[str, ...]
    packing_en: tuple[str, ...]
    packing_key: tuple[str, ...]
    pro_zh: tuple[str, ...]
    pro_en: tuple[str, ...]
    sug_price: Decimal
    is_video: bool
    supplier_name: str
    supplier_id: str
    delivery_cycle: str
    variants: tuple[Variant, ...]

    @property
    def sell_price(self) -> Decimal:
        return min(v.price for v in self.variants)

    @property
    def max_price(self) -> Decimal:
        return max(v.price for v in self.variants)

    @property
    def videos(self) -> list[str]:
        return [f"{VIDEO_HOST}/p/{self.pid[:8]}.mp4"] if self.is_video else []


def levels(variant: Variant, reserved: Reserved | None) -> list[tuple[str, int, int]]:
    """(country, cj, factory) per warehouse row, after reservations: CJ's own stock first."""
    rows = []
    for s in variant.stock:
        held = max(0, reserved(variant.vid, s.country)) if reserved else 0
        cj = max(0, s.cj - held)
        factory = max(0, s.factory - max(0, held - s.cj))
        rows.append((s.country, cj, factory))
    return rows

