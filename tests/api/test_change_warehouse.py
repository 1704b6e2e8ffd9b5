"""shopping/order/changeWarehouse: an unpaid order's reservation moves to another storage."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.live import live
from tests.shop import DAY, Shop

PATH = "shopping/order/changeWarehouse"
YIWU, SHENZHEN = "856722f3b78d7849d64b74e2eafae490", "92181d32c35ef03bc8f97a7cd696d202"
CRANBURY = "37e819c64f15d8c9b09fd819083ee5cd"


def levels(shop: Shop, vid: str) -> dict[str, int]:
    """Live units per storage id of one variant (stock/queryByVid)."""
    rows = shop.ok("GET", "product/stock/queryByVid", query_string={"vid": vid})
    return {s["stockId"]: s["totalInventoryNum"] for row in rows for s in row["stock"]}


def detail(shop: Shop, order_id: str) -> Any:
    return shop.ok("GET", "shopping/order/getOrderDetail", query_string={"orderId": order_id})


def change(shop: Shop, body: dict[str, Any]) -> dict[str, Any]:
    return shop.call("POST", PATH, json=body)


def test_the_reservation_moves_to_the_new_storage(shop: Shop) -> None:
    vid = shop.demo_vid()
    before = levels(shop, vid)
    order_id = shop.created(vid, storageId=YIWU)  # 2 units held in Yiwu
    held = levels(shop, vid)
    assert (held[YIWU], held[SHENZHEN]) == (before[YIWU] - 2, before[SHENZHEN])
    answer = change(shop, {"orderCode": order_id, "storageId": SHENZHEN})
    assert answer["code"] == 200, answer
    data = answer["data"]
    assert (data["orderId"], data["storageId"], data["storageName"]) == (
        order_id, SHENZHEN, "Shenzhen Warehouse")
    moved = levels(shop, vid)
    assert (moved[YIWU], moved[SHENZHEN]) == (before[YIWU], before[SHENZHEN] - 2)
    shown = detail(shop, order_id)
    assert (shown["storageId"], shown["storageName"]) == (SHENZHEN, "Shenzhen Warehouse")
    # deleting it now gives the units back to Shenzhen, not to Yiwu
    shop.ok("DELETE", "shopping/order/deleteOrder", query_string={"orderId": order_id})
    assert levels(shop, vid) == before


def test_another_country_reprices_the_postage_and_the_order_code_works(shop: Shop) -> None:
    vid = shop.demo_vid()
    order_id = shop.created(vid, logisticName="USPS+", fromCountryCode="US")
    old = detail(shop, order_id)
    shop.ok("PATCH", "shopping/order/confirmOrder", json={"orderId": order_id})  # UNPAID
    data = shop.ok("POST", PATH, json={"orderCode": f"CJ{order_id}", "storageId": CRANBURY})
    assert data["fromCountryCode"] == "US" and data["storageId"] == CRANBURY
    assert float(data["orderAmount"]) == pytest.approx(
        float(old["productAmount"]) + float(data["postageAmount"]))
    assert detail(shop, order_id)["orderStatus"] == "UNPAID"


def test_cross_country_on_a_line_that_does_not_start_there_changes_nothing(shop: Shop) -> None:
    vid = shop.demo_vid()
    before = levels(shop, vid)
    order_id = shop.created(vid, storageId=YIWU)  # CJPacket Ordinary leaves from CN only
    answer = change(shop, {"orderCode": order_id, "storageId": CRANBURY})
    assert answer["code"] == 1605000, answer
    after = levels(shop, vid)
    assert (after[YIWU], after[CRANBURY]) == (before[YIWU] - 2, before[CRANBURY])
    assert detail(shop, order_id)["storageId"] == YIWU


def test_a_paid_or_cancelled_order_keeps_its_warehouse(shop: Shop) -> None:
    vid = shop.demo_vid()
    paid = shop.paid(vid)
    assert change(shop, {"orderCode": paid, "storageId": SHENZHEN})["code"] == 1600300
    assert "not paid yet" in shop.sim.journal()[-1]["detail"]
    shop.sim.clock.advance(2 * DAY)
    shop.login()
    assert shop.status(paid) == "SHIPPED"
    assert change(shop, {"orderCode": paid, "storageId": SHENZHEN})["code"] == 1600300
    deleted = shop.created(vid)
    shop.ok("DELETE", "shopping/order/deleteOrder", query_string={"orderId": deleted})
    assert change(shop, {"orderCode": deleted, "storageId": SHENZHEN})["code"] == 1600300


def test_unknown_orders_and_storages(shop: Shop, other: Shop) -> None:
    order_id = shop.created(shop.demo_vid())
    assert change(shop, {"orderCode": "404", "storageId": SHENZHEN})["code"] == 1603100
    # another account's order is unknown to this one
    assert change(other, {"orderCode": order_id, "storageId": SHENZHEN})["code"] == 1603100
    answer = change(shop, {"orderCode": order_id, "storageId": "nope"})
    assert answer["code"] == 1600300 and "no CJ storage" in shop.sim.journal()[-1]["detail"]


def test_not_enough_units_in_the_new_storage_changes_nothing(shop: Shop) -> None:
    vid = shop.demo_vid()
    before = levels(shop, vid)
    order_id = shop.created(vid, products=[{"vid": vid, "quantity": before[SHENZHEN] + 1}],
                            storageId=YIWU)
    assert change(shop, {"orderCode": order_id, "storageId": SHENZHEN})["code"] == 1603000
    assert detail(shop, order_id)["storageId"] == YIWU
    assert levels(shop, vid)[SHENZHEN] == before[SHENZHEN]


@pytest.mark.parametrize("body", [
    {},  # nothing
    {"orderCode": "1"},  # no storageId
    {"storageId": SHENZHEN},  # no order
    {"orderCode": "  ", "storageId": SHENZHEN},
    {"orderCode": 5, "storageId": SHENZHEN},  # not a string
    {"orderCode": "1", "storageId": ["x"]},
    {"orderCode": "1", "storageId": "x" * 201},
    [],  # not an object
])
def test_bad_request_shapes_are_1600300(shop: Shop, body: Any) -> None:
    assert shop.call("POST", PATH, json=body)["code"] == 1600300


def test_get_is_refused(shop: Shop) -> None:
    assert shop.call("GET", PATH, query_string={"orderCode": "1", "storageId": "x"})["code"] == 1600300


def test_it_costs_no_points_under_cj_2026() -> None:
    from tests.shop import running, shop_of

    with running(profile="cj-2026") as sim:
        shop = shop_of(sim)
        vid = shop.demo_vid()
        order_id = shop.created(vid, storageId=YIWU)
        used = sim.points_usage(shop.account)["used"]
        assert used > 0  # the product query above cost points: the count is live
        shop.ok("POST", PATH, json={"orderCode": order_id, "storageId": SHENZHEN})
        assert sim.points_usage(shop.account)["used"] == used


def test_change_warehouse_through_the_live_server(shop: Shop) -> None:
    vid = shop.demo_vid()
    order_id = shop.created(vid, storageId=YIWU)
    with live(shop) as cj:
        data = cj.ok("POST", PATH, body={"orderCode": order_id, "storageId": SHENZHEN})
        assert data["storageName"] == "Shenzhen Warehouse"
        shown = cj.ok("GET", "shopping/order/getOrderDetail", query={"orderId": order_id})
        assert shown["storageId"] == SHENZHEN
        bad = cj.call("POST", PATH, body={"orderCode": order_id})
        assert bad["code"] == 1600300 and bad["result"] is False


# -- getOrderDetailBatch (the same family of order interfaces, shopping.html) ---------------------

BATCH = "shopping/order/getOrderDetailBatch"


def test_order_detail_batch_answers_each_known_order_in_request_order(shop: Shop, other: Shop) -> None:
    vid = shop.demo_vid()
    first, second = shop.created(vid), shop.paid(vid)
    foreign = other.created(vid)
    number = detail(shop, first)["orderNum"]
    got = shop.ok("POST", BATCH, json={"orderIds": [second, "404", foreign, number, first]})
    assert [d["orderId"] for d in got] == [second, first]  # by id, by orderNumber; once each
    assert got[0] == detail(shop, second)
    assert shop.ok("POST", BATCH, json={"orderIds": ["404"]}) == []


@pytest.mark.parametrize("body", [{}, {"orderIds": []}, {"orderIds": [{"a": 1}]},
                                  {"orderIds": [str(i) for i in range(101)]}])
def test_order_detail_batch_bad_shapes_are_1600300(shop: Shop, body: Any) -> None:
    assert shop.call("POST", BATCH, json=body)["code"] == 1600300


def test_order_detail_batch_through_the_live_server(shop: Shop) -> None:
    order_id = shop.created(shop.demo_vid())
    with live(shop) as cj:
        got = cj.ok("POST", BATCH, body={"orderIds": [order_id]})
        assert [d["orderId"] for d in got] == [order_id]


def test_the_change_sends_an_order_update_and_the_moved_stock(shop: Shop) -> None:
    from tests.shop import Receiver, count

    vid = shop.demo_vid()
    order_id = shop.created(vid, storageId=YIWU)
    with Receiver() as receiver:
        shop.enable(receiver.url, "order", "stock")
        shop.ok("POST", PATH, json={"orderCode": order_id, "storageId": SHENZHEN})
        receiver.wait_for(lambda got: count("ORDER", "UPDATE")(got) and count("STOCK")(got))
        [update] = receiver.bodies("ORDER")
        assert (update["params"]["cjOrderId"], update["params"]["orderStatus"]) == (order_id, "CREATED")
        [stock] = receiver.bodies("STOCK")
        china = {row["countryCode"]: row["storageNum"] for row in stock["params"][vid]}["CN"]
        assert china == sum(levels(shop, vid)[s] for s in (YIWU, SHENZHEN))


def test_private_units_move_too_the_new_storage_s_first(shop: Shop) -> None:
    """The account's own units in the old storage go back to it; those in the new one are
    taken before CJ's public stock there."""
    vid = shop.demo_vid()
    shop.sim.add_private_stock(shop.open_id, vid, YIWU, 1)
    shop.sim.add_private_stock(shop.open_id, vid, SHENZHEN, 5)
    public = levels(shop, vid)

    def own() -> dict[str, int]:
        rows = shop.ok("POST", "product/stock/privateInventory/querySkuListByProductId",
                       json={"productId": shop.sim.catalogue.find_variant(vid)[0].pid})  # type: ignore[index]
        return {s["storageId"]: s["quantity"] for s in rows[0]["storageList"]}

    order_id = shop.created(vid, storageId=YIWU)  # 2 units: 1 own + 1 public in Yiwu
    assert own() == {YIWU: 0, SHENZHEN: 5}
    assert levels(shop, vid)[YIWU] == public[YIWU] - 1
    shop.ok("POST", PATH, json={"orderCode": order_id, "storageId": SHENZHEN})
    assert own() == {YIWU: 1, SHENZHEN: 3}  # both units from the account's own there
    assert levels(shop, vid) == public  # no public unit is held any more
