"""shopping/order/* and shopping/pay/* through HTTP: shapes, the lifecycle, every business code,
and that no failed call leaves anything behind."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cjsim import Simulator
from tests.shop import DAY, Shop, order_body


def snapshot(sim: Simulator, open_id: int) -> dict[str, Any]:
    """Everything an order call may write: orders, indexes, shipments, stock, money, progress."""
    namespaces = (f"orders:{open_id}", f"order_numbers:{open_id}", f"shipments:{open_id}",
                  "stock_reserved", "tracking", "progress")
    state: dict[str, Any] = {ns: sim.store.items(ns) for ns in namespaces}
    state["balance"] = sim.accounts.get(open_id).balance  # type: ignore[union-attr]
    return state


def test_create_order_v2_shape_amounts_and_key_order(shop: Shop) -> None:
    vid = shop.demo_vid()
    price = shop.ok("GET", "product/variant/queryByVid", query_string={"vid": vid})["variantSellPrice"]
    data = shop.create(vid, payType=3)["data"]
    assert list(data) == [
        "orderId", "orderNumber", "shipmentOrderId", "iossAmount", "iossTaxHandlingFee",
        "postageAmount", "productAmount", "productOriginalAmount", "productDiscountAmount",
        "postageDiscountAmount", "postageOriginalAmount", "totalDiscountAmount", "actualPayment",
        "orderOriginalAmount", "cjPayUrl", "orderAmount", "logisticsMiss", "orderStatus",
        "productInfoList", "interceptOrderReasons", "storageId", "storageName"]
    assert len(data["orderId"]) == 18 and data["orderId"].isdigit()
    assert data["orderId"].startswith("260105")
    assert data["orderStatus"] == "CREATED" and data["shipmentOrderId"] is None
    assert data["productAmount"] == pytest.approx(2 * price)
    assert data["orderAmount"] == pytest.approx(data["productAmount"] + data["postageAmount"])
    line = data["productInfoList"][0]
    assert (line["variantId"], line["quantity"], line["storeLineItemId"]) == (vid, 2, "li-1")
    assert len(line["lineItemId"]) == 19


def test_money_is_written_with_two_decimals(shop: Shop) -> None:
    shop.sim.clock.advance(1)
    raw = shop.http.post("/api2.0/v1/shopping/order/createOrderV2",
                         json=order_body(shop.demo_vid()),
                         headers={"CJ-Access-Token": shop.token}).data
    assert b'"iossAmount":0.00' in raw and b'"productAmount":16.26' in raw


def test_pay_type_1_leaves_a_created_order_with_a_pay_url(shop: Shop) -> None:
    data = shop.create(shop.demo_vid(), payType=None)["data"]
    assert data["orderStatus"] == "CREATED" and data["cjPayUrl"].endswith(data["orderId"])


def test_pay_type_2_pays_at_once(shop: Shop) -> None:
    before = shop.balance()
    data = shop.create(shop.demo_vid(), payType=2)["data"]
    assert data["orderStatus"] == "UNSHIPPED" and data["shipmentOrderId"].startswith("SD")
    assert shop.balance() == pytest.approx(before - data["orderAmount"])
    assert shop.status(data["orderId"]) == "UNSHIPPED"


def test_v1_create_answers_the_bare_order_id_and_requires_zip_and_phone(shop: Shop) -> None:
    vid = shop.demo_vid()
    body = order_body(vid, products=[{"vid": vid, "quantity": "1"}])
    body.pop("payType")
    answer = shop.post("shopping/order/createOrder", body)
    assert answer["code"] == 200 and isinstance(answer["data"], str) and len(answer["data"]) == 18
    assert shop.status(answer["data"]) == "CREATED"
    for missing in ("shippingZip", "shippingPhone"):
        bad = order_body(vid, orderNumber=f"v1-{missing}")
        bad.pop(missing)
        assert shop.post("shopping/order/createOrder", bad)["code"] == 1600300


def _no_stock_vid(shop: Shop) -> str:
    """A variant with stock in CN but none in the US warehouse."""
    cat = shop.sim.catalogue
    return next(v.vid for p in cat.products if p.online for v in p.variants
                if {s.country for s in v.stock} == {"CN"})


FAILURES: list[tuple[str, int, Any]] = [
    ("unknown vid", 1602000, lambda s, vid: {"products": [{"vid": "nope", "quantity": 1}]}),
    ("unknown sku", 1602001, lambda s, vid: {"products": [{"sku": "NOPE-1", "quantity": 1}]}),
    ("offline product", 1602001, lambda s, vid: {"products": [
        {"vid": next(p for p in s.sim.catalogue.products if not p.online).variants[0].vid,
         "quantity": 1}]}),
    ("vid and sku disagree", 1600300, lambda s, vid: {"products": [
        {"vid": vid, "sku": s.sim.catalogue.variant(s.demo_vid(1)).sku, "quantity": 1}]}),
    ("no vid nor sku", 1600300, lambda s, vid: {"products": [{"quantity": 1}]}),
    ("quantity 0", 1603000, lambda s, vid: {"products": [{"vid": vid, "quantity": 0}]}),
    ("unknown country", 1603000, lambda s, vid: {"shippingCountryCode": "QQ"}),
    ("unknown logistic", 1605000, lambda s, vid: {"logisticName": "Teleport Express"}),
    ("line not on the route", 1605000, lambda s, vid: {"logisticName": "USPS+",
                                                       "shippingCountryCode": "DE"}),
    ("no stock in the warehouse", 1603000, lambda s, vid: {
        "fromCountryCode": "US", "logisticName": "USPS+",
        "products": [{"vid": _no_stock_vid(s), "quantity": 1}]}),
    ("more than the stock", 1603000, lambda s, vid: {"products": [{"vid": vid, "quantity": 100_000}]}),
    ("balance too low", 1604000, lambda s, vid: {"payType": 2, "products": [{"vid": vid, "quantity": 300}]}),
    ("payType 4", 1600300, lambda s, vid: {"payType": 4}),
    ("quantity beyond any stock", 1603000, lambda s, vid: {"products": [{"vid": vid, "quantity": 2**31 - 1}]}),
    # beyond a Java int: not a quantity at all (CJ's parameter error), and never an encode failure
    ("absurd quantity", 1600300, lambda s, vid: {"products": [{"vid": vid, "quantity": 10**30}]}),
    ("absurd shopAmount", 1600300, lambda s, vid: {"shopAmount": "1e999999"}),
    ("negative unitPrice", 1600300, lambda s, vid: {"products": [{"vid": vid, "quantity": 1, "unitPrice": -1}]}),
    ("long orderNumber", 1600300, lambda s, vid: {"orderNumber": "x" * 51}),
    ("missing address", 1600300, lambda s, vid: {"shippingAddress": ""}),
    ("no products", 1600300, lambda s, vid: {"products": []}),
]


@pytest.mark.parametrize("name, code, change", FAILURES, ids=[f[0] for f in FAILURES])
def test_a_failed_create_answers_its_code_and_stores_nothing(shop: Shop, name: str, code: int,
                                                             change: Any) -> None:
    vid = shop.demo_vid()
    extra = change(shop, vid)
    shop.created(vid)  # some state to compare against
    before = snapshot(shop.sim, shop.open_id)
    answer = shop.create(vid, **extra)
    assert answer["code"] == code, answer
    assert answer["data"] is None and answer["success"] is False
    assert snapshot(shop.sim, shop.open_id) == before


def test_a_duplicate_order_number_is_1603000_and_changes_nothing(shop: Shop) -> None:
    vid = shop.demo_vid()
    shop.created(vid, orderNumber="shop-dup")
    before = snapshot(shop.sim, shop.open_id)
    assert shop.create(vid, orderNumber="shop-dup")["code"] == 1603000
    assert snapshot(shop.sim, shop.open_id) == before


def test_the_same_order_number_is_fine_for_another_account(shop: Shop, other: Shop) -> None:
    vid = shop.demo_vid()
    shop.created(vid, orderNumber="shared-1")
    assert other.create(vid, orderNumber="shared-1")["code"] == 200


def test_concurrent_creates_with_one_order_number_make_one_order(shop: Shop) -> None:
    vid = shop.demo_vid()
    shop.sim.clock.advance(5)
    codes: list[int] = []

    def create() -> None:
        client = shop.sim.app.test_client()
        answer = client.post("/api2.0/v1/shopping/order/createOrderV2",
                             json=order_body(vid, orderNumber="race-1"),
                             headers={"CJ-Access-Token": shop.token}).get_json()
        codes.append(answer["code"])

    threads = [threading.Thread(target=create) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert codes.count(200) == 1 and set(codes) - {200} <= {1603000, 1600200}
    assert len(shop.sim.domain.orders.all(shop.open_id)) == 1


def test_each_account_sees_only_its_own_orders(shop: Shop, other: Shop) -> None:
    order_id = shop.created(shop.demo_vid())
    assert other.get("shopping/order/getOrderDetail", orderId=order_id)["code"] == 1603100
    assert other.ok("GET", "shopping/order/list")["total"] == 0
    assert other.post("shopping/pay/payBalance", {"orderId": order_id})["code"] == 1603100
    assert other.call("PATCH", "shopping/order/confirmOrder", json={"orderId": order_id})["code"] == 1603100
    assert other.call("DELETE", "shopping/order/deleteOrder",
                      query_string={"orderId": order_id})["code"] == 1603100
    assert shop.status(order_id) == "CREATED"


def test_order_detail_by_id_or_order_number_and_its_shape(shop: Shop) -> None:
    order_id = shop.created(shop.demo_vid(), orderNumber="shop-detail")
    by_id = shop.ok("GET", "shopping/order/getOrderDetail", query_string={"orderId": order_id})
    by_number = shop.ok("GET", "shopping/order/getOrderDetail",
                        query_string={"orderId": "shop-detail"})
    assert by_id == by_number
    assert list(by_id)[:5] == ["orderId", "orderNum", "platformOrderId", "cjOrderId",
                               "fromCountryCode"]
    assert by_id["cjOrderId"] is None and by_id["orderNum"] == "shop-detail"
    assert "logisticsTimeliness" not in by_id
    timely = shop.ok("GET", "shopping/order/getOrderDetail",
                     query_string={"orderId": order_id, "features": "LOGISTICS_TIMELINESS"})
    modes = timely["logisticsTimeliness"]["logisticsModes"]
    assert {"logisticsName": "CJPacket Ordinary", "arrivalTime": "7-12 Days"} in modes
    assert shop.get("shopping/order/getOrderDetail", orderId="999")["code"] == 1603100
    assert shop.get("shopping/order/getOrderDetail")["code"] == 1600300
    too_many = ",".join(f"f{i}" for i in range(21))
    assert shop.get("shopping/order/getOrderDetail", orderId=order_id, features=too_many)["code"] == 1600300


def test_order_list_newest_first_with_filters_and_bounds(shop: Shop) -> None:
    vid = shop.demo_vid()
    first, second = shop.created(vid), shop.created(vid)
    shop.ok("PATCH", "shopping/order/confirmOrder", json={"orderId": second})
    data = shop.ok("GET", "shopping/order/list")
    assert list(data) == ["pageNum", "pageSize", "total", "list"]
    assert [o["orderId"] for o in data["list"]] == [second, first]
    assert list(data["list"][0])[:3] == ["orderId", "orderNum", "cjOrderId"]
    unpaid = shop.ok("GET", "shopping/order/list", query_string={"status": "UNPAID"})
    assert [o["orderId"] for o in unpaid["list"]] == [second]
    assert shop.ok("GET", "shopping/order/list", query_string={"status": "OTHER"})["total"] == 0
    assert shop.ok("GET", "shopping/order/list",
                   query_string={"orderIds": first})["list"][0]["orderId"] == first
    page2 = shop.ok("GET", "shopping/order/list", query_string={"pageNum": 2, "pageSize": 1})
    assert page2["total"] == 2 and [o["orderId"] for o in page2["list"]] == [first]
    assert shop.get("shopping/order/list", status="LOST")["code"] == 1600300
    assert shop.get("shopping/order/list", pageSize="201")["code"] == 1600300
    assert shop.get("shopping/order/list", pageNum="0")["code"] == 1600300


def test_delete_cancels_releases_stock_and_keeps_the_order_listable(shop: Shop) -> None:
    vid = shop.demo_vid()
    empty = shop.sim.store.items("stock_reserved")
    order_id = shop.created(vid)
    assert shop.sim.store.items("stock_reserved") != empty
    assert shop.ok("DELETE", "shopping/order/deleteOrder", query_string={"orderId": order_id}) == order_id
    assert shop.sim.store.items("stock_reserved") == empty
    assert shop.status(order_id) == "CANCELLED"
    assert shop.ok("GET", "shopping/order/list", query_string={"status": "CANCELLED"})["total"] == 1
    again = shop.call("DELETE", "shopping/order/deleteOrder", query_string={"orderId": order_id})
    assert again["code"] == 1603002
    assert shop.call("DELETE", "shopping/order/deleteOrder",
                     query_string={"orderId": "404"})["code"] == 1603100


def test_a_confirmed_order_cannot_be_deleted_or_confirmed_again(shop: Shop) -> None:
    order_id = shop.created(shop.demo_vid())
    data = shop.ok("PATCH", "shopping/order/confirmOrder", json={"orderId": order_id})
    assert data == order_id and shop.status(order_id) == "UNPAID"
    detail = shop.ok("GET", "shopping/order/getOrderDetail", query_string={"orderId": order_id})
    assert detail["cjOrderId"] == order_id
    before = snapshot(shop.sim, shop.open_id)
    assert shop.call("PATCH", "shopping/order/confirmOrder", json={"orderId": order_id})["code"] == 1603001
    assert shop.call("DELETE", "shopping/order/deleteOrder",
                     query_string={"orderId": order_id})["code"] == 1603002
    assert shop.call("PATCH", "shopping/order/confirmOrder", json={"orderId": "404"})["code"] == 1603100
    assert snapshot(shop.sim, shop.open_id) == before


def test_pay_balance_codes_and_that_failures_change_nothing(shop: Shop) -> None:
    vid = shop.demo_vid()
    order_id = shop.created(vid)
    before = snapshot(shop.sim, shop.open_id)
    assert shop.post("shopping/pay/payBalance", {"orderId": order_id})["code"] == 1603101
    assert shop.post("shopping/pay/payBalance", {"orderId": "404"})["code"] == 1603100
    assert snapshot(shop.sim, shop.open_id) == before
    shop.ok("PATCH", "shopping/order/confirmOrder", json={"orderId": order_id})
    shop.sim.accounts.update(shop.open_id, {"balance": "1.00"})
    before = snapshot(shop.sim, shop.open_id)
    assert shop.post("shopping/pay/payBalance", {"orderId": order_id})["code"] == 1604000
    assert snapshot(shop.sim, shop.open_id) == before
    shop.sim.accounts.update(shop.open_id, {"balance": "100.00"})
    amount = shop.ok("GET", "shopping/order/getOrderDetail", query_string={"orderId": order_id})["orderAmount"]
    assert shop.ok("POST", "shopping/pay/payBalance", json={"orderId": order_id}) == order_id
    assert shop.balance() == pytest.approx(100 - amount)
    assert shop.status(order_id) == "UNSHIPPED"
    assert shop.post("shopping/pay/payBalance", {"orderId": order_id})["code"] == 1603101
    assert shop.call("DELETE", "shopping/order/deleteOrder",
                     query_string={"orderId": order_id})["code"] == 1603002


def test_cart_flow_add_confirm_parent_order_and_pay_v2(shop: Shop) -> None:
    vid = shop.demo_vid()
    a, b, c = shop.created(vid), shop.created(vid), shop.created(vid)
    shop.ok("PATCH", "shopping/order/confirmOrder", json={"orderId": c})
    added = shop.ok("POST", "shopping/order/addCart", json={"cjOrderIdList": [a, b, c, a]})
    assert added == {"successCount": 2, "addSuccessOrders": [a, b], "unInterceptAddressCount": 0,
                     "interceptOrders": [c]}
    assert shop.status(a) == "IN_CART"
    confirmed = shop.ok("POST", "shopping/order/addCartConfirm", json={"cjOrderIdList": [a, b, c]})
    assert list(confirmed) == ["successCount", "submitSuccess", "shipmentsId", "result", "interceptOrders"]
    assert (confirmed["successCount"], confirmed["submitSuccess"], confirmed["interceptOrders"]) == (2, True, [c])
    shipment = confirmed["shipmentsId"]
    assert shipment.startswith("SD") and len(shipment) == 22
    listed = shop.ok("GET", "shopping/order/list", query_string={"shipmentOrderId": shipment})
    assert {o["orderId"] for o in listed["list"]} == {a, b}
    assert shop.post("shopping/pay/payBalanceV2", {"shipmentOrderId": shipment, "payId": "x"})["code"] == 1603101
    parent = shop.ok("POST", "shopping/order/saveGenerateParentOrder", json={"shipmentOrderId": shipment})
    assert parent["successOrders"] == [a, b] and parent["unMatchOrderCodes"] == []
    info = parent["paymentInformation"]
    assert parent["orderMoney"] == pytest.approx(info["commodityTotalAmount"] + info["freight"])
    expires = shop.sim.clock.now() + timedelta(days=1)  # the call's instant + 24 h, China time
    assert info["canDeduct"] is True and parent["payExpireTime"] == f"{expires:%Y-%m-%d %H:%M:%S}"
    again = shop.ok("POST", "shopping/order/saveGenerateParentOrder", json={"shipmentOrderId": shipment})
    assert again["payId"] == parent["payId"]
    assert shop.post("shopping/pay/payBalanceV2", {"shipmentOrderId": "SD404", "payId": parent["payId"]})["code"] == 1603100
    before = shop.balance()
    paid = shop.ok("POST", "shopping/pay/payBalanceV2",
                   json={"shipmentOrderId": shipment, "payId": parent["payId"], "orderType": 1})
    assert paid == shipment and shop.balance() == pytest.approx(before - parent["orderMoney"])
    assert shop.status(a) == shop.status(b) == "UNSHIPPED"
    assert shop.post("shopping/pay/payBalanceV2",
                     {"shipmentOrderId": shipment, "payId": parent["payId"]})["code"] == 1603101
    later = shop.ok("POST", "shopping/order/saveGenerateParentOrder", json={"shipmentOrderId": shipment})
    assert later["unMatchOrderCodes"] == [a, b] and later["submitSuccess"] is False


def test_pay_v2_with_a_short_balance_pays_nothing(shop: Shop) -> None:
    vid = shop.demo_vid()
    a, b = shop.created(vid), shop.created(vid)
    shop.ok("POST", "shopping/order/addCart", json={"cjOrderIdList": [a, b]})
    shipment = shop.ok("POST", "shopping/order/addCartConfirm", json={"cjOrderIdList": [a, b]})["shipmentsId"]
    pay_id = shop.ok("POST", "shopping/order/saveGenerateParentOrder", json={"shipmentOrderId": shipment})["payId"]
    shop.sim.accounts.update(shop.open_id, {"balance": "20.00"})  # enough for one, not two
    before = snapshot(shop.sim, shop.open_id)
    answer = shop.post("shopping/pay/payBalanceV2", {"shipmentOrderId": shipment, "payId": pay_id})
    assert answer["code"] == 1604000
    assert snapshot(shop.sim, shop.open_id) == before


def test_cart_calls_with_an_unknown_id_change_nothing(shop: Shop) -> None:
    order_id = shop.created(shop.demo_vid())
    before = snapshot(shop.sim, shop.open_id)
    for path in ("shopping/order/addCart", "shopping/order/addCartConfirm"):
        assert shop.post(path, {"cjOrderIdList": [order_id, "404"]})["code"] == 1603100
        assert shop.post(path, {"cjOrderIdList": []})["code"] == 1600300
    assert shop.post("shopping/order/saveGenerateParentOrder", {"shipmentOrderId": "SD1"})["code"] == 1603100
    assert snapshot(shop.sim, shop.open_id) == before
    nothing = shop.ok("POST", "shopping/order/addCartConfirm", json={"cjOrderIdList": [order_id]})
    assert (nothing["submitSuccess"], nothing["shipmentsId"], nothing["interceptOrders"]) == (False, None, [order_id])


def test_a_paid_order_ships_then_is_delivered_on_the_clock(shop: Shop) -> None:
    order_id = shop.paid(shop.demo_vid())
    shop.sim.clock.advance(DAY - 10)
    assert shop.status(order_id) == "UNSHIPPED"
    shop.sim.clock.advance(10)
    detail = shop.ok("GET", "shopping/order/getOrderDetail", query_string={"orderId": order_id})
    assert detail["orderStatus"] == "SHIPPED" and detail["trackNumber"].startswith("CJPKL")
    assert detail["outWarehouseTime"] is not None and detail["paymentDate"] is not None
    shop.sim.clock.advance(8 * DAY)
    assert shop.status(order_id) == "DELIVERED"


def test_order_dates_are_utc_text(shop: Shop) -> None:
    order_id = shop.created(shop.demo_vid())
    detail = shop.ok("GET", "shopping/order/getOrderDetail", query_string={"orderId": order_id})
    assert detail["createDate"].startswith("2026-01-05 02:00:")  # 10:00 China = 02:00 UTC


LIST_KEYS = ["orderId", "orderNum", "cjOrderId", "shippingCountryCode", "shippingProvince",
             "shippingCity", "shippingAddress", "shippingCustomerName", "shippingPhone", "remark",
             "logisticName", "storageId", "storageName", "trackNumber", "trackingUrl",
             "orderWeight", "orderAmount",
             "productAmount", "postageAmount", "orderStatus", "createDate", "paymentDate",
             "storeCreateDate", "cjOrderCode", "productionOrderStatus", "abnormalType", "productList"]
DETAIL_KEYS = ["orderId", "orderNum", "platformOrderId", "cjOrderId", "fromCountryCode",
               "storageId", "storageName", "shippingCountryCode", "shippingProvince", "shippingCity", "shippingAddress",
               "shippingCustomerName", "shippingPhone", "remark", "logisticName", "trackNumber",
               "trackingUrl", "disputeId", "orderWeight", "orderAmount", "productAmount",
               "postageAmount", "orderStatus", "createDate", "paymentDate", "outWarehouseTime",
               "storeCreateDate", "isComplete", "cjOrderCode", "productionOrderStatus", "abnormalType",
               "productList", "logisticsTimeliness"]


def test_order_objects_have_cjs_keys_in_cjs_order(shop: Shop) -> None:
    order_id = shop.paid(shop.demo_vid())
    shop.sim.clock.advance(DAY)
    item = shop.ok("GET", "shopping/order/list")["list"][0]
    assert list(item) == LIST_KEYS
    assert list(item["productList"][0]) == ["vid", "quantity", "sellPrice"]
    detail = shop.ok("GET", "shopping/order/getOrderDetail",
                     query_string={"orderId": order_id, "features": "LOGISTICS_TIMELINESS"})
    assert list(detail) == DETAIL_KEYS
    assert list(detail["productList"][0]) == ["vid", "quantity", "sellPrice", "lineItemId",
                                              "storeLineItemId", "podPropertiesInfo"]
    assert detail["orderStatus"] == "SHIPPED" and detail["orderWeight"] == item["orderWeight"]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=60)
    | st.sampled_from(["", "1", "-1", "1e999999", "NaN", "Infinity", "US", "CJPacket Ordinary"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6)
BODY_KEYS = sorted(order_body("x")) + ["shopAmount", "iossType", "platform", "remark", "email"]
LINE_KEYS = ["vid", "sku", "quantity", "unitPrice", "storeLineItemId"]


def test_no_create_input_corrupts_state_or_crashes(shop: Shop) -> None:
    vid = shop.demo_vid()
    known = {200, 1600300, 1602000, 1602001, 1603000, 1604000, 1605000}

    @settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
    @given(body_changes=st.dictionaries(st.sampled_from(BODY_KEYS), json_values, max_size=3),
           line_changes=st.dictionaries(st.sampled_from(LINE_KEYS), json_values, max_size=2))
    def check(body_changes: dict[str, Any], line_changes: dict[str, Any]) -> None:
        body = order_body(vid, payType=2)
        body["products"] = [{**body["products"][0], **line_changes}]
        body.update(body_changes)
        before = snapshot(shop.sim, shop.open_id)
        answer = shop.post("shopping/order/createOrderV2", body)
        assert answer["code"] in known, answer
        after = snapshot(shop.sim, shop.open_id)
        if answer["code"] == 200:
            assert len(after[f"orders:{shop.open_id}"]) == len(before[f"orders:{shop.open_id}"]) + 1
        else:
            assert after == before

    shop.sim.accounts.update(shop.open_id, {"balance": "100000"})
    check()


def test_create_order_v3_takes_v2s_body_and_pays_with_pay_type_2(shop: Shop) -> None:
    before = shop.balance()
    data = shop.ok("POST", "shopping/order/createOrderV3", json=order_body(shop.demo_vid(), payType=2))
    assert data["orderStatus"] == "UNSHIPPED" and data["shipmentOrderId"]
    assert shop.balance() == pytest.approx(before - data["orderAmount"])
    assert shop.post("shopping/order/createOrderV3", order_body(shop.demo_vid(), payType=5))["code"] == 1600300
    assert shop.post("shopping/order/createOrderV3", order_body("nope"))["code"] == 1602000
    assert shop.post("shopping/order/createOrderV3", {})["code"] == 1600300


def test_cj_order_code_appears_when_cj_takes_the_order(shop: Shop) -> None:
    order_id = shop.created(shop.demo_vid())
    detail = shop.ok("GET", "shopping/order/getOrderDetail", query_string={"orderId": order_id})
    assert (detail["cjOrderCode"], detail["productionOrderStatus"], detail["abnormalType"]) == (None, None, None)
    shop.ok("PATCH", "shopping/order/confirmOrder", json={"orderId": order_id})
    detail = shop.ok("GET", "shopping/order/getOrderDetail", query_string={"orderId": order_id})
    assert detail["cjOrderCode"] == f"CJ{order_id}"
    [item] = shop.ok("GET", "shopping/order/list", query_string={"orderIds": order_id})["list"]
    assert item["cjOrderCode"] == f"CJ{order_id}"
