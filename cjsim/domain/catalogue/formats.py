"""How values are written in product answers: CJ's time strings, price ranges, JSON arrays."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cjsim.domain.catalogue.model import Product

_CHINA = timezone(timedelta(hours=8))
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _dt(us: int, tz: timezone) -> datetime:
    return (_EPOCH + timedelta(microseconds=us)).astimezone(tz)


def china_iso(us: int) -> str:
    """``2019-12-24T01:06:37+08:00``: product createTime/createrTime (docs/rules.md, "Formats")."""
    return _dt(us, _CHINA).isoformat(timespec="seconds")


def utc_ms_iso(us: int) -> str:
    """``2019-12-31T11:14:12.000+00:00``: variant createTime (docs/rules.md, "Formats")."""
    dt = _dt(us, UTC)
    return f"{dt:%Y-%m-%dT%H:%M:%S}.{dt.microsecond // 1000:03d}+00:00"


def price_text(low: Decimal, high: Decimal) -> str:
    """listV2/query price strings: ``"11.85"`` or the range ``"1.20-3.50"``."""
    return str(low) if low == high else f"{low}-{high}"


def json_array(items: Iterable[str]) -> str:
    """CJ's JSON-encoded string arrays (``"[\\"PLASTIC\\"]"``), compact, non-ASCII kept."""
    return json.dumps(list(items), ensure_ascii=False, separators=(",", ":"))



def suggest_price(p: Product) -> str:
    """``suggestSellPrice``: the variants' suggested retail prices, ``"19.99"`` or a range."""
    prices = [v.sug_price for v in p.variants]
    return price_text(min(prices), max(prices))
