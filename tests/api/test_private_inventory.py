"""product/stock/privateInventory/*: shapes, bounds, codes, and orders drawing private stock."""

from __future__ import annotations

import pytest

from cjsim.domain.catalogue.warehouses import STORAGES_OF
from tests.live import live
from tests.shop import DAY, DEMO_SKU, Shop, new_sim, order_body

P = "product/stock/privateInventory/"
CN_MAIN, CN_SECOND = STORAGES_OF["CN"]


def _stocked(shop: Shop, units: int = 5, where: str = "CN") -> str:
    vid = shop.demo_vid()
    shop.sim.add_private_stock(shop.open_id, vid, where, units)
    return vid


def _public_units(shop: Shop, vid: str) -> int:
    rows = shop.ok("GET", "product/stock/queryByVid", query_string={"vid": vid})
    return int(next(r for r in rows if r["countryCode"] == "CN")["totalInventoryNum"])


def test_the_five_answers_over_private_stock(shop: Shop) -> None:
    vid = _stocked(shop, 5)
    shop.sim.add_private_stock(shop.open_id, vid, CN_SECOND.id, 2)
    sku = shop.sim.catalogue.variant(vid).sku
    spu = shop.ok("POST", P + "querySpuPage", json={})
    assert spu["total"] == 1 and list(spu) == ["pageNum", "pageSize", "total", "list"]
    item = spu["list"][0]
    assert (item["productSku"], item["skuCount"], item["totalQuantity"]) == (DEMO_SKU, 1, 7)
    assert shop.ok("POST", P + "querySpuPage", json={"keyword": "no such words"})["total"] == 0
    skus = shop.ok("POST", P + "querySkuListByProductId", json={"productId": item["productId"]})
    assert [(s["vid"], s["totalQuantity"]) for s in skus] == [(vid, 7)]
    assert {s["storageId"]: s["quantity"] for s in skus[0]["storageList"]} == {
        CN_MAIN.id: 5, CN_SECOND.id: 2}
    page = shop.ok("POST", P + "querySkuDetailPage", json={"pageSize": 1})
    assert page["total"] == 2 and len(page["list"]) == 1
    assert page["list"][0]["sku"] == sku
    rows = shop.ok("POST", P + "querySkuDetailListBySku", json={"sku": sku})
    assert sorted(r["quantity"] for r in rows) == [2, 5]
    flows = shop.ok("POST", P + "querySkuFlowByCondition", json={"sku": sku})
    assert [(f["type"], f["quantity"], f["balance"]) for f in flows["list"]] == [
        ("STOCK_IN", 2, 2), ("STOCK_IN", 5, 5)]


def test_spu_page_keeps_one_warehouse_as_the_mcp_server_asks(shop: Shop) -> None:
    """CJ's MCP server (query_private_inventory) sends ``{pageNum, pageSize, keyword,
    warehouseId}``, warehouseId being an ``areaId`` of product/globalWarehouseList (a string),
    and reads ``list``/``records`` items' ``productId`` and ``productNameEn``."""
    vid = _stocked(shop, 5, "CN")
    shop.sim.add_private_stock(shop.open_id, vid, "US", 3)
    areas = {w["countryCode"]: str(w["areaId"])
             for w in shop.ok("GET", "product/globalWarehouseList")}

    def held(warehouse_id: str) -> list[tuple[str, int]]:
        page = shop.ok("POST", P + "querySpuPage", json={
            "pageNum": 1, "pageSize": 20, "keyword": "phone case", "warehouseId": warehouse_id})
        return [(i["productSku"], i["totalQuantity"]) for i in page["list"]]

    assert held(areas["US"]) == [(DEMO_SKU, 3)]
    assert held(areas["CN"]) == [(DEMO_SKU, 5)] == held("cn") == held(CN_MAIN.id.upper())
    assert held(CN_SECOND.id) == [] and held(areas["DE"]) == []
    assert shop.ok("POST", P + "querySpuPage", json={})["list"][0]["totalQuantity"] == 8
    refused = shop.post(P + "querySpuPage", {"warehouseId": "999"})
    assert refused["code"] == 1600300 and "warehouseId" in shop.sim.journal()[-1]["detail"]


def test_another_account_sees_none_of_it(shop: Shop, other: Shop) -> None:
    _stocked(shop)
    assert other.ok("POST", P + "querySpuPage", json={})["total"] == 0
    assert other.ok("POST", P + "querySkuDetailPage", json={})["list"] == []


@pytest.mark.parametrize(("path", "body"), [
    ("querySpuPage", {"pageNum": 0}),
    ("querySpuPage", {"pageSize": 101}),
    ("querySkuDetailPage", {"pageSize": "x"}),
    ("querySkuListByProductId", {}),
    ("querySkuDetailListBySku", {"sku": 5}),
    ("querySkuFlowByCondition", {"type": "THEFT"}),
    ("querySkuFlowByCondition", {"startTime": "yesterday"}),
])
def test_bad_bodies_are_1600300(shop: Shop, path: str, body: dict[str, object]) -> None:
    answer = shop.post(P + path, body)
    assert answer["code"] == 1600300 and answer["data"] is None


def test_business_errors(shop: Shop) -> None:
    assert shop.post(P + "querySkuListByProductId", {"productId": "nope"})["code"] == 1602001
    answer = shop.post(P + "querySkuDetailListBySku", {"sku": "NOPE-1"})
    assert answer["code"] == 1600300 and "sku" in shop.sim.journal()[-1]["detail"]
    # GET is not how these are called
    assert shop.get(P + "querySpuPage")["code"] == 1600300


def test_orders_draw_private_units_first_and_give_them_back(shop: Shop) -> None:
    vid = _stocked(shop, 3)
    public = _public_units(shop, vid)
    first = shop.created(vid)  # 2 units: private
    assert _public_units(shop, vid) == public
    second = shop.created(vid)  # 1 private + 1 public
    assert _public_units(shop, vid) == public - 1
    rows = shop.ok("POST", P + "querySkuDetailPage", json={})["list"]
    assert rows[0]["quantity"] == 0
    shop.ok("DELETE", "shopping/order/deleteOrder", query_string={"orderId": second})
    assert _public_units(shop, vid) == public
    assert shop.ok("POST", P + "querySkuDetailPage", json={})["list"][0]["quantity"] == 1
    flows = shop.ok("POST", P + "querySkuFlowByCondition", json={"type": "ORDER"})["list"]
    assert {f["orderId"] for f in flows} == {first, second}


def test_private_units_of_another_storage_are_not_used_with_storage_id(shop: Shop) -> None:
    vid = _stocked(shop, 10, CN_MAIN.id)
    public = _public_units(shop, vid)
    shop.created(vid, storageId=CN_SECOND.id)
    assert _public_units(shop, vid) == public - 2
    assert shop.ok("POST", P + "querySkuDetailPage", json={})["list"][0]["quantity"] == 10


def test_the_control_route_and_python_refuse_bad_input(shop: Shop) -> None:
    client = shop.sim.app.test_client()
    url = f"/__cjsim/accounts/{shop.open_id}/private-inventory"
    vid = shop.demo_vid()
    assert client.post(url, json={"vid": vid, "storage": "CN", "units": 4}).status_code == 200
    for body, error in (({"vid": vid, "storage": "XX", "units": 1}, "storage id"),
                        ({"vid": "nope", "storage": "CN", "units": 1}, "no variant"),
                        ({"vid": vid, "storage": "CN", "units": -5}, "only 4"),
                        ({"vid": vid, "storage": "CN", "units": "3"}, "units"),
                        ({"vid": vid, "storage": "CN", "units": 1, "x": 1}, "unknown field")):
        response = client.post(url, json=body)
        assert response.status_code == 400 and error in response.get_json()["error"], body
    assert client.post("/__cjsim/accounts/999/private-inventory",
                       json={"vid": vid, "storage": "CN", "units": 1}).status_code == 404
    assert shop.ok("POST", P + "querySkuDetailPage", json={})["list"][0]["quantity"] == 4


def test_full_flow_over_http() -> None:
    sim = new_sim()
    try:
        with live(sim) as client:
            account = sim.accounts.by_email("live@example.com")
            assert account is not None
            demo = client.ok("GET", "product/query", query={"productSku": DEMO_SKU})
            vid = demo["variants"][0]["vid"]
            response = client.control("POST", f"accounts/{account.open_id}/private-inventory",
                                      {"vid": vid, "storage": "CN", "units": 2})
            assert response.status_code == 200
            spu = client.ok("POST", P + "querySpuPage", body={})
            assert spu["list"][0]["productId"] == demo["pid"]
            order = client.ok("POST", "shopping/order/createOrderV2", body=order_body(vid))
            flows = client.ok("POST", P + "querySkuFlowByCondition", body={"type": "ORDER"})
            assert flows["list"][0]["orderId"] == order["orderId"]
            assert flows["list"][0]["balance"] == 0
    finally:
        sim.close()


# -- storehouseCenterWeb/syncStorehouseVideoRequests ---------------------------------------------

def test_warehouse_photos_of_orders_as_the_mcp_server_asks(shop: Shop, other: Shop) -> None:
    """CJ's MCP server (query_warehouse_order_pictures) POSTs ``{"orderIdList": [...]}`` and
    needs a success envelope; CJ's page answers ``[{orderId, pictureJson: [{url, type}]}]``."""
    path = "storehouseCenterWeb/syncStorehouseVideoRequests"
    vid = shop.demo_vid()
    sent = shop.paid(vid)
    waiting = shop.created(vid)
    before = shop.post(path, {"orderIdList": [sent]})
    assert (before["code"], before["result"]) == (200, True)
    assert before["data"] == [{"orderId": sent, "pictureJson": []}]  # still in the warehouse
    shop.sim.clock.advance(2 * DAY)  # the parcel has left
    answer = shop.ok("POST", path, json={"orderIdList": [sent, waiting, "404", sent]})
    assert [a["orderId"] for a in answer] == [sent, waiting]
    [photo] = answer[0]["pictureJson"]
    assert photo["type"] == "packing" and photo["url"].startswith("https://")
    assert answer[1]["pictureJson"] == []
    assert other.ok("POST", path, json={"orderIdList": [sent]}) == []
    assert shop.post(path, {"orderIdList": []})["code"] == 1600300
    assert shop.post(path, {})["code"] == 1600300
