"""Accounts and tokens (docs/rules.md, "Tokens"; codes 1600001, 1600002, 1600003, 1601000)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from cjsim import Simulator
from cjsim.clock import parse_instant

ISO_CN = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$")


def body_of(response: Any) -> dict[str, Any]:
    return response.get_json()  # type: ignore[no-any-return]


@pytest.mark.parametrize("form", ["apiKey", "email+password", "email+apiKey"])
def test_get_access_token_accepts_all_three_body_forms(client, account, form: str) -> None:  # type: ignore[no-untyped-def]
    payload = {"apiKey": {"apiKey": account.api_key},
               "email+password": {"email": account.email, "password": account.api_key},
               "email+apiKey": {"email": account.email, "apiKey": account.api_key}}[form]
    body = body_of(client.post("authentication/getAccessToken", json=payload))
    assert body["code"] == 200
    data = body["data"]
    assert list(data) == ["openId", "accessToken", "accessTokenExpiryDate", "refreshToken",
                          "refreshTokenExpiryDate", "createDate"]
    assert data["openId"] == account.open_id and isinstance(data["openId"], int)
    for key in ("accessTokenExpiryDate", "refreshTokenExpiryDate", "createDate"):
        assert ISO_CN.match(data[key]), data[key]
    assert data["createDate"] == "2026-01-05T10:00:00+08:00"
    assert data["accessTokenExpiryDate"] == "2026-01-20T10:00:00+08:00"  # 15 days
    assert data["refreshTokenExpiryDate"] == "2026-07-04T10:00:00+08:00"  # 180 days


def test_generated_api_key_has_cj_format(account) -> None:  # type: ignore[no-untyped-def]
    assert re.fullmatch(rf"CJ{account.open_id}@api@[0-9a-f]{{32}}", account.api_key)


def test_unknown_email_is_1601000(client) -> None:  # type: ignore[no-untyped-def]
    body = body_of(client.post("authentication/getAccessToken",
                               json={"email": "ghost@example.com", "password": "x"}))
    assert body["code"] == 1601000 and body["message"] == "User not found"


def test_wrong_key_for_known_email_is_1600001(client, account) -> None:  # type: ignore[no-untyped-def]
    body = body_of(client.post("authentication/getAccessToken",
                               json={"email": account.email, "password": "CJ1@api@" + "f" * 32}))
    assert body["code"] == 1600001 and body["message"] == "No permission"


def test_unknown_api_key_is_1600001(client) -> None:  # type: ignore[no-untyped-def]
    body = body_of(client.post("authentication/getAccessToken", json={"apiKey": "nope"}))
    assert body["code"] == 1600001


@pytest.mark.parametrize("payload", [{}, {"email": "a@b.c"}, {"apiKey": 12},
                                     {"password": "x"}, {"email": ["a"], "password": "x"}])
def test_malformed_login_bodies_are_1600300(client, payload) -> None:  # type: ignore[no-untyped-def]
    assert body_of(client.post("authentication/getAccessToken", json=payload))["code"] == 1600300


def test_missing_token_header_is_1600002(client) -> None:  # type: ignore[no-untyped-def]
    body = body_of(client.get("setting/get"))
    assert body["code"] == 1600002 and body["message"] == "CJ-Access-Token not found"


def test_empty_token_header_counts_as_absent(client) -> None:  # type: ignore[no-untyped-def]
    assert body_of(client.get("setting/get", token=""))["code"] == 1600002


def test_unknown_token_is_1600001(client) -> None:  # type: ignore[no-untyped-def]
    assert body_of(client.get("setting/get", token="API@CJ1@CJ:forged"))["code"] == 1600001


def test_access_token_expires_after_15_days_on_the_clock(client, account, sim) -> None:  # type: ignore[no-untyped-def]
    data = client.login(account.api_key)
    expiry = parse_instant(data["accessTokenExpiryDate"])
    sim.clock.set("2026-01-20T09:59:59+08:00")
    assert body_of(client.get("setting/get"))["code"] == 200
    sim.clock.advance(1)
    assert sim.clock.now_us() == expiry
    assert body_of(client.get("setting/get"))["code"] == 1600001
    assert sim.journal()[-1]["reason"] == "token:expired"


def test_refresh_gives_a_new_pair_and_kills_the_old(client, account, sim) -> None:  # type: ignore[no-untyped-def]
    first = client.login(account.api_key)
    sim.clock.advance(3600)
    body = body_of(client.post("authentication/refreshAccessToken",
                               json={"refreshToken": first["refreshToken"]}, token=""))
    assert body["code"] == 200
    data = body["data"]
    assert "openId" not in data
    assert list(data) == ["accessToken", "accessTokenExpiryDate", "refreshToken",
                          "refreshTokenExpiryDate", "createDate"]
    assert data["accessToken"] != first["accessToken"]
    assert data["createDate"] == "2026-01-05T11:00:00+08:00"
    sim.clock.advance(1)
    assert body_of(client.get("setting/get", token=first["accessToken"]))["code"] == 1600001
    assert body_of(client.get("setting/get", token=data["accessToken"]))["code"] == 200
    again = body_of(client.post("authentication/refreshAccessToken",
                                json={"refreshToken": first["refreshToken"]}, token=""))
    assert again["code"] == 1600003 and again["message"] == "Refresh token is failure"


def test_unknown_or_expired_refresh_token_is_1600003(client, account, sim) -> None:  # type: ignore[no-untyped-def]
    assert body_of(client.post("authentication/refreshAccessToken",
                               json={"refreshToken": "nope"}))["code"] == 1600003
    data = client.login(account.api_key)
    sim.clock.advance(180 * 86_400)
    assert body_of(client.post("authentication/refreshAccessToken",
                               json={"refreshToken": data["refreshToken"]}))["code"] == 1600003


def test_logout_revokes_both_tokens(client, account, sim) -> None:  # type: ignore[no-untyped-def]
    data = client.login(account.api_key)
    sim.clock.advance(1)
    body = body_of(client.post("authentication/logout"))
    assert body["code"] == 200 and body["data"] is True
    sim.clock.advance(1)
    assert body_of(client.get("setting/get"))["code"] == 1600001
    assert body_of(client.post("authentication/refreshAccessToken", token="",
                               json={"refreshToken": data["refreshToken"]}))["code"] == 1600003


@pytest.mark.parametrize("padded", ["{} ", " {}", "\t{}\t"])
def test_logout_acts_on_the_token_as_authenticated(client, account, sim, padded) -> None:  # type: ignore[no-untyped-def]
    # the pipeline strips blanks around the header before authenticating; logout must revoke that same
    # token, not answer success for a padded value that matches nothing while the token stays valid
    data = client.login(account.api_key)
    body = body_of(client.post("authentication/logout", token=padded.format(data["accessToken"])))
    assert body["code"] == 200 and body["data"] is True
    assert body_of(client.get("setting/get"))["code"] == 1600001
    assert body_of(client.post("authentication/refreshAccessToken", token="",
                               json={"refreshToken": data["refreshToken"]}))["code"] == 1600003


def test_tokens_are_reproducible_only_under_a_seed() -> None:
    def token(seed: int | None) -> str:
        sim = Simulator(seed=seed, clock="frozen", start="2026-01-05T10:00:00+08:00")
        account = sim.account("a@example.com")
        client = sim.app.test_client()
        data = client.post("/api2.0/v1/authentication/getAccessToken",
                           json={"apiKey": account.api_key}).get_json()["data"]
        return f"{account.api_key} {data['accessToken']}"

    assert token(5) == token(5)
    assert token(5) != token(6)
    assert token(None) != token(None)


def test_two_simulators_in_one_process_never_meet() -> None:
    one = Simulator(clock="frozen", start="2026-01-05T10:00:00+08:00")
    two = Simulator(clock="frozen", start="2026-01-05T10:00:00+08:00")
    account = one.account("same@example.com")
    two.account("same@example.com")
    key = account.api_key
    data = one.app.test_client().post("/api2.0/v1/authentication/getAccessToken",
                                      json={"apiKey": key}).get_json()
    assert data["code"] == 200
    # the other simulator knows neither the key nor the token
    assert two.app.test_client().post("/api2.0/v1/authentication/getAccessToken",
                                      json={"apiKey": key}).get_json()["code"] == 1600001
    assert two.app.test_client().get("/api2.0/v1/setting/get", headers={
        "CJ-Access-Token": data["data"]["accessToken"]}).get_json()["code"] == 1600001
    one.clock.advance(3600)
    assert two.clock.now_us() != one.clock.now_us()
    assert len(two.journal()) == 2 and len(one.journal()) == 1


def test_reset_returns_to_configured_accounts(sim, client) -> None:  # type: ignore[no-untyped-def]
    configured = Simulator(clock="frozen", start="2026-01-05T10:00:00+08:00",
                           accounts=["seeded@example.com:CJ9@api@" + "a" * 32 + ":plus:verified"])
    configured.account("extra@example.com")
    configured.clock.advance(99)
    configured.reset()
    accounts = configured.accounts.all()
    assert [(a.email, a.level, a.verified) for a in accounts] == [("seeded@example.com", 2, True)]
    assert configured.journal() == []
    assert configured.clock.now_us() == parse_instant("2026-01-05T10:00:00+08:00")
