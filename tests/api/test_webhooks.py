"""webhook/set and real deliveries: settings, codes, signatures, retries, options."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from tests.shop import DAY, Receiver, Shop, count, running, shop_of


def _callback(shop: Shop) -> dict[str, Any]:
    return dict(shop.ok("GET", "setting/get")["callback"])


def test_set_then_setting_get_shows_urls_per_topic(shop: Shop) -> None:
    assert shop.ok("POST", "webhook/set", json={
        "order": {"type": "ENABLE", "callbackUrls": ["http://127.0.0.1:9/cj"]},
        "stock": {"type": "CANCEL", "callbackUrls": ["http://ignored.example/x"]},
    }) is True
    callback = _callback(shop)
    assert callback == {"product": {"type": "CANCEL", "urls": []},
                        "stock": {"type": "CANCEL", "urls": []},
                        "order": {"type": "ENABLE", "urls": ["http://127.0.0.1:9/cj"]},
                        "logistics": {"type": "CANCEL", "urls": []}}
    shop.ok("POST", "webhook/set", json={"logistics": {"type": "ALL", "callbackUrls": ["https://h.example/a"]}})
    callback = _callback(shop)
    assert callback["logistics"] == {"type": "ENABLE", "urls": ["https://h.example/a"]}
    assert callback["order"]["type"] == "ENABLE"  # a missing topic keeps its setting


@pytest.mark.parametrize("body, code", [
    ({"order": {"type": "ENABLE", "callbackUrls": []}}, 1607000),
    ({"order": {"type": "ENABLE"}}, 1607000),
    ({"order": {"type": "ENABLE", "callbackUrls": ["not a url"]}}, 1607000),
    ({"order": {"type": "ENABLE", "callbackUrls": ["ftp://h.example/x"]}}, 1607000),
    ({"order": {"type": "ENABLE", "callbackUrls": [1]}}, 1600300),
    ({"order": {"type": "ENABLE", "callbackUrls": [f"http://h.example/{i}" for i in range(6)]}}, 1600300),
    ({"order": {"type": "MAYBE", "callbackUrls": ["http://h.example/"]}}, 1600300),
    ({"order": "ENABLE"}, 1600300),
    ({"orders": {"type": "ENABLE", "callbackUrls": ["http://h.example/"]}}, 1600300),
])
def test_bad_settings_answer_their_code_and_store_nothing(shop: Shop, body: dict[str, Any], code: int) -> None:
    answer = shop.post("webhook/set", {**body, "stock": {"type": "ENABLE", "callbackUrls": ["http://h.example/s"]}}
                       if "orders" not in body else body)
    assert answer["code"] == code, answer
    assert _callback(shop)["stock"]["type"] == "CANCEL"


def test_re_enabling_with_the_same_urls_is_1606000_and_changes_nothing(shop: Shop) -> None:
    urls = ["http://h.example/a", "http://h.example/b"]
    shop.ok("POST", "webhook/set", json={"order": {"type": "ENABLE", "callbackUrls": urls}})
    answer = shop.post("webhook/set", {"order": {"type": "ENABLE", "callbackUrls": urls[::-1]},
                                       "stock": {"type": "ENABLE", "callbackUrls": urls}})
    assert answer["code"] == 1606000
    assert _callback(shop)["stock"]["type"] == "CANCEL"
    other_urls = shop.post("webhook/set", {"order": {"type": "ENABLE", "callbackUrls": urls[:1]}})
    assert other_urls["code"] == 200


def test_with_the_probe_on_an_unreachable_url_is_1606001() -> None:
    with running(webhook_probe=True, domain_options={"timeout_s": 0.5}) as sim:
        shop = shop_of(sim)
        with Receiver(statuses=[500]) as failing:
            answer = shop.post("webhook/set", {"order": {"type": "ENABLE", "callbackUrls": [failing.url]}})
            assert answer["code"] == 1606001
            assert _callback(shop)["order"]["type"] == "CANCEL"
            assert shop.post("webhook/set", {"order": {"type": "ENABLE", "callbackUrls": [
                "http://127.0.0.1:9/closed"]}})["code"] == 1606001
        with Receiver() as ok:
            assert shop.ok("POST", "webhook/set", json={"order": {"type": "ENABLE", "callbackUrls": [ok.url]}})
            probe = ok.received[0]
            assert probe.signed_by(shop.open_id) and probe.body["type"] == "WEBHOOK"


def test_with_the_probe_off_localhost_callbacks_are_accepted_without_a_call(shop: Shop) -> None:
    assert shop.ok("POST", "webhook/set", json={"order": {"type": "ENABLE", "callbackUrls": [
        "http://127.0.0.1:9/closed"]}}) is True


def test_order_webhooks_arrive_signed_with_cj_envelope(shop: Shop, receiver: Receiver) -> None:
    shop.enable(receiver.url, "order")
    order_id = shop.created(shop.demo_vid(), orderNumber="hook-1")
    shop.ok("PATCH", "shopping/order/confirmOrder", json={"orderId": order_id})
    got = receiver.wait_for(count("ORDER", n=2))
    insert, update = sorted((r for r in got), key=lambda r: r.body["messageType"] != "INSERT")
    for message in (insert, update):
        assert message.signed_by(shop.open_id) and not message.signed_by(shop.open_id + 1)
        assert list(message.body) == ["messageId", "type", "messageType", "params"]
        assert len(message.body["messageId"]) == 32
    assert insert.body["messageType"] == "INSERT" and insert.body["params"]["orderStatus"] == "CREATED"
    params = update.body["params"]
    assert (params["cjOrderId"], params["orderNumber"], params["orderStatus"]) == (order_id, "hook-1", "UNPAID")
    assert list(params) == ["cjOrderId", "orderNum", "orderNumber", "orderStatus", "logisticName",
                            "trackNumber", "trackingUrl", "createDate", "updateDate", "payDate",
                            "deliveryDate", "completeDate", "orderItems"]
    [item] = params["orderItems"]
    assert (item["quantity"], item["storeLineItemId"]) == (2, "li-1") and len(item["lineItemId"]) == 19


def test_delete_sends_order_delete_and_stock_updates(shop: Shop, receiver: Receiver) -> None:
    shop.enable(receiver.url, "order", "stock")
    vid = shop.demo_vid()
    order_id = shop.created(vid)
    shop.ok("DELETE", "shopping/order/deleteOrder", query_string={"orderId": order_id})
    receiver.wait_for(lambda got: count("ORDER", "DELETE")(got) and count("STOCK", n=2)(got))
    deleted = receiver.bodies("ORDER")[-1]
    assert deleted["messageType"] == "DELETE" and deleted["params"]["orderStatus"] == "CANCELLED"
    reserved, released = receiver.bodies("STOCK")
    rows = {r["countryCode"]: r["storageNum"] for r in reserved["params"][vid]}
    rows_after = {r["countryCode"]: r["storageNum"] for r in released["params"][vid]}
    assert rows_after["CN"] == rows["CN"] + 2
    assert list(reserved["params"][vid][0]) == ["vid", "areaId", "areaEn", "countryCode", "storageNum"]


def test_logistic_webhooks_follow_the_clock(shop: Shop, receiver: Receiver) -> None:
    shop.enable(receiver.url, "order", "logistics")
    order_id = shop.paid(shop.demo_vid())
    shop.sim.clock.advance(DAY)
    shop.sim.tick()
    got = receiver.wait_for(count("LOGISTIC", "INSERT"))
    first = next(r for r in got if r.body["type"] == "LOGISTIC")
    assert first.signed_by(shop.open_id)
    params = first.body["params"]
    assert params["orderId"] == order_id and params["trackingStatus"] == 1
    assert list(params) == ["orderId", "logisticName", "trackingNumber", "trackingUrl",
                            "trackingStatus", "logisticsTrackEvents"]
    assert isinstance(params["logisticsTrackEvents"], str)
    shipped = [b for b in receiver.bodies("ORDER") if b["params"]["orderStatus"] == "SHIPPED"]
    assert shipped and shipped[0]["params"]["trackNumber"] == params["trackingNumber"]
    shop.sim.clock.advance(30 * DAY)  # jumps over every later step: each still sends once
    shop.sim.tick()
    receiver.wait_for(count("LOGISTIC", n=9))
    logistic = receiver.bodies("LOGISTIC")
    assert [b["params"]["trackingStatus"] for b in logistic] == [1, 4, 5, 6, 7, 8, 9, 10, 12]
    assert len({b["messageId"] for b in logistic}) == 9
    receiver.wait_for(lambda got: any(r.body["type"] == "ORDER" and r.body["params"]["orderStatus"] == "DELIVERED"
                                      for r in got))
    assert shop.sim.tick() == 0  # nothing is due any more


def test_the_background_ticker_sends_without_any_request(shop: Shop, receiver: Receiver) -> None:
    shop.enable(receiver.url, "logistics")
    shop.paid(shop.demo_vid())
    shop.sim.clock.advance(DAY)  # in-process move, no request after it
    receiver.wait_for(count("LOGISTIC", "INSERT"), timeout=5)


def test_a_failing_receiver_is_retried_with_the_same_message_id() -> None:
    with running() as sim:
        shop = shop_of(sim)
        with Receiver(statuses=[500, 503]) as receiver:
            shop.enable(receiver.url, "order")
            shop.created(shop.demo_vid())
            got = receiver.wait_for(lambda r: len(r) >= 3)
            assert len({r.body["messageId"] for r in got}) == 1
            assert len({r.raw for r in got}) == 1
            assert sim.domain.webhooks.dispatcher.wait_idle(5)
            attempts = shop.http.get("/__cjsim/webhooks/deliveries").get_json()["deliveries"]
            assert [(a["attempt"], a["outcome"], a["httpStatus"]) for a in attempts] == [
                (1, "retrying", 500), (2, "retrying", 503), (3, "delivered", 200)]


def test_a_receiver_that_never_answers_200_gets_four_attempts() -> None:
    with running() as sim:
        shop = shop_of(sim)
        with Receiver(statuses=[500] * 10) as receiver:
            shop.enable(receiver.url, "order")
            shop.created(shop.demo_vid())
            assert sim.domain.webhooks.dispatcher.wait_idle(10)
            assert len(receiver.received) == 4
            outcomes = [a["outcome"] for a in sim.domain.webhooks.deliveries()]
            assert outcomes == ["retrying"] * 3 + ["failed"]


def test_a_late_answer_is_a_failed_attempt() -> None:
    with running(domain_options={"timeout_s": 0.2, "retries": 0}) as sim:
        shop = shop_of(sim)
        with Receiver(delay_s=0.6) as receiver:
            shop.enable(receiver.url, "order")
            shop.created(shop.demo_vid())
            assert sim.domain.webhooks.dispatcher.wait_idle(5)
            entry = sim.domain.webhooks.deliveries()[0]
            assert entry["outcome"] == "failed" and "Timeout" in entry["error"]


def test_a_dead_receiver_never_blocks_or_breaks_the_api(shop: Shop) -> None:
    shop.enable("http://127.0.0.1:9/closed", "order")  # nothing listens: every attempt fails
    for _ in range(3):
        assert shop.create(shop.demo_vid())["code"] == 200


def test_a_hung_receiver_never_blocks_the_api() -> None:
    # ordering, not wall time: the calls answer while the receiver still holds the delivery
    # (the timeout is long, so a delivery made inside the call could not have ended yet)
    release = threading.Event()
    with running(domain_options={"timeout_s": 120}) as sim, Receiver(hold=release) as hung:
        shop = shop_of(sim)
        shop.enable(hung.url, "order")
        try:
            for _ in range(3):
                assert shop.create(shop.demo_vid())["code"] == 200
            hung.wait_for(count("ORDER"))  # a delivery is at the receiver, unanswered
            assert [d for d in sim.domain.webhooks.deliveries() if d["url"] == hung.url] == []
        finally:
            release.set()
        hung.wait_for(count("ORDER", n=3))


def test_with_deliveries_off_nothing_is_posted_but_messages_are_recorded() -> None:
    with running(webhooks=False) as sim:
        shop = shop_of(sim)
        with Receiver() as receiver:
            shop.enable(receiver.url, "order")
            shop.created(shop.demo_vid())
            time.sleep(0.2)
            assert receiver.received == []
            entry = sim.domain.webhooks.deliveries()[0]
            assert entry["outcome"] == "skipped" and entry["message"]["type"] == "ORDER"


def test_messages_go_only_to_enabled_topics_of_the_owner(shop: Shop, other: Shop, receiver: Receiver) -> None:
    shop.enable(receiver.url, "logistics")  # no order topic
    with Receiver() as theirs:
        other.enable(theirs.url, "order")
        shop.created(shop.demo_vid())
        time.sleep(0.3)
        assert receiver.received == [] and theirs.received == []


def test_message_ids_are_reproducible_under_a_seed() -> None:
    def ids() -> list[str]:
        with running(seed=5) as sim, Receiver() as receiver:
            shop = shop_of(sim)
            shop.enable(receiver.url, "order")
            shop.created(shop.demo_vid(), orderNumber="same")
            receiver.wait_for(count("ORDER"))
            return [b["messageId"] for b in receiver.bodies()]

    assert ids() == ids()


def test_reset_forgets_pending_retries() -> None:
    with running(domain_options={"retry_delay_s": 2}) as sim, Receiver(statuses=[500] * 10) as receiver:
        shop = shop_of(sim)
        shop.enable(receiver.url, "order")
        shop.created(shop.demo_vid())
        receiver.wait_for(lambda r: len(r) >= 1)
        sim.reset()
        assert sim.domain.webhooks.dispatcher.wait_idle(5)
        assert len(receiver.received) == 1
