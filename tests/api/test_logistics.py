"""logistic/freightCalculate and trackInfo through HTTP: quotes, codes, parcels on the clock."""

from __future__ import annotations

from typing import Any

import pytest

from tests.shop import DAY, Shop


def _quote(shop: Shop, vid: str, **overrides: Any) -> dict[str, Any]:
    body = {"startCountryCode": "CN", "endCountryCode": "US",
            "products": [{"vid": vid, "quantity": 2}], **overrides}
    return shop.post("logistic/freightCalculate", body)


def test_freight_quote_is_cheapest_first_and_equals_the_order_postage(shop: Shop) -> None:
    vid = shop.demo_vid()
    quote = _quote(shop, vid)["data"]
    assert quote and [q["totalPostageFee"] for q in quote] == sorted(q["totalPostageFee"] for q in quote)
    line = next(q for q in quote if q["logisticName"] == "CJPacket Ordinary")
    order = shop.create(vid, logisticName="CJPacket Ordinary")["data"]
    assert order["postageAmount"] == line["logisticPrice"]


def test_freight_quote_accepts_numeric_strings_and_unroutable_is_empty(shop: Shop) -> None:
    vid = shop.demo_vid()
    assert _quote(shop, vid, products=[{"vid": vid, "quantity": "3"}])["code"] == 200
    assert _quote(shop, vid, startCountryCode="CN", endCountryCode="CN")["data"] == []


@pytest.mark.parametrize("change, code", [
    ({"products": [{"vid": "nope", "quantity": 1}]}, 1602000),
    ({"products": [{"quantity": 1}]}, 1600300),
    ({"products": []}, 1600300),
    ({"endCountryCode": None}, 1600300),
    ({"startCountryCode": "CHN"}, 1600300),
    ({"endCountryCode": "ß"}, 1600300),  # "ß".upper() is "SS", South Sudan: CJ takes ASCII letters
    ({"products": [{"vid": "V", "quantity": "٣"}]}, 1600300),  # ASCII digits only
])
def test_freight_quote_errors(shop: Shop, change: dict[str, Any], code: int) -> None:
    assert _quote(shop, shop.demo_vid(), **change)["code"] == code


def test_freight_quote_quantity_below_one_is_1600300(shop: Shop) -> None:
    vid = shop.demo_vid()
    assert _quote(shop, vid, products=[{"vid": vid, "quantity": 0}])["code"] == 1600300


def test_freight_quote_for_an_offline_product_is_1602001(shop: Shop) -> None:
    offline = next(p for p in shop.sim.catalogue.products if not p.online)
    assert _quote(shop, offline.variants[0].vid)["code"] == 1602001


def _number(shop: Shop, order_id: str) -> str:
    return str(shop.ok("GET", "shopping/order/getOrderDetail",
                       query_string={"orderId": order_id})["trackNumber"])


def test_a_parcel_moves_when_the_clock_does(shop: Shop) -> None:
    vid = shop.demo_vid()
    order_id = shop.paid(vid)
    assert shop.ok("GET", "shopping/order/getOrderDetail",
                   query_string={"orderId": order_id})["trackNumber"] is None
    shop.sim.clock.advance(DAY)  # the default ship delay
    number = _number(shop, order_id)
    first = shop.ok("GET", "logistic/trackInfo", query_string={"trackNumber": number})[0]
    assert first["trackingStatus"] == "Warehouse outbound" and first["deliveryDay"] == "0"
    shop.sim.clock.advance(2 * DAY)
    later = shop.ok("GET", "logistic/trackInfo", query_string={"trackNumber": number})[0]
    assert later["trackingStatus"] == "In transit" and later["deliveryDay"] == "2"
    assert later["deliveryTime"] == first["deliveryTime"]
    shop.sim.clock.advance(20 * DAY)
    shop.login()
    done = shop.ok("GET", "logistic/getTrackInfo", query_string={"trackNumber": number})[0]
    assert done["trackingStatus"] == "Delivered" and done["lastMileCarrier"] == "USPS"
    assert shop.status(order_id) == "DELIVERED"


def test_track_info_keeps_request_order_and_omits_unknown_and_foreign_numbers(shop: Shop, other: Shop) -> None:
    vid = shop.demo_vid()
    mine = [shop.paid(vid), shop.paid(vid)]
    theirs = other.paid(vid)
    shop.sim.clock.advance(DAY + 1)
    a, b = (_number(shop, o) for o in mine)
    foreign = _number(other, theirs)
    shop.sim.clock.advance(1)
    answer = shop.http.get(f"/api2.0/v1/logistic/trackInfo?trackNumber={b}&trackNumber=NOPE"
                           f"&trackNumber={foreign}&trackNumber={a}",
                           headers={"CJ-Access-Token": shop.token}).get_json()
    assert [t["trackingNumber"] for t in answer["data"]] == [b, a]


def test_track_info_needs_a_number(shop: Shop) -> None:
    assert shop.get("logistic/trackInfo")["code"] == 1600300
