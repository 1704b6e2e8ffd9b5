"""Money: ``Decimal`` rounded half-up to cents, written in JSON as a number with two decimals."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value: Decimal | int | float | str) -> Decimal:
    """Round half-up to cents. Floats go through ``str`` so 4.1 stays 4.10, not 4.0999…"""
    if isinstance(value, float):
        value = repr(value)
    try:
        amount = Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:
        raise ValueError(f"not an amount of money: {value!r}") from exc
    if not amount.is_finite():  # NaN survives quantize
        raise ValueError(f"not an amount of money: {value!r}")
    return ZERO if amount.is_zero() else amount  # never -0.00


def money_str(value: Decimal | int | float | str) -> str:
    """The stored form of an amount (documents are JSON; amounts are kept as strings)."""
    return str(money(value))
