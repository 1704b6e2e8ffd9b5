"""The control API contract (/__cjsim/)."""

from __future__ import annotations

import pytest


def test_health(client) -> None:  # type: ignore[no-untyped-def]
    assert client.http.get("/__cjsim/health").get_json() == {"status": "ok"}


def test_create_read_and_patch_an_account(client, sim) -> None:  # type: ignore[no-untyped-def]
    http = client.http
    created = http.post("/__cjsim/accounts", json={"email": "shop@example.com", "level": "plus",
                                                    "verified": True, "balance": 12.5})
    assert created.status_code == 201
    account = created.get_json()
    assert {k: account[k] for k in ("email", "level", "verified", "balance")} == {
        "email": "shop@example.com", "level": 2, "verified": True, "balance": 12.5}
    assert isinstance(account["openId"], int) and account["apiKey"].startswith("CJ")
    assert b'"balance":12.50' in created.data
    path = f"/__cjsim/accounts/{account['openId']}"
    assert http.get(path).get_json()["email"] == "shop@example.com"
    patched = http.patch(path, json={"level": "advanced", "verified": False, "balance": "3"})
    assert patched.status_code == 200
    got = patched.get_json()
    assert (got["level"], got["verified"], got["balance"]) == (4, False, 3.0)
    assert sim.accounts.get(account["openId"]).level == 4


@pytest.mark.parametrize("body, needle", [
    ({}, "email"),
    ({"email": "not-an-email"}, "email"),
    ({"email": "a@b.c", "level": "gold"}, "level"),
    ({"email": "a@b.c", "balance": -1}, "balance"),
    ({"email": "a@b.c", "verified": "yes"}, "verified"),
    ({"email": "a@b.c", "colour": "red"}, "colour"),
    ({"email": "a@b.c", "quotaLimits": [{"quotaUrl": "x", "quotaLimit": 1, "quotaType": 9}]},
     "quotaType"),
])
def test_bad_account_input_is_400_with_a_reason(client, body, needle) -> None:  # type: ignore[no-untyped-def]
    response = client.http.post("/__cjsim/accounts", json=body)
    assert response.status_code == 400
    assert needle in response.get_json()["error"]


def test_duplicate_email_is_400(client) -> None:  # type: ignore[no-untyped-def]
    client.http.post("/__cjsim/accounts", json={"email": "a@b.c"})
    response = client.http.post("/__cjsim/accounts", json={"email": "A@b.c"})
    assert response.status_code == 400 and "exists" in response.get_json()["error"]


def test_patch_unknown_account_is_404_and_bad_patch_is_400(client, account) -> None:  # type: ignore[no-untyped-def]
    assert client.http.patch("/__cjsim/accounts/999", json={"level": 1}).status_code == 404
    bad = client.http.patch(f"/__cjsim/accounts/{account.open_id}", json={"email": "x@y.z"})
    assert bad.status_code == 400 and "email" in bad.get_json()["error"]
    assert client.http.get("/__cjsim/accounts/abc").status_code == 400


def test_journal_shape_order_and_limit(logged_in, sim) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        logged_in.get("setting/get")
        sim.clock.advance(1)
    logged_in.get("nope/nope")
    entries = logged_in.http.get("/__cjsim/journal?limit=2").get_json()["entries"]
    assert len(entries) == 2
    last = entries[-1]
    for key in ("id", "time", "method", "path", "openId", "code", "status"):
        assert key in last
    assert last["path"] == "/api2.0/v1/nope/nope" and last["code"] == 1600101
    assert last["openId"] is None
    assert entries[0]["path"] == "/api2.0/v1/setting/get"
    assert entries[0]["openId"] is not None and entries[0]["id"] < last["id"]
    assert entries[0]["time"] == "2026-01-05T10:00:03+08:00"
    assert logged_in.http.get("/__cjsim/journal?limit=x").status_code == 400


def test_journal_is_a_bounded_ring(client) -> None:  # type: ignore[no-untyped-def]
    from cjsim import Simulator

    small = Simulator(clock="frozen", start="2026-01-05T10:00:00+08:00", journal_size=5)
    http = small.app.test_client()
    for _ in range(12):
        http.get("/api2.0/v1/nope")
    entries = small.journal()
    assert len(entries) == 5 and entries[-1]["id"] == 12 and entries[0]["id"] == 8


def test_journal_never_holds_secrets(client, account, sim) -> None:  # type: ignore[no-untyped-def]
    data = client.login(account.api_key)
    client.get("setting/get")
    text = client.http.get("/__cjsim/journal").get_data(as_text=True)
    assert account.api_key not in text and data["accessToken"] not in text


def test_reset_via_control_api(client, account, sim) -> None:  # type: ignore[no-untyped-def]
    client.login(account.api_key)
    assert client.http.post("/__cjsim/reset").status_code == 200
    assert sim.journal() == [] and sim.accounts.all() == []


@pytest.mark.parametrize("body", [{}, {"path": "/api2.0/v1/nope"}, {"path": "setting/get",
                                                                      "offline": "yes"}])
def test_offline_switch_rejects_bad_input(client, body) -> None:  # type: ignore[no-untyped-def]
    response = client.http.post("/__cjsim/interfaces/offline", json=body)
    assert response.status_code == 400 and response.get_json()["error"]


def test_interfaces_lists_the_route_table(client) -> None:  # type: ignore[no-untyped-def]
    rows = client.http.get("/__cjsim/interfaces").get_json()["interfaces"]
    paths = {r["path"] for r in rows}
    assert "/api2.0/v1/authentication/getAccessToken" in paths
    assert all(r["offline"] is False for r in rows)


def test_unknown_control_path_is_json_404(client) -> None:  # type: ignore[no-untyped-def]
    response = client.http.get("/__cjsim/nothing")
    assert response.status_code == 404 and "error" in response.get_json()
