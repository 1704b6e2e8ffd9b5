"""One behaviour test per search filter of product/list and product/listV2 (docs/endpoints.md, docs/catalogue.md).

Each filter case names the route field it tests, the keyword the catalogue takes, and a
predicate computed from the model, independently of the view. The search must return exactly
the online products the predicate accepts, and the case must narrow: some online products
pass, some do not (so a filter that is ignored fails, and so does one that drops everything).
``test_every_declared_filter_has_a_case`` fails when a route declares a field with no case
here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from cjsim.domain.catalogue import Catalogue, Product, generate
from cjsim.errors import CJError
from cjsim.routes import default_table

N = 150  # all online products fit in one page of either search


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return generate(11, N)


def _online(c: Catalogue) -> list[Product]:
    return [p for p in c.products if p.online]


def _stock(p: Product, country: str | None = None) -> int:
    return sum(s.cj + s.factory for v in p.variants for s in v.stock
               if country is None or s.country == country)


def list_pids(c: Catalogue, **kw: Any) -> list[str]:
    data = c.product_list(page_size=200, **kw)
    assert data["total"] == len(data["list"])
    return [item["pid"] for item in data["list"]]


def v2_pids(c: Catalogue, **kw: Any) -> list[str]:
    data = c.product_list_v2(size=200, **kw)
    assert data["totalRecords"] == len(data["content"][0]["productList"])
    return [item["id"] for item in data["content"][0]["productList"]]


# A case's arguments depend on the catalogue (ids, a price or time in the middle of the range).
Args = Callable[[Catalogue], dict[str, Any]]
Pred = Callable[[Catalogue, Product], bool]


@dataclass(frozen=True)
class Case:
    field: str  # the route's field
    args: Args
    pred: Pred
    name: str = ""

    @property
    def id(self) -> str:
        return self.name or self.field


def _median(values: Sequence[Any]) -> Any:
    return sorted(values)[len(values) // 2]


def _mid_price(c: Catalogue) -> Decimal:
    return Decimal(_median([p.sell_price for p in _online(c)]))


def _mid_stock(c: Catalogue) -> int:
    return int(_median([_stock(p) for p in _online(c)]))


def _mid_us(c: Catalogue) -> int:
    return int(_median([p.create_us for p in _online(c)]))


def _level(c: Catalogue, p: Product, level: int) -> str:
    return c.category_path(p.category_id)[level - 1].id


def _demo(c: Catalogue) -> Product:
    return c.products[0]


def _other(c: Catalogue) -> Product:
    """An online product in another first-level category than the demo."""
    top = _level(c, _demo(c), 1)
    return next(p for p in _online(c) if _level(c, p, 1) != top)


def _supplier(c: Catalogue) -> str:
    return next(p.supplier_id for p in _online(c) if p.supplier_id)


def _mid_listed(c: Catalogue) -> int:
    return int(_median([p.listed_num for p in _online(c)]))


def _words(text: str, name: str) -> bool:
    return all(w in name.lower() for w in text.lower().split())


SUPPLIER_CASES = [
    Case("supplierId", lambda c: {"supplier_id": _supplier(c).lower()},
         lambda c, p: p.supplier_id == _supplier(c)),
    Case("verifiedWarehouse", lambda c: {"verified_warehouse": 1},
         lambda c, p: p.product_type == "ORDINARY_PRODUCT"),
    Case("verifiedWarehouse", lambda c: {"verified_warehouse": 2},
         lambda c, p: p.product_type == "SUPPLIER_PRODUCT", "verifiedWarehouse 2"),
]

LIST_CASES = [
    Case("productNameEn", lambda c: {"product_name_en": "Phone Case"},
         lambda c, p: _words("phone case", p.name_en)),
    Case("productName", lambda c: {"product_name": "手机壳"},
         lambda c, p: any("手机壳" in n for n in p.local_names), "productName local"),
    Case("productName", lambda c: {"product_name": "phone case"},
         lambda c, p: _words("phone case", p.name_en), "productName english"),
    Case("pid", lambda c: {"pid": _other(c).pid.lower()}, lambda c, p: p is _other(c)),
    Case("pid", lambda c: {"pid": _other(c).alias}, lambda c, p: p is _other(c), "pid alias"),
    Case("productSku", lambda c: {"product_sku": _other(c).sku}, lambda c, p: p is _other(c)),
    Case("categoryId", lambda c: {"category_id": _level(c, _demo(c), 1)},
         lambda c, p: _level(c, p, 1) == _level(c, _demo(c), 1), "categoryId level 1"),
    Case("categoryId", lambda c: {"category_id": _level(c, _other(c), 3)},
         lambda c, p: p.category_id == _other(c).category_id, "categoryId level 3"),
    Case("countryCode", lambda c: {"country_code": "us"}, lambda c, p: _stock(p, "US") > 0),
    Case("minPrice", lambda c: {"min_price": _mid_price(c)},
         lambda c, p: p.sell_price >= _mid_price(c)),
    Case("maxPrice", lambda c: {"max_price": _mid_price(c)},
         lambda c, p: p.sell_price <= _mid_price(c)),
    Case("startInventory", lambda c: {"start_inventory": _mid_stock(c)},
         lambda c, p: _stock(p) >= _mid_stock(c)),
    Case("endInventory", lambda c: {"end_inventory": _mid_stock(c)},
         lambda c, p: _stock(p) <= _mid_stock(c)),
    Case("createTimeFrom", lambda c: {"create_time_from": _mid_us(c)},
         lambda c, p: p.create_us >= _mid_us(c)),
    Case("createTimeTo", lambda c: {"create_time_to": _mid_us(c)},
         lambda c, p: p.create_us <= _mid_us(c)),
    Case("productType", lambda c: {"product_type": "SUPPLIER_PRODUCT"},
         lambda c, p: p.product_type == "SUPPLIER_PRODUCT"),
    Case("productType", lambda c: {"product_type": "ORDINARY_PRODUCT"},
         lambda c, p: p.product_type == "ORDINARY_PRODUCT", "productType ordinary"),
    Case("isFreeShipping", lambda c: {"is_free_shipping": 1}, lambda c, p: p.free_shipping),
    Case("isFreeShipping", lambda c: {"is_free_shipping": 0}, lambda c, p: not p.free_shipping,
         "isFreeShipping 0"),
    Case("minListedNum", lambda c: {"min_listed_num": _mid_listed(c)},
         lambda c, p: p.listed_num >= _mid_listed(c)),
    Case("maxListedNum", lambda c: {"max_listed_num": _mid_listed(c)},
         lambda c, p: p.listed_num <= _mid_listed(c)),
    *SUPPLIER_CASES,
]

V2_CASES = [
    Case("keyWord", lambda c: {"key_word": "Phone CASE"},
         lambda c, p: _words("phone case", p.name_en)),
    Case("keyWord", lambda c: {"key_word": _other(c).sku.lower()}, lambda c, p: p is _other(c),
         "keyWord product sku"),
    Case("keyWord", lambda c: {"key_word": _other(c).variants[-1].sku},
         lambda c, p: p is _other(c), "keyWord variant sku"),
    Case("categoryId", lambda c: {"category_id": _other(c).category_id},
         lambda c, p: p.category_id == _other(c).category_id),
    Case("lv2categoryList",
         lambda c: {"lv2category_list": [_level(c, _demo(c), 2), _level(c, _other(c), 2)]},
         lambda c, p: _level(c, p, 2) in (_level(c, _demo(c), 2), _level(c, _other(c), 2))),
    Case("lv3categoryList",
         lambda c: {"lv3category_list": [_demo(c).category_id, _other(c).category_id.lower()]},
         lambda c, p: p.category_id in (_demo(c).category_id, _other(c).category_id)),
    Case("countryCode", lambda c: {"country_code": "US"}, lambda c, p: _stock(p, "US") > 0),
    Case("startSellPrice", lambda c: {"start_sell_price": _mid_price(c)},
         lambda c, p: p.sell_price >= _mid_price(c)),
    Case("endSellPrice", lambda c: {"end_sell_price": _mid_price(c)},
         lambda c, p: p.sell_price <= _mid_price(c)),
    Case("startWarehouseInventory", lambda c: {"start_warehouse_inventory": _mid_stock(c)},
         lambda c, p: _stock(p) >= _mid_stock(c)),
    Case("endWarehouseInventory", lambda c: {"end_warehouse_inventory": _mid_stock(c)},
         lambda c, p: _stock(p) <= _mid_stock(c)),
    Case("startWarehouseInventory",
         lambda c: {"country_code": "US", "start_warehouse_inventory": 200},
         lambda c, p: _stock(p, "US") >= 200, "warehouse inventory in a country"),
    Case("addMarkStatus", lambda c: {"add_mark_status": 1}, lambda c, p: p.free_shipping),
    Case("addMarkStatus", lambda c: {"add_mark_status": 0}, lambda c, p: not p.free_shipping,
         "addMarkStatus 0"),
    Case("timeStart", lambda c: {"time_start": _mid_us(c) // 1000},
         lambda c, p: p.create_us >= _mid_us(c)),
    Case("timeEnd", lambda c: {"time_end": _mid_us(c) // 1000},
         lambda c, p: p.create_us <= _mid_us(c)),
    Case("productType", lambda c: {"product_type": 4},
         lambda c, p: p.product_type == "SUPPLIER_PRODUCT"),
    Case("productType", lambda c: {"product_type": 10}, lambda c, p: p.is_video,
         "productType 10 video"),
    Case("productType", lambda c: {"product_type": 11}, lambda c, p: not p.is_video,
         "productType 11 no video"),
    Case("productType", lambda c: {"product_type": "SUPPLIER_PRODUCT"},
         lambda c, p: p.product_type == "SUPPLIER_PRODUCT", "productType by name"),
    Case("productType", lambda c: {"product_type": "10"}, lambda c, p: p.is_video,
         "productType 10 as a string"),
    Case("productType", lambda c: {"product_type": "non_video_product"},
         lambda c, p: not p.is_video, "productType name in any case"),
    Case("productType", lambda c: {"product_type": "ORDINARY_PRODUCT"},
         lambda c, p: p.product_type == "ORDINARY_PRODUCT", "productType ordinary by name"),
    *SUPPLIER_CASES,
]


def _check(c: Catalogue, case: Case, search: Callable[..., list[str]]) -> None:
    online = _online(c)
    wanted = {p.pid for p in online if case.pred(c, p)}
    got = search(c, **case.args(c))
    assert len(got) == len(set(got))
    assert set(got) == wanted
    assert 0 < len(wanted) < len(online), "the case must narrow the catalogue, not empty it"


@pytest.mark.parametrize("case", LIST_CASES, ids=lambda case: case.id)
def test_product_list_filter(cat: Catalogue, case: Case) -> None:
    _check(cat, case, list_pids)


@pytest.mark.parametrize("case", V2_CASES, ids=lambda case: case.id)
def test_list_v2_filter(cat: Catalogue, case: Case) -> None:
    _check(cat, case, v2_pids)


def test_filters_and_together(cat: Catalogue) -> None:
    mid = _mid_price(cat)
    got = set(v2_pids(cat, country_code="US", end_sell_price=mid, add_mark_status=0))
    assert got == {p.pid for p in _online(cat)
                   if _stock(p, "US") > 0 and p.sell_price <= mid and not p.free_shipping}
    assert got < set(v2_pids(cat, country_code="US"))


def test_live_stock_is_what_inventory_filters_see(cat: Catalogue) -> None:
    """Units held by orders no longer count: a product whose stock is all held drops out."""
    demo = _demo(cat)
    held = {v.vid for v in demo.variants}
    reserved = lambda vid, country: 10**6 if vid in held else 0  # noqa: E731
    assert demo.pid in list_pids(cat, start_inventory=1)
    assert demo.pid not in list_pids(cat, start_inventory=1, reserved=reserved)
    assert demo.pid not in v2_pids(cat, start_warehouse_inventory=1, reserved=reserved)
    assert demo.pid not in list_pids(cat, country_code="US", reserved=reserved)


# -- orders --------------------------------------------------------------------------------

LIST_ORDERS: dict[str, Callable[[Product], Any]] = {
    "createAt": lambda p: p.create_us, "listedNum": lambda p: p.listed_num,
}


@pytest.mark.parametrize("order_by", [None, "createAt", "listedNum"])
@pytest.mark.parametrize("sort", [None, "desc", "asc", "ASC"])
def test_product_list_orders(cat: Catalogue, order_by: str | None, sort: str | None) -> None:
    key = LIST_ORDERS[order_by or "createAt"]
    items = [cat.product(pid) for pid in list_pids(cat, order_by=order_by, sort=sort)]
    desc = sort in (None, "desc")
    expected = sorted(_online(cat), key=key, reverse=desc)
    assert [key(p) for p in items] == [key(p) for p in expected]
    assert [key(p) for p in items] != [key(p) for p in sorted(items, key=key, reverse=not desc)]


V2_ORDERS: dict[int, Callable[[Product], Any]] = {
    1: lambda p: p.listed_num, 2: lambda p: p.sell_price, 3: lambda p: p.create_us,
    4: _stock,
}


@pytest.mark.parametrize("order_by", [1, 2, 3, 4])
@pytest.mark.parametrize("sort", [None, "desc", "asc"])
def test_list_v2_orders(cat: Catalogue, order_by: int, sort: str | None) -> None:
    key = V2_ORDERS[order_by]
    items = [cat.product(pid) for pid in v2_pids(cat, order_by=order_by, sort=sort)]
    desc = sort != "asc"
    assert [key(p) for p in items] == sorted((key(p) for p in _online(cat)), reverse=desc)
    assert [key(p) for p in items] != sorted((key(p) for p in items), reverse=not desc)


def test_list_v2_inventory_order_uses_the_country_stock(cat: Catalogue) -> None:
    items = [cat.product(pid) for pid in v2_pids(cat, order_by=4, country_code="US")]
    us = [_stock(p, "US") for p in items]
    assert us == sorted(us, reverse=True)
    assert [_stock(p) for p in items] != sorted((_stock(p) for p in items), reverse=True)


def test_list_v2_best_match_puts_whole_phrase_hits_first(cat: Catalogue) -> None:
    """orderBy 0 (the default): names holding "phone case" before names holding both words."""
    hits = [cat.product(pid).name_en.lower() for pid in v2_pids(cat, key_word="case phone")]
    whole = ["case phone" in name for name in hits]
    assert whole == sorted(whole, reverse=True)
    default = [cat.product(pid).name_en.lower() for pid in v2_pids(cat, key_word="case phone",
                                                                     order_by=0)]
    assert default == hits


def test_list_v2_best_match_without_keyword_keeps_catalogue_order(cat: Catalogue) -> None:
    assert v2_pids(cat) == [p.pid for p in _online(cat)]


# -- features ------------------------------------------------------------------------------

def test_list_v2_features_add_names_description_and_videos(cat: Catalogue) -> None:
    video = next(p for p in _online(cat) if p.is_video)
    plain = cat.product_list_v2(key_word=video.sku)["content"][0]
    rich = cat.product_list_v2(key_word=video.sku, features=[
        "enable_category", "enable_description", "enable_video", "enable_combine"])["content"][0]
    a, b = plain["productList"][0], rich["productList"][0]
    assert (a["threeCategoryName"], a["description"], a["videoList"]) == (None, None, [])
    assert plain["categoryList"] is None
    assert b["threeCategoryName"] == cat.category_path(video.category_id)[2].name
    assert b["description"] == video.description and b["videoList"] == video.videos
    assert rich["categoryList"] == rich["relatedCategoryList"]


# -- the route table -------------------------------------------------------------------------

NOT_FILTERS = {"pageNum", "pageSize", "page", "size", "orderBy", "sort", "features"}


@pytest.mark.parametrize(("path", "cases"), [("product/list", LIST_CASES),
                                             ("product/listV2", V2_CASES)])
def test_every_declared_filter_has_a_case(path: str, cases: list[Case]) -> None:
    route = default_table().get("/api2.0/v1/" + path)
    assert route is not None
    declared = {f.name for f in route.params} - NOT_FILTERS
    assert declared - {case.field for case in cases} == set()


# -- documented no-ops (docs/catalogue.md, "Accepted but not filtering") ---------------------

@pytest.mark.parametrize("product_type", [0, 1, 2, 3, 5, 99])
def test_list_v2_product_type_outside_4_10_11_filters_nothing(cat: Catalogue,
                                                              product_type: int) -> None:
    """CJ documents 4, 10 and 11 only; other values have no known meaning, so no filter."""
    assert v2_pids(cat, product_type=product_type) == v2_pids(cat)


@pytest.mark.parametrize("search", [list_pids, v2_pids])
@pytest.mark.parametrize("verified", [0, 3, 9])
def test_verified_warehouse_outside_1_2_filters_nothing(cat: Catalogue, verified: int,
                                                        search: Callable[..., list[str]]) -> None:
    """CJ documents 1 (verified) and 2 (unverified) only: other values select nothing out."""
    assert search(cat, verified_warehouse=verified) == search(cat)


def test_list_v2_enable_combine_changes_nothing(cat: Catalogue) -> None:
    """No combined products are generated, so the feature has nothing to add."""
    assert cat.product_list_v2(size=200, features=["enable_combine"]) == cat.product_list_v2(size=200)


def test_list_v2_sort_has_no_direction_under_best_match(cat: Catalogue) -> None:
    """orderBy 0 ranks by relevance, which has no ascending form: sort changes nothing."""
    for kw in ({}, {"key_word": "case phone"}):
        assert v2_pids(cat, sort="asc", **kw) == v2_pids(cat, sort="desc", **kw) == v2_pids(cat, **kw)


@pytest.mark.parametrize("product_type", ["CHEAP_PRODUCT", "4x"])
def test_list_v2_product_type_unknown_name_is_1600300(cat: Catalogue, product_type: str) -> None:
    with pytest.raises(CJError) as err:
        cat.product_list_v2(product_type=product_type)
    assert err.value.code == 1600300 and "productType" in (err.value.detail or "")
