"""CJ parameters are read as CJ reads them: ASCII digits, two ASCII letters for a country.

Python's ``int()`` and ``Decimal()`` take ``1_000``, ``٣`` (Arabic-Indic) and ``５``
(full-width), and ``"ß".upper()`` is ``"SS"``, a real country code: CJ takes none of them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from cjsim.errors import CJError
from cjsim.params import Field, parse_object

INT = (Field("n", "int"),)
DECIMAL = (Field("d", "decimal"),)
COUNTRY = (Field("c", "country"),)


@pytest.mark.parametrize("text", ["1_000", "٣", "５", "1 000", "0x10", "1e3", "²"])
def test_integers_are_ascii_digits(text: str) -> None:
    with pytest.raises(CJError) as info:
        parse_object(INT, {"n": text})
    assert info.value.code == 1600300 and "n must be an integer" in str(info.value.detail)


@pytest.mark.parametrize("text, value", [("42", 42), (" 7 ", 7), ("-3", -3), ("+5", 5), (12.0, 12)])
def test_ascii_integers_still_parse(text: Any, value: int) -> None:
    assert parse_object(INT, {"n": text}) == {"n": value}


@pytest.mark.parametrize("text", ["1_000.5", "٣.5", "５", "NaN", "Infinity"])
def test_decimals_are_ascii_digits(text: str) -> None:
    with pytest.raises(CJError) as info:
        parse_object(DECIMAL, {"d": text})
    assert info.value.code == 1600300


def test_ascii_decimals_still_parse() -> None:
    assert parse_object(DECIMAL, {"d": "12.50"}) == {"d": Decimal("12.50")}
    assert parse_object(DECIMAL, {"d": 3}) == {"d": Decimal(3)}


@pytest.mark.parametrize("text", ["ß", "SS ", "U", "USA", "Ü1", "1A"])
def test_country_codes_are_two_ascii_letters(text: str) -> None:
    if text.strip() == "SS":
        assert parse_object(COUNTRY, {"c": text}) == {"c": "SS"}
        return
    with pytest.raises(CJError) as info:
        parse_object(COUNTRY, {"c": text})
    assert info.value.code == 1600300 and "country code" in str(info.value.detail)


def test_a_lower_case_code_is_upper_cased() -> None:
    assert parse_object(COUNTRY, {"c": "us"}) == {"c": "US"}

