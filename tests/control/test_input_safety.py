"""The control API refuses bad input with 400 ``{"error"}`` and changes nothing.

Regression tests of the security issue: files read through ``POST /__cjsim/scenario``,
clock moves that were stored although they answered 500, values that answered 500 (NaN,
huge or non-ASCII numbers, deep JSON), and the small ones (set+freeze, -0.00, ß, ٣).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cjsim import Simulator

START = "2026-01-05T10:00:00+08:00"


def make(**options: Any) -> Simulator:
    return Simulator(seed=3, clock="frozen", start=START, **options)


def state(sim: Simulator) -> tuple[Any, ...]:
    http = sim.app.test_client()
    return (http.get("/__cjsim/clock").get_json(), http.get("/__cjsim/accounts").get_json(),
            http.get("/__cjsim/scenario").get_json())


# -- 1: no file comes back through the scenario route ------------------------------------------
def test_a_path_sent_as_a_scenario_name_is_never_opened(tmp_path: Path) -> None:
    secret = tmp_path / "id_rsa"
    lines = [f"SECRETLINE{i}-{'x' * 50}" for i in range(20)]
    secret.write_text("-----BEGIN OPENSSH PRIVATE KEY-----\n" + "\n".join(lines) + "\n")
    (tmp_path / "mine.yaml").write_text("name: mine\nfaults: []\n")
    sim = make()
    http = sim.app.test_client()
    for name in (str(secret), str(tmp_path / "mine.yaml"), "/etc/passwd", "../../etc/passwd"):
        response = http.post("/__cjsim/scenario", json={"name": name})
        assert response.status_code == 400, name
        assert "no bundled scenario" in response.get_json()["error"]
        assert b"SECRETLINE" not in response.data and b"root:" not in response.data
    assert http.get("/__cjsim/scenario").get_json()["active"] == []
    # a bundled name, with or without its extension, still works
    assert http.post("/__cjsim/scenario", json={"name": "system-busy-burst.yaml"}).status_code == 200


def test_an_inline_document_is_quoted_by_a_short_excerpt_only() -> None:
    sim = make()
    http = sim.app.test_client()
    secret = "TOPSECRET" + "y" * 3000
    for doc in ({"name": "x", "faults": secret}, {"name": "x", "description": 1, "seed": secret},
                {"name": secret}, {"name": "x", "faults": [{"match": {"path": secret}, "action": {"code": 1}}]}):
        response = http.post("/__cjsim/scenario", json=doc)
        assert response.status_code == 400
        error = response.get_json()["error"]
        assert "TOPSECRET" not in error or error.count("y") < 100, error[:200]
        assert len(error) < 800


# -- 6: a bad clock move is refused before it is stored --------------------------------------
@pytest.mark.parametrize("body", [{"advance": 1e18}, {"advance": 10**30}, {"advance": "+99999999d"},
                                  {"set": "9999-12-31T23:59:59+00:00"}, {"advance": float("inf")},
                                  {"set": "1969-12-31T00:00:00+00:00", "backwards": True}])
def test_a_clock_move_out_of_range_is_400_and_stores_nothing(body: dict[str, Any]) -> None:
    sim = make()
    http = sim.app.test_client()
    before = state(sim)
    response = http.post("/__cjsim/clock", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 400 and "range" in response.get_json()["error"]
    assert state(sim) == before
    assert http.get("/__cjsim/clock").status_code == 200


def test_at_the_latest_instant_cj_calls_still_answer() -> None:
    sim = make(accounts=[{"email": "a@b.c", "api_key": "CJ1@api@latest"}])
    http = sim.app.test_client()
    assert http.post("/__cjsim/clock", json={"set": "9000-01-01T00:00:00+00:00"}).status_code == 200
    assert http.post("/__cjsim/clock", json={"advance": "1ms"}).status_code == 400
    answer = http.post("/api2.0/v1/authentication/getAccessToken", json={"apiKey": "CJ1@api@latest"})
    assert answer.status_code == 200 and answer.get_json()["code"] == 200


def test_a_timeline_step_past_year_9999_is_refused_and_nothing_changes() -> None:
    sim = make()
    http = sim.app.test_client()
    before = state(sim)
    doc = {"name": "far", "timeline": [{"at": "+3000000d", "offline": "product/list"}]}
    response = http.post("/__cjsim/scenario", json=doc)
    assert response.status_code == 400 and "timeline[0].at" in response.get_json()["error"]
    assert state(sim) == before
    assert http.get("/__cjsim/scenario").status_code == 200
    with pytest.raises(ValueError, match="timeline"):
        make(scenario=doc)


# -- the clock does not go backwards by accident; durations ---------------------------------
def test_the_clock_goes_backwards_only_when_asked() -> None:
    sim = make()
    http = sim.app.test_client()
    for body in ({"advance": -5}, {"advance": "-5m"}, {"set": "2026-01-05T09:00:00+08:00"}):
        response = http.post("/__cjsim/clock", json=body)
        assert response.status_code == 400 and "backwards" in response.get_json()["error"]
        assert sim.clock.now().isoformat() == START
    moved = http.post("/__cjsim/clock", json={"advance": "-5m", "backwards": True})
    assert moved.status_code == 200 and moved.get_json()["now"] == "2026-01-05T09:55:00+08:00"
    moved = http.post("/__cjsim/clock", json={"set": START, "backwards": "yes"})
    assert moved.status_code == 400 and "backwards" in moved.get_json()["error"]


@pytest.mark.parametrize("advance, now", [("5m", "10:05:00"), ("+1h30m", "11:30:00"), ("500ms", "10:00:00.500000"),
                                          (90, "10:01:30")])
def test_advance_takes_the_timeline_duration_syntax(advance: Any, now: str) -> None:
    sim = make()
    response = sim.app.test_client().post("/__cjsim/clock", json={"advance": advance})
    assert response.status_code == 200
    assert response.get_json()["now"] == f"2026-01-05T{now}+08:00"


@pytest.mark.parametrize("advance", ["5 minutes", "5", "٣m", "1_0s", "5m-", ""])
def test_a_bad_duration_is_400(advance: str) -> None:
    response = make().app.test_client().post("/__cjsim/clock", json={"advance": advance})
    assert response.status_code == 400 and "duration" in response.get_json()["error"]


def test_set_and_freeze_on_a_running_clock_freezes_exactly_at_the_instant() -> None:
    sim = Simulator(seed=3, clock="system")
    response = sim.app.test_client().post("/__cjsim/clock", json={"set": "2030-01-01T00:00:00.000001+00:00",
                                                                  "freeze": True})
    assert response.status_code == 200
    assert sim.clock.frozen and sim.clock.now_us() == 1_893_456_000_000_001


# -- 12: bad input is 400, never 500 -------------------------------------------------------------
@pytest.mark.parametrize("body, needle", [
    ({"email": "a@b.c", "balance": "NaN"}, "balance"),
    ({"email": "a@b.c", "balance": float("nan")}, "balance"),
    ({"email": "a@b.c", "balance": "1_000"}, "balance"),
    ({"email": "a@b.c", "balance": "٣"}, "balance"),
    ({"email": "a@b.c", "balance": "1e999999"}, "balance"),
    ({"email": "a@b.c", "level": "٣"}, "level"),
    ({"email": "a@b.c", "level": "５"}, "level"),
    ({"email": "a@b.c", "quotaLimits": [{"quotaUrl": "product/list", "quotaLimit": 2**64, "quotaType": 0}]},
     "range"),
    ({"email": "a@b.c", "name": "x", "extra": {"n": -(2**64)}}, "range"),
])
def test_bad_account_values_are_400_and_create_nothing(body: dict[str, Any], needle: str) -> None:
    sim = make()
    before = state(sim)
    response = sim.app.test_client().post("/__cjsim/accounts", data=json.dumps(body),
                                          content_type="application/json")
    assert response.status_code == 400 and needle in response.get_json()["error"]
    assert state(sim) == before


@pytest.mark.parametrize("open_id", ["1" * 5000, "²", "٣", "1_0", "-1"])
def test_a_bad_open_id_is_400(open_id: str) -> None:
    sim = make(accounts=[{"email": "a@b.c"}])
    http = sim.app.test_client()
    before = state(sim)
    for method in ("get", "patch"):
        response = getattr(http, method)(f"/__cjsim/accounts/{open_id}", json={"level": 2})
        assert response.status_code == 400 and "openId" in response.get_json()["error"]
    assert state(sim) == before


@pytest.mark.parametrize("route", ["/__cjsim/accounts", "/__cjsim/clock", "/__cjsim/scenario",
                                   "/__cjsim/interfaces/offline"])
def test_deeply_nested_json_is_400(route: str) -> None:
    sim = make()
    http = sim.app.test_client()
    for depth in (100_000, 200):
        body = "[" * depth + "]" * depth
        response = http.post(route, data='{"a": ' + body + "}", content_type="application/json")
        assert response.status_code == 400 and "nested" in response.get_json()["error"]


@pytest.mark.parametrize("doc", [{"name": "x", "seed": 2**64}, {"name": "x", "catalog_seed": 2**70},
                                 {"name": "x", "accounts": [{"email": "a@b.c", "callsToday": {"product/list": 2**64}}]},
                                 {"name": "x", "limits": {"daily_limit": 2**64}}])
def test_huge_integers_in_a_scenario_are_400_and_change_nothing(doc: dict[str, Any]) -> None:
    sim = make()
    before = state(sim)
    response = sim.app.test_client().post("/__cjsim/scenario", json=doc)
    assert response.status_code == 400 and "range" in response.get_json()["error"]
    assert state(sim) == before


@pytest.mark.parametrize("query", ["limit=٣", "limit=1_0", "since=" + "9" * 5000, "limit=-1"])
def test_bad_integer_query_arguments_are_400(query: str) -> None:
    response = make().app.test_client().get(f"/__cjsim/journal?{query}")
    assert response.status_code == 400


# -- 16: the small ones ----------------------------------------------------------------------------
@pytest.mark.parametrize("balance", ["-0", -0.0, "-0.00", "-0.001"])
def test_a_zero_balance_never_shows_minus(balance: Any) -> None:
    sim = make(accounts=[{"email": "a@b.c"}])
    http = sim.app.test_client()
    created = http.post("/__cjsim/accounts", json={"email": "z@b.c", "balance": balance})
    assert created.status_code == 201 and b'"balance":0.00' in created.data
    patched = http.patch(f"/__cjsim/accounts/{created.get_json()['openId']}", json={"balance": balance})
    assert b'"balance":0.00' in patched.data and b"-0" not in patched.data
