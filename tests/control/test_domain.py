"""The shop's control routes: deliveries, orders, cancel, tick, catalogue, tick after clock moves."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cjsim import Simulator
from tests.shop import DAY, Receiver, Shop, count, running, shop_of


@pytest.fixture
def sim() -> Iterator[Simulator]:
    # a ticker that never fires on its own: what arrives was sent by the clock hook
    with running(domain_options={"tick_interval_s": 600}) as s:
        yield s


@pytest.fixture
def shop(sim: Simulator) -> Shop:
    return shop_of(sim)


def test_a_clock_move_through_the_control_api_sends_due_webhooks_at_once(shop: Shop) -> None:
    with Receiver() as receiver:
        shop.enable(receiver.url, "logistics")
        shop.paid(shop.demo_vid())
        assert shop.http.post("/__cjsim/clock", json={"advance": DAY}).status_code == 200
        receiver.wait_for(count("LOGISTIC", "INSERT"), timeout=3)


def test_tick_route_reports_messages(shop: Shop) -> None:
    shop.paid(shop.demo_vid())
    shop.sim.clock.advance(DAY)
    assert shop.http.post("/__cjsim/tick").get_json() == {"messages": 2}
    assert shop.http.post("/__cjsim/tick").get_json() == {"messages": 0}


def test_deliveries_route_filters_waits_and_clears(shop: Shop) -> None:
    with Receiver() as receiver:
        shop.enable(receiver.url, "order", "stock")
        shop.created(shop.demo_vid())
        http = shop.http
        everything = http.get("/__cjsim/webhooks/deliveries?wait=5").get_json()["deliveries"]
        assert {e["type"] for e in everything} == {"ORDER", "STOCK"}
        first = everything[0]
        assert set(first) >= {"id", "time", "openId", "messageId", "type", "messageType", "url",
                              "attempt", "outcome", "ok", "httpStatus", "error", "message"}
        orders = http.get("/__cjsim/webhooks/deliveries?type=ORDER").get_json()["deliveries"]
        assert [e["type"] for e in orders] == ["ORDER"]
        by_id = http.get(f"/__cjsim/webhooks/deliveries?messageId={first['messageId']}").get_json()
        assert [e["id"] for e in by_id["deliveries"]] == [first["id"]]
        since = http.get(f"/__cjsim/webhooks/deliveries?since={first['id']}").get_json()["deliveries"]
        assert len(since) == len(everything) - 1
        assert http.get("/__cjsim/webhooks/deliveries?limit=1").get_json()["deliveries"] == everything[-1:]
        assert http.get("/__cjsim/webhooks/deliveries?wait=x").status_code == 400
        assert http.get("/__cjsim/webhooks/deliveries?wait=99").status_code == 400
        assert http.get("/__cjsim/webhooks/deliveries?limit=-1").status_code == 400
        assert http.delete("/__cjsim/webhooks/deliveries").get_json() == {"deliveries": []}
        assert http.get("/__cjsim/webhooks/deliveries").get_json() == {"deliveries": []}


def test_orders_route_lists_every_account_or_one(shop: Shop) -> None:
    other = shop_of(shop.sim, "other@example.com")
    mine, theirs = shop.created(shop.demo_vid()), other.created(shop.demo_vid())
    listed = shop.http.get("/__cjsim/orders").get_json()["orders"]
    assert {(o["openId"], o["orderId"]) for o in listed} == {(shop.open_id, mine), (other.open_id, theirs)}
    only = shop.http.get(f"/__cjsim/orders?openId={other.open_id}").get_json()["orders"]
    assert [o["orderId"] for o in only] == [theirs]


def test_cancel_route_refunds_a_paid_order_and_refuses_a_shipped_one(shop: Shop) -> None:
    vid = shop.demo_vid()
    before = shop.balance()
    order_id = shop.paid(vid)
    answer = shop.http.post(f"/__cjsim/orders/{order_id}/cancel")
    assert answer.status_code == 200 and answer.get_json()["orderStatus"] == "CANCELLED"
    assert shop.balance() == before
    shipped = shop.paid(vid)
    shop.sim.clock.advance(DAY)
    refused = shop.http.post(f"/__cjsim/orders/{shipped}/cancel")
    assert refused.status_code == 400 and "SHIPPED" in refused.get_json()["error"]
    assert shop.http.post("/__cjsim/orders/404/cancel").status_code == 404


def test_catalogue_route_gives_the_pin_format(shop: Shop) -> None:
    doc = shop.http.get("/__cjsim/catalogue").get_json()
    assert doc["format"] == "cjsim-catalogue" and doc["seed"] == 7
    assert len(doc["products"]) >= 200
