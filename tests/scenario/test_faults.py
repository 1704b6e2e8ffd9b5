"""Every match key and every action of a fault, the timeline, the control API, reset, shared
state and determinism. Resets are also checked over real sockets: the in-process server and
``cjsim serve``."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import requests

from cjsim import Simulator
from cjsim.scenario.answers import RESET_MESSAGE
from cjsim.scenario.engine import roll
from cjsim.server import BackgroundServer
from tests.scenario.conftest import PREFIX, START, Driver, SimFactory, scenario

BUSY = {"code": 1600000}


def driver(sim: Simulator, email: str | None = None) -> Driver:
    d = Driver(sim, email)
    d.login()
    return d


def fired(sim: Simulator) -> list[int]:
    return [f["fired"] for f in sim.faults.describe()["faults"]]


# -- match ---------------------------------------------------------------------------------------
def test_exact_path_matches_only_that_interface(make: SimFactory) -> None:
    d = driver(make(scenario(
        {"match": {"path": "/api2.0/v1/product/list"}, "action": BUSY})))
    assert [d.code("product/list"), d.code("setting/get"), d.code("product/listV2")] == [1600000, 200, 200]


def test_glob_path_matches_a_family(make: SimFactory) -> None:
    d = driver(make(scenario({"match": {"path": "product/*"}, "action": BUSY})))
    assert [d.code("product/list"), d.code("product/getCategory"), d.code("setting/get")] == [
        1600000, 1600000, 200]


def test_method_filter(make: SimFactory) -> None:
    sim = make(scenario({"match": {"method": ["post"], "path": "webhook/set"}, "action": BUSY}))
    d = driver(sim)
    assert d.code("webhook/set") == 1600300  # GET: the wrong method, not the faulted call
    assert d.post("webhook/set", {"order": {"type": "CANCEL", "callbackUrls": []}})["code"] == 1600000


def test_account_filter_by_email_and_by_open_id(make: SimFactory) -> None:
    doc = scenario({"match": {"account": "B@example.com"}, "action": BUSY},
                   accounts=[{"email": "a@example.com", "level": "advanced", "verified": True},
                             {"email": "b@example.com", "level": "advanced", "verified": True,
                              "openId": 777}])
    doc["faults"].append({"match": {"account": 777, "path": "setting/get"}, "action": {"code": 1600300}})
    sim = make(doc)
    a, b = driver(sim, "a@example.com"), driver(sim, "b@example.com")
    assert [a.code("product/list"), b.code("product/list"), b.code("setting/get")] == [200, 1600000, 1600300]
    no_token = sim.app.test_client().get(PREFIX + "product/list").get_json()
    assert no_token["code"] == 1600002  # a call without a valid token is nobody's: not matched


def test_calls_every_and_after_count_the_matching_calls(make: SimFactory) -> None:
    sim = make(scenario({"match": {"path": "product/list", "calls": [2, 4]}, "action": BUSY},
                        {"match": {"path": "product/listV2", "every": 3}, "action": BUSY},
                        {"match": {"path": "setting/get", "after": 2}, "action": BUSY}))
    d = driver(sim)
    assert [d.code("product/list") for _ in range(5)] == [200, 1600000, 200, 1600000, 200]
    assert [d.code("product/listV2") for _ in range(6)] == [200, 200, 1600000, 200, 200, 1600000]
    assert [d.code("setting/get") for _ in range(4)] == [200, 200, 1600000, 1600000]
    assert [(f["calls"], f["fired"]) for f in sim.faults.describe()["faults"]] == [(5, 2), (6, 2), (4, 2)]


def test_other_calls_do_not_move_a_faults_call_count(make: SimFactory) -> None:
    d = driver(make(scenario({"match": {"path": "product/list", "calls": [2]}, "action": BUSY})))
    assert [d.code("product/list"), d.code("setting/get"), d.code("setting/get"), d.code("product/list")] == [
        200, 200, 200, 1600000]


def test_between_absolute_and_relative(make: SimFactory) -> None:
    sim = make(scenario(
        {"match": {"path": "product/list", "between": ["2026-01-05T10:01:00+08:00", "+1m"]}, "action": BUSY},
        {"match": {"path": "setting/get", "between": ["+5m", "2026-01-05T10:06:00+08:00"]}, "action": BUSY}))
    d = driver(sim)
    sim.clock.set("2026-01-05T10:00:58+08:00")
    assert d.code() == 200  # 10:00:59
    assert d.code() == 1600000  # 10:01:00, the range starts
    sim.clock.set("2026-01-05T10:01:58+08:00")
    assert d.code() == 1600000  # 10:01:59, still inside
    assert d.code() == 200  # 10:02:00: the end is exclusive
    sim.clock.set("2026-01-05T10:04:59+08:00")
    assert [d.code("setting/get"), d.code("setting/get")] == [1600000, 1600000]  # 10:05:00, 10:05:01
    sim.clock.set("2026-01-05T10:05:59+08:00")
    assert d.code("setting/get") == 200  # 10:06:00 is the end


def test_probability_is_seeded_and_reproducible(make: SimFactory) -> None:
    def run(seed: int) -> list[int]:
        sim = make(scenario({"match": {"path": "setting/get", "probability": 0.3}, "action": BUSY}, seed=seed))
        d = driver(sim)
        return [d.code("setting/get") for _ in range(60)]

    first, again, other = run(11), run(11), run(12)
    assert first == again
    assert first != other
    failures = first.count(1600000)
    assert 8 <= failures <= 30  # about 30 % of 60
    expected = [1600000 if roll(11, 0, n) < 0.3 else 200 for n in range(1, 61)]
    assert first == expected


# -- actions -------------------------------------------------------------------------------------
def test_code_answers_http_200_with_the_catalogue_message_or_an_override(make: SimFactory) -> None:
    sim = make(scenario({"match": {"path": "product/list", "calls": [1]}, "action": BUSY},
                        {"match": {"path": "product/list", "calls": [2]},
                         "action": {"code": 1600000, "message": "Busy, busy", "http_status": 503}}))
    d = driver(sim)
    one = d.open("GET", "product/list", advance=1)
    two = d.open("GET", "product/list", advance=1)
    assert (one.status_code, one.get_json()["message"], one.get_json()["success"]) == (200, "System busy", False)
    assert (two.status_code, two.get_json()["message"]) == (503, "Busy, busy")
    entry = sim.journal()[-1]
    assert (entry["code"], entry["status"], entry["fault"], entry["reason"]) == (1600000, 503, [1], "fault:code")


def test_an_injected_code_counts_toward_the_daily_limit(make: SimFactory) -> None:
    sim = make(scenario({"match": {"path": "product/list", "calls": [2]}, "action": BUSY},
                        accounts=[{"email": "dev@example.com", "level": "advanced", "verified": False}],
                        limits={"daily_limit": 3}))
    d = driver(sim)
    answers = [d.get("product/list") for _ in range(4)]
    assert [a["code"] for a in answers] == [200, 1600000, 200, 1600200]
    assert "Number of requests made: 3" in answers[3]["message"]


def test_raw_body_with_content_type_empty_body_and_bare_status(make: SimFactory) -> None:
    sim = make(scenario(
        {"match": {"path": "product/list", "calls": [1]},
         "action": {"http_status": 502, "content_type": "text/html", "body": "<html>502</html>"}},
        {"match": {"path": "product/list", "calls": [2]}, "action": {"body": ""}},
        {"match": {"path": "product/list", "calls": [3]}, "action": {"http_status": 504}}))
    d = driver(sim)
    html = d.open("GET", "product/list", advance=1)
    assert (html.status_code, html.headers["Content-Type"], html.data) == (502, "text/html", b"<html>502</html>")
    empty = d.open("GET", "product/list", advance=1)
    assert (empty.status_code, empty.data, empty.headers["Content-Type"]) == (
        200, b"", "application/json; charset=utf-8")
    bare = d.open("GET", "product/list", advance=1)
    assert (bare.status_code, bare.data) == (504, b"")
    assert [(e["code"], e["status"]) for e in sim.journal()[-3:]] == [(None, 502), (None, 200), (None, 504)]
    assert fired(sim) == [1, 1, 1]


def test_delay_is_wall_time_and_leaves_a_frozen_clock_alone(make: SimFactory) -> None:
    sim = make(scenario({"match": {"path": "setting/get"}, "action": {"delay_ms": 150}}))
    d = driver(sim)
    before = sim.clock.now_us()
    started = time.monotonic()
    assert d.code("setting/get", advance=0) == 200
    assert time.monotonic() - started >= 0.15
    assert sim.clock.now_us() == before


def test_reset_in_process_raises_connection_reset(make: SimFactory) -> None:
    sim = make(scenario({"match": {"path": "product/list", "calls": [1]}, "action": {"reset_connection": True}}))
    d = driver(sim)
    with pytest.raises(ConnectionResetError, match="reset_connection"):
        d.open("GET", "product/list", advance=1)
    assert d.code() == 200
    entry = sim.journal()[-2]
    assert (entry["code"], entry["status"], entry["reason"]) == (None, 0, "fault:reset-connection")


def _login(base: str, api_key: str, session: requests.Session) -> str:
    answer = session.post(f"{base}/authentication/getAccessToken", json={"apiKey": api_key}, timeout=5).json()
    assert answer["code"] == 200, answer
    return str(answer["data"]["accessToken"])


def test_reset_over_a_real_socket_is_an_rst_and_the_server_lives_on(make: SimFactory) -> None:
    sim = make(scenario({"match": {"path": "product/list", "calls": [1]}, "action": {"reset_connection": True}}))
    with BackgroundServer(sim.app) as server:
        session = requests.Session()
        token = _login(server.base_url, sim.seeded_keys[sim.accounts.all()[0].open_id], session)
        sim.clock.advance(1)
        with pytest.raises(requests.ConnectionError) as info:
            session.get(server.url("product/list"), headers={"CJ-Access-Token": token}, timeout=5)
        assert "Connection reset by peer" in str(info.value) or "ECONNRESET" in str(info.value)
        sim.clock.advance(1)
        again = session.get(server.url("product/list"), headers={"CJ-Access-Token": token}, timeout=5)
        assert again.json()["code"] == 200


def test_truncated_body_in_process_and_over_a_socket(make: SimFactory) -> None:
    sim = make(scenario({"match": {"path": "product/list", "calls": [1, 2]}, "action": {"truncate_body": 30}}))
    d = driver(sim)
    cut = d.open("GET", "product/list", advance=1)
    assert len(cut.data) == 30 and int(cut.headers["Content-Length"]) > 30
    assert cut.data.startswith(b'{"code":200,')
    with BackgroundServer(sim.app) as server:
        sim.clock.advance(1)
        with pytest.raises(requests.exceptions.ChunkedEncodingError):
            requests.get(server.url("product/list"), headers={"CJ-Access-Token": d.token}, timeout=5)
    assert d.code() == 200
    assert fired(sim) == [2]


def test_truncate_true_cuts_half_and_applies_to_injected_errors_too(make: SimFactory) -> None:
    sim = make(scenario({"match": {"path": "product/list", "calls": [1]},
                         "action": {"code": 1600000, "truncate_body": True}}))
    d = driver(sim)
    cut = d.open("GET", "product/list", advance=1)
    assert len(cut.data) == int(cut.headers["Content-Length"]) // 2
    assert cut.data.startswith(b'{"code":1600000')


def test_revoke_tokens_kills_the_callers_tokens_before_the_call(make: SimFactory) -> None:
    doc = scenario({"match": {"path": "setting/get", "account": "dev@example.com", "calls": [1]},
                    "action": {"revoke_tokens": True}},
                   accounts=[{"email": "dev@example.com", "level": "advanced", "verified": True},
                             {"email": "other@example.com", "level": "advanced", "verified": True}])
    sim = make(doc)
    dev, other = driver(sim, "dev@example.com"), driver(sim, "other@example.com")
    assert dev.code("setting/get") == 1600001
    assert other.code("setting/get") == 200  # only the caller's tokens
    dev.sim.clock.advance(300)
    dev.login()
    assert dev.code("setting/get") == 200


def test_offline_for_a_duration_then_back(make: SimFactory) -> None:
    sim = make(scenario({"match": {"path": "product/list", "calls": [2]}, "action": {"offline": "+10m"}}))
    d = driver(sim)
    assert [d.code(), d.code(), d.code(), d.code("setting/get")] == [200, 1600100, 1600100, 200]
    assert any(i["path"].endswith("product/list") and i["offline"]
               for i in sim.app.test_client().get("/__cjsim/interfaces").get_json()["interfaces"])
    sim.clock.advance(600)
    assert d.code() == 200
    assert fired(sim) == [1]  # only the call that took it offline; the rest is the interface's state


def test_offline_true_lasts_until_the_end_of_between(make: SimFactory) -> None:
    # the end of a range, when relative, counts from its start: 10:01 to 10:02
    sim = make(scenario({"match": {"path": "product/list", "between": ["+1m", "+1m"]}, "action": {"offline": True}}))
    d = driver(sim)
    sim.clock.set("2026-01-05T10:01:00+08:00")
    assert d.code(advance=0) == 1600100
    sim.clock.set("2026-01-05T10:01:59+08:00")
    assert d.code(advance=0) == 1600100
    sim.clock.set("2026-01-05T10:02:00+08:00")
    assert d.code(advance=0) == 200


def test_false_negative_creates_the_order_and_answers_1603000(make: SimFactory) -> None:
    from tests.shop import DEMO_SKU, order_body

    sim = make(scenario({"match": {"path": "shopping/order/createOrderV2", "calls": [1]},
                         "action": {"false_negative": True}}))
    d = driver(sim)
    vid = d.get("product/query", productSku=DEMO_SKU)["data"]["variants"][0]["vid"]
    body = order_body(vid)
    first = d.post("shopping/order/createOrderV2", body)
    assert (first["code"], first["message"], first["data"]) == (1603000, "Order create fail", None)
    found = d.get("shopping/order/getOrderDetail", orderId=body["orderNumber"])
    assert found["code"] == 200 and found["data"]["orderNum"] == body["orderNumber"]
    retry = d.post("shopping/order/createOrderV2", body)
    assert retry["code"] == 1603000  # the same orderNumber: refused, no duplicate
    listed = d.get("shopping/order/list")["data"]["list"]
    assert [o["orderNum"] for o in listed].count(body["orderNumber"]) == 1


def test_matching_faults_merge_later_ones_override(make: SimFactory) -> None:
    sim = make(scenario({"match": {"path": "product/list"}, "action": {"delay_ms": 50, "code": 1600300}},
                        {"match": {"path": "product/list", "calls": [2]}, "action": {"code": 1600000}}))
    d = driver(sim)
    assert [d.code(), d.code()] == [1600300, 1600000]
    assert fired(sim) == [2, 1]
    assert sim.journal()[-1]["fault"] == [0, 1]


def test_a_throttled_call_is_not_answered_by_a_code_fault(make: SimFactory) -> None:
    sim = make(scenario({"match": {"path": "setting/get", "calls": [2]}, "action": BUSY},
                        accounts=[{"email": "dev@example.com", "level": "free", "verified": True}]))
    d = driver(sim)
    assert [d.code("setting/get", advance=1), d.code("setting/get", advance=0)] == [200, 1600200]
    assert fired(sim) == [0]  # the limits answered first: the backend never saw call 2


# -- timeline -------------------------------------------------------------------------------------
def test_timeline_changes_accounts_interfaces_and_tokens_at_their_times(make: SimFactory) -> None:
    sim = make(scenario(timeline=[
        {"at": "+1m", "account": "dev@example.com", "level": "free", "verified": False, "balance": 1},
        {"at": "+2m", "offline": ["product/list"]},
        {"at": "+3m", "online": "product/list"},
        {"at": "+4m", "expire_tokens": True},
        {"at": "+5m", "revoke_tokens": True}]))
    d = driver(sim)
    http = sim.app.test_client()
    open_id = d.account.open_id
    sim.clock.set("2026-01-05T10:00:59+08:00")
    assert http.get(f"/__cjsim/accounts/{open_id}").get_json()["level"] == 4
    assert http.post("/__cjsim/clock", json={"advance": 1}).status_code == 200  # the control API moves it
    got = http.get(f"/__cjsim/accounts/{open_id}").get_json()
    assert (got["level"], got["verified"], got["balance"]) == (0, False, 1.0)
    sim.clock.set("2026-01-05T10:02:00+08:00")
    assert d.code(advance=0) == 1600100  # the request at exactly +2m sees it offline
    sim.clock.set("2026-01-05T10:03:00+08:00")
    assert d.code(advance=0) == 200
    sim.clock.set("2026-01-05T10:04:00+08:00")
    assert d.code("setting/get", advance=0) == 1600001  # expired
    refreshed = d.post("authentication/refreshAccessToken", {"refreshToken": d.refresh_token}, advance=1)
    assert refreshed["code"] == 200
    d.token = refreshed["data"]["accessToken"]
    assert d.code("setting/get") == 200
    sim.clock.set("2026-01-05T10:05:00+08:00")
    assert d.code("setting/get", advance=0) == 1600001  # revoked
    steps = sim.faults.describe()["timeline"]
    assert [s["applied"] for s in steps] == [True] * 5
    assert steps[0]["at"] == "2026-01-05T10:01:00+08:00"


def test_timeline_survives_a_clock_that_jumps_over_several_steps(make: SimFactory) -> None:
    sim = make(scenario(timeline=[{"at": "+1m", "offline": "product/list"},
                                  {"at": "+2m", "online": "product/list"},
                                  {"at": "+3m", "level": "plus"}]))
    d = driver(sim)
    sim.clock.advance(3600)
    assert d.code(advance=0) == 200
    assert sim.accounts.get(d.account.open_id).level == 2  # type: ignore[union-attr]


# -- control API -----------------------------------------------------------------------------------
def test_control_api_post_get_and_delete(make: SimFactory) -> None:
    sim = make(seed=3, clock="frozen", start=START, accounts=[{"email": "dev@example.com", "level": "advanced",
                                                               "verified": True}])
    http = sim.app.test_client()
    assert http.get("/__cjsim/scenario").get_json() == {"active": [], "faults": [], "timeline": []}
    posted = http.post("/__cjsim/scenario", json={"name": "system-busy-burst"})
    assert posted.status_code == 200 and posted.get_json()["active"] == ["system-busy-burst"]
    inline = {"name": "mine", "faults": [{"match": {"path": "setting/get", "calls": [1]}, "action": BUSY}]}
    state = http.post("/__cjsim/scenario", json=inline).get_json()
    assert state["active"] == ["system-busy-burst", "mine"]
    d = driver(sim, "dev@example.com")
    assert [d.code() for _ in range(4)] + [d.code("setting/get")] == [200, 200, 1600000, 1600000, 1600000]
    state = http.get("/__cjsim/scenario").get_json()
    assert [(f["index"], f["scenario"], f["fired"], f["calls"]) for f in state["faults"]] == [
        (0, "system-busy-burst", 2, 4), (1, "mine", 1, 1)]
    assert state["faults"][0]["match"] == {"path": "product/list", "calls": [3, 4, 5]}
    assert state["faults"][0]["action"] == {"code": 1600000}
    assert http.delete("/__cjsim/scenario").get_json() == {"active": [], "faults": [], "timeline": []}
    assert d.code("setting/get") == 200
    bad = http.post("/__cjsim/scenario", json={"name": "no-such"})
    assert bad.status_code == 400 and "no bundled scenario" in bad.get_json()["error"]
    assert http.post("/__cjsim/scenario", json={"name": 3}).status_code == 400


def test_a_posted_scenarios_relative_times_start_when_it_is_posted(make: SimFactory) -> None:
    sim = make(seed=3, clock="frozen", start=START, accounts=[{"email": "dev@example.com", "level": "advanced",
                                                               "verified": True}])
    sim.clock.advance(3600)
    http = sim.app.test_client()
    http.post("/__cjsim/scenario", json={"name": "later", "timeline": [{"at": "+1m", "level": "free"}]})
    step = http.get("/__cjsim/scenario").get_json()["timeline"][0]
    assert (step["at"], step["applied"]) == ("2026-01-05T11:01:00+08:00", False)


# -- lifecycle, shared state, determinism -------------------------------------------------------------
def test_reset_starts_the_scenario_over(make: SimFactory) -> None:
    sim = make("daily-quota-exhausted")
    d = driver(sim)
    assert [d.code() for _ in range(4)] == [200, 200, 200, 1600200]
    sim.app.test_client().post("/__cjsim/scenario", json={
        "name": "extra", "faults": [{"match": {"path": "setting/get", "calls": [1]}, "action": BUSY}]})
    sim.reset()
    d = driver(sim)
    assert sim.faults.describe()["active"] == ["daily-quota-exhausted", "extra"]
    assert [d.code() for _ in range(4)] == [200, 200, 200, 1600200]  # callsToday again
    assert d.code("setting/get") == 1600000  # counters start over
    assert str(sim.clock.snapshot()["now"]).startswith("2026-01-05T10:00:")


def test_two_simulators_on_one_store_share_fault_counters(make: SimFactory, tmp_path: Path) -> None:
    """Like two worker processes: calls 2 and 3 fail, whichever worker serves them."""
    store = f"sqlite:///{tmp_path}/shared.db"
    doc = scenario({"match": {"path": "setting/get", "calls": [2, 3]}, "action": BUSY})
    first, second = make(doc, store=store), make(doc, store=store)
    a = driver(first)
    b = Driver(second)
    b.token = a.token
    assert [a.code("setting/get"), b.code("setting/get"), a.code("setting/get"), b.code("setting/get")] == [
        200, 1600000, 1600000, 200]
    assert fired(first) == fired(second) == [2]
    second.app.test_client().post("/__cjsim/scenario", json={
        "name": "posted-to-one", "faults": [{"match": {"path": "product/list"}, "action": {"code": 1600300}}]})
    assert a.code("product/list") == 1600300  # the other "worker" sees the new layer


def replay(sim: Simulator) -> list[tuple[Any, ...]]:
    d = driver(sim)
    for i in range(40):
        path = ("product/list", "product/getCategory", "setting/get")[i % 3]
        d.open("GET", path, advance=0.25 if i % 2 else 0.5)
    return [(e["time"], e["method"], e["path"], e["code"], e["status"], e.get("fault")) for e in sim.journal()]


def test_the_same_scenario_and_seed_give_the_same_journal(make: SimFactory) -> None:
    doc = scenario({"match": {"path": "product/*", "probability": 0.2}, "action": BUSY},
                   {"match": {"path": "setting/get", "every": 4}, "action": {"http_status": 502, "body": "x"}},
                   timeline=[{"at": "+5s", "level": "free"}, {"at": "+9s", "level": "prime"}], seed=99)
    first, second = replay(make(doc)), replay(make(doc))
    assert first == second
    assert {c for *_, c, _s, _f in first} >= {200, 1600000, None, 1600200}
    assert replay(make({**doc, "seed": 100})) != first


# -- cjsim serve ---------------------------------------------------------------------------------------
def test_cjsim_serve_resets_the_connection(served: Any) -> None:
    info = served("--scenario", "connection-reset")
    session = requests.Session()
    token = _login(info["base"], info["api_key"], session)
    headers = {"CJ-Access-Token": token}
    assert session.get(f"{info['base']}/product/list", headers=headers, timeout=5).json()["code"] == 200
    with pytest.raises(requests.ConnectionError, match="reset"):
        session.get(f"{info['base']}/product/list", headers=headers, timeout=5)
    assert session.get(f"{info['base']}/product/list", headers=headers, timeout=5).json()["code"] == 200
    state = requests.get(f"{info['root']}/__cjsim/scenario", timeout=5).json()
    assert state["active"] == ["connection-reset"] and state["faults"][0]["fired"] == 1
    assert RESET_MESSAGE  # the in-process twin of this reset


def test_serve_takes_several_scenarios_later_ones_override(served: Any) -> None:
    info = served("--scenario", "free-level-qps", "--scenario", "throttle-as-http-429")
    assert info["scenarios"] == "free-level-qps, throttle-as-http-429"
    session = requests.Session()
    token = _login(info["base"], info["api_key"], session)
    requests.post(f"{info['root']}/__cjsim/clock", json={"advance": 1}, timeout=5)
    headers = {"CJ-Access-Token": token}
    first = session.get(f"{info['base']}/setting/get", headers=headers, timeout=5)
    second = session.get(f"{info['base']}/setting/get", headers=headers, timeout=5)
    assert (first.status_code, second.status_code, second.json()["code"]) == (200, 429, 1600200)
