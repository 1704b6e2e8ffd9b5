"""The ``data`` of the product endpoints that show one product, its variants or its stock.

docs/endpoints.md ("products"). One method per endpoint, named after it, taking the route's fields
as snake_case keyword arguments (``productSku`` -> ``product_sku``; the handler converts, see
``cjsim/api/bind.py``) plus ``reserved`` for live stock. A field the route declares must be a
parameter here and must change the answer (``tests/api/test_route_fields.py`` checks the
first). The two searches live in :mod:`.search`.

A view for a new product endpoint goes in this module (or, for a new family such as
warehouses or comments, in a sibling module with its own mixin class added to
:class:`~cjsim.domain.catalogue.core.Catalogue`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import orjson

from cjsim.domain.catalogue.formats import (
    china_iso,
    json_array,
    price_text,
    suggest_price,
    utc_ms_iso,
)
from cjsim.domain.catalogue.model import WAREHOUSES, Product, Reserved, Variant, Warehouse, levels
from cjsim.domain.catalogue.warehouses import WarehouseViews
from cjsim.money import money


def number(amount: Decimal) -> orjson.Fragment:
    """An amount as the JSON number it is written as (``4.10``), made once for the cached
    parts of an answer: ``jsonenc`` would call back into Python for each ``Decimal`` of
    every answer (a product/query answer holds up to 26)."""
    return orjson.Fragment(str(amount))


class ProductViews(WarehouseViews):
    """Detail, variant and stock answers (the ``stock[]`` rows come from :mod:`.warehouses`)."""

    # -- §4.1 -------------------------------------------------------------------------------

    def get_category(self) -> list[dict[str, Any]]:
        out = []
        for first in self.categories:
            if first.level != 1:
                continue
            seconds = []
            for second in self._children.get(first.id.upper(), ()):
                thirds = [{"categoryId": t.id, "categoryName": t.name}
                          for t in self._children.get(second.id.upper(), ())]
                seconds.append({"categorySecondName": second.name, "categorySecondList": thirds})
            out.append({"categoryFirstName": first.name, "categoryFirstList": seconds})
        return out

    # -- pieces shared by the views that return variants ------------------------------------

    def _inventory_rows(self, v: Variant, reserved: Reserved | None,
                        country: str | None = None) -> list[dict[str, Any]]:
        verified = self._verified(self.product_of(v))
        return [
            {"countryCode": c, "totalInventory": cj + f, "cjInventory": cj,
             "factoryInventory": f, "verifiedWarehouse": verified,
             "stock": self.stock_rows((v,), c, reserved)}
            for c, cj, f in levels(v, reserved) if country is None or c == country
        ]

    def variant_data(self, v: Variant, inventory: bool = False,
                     reserved: Reserved | None = None) -> dict[str, Any]:
        """The Variant object (docs/endpoints.md, product/query) (same on every endpoint that returns variants)."""
        head = self._variant_heads.get(v.vid)
        if head is None:
            head = self._variant_heads[v.vid] = {
                "vid": v.vid, "pid": v.pid, "variantName": v.name, "variantNameEn": v.name_en,
                "variantSku": v.sku, "variantImage": v.image,
                "variantStandard": f"long={v.length},width={v.width},height={v.height}",
                "variantUnit": None, "variantProperty": None, "variantKey": v.key,
                "variantLength": v.length, "variantWidth": v.width, "variantHeight": v.height,
                "variantVolume": v.volume, "variantWeight": number(money(v.weight)),
                "variantSellPrice": number(v.price), "variantSugSellPrice": number(v.sug_price),
                "createTime": utc_ms_iso(v.create_us),
            }
        out = dict(head)
        if inventory:
            out["inventories"] = self._inventory_rows(v, reserved)
        return out

    # -- §4.4 -------------------------------------------------------------------------------

    def product_query(
        self, pid: str | None = None, product_sku: str | None = None,
        variant_sku: str | None = None, features: Sequence[str] = (),
        country_code: str | None = None, reserved: Reserved | None = None,
    ) -> dict[str, Any]:
        p, _ = self._resolve(pid, product_sku, variant_sku)
        variants = self._in_country(p.variants, country_code, reserved)
        inventory = "enable_inventory" in features
        head = self._product_heads.get(p.pid)
        if head is None:
            head = self._product_heads[p.pid] = self._product_head(p)
        out = dict(head)
        out["productVideo"] = p.videos if "enable_video" in features else []
        out["createrTime"] = head["createrTime"]  # keeps CJ's key order after productVideo
        out["customizationVersion"] = 0
        out["variants"] = [self.variant_data(v, inventory, reserved) for v in variants]
        return out

    def _product_head(self, p: Product) -> dict[str, Any]:
        """The parts of a product/query answer that depend on the product alone."""
        low, high = p.sell_price, p.max_price
        return {
            "pid": p.pid, "productName": json_array(p.local_names), "productNameEn": p.name_en,
            "productSku": p.sku, "bigImage": p.images[0], "productImage": p.images[0],
            "productImageSet": list(p.images), "productWeight": f"{p.weight}.0",
            "packingWeight": f"{p.packing_weight}.0", "productUnit": p.unit,
            "productType": p.product_type, "categoryId": p.category_id,
            "categoryName": self._path_name(p), "entryCode": p.entry_code,
            "entryName": p.entry_name, "entryNameEn": p.entry_name_en,
            "materialName": json_array(p.material_zh),
            "materialNameEn": json_array(p.material_en),
            "materialKey": json_array(p.material_key),
            "packingName": json_array(p.packing_zh), "packingNameEn": json_array(p.packing_en),
            "packingKey": json_array(p.packing_key), "productKey": json_array(p.key_zh),
            "productKeyEn": "-".join(p.key_en), "productProSet": list(p.pro_zh),
            "productProEnSet": list(p.pro_en), "productPro": json_array(p.pro_zh),
            "productProEn": json_array(p.pro_en),
            "sellPrice": number(low) if low == high else price_text(low, high),
            "productSugSellPrice": number(p.sug_price), "suggestSellPrice": suggest_price(p),
            "addMarkStatus": int(p.free_shipping), "description": p.description, "status": "3",
            "listedNum": p.listed_num, "supplierName": p.supplier_name,
            "supplierId": p.supplier_id, "productVideo": [],
            "createrTime": china_iso(p.create_us),
        }

    def _in_country(self, variants: Iterable[Variant], country: str | None,
                    reserved: Reserved | None) -> list[Variant]:
        """With a country: only variants that have available stock there."""
        if not country:
            return list(variants)
        code = country.upper()
        return [v for v in variants
                if any(c == code and cj + f > 0 for c, cj, f in levels(v, reserved))]

    # -- §4.5 -------------------------------------------------------------------------------

    def variant_query(
        self, pid: str | None = None, product_sku: str | None = None,
        variant_sku: str | None = None, country_code: str | None = None,
        reserved: Reserved | None = None,
    ) -> list[dict[str, Any]]:
        """A product's variants; by ``variant_sku`` alone, just that variant."""
        p, only = self._resolve(pid, product_sku, variant_sku)
        variants = (only,) if only is not None else p.variants
        return [self.variant_data(v) for v in self._in_country(variants, country_code, reserved)]

    def variant_by_vid(self, vid: str, features: Sequence[str] = (),
                       reserved: Reserved | None = None) -> dict[str, Any]:
        return self.variant_data(self.variant(vid), "enable_inventory" in features, reserved)

    # -- §4.6 -------------------------------------------------------------------------------

    def stock_by_vid(self, vid: str, reserved: Reserved | None = None) -> list[dict[str, Any]]:
        v = self.variant(vid)
        out = []
        for c, cj, f in levels(v, reserved):
            w = WAREHOUSES[c]
            out.append({"vid": v.vid, "areaId": w.area_id, "areaEn": w.area_en,
                        "countryCode": c, "storageNum": cj + f, "totalInventoryNum": cj + f,
                        "cjInventoryNum": cj, "factoryInventoryNum": f,
                        "stock": self.stock_rows((v,), c, reserved, num=True)})
        return out

    def stock_by_vid_rows(self, v: Variant, reserved: Reserved | None) -> list[dict[str, Any]]:
        """A STOCK webhook's rows of one variant: the new total per warehouse (cj-api §8.4)."""
        return [{"vid": v.vid, "areaId": WAREHOUSES[c].area_id, "areaEn": WAREHOUSES[c].area_en,
                 "countryCode": c, "storageNum": cj + f} for c, cj, f in levels(v, reserved)]

    def stock_by_sku(self, sku: str, reserved: Reserved | None = None) -> list[dict[str, Any]]:
        """A variant SKU gives its stock; a product SKU (SPU) the sum over its variants."""
        found = self._by_vsku.get(sku.strip().upper())
        if found is not None and found[0].online:
            variants: Sequence[Variant] = (found[1],)
        else:
            variants = self.product_by_sku(sku).variants
        return [
            {"areaId": w.area_id, "areaEn": w.area_en, "countryCode": w.country,
             "countryNameEn": w.country_name_en, "totalInventoryNum": cj + f,
             "cjInventoryNum": cj, "factoryInventoryNum": f,
             "stock": self.stock_rows(variants, w.country, reserved, num=True)}
            for w, cj, f in self._per_country(variants, reserved)
        ]

    def inventory_by_pid(self, pid: str, country_code: str | None = None,
                         reserved: Reserved | None = None) -> dict[str, Any]:
        p = self.product(pid)
        code = country_code.upper() if country_code else None
        sums = [
            {"areaEn": w.area_en, "areaId": w.area_id, "countryCode": w.country,
             "totalInventoryNum": cj + f, "cjInventoryNum": cj, "factoryInventoryNum": f,
             "countryNameEn": w.country_name_en,
             "stock": self.stock_rows(p.variants, w.country, reserved, num=True)}
            for w, cj, f in self._per_country(p.variants, reserved)
            if code is None or w.country == code
        ]
        per_variant = [{"vid": v.vid, "inventory": self._inventory_rows(v, reserved, code)}
                       for v in p.variants]
        return {"inventories": sums, "variantInventories": per_variant}

    def _per_country(self, variants: Iterable[Variant],
                     reserved: Reserved | None) -> list[tuple[Warehouse, int, int]]:
        """(warehouse, cj, factory) summed over variants, for countries with a row."""
        sums: dict[str, list[int]] = {}
        for v in variants:
            for c, cj, f in levels(v, reserved):
                acc = sums.setdefault(c, [0, 0])
                acc[0] += cj
                acc[1] += f
        return [(w, sums[w.country][0], sums[w.country][1])
                for w in WAREHOUSES.values() if w.country in sums]
