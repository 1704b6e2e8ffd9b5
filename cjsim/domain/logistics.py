"""Shipping: which lines run on a route, what they cost, and how a parcel's tracking unfolds.

Why one module for quotes and tracking: both are pure functions of the route, the weight and
the time, with no state. An order stores its shipping facts (route, line, dispatch instant,
tracking number); everything shown later (freightCalculate, postageAmount, trackInfo, LOGISTIC
webhooks) is recomputed from those facts and an explicit ``now_us``. Nothing here reads a
clock, so the simulator's one clock (and freezegun in tests) drives it all.

Prices: a line costs ``base + per_100g × started 100 g``, times the route's zone factor,
rounded half-up to cents. Order creation calls :func:`line_price`, the quote calls the same
function, so an order's ``postageAmount`` always equals the quote (docs/endpoints.md,
freightCalculate and createOrderV2).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from cjsim.clock import US
from cjsim.errors import CJError
from cjsim.money import ZERO, money

DEFAULT_CNY_RATE = Decimal("7.2")
DAY_S = 86_400
_CHINA = timezone(timedelta(hours=8))
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
TRACKING_URL = "https://cjpacket.com/?trackingNumber="


# ---------------------------------------------------------------------------------------------
# Lines and routes


@dataclass(frozen=True)
class Line:
    """A shipping line (CJ's ``logisticName``) and its tariff."""

    name: str
    aging: str  # days, "7-12"
    base: Decimal  # USD, the first started 100 g
    per_100g: Decimal  # USD, each further started 100 g

    def price(self, total_weight_g: int, zone: Decimal = Decimal(1)) -> Decimal:
        blocks = max(1, -(-max(0, total_weight_g) // 100))
        return money((self.base + self.per_100g * (blocks - 1)) * zone)


LINES: Mapping[str, Line] = MappingProxyType({
    line.name: line for line in (
        Line("CJPacket Ordinary", "7-12", Decimal("2.85"), Decimal("0.93")),
        Line("CJPacket Sensitive", "8-15", Decimal("3.30"), Decimal("1.05")),
        Line("CJPacket Postal", "10-20", Decimal("1.90"), Decimal("0.80")),
        Line("YunExpress", "6-10", Decimal("3.60"), Decimal("0.98")),
        Line("USPS+", "2-5", Decimal("4.40"), Decimal("0.90")),
        Line("PostNL", "10-15", Decimal("2.95"), Decimal("0.88")),
        Line("DHL Official", "3-7", Decimal("16.50"), Decimal("2.40")),
        Line("UPS Ground", "3-6", Decimal("6.90"), Decimal("0.55")),
        Line("DPD", "2-5", Decimal("5.20"), Decimal("0.45")),
        Line("Royal Mail", "2-3", Decimal("3.95"), Decimal("0.40")),
        Line("Colissimo", "2-4", Decimal("4.95"), Decimal("0.45")),
        Line("Flash Express", "1-3", Decimal("1.20"), Decimal("0.20")),
        Line("Thailand Post", "3-6", Decimal("0.95"), Decimal("0.15")),
        Line("Australia Post", "2-6", Decimal("6.10"), Decimal("0.60")),
    )
})

# Destinations, by region (the region sets the zone factor of lines from China).
_REGIONS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "north_america": ("US", "CA", "MX"),
    "europe": ("GB", "DE", "FR", "IT", "ES", "NL", "BE", "AT", "CH", "SE", "NO", "DK", "FI",
               "PL", "PT", "IE", "CZ", "GR", "RO", "HU"),
    "oceania": ("AU", "NZ"),
    "asia": ("CN", "JP", "KR", "SG", "MY", "TH", "VN", "PH", "ID", "IN"),
    "latin_america": ("BR", "AR", "CL", "CO", "PE"),
    "middle_east_africa": ("AE", "SA", "IL", "TR", "ZA", "NG", "EG"),
})
_ZONE: Mapping[str, Decimal] = MappingProxyType({
    "north_america": Decimal("1.00"), "europe": Decimal("1.10"), "oceania": Decimal("1.15"),
    "asia": Decimal("0.80"), "latin_america": Decimal("1.35"),
    "middle_east_africa": Decimal("1.40"),
})
_REGION_OF: Mapping[str, str] = MappingProxyType(
    {code: region for region, codes in _REGIONS.items() for code in codes}
)
_EU = frozenset(_REGIONS["europe"]) - {"GB", "CH", "NO"}
_SEA = ("MY", "SG", "VN", "PH", "ID")


def known_country(code: str) -> bool:
    """Is ``code`` (ISO 3166 alpha-2) a destination the simulator ships to?"""
    return code.strip().upper() in _REGION_OF


def destinations() -> list[str]:
    return sorted(_REGION_OF)


@dataclass(frozen=True)
class Route:
    line: Line
    zone: Decimal

    def price(self, total_weight_g: int) -> Decimal:
        return self.line.price(total_weight_g, self.zone)


class RouteTable:
    """(startCountryCode, endCountryCode) -> lines offered, in table order. Immutable."""

    def __init__(self, routes: Mapping[tuple[str, str], Sequence[Route]]) -> None:
        self._routes: Mapping[tuple[str, str], tuple[Route, ...]] = MappingProxyType(
            {(a.upper(), b.upper()): tuple(r) for (a, b), r in routes.items() if r}
        )

    def routes(self, start: str, end: str) -> tuple[Route, ...]:
        return self._routes.get((start.strip().upper(), end.strip().upper()), ())

    def pairs(self) -> list[tuple[str, str]]:
        return sorted(self._routes)

    @classmethod
    def default(cls) -> RouteTable:
        table: dict[tuple[str, str], list[Route]] = {}

        def add(start: str, ends: Iterable[str], names: Iterable[str], zone: str = "1") -> None:
            for end in ends:
                table.setdefault((start, end), []).extend(
                    Route(LINES[n], Decimal(zone)) for n in names)

        for end, region in _REGION_OF.items():
            if end == "CN":
                continue  # no domestic China lines: CN -> CN answers []
            zone = str(_ZONE[region])
            add("CN", [end], ["CJPacket Ordinary", "CJPacket Sensitive", "YunExpress"], zone)
            if end in ("US", "CA", "GB", "DE", "FR", "AU"):
                add("CN", [end], ["CJPacket Postal"], zone)
            if end == "US":
                add("CN", [end], ["USPS+"], zone)
            if end in _EU:
                add("CN", [end], ["PostNL"], zone)
            add("CN", [end], ["DHL Official"], zone)
        add("US", ["US"], ["USPS+", "UPS Ground"])
        add("US", ["CA", "MX"], ["UPS Ground", "DHL Official"], "1.25")
        add("DE", ["DE"], ["DPD", "DHL Official"])
        add("DE", sorted(_EU - {"DE"}), ["DPD", "DHL Official"], "1.20")
        add("FR", ["FR"], ["Colissimo", "DPD"])
        add("FR", sorted(_EU - {"FR"}), ["DPD", "DHL Official"], "1.20")
        add("GB", ["GB"], ["Royal Mail", "DPD"])
        add("GB", ["IE", "FR", "DE", "NL", "BE"], ["DHL Official"], "1.20")
        add("TH", ["TH"], ["Flash Express", "Thailand Post"])
        add("TH", _SEA, ["YunExpress", "DHL Official"], "0.80")
        add("AU", ["AU"], ["Australia Post"])
        add("AU", ["NZ"], ["Australia Post", "DHL Official"], "1.30")
        return cls(table)


DEFAULT_ROUTES = RouteTable.default()


def _route(start: str, end: str, name: str, routes: RouteTable) -> Route:
    for route in routes.routes(start, end):
        if route.line.name == name:
            return route
    raise CJError(1605000, detail=f"{name!r} is not offered from {start} to {end}")


def freight_quote(
    start: str, end: str, total_weight_g: int, cny_rate: Decimal = DEFAULT_CNY_RATE,
    *, taxes_fee: Decimal = ZERO, clearance_fee: Decimal = ZERO,
    routes: RouteTable = DEFAULT_ROUTES,
) -> list[dict[str, Any]]:
    """The ``data`` of freightCalculate (docs/endpoints.md): every line of the route, cheapest first.

    An unroutable pair is ``[]``, not an error, as on the real API. A quote is a pure function
    of its arguments, so it is computed once per distinct parcel (its Decimal rounding was
    most of a freightCalculate call); each caller gets fresh dicts of immutable values.
    """
    rows = _quote(start, end, total_weight_g, cny_rate, taxes_fee, clearance_fee, routes)
    return [dict(row) for row in rows]


@lru_cache(maxsize=4096)
def _quote(start: str, end: str, total_weight_g: int, cny_rate: Decimal, taxes_fee: Decimal,
           clearance_fee: Decimal, routes: RouteTable) -> tuple[tuple[tuple[str, Any], ...], ...]:
    rows = []
    for route in routes.routes(start, end):
        price = route.price(total_weight_g)
        rows.append({
            "logisticName": route.line.name, "logisticPrice": price,
            "logisticPriceCn": money(price * cny_rate), "logisticAging": route.line.aging,
            "taxesFee": money(taxes_fee), "clearanceOperationFee": money(clearance_fee),
            "totalPostageFee": money(price + taxes_fee + clearance_fee),
        })
    rows.sort(key=lambda r: (r["totalPostageFee"], r["logisticName"]))
    return tuple(tuple(row.items()) for row in rows)


def line_price(start: str, end: str, logisticName: str, total_weight_g: int,
               *, routes: RouteTable = DEFAULT_ROUTES) -> Decimal:
    """USD postage of one line (the quote's ``logisticPrice``); 1605000 if not on the route.

    The name must match exactly, as the quote spells it: a simulator that forgave case would
    hide a client bug the real API punishes.
    """
    return _route(start, end, logisticName, routes).price(total_weight_g)


def line_aging(start: str, end: str, logisticName: str,
               *, routes: RouteTable = DEFAULT_ROUTES) -> str:
    return _route(start, end, logisticName, routes).line.aging


def timeliness(start: str, end: str, *, routes: RouteTable = DEFAULT_ROUTES) -> dict[str, Any]:
    """getOrderDetail ``logisticsTimeliness`` (docs/endpoints.md, getOrderDetail), lines in route-table order."""
    return {"logisticsModes": [
        {"logisticsName": r.line.name, "arrivalTime": f"{r.line.aging} Days"}
        for r in routes.routes(start, end)
    ]}


# ---------------------------------------------------------------------------------------------
# Tracking

TRACKING_STATUS: Mapping[int, str] = MappingProxyType({
    0: "No information",
    1: "Warehouse outbound",
    2: "Forwarder inbound",
    3: "Forwarder returned",
    4: "Forwarder outbound",
    5: "In transit",
    6: "Arrived in destination country",
    7: "Customs clearance",
    8: "Customs cleared",
    9: "Last-mile pickup",
    10: "Out for delivery",
    11: "Awaiting pickup",
    12: "Delivered",
    13: "Exception",
    14: "Returned",
})

DELIVERED = 12
# Statuses at which the last-mile carrier and its number are known ("from code 9 on").
_LAST_MILE_KNOWN = frozenset({9, 10, 11, 12})
_CUSTOMS = frozenset({6, 7, 8})


@dataclass(frozen=True)
class Step:
    """A tracking status reached ``delay_s`` seconds after the previous step (or dispatch)."""

    code: int
    delay_s: int

    def __post_init__(self) -> None:
        if self.code not in TRACKING_STATUS or self.code == 0:
            raise ValueError(f"no tracking status {self.code}")
        if self.delay_s < 0:
            raise ValueError("a step delay cannot be negative")


DEFAULT_CODES = (1, 4, 5, 6, 7, 8, 9, 10, 12)


def make_steps(delay_s: int = DAY_S, codes: Sequence[int] = DEFAULT_CODES) -> tuple[Step, ...]:
    """The default run with another delay: code 1 at dispatch, each next one ``delay_s`` later."""
    return tuple(Step(code, 0 if i == 0 else delay_s) for i, code in enumerate(codes))


DEFAULT_STEPS: tuple[Step, ...] = make_steps()

# (warehouse city, forwarder hub) per start country; (hub, delivery area) per destination.
_ORIGIN: Mapping[str, tuple[str, str]] = MappingProxyType({
    "CN": ("Yiwu", "Shenzhen"), "US": ("Ontario", "Los Angeles"), "DE": ("Dortmund", "Frankfurt"),
    "GB": ("Birmingham", "London"), "TH": ("Bangkok", "Bangkok"), "FR": ("Lyon", "Paris"),
    "AU": ("Sydney", "Sydney"),
})
_DESTINATION: Mapping[str, tuple[str, str]] = MappingProxyType({
    "US": ("Los Angeles", "New York"), "CA": ("Toronto", "Toronto"), "MX": ("Mexico City",
                                                                          "Mexico City"),
    "GB": ("London", "Manchester"), "DE": ("Frankfurt", "Berlin"), "FR": ("Paris", "Lyon"),
    "NL": ("Amsterdam", "Rotterdam"), "AU": ("Sydney", "Melbourne"), "JP": ("Tokyo", "Osaka"),
    "BR": ("Sao Paulo", "Rio de Janeiro"), "TH": ("Bangkok", "Chiang Mai"),
})
_LAST_MILE_CARRIER: Mapping[str, str] = MappingProxyType({
    "US": "USPS", "CA": "Canada Post", "GB": "Royal Mail", "DE": "DHL", "FR": "La Poste",
    "AU": "Australia Post", "NL": "PostNL", "JP": "Japan Post", "TH": "Thailand Post",
    "BR": "Correios",
})

_ACTIVITY: Mapping[int, str] = MappingProxyType({
    1: "Departed CJ warehouse",
    2: "Received by freight forwarder",
    3: "Returned by freight forwarder",
    4: "Departed forwarder hub",
    5: "In transit to destination country",
    6: "Arrived in destination country",
    7: "Customs clearance started",
    8: "Customs clearance completed",
    9: "Picked up by last-mile carrier",
    10: "Out for delivery",
    11: "Awaiting pickup at collection point",
    12: "Delivered",
    13: "Delivery exception",
    14: "Returned to sender",
})


def route_steps(steps: Sequence[Step], start: str, end: str) -> tuple[Step, ...]:
    """A domestic parcel (start == end) skips the customs statuses 6-8, and their delays."""
    if start.strip().upper() != end.strip().upper():
        return tuple(steps)
    return tuple(s for s in steps if s.code not in _CUSTOMS)


def step_times(shipped_at_us: int, steps: Sequence[Step], start_country: str,
               end_country: str) -> list[tuple[int, int]]:
    """(status code, instant in epoch µs) of every step of the route, reached or not."""
    out, at = [], shipped_at_us
    for step in route_steps(steps, start_country, end_country):
        at += step.delay_s * US
        out.append((step.code, at))
    return out


def current_status(shipped_at_us: int, now_us: int, steps: Sequence[Step],
                   start_country: str, end_country: str) -> int:
    """The latest status reached by ``now_us``; 0 (no information) before the first."""
    reached = [code for code, at in step_times(shipped_at_us, steps, start_country, end_country)
               if at <= now_us]
    return reached[-1] if reached else 0


def delivered_at(shipped_at_us: int, steps: Sequence[Step], start_country: str,
                 end_country: str) -> int | None:
    """When the parcel is signed for (status 12), or None if the run never delivers."""
    for code, at in step_times(shipped_at_us, steps, start_country, end_country):
        if code == DELIVERED:
            return at
    return None


def china_time(us: int) -> str:
    """``yyyy-MM-dd HH:mm:ss`` in China time (trackInfo deliveryTime, LOGISTIC eventTime)."""
    return f"{(_EPOCH + timedelta(microseconds=us)).astimezone(_CHINA):%Y-%m-%d %H:%M:%S}"


def _location(code: int, start: str, end: str, end_city: str | None) -> str:
    if code in (1, 2, 3, 14):
        return f"{_ORIGIN.get(start, (start, start))[0]}, {start}"
    if code in (4, 5):
        return f"{_ORIGIN.get(start, (start, start))[1]}, {start}"
    hub, area = _DESTINATION.get(end, (end, end))
    if code in (6, 7, 8):
        return f"{hub}, {end}"
    return f"{end_city or area}, {end}"


def tracking_events(shipped_at_us: int, now_us: int, steps: Sequence[Step],
                    start_country: str, end_country: str,
                    end_city: str | None = None) -> list[dict[str, Any]]:
    """The events reached by ``now_us``, oldest first (the LOGISTIC webhook's list)."""
    start, end = start_country.strip().upper(), end_country.strip().upper()
    return [
        {"status": code, "activity": _ACTIVITY[code],
         "location": _location(code, start, end, end_city), "eventTime": china_time(at),
         "statusDesc": TRACKING_STATUS[code]}
        for code, at in step_times(shipped_at_us, steps, start, end) if at <= now_us
    ]


def tracking_number(rng: random.Random) -> str:
    """``CJPKL`` + 10 digits + 2 uppercase letters (docs/rules.md, "Formats")."""
    digits = f"{rng.randrange(10**10):010d}"
    letters = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(2))
    return f"CJPKL{digits}{letters}"


def tracking_url(number: str) -> str:
    return f"{TRACKING_URL}{number}"


def last_mile(end_country: str, number: str) -> tuple[str, str]:
    """(carrier, 15-22 digit number): derived from the CJ number, so stable without state."""
    digest = hashlib.sha256(number.encode()).digest()
    length = 15 + digest[0] % 8
    digits = str(int.from_bytes(digest[1:], "big"))[:length]
    carrier = _LAST_MILE_CARRIER.get(end_country.strip().upper(), "Local Post")
    return carrier, digits


def track_info(number: str, logistic_name: str, start_country: str, end_country: str,
               shipped_at_us: int, now_us: int,
               steps: Sequence[Step] = DEFAULT_STEPS) -> dict[str, Any]:
    """One item of trackInfo (docs/endpoints.md) for a parcel dispatched at ``shipped_at_us``.

    ``deliveryDay`` counts whole days since dispatch and stops at delivery.
    """
    start, end = start_country.strip().upper(), end_country.strip().upper()
    status = current_status(shipped_at_us, now_us, steps, start, end)
    done = delivered_at(shipped_at_us, steps, start, end)
    until = done if done is not None and status == DELIVERED else now_us
    reached = {c for c, at in step_times(shipped_at_us, steps, start, end) if at <= now_us}
    carrier, last = last_mile(end, number) if reached & _LAST_MILE_KNOWN else (None, None)
    return {
        "trackingNumber": number, "logisticName": logistic_name,
        "trackingFrom": start, "trackingTo": end,
        "deliveryDay": str(max(0, until - shipped_at_us) // (DAY_S * US)),
        "deliveryTime": china_time(shipped_at_us),
        "trackingStatus": TRACKING_STATUS[status],
        "lastMileCarrier": carrier, "lastTrackNumber": last,
    }


__all__ = [
    "DEFAULT_CNY_RATE", "DEFAULT_ROUTES", "DEFAULT_STEPS", "DELIVERED", "LINES", "Line",
    "Route", "RouteTable", "Step", "TRACKING_STATUS", "current_status", "delivered_at",
    "destinations", "freight_quote", "known_country", "last_mile", "line_aging", "line_price",
    "make_steps", "route_steps", "step_times", "timeliness", "track_info", "tracking_events",
    "tracking_number", "tracking_url", "china_time",
]
