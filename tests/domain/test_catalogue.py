"""The seeded catalogue: determinism, the demo product, searches, paging, stock, errors."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from cjsim.domain.catalogue import DEMO_SKU, Catalogue, Product, generate
from cjsim.errors import CJError
from cjsim.jsonenc import dumps, loads


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return generate(7)


def _everything(c: Catalogue) -> bytes:
    """Every answer the catalogue gives, dumped: the byte-identity check compares this."""
    parts: list[object] = [
        c.get_category(),
        c.product_list(page_size=200),
        c.product_list(page_num=2, page_size=200),
        c.product_list_v2(size=100, features=["enable_category", "enable_description"]),
    ]
    for p in c.products:
        if p.online:
            parts.append(c.product_query(pid=p.pid, features=["enable_inventory"]))
            parts.append(c.inventory_by_pid(p.pid))
            parts.append(c.stock_by_sku(p.sku))
    return dumps(parts)


def _offline(c: Catalogue) -> Product:
    return next(p for p in c.products if not p.online)


def test_same_seed_gives_byte_identical_answers() -> None:
    assert _everything(generate(3)) == _everything(generate(3))


def test_different_seeds_give_different_catalogues() -> None:
    assert _everything(generate(3)) != _everything(generate(4))


def test_default_catalogue_has_at_least_200_products_of_1_to_8_variants() -> None:
    c = generate(0)
    assert len(c.products) >= 200
    assert all(1 <= len(p.variants) <= 8 for p in c.products)
    assert {len(p.variants) for p in c.products} >= {1, 8}


def test_ids_and_skus_have_cj_forms(cat: Catalogue) -> None:
    for p in cat.products:
        assert len(p.pid) == 36 and p.pid == p.pid.upper()
        assert len(p.alias) == 19 and p.alias.isdigit()
        assert p.sku[:2] == "CJ" and p.sku[2:8].isalpha() and p.sku[2:8].isupper()
        assert p.sku[8:].isdigit() and len(p.sku) == 13
        for v in p.variants:
            assert v.sku == f"{p.sku}-{v.key}"


def test_category_tree_has_three_levels_and_ids_only_on_level_three(cat: Catalogue) -> None:
    tree = cat.get_category()
    assert 7 <= len(tree) <= 10
    for first in tree:
        assert list(first) == ["categoryFirstName", "categoryFirstList"]
        assert 2 <= len(first["categoryFirstList"]) <= 3
        for second in first["categoryFirstList"]:
            assert list(second) == ["categorySecondName", "categorySecondList"]
            assert 2 <= len(second["categorySecondList"]) <= 4
            for third in second["categorySecondList"]:
                assert list(third) == ["categoryId", "categoryName"]


def test_demo_product_is_first_and_in_stock_in_cn_and_us(cat: Catalogue) -> None:
    demo = cat.products[0]
    assert demo.sku == DEMO_SKU and demo.name_en == "Magnetic Phone Case"
    assert len({v.price for v in demo.variants}) >= 2
    assert cat._path_name(demo) == (
        "Phones & Telecommunications / Mobile Phone Accessories / Phone Cases & Covers")
    for v in demo.variants:
        assert cat.available(v.vid, "CN") > 0 and cat.available(v.vid, "US") > 0


@pytest.mark.parametrize("field", ["product_name_en", "product_name"])
def test_product_list_phone_case_search_finds_the_demo(cat: Catalogue, field: str) -> None:
    query: dict[str, Any] = {field: "phone case"}
    data = cat.product_list(**query)
    assert data["total"] > 1  # several phone cases exist
    assert DEMO_SKU in [item["productSku"] for item in data["list"]]
    assert all("phone case" in i["productNameEn"].lower() for i in data["list"])


def test_list_v2_keyword_search_with_inventory_finds_the_demo(cat: Catalogue) -> None:
    data = cat.product_list_v2(key_word="phone case", start_warehouse_inventory=1)
    items = data["content"][0]["productList"]
    assert items[0]["sku"] == DEMO_SKU
    assert data["totalRecords"] > 1


def test_list_v2_product_list_comes_before_any_id_key(cat: Catalogue) -> None:
    data = cat.product_list_v2(key_word="phone case")
    assert list(data["content"][0])[0] == "productList"
    text = dumps(data).decode()
    first_list = text.index('"productList"')
    assert '"id"' not in text[:first_list] and '"pid"' not in text[:first_list]


def test_list_v2_prices_are_strings_and_ranges(cat: Catalogue) -> None:
    item = cat.product_list_v2(key_word=DEMO_SKU)["content"][0]["productList"][0]
    assert item["sellPrice"] == "8.13-10.00" and item["discountPriceRate"] == "0"
    assert isinstance(item["createAt"], int)


def test_offline_products_never_listed_and_not_found_by_id(cat: Catalogue) -> None:
    off = _offline(cat)
    listed = {i["pid"] for i in cat.product_list(page_size=200)["list"]}
    listed |= {i["pid"] for i in cat.product_list(page_num=2, page_size=200)["list"]}
    v2 = cat.product_list_v2(size=100)
    pages = -(-v2["totalRecords"] // 100)
    for page in range(1, pages + 1):
        listed |= {i["id"] for i in
                   cat.product_list_v2(page=page, size=100)["content"][0]["productList"]}
    assert off.pid not in listed
    assert len(listed) == sum(p.online for p in cat.products)
    for call in (lambda: cat.product_query(pid=off.pid),
                 lambda: cat.product_query(product_sku=off.sku),
                 lambda: cat.product_query(variant_sku=off.variants[0].sku),
                 lambda: cat.variant_by_vid(off.variants[0].vid),
                 lambda: cat.stock_by_sku(off.sku),
                 lambda: cat.inventory_by_pid(off.alias)):
        with pytest.raises(CJError) as err:
            call()
        assert err.value.code == 1602001


def test_unknown_ids(cat: Catalogue) -> None:
    with pytest.raises(CJError) as err:
        cat.variant_by_vid("00000000-0000-4000-8000-000000000000")
    assert err.value.code == 1602000
    with pytest.raises(CJError) as err:
        cat.stock_by_vid("nope")
    assert err.value.code == 1602000
    for call in (lambda: cat.product_query(pid="1234567890123456789"),
                 lambda: cat.stock_by_sku("CJNOPE"), lambda: cat.variant_by_sku("CJX-Black")):
        with pytest.raises(CJError) as err:
            call()
        assert err.value.code == 1602001
    with pytest.raises(CJError) as err:
        cat.product_query()
    assert err.value.code == 1600300


def test_pid_lookup_accepts_lowercase_uuid_and_numeric_alias(cat: Catalogue) -> None:
    demo = cat.products[0]
    assert cat.product_query(pid=demo.pid.lower())["pid"] == demo.pid
    assert cat.product_query(pid=demo.alias)["pid"] == demo.pid
    assert cat.product_list(pid=demo.alias)["total"] == 1


def test_p1_paging_totals_and_empty_page_past_the_end(cat: Catalogue) -> None:
    online = sum(p.online for p in cat.products)
    first = cat.product_list(page_num=1, page_size=7)
    assert first["total"] == online and len(first["list"]) == 7
    last_page = -(-online // 7)
    assert len(cat.product_list(page_num=last_page, page_size=7)["list"]) == online - 7 * (
        last_page - 1)
    beyond = cat.product_list(page_num=last_page + 1, page_size=7)
    assert beyond == {"pageNum": last_page + 1, "pageSize": 7, "total": online, "list": []}


def test_p2_paging_totals_and_empty_page_past_the_end(cat: Catalogue) -> None:
    data = cat.product_list_v2(key_word="phone case", page=50, size=3)
    assert data["pageNumber"] == 50 and data["pageSize"] == 3
    assert data["totalPages"] == -(-data["totalRecords"] // 3)
    assert len(data["content"]) == 1 and data["content"][0]["productList"] == []
    nothing = cat.product_list_v2(key_word="zzzz qqqq")
    assert nothing["totalRecords"] == 0 and nothing["totalPages"] == 0
    assert nothing["content"][0]["searchHit"] == "1::0"


def test_category_filter_matches_subtree(cat: Catalogue) -> None:
    demo = cat.products[0]
    one, two, three = cat.category_path(demo.category_id)
    totals = [cat.product_list(category_id=c.id)["total"] for c in (one, two, three)]
    assert totals[0] >= totals[1] >= totals[2] >= 1
    assert cat.product_list(category_id="no-such-id")["total"] == 0


def test_ordering_by_listed_num(cat: Catalogue) -> None:
    asc = cat.product_list(order_by="listedNum", sort="asc", page_size=200)["list"]
    nums = [i["listedNum"] for i in asc]
    assert nums == sorted(nums)
    default = cat.product_list(page_size=200)["list"]
    assert default[0]["productSku"] == DEMO_SKU  # the newest product leads createAt desc


def test_money_dumps_with_two_decimals(cat: Catalogue) -> None:
    text = dumps(cat.product_query(product_sku=DEMO_SKU)).decode()
    assert '"variantSellPrice":10.00' in text and '"variantSellPrice":8.13' in text
    assert '"productSugSellPrice":19.99' in text and '"sellPrice":"8.13-10.00"' in text
    item = cat.product_list(product_sku=DEMO_SKU)["list"][0]
    assert isinstance(item["sellPrice"], Decimal) and dumps(item["sellPrice"]) == b"8.13"


def test_reserved_stock_reduces_cj_inventory_first_then_factory(cat: Catalogue) -> None:
    demo = cat.products[0]
    vid = demo.variants[0].vid
    base = {row["countryCode"]: row for row in cat.stock_by_vid(vid)}
    cj, factory = base["CN"]["cjInventoryNum"], base["CN"]["factoryInventoryNum"]

    def reserved(v: str, country: str) -> int:
        return cj + 5 if (v, country) == (vid, "CN") else 0

    after = {row["countryCode"]: row for row in cat.stock_by_vid(vid, reserved=reserved)}
    assert after["CN"]["cjInventoryNum"] == 0
    assert after["CN"]["factoryInventoryNum"] == factory - 5
    assert after["CN"]["totalInventoryNum"] == cj + factory - cj - 5
    assert after["US"] == base["US"]
    assert cat.available(vid, "CN", reserved) == factory - 5
    spu = {r["countryCode"]: r for r in cat.stock_by_sku(DEMO_SKU, reserved=reserved)}
    spu_base = {r["countryCode"]: r for r in cat.stock_by_sku(DEMO_SKU)}
    assert spu["CN"]["totalInventoryNum"] == spu_base["CN"]["totalInventoryNum"] - cj - 5
    inv = cat.product_query(pid=demo.pid, features=["enable_inventory"], reserved=reserved)
    assert inv["variants"][0]["inventories"][0]["totalInventory"] == factory - 5


def test_reservation_never_reports_negative_stock(cat: Catalogue) -> None:
    vid = cat.products[0].variants[0].vid
    rows = cat.stock_by_vid(vid, reserved=lambda v, c: 10**9)
    assert all(r["totalInventoryNum"] == 0 and r["factoryInventoryNum"] == 0 for r in rows)


def test_zero_stock_rows_are_reported(cat: Catalogue) -> None:
    empty = next(v for p in cat.products if p.online for v in p.variants
                 if all(s.cj + s.factory == 0 for s in v.stock))
    rows = cat.stock_by_vid(empty.vid)
    assert rows and all(r["totalInventoryNum"] == 0 for r in rows)


def test_country_filter_keeps_only_products_stocked_there(cat: Catalogue) -> None:
    data = cat.product_list_v2(country_code="US", size=100)
    assert data["totalRecords"] > 0
    assert all(i["warehouseInventoryNum"] > 0 for i in data["content"][0]["productList"])
    assert [s["countryCode"] for s in data["content"][0]["storeList"]] == ["US"]


def test_inventory_by_pid_shape(cat: Catalogue) -> None:
    demo = cat.products[0]
    data = cat.inventory_by_pid(demo.pid, country_code="US")
    assert [r["countryCode"] for r in data["inventories"]] == ["US"]
    assert list(data["inventories"][0]) == [
        "areaEn", "areaId", "countryCode", "totalInventoryNum", "cjInventoryNum",
        "factoryInventoryNum", "countryNameEn", "stock"]
    assert data["inventories"][0]["totalInventoryNum"] == sum(
        row["inventory"][0]["totalInventory"] for row in data["variantInventories"])


def test_variant_queries(cat: Catalogue) -> None:
    demo = cat.products[0]
    variants = cat.variant_query(product_sku=DEMO_SKU)
    assert [v["vid"] for v in variants] == [v.vid for v in demo.variants]
    assert "inventories" not in variants[0]
    one = cat.variant_query(variant_sku=demo.variants[1].sku)
    assert [v["variantSku"] for v in one] == [demo.variants[1].sku]
    by_vid = cat.variant_by_vid(demo.variants[0].vid.lower(), features=["enable_inventory"])
    assert by_vid["createTime"].endswith(".000+00:00") and "inventories" in by_vid
    assert cat.variant(demo.variants[0].vid).weight == 120


def test_pinned_json_round_trip(cat: Catalogue, tmp_path: Path) -> None:
    path = tmp_path / "catalogue.json"
    path.write_text(cat.to_json(), encoding="utf-8")
    again = Catalogue.from_json(path)
    assert _everything(again) == _everything(cat)
    assert loads(path.read_bytes())["format"] == "cjsim-catalogue"
