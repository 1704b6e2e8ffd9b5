"""product/* through HTTP: shapes, key order, searches, paging bounds, stock, business codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cjsim import Simulator
from cjsim.domain.catalogue import generate
from tests.shop import DEMO_SKU, Shop, new_sim, shop_of


def _offline_pid(shop: Shop) -> str:
    return next(p.pid for p in shop.sim.catalogue.products if not p.online)


def test_catalogue_is_built_on_the_first_product_call_not_by_the_simulator(shop_sim: Simulator) -> None:
    shop = shop_of(shop_sim)
    assert not shop_sim.domain.catalogue_built
    shop.ok("GET", "product/getCategory")
    assert shop_sim.domain.catalogue_built


def test_importing_cjsim_and_building_a_simulator_does_not_import_faker() -> None:
    code = "import sys, cjsim; cjsim.Simulator(); print('faker' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr


def test_get_category_has_three_levels_and_ids_only_on_the_third(shop: Shop) -> None:
    tree = shop.ok("GET", "product/getCategory", query_string={"parentId": "ignored"})
    first = tree[0]
    assert list(first) == ["categoryFirstName", "categoryFirstList"]
    second = first["categoryFirstList"][0]
    assert list(second) == ["categorySecondName", "categorySecondList"]
    assert list(second["categorySecondList"][0]) == ["categoryId", "categoryName"]


def test_product_list_finds_the_demo_product_by_english_words(shop: Shop) -> None:
    for param in ("productNameEn", "productName"):
        data = shop.ok("GET", "product/list", query_string={param: "phone case"})
        assert data["total"] >= 1
        assert any(item["productSku"] == DEMO_SKU for item in data["list"])
        assert list(data) == ["pageNum", "pageSize", "total", "list"]
    item = data["list"][0]
    assert list(item)[:4] == ["pid", "productName", "productNameEn", "productSku"]


@pytest.mark.parametrize("query", [
    {"pageNum": "0"}, {"pageSize": "0"}, {"pageSize": "201"}, {"pageNum": "x"}, {"pageSize": "1.5"},
])
def test_product_list_paging_out_of_bounds_is_1600300(shop: Shop, query: dict[str, str]) -> None:
    answer = shop.get("product/list", **query)
    assert answer["code"] == 1600300 and answer["data"] is None
    assert "page" in answer["message"]


def test_product_list_page_past_the_end_is_empty_with_true_totals(shop: Shop) -> None:
    data = shop.ok("GET", "product/list", query_string={"pageNum": "999", "pageSize": "200"})
    assert data["list"] == [] and data["total"] > 200 and data["pageNum"] == 999


def test_posting_product_list_with_a_json_body_is_a_clear_1600300(shop: Shop) -> None:
    answer = shop.post("product/list", {"pageNum": 1, "pageSize": 5})
    assert answer["code"] == 1600300 and answer["success"] is False
    assert "POST" in answer["message"] and "GET" in answer["message"]


def test_list_v2_puts_product_list_first_and_finds_in_stock_phone_cases(shop: Shop) -> None:
    response = shop.call("GET", "product/listV2",
                         query_string={"keyWord": "phone case", "startWarehouseInventory": "1",
                                       "page": "1", "size": "5"})
    raw = response["data"]
    assert list(raw) == ["pageSize", "pageNumber", "totalRecords", "totalPages", "content"]
    content = raw["content"]
    assert len(content) == 1 and list(content[0])[0] == "productList"
    ids = [p["id"] for p in content[0]["productList"]]
    assert ids and raw["totalRecords"] >= 1
    assert raw["totalPages"] == -(-raw["totalRecords"] // 5)
    demo = shop.ok("GET", "product/query", query_string={"productSku": DEMO_SKU})
    assert demo["pid"] in ids


def test_list_v2_raw_json_has_no_id_before_the_product_list(shop: Shop) -> None:
    shop.sim.clock.advance(1)
    raw = shop.http.get("/api2.0/v1/product/listV2?keyWord=phone%20case",
                        headers={"CJ-Access-Token": shop.token}).data
    assert raw.index(b'"productList"') < raw.index(b'"id"')


@pytest.mark.parametrize("query", [{"page": "0"}, {"page": "1001"}, {"size": "0"}, {"size": "101"}])
def test_list_v2_paging_out_of_bounds_is_1600300(shop: Shop, query: dict[str, str]) -> None:
    assert shop.get("product/listV2", **query)["code"] == 1600300


def test_list_v2_by_post_is_1600300(shop: Shop) -> None:
    assert shop.post("product/listV2", {"keyWord": "phone"})["code"] == 1600300


def test_list_v2_with_no_hit_keeps_one_content_element(shop: Shop) -> None:
    data = shop.ok("GET", "product/listV2", query_string={"keyWord": "zzzz-nothing"})
    assert data["totalRecords"] == 0 and data["totalPages"] == 0
    assert len(data["content"]) == 1 and data["content"][0]["productList"] == []


def test_product_query_by_pid_sku_and_variant_sku_agree(shop: Shop) -> None:
    by_sku = shop.ok("GET", "product/query", query_string={"productSku": DEMO_SKU})
    by_pid = shop.ok("GET", "product/query", query_string={"pid": by_sku["pid"]})
    by_variant = shop.ok("GET", "product/query",
                         query_string={"variantSku": by_sku["variants"][0]["variantSku"]})
    assert by_sku == by_pid == by_variant
    assert by_sku["productNameEn"] == "Magnetic Phone Case"
    assert all(v["vid"] for v in by_sku["variants"]) and "inventories" not in by_sku["variants"][0]
    with_inventory = shop.ok("GET", "product/query",
                             query_string={"pid": by_sku["pid"], "features": "enable_inventory"})
    assert with_inventory["variants"][0]["inventories"]


def test_product_query_errors(shop: Shop) -> None:
    assert shop.get("product/query")["code"] == 1600300
    assert shop.get("product/query", pid="00000000-0000-4000-8000-000000000000")["code"] == 1602001
    assert shop.get("product/query", pid=_offline_pid(shop))["code"] == 1602001
    assert shop.get("product/query", variantSku="NOPE-1")["code"] == 1602001


def test_variant_endpoints_and_their_codes(shop: Shop) -> None:
    variants = shop.ok("GET", "product/variant/query", query_string={"productSku": DEMO_SKU})
    vid = variants[0]["vid"]
    one = shop.ok("GET", "product/variant/queryByVid", query_string={"vid": vid.lower()})
    assert one == variants[0]
    assert shop.get("product/variant/queryByVid", vid="nope")["code"] == 1602000
    offline = next(p for p in shop.sim.catalogue.products if not p.online)
    assert shop.get("product/variant/queryByVid", vid=offline.variants[0].vid)["code"] == 1602001
    assert shop.get("product/variant/query", pid=offline.pid)["code"] == 1602001
    assert shop.get("product/variant/queryByVid")["code"] == 1600300


def test_stock_endpoints_and_their_codes(shop: Shop) -> None:
    vid = shop.demo_vid()
    rows = shop.ok("GET", "product/stock/queryByVid", query_string={"vid": vid})
    assert [r["countryCode"] for r in rows] == ["CN", "US"]
    assert list(rows[0]) == ["vid", "areaId", "areaEn", "countryCode", "storageNum",
                             "totalInventoryNum", "cjInventoryNum", "factoryInventoryNum", "stock"]
    by_sku = shop.ok("GET", "product/stock/queryBySku", query_string={"sku": DEMO_SKU})
    assert by_sku[0]["countryNameEn"] == "China"
    inventory = shop.ok("GET", "product/stock/getInventoryByPid",
                        query_string={"pid": rows and shop.sim.catalogue.variant(vid).pid,
                                      "countryCode": "US"})
    assert [i["countryCode"] for i in inventory["inventories"]] == ["US"]
    assert shop.get("product/stock/queryByVid", vid="nope")["code"] == 1602000
    assert shop.get("product/stock/queryBySku", sku="NOPE")["code"] == 1602001
    assert shop.get("product/stock/getInventoryByPid", pid="nope")["code"] == 1602001


def test_stock_answers_subtract_what_orders_hold(shop: Shop) -> None:
    vid = shop.demo_vid()
    before = shop.ok("GET", "product/stock/queryByVid", query_string={"vid": vid})[0]["storageNum"]
    shop.created(vid)  # 2 units from CN
    after = shop.ok("GET", "product/stock/queryByVid", query_string={"vid": vid})[0]["storageNum"]
    assert after == before - 2


def test_get_with_json_content_type_and_no_content_type_both_work(shop: Shop) -> None:
    for headers in ({"Content-Type": "application/json"}, {}):
        shop.sim.clock.advance(1)
        answer = shop.http.get("/api2.0/v1/product/listV2?keyWord=phone&size=2",
                               headers={"CJ-Access-Token": shop.token, **headers}, data=b"")
        assert answer.get_json()["code"] == 200


def test_list_parameters_may_repeat_or_be_comma_joined(shop: Shop) -> None:
    pid = shop.ok("GET", "product/query", query_string={"productSku": DEMO_SKU})["pid"]
    joined = shop.ok("GET", "product/query",
                     query_string={"pid": pid, "features": "enable_inventory,enable_video"})
    shop.sim.clock.advance(1)
    repeated = shop.http.get(f"/api2.0/v1/product/query?pid={pid}&features=enable_inventory"
                             "&features=enable_video",
                             headers={"CJ-Access-Token": shop.token}).get_json()["data"]
    assert joined == repeated and "inventories" in joined["variants"][0]


def test_same_seed_gives_byte_identical_answers_through_http() -> None:
    def answers(seed: int) -> list[bytes]:
        sim = new_sim(seed=seed)
        try:
            shop = shop_of(sim)
            out = []
            for path in ("product/getCategory", "product/list?pageSize=200",
                         "product/listV2?size=100&features=enable_category",
                         f"product/query?productSku={DEMO_SKU}&features=enable_inventory"):
                sim.clock.advance(1)
                raw = shop.http.get("/api2.0/v1/" + path, headers={"CJ-Access-Token": shop.token}).data
                out.append(raw.split(b'"requestId"')[0])
            return out
        finally:
            sim.close()

    assert answers(11) == answers(11)
    assert answers(11) != answers(12)


def test_a_pinned_catalogue_file_is_served(tmp_path: Path) -> None:
    pinned = generate(3, products=5)
    path = tmp_path / "catalog.json"
    path.write_text(pinned.to_json(), encoding="utf-8")
    sim = new_sim(catalog=str(path))
    try:
        shop = shop_of(sim)
        assert shop.ok("GET", "product/list")["total"] == sum(p.online for p in pinned.products)
        served = shop.http.get("/__cjsim/catalogue").get_json()
        assert served["products"][0]["sku"] == pinned.products[0].sku
    finally:
        sim.close()


def test_a_bad_catalogue_file_fails_at_construction(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"format": "other"}', encoding="utf-8")
    with pytest.raises(ValueError, match="catalogue"):
        Simulator(catalog=str(path))
    with pytest.raises(ValueError, match="cannot read"):
        Simulator(catalog=str(tmp_path / "missing.json"))


def test_search_filters_reach_the_catalogue_through_http(shop: Shop) -> None:
    """CJ's camelCase query fields arrive as the catalogue's snake_case filters, typed."""
    cat = shop.sim.catalogue
    demo = cat.products[0]
    one, two = (cat.category_path(demo.category_id)[i].id for i in (0, 1))
    http = shop.ok("GET", "product/list", query_string={
        "pageSize": "200", "productName": "手机壳", "categoryId": one, "countryCode": "US",
        "minPrice": "8.13", "maxPrice": "8.13", "startInventory": "1", "endInventory": "99999",
        "createTimeFrom": "2025-11-02 10:14:12", "createTimeTo": "2025-11-02 10:14:12",
        "orderBy": "listedNum", "sort": "asc", "productType": "ORDINARY_PRODUCT",
        "isFreeShipping": "0"})
    assert [item["pid"] for item in http["list"]] == [demo.pid]
    http = shop.ok("GET", "product/listV2", query_string={
        "size": "100", "keyWord": "phone case", "lv2categoryList": two,
        "lv3categoryList": demo.category_id, "countryCode": "US", "startSellPrice": "8",
        "endSellPrice": "8.2", "startWarehouseInventory": "1", "endWarehouseInventory": "99999",
        "addMarkStatus": "0", "timeStart": str(demo.create_us // 1000),
        "timeEnd": str(demo.create_us // 1000), "orderBy": "2", "sort": "asc",
        "productType": "11", "features": "enable_category"})
    items = http["content"][0]["productList"]
    assert [item["id"] for item in items] == [demo.pid]
    assert items[0]["threeCategoryName"] == "Phone Cases & Covers"
