"""Changing the catalogue from a test: PATCH /__cjsim/products/<pid>, Simulator.change_product
and a scenario timeline's ``products`` step; what the CJ answers then show, on every store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cjsim import Simulator
from cjsim.domain.catalogue.warehouses import STORAGES_OF
from tests.conftest import store_options
from tests.live import live
from tests.shop import DEMO_SKU, Receiver, Shop, count, new_sim, order_body, running, shop_of

CN_MAIN, CN_SECOND = STORAGES_OF["CN"]
EVERY_STORE = True  # tests/conftest.py runs each test on the `sim` fixture on every store kind


@pytest.fixture
def sim(store_kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Simulator]:
    with running(**store_options(store_kind, request, tmp_path)) as s:
        yield s


@pytest.fixture
def shop(sim: Simulator) -> Shop:
    return shop_of(sim)


def _demo(shop: Shop) -> dict[str, Any]:
    return shop.ok("GET", "product/query",  # type: ignore[no-any-return]
                   query_string={"productSku": DEMO_SKU, "features": "enable_inventory"})


def _patch(sim: Simulator, pid: str, body: Any) -> tuple[int, Any]:
    response = sim.app.test_client().patch(f"/__cjsim/products/{pid}", json=body)
    return response.status_code, response.get_json()


def test_a_price_change_shows_in_answers_and_in_new_orders(sim: Simulator, shop: Shop) -> None:
    demo = _demo(shop)
    vid = demo["variants"][0]["vid"]
    status, out = _patch(sim, demo["pid"], {"sellPrice": 3, "variants": {vid: {"sellPrice": "2.5"}}})
    assert status == 200 and out["change"] == {"sellPrice": "3.00",
                                                "variants": {vid: {"sellPrice": "2.50"}}}
    after = _demo(shop)
    assert [v["variantSellPrice"] for v in after["variants"]] == [2.5, 3.0, 3.0]
    assert after["sellPrice"] == "2.50-3.00"
    found = shop.ok("GET", "product/listV2", query_string={"keyWord": DEMO_SKU})
    assert found["content"][0]["productList"][0]["sellPrice"] == "2.50-3.00"
    order = shop.create(vid)["data"]  # two units
    assert order["productAmount"] == 5.0


def test_taking_a_product_off_the_shelf_refuses_it_everywhere(sim: Simulator, shop: Shop) -> None:
    demo = _demo(shop)
    vid = demo["variants"][0]["vid"]
    assert _patch(sim, demo["pid"], {"onShelf": False})[0] == 200
    assert shop.get("product/query", pid=demo["pid"])["code"] == 1602001
    assert shop.get("product/variant/queryByVid", vid=vid)["code"] == 1602001
    assert shop.create(vid)["code"] == 1602001
    listed = shop.ok("GET", "product/list", query_string={"productSku": DEMO_SKU})
    assert listed["total"] == 0
    assert _patch(sim, demo["pid"], {"onShelf": True})[0] == 200
    assert shop.create(vid)["code"] == 200


def test_taking_a_variant_off_the_shelf_refuses_that_variant_only(sim: Simulator, shop: Shop) -> None:
    demo = _demo(shop)
    gone, kept = demo["variants"][1]["vid"], demo["variants"][0]["vid"]
    assert _patch(sim, demo["pid"], {"variants": {gone: {"onShelf": False}}})[0] == 200
    assert [v["vid"] for v in _demo(shop)["variants"]] == [kept, demo["variants"][2]["vid"]]
    assert shop.get("product/variant/queryByVid", vid=gone)["code"] == 1602000
    assert shop.create(gone)["code"] == 1602000
    assert shop.create(kept)["code"] == 200
    # back on the shelf
    assert _patch(sim, demo["pid"], {"variants": {gone: {"onShelf": True}}})[0] == 200
    assert shop.create(gone)["code"] == 200


def test_stock_by_country_and_by_storage(sim: Simulator, shop: Shop) -> None:
    demo = _demo(shop)
    vid = demo["variants"][0]["vid"]
    assert _patch(sim, demo["pid"], {"variants": {vid: {"stock": {"us": 4, CN_SECOND.id: 7}}}})[0] == 200
    rows = {r["countryCode"]: r for r in shop.ok("GET", "product/stock/queryByVid",
                                                 query_string={"vid": vid})}
    assert rows["US"]["totalInventoryNum"] == 4 and rows["US"]["factoryInventoryNum"] == 0
    second = next(s for s in rows["CN"]["stock"] if s["stockId"] == CN_SECOND.id)
    assert second["totalInventoryNum"] == 7
    assert rows["CN"]["totalInventoryNum"] == sum(s["totalInventoryNum"] for s in rows["CN"]["stock"])
    too_many = order_body(vid, fromCountryCode="US", logisticName="USPS+",
                          products=[{"vid": vid, "quantity": 5}])
    assert shop.post("shopping/order/createOrderV2", too_many)["code"] == 1603000
    too_many["products"][0]["quantity"] = 4
    assert shop.post("shopping/order/createOrderV2", too_many)["code"] == 200
    # a country total afterwards resets the storage split of that country
    assert _patch(sim, demo["pid"], {"variants": {vid: {"stock": {"CN": 100}}}})[1]["change"] == {
        "variants": {vid: {"stock": {"US": 4, "CN": 100}}}}


@pytest.mark.parametrize(("body", "error"), [
    ([], "must be a JSON object"),
    ({}, "give at least one of"),
    ({"colour": "red"}, "unknown key(s) colour"),
    ({"onShelf": "no"}, "onShelf must be true or false"),
    ({"sellPrice": 0}, "sellPrice must be more than 0"),
    ({"sellPrice": "cheap"}, "sellPrice must be a number"),
    ({"variants": {"X": {"onShelf": False}}}, "not a variant of product"),
    ({"variants": {}}, "variants must be a non-empty object"),
    ({"variants": {"{vid}": {"stock": {"XX": 1}}}}, "neither a warehouse country"),
    ({"variants": {"{vid}": {"stock": {"US": -1}}}}, "whole number of units"),
    ({"variants": {"{vid}": {"stock": {"US": True}}}}, "whole number of units"),
    ({"variants": {"{vid}": {"size": 1}}}, "unknown key(s) size"),
])
def test_bad_changes_are_400_and_change_nothing(sim: Simulator, shop: Shop, body: Any,
                                                error: str) -> None:
    demo = _demo(shop)
    vid = demo["variants"][0]["vid"]
    if isinstance(body, dict) and "variants" in body and body["variants"]:
        body = {"variants": {k.replace("{vid}", vid): v for k, v in body["variants"].items()}}
    status, out = _patch(sim, demo["pid"], body)
    assert status == 400 and error in out["error"], out
    assert sim.store.items("catalogue_changes") == []
    assert _demo(shop) == {**demo}


def test_an_unknown_product_is_404(sim: Simulator) -> None:
    status, out = _patch(sim, "NO-SUCH-PID", {"onShelf": False})
    assert status == 404 and "NO-SUCH-PID" in out["error"]


def test_the_change_route_is_loopback_only_like_the_rest_of_the_control_api(sim: Simulator) -> None:
    pid = sim.catalogue.products[0].pid
    response = sim.app.test_client().patch(f"/__cjsim/products/{pid}", json={"onShelf": False},
                                           environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert response.status_code == 403
    assert sim.store.items("catalogue_changes") == []


def test_changes_are_reset_by_reset(sim: Simulator) -> None:
    product = sim.catalogue.products[0]
    sim.change_product(product.pid, {"onShelf": False})
    assert not sim.catalogue.product(product.pid, include_offline=True).online
    sim.reset()
    assert sim.catalogue.product(product.pid).online


def test_a_change_is_seen_by_another_worker_on_the_same_store(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/shared.db"
    with running(store=url) as first, running(store=url) as second:
        pid = first.catalogue.products[0].pid
        assert second.catalogue.product(pid).online  # built before the change
        first.change_product(pid, {"sellPrice": "1.25"})
        assert second.catalogue.product(pid).sell_price == first.catalogue.product(pid).sell_price
        assert str(second.catalogue.product(pid).sell_price) == "1.25"


def test_python_and_alias_pids_and_lookup_errors() -> None:
    with running() as sim:
        product = sim.catalogue.products[0]
        out = sim.change_product(product.alias, {"onShelf": False})
        assert out["pid"] == product.pid
        with pytest.raises(LookupError):
            sim.change_product("nope", {"onShelf": False})
        with pytest.raises(ValueError, match="unknown key"):
            sim.change_product(product.pid, {"status": 2})


def test_a_scenario_timeline_changes_the_catalogue_on_the_clock() -> None:
    base = new_sim()
    pid = base.catalogue.products[0].pid
    base.close()
    scenario = {"name": "shelf", "timeline": [
        {"at": "+10m", "products": {pid: {"onShelf": False}}},
        {"at": "+20m", "products": {pid: {"onShelf": True, "sellPrice": 4}}},
    ]}
    with running(scenario=scenario) as sim:
        shop = shop_of(sim)
        assert shop.get("product/query", pid=pid)["code"] == 200
        sim.clock.advance(600)
        assert shop.get("product/query", pid=pid)["code"] == 1602001
        sim.clock.advance(600)
        assert shop.ok("GET", "product/query", query_string={"pid": pid})["sellPrice"] == 4.0


def test_a_bad_product_change_in_a_scenario_is_a_load_error() -> None:
    scenario = {"name": "bad", "timeline": [{"at": "+1m", "products": {"X": {"onShelf": "no"}}}]}
    with pytest.raises(Exception, match="onShelf must be true or false"):
        new_sim(scenario=scenario)


def test_changes_send_product_variant_and_stock_messages() -> None:
    with running() as sim, Receiver() as receiver:
        shop = shop_of(sim)
        shop.enable(receiver.url, "product", "stock")
        demo = _demo(shop)
        # catalogue changes reach the product's subscribers only (docs/interfaces.md)
        shop.ok("POST", "webhook/product/subscribe", json={"productIds": [demo["pid"]]})
        vid = demo["variants"][0]["vid"]
        sim.change_product(demo["pid"], {"sellPrice": 6, "variants": {vid: {"stock": {"US": 9}}}})
        receiver.wait_for(count("STOCK"))
        receiver.wait_for(count("VARIANT", n=3))
        product = receiver.bodies("PRODUCT")[0]["params"]
        assert (product["pid"], product["productSellPrice"], product["fields"]) == (
            demo["pid"], 6.0, ["productSellPrice"])
        stock = receiver.bodies("STOCK")[0]["params"]
        assert {r["countryCode"]: r["storageNum"] for r in stock[vid]}["US"] == 9
        sim.change_product(demo["pid"], {"variants": {vid: {"onShelf": False}}})
        receiver.wait_for(count("VARIANT", n=4))
        last = receiver.bodies("VARIANT")[-1]["params"]
        assert (last["vid"], last["variantStatus"], last["fields"]) == (vid, 0, ["variantStatus"])


def test_a_variant_taken_off_the_shelf_and_restocked_at_once_sends_its_new_stock() -> None:
    """One change that takes a variant off the shelf and sets its stock: the STOCK message
    carries the new levels (the variant is gone from the new catalogue's product, so they
    were once read from the old catalogue: 118 instead of 5)."""
    with running() as sim, Receiver() as receiver:
        shop = shop_of(sim)
        shop.enable(receiver.url, "product", "stock")
        demo = _demo(shop)
        shop.ok("POST", "webhook/product/subscribe", json={"productIds": [demo["pid"]]})
        vid = demo["variants"][1]["vid"]
        before = {r["countryCode"]: r["totalInventoryNum"] for r in shop.ok(
            "GET", "product/stock/queryByVid", query_string={"vid": vid})}
        assert before["CN"] != 5 and before.get("US") != 3
        status, _ = _patch(sim, demo["pid"], {"variants": {vid: {
            "onShelf": False, "stock": {"CN": 5, "US": 3}}}})
        assert status == 200
        receiver.wait_for(count("STOCK"))
        receiver.wait_for(count("VARIANT"))
        rows = {r["countryCode"]: r["storageNum"] for r in receiver.bodies("STOCK")[0]["params"][vid]}
        assert (rows["CN"], rows["US"]) == (5, 3)
        variant = receiver.bodies("VARIANT")[0]["params"]
        assert (variant["vid"], variant["variantStatus"]) == (vid, 0)
        # one storage of a country: the country's total follows the new split
        _patch(sim, demo["pid"], {"variants": {vid: {"onShelf": True}}})
        _patch(sim, demo["pid"], {"variants": {vid: {"onShelf": False, "stock": {CN_SECOND.id: 2}}}})
        receiver.wait_for(count("STOCK", n=2))
        sent = {r["countryCode"]: r["storageNum"] for r in receiver.bodies("STOCK")[1]["params"][vid]}
        _patch(sim, demo["pid"], {"variants": {vid: {"onShelf": True}}})
        rows = {r["countryCode"]: r for r in shop.ok("GET", "product/stock/queryByVid",
                                                     query_string={"vid": vid})}
        second = next(s for s in rows["CN"]["stock"] if s["stockId"] == CN_SECOND.id)
        assert second["totalInventoryNum"] == 2
        assert sent["CN"] == rows["CN"]["totalInventoryNum"] != 5


def test_full_flow_over_http_change_then_order() -> None:
    sim = new_sim()
    try:
        with live(sim) as client:
            demo = client.ok("GET", "product/query", query={"productSku": DEMO_SKU})
            vid = demo["variants"][0]["vid"]
            changed = client.control("PATCH", f"products/{demo['pid']}",
                                     {"variants": {vid: {"onShelf": False}}})
            assert changed.status_code == 200
            assert client.call("POST", "shopping/order/createOrderV2",
                               body=order_body(vid))["code"] == 1602000
            assert client.control("PATCH", f"products/{demo['pid']}",
                                  {"variants": {vid: {"onShelf": True, "sellPrice": 1}}}).status_code == 200
            order = client.ok("POST", "shopping/order/createOrderV2", body=order_body(vid))
            assert order["productAmount"] == 2.0
    finally:
        sim.close()


def test_a_change_after_reset_is_not_mistaken_for_one_before_it() -> None:
    """Sequences restart on reset: the overlay a worker cached must not be reused."""
    with running() as sim:
        product = sim.catalogue.products[0]
        sim.change_product(product.pid, {"sellPrice": 2})
        assert str(sim.catalogue.product(product.pid).sell_price) == "2.00"
        sim.reset()
        sim.change_product(product.pid, {"sellPrice": 3})
        assert str(sim.catalogue.product(product.pid).sell_price) == "3.00"
