"""cjsim/domain/ids.py: the one masking function, on the texts the journal keeps (JSON
bodies, also cut short) besides query strings and log lines."""

from __future__ import annotations

import json

import pytest

from cjsim.domain.ids import mask_pairs, mask_secrets

KEY = "CJ100042@api@0123456789abcdef0123456789abcdef"
TOKEN = "API@CJ100042@CJ:eyJhbGciOiJIUzI1NiJ9.payload.signature"


@pytest.mark.parametrize("name", ["apiKey", "api_key", "APIKEY", "accessToken", "refreshToken",
                                  "password", "\\u0061piKey", "CJ-Access-Token", "clientSecret"])
def test_a_json_credential_is_masked_and_the_json_stays_valid(name: str) -> None:
    text = f'{{"page": 1, "{name}": "{KEY}", "note": "keep me"}}'
    masked = mask_secrets(text)
    assert KEY not in masked
    parsed = json.loads(masked)
    assert parsed["page"] == 1 and parsed["note"] == "keep me"
    assert f"{KEY[:4]}…{KEY[-4:]}" in parsed.values()


def test_other_names_bare_values_and_cut_strings() -> None:
    assert mask_secrets('{"keyword": "shoes", "monkey": "x"}') == '{"keyword": "shoes", "monkey": "x"}'
    assert json.loads(mask_secrets('{"password": 123456789012, "token": null}')) == \
        {"password": "1234…9012", "token": None}
    cut = mask_secrets(f'{{"data": {{"accessToken": "{TOKEN[:30]}')  # a body cut inside the value
    assert TOKEN[:30] not in cut and cut.endswith(f"{TOKEN[:4]}…{TOKEN[26:30]}")
    escaped = mask_secrets('{"apiKey": "ab\\"cdefghijklmnop"}')
    assert "cdefghijkl" not in escaped and json.loads(escaped)["apiKey"].endswith("mnop")


def test_query_pairs_and_shapes() -> None:
    assert KEY not in mask_secrets(f"/p?x=1&%61pi_key={KEY}&y=2")
    assert "x=1" in mask_secrets(f"/p?x=1&apiKey={KEY}")
    assert KEY not in mask_secrets(f"/api2.0/v1/{KEY}/x")  # a key pasted into a path
    assert mask_pairs([("CJ-Access-Token", TOKEN), ("Accept", "*/*"), ("Cookie", "session=abcdefghijk")]) == \
        [("CJ-Access-Token", f"{TOKEN[:4]}…{TOKEN[-4:]}"), ("Accept", "*/*"), ("Cookie", "sess…hijk")]


def test_texts_whose_lower_case_is_longer_and_mixed_pairs() -> None:
    """'İ'.lower() is two characters: positions are found another way, still masked."""
    text = '{"name": "İstanbul", "apiKey": "%s"} apiKey=%s' % (KEY, KEY)  # noqa: UP031
    masked = mask_secrets(text)
    assert KEY not in masked and "İstanbul" in masked and masked.count(f"{KEY[:4]}…{KEY[-4:]}") == 2
