"""Golden tests of the seed's access limits on a frozen clock (docs/rules.md, "Limits").

Each would fail if a number, a window, a scope or a message were wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from cjsim import Simulator
from tests.conftest import Client

SETTING = "setting/get"
BALANCE = "shopping/pay/getBalance"
QPS_1 = "Too Many Requests, QPS limit is 1 time/1second"
DAILY_1000 = ("Too Many Requests, Sorry, you have reached the daily request limit (1000 times/day)."
              " Number of requests made: 1000. Please try again tomorrow.")


def code(response: Any) -> int:
    return response.get_json()["code"]  # type: ignore[no-any-return]


@pytest.fixture
def make(make_sim: Callable[..., Simulator]) -> Callable[..., tuple[Simulator, Client]]:
    """A simulator on the store under test, and a client of it."""

    def factory(**options: Any) -> tuple[Simulator, Client]:
        sim = make_sim(seed=3, trust_ip_header=True, **options)
        return sim, Client(sim)

    return factory


def logged(sim: Simulator, client: Client, level: str = "free", verified: bool = False,
           ip: str = "10.0.0.1", **extra: Any) -> Client:
    account = sim.account(level=level, verified=verified, **extra)
    own = Client(sim)
    own.login(account.api_key, ip=ip)
    own.account = account  # type: ignore[attr-defined]
    sim.clock.advance(1)
    return own


# -- R4: level QPS, per account, all interfaces together ------------------------------------

def test_free_second_call_in_same_second_is_throttled_http_200(client, sim) -> None:  # type: ignore[no-untyped-def]
    me = logged(sim, client)
    assert code(me.get(SETTING)) == 200
    second = me.get(SETTING)
    body = second.get_json()
    assert second.status_code == 200
    assert (body["code"], body["message"]) == (1600200, QPS_1)
    assert body["success"] is False and body["data"] is None


def test_free_window_edges_are_exact_to_the_microsecond(client, sim) -> None:  # type: ignore[no-untyped-def]
    me = logged(sim, client)
    assert code(me.get(SETTING)) == 200
    sim.clock.advance(0.999999)
    assert code(me.get(SETTING)) == 1600200
    sim.clock.advance(0.000001)
    assert code(me.get(SETTING)) == 200


def test_two_different_interfaces_share_the_account_qps(client, sim) -> None:  # type: ignore[no-untyped-def]
    me = logged(sim, client)
    assert code(me.get(SETTING)) == 200
    response = me.get(BALANCE)
    assert code(response) == 1600200
    assert sim.journal()[-1]["rule"] == "R4"


@pytest.mark.parametrize("level, qps", [("free", 1), (0, 1), (1, 1), ("plus", 2), (2, 2),
                                        ("prime", 3 + 1), (3, 4), ("advanced", 6), (4, 6), (5, 6)])
def test_each_level_gets_exactly_its_qps(client, sim, level: Any, qps: int) -> None:  # type: ignore[no-untyped-def]
    me = logged(sim, client, level=level)
    codes = [code(me.get(SETTING)) for _ in range(qps + 2)]
    assert codes == [200] * qps + [1600200, 1600200]
    assert sim.journal()[-1]["rule"] == "R4"
    last = me.get(SETTING).get_json()
    assert last["message"] == f"Too Many Requests, QPS limit is {qps} time/1second"


def test_setting_get_reports_the_effective_qps(client, sim) -> None:  # type: ignore[no-untyped-def]
    me = logged(sim, client, level="prime")
    assert me.get(SETTING).get_json()["data"]["setting"]["qpsLimit"] == 4


def test_level_change_applies_at_once(client, sim) -> None:  # type: ignore[no-untyped-def]
    me = logged(sim, client, level="free")
    open_id = me.account.open_id  # type: ignore[attr-defined]
    assert code(me.get(SETTING)) == 200
    assert code(me.get(SETTING)) == 1600200
    patched = client.http.patch(f"/__cjsim/accounts/{open_id}", json={"level": "advanced"})
    assert patched.status_code == 200
    assert [code(me.get(SETTING)) for _ in range(5)] == [200] * 5
    assert code(me.get(SETTING)) == 1600200
    sim.clock.advance(1)
    assert me.get(SETTING).get_json()["data"]["setting"]["qpsLimit"] == 6


def test_a_rejected_request_changes_no_counter(client, sim) -> None:  # type: ignore[no-untyped-def]
    me = logged(sim, client, level="free")
    assert code(me.get(SETTING)) == 200
    for _ in range(5):
        sim.clock.advance(0.1)
        assert code(me.get(SETTING)) == 1600200
    sim.clock.advance(0.5)  # exactly 1 s after the accepted call
    assert code(me.get(SETTING)) == 200
    usage = client.http.get(f"/__cjsim/accounts/{me.account.open_id}").get_json()["usage"]  # type: ignore[attr-defined]
    assert usage["daily"] == [{"path": "/api2.0/v1/setting/get", "rule": "R5", "count": 2,
                               "limit": 1000, "remaining": 998}]


# -- R3: login interfaces --------------------------------------------------------------------

def test_get_access_token_once_per_300_seconds_http_429(client, sim) -> None:  # type: ignore[no-untyped-def]
    account = sim.account(level="advanced")
    login = {"apiKey": account.api_key}
    assert code(client.post("authentication/getAccessToken", json=login)) == 200
    sim.clock.advance(100)
    rejected = client.post("authentication/getAccessToken", json=login)
    body = rejected.get_json()
    assert rejected.status_code == 429
    assert (body["code"], body["message"]) == (
        1600200, "Too much request, QPS limit is 1 time/300 seconds")
    sim.clock.advance(199.999999)  # 299.999999 s after the accepted call: the rejected
    assert code(client.post("authentication/getAccessToken", json=login)) == 1600200  # one did
    sim.clock.advance(0.000001)  # not move the mark
    assert code(client.post("authentication/getAccessToken", json=login)) == 200
    assert [v["rule"] for v in sim.violations()] == ["R3a", "R3a"]


def test_get_access_token_limit_is_per_account_whatever_the_body_form(client, sim) -> None:  # type: ignore[no-untyped-def]
    one, two = sim.account(), sim.account()
    assert code(client.post("authentication/getAccessToken", json={"apiKey": one.api_key})) == 200
    assert code(client.post("authentication/getAccessToken",
                            json={"email": one.email, "password": one.api_key})) == 1600200
    assert code(client.post("authentication/getAccessToken", json={"apiKey": two.api_key})) == 200


def test_refresh_five_per_minute_sixth_rejected(client, sim) -> None:  # type: ignore[no-untyped-def]
    account = sim.account()
    data = client.login(account.api_key)
    refresh = data["refreshToken"]
    for _ in range(5):
        sim.clock.advance(10)
        answer = client.post("authentication/refreshAccessToken", json={"refreshToken": refresh})
        assert answer.get_json()["code"] == 200
        refresh = answer.get_json()["data"]["refreshToken"]
    sim.clock.advance(19.999999)  # 59.999999 s after the first refresh
    sixth = client.post("authentication/refreshAccessToken", json={"refreshToken": refresh})
    assert sixth.status_code == 429
    assert sixth.get_json()["message"] == "Too much request, QPS limit is 5 time/60 seconds"
    sim.clock.advance(0.000001)
    assert code(client.post("authentication/refreshAccessToken",
                            json={"refreshToken": refresh})) == 200


# -- R5: 1,000 calls a day per interface, unverified ----------------------------------------

def burn(me: Client, sim: Simulator, path: str, n: int) -> None:
    for _ in range(n):
        assert code(me.get(path)) == 200
        sim.clock.advance(1)


def test_daily_limit_sentence_count_and_midnight_reset(make) -> None:
    sim, client = make(start="2026-01-05T23:00:00+08:00")
    me = logged(sim, client)
    burn(me, sim, SETTING, 999)  # the login second is behind us; 1,000th call follows
    assert code(me.get(SETTING)) == 200
    sim.clock.advance(1)
    rejected = me.get(SETTING)
    body = rejected.get_json()
    assert rejected.status_code == 200
    assert (body["code"], body["message"]) == (1600200, DAILY_1000)
    assert sim.journal()[-1]["rule"] == "R5"
    sim.clock.advance(1)
    assert code(me.get(BALANCE)) == 200  # another interface still works
    sim.clock.set("2026-01-05T23:59:59.999999+08:00")
    assert me.get(SETTING).get_json()["message"] == DAILY_1000
    sim.clock.set("2026-01-06T00:00:00+08:00")
    assert code(me.get(SETTING)) == 200


def test_daily_count_stays_at_the_limit_while_rejections_go_on(make) -> None:
    sim, client = make(daily_limit=3)
    me = logged(sim, client)
    burn(me, sim, SETTING, 3)
    for _ in range(4):
        body = me.get(SETTING).get_json()
        assert body["message"] == ("Too Many Requests, Sorry, you have reached the daily request"
                                   " limit (3 times/day). Number of requests made: 3."
                                   " Please try again tomorrow.")
        sim.clock.advance(1)


def test_daily_exhausted_and_fast_always_gives_the_daily_message(make) -> None:
    sim, client = make(daily_limit=2)
    me = logged(sim, client)
    burn(me, sim, SETTING, 2)
    for _ in range(5):  # five in the same instant: R4 would trip too, R5 is checked first
        assert "daily request limit" in me.get(SETTING).get_json()["message"]
    assert {v["rule"] for v in sim.violations()} == {"R5"}


def test_verified_account_has_no_daily_limit(make) -> None:
    sim, client = make(daily_limit=3)
    me = logged(sim, client, verified=True)
    burn(me, sim, SETTING, 10)  # asserts each of the 10 calls answers 200
    assert sim.violations() == []
    assert sim.usage(me.account)["daily"] == []  # type: ignore[attr-defined]  # R5 does not apply


def test_verified_flag_change_applies_at_once(make) -> None:
    sim, client = make(daily_limit=2)
    me = logged(sim, client)
    burn(me, sim, SETTING, 2)
    assert code(me.get(SETTING)) == 1600200
    open_id = me.account.open_id  # type: ignore[attr-defined]
    client.http.patch(f"/__cjsim/accounts/{open_id}", json={"verified": True})
    assert code(me.get(SETTING)) == 200


def test_daily_time_zone_is_a_knob(make) -> None:
    sim, client = make(daily_limit=1, daily_tz="UTC", start="2026-01-05T23:00:00+08:00")
    me = logged(sim, client)
    burn(me, sim, SETTING, 1)
    sim.clock.set("2026-01-06T00:00:01+08:00")  # Shanghai midnight passed, UTC's not
    assert code(me.get(SETTING)) == 1600200
    sim.clock.set("2026-01-06T08:00:00+08:00")  # 00:00 UTC
    assert code(me.get(SETTING)) == 200


# -- R1: per IP ------------------------------------------------------------------------------

def test_three_advanced_accounts_on_one_ip_hit_the_ip_limit(make) -> None:
    sim, client = make()
    clients = [logged(sim, client, level="advanced", ip="10.9.9.9") for _ in range(3)]
    results = []
    for _ in range(6):
        for me in clients:
            response = me.get(SETTING, ip="10.9.9.9")
            results.append((code(response), sim.journal()[-1].get("rule")))
    assert [c for c, _ in results].count(200) == 10
    assert {rule for c, rule in results if c != 200} == {"R1"}
    assert me.get(SETTING, ip="10.9.9.9").get_json()["message"] == (
        "Too Many Requests, QPS limit is 10 time/1second")
    assert code(clients[0].get(SETTING, ip="10.1.1.1")) == 200  # another IP is free


def test_ip_limit_comes_before_method_and_token_checks(make) -> None:
    sim, client = make()
    me = logged(sim, client, level="advanced", ip="10.4.4.4")
    other = logged(sim, client, level="advanced", ip="10.4.4.4")
    for caller in (me, other):
        for _ in range(5):
            assert code(caller.get(SETTING, ip="10.4.4.4")) == 200
    assert code(me.post(SETTING, ip="10.4.4.4")) == 1600200  # not 1600300
    assert code(me.get(SETTING, ip="10.4.4.4", token="")) == 1600200  # not 1600002
    assert code(me.post(SETTING, ip="10.4.4.5")) == 1600300  # another IP: the method check
    assert [v["rule"] for v in sim.violations()] == ["R1", "R1"]


def test_ip_limit_on_login_paths_is_http_429(make) -> None:
    sim, client = make()
    accounts = [sim.account() for _ in range(11)]
    statuses = [client.post("authentication/getAccessToken", json={"apiKey": a.api_key},
                            ip="10.2.2.2").status_code for a in accounts]
    assert statuses == [200] * 10 + [429]


def test_ip_header_is_ignored_unless_enabled(make_sim) -> None:  # type: ignore[no-untyped-def]
    sim = make_sim()  # trust_ip_header off
    accounts = [sim.account(level="advanced") for _ in range(2)]
    clients = []
    for account in accounts:
        own = Client(sim)
        own.login(account.api_key, ip="10.0.0.1")
        clients.append(own)
    assert {e["ip"] for e in sim.journal()} == {"127.0.0.1"}


# -- R2: per interface, all accounts together ------------------------------------------------

def test_interface_limit_is_30_per_second_across_accounts(make) -> None:
    sim, client = make()
    clients = [logged(sim, client, level="advanced", ip=f"10.3.0.{i}") for i in range(6)]
    codes = []
    for i, me in enumerate(clients):
        for _ in range(6):
            codes.append(code(me.get(SETTING, ip=f"10.3.0.{i}")))
    assert codes.count(200) == 30
    assert sim.journal()[-1]["rule"] == "R2"
    # the sixth account's calls were all refused by R2, so they used none of its own QPS
    assert code(clients[-1].get(BALANCE, ip="10.3.0.5")) == 200
    assert code(clients[0].get(BALANCE, ip="10.3.0.0")) == 1600200  # its own R4 is spent


# -- quotas (1600201) ------------------------------------------------------------------------

def test_hourly_quota_gives_1600201_and_resets_next_hour(make) -> None:
    sim, client = make(start="2026-01-05T10:59:50+08:00")
    quota = [{"quotaUrl": "/api2.0/v1/setting/get", "quotaLimit": 2, "quotaType": 5}]
    me = logged(sim, client, level="advanced", quotas=quota)
    assert me.get(SETTING).get_json()["data"]["setting"]["quotaLimits"] == quota
    assert code(me.get(SETTING)) == 200
    blocked = me.get(SETTING).get_json()
    assert (blocked["code"], blocked["message"]) == (1600201, "Quota has been used up")
    assert code(me.get(BALANCE)) == 200  # the quota is per interface
    sim.clock.set("2026-01-05T10:59:59.999999+08:00")
    assert code(me.get(SETTING)) == 1600201
    sim.clock.set("2026-01-05T11:00:00+08:00")
    assert code(me.get(SETTING)) == 200


@pytest.mark.parametrize("qtype, edge, after", [
    (4, "2026-01-05T23:59:59+08:00", "2026-01-06T00:00:00+08:00"),
    (3, "2026-01-31T23:59:59+08:00", "2026-02-01T00:00:00+08:00"),
    (2, "2026-03-31T23:59:59+08:00", "2026-04-01T00:00:00+08:00"),
    (1, "2026-12-31T23:59:59+08:00", "2027-01-01T00:00:00+08:00"),
])
def test_calendar_quotas_reset_when_their_window_ends(make, qtype: int, edge: str, after: str) -> None:
    sim, client = make()
    me = logged(sim, client, level="advanced",
                quotas=[{"quotaUrl": "setting/get", "quotaLimit": 1, "quotaType": qtype}])
    assert code(me.get(SETTING)) == 200
    sim.clock.set(edge)
    me.login(me.account.api_key)  # type: ignore[attr-defined]  # the token lives 15 days
    assert code(me.get(SETTING)) == 1600201
    sim.clock.set(after)
    assert code(me.get(SETTING)) == 200


def test_total_quota_never_resets_and_patch_applies_at_once(make) -> None:
    sim, client = make()
    me = logged(sim, client, level="advanced")
    open_id = me.account.open_id  # type: ignore[attr-defined]
    client.http.patch(f"/__cjsim/accounts/{open_id}", json={"quotaLimits": [
        {"quotaUrl": "/api2.0/v1/setting/get", "quotaLimit": 1, "quotaType": 0}]})
    assert code(me.get(SETTING)) == 200
    sim.clock.advance(400 * 86_400)
    me.login(me.account.api_key)  # type: ignore[attr-defined]
    assert code(me.get(SETTING)) == 1600201


# -- knobs -----------------------------------------------------------------------------------

def test_throttle_status_429_flips_every_throttle(make) -> None:
    sim, client = make(throttle_status=429, daily_limit=1)
    me = logged(sim, client)
    assert code(me.get(SETTING)) == 200
    assert me.get(BALANCE).status_code == 429  # R4
    sim.clock.advance(1)
    assert me.get(SETTING).status_code == 429  # R5
    account = sim.account()
    other = Client(sim)
    other.login(account.api_key, ip="10.7.7.7")
    again = other.post("authentication/getAccessToken", json={"apiKey": account.api_key})
    assert again.status_code == 429  # R3a
    rules = {v["rule"] for v in sim.violations()}
    assert rules == {"R4", "R5", "R3a"}


def test_throttle_status_200_applies_to_login_limits_too(make) -> None:
    sim, client = make(throttle_status=200)
    account = sim.account()
    client.login(account.api_key)
    again = client.post("authentication/getAccessToken", json={"apiKey": account.api_key})
    assert again.status_code == 200 and again.get_json()["code"] == 1600200


def test_shadow_mode_rejects_nothing_and_lists_every_violation(make) -> None:
    sim, client = make(strictness="shadow", daily_limit=2)
    me = logged(sim, client)
    codes = [code(me.get(SETTING)) for _ in range(4)]
    assert codes == [200] * 4
    violations = client.http.get("/__cjsim/violations").get_json()["violations"]
    assert [v["rule"] for v in violations] == ["R4", "R4", "R4"]
    assert all(v["rejected"] is False for v in violations)
    first = violations[0]
    assert set(first) == {"id", "rule", "time", "openId", "ip", "path", "journalId", "rejected",
                          "limit", "used"}
    assert (first["limit"], first["used"]) == (1, 1)  # free: 1/s, one call already in the window
    assert first["openId"] == me.account.open_id and first["ip"] == "127.0.0.1"  # type: ignore[attr-defined]
    assert first["path"] == "/api2.0/v1/setting/get"
    journal_ids = {e["id"] for e in sim.journal()}
    assert {v["journalId"] for v in violations} <= journal_ids
    sim.clock.advance(1)
    assert code(me.get(SETTING)) == 200  # the 2nd accepted-by-strict call of the day
    sim.clock.advance(1)
    assert code(me.get(SETTING)) == 200  # strict would have said daily limit
    assert sim.violations()[-1]["rule"] == "R5"


def test_violations_since_and_delete(client, sim) -> None:  # type: ignore[no-untyped-def]
    me = logged(sim, client)
    for _ in range(3):
        me.get(SETTING)
    all_ = client.http.get("/__cjsim/violations").get_json()["violations"]
    assert len(all_) == 2
    since = client.http.get(f"/__cjsim/violations?since={all_[0]['id']}").get_json()
    assert [v["id"] for v in since["violations"]] == [all_[1]["id"]]
    assert client.http.delete("/__cjsim/violations").status_code == 200
    assert sim.violations() == []


def test_lenient_mode_uses_fixed_windows_aligned_to_clock_seconds(make) -> None:
    strict_sim, strict_client = make(start="2026-01-05T10:00:00.900000+08:00")
    lenient_sim, lenient_client = make(strictness="lenient",
                                       start="2026-01-05T10:00:00.900000+08:00")
    for sim, client, expected in ((strict_sim, strict_client, 1600200),
                                  (lenient_sim, lenient_client, 200)):
        me = logged(sim, client)  # now 10:00:01.900
        assert code(me.get(SETTING)) == 200
        sim.clock.advance(0.2)  # 10:00:02.100: the same sliding second, a new clock second
        assert code(me.get(SETTING)) == expected


def test_rule_knobs_from_the_constructor(make) -> None:
    sim, client = make(rules={"R4": {"limit_by_level": {0: 3}}, "R2": {"enabled": False}})
    me = logged(sim, client)
    assert [code(me.get(SETTING)) for _ in range(4)] == [200, 200, 200, 1600200]
    with pytest.raises(ValueError, match="unknown rule"):
        Simulator(rules={"R9": {"limit": 1}})
    with pytest.raises(ValueError, match="unknown knob"):
        Simulator(rules={"R1": {"limt": 1}})
    with pytest.raises(ValueError, match="strictness"):
        Simulator(strictness="loose")
    with pytest.raises(ValueError, match="time zone"):
        Simulator(daily_tz="Mars/Olympus")


# -- window edges and scopes of R1 and R2 -----------------------------------------------------

def test_ip_window_is_one_second_to_the_microsecond(make) -> None:  # type: ignore[no-untyped-def]
    sim, client = make()
    callers = [logged(sim, client, level="advanced", ip="10.6.6.6") for _ in range(2)]
    for caller in callers:
        for _ in range(5):
            assert code(caller.get(SETTING, ip="10.6.6.6")) == 200
    sim.clock.advance(0.999999)
    assert code(callers[0].get(SETTING, ip="10.6.6.6")) == 1600200
    assert sim.journal()[-1]["rule"] == "R1"
    sim.clock.advance(0.000001)
    assert code(callers[0].get(SETTING, ip="10.6.6.6")) == 200


def test_interface_window_is_one_second_and_scoped_to_the_interface(make) -> None:  # type: ignore[no-untyped-def]
    sim, client = make()
    callers = [logged(sim, client, level="advanced", ip=f"10.7.0.{i}") for i in range(6)]
    for i, caller in enumerate(callers[:5]):
        for _ in range(6):
            assert code(caller.get(SETTING, ip=f"10.7.0.{i}")) == 200
    last = callers[5]
    assert code(last.get(SETTING, ip="10.7.0.5")) == 1600200  # 31st on setting/get
    assert sim.journal()[-1]["rule"] == "R2"
    assert last.get(SETTING, ip="10.7.0.5").get_json()["message"] == (
        "Too Many Requests, QPS limit is 30 time/1second")
    assert code(last.get(BALANCE, ip="10.7.0.5")) == 200  # another interface is not counted
    sim.clock.advance(0.999999)
    assert code(last.get(SETTING, ip="10.7.0.5")) == 1600200
    sim.clock.advance(0.000001)
    assert code(last.get(SETTING, ip="10.7.0.5")) == 200
