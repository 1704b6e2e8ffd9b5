"""webhook/product/subscribe, unsubscribe, subscribe/list and the messages of a product change."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.api.live import live
from tests.shop import Receiver, Shop, count


def pid_of(shop: Shop) -> str:
    return str(shop.sim.domain.catalogue.products[0].pid)


def test_subscribe_list_and_unsubscribe(shop: Shop, other: Shop) -> None:
    pids = [p.pid for p in shop.sim.domain.catalogue.products[:3]]
    assert shop.ok("POST", "webhook/product/subscribe", json={"productIds": pids}) is True
    assert shop.ok("POST", "webhook/product/subscribe", json={"productIds": pids[:1]}) is True  # idempotent
    listed = shop.ok("GET", "webhook/product/subscribe/list", query_string={"pageSize": 2})
    assert listed["total"] == 3 and len(listed["list"]) == 2 and listed["subscribeAll"] is False
    assert {e["productId"] for e in listed["list"]} <= set(pids)
    assert other.ok("GET", "webhook/product/subscribe/list")["total"] == 0
    assert shop.ok("POST", "webhook/product/unsubscribe", json={"productIds": [pids[0], "never"]}) is True
    assert shop.ok("GET", "webhook/product/subscribe/list")["total"] == 2


def test_unknown_products_are_refused_and_nothing_is_stored(shop: Shop) -> None:
    answer = shop.post("webhook/product/subscribe", {"productIds": [pid_of(shop), "NOPE"]})
    assert answer["code"] == 1602001
    assert shop.ok("GET", "webhook/product/subscribe/list")["total"] == 0


@pytest.mark.parametrize(("path", "body"), [
    ("webhook/product/subscribe", {}), ("webhook/product/subscribe", {"productIds": []}),
    ("webhook/product/subscribe", {"productIds": [f"p{i}" for i in range(101)]}),
    ("webhook/product/unsubscribe", {}), ("webhook/product/subscribe", {"subscribeAll": "yes"}),
])
def test_bad_shapes_are_1600300(shop: Shop, path: str, body: dict[str, Any]) -> None:
    assert shop.post(path, body)["code"] == 1600300


def test_list_bad_paging_is_1600300(shop: Shop) -> None:
    assert shop.get("webhook/product/subscribe/list", pageSize=101)["code"] == 1600300


def test_a_change_reaches_subscribers_with_the_topic_enabled_only(
        shop: Shop, other: Shop, receiver: Receiver) -> None:
    cat = shop.sim.domain.catalogue
    product = cat.products[0]
    vid = product.variants[0].vid
    shop.enable(receiver.url, "product", "stock")
    other.enable(receiver.url, "product", "stock")
    shop.ok("POST", "webhook/product/subscribe", json={"productIds": [product.pid]})
    third = cat.products[1].pid
    other.ok("POST", "webhook/product/subscribe", json={"productIds": [third]})  # another product
    sent = shop.sim.domain.notify_product_change(
        product.pid, product={"productSellPrice": 9.99}, variants={vid: {"variantStatus": 0}},
        stock_vids=[vid], event="t1")
    assert sent == 3
    got = receiver.wait_for(lambda g: count("PRODUCT")(g) and count("VARIANT")(g) and count("STOCK")(g))
    assert all(r.signed_by(shop.open_id) for r in got)
    [prod] = receiver.bodies("PRODUCT")
    assert prod["params"]["pid"] == product.pid and prod["params"]["fields"] == ["productSellPrice"]
    assert prod["params"]["productSellPrice"] == 9.99 and prod["params"]["productName"] is None
    [var] = receiver.bodies("VARIANT")
    assert var["params"]["vid"] == vid and var["params"]["variantStatus"] == 0
    [stock] = receiver.bodies("STOCK")
    assert list(stock["params"]) == [vid] and stock["params"][vid][0]["storageNum"] >= 0
    shop.ok("POST", "webhook/product/unsubscribe", json={"productIds": [product.pid]})
    assert shop.sim.domain.notify_product_change(product.pid, product={"productStatus": 2}, event="t2") == 0


def test_subscribe_all_covers_every_product(shop: Shop, receiver: Receiver) -> None:
    shop.enable(receiver.url, "product")
    shop.ok("POST", "webhook/product/subscribe", json={"subscribeAll": True})
    assert shop.ok("GET", "webhook/product/subscribe/list")["subscribeAll"] is True
    last = shop.sim.domain.catalogue.products[-1].pid
    assert shop.sim.domain.notify_product_change(last, product={"productStatus": 2}, event="x") == 1
    assert shop.sim.domain.notify_product_change(last, stock_vids=[], event="y") == 0  # nothing changed


def test_a_change_without_the_topic_enabled_sends_nothing(shop: Shop) -> None:
    shop.ok("POST", "webhook/product/subscribe", json={"productIds": [pid_of(shop)]})
    assert shop.sim.domain.notify_product_change(pid_of(shop), product={"productStatus": 2}, event="z") == 0


def test_unknown_fields_of_a_change_are_a_programming_error(shop: Shop) -> None:
    shop.ok("POST", "webhook/product/subscribe", json={"productIds": [pid_of(shop)]})
    with pytest.raises(ValueError, match="colour"):
        shop.sim.domain.notify_product_change(pid_of(shop), product={"colour": "red"}, event="e")


def test_full_subscription_flow_through_the_live_server(shop: Shop, receiver: Receiver) -> None:
    pid = pid_of(shop)
    with live(shop) as cj:
        cj.ok("POST", "webhook/set", body={"product": {"type": "ENABLE", "callbackUrls": [receiver.url]}})
        cj.ok("POST", "webhook/product/subscribe", body={"productIds": [pid]})
        assert cj.ok("GET", "webhook/product/subscribe/list", query={"pageNum": 1})["total"] == 1
        cj.sim.domain.notify_product_change(pid, product={"productDescription": "<p>new</p>"}, event="live")
        receiver.wait_for(count("PRODUCT"))
        cj.ok("POST", "webhook/product/unsubscribe", body={"productIds": [pid]})
        cj.sim.domain.notify_product_change(pid, product={"productDescription": "<p>newer</p>"}, event="live2")
        time.sleep(0.2)
        assert len(receiver.bodies("PRODUCT")) == 1


def test_a_catalogue_change_reaches_only_the_products_subscribers(shop: Shop, other: Shop) -> None:
    """PATCH /__cjsim/products/<pid> (``sim.change_product``): both accounts enabled the
    topics, only ``shop`` subscribed to the product, so only ``shop`` hears of it; a later
    subscribeAll brings ``other`` in."""
    product = shop.sim.domain.catalogue.products[0]
    vid = product.variants[0].vid
    with Receiver() as mine, Receiver() as theirs:
        shop.enable(mine.url, "product", "stock")
        other.enable(theirs.url, "product", "stock")
        shop.ok("POST", "webhook/product/subscribe", json={"productIds": [product.pid]})
        other.ok("POST", "webhook/product/subscribe",
                 json={"productIds": [shop.sim.domain.catalogue.products[1].pid]})
        shop.sim.change_product(product.pid, {"sellPrice": 7, "variants": {
            vid: {"stock": {"US": 5}}}})
        got = mine.wait_for(lambda g: count("PRODUCT")(g) and count("VARIANT")(g)
                            and count("STOCK")(g))
        assert all(r.signed_by(shop.open_id) for r in got)
        assert mine.bodies("PRODUCT")[0]["params"]["pid"] == product.pid
        assert {r["countryCode"]: r["storageNum"]
                for r in mine.bodies("STOCK")[0]["params"][vid]}["US"] == 5
        time.sleep(0.3)  # the other account's deliveries would have left with these
        assert theirs.bodies() == []
        other.ok("POST", "webhook/product/subscribe", json={"subscribeAll": True})
        shop.sim.change_product(product.pid, {"sellPrice": 8})
        later = theirs.wait_for(count("PRODUCT"))
        assert all(r.signed_by(other.open_id) for r in later)
        assert theirs.bodies("PRODUCT")[0]["params"]["productSellPrice"] == 8.0
