"""What ``cj-2026`` answers where ``legacy`` answers the seed's codes: the current error table
(every code of tests/data/cj-2026.md), its natural triggers, exact messages with the detail in
``X-CJSim-Detail``, and the listing depth."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from cjsim import Simulator
from cjsim.profiles import PROFILES
from tests.shop import DEMO_SKU, new_sim, shop_of

REFERENCE = Path(__file__).parent.parent / "data" / "cj-2026.md"
TOKEN = "/api2.0/v1/authentication/getAccessToken"
FREIGHT = "/api2.0/v1/logistic/freightCalculate"


def reference_table() -> dict[int, str]:
    text = REFERENCE.read_text(encoding="utf-8")
    section = text[text.index("## 4."):text.index("## 5.")]
    return {int(code): message for code, message in
            re.findall(r"^\| (\d+) \| (.*) \|$", section, flags=re.MULTILINE)}


def test_every_code_of_the_current_table_is_in_the_catalogue_with_its_text() -> None:
    table = reference_table()
    assert len(table) >= 60
    catalogue = PROFILES["cj-2026"].catalogue
    assert set(table) <= set(catalogue.codes())
    for code, message in table.items():
        if "(" in message:  # the reference's own remarks in brackets
            continue
        assert catalogue.message(code) == message.replace("{param}", ""), code
    assert len(PROFILES["legacy"].catalogue.codes()) == 23


def test_legacy_still_has_the_seed_catalogue_only() -> None:
    legacy = PROFILES["legacy"].catalogue
    assert 16900500 not in legacy and 1600005 not in legacy
    assert legacy.message(1600300) == "Illegal parameter"


def sim_and_shop(profile: str) -> tuple[Simulator, Any]:
    sim = new_sim(profile=profile)
    return sim, shop_of(sim)


def raw(shop: Any, method: str, path: str, **kwargs: Any) -> Any:
    shop.sim.clock.advance(1)
    headers = {"CJ-Access-Token": shop.token, **kwargs.pop("headers", {})}
    return shop.http.open(path, method=method, headers=headers, **kwargs)


def envelope(response: Any) -> tuple[int, str]:
    body = response.get_json()
    return body["code"], body["message"]


@pytest.mark.parametrize(("profile", "expected"), [
    ("cj-2026", (16900202, "Request method 'POST' not supported")),
    ("legacy", (1600300, "Illegal parameter")),
])
def test_a_wrong_method(profile: str, expected: tuple[int, str]) -> None:
    _, shop = sim_and_shop(profile)
    response = raw(shop, "POST", "/api2.0/v1/setting/get")
    assert envelope(response) == expected
    assert response.headers["X-CJSim-Detail"] == "request method 'POST' not supported; use GET"


@pytest.mark.parametrize(("profile", "kwargs", "expected"), [
    ("cj-2026", {"data": "a=1", "content_type": "application/x-www-form-urlencoded"},
     (16900203, "Content type not supported[application/x-www-form-urlencoded]")),
    ("cj-2026", {}, (16900204, "Required request body is missing")),
    ("cj-2026", {"data": "{nope", "content_type": "application/json"},
     (16900205, "The request parameter is not in a correct JSON format")),
    ("cj-2026", {"json": {"startCountryCode": "CN"}}, (16900403, "endCountryCode can not be empty")),
    ("cj-2026", {"json": {"startCountryCode": "CN", "endCountryCode": "US",
                          "products": "x"}}, (1600300, "Param error")),
    ("legacy", {}, (1600300, "Illegal parameter")),
    ("legacy", {"data": "{nope", "content_type": "application/json"},
     (1600300, "Warning: wrong json format.")),
    ("legacy", {"json": {"startCountryCode": "CN"}}, (1600300, "Illegal parameter")),
])
def test_bodies_and_parameters(profile: str, kwargs: dict[str, Any],
                               expected: tuple[int, str]) -> None:
    _, shop = sim_and_shop(profile)
    response = raw(shop, "POST", FREIGHT, **kwargs)
    assert envelope(response) == expected


@pytest.mark.parametrize(("profile", "content_type", "expected"), [
    ("cj-2026", "text/plain", (16900203, "Content type not supported[text/plain]")),
    ("cj-2026", "application/xml; charset=utf-8",
     (16900203, "Content type not supported[application/xml; charset=utf-8]")),
    ("cj-2026", "text/json", (16900203, "Content type not supported[text/json]")),
    ("cj-2026", "application/json;charset=UTF-8", (200, "Success")),
    ("cj-2026", "application/problem+json", (200, "Success")),
    ("legacy", "text/plain", (200, "Success")),  # the seed reads any body as JSON
    ("legacy", "application/xml", (200, "Success")),
])
def test_a_body_of_another_content_type(profile: str, content_type: str,
                                        expected: tuple[int, str]) -> None:
    _, shop = sim_and_shop(profile)
    body = json.dumps({"startCountryCode": "CN", "endCountryCode": "US",
                       "products": [{"vid": shop.demo_vid(), "quantity": 1}]})
    response = raw(shop, "POST", FREIGHT, data=body, content_type=content_type)
    assert envelope(response) == expected


def test_the_detail_is_in_the_header_and_the_journal_not_the_message() -> None:
    sim, shop = sim_and_shop("legacy")
    response = raw(shop, "POST", FREIGHT, json={"startCountryCode": "CN"})
    assert response.headers["X-CJSim-Detail"] == "endCountryCode is required"
    assert sim.journal()[-1]["detail"] == "endCountryCode is required"


@pytest.mark.parametrize(("profile", "code"), [("cj-2026", 1600005), ("legacy", 1600001)])
def test_a_wrong_api_key(profile: str, code: int) -> None:
    sim, shop = sim_and_shop(profile)
    for body in ({"email": "shop@example.com", "password": "CJ1@api@wrong"},
                 {"apiKey": "CJ1@api@nobody-has-this"}):
        sim.clock.advance(301)  # legacy: one login every 5 minutes
        assert shop.http.post(TOKEN, json=body).get_json()["code"] == code


@pytest.mark.parametrize(("profile", "duplicate", "country", "route"), [
    ("cj-2026", 1603003, 1605002, 1605001), ("legacy", 1603000, 1603000, 1605000)])
def test_order_triggers(profile: str, duplicate: int, country: int, route: int) -> None:
    _, shop = sim_and_shop(profile)
    vid = shop.demo_vid()
    shop.created(vid, orderNumber="twice")
    assert shop.create(vid, orderNumber="twice")["code"] == duplicate
    assert shop.create(vid, shippingCountryCode="QQ")["code"] == country
    assert shop.create(vid, logisticName="Australia Post")["code"] == route


def _freight_bodies(vid: str) -> dict[str, tuple[str, dict[str, Any]]]:
    """Each country field of each freight interface -> (path, a body valid but for it)."""
    products = [{"vid": vid, "quantity": 1}]
    calc = {"startCountryCode": "CN", "endCountryCode": "US", "products": products}
    tip = {"srcAreaCode": "CN", "destAreaCode": "US", "weight": 100}
    partner = {"orderNumber": "quote-1", "shippingCountryCode": "US", "shippingCountry": "US",
               "shippingProvince": "NY", "shippingCity": "New York", "shippingZip": "10001",
               "fromCountryCode": "CN", "products": products}
    return {
        "freightCalculate.startCountryCode": (
            "logistic/freightCalculate", {**calc, "startCountryCode": "QQ"}),
        "freightCalculate.endCountryCode": (
            "logistic/freightCalculate", {**calc, "endCountryCode": "QQ"}),
        "freightCalculateTip.srcAreaCode": (
            "logistic/freightCalculateTip", {"reqDTOS": [tip, {**tip, "srcAreaCode": "QQ"}]}),
        "freightCalculateTip.destAreaCode": (
            "logistic/freightCalculateTip", {"reqDTOS": [{**tip, "destAreaCode": "QQ"}]}),
        "partnerFreightCalculate.fromCountryCode": (
            "logistic/partnerFreightCalculate", {**partner, "fromCountryCode": "QQ"}),
        "partnerFreightCalculate.shippingCountryCode": (
            "logistic/partnerFreightCalculate", {**partner, "shippingCountryCode": "QQ"}),
    }


# what legacy answers today, pinned: an unroutable pair is an empty quote, only a destination
# the newer interfaces check is 1600300
LEGACY_UNKNOWN_COUNTRY = {
    "freightCalculate.startCountryCode": 200,
    "freightCalculate.endCountryCode": 200,
    "freightCalculateTip.srcAreaCode": 200,
    "freightCalculateTip.destAreaCode": 1600300,
    "partnerFreightCalculate.fromCountryCode": 200,
    "partnerFreightCalculate.shippingCountryCode": 1600300,
}


@pytest.mark.parametrize("case", sorted(LEGACY_UNKNOWN_COUNTRY))
def test_an_unknown_country_code_in_freight(case: str) -> None:
    for profile in ("cj-2026", "legacy"):
        _, shop = sim_and_shop(profile)
        path, body = _freight_bodies(shop.demo_vid())[case]
        answer = shop.post(path, body)
        if profile == "cj-2026":
            assert (answer["code"], answer["message"]) == (1605002, "country code not found")
            continue
        assert answer["code"] == LEGACY_UNKNOWN_COUNTRY[case], answer
        if answer["code"] == 200:
            quotes = answer["data"]
            if path.endswith("Tip"):  # the other request of the batch is still answered
                assert quotes and {q["reqIndex"] for q in quotes} == {0}
            else:
                assert quotes == []


@pytest.mark.parametrize(("profile", "code"), [("cj-2026", 1605002), ("legacy", 1605000)])
def test_an_unknown_country_an_order_ships_from(profile: str, code: int) -> None:
    _, shop = sim_and_shop(profile)
    assert shop.create(shop.demo_vid(), fromCountryCode="QQ")["code"] == code


@pytest.mark.parametrize(("profile", "code"), [("cj-2026", 1605001), ("legacy", 1605000)])
def test_a_partner_quote_for_a_line_not_on_the_route(profile: str, code: int) -> None:
    _, shop = sim_and_shop(profile)
    path, body = _freight_bodies(shop.demo_vid())["partnerFreightCalculate.fromCountryCode"]
    answer = shop.post(path, {**body, "fromCountryCode": "CN", "logisticName": "Australia Post"})
    assert answer["code"] == code


def test_listing_deeper_than_6000_is_refused_under_cj_2026_only() -> None:
    for profile, expected in (("cj-2026", 1600300), ("legacy", 200)):
        _, shop = sim_and_shop(profile)
        assert shop.get("product/list", pageNum=31, pageSize=200)["code"] == 200  # offset 6000
        deep = shop.get("product/list", pageNum=32, pageSize=200)  # offset 6200
        assert deep["code"] == expected
        if expected != 200:
            assert "the max offset is 6000" in deep["message"]
            v2 = shop.get("product/listV2", page=62, size=100)  # offset 6100
            assert v2["code"] == 1600300 and "the max offset is 6000" in v2["message"]


def test_an_injected_code_of_the_current_table_answers_its_text() -> None:
    sim = Simulator(clock="frozen", seed=1, profile="cj-2026", scenario={
        "name": "inject", "faults": [{"match": {"path": "setting/get"}, "action": {"code": 1604001}}]})
    account = sim.account(level="advanced", verified=True)
    http = sim.app.test_client()
    token = http.post(TOKEN, json={"apiKey": account.api_key}).get_json()["data"]["accessToken"]
    sim.clock.advance(1)
    body = http.get("/api2.0/v1/setting/get", headers={"CJ-Access-Token": token}).get_json()
    assert (body["code"], body["message"]) == (1604001, PROFILES["cj-2026"].catalogue.message(1604001))


def test_a_paid_order_converts_to_points_the_next_utc_day() -> None:
    sim = new_sim(profile="cj-2026")
    shop = shop_of(sim)
    order_id = shop.paid(shop.demo_vid())
    amount = shop.ok("GET", "shopping/order/getOrderDetail",
                     query_string={"orderId": order_id})["orderAmount"]
    assert sim.points_usage(shop.account)["conversion"] == 0  # paid today: counts tomorrow
    sim.clock.advance(86_400)
    assert sim.points_usage(shop.account)["conversion"] == int(float(amount) * 100)


@pytest.mark.parametrize(("profile", "product", "variant"), [
    ("cj-2026", 1602002, 1602003), ("legacy", 1602001, 1602000)])
def test_ordering_what_was_taken_off_the_shelves(profile: str, product: int, variant: int) -> None:
    sim, shop = sim_and_shop(profile)
    data = shop.ok("GET", "product/query", query_string={"productSku": DEMO_SKU})
    first, second = data["variants"][0]["vid"], data["variants"][1]["vid"]
    sim.change_product(data["pid"], {"variants": {second: {"onShelf": False}}})
    assert shop.create(second)["code"] == variant
    assert shop.create(first)["code"] == 200
    sim.change_product(data["pid"], {"onShelf": False})
    assert shop.create(first)["code"] == product
    assert shop.create("no-such-vid")["code"] == 1602000  # unknown stays "not found"
