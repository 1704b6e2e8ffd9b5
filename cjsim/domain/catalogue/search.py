"""The two product searches: ``product/list`` (P1) and ``product/listV2`` (P2):
docs/endpoints.md, docs/catalogue.md.

Each filter the route declares is a keyword argument here (snake_case) and narrows the result
as docs/endpoints.md documents; filters AND together and unknown ids simply match nothing.
``tests/domain/test_catalogue_search.py`` has one behaviour test per filter: a new filter
gets a route field, a parameter here, and a test there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from cjsim.domain.catalogue.formats import china_iso, json_array, price_text, suggest_price
from cjsim.domain.catalogue.index import CatalogueIndex
from cjsim.domain.catalogue.model import WAREHOUSES, Product, Reserved, levels
from cjsim.errors import illegal


class SearchViews(CatalogueIndex):
    """product/list and product/listV2."""

    # -- §4.2 -------------------------------------------------------------------------------

    def product_list(
        self, *, page_num: int = 1, page_size: int = 20,
        product_name_en: str | None = None, product_name: str | None = None,
        pid: str | None = None, product_sku: str | None = None,
        category_id: str | None = None, country_code: str | None = None,
        min_price: Decimal | None = None, max_price: Decimal | None = None,
        start_inventory: int | None = None, end_inventory: int | None = None,
        create_time_from: int | None = None, create_time_to: int | None = None,
        order_by: str | None = None, sort: str | None = None,
        product_type: str | None = None, is_free_shipping: bool | int | None = None,
        min_listed_num: int | None = None, max_listed_num: int | None = None,
        supplier_id: str | None = None, verified_warehouse: int | None = None,
        reserved: Reserved | None = None,
    ) -> dict[str, Any]:
        """P1 search. Filters AND together; unknown ids simply match nothing."""
        items = self._online()
        en_words = _words_of(product_name_en)
        if en_words:
            items = [p for p in items if _all_in(en_words, p.name_en.lower())]
        local_words = _words_of(product_name)
        if local_words:
            items = [p for p in items if _all_in(local_words, p.name_en.lower())
                     or _all_in(local_words, " ".join(p.local_names).lower())]
        if pid:
            items = [p for p in items if p is self._by_pid.get(pid.strip().upper())]
        if product_sku:
            items = [p for p in items if p.sku.upper() == product_sku.strip().upper()]
        if category_id:
            leaf_ids = self._subtree(category_id)
            items = [p for p in items if p.category_id in leaf_ids]
        if country_code:
            code = country_code.upper()
            items = [p for p in items if self._stock_of(p, reserved, code) > 0]
        if min_price is not None:
            items = [p for p in items if p.sell_price >= min_price]
        if max_price is not None:
            items = [p for p in items if p.sell_price <= max_price]
        if start_inventory is not None or end_inventory is not None:
            low = start_inventory if start_inventory is not None else 0
            high = end_inventory
            totals = {p.pid: self._stock_of(p, reserved) for p in items}
            items = [p for p in items
                     if low <= totals[p.pid] and (high is None or totals[p.pid] <= high)]
        if create_time_from is not None:
            items = [p for p in items if p.create_us >= create_time_from]
        if create_time_to is not None:
            items = [p for p in items if p.create_us <= create_time_to]
        if product_type:
            items = [p for p in items if p.product_type == product_type]
        if is_free_shipping is not None:
            items = [p for p in items if p.free_shipping == bool(is_free_shipping)]
        if min_listed_num is not None:
            items = [p for p in items if p.listed_num >= min_listed_num]
        if max_listed_num is not None:
            items = [p for p in items if p.listed_num <= max_listed_num]
        items = self._by_supplier(items, supplier_id, verified_warehouse)
        order = order_by or "createAt"
        if order not in ("createAt", "listedNum"):
            raise illegal("orderBy must be createAt or listedNum")
        desc = _descending(sort)
        if order == "createAt":
            items = self._sorted(items, lambda p: p.create_us, desc)
        else:
            items = self._sorted(items, lambda p: p.listed_num, desc)
        return {"pageNum": page_num, "pageSize": page_size, "total": len(items),
                "list": [self._list_item(p) for p in _page(items, page_num, page_size)]}

    def _list_item(self, p: Product) -> dict[str, Any]:
        return {
            "pid": p.pid, "productName": json_array(p.local_names), "productNameEn": p.name_en,
            "productSku": p.sku, "productImage": p.images[0], "productWeight": p.weight,
            "productType": p.product_type, "productUnit": p.unit, "sellPrice": p.sell_price,
            "suggestSellPrice": suggest_price(p),
            "categoryId": p.category_id, "categoryName": self._path_name(p), "remark": "",
            "addMarkStatus": int(p.free_shipping), "isFreeShipping": p.free_shipping,
            "listedNum": p.listed_num, "supplierName": p.supplier_name,
            "supplierId": p.supplier_id, "createTime": china_iso(p.create_us),
            "isVideo": int(p.is_video), "saleStatus": 3, "customizationVersion": 0,
        }

    # -- §4.3 -------------------------------------------------------------------------------

    def product_list_v2(
        self, *, page: int = 1, size: int = 10, key_word: str | None = None,
        category_id: str | None = None, lv2category_list: Sequence[str] = (),
        lv3category_list: Sequence[str] = (), country_code: str | None = None,
        start_sell_price: Decimal | None = None, end_sell_price: Decimal | None = None,
        start_warehouse_inventory: int | None = None, end_warehouse_inventory: int | None = None,
        add_mark_status: int | None = None, time_start: int | None = None,
        time_end: int | None = None, order_by: int | None = None, sort: str | None = None,
        features: Sequence[str] = (), product_type: str | int | None = None,
        supplier_id: str | None = None, verified_warehouse: int | None = None,
        reserved: Reserved | None = None,
    ) -> dict[str, Any]:
        """P2 search. ``timeStart``/``timeEnd`` are epoch milliseconds, as CJ sends them."""
        code = country_code.upper() if country_code else None
        items = self._online()
        words = _words_of(key_word)
        if words:
            items = [p for p in items if self._keyword_hit(p, words, key_word or "")]
        if category_id:
            leaf_ids = self._subtree(category_id)
            items = [p for p in items if p.category_id in leaf_ids]
        if lv2category_list:
            wanted = {c.strip().upper() for c in lv2category_list}
            items = [p for p in items
                     if (self.category_path(p.category_id)[1].id.upper() in wanted)]
        if lv3category_list:
            wanted = {c.strip().upper() for c in lv3category_list}
            items = [p for p in items if p.category_id.upper() in wanted]
        stock = {p.pid: self._stock_of(p, reserved, code) for p in items}
        if code:
            items = [p for p in items if stock[p.pid] > 0]
        if start_sell_price is not None:
            items = [p for p in items if p.sell_price >= start_sell_price]
        if end_sell_price is not None:
            items = [p for p in items if p.sell_price <= end_sell_price]
        if start_warehouse_inventory is not None:
            items = [p for p in items if stock[p.pid] >= start_warehouse_inventory]
        if end_warehouse_inventory is not None:
            items = [p for p in items if stock[p.pid] <= end_warehouse_inventory]
        if add_mark_status is not None:
            items = [p for p in items if int(p.free_shipping) == int(add_mark_status)]
        if time_start is not None:
            items = [p for p in items if p.create_us // 1000 >= time_start]
        if time_end is not None:
            items = [p for p in items if p.create_us // 1000 <= time_end]
        items = _by_product_type(items, product_type)
        items = self._by_supplier(items, supplier_id, verified_warehouse)
        items = self._order_v2(items, order_by, sort, key_word, stock)
        total = len(items)
        with_category = "enable_category" in features
        related = self._related_categories(items)
        content = {
            "productList": [self._v2_item(p, stock[p.pid], features)
                            for p in _page(items, page, size)],
            "relatedCategoryList": related,
            "categoryList": related if with_category else None,
            "storeList": self._stores(items, reserved, code),
            "keyWord": key_word, "keyWordOld": key_word, "searchHit": f"1::{total}",
        }
        return {"pageSize": size, "pageNumber": page, "totalRecords": total,
                "totalPages": -(-total // size) if total else 0, "content": [content]}

    def _by_supplier(self, items: list[Product], supplier_id: str | None,
                     verified: int | None) -> list[Product]:
        """supplierId: that supplier's products; verifiedWarehouse 1 verified, 2 unverified.

        Other verifiedWarehouse values have no documented meaning and select nothing out.
        """
        if supplier_id:
            wanted = supplier_id.strip().upper()
            items = [p for p in items if p.supplier_id.upper() == wanted]
        if verified in (1, 2):
            items = [p for p in items if self._verified(p) == verified]
        return items

    def _keyword_hit(self, p: Product, words: Sequence[str], keyword: str) -> bool:
        if _all_in(words, p.name_en.lower()):
            return True
        wanted = keyword.strip().upper()
        return wanted == p.sku.upper() or any(wanted == v.sku.upper() for v in p.variants)

    def _order_v2(self, items: list[Product], order_by: int | None, sort: str | None,
                  key_word: str | None, stock: Mapping[str, int]) -> list[Product]:
        """0 best match: names holding the whole phrase first, then catalogue order."""
        order = 0 if order_by is None else order_by
        desc = _descending(sort)
        if order == 0:
            phrase = " ".join(_words_of(key_word))
            return sorted(items, key=lambda p: phrase not in p.name_en.lower()) if phrase \
                else items
        keys: dict[int, Callable[[Product], Any]] = {
            1: lambda p: p.listed_num, 2: lambda p: p.sell_price, 3: lambda p: p.create_us,
            4: lambda p: stock[p.pid],
        }
        if order not in keys:
            raise illegal("orderBy must be 0..4")
        return self._sorted(items, keys[order], desc)

    def _related_categories(self, items: Iterable[Product]) -> list[dict[str, Any]]:
        seen: dict[str, str] = {}
        for p in items:
            if p.category_id not in seen:
                seen[p.category_id] = self._cat[p.category_id.upper()].name
        return [{"categoryId": k, "categoryName": v} for k, v in seen.items()]

    def _stores(self, items: Iterable[Product], reserved: Reserved | None,
                country: str | None) -> list[dict[str, Any]]:
        held: set[str] = set()
        for p in items:
            for v in p.variants:
                held.update(c for c, cj, f in levels(v, reserved) if cj + f > 0)
        return [{"warehouseId": str(w.area_id), "warehouseName": w.area_en,
                 "countryCode": w.country}
                for w in WAREHOUSES.values()
                if w.country in held and (country is None or w.country == country)]

    def _v2_item(self, p: Product, stock: int, features: Sequence[str]) -> dict[str, Any]:
        path = self.category_path(p.category_id)
        names = "enable_category" in features
        price = price_text(p.sell_price, p.max_price)
        supplier = p.product_type == "SUPPLIER_PRODUCT"
        return {
            "id": p.pid, "nameEn": p.name_en, "sku": p.sku, "spu": p.sku,
            "bigImage": p.images[0], "sellPrice": price, "nowPrice": price,
            "suggestSellPrice": suggest_price(p),
            "discountPrice": price, "discountPriceRate": "0", "listedNum": p.listed_num,
            "categoryId": p.category_id, "twoCategoryId": path[1].id, "oneCategoryId": path[0].id,
            "threeCategoryName": path[2].name if names else None,
            "twoCategoryName": path[1].name if names else None,
            "oneCategoryName": path[0].name if names else None,
            "addMarkStatus": int(p.free_shipping), "isVideo": int(p.is_video),
            "videoList": p.videos if "enable_video" in features else [],
            "productType": p.product_type, "supplierName": p.supplier_name,
            "createAt": p.create_us // 1000, "warehouseInventoryNum": stock,
            "totalVerifiedInventory": 0 if supplier else stock,
            "totalUnVerifiedInventory": stock if supplier else 0,
            "verifiedWarehouse": self._verified(p), "customization": 0, "isPersonalized": 0,
            "hasCECertification": 0, "isCollect": 0, "myProduct": False, "currency": "USD",
            "description": p.description if "enable_description" in features else None,
            "deliveryCycle": p.delivery_cycle, "saleStatus": "3", "authorityStatus": "1",
        }


def _words_of(text: str | None) -> list[str]:
    return text.lower().split() if text else []


def _all_in(words: Sequence[str], haystack: str) -> bool:
    return all(w in haystack for w in words)


def _page(items: Sequence[Any], page: int, size: int) -> list[Any]:
    start = (page - 1) * size
    return list(items[start:start + size]) if start >= 0 else []


def _descending(sort: str | None) -> bool:
    if sort in (None, "", "desc", "DESC"):
        return True
    if sort in ("asc", "ASC"):
        return False
    raise illegal("sort must be desc or asc")


# listV2 productType by name (what CJ's product objects call the types, and what clients send)
# -> the documented number; ORDINARY_PRODUCT has no number and selects non-supplier products.
PRODUCT_TYPE_NAMES = {"SUPPLIER_PRODUCT": 4, "VIDEO_PRODUCT": 10, "NON_VIDEO_PRODUCT": 11,
                      "ORDINARY_PRODUCT": -1}


def _product_type_code(value: str | int | None) -> int | None:
    """A number (``4``, ``"10"``) or one of :data:`PRODUCT_TYPE_NAMES`; else 1600300."""
    if value is None or isinstance(value, int):
        return value
    text = value.strip()
    if text.lstrip("-").isdigit():
        return int(text)
    code = PRODUCT_TYPE_NAMES.get(text.upper())
    if code is None:
        raise illegal(f"productType must be a number or one of {', '.join(PRODUCT_TYPE_NAMES)}, "
                      f"got {value!r}")
    return code


def _by_product_type(items: list[Product], value: str | int | None) -> list[Product]:
    """listV2 product_type: 4 supplier, 10 with video, 11 without, ORDINARY_PRODUCT not a
    supplier's; other numbers ignored."""
    product_type = _product_type_code(value)
    if product_type == -1:
        return [p for p in items if p.product_type == "ORDINARY_PRODUCT"]
    if product_type == 4:
        return [p for p in items if p.product_type == "SUPPLIER_PRODUCT"]
    if product_type == 10:
        return [p for p in items if p.is_video]
    if product_type == 11:
        return [p for p in items if not p.is_video]
    return items

