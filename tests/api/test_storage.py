"""Storages: warehouse/detail, globalWarehouseList, stock[] rows, orders with storageId, and
CJ's platform-logistics flow end to end over a real socket."""

from __future__ import annotations

from typing import Any

import pytest

from cjsim.domain.catalogue.warehouses import STORAGES, STORAGES_OF
from tests.live import live
from tests.shop import DEMO_SKU, Shop, new_sim, order_body

CN_MAIN, CN_SECOND = STORAGES_OF["CN"]
US_MAIN = STORAGES_OF["US"][0]


def _storage_units(shop: Shop, vid: str, storage_id: str) -> int:
    rows = shop.ok("GET", "product/stock/queryByVid", query_string={"vid": vid})
    for row in rows:
        for stock in row["stock"]:
            if stock["stockId"] == storage_id:
                return int(stock["totalInventoryNum"])
    return 0


# -- warehouse/detail and globalWarehouseList -------------------------------------------------

def test_warehouse_detail_shape_and_key_order(shop: Shop) -> None:
    data = shop.ok("GET", "warehouse/detail", query_string={"id": US_MAIN.id})
    assert list(data) == ["id", "name", "areaId", "areaCountryCode", "address1", "address2",
                          "contacts", "phone", "city", "province", "logisticsBrandList",
                          "isSelfPickup", "zipCode"]
    assert (data["id"], data["name"], data["areaId"], data["areaCountryCode"]) == (
        US_MAIN.id, "Cranbury Warehouse", 2, "US")
    assert data["logisticsBrandList"][0] == {"id": "USPS", "name": "USPS"}
    # ids are case-insensitive 32-hex strings
    assert shop.ok("GET", "warehouse/detail", query_string={"id": US_MAIN.id.upper()})["id"] == US_MAIN.id


@pytest.mark.parametrize("query", [{}, {"id": ""}, {"id": "x" * 201}, {"id": "0" * 32}])
def test_warehouse_detail_bad_or_unknown_id_is_1600300(shop: Shop, query: dict[str, str]) -> None:
    answer = shop.get("warehouse/detail", **query)
    assert answer["code"] == 1600300 and answer["data"] is None
    assert "id" in answer["message"]


def test_global_warehouse_list_names_every_storage(shop: Shop) -> None:
    data = shop.ok("GET", "product/globalWarehouseList")
    assert [w["countryCode"] for w in data] == ["CN", "US", "DE", "GB", "TH", "FR", "AU"]
    assert list(data[0]) == ["areaId", "areaEn", "countryCode", "nameEn", "storageList"]
    ids = [s["storageId"] for w in data for s in w["storageList"]]
    assert ids == [s.id for s in STORAGES]
    for storage_id in ids:  # every listed storage answers warehouse/detail
        assert shop.ok("GET", "warehouse/detail", query_string={"id": storage_id})["id"] == storage_id


# -- stock[] everywhere inventories are returned -----------------------------------------------

def _check_rows(rows: list[dict[str, Any]], suffix: str) -> None:
    for row in rows:
        stock = row["stock"]
        assert stock, row
        assert list(stock[0]) == ["stockId", "stockName", f"totalInventory{suffix}",
                                  f"cjInventory{suffix}", f"factoryInventory{suffix}"]
        for name in ("totalInventory", "cjInventory", "factoryInventory"):
            assert sum(s[name + suffix] for s in stock) == row[name + suffix], (name, row)
        country = row["countryCode"]
        assert {s["stockId"] for s in stock} <= {s.id for s in STORAGES_OF[country]}


def test_every_inventory_answer_splits_into_storages(shop: Shop) -> None:
    product = shop.ok("GET", "product/query",
                      query_string={"productSku": DEMO_SKU, "features": "enable_inventory"})
    vid, pid = product["variants"][0]["vid"], product["pid"]
    for variant in product["variants"]:
        _check_rows(variant["inventories"], "")
    by_vid = shop.ok("GET", "product/variant/queryByVid",
                     query_string={"vid": vid, "features": "enable_inventory"})
    _check_rows(by_vid["inventories"], "")
    _check_rows(shop.ok("GET", "product/stock/queryByVid", query_string={"vid": vid}), "Num")
    _check_rows(shop.ok("GET", "product/stock/queryBySku", query_string={"sku": DEMO_SKU}), "Num")
    by_pid = shop.ok("GET", "product/stock/getInventoryByPid", query_string={"pid": pid})
    _check_rows(by_pid["inventories"], "Num")
    for variant in by_pid["variantInventories"]:
        _check_rows(variant["inventory"], "")
    # CN has two storages, and the demo variant has CJ units in both
    cn = next(r for r in by_pid["variantInventories"][0]["inventory"] if r["countryCode"] == "CN")
    assert [s["stockId"] for s in cn["stock"]] == [CN_MAIN.id, CN_SECOND.id]
    assert all(s["cjInventory"] > 0 for s in cn["stock"])


# -- orders and storageId -----------------------------------------------------------------------

def test_an_order_with_storage_id_takes_that_storages_stock(shop: Shop) -> None:
    vid = shop.demo_vid()
    main, second = _storage_units(shop, vid, CN_MAIN.id), _storage_units(shop, vid, CN_SECOND.id)
    data = shop.create(vid, storageId=CN_SECOND.id)["data"]
    assert (data["storageId"], data["storageName"]) == (CN_SECOND.id, "Shenzhen Warehouse")
    assert _storage_units(shop, vid, CN_SECOND.id) == second - 2
    assert _storage_units(shop, vid, CN_MAIN.id) == main
    detail = shop.ok("GET", "shopping/order/getOrderDetail", query_string={"orderId": data["orderId"]})
    assert (detail["storageId"], detail["storageName"]) == (CN_SECOND.id, "Shenzhen Warehouse")
    listed = shop.ok("GET", "shopping/order/list")["list"][0]
    assert listed["storageId"] == CN_SECOND.id
    # deleting the order gives the units back to that storage
    shop.ok("DELETE", "shopping/order/deleteOrder", query_string={"orderId": data["orderId"]})
    assert _storage_units(shop, vid, CN_SECOND.id) == second


def test_an_order_without_storage_id_draws_the_main_storage_first(shop: Shop) -> None:
    vid = shop.demo_vid()
    main, second = _storage_units(shop, vid, CN_MAIN.id), _storage_units(shop, vid, CN_SECOND.id)
    data = shop.create(vid)["data"]
    assert (data["storageId"], data["storageName"]) == (CN_MAIN.id, "Yiwu Warehouse")
    assert _storage_units(shop, vid, CN_MAIN.id) == main - 2
    assert _storage_units(shop, vid, CN_SECOND.id) == second


def test_storage_id_errors_are_1603000_and_store_nothing(shop: Shop) -> None:
    vid = shop.demo_vid()
    before = shop.sim.store.items("stock_reserved")
    unknown = shop.create(vid, storageId="0" * 32)
    assert unknown["code"] == 1603000 and "storageId" in unknown["message"]
    elsewhere = shop.create(vid, storageId=US_MAIN.id)  # fromCountryCode is CN
    assert elsewhere["code"] == 1603000 and "not in fromCountryCode CN" in elsewhere["message"]
    assert shop.create(vid, storageId=1)["code"] == 1600300
    assert shop.sim.store.items("stock_reserved") == before


def test_a_storage_short_of_stock_refuses_though_the_country_has_enough(shop: Shop) -> None:
    vid = shop.demo_vid()
    second = _storage_units(shop, vid, CN_SECOND.id)
    body = order_body(vid, storageId=CN_SECOND.id,
                      products=[{"vid": vid, "quantity": second + 1}])
    answer = shop.post("shopping/order/createOrderV2", body)
    assert answer["code"] == 1603000 and "Shenzhen Warehouse" in answer["message"]
    body = order_body(vid, products=[{"vid": vid, "quantity": second + 1}])
    assert shop.post("shopping/order/createOrderV2", body)["code"] == 200


# -- CJ's platform-logistics flow, over a real socket -------------------------------------------

def test_platform_logistics_flow_end_to_end_over_http() -> None:
    """getInventoryByPid -> warehouse/detail -> createOrderV2 with storageId -> the order
    shows the storage, and that storage's stock went down."""
    sim = new_sim()
    try:
        with live(sim) as client:
            found = client.ok("GET", "product/listV2", query={"keyWord": DEMO_SKU})
            pid = found["content"][0]["productList"][0]["id"]
            inventory = client.ok("GET", "product/stock/getInventoryByPid",
                                  query={"pid": pid, "countryCode": "US"})
            variant = inventory["variantInventories"][0]
            stock = variant["inventory"][0]["stock"][0]
            storage = client.ok("GET", "warehouse/detail", query={"id": stock["stockId"]})
            assert storage["areaCountryCode"] == "US"
            body = order_body(variant["vid"], fromCountryCode=storage["areaCountryCode"],
                              logisticName="USPS+", storageId=storage["id"],
                              products=[{"vid": variant["vid"], "quantity": 3}])
            order = client.ok("POST", "shopping/order/createOrderV2", body=body)
            assert (order["storageId"], order["storageName"]) == (storage["id"], storage["name"])
            detail = client.ok("GET", "shopping/order/getOrderDetail",
                               query={"orderId": order["orderId"]})
            assert (detail["storageId"], detail["storageName"]) == (storage["id"], storage["name"])
            after = client.ok("GET", "product/stock/getInventoryByPid",
                              query={"pid": pid, "countryCode": "US"})
            row = after["variantInventories"][0]["inventory"][0]["stock"][0]
            assert row["stockId"] == stock["stockId"]
            assert row["totalInventory"] == stock["totalInventory"] - 3
    finally:
        sim.close()
