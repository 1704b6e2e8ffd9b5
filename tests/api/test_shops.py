"""shop/getShops, the control API that adds shops, and the platform authorization flow."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.api.live import live
from tests.shop import Shop


def add_shop(shop: Shop, **body: Any) -> Any:
    return shop.http.post(f"/__cjsim/accounts/{shop.open_id}/shops", json=body)


def test_shops_added_through_the_control_api_are_listed(shop: Shop, other: Shop) -> None:
    assert shop.ok("GET", "shop/getShops") == []
    made = add_shop(shop, name="My Store", type="Shopify", countryCode="gb")
    assert made.status_code == 201
    add_shop(shop, name="Second", type="woocommerce", status=4)
    shops = shop.ok("GET", "shop/getShops")
    assert [(s["name"], s["type"], s["status"]) for s in shops] == [
        ("My Store", "shopify", 1), ("Second", "woocommerce", 4)]
    assert shops[0]["id"] == made.get_json()["id"] and shops[0]["countryCode"] == "GB"
    assert shops[0]["createDate"].startswith("2026-01-05")
    assert other.ok("GET", "shop/getShops") == []
    assert [s["name"] for s in shop.ok("GET", "shop/getShops", query_string={"pageNum": 2, "pageSize": 1})] == ["Second"]


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "x", "type": "myspace"},
                                  {"name": "x", "status": 9}, {"name": "x", "countryCode": "USA"},
                                  {"name": "x", "colour": "red"}])
def test_bad_shops_are_400_and_change_nothing(shop: Shop, body: dict[str, Any]) -> None:
    answer = add_shop(shop, **body)
    assert answer.status_code == 400 and answer.get_json()["error"]
    assert shop.ok("GET", "shop/getShops") == []


def test_shops_of_an_unknown_account_are_404(shop: Shop) -> None:
    assert shop.http.post("/__cjsim/accounts/999999/shops", json={"name": "x"}).status_code == 404


def test_get_shops_bad_paging_is_1600300(shop: Shop) -> None:
    assert shop.get("shop/getShops", pageSize=0)["code"] == 1600300


def _flow(shop: Shop, **query: Any) -> str:
    url = shop.ok("GET", "authentication/getAuthorizeUrl", query_string=query)
    assert isinstance(url, str) and "/__cjsim/authorize/" in url
    return url


def test_the_authorization_flow_gives_the_approving_users_tokens(shop: Shop, other: Shop) -> None:
    url = _flow(shop, shopType="shopify", redirectUri="https://app.example/cb?x=1", state="s1")
    page = shop.http.get(urlsplit(url).path, query_string={"openId": other.open_id})
    assert page.status_code == 302
    location = urlsplit(page.headers["Location"])
    query = parse_qs(location.query)
    assert location.netloc == "app.example" and query["state"] == ["s1"] and query["x"] == ["1"]
    tokens = shop.ok("POST", "authentication/exchangeAccessToken", json={"code": query["code"][0]})
    assert tokens["openId"] == other.open_id
    answer = shop.http.get("/api2.0/v1/shopping/pay/getBalance",
                           headers={"CJ-Access-Token": tokens["accessToken"]}).get_json()
    assert answer["code"] == 200  # a working token of the approving account
    again = shop.post("authentication/exchangeAccessToken", {"code": query["code"][0]})
    assert again["code"] == 1600300 and "already" in shop.sim.journal()[-1]["detail"]


def test_a_code_is_for_the_platform_that_asked_and_expires(shop: Shop, other: Shop) -> None:
    url = _flow(shop)
    code = shop.http.get(urlsplit(url).path).get_json()["code"]  # no redirectUri: JSON
    assert other.post("authentication/exchangeAccessToken", {"code": code})["code"] == 1600300
    shop.sim.clock.advance(601)
    assert shop.post("authentication/exchangeAccessToken", {"code": code})["code"] == 1600300
    assert shop.http.get(urlsplit(url).path).status_code == 400  # approved once only
    assert shop.http.get("/__cjsim/authorize/AU404").status_code == 404


@pytest.mark.parametrize(("method", "path", "kwargs"), [
    ("GET", "authentication/getAuthorizeUrl", {"query_string": {"shopType": "myspace"}}),
    ("GET", "authentication/getAuthorizeUrl", {"query_string": {"redirectUri": "ftp://x"}}),
    ("POST", "authentication/exchangeAccessToken", {"json": {}}),
    ("POST", "authentication/exchangeAccessToken", {"json": {"code": "nope"}}),
])
def test_authorization_bad_input_is_1600300(shop: Shop, method: str, path: str, kwargs: dict[str, Any]) -> None:
    assert shop.call(method, path, **kwargs)["code"] == 1600300


def test_full_shop_and_authorization_flow_through_the_live_server(shop: Shop, other: Shop) -> None:
    with live(shop) as cj:
        made = requests.post(cj.server.url("").replace("/api2.0/v1/", f"/__cjsim/accounts/{shop.open_id}/shops"),
                             json={"name": "Live", "type": "etsy"}, timeout=5)
        assert made.status_code == 201
        assert [s["name"] for s in cj.ok("GET", "shop/getShops")] == ["Live"]
        url = cj.ok("GET", "authentication/getAuthorizeUrl",
                    query={"shopType": "etsy", "redirectUri": "https://app.example/cb"})
        page = requests.get(url, params={"openId": other.open_id}, allow_redirects=False, timeout=5)
        code = parse_qs(urlsplit(page.headers["Location"]).query)["code"][0]
        tokens = cj.ok("POST", "authentication/exchangeAccessToken", body={"code": code})
        assert tokens["openId"] == other.open_id
