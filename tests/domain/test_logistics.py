"""Routes, prices and the tracking timeline, all pure functions of explicit time."""

from __future__ import annotations

import random
import re
from decimal import Decimal

import pytest

from cjsim.domain import logistics as lg
from cjsim.errors import CJError
from cjsim.jsonenc import dumps

DAY_US = 86_400 * 1_000_000
SHIPPED = 1_767_600_000 * 1_000_000  # 2026-01-05 16:00:00 China time


def test_quote_is_cheapest_first_and_matches_line_price() -> None:
    quote = lg.freight_quote("CN", "US", 240)
    assert len(quote) >= 3
    totals = [row["totalPostageFee"] for row in quote]
    assert totals == sorted(totals)
    for row in quote:
        assert row["logisticPrice"] == lg.line_price("CN", "US", row["logisticName"], 240)
        assert list(row) == ["logisticName", "logisticPrice", "logisticPriceCn",
                             "logisticAging", "taxesFee", "clearanceOperationFee",
                             "totalPostageFee"]


def test_quote_money_dumps_with_two_decimals_and_cny_rate() -> None:
    row = next(r for r in lg.freight_quote("CN", "US", 240) if r["logisticName"] == "USPS+")
    assert dumps(row) == (b'{"logisticName":"USPS+","logisticPrice":6.20,"logisticPriceCn":44.64,'
                          b'"logisticAging":"2-5","taxesFee":0.00,"clearanceOperationFee":0.00,'
                          b'"totalPostageFee":6.20}')


def test_heavier_parcels_cost_more() -> None:
    light = lg.line_price("CN", "DE", "CJPacket Ordinary", 100)
    heavy = lg.line_price("CN", "DE", "CJPacket Ordinary", 1000)
    assert heavy > light


def test_unknown_line_or_route_is_1605000() -> None:
    for start, end, name in (("CN", "US", "Pony Express"), ("CN", "US", "cjpacket ordinary"),
                             ("US", "DE", "USPS+"), ("CN", "DE", "USPS+")):
        with pytest.raises(CJError) as err:
            lg.line_price(start, end, name, 200)
        assert err.value.code == 1605000


def test_routes_without_lines_answer_empty() -> None:
    assert lg.freight_quote("US", "DE", 200) == []
    assert lg.freight_quote("CN", "CN", 200) == []
    assert [r["logisticName"] for r in lg.freight_quote("US", "US", 200)] == [
        "USPS+", "UPS Ground"]


def test_known_destinations() -> None:
    assert lg.known_country("US") and lg.known_country("de")
    assert not lg.known_country("XX") and not lg.known_country("")
    assert len(lg.destinations()) >= 40


def test_tracking_number_format_and_determinism() -> None:
    a = lg.tracking_number(random.Random(5))
    assert re.fullmatch(r"CJPKL\d{10}[A-Z]{2}", a)
    assert a == lg.tracking_number(random.Random(5))
    carrier, number = lg.last_mile("US", a)
    assert carrier == "USPS" and number.isdigit() and 15 <= len(number) <= 22


def test_events_follow_now() -> None:
    today = lg.tracking_events(SHIPPED, SHIPPED + DAY_US // 2, lg.DEFAULT_STEPS, "CN", "US")
    later = lg.tracking_events(SHIPPED, SHIPPED + 2 * DAY_US + DAY_US // 2, lg.DEFAULT_STEPS,
                               "CN", "US")
    assert [e["status"] for e in today] == [1]
    assert [e["status"] for e in later] == [1, 4, 5]
    assert later[0] == {"status": 1, "activity": "Departed CJ warehouse",
                        "location": "Yiwu, CN", "eventTime": "2026-01-05 16:00:00",
                        "statusDesc": "Warehouse outbound"}
    assert lg.tracking_events(SHIPPED, SHIPPED - 1, lg.DEFAULT_STEPS, "CN", "US") == []


def test_steps_are_configurable() -> None:
    fast = lg.make_steps(3600)
    events = lg.tracking_events(SHIPPED, SHIPPED + DAY_US, fast, "CN", "US")
    assert events[-1]["status"] == lg.DELIVERED


def test_domestic_route_skips_customs() -> None:
    codes = [c for c, _ in lg.step_times(SHIPPED, lg.DEFAULT_STEPS, "US", "US")]
    assert codes == [1, 4, 5, 9, 10, 12]


def test_track_info_moves_then_freezes_delivery_day_at_delivery() -> None:
    number = "CJPKL2601050123YQ"

    def info(days: float) -> dict[str, object]:
        return lg.track_info(number, "CJPacket Ordinary", "CN", "US", SHIPPED,
                             SHIPPED + int(days * DAY_US))

    assert info(0)["trackingStatus"] == "Warehouse outbound"
    assert info(4.5)["deliveryDay"] == "4" and info(4.5)["trackingStatus"] == "Customs clearance"
    assert info(4.5)["lastMileCarrier"] is None
    delivered = lg.delivered_at(SHIPPED, lg.DEFAULT_STEPS, "CN", "US")
    assert delivered == SHIPPED + 8 * DAY_US
    assert info(8)["trackingStatus"] == "Delivered" and info(8)["deliveryDay"] == "8"
    assert info(30)["deliveryDay"] == "8" and info(30)["lastMileCarrier"] == "USPS"
    assert info(30)["deliveryTime"] == "2026-01-05 16:00:00"
    assert list(info(30)) == ["trackingNumber", "logisticName", "trackingFrom", "trackingTo",
                              "deliveryDay", "deliveryTime", "trackingStatus",
                              "lastMileCarrier", "lastTrackNumber"]


def test_status_labels_cover_zero_to_fourteen() -> None:
    assert sorted(lg.TRACKING_STATUS) == list(range(15))
    assert lg.TRACKING_STATUS[5] == "In transit" and lg.TRACKING_STATUS[12] == "Delivered"


def test_a_repeated_quote_is_equal_and_its_own() -> None:
    """Quotes are computed once per parcel: the same parcel gets an equal answer, a different
    weight or rate a different one, and changing one answer leaves the next untouched."""
    first = lg.freight_quote("CN", "US", 700, Decimal("7.2"))
    first[0]["logisticPrice"] = Decimal("0.00")
    first.append({"logisticName": "extra"})
    again = lg.freight_quote("CN", "US", 700, Decimal("7.2"))
    assert again[0]["logisticPrice"] > 0 and len(again) == len(first) - 1
    assert again == lg.freight_quote("CN", "US", 700, Decimal("7.2"))
    heavier = lg.freight_quote("CN", "US", 1700, Decimal("7.2"))
    assert heavier[0]["logisticPrice"] > again[0]["logisticPrice"]
    dearer_yuan = lg.freight_quote("CN", "US", 700, Decimal("8"))
    assert dearer_yuan[0]["logisticPriceCn"] > again[0]["logisticPriceCn"]
