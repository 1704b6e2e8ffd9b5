"""The error catalogue: every code of CJ's global error table, with the seed's message.

Handlers never build error envelopes themselves: they raise :class:`CJError` with a code,
and the dispatcher turns it into the one envelope shape. A profile may swap messages
(``Catalogue.with_messages``) without touching a handler.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

# code -> (seed message, troubleshooting text of the seed)
SEED_CATALOGUE: Mapping[int, tuple[str, str]] = MappingProxyType(
    {
        200: ("Success", "The request was successfully processed."),
        1600000: (
            "System busy",
            "The server is currently unavailable. Please try again later. No more than 3 times.",
        ),
        1600001: ("No permission", "CJ-Access-Token is invalid, View Help"),
        1600002: ("CJ-Access-Token not found", "CJ-Access-Token not found, View Help"),
        1600003: ("Refresh token is failure", "Refresh token is failure, View Help"),
        1600100: (
            "The interface has been taken offline",
            "The interface is currently offline. Please contact the administrator.",
        ),
        1600101: ("Interface not found", "Interface path is error"),
        1600200: ("Call exceeded limit", "View Help"),
        1600201: ("Quota has been used up", "Quota has been used up,View Help"),
        1600300: ("Illegal parameter", "View help"),
        1601000: ("User not found", "User not found, email error"),
        1602000: ("Variant not found", "Variant not found"),
        1602001: (
            "Product not found",
            "Product not found, product is error, or product offline",
        ),
        1603000: ("Order create fail", "Order create fail, Please contact CJ admin"),
        1603001: ("Order confirm fail", "Order confirm fail, Please contact CJ admin"),
        1603002: ("Order delete fail", "Order delete fail, Please contact CJ admin"),
        1603100: ("Order not found, Please check the CJ order id", "Order number is error"),
        1603101: ("Order pay fail, Please contact CJ Order Center", "Order pay fail"),
        1604000: ("Balance is insufficient", "Balance is insufficient"),
        1605000: ("Logistic not found", "Logistic not found"),
        # the seed's row has no separate troubleshooting text (docs/rules.md, "Error codes" keeps it whole)
        1606000: ("Webhook setting add fail, Webhook already have settings", ""),
        1606001: ("Webhook set fail", "Webhook set fail, Please contact CJ admin"),
        1607000: ("Webhook url error", "Webhook url can not empty"),
    }
)

WRONG_JSON_MESSAGE = "Warning: wrong json format."

class Catalogue:
    """Messages by code. Immutable; a profile builds its own with overrides."""

    def __init__(self, messages: Mapping[int, str] | None = None) -> None:
        base = {code: text for code, (text, _) in SEED_CATALOGUE.items()}
        if messages:
            unknown = set(messages) - set(base)
            if unknown:
                raise ValueError(f"codes not in the catalogue: {sorted(unknown)}")
            base.update(messages)
        self._messages: Mapping[int, str] = MappingProxyType(base)

    def __contains__(self, code: object) -> bool:
        return code in self._messages

    def message(self, code: int) -> str:
        return self._messages[code]

    def codes(self) -> list[int]:
        return sorted(self._messages)

    def with_messages(self, messages: Mapping[int, str]) -> Catalogue:
        merged = dict(self._messages)
        merged.update(messages)
        return Catalogue(merged)


@dataclass
class CJError(Exception):
    """A CJ answer other than success. ``message`` None means the catalogue's text.

    ``http_status`` is 200 for business errors (what the real API does); throttles may
    carry 429 per the profile. ``detail`` is appended to the catalogue message
    ("Illegal parameter: pageSize must be 1..200") so bad input gets a clear answer;
    ``reason`` is a short machine tag for the journal and the audit, never sent.
    """

    code: int
    message: str | None = None
    http_status: int = 200
    detail: str | None = None
    reason: str | None = None

    def __post_init__(self) -> None:
        if self.code not in SEED_CATALOGUE:
            raise ValueError(f"{self.code} is not a catalogue code")
        super().__init__(self.code, self.message)

    def __str__(self) -> str:
        return f"CJError({self.code}, {self.message or SEED_CATALOGUE[self.code][0]!r})"


def illegal(detail: str, message: str | None = None, reason: str = "params") -> CJError:
    """1600300 whose message names the problem."""
    return CJError(1600300, message=message, detail=detail, reason=reason)
