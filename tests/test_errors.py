"""The catalogue holds every code of the seed's table with the seed's message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cjsim.errors import SEED_CATALOGUE, Catalogue, CJError

SEED = Path(__file__).parent / "data" / "seed-error-codes.txt"


def seed_table() -> dict[int, str]:
    rows = {}
    for line in SEED.read_text().splitlines():
        match = re.match(r"^(200|16\d{5}) (.+)$", line.strip())
        if match:
            rows[int(match.group(1))] = match.group(2)
    return rows


def test_seed_table_is_parsed() -> None:
    assert len(seed_table()) == 23


@pytest.mark.parametrize("code", sorted(seed_table()))
def test_every_seed_code_is_in_the_catalogue_with_its_message(code: int) -> None:
    row = seed_table()[code]
    message, trouble = SEED_CATALOGUE[code]
    assert row == f"{message} {trouble}".strip(), "catalogue text differs from the seed row"
    assert Catalogue().message(code) == message


def test_catalogue_has_no_code_beyond_the_seed() -> None:
    assert set(SEED_CATALOGUE) == set(seed_table())


def test_unknown_code_cannot_be_raised() -> None:
    with pytest.raises(ValueError):
        CJError(1699999)  # in no profile's catalogue (1600005 is in cj-2026's)


def test_profile_can_swap_a_message_but_not_invent_a_code() -> None:
    swapped = Catalogue().with_messages({1600001: "Invalid API key or access token"})
    assert swapped.message(1600001) == "Invalid API key or access token"
    assert Catalogue().message(1600001) == "No permission"
    with pytest.raises(ValueError):
        Catalogue({1234567: "nope"})
