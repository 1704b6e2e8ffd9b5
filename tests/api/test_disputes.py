"""disputes/* through HTTP: shapes, the lifecycle on the clock, the refund, every business code,
and that a refused call leaves nothing behind."""

from __future__ import annotations

from typing import Any

import pytest

from cjsim.domain.disputes import FAIL_CODES, fail
from cjsim.errors import SEED_CATALOGUE
from tests.api.live import live
from tests.shop import DAY, Shop


def code(step: str) -> int:
    """The catalogue's code for a dispute failure (1607006-9 under CJ's 2026 catalogue)."""
    return fail(step, "x").code


def delivered(shop: Shop, quantity: int = 2) -> str:
    order_id = shop.paid(shop.demo_vid(), products=[{"vid": shop.demo_vid(), "quantity": quantity,
                                                     "storeLineItemId": "li-1"}])
    shop.sim.clock.advance(10 * DAY)
    assert shop.status(order_id) == "DELIVERED"
    return order_id


def lines(shop: Shop, order_id: str) -> list[dict[str, Any]]:
    data = shop.ok("GET", "disputes/disputeProducts", query_string={"orderId": order_id})
    return data["productInfoList"]  # type: ignore[no-any-return]


def test_dispute_products_lists_the_delivered_lines(shop: Shop) -> None:
    order_id = delivered(shop)
    data = shop.ok("GET", "disputes/disputeProducts", query_string={"orderId": order_id})
    assert data["orderId"] == order_id and data["orderNumber"].startswith("shop-")
    [row] = data["productInfoList"]
    assert list(row) == ["lineItemId", "cjProductId", "cjVariantId", "canChoose", "price",
                         "quantity", "cjProductName", "cjImage", "sku", "supplierName"]
    assert row["canChoose"] is True and row["quantity"] == 2 and row["cjVariantId"] == shop.demo_vid()


def test_an_order_not_delivered_cannot_be_disputed(shop: Shop) -> None:
    order_id = shop.paid(shop.demo_vid())
    assert shop.get("disputes/disputeProducts", orderId=order_id)["code"] == code("products")
    body = {"orderId": order_id, "productInfoList": [{"lineItemId": "1"}]}
    assert shop.post("disputes/disputeConfirmInfo", body)["code"] == code("confirm")
    assert shop.post("disputes/create", {**body, "reason": "broken"})["code"] == code("create")
    assert shop.sim.store.items(f"disputes:{shop.open_id}") == []


def test_unknown_and_foreign_orders_are_not_found(shop: Shop, other: Shop) -> None:
    order_id = delivered(shop)
    assert shop.get("disputes/disputeProducts", orderId="404")["code"] == 1603100
    assert other.get("disputes/disputeProducts", orderId=order_id)["code"] == 1603100


def test_confirm_info_sums_what_the_lines_may_claim(shop: Shop) -> None:
    order_id = delivered(shop)
    [row] = lines(shop, order_id)
    data = shop.ok("POST", "disputes/disputeConfirmInfo", json={
        "orderId": order_id, "productInfoList": [{"lineItemId": row["lineItemId"], "quantity": 1}]})
    assert data["maxProductPrice"] == pytest.approx(row["price"])
    assert data["productInfoList"][0]["quantity"] == 1
    assert {r["disputeReasonId"] for r in data["disputeReasonList"]} >= {1, 6}
    too_many = {"orderId": order_id, "productInfoList": [{"lineItemId": row["lineItemId"], "quantity": 3}]}
    assert shop.post("disputes/disputeConfirmInfo", too_many)["code"] == code("confirm")


def test_a_dispute_is_accepted_on_the_clock_and_refunds_the_balance(shop: Shop) -> None:
    order_id = delivered(shop)
    [row] = lines(shop, order_id)
    before = shop.balance()
    created = shop.ok("POST", "disputes/create", json={
        "orderId": order_id, "disputeReasonId": 1, "messageText": "arrived broken",
        "productInfoList": [{"lineItemId": row["lineItemId"], "quantity": 1}]})
    assert created["status"] == "PROCESSING" and created["money"] == pytest.approx(row["price"])
    assert lines(shop, order_id)[0]["quantity"] == 1  # one unit left to dispute
    shop.sim.clock.advance(3 * DAY - 100)
    assert shop.balance() == pytest.approx(before)
    shop.sim.clock.advance(100)
    detail = shop.ok("GET", "disputes/getDisputeDetail", query_string={"disputeId": created["disputeId"]})
    assert detail["status"] == "FINISHED" and detail["finallyDeal"] == "REFUND"
    assert shop.balance() == pytest.approx(before + row["price"])
    shop.sim.clock.advance(DAY)
    assert shop.balance() == pytest.approx(before + row["price"])  # credited once
    assert shop.post("disputes/cancel", {"disputeId": created["disputeId"]})["code"] == code("cancel")


def test_the_same_line_cannot_be_disputed_twice_until_cancelled(shop: Shop) -> None:
    order_id = delivered(shop)
    [row] = lines(shop, order_id)
    body = {"orderId": order_id, "reason": "damaged",
            "productInfoList": [{"lineItemId": row["lineItemId"]}]}
    first = shop.ok("POST", "disputes/create", json=body)
    assert lines(shop, order_id)[0]["canChoose"] is False
    before = shop.sim.store.items(f"disputes:{shop.open_id}")
    assert shop.post("disputes/create", body)["code"] == code("create")
    assert shop.post("disputes/create", {"orderId": order_id, "reason": "x"})["code"] == code("create")
    assert shop.sim.store.items(f"disputes:{shop.open_id}") == before
    assert shop.ok("POST", "disputes/cancel", json={"disputeId": first["disputeId"]}) == first["disputeId"]
    assert shop.post("disputes/cancel", {"disputeId": first["disputeId"]})["code"] == code("cancel")
    balance = shop.balance()
    shop.sim.clock.advance(5 * DAY)
    shop.login()
    assert shop.balance() == balance  # a cancelled dispute refunds nothing
    again = shop.ok("POST", "disputes/create", json=body)
    assert again["disputeId"] != first["disputeId"]


def test_the_list_filters_by_status_and_pages(shop: Shop) -> None:
    order_id = delivered(shop)
    [row] = lines(shop, order_id)
    for _ in range(2):
        shop.ok("POST", "disputes/create", json={
            "orderId": order_id, "reason": "r",
            "productInfoList": [{"lineItemId": row["lineItemId"], "quantity": 1}]})
    page = shop.ok("GET", "disputes/getDisputeList", query_string={"pageSize": 1})
    assert (page["total"], len(page["list"])) == (2, 1)
    assert shop.ok("GET", "disputes/getDisputeList", query_string={"status": "processing"})["total"] == 2
    assert shop.ok("GET", "disputes/getDisputeList", query_string={"status": "FINISHED"})["total"] == 0
    assert shop.get("disputes/getDisputeList", status="open")["code"] == 1600300


@pytest.mark.parametrize(("method", "path", "kwargs"), [
    ("GET", "disputes/disputeProducts", {"query_string": {}}),
    ("POST", "disputes/disputeConfirmInfo", {"json": {"orderId": "1"}}),
    ("POST", "disputes/disputeConfirmInfo", {"json": {"orderId": "1", "productInfoList": [{}]}}),
    ("POST", "disputes/create", {"json": {"reason": "x"}}),
    ("POST", "disputes/create", {"json": {"orderId": "1", "expectType": 3}}),
    ("POST", "disputes/create", {"json": {"orderId": "1", "productInfoList": [{"lineItemId": "1", "quantity": 0}]}}),
    ("POST", "disputes/cancel", {"json": {}}),
    ("GET", "disputes/getDisputeList", {"query_string": {"pageSize": 0}}),
    ("GET", "disputes/getDisputeDetail", {"query_string": {}}),
])
def test_bad_shapes_are_1600300(shop: Shop, method: str, path: str, kwargs: dict[str, Any]) -> None:
    assert shop.call(method, path, **kwargs)["code"] == 1600300


def test_a_reason_is_needed_and_must_be_known(shop: Shop) -> None:
    order_id = delivered(shop)
    assert shop.post("disputes/create", {"orderId": order_id})["code"] == code("create")
    assert shop.post("disputes/create", {"orderId": order_id, "disputeReasonId": 99})["code"] == code("create")


def test_codes_map_to_the_2026_catalogue_when_it_has_them() -> None:
    for step, wanted in FAIL_CODES.items():
        assert code(step) == (wanted if wanted in SEED_CATALOGUE else 1600300)


def test_full_dispute_flow_through_the_live_server(shop: Shop) -> None:
    order_id = delivered(shop)
    shop.login()
    with live(shop) as cj:
        [row] = cj.ok("GET", "disputes/disputeProducts", query={"orderId": order_id})["productInfoList"]
        pick = [{"lineItemId": row["lineItemId"], "cjProductId": row["cjProductId"], "quantity": 2}]
        info = cj.ok("POST", "disputes/disputeConfirmInfo", body={"orderId": order_id, "productInfoList": pick})
        balance = cj.ok("GET", "shopping/pay/getBalance")["amount"]
        made = cj.ok("POST", "disputes/create", body={
            "orderId": order_id, "reason": "Quality problem", "description": "torn",
            "imageUrls": ["https://img.example/1.jpg"], "productInfoList": pick})
        listed = cj.ok("GET", "disputes/getDisputeList", query={"pageNum": "1", "pageSize": "20"})
        assert [d["disputeId"] for d in listed["list"]] == [made["disputeId"]]
        cj.sim.clock.advance(3 * DAY)
        detail = cj.ok("GET", "disputes/getDisputeDetail", query={"disputeId": made["disputeId"]})
        assert detail["status"] == "FINISHED" and detail["imageUrl"] == ["https://img.example/1.jpg"]
        after = cj.ok("GET", "shopping/pay/getBalance")["amount"]
        assert after == pytest.approx(balance + info["maxProductPrice"])
        assert cj.call("POST", "disputes/cancel", body={"disputeId": made["disputeId"]})["code"] == code("cancel")
