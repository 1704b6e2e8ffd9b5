"""The compliance audit (cjsim/audit.py): each finding fires on the behaviour it names, and
stays quiet on the behaviour CJ asks for."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cjsim import Simulator
from cjsim.audit import Auditor, Finding, audit, render, summary
from tests.conftest import START, Client

SETTING = "setting/get"
BALANCE = "shopping/pay/getBalance"
TOKEN = "authentication/getAccessToken"
REFRESH = "authentication/refreshAccessToken"
DAY = 86_400


def make(**options: Any) -> tuple[Simulator, Client, Any]:
    sim = Simulator(seed=5, clock="frozen", start=options.pop("start", START), trust_ip_header=True,
                    **options)
    account = sim.account(level=options.pop("level", "free"))
    return sim, Client(sim), account


def rules(sim: Simulator, since: int | None = None) -> dict[str, int]:
    return summary(audit(sim, since_id=since))


def code(response: Any) -> int:
    return response.get_json()["code"]  # type: ignore[no-any-return]


def test_a_paced_client_with_one_login_is_clean() -> None:
    sim, me, account = make()
    me.login(account.api_key)
    for _ in range(5):
        sim.clock.advance(1)
        assert code(me.get(SETTING)) == 200
    assert audit(sim) == []
    assert render([]) == "CJ compliance audit: clean"


def test_level_qps_exceeded_names_the_account_and_every_rejected_request() -> None:
    sim, me, account = make()
    me.login(account.api_key)
    sim.clock.advance(1)
    answers = [me.get(SETTING).get_json() for _ in range(3)]
    findings = audit(sim)
    assert [f.rule for f in findings] == ["R4"]
    r4 = findings[0]
    assert r4.request_ids == tuple(a["requestId"] for a in answers[1:])
    assert (r4.open_id, r4.paths, r4.shadow) == (account.open_id, ("setting/get",), False)
    assert r4.explanation.startswith(f"Free account {account.open_id} may make 1 call per second; it made 3"
                                     " at the same instant on setting/get at 2026-01-05T10:00:01+08:00.")
    text = render(findings)
    assert text.startswith("CJ compliance audit: 1 finding\n[R4] Exceeded the account's QPS for its level (2x)")


def test_per_ip_limit_is_attributed_to_the_ip() -> None:
    sim, me, _ = make()
    others = [sim.account(level="advanced") for _ in range(11)]
    for account in others:
        me.post(TOKEN, json={"apiKey": account.api_key}, ip="10.1.2.3")
    (finding,) = audit(sim)
    assert finding.rule == "R1" and finding.ip == "10.1.2.3"
    assert finding.explanation.startswith("The client at IP 10.1.2.3 exceeded limit R1")


def test_shadow_hits_are_findings_too() -> None:
    sim, me, account = make(strictness="shadow")
    me.login(account.api_key)
    sim.clock.advance(1)
    assert [code(me.get(SETTING)) for _ in range(3)] == [200, 200, 200]
    (finding,) = audit(sim)
    assert finding.rule == "R4" and finding.shadow and finding.count == 2
    assert "Shadow mode let some through" in finding.explanation


# -- tokens ----------------------------------------------------------------------------------

def test_login_while_holding_a_valid_token() -> None:
    sim, me, account = make()
    me.login(account.api_key)
    sim.clock.advance(301)  # R3a is respected: this is only about the valid token
    me.login(account.api_key)
    assert rules(sim) == {"LOGIN-WHILE-VALID": 1}


def test_login_more_often_than_every_five_minutes() -> None:
    sim, me, account = make()
    me.login(account.api_key)
    sim.clock.advance(100)
    me.post(TOKEN, json={"apiKey": account.api_key})
    assert rules(sim) == {"LOGIN-WHILE-VALID": 1, "R3a": 1}


@pytest.mark.parametrize("lose_it", ["logout", "expiry", "refresh-then-logout", "revoked-by-operator"])
def test_login_without_a_valid_token_is_fine(lose_it: str) -> None:
    sim, me, account = make()
    data = me.login(account.api_key)
    if lose_it == "logout":
        me.post("authentication/logout")
    elif lose_it == "expiry":
        sim.clock.advance(15 * DAY)
    elif lose_it == "refresh-then-logout":
        sim.clock.advance(10)
        fresh = me.post(REFRESH, json={"refreshToken": data["refreshToken"]}).get_json()["data"]
        me.token = fresh["accessToken"]
        sim.clock.advance(1)
        assert code(me.post("authentication/logout")) == 200
    else:
        sim.tokens.revoke_all(account.open_id)
    sim.clock.advance(301)
    me.login(account.api_key)
    assert audit(sim) == []


def test_a_refreshed_token_counts_as_held() -> None:
    sim, me, account = make()
    data = me.login(account.api_key)
    sim.clock.advance(10)
    me.post(REFRESH, json={"refreshToken": data["refreshToken"]})
    sim.clock.advance(301)
    me.login(account.api_key)
    assert rules(sim) == {"LOGIN-WHILE-VALID": 1}


def test_refreshing_more_than_five_times_a_minute() -> None:
    sim, me, account = make()
    refresh = me.login(account.api_key)["refreshToken"]
    for _ in range(6):
        sim.clock.advance(5)
        answer = me.post(REFRESH, json={"refreshToken": refresh}).get_json()
        refresh = (answer["data"] or {}).get("refreshToken", refresh)
    assert rules(sim) == {"R3b": 1}


def test_using_a_token_after_its_expiry_date() -> None:
    sim, me, account = make()
    me.login(account.api_key)
    sim.clock.advance(15 * DAY)
    assert code(me.get(SETTING)) == 1600001
    findings = audit(sim)
    assert [f.rule for f in findings] == ["EXPIRED-TOKEN"]
    assert findings[0].open_id == account.open_id  # found through the token id


def test_a_token_the_simulator_expired_early_is_not_the_clients_fault() -> None:
    sim, me, account = make()
    me.login(account.api_key)
    sim.clock.advance(60)
    sim.tokens.expire_all(sim.clock.now_us())
    assert code(me.get(SETTING)) == 1600001
    assert audit(sim) == []


def test_fetching_a_new_token_in_reaction_to_1600200() -> None:
    sim, me, account = make()
    me.login(account.api_key)
    sim.clock.advance(400)
    me.get(SETTING)
    assert code(me.get(SETTING)) == 1600200
    sim.clock.advance(0.5)
    me.post(TOKEN, json={"apiKey": account.api_key})
    assert rules(sim) == {"LOGIN-WHILE-VALID": 1, "R4": 1, "RELOGIN-ON-THROTTLE": 1}


def test_a_login_long_after_a_throttle_is_not_a_reaction_to_it() -> None:
    sim, me, account = make()
    me.login(account.api_key)
    sim.clock.advance(400)
    me.get(SETTING)
    me.get(SETTING)
    sim.clock.advance(120)
    me.post(TOKEN, json={"apiKey": account.api_key})
    assert "RELOGIN-ON-THROTTLE" not in rules(sim)


# -- retries ---------------------------------------------------------------------------------

@pytest.fixture
def busy_scenario(tmp_path: Path) -> Path:
    path = tmp_path / "busy.json"
    path.write_text(json.dumps({
        "name": "busy", "description": "getBalance is busy five times",
        "faults": [{"match": {"path": BALANCE, "calls": [1, 2, 3, 4, 5]},
                    "action": {"code": 1600000}}]}))
    return path


@pytest.mark.parametrize("retries, flagged", [(3, 0), (4, 1), (5, 2)])
def test_system_busy_may_be_retried_three_times(busy_scenario: Path, retries: int, flagged: int) -> None:
    sim, me, account = make(scenario=str(busy_scenario))
    me.login(account.api_key)
    for _ in range(retries + 1):
        sim.clock.advance(2)
        me.get(BALANCE)
    assert rules(sim) == ({"BUSY-RETRIES": flagged} if flagged else {})


def test_retrying_a_non_retryable_error_unchanged() -> None:
    sim, me, account = make()
    me.login(account.api_key)
    for _ in range(2):
        sim.clock.advance(1)
        assert code(me.get(SETTING, token="")) == 1600002  # no token, twice
    findings = audit(sim)
    assert [f.rule for f in findings] == ["RETRY-NON-RETRYABLE"]
    assert "1600002" in findings[0].explanation and findings[0].count == 1


def test_a_changed_request_or_a_late_one_is_not_a_retry() -> None:
    sim, me, account = make()
    me.login(account.api_key)
    sim.clock.advance(1)
    assert code(me.get(SETTING, token="")) == 1600002
    sim.clock.advance(1)
    assert code(me.get(SETTING)) == 200  # fixed: now with the token
    sim.clock.advance(1)
    assert code(me.post(TOKEN, json={"apiKey": "CJ1@api@" + "0" * 32})) == 1600001
    sim.clock.advance(301)  # beyond the retry window (and getAccessToken's 5 minutes)
    assert code(me.post(TOKEN, json={"apiKey": "CJ1@api@" + "0" * 32})) == 1600001
    assert audit(sim) == []


def test_non_retryable_codes() -> None:
    from cjsim.audit import is_non_retryable

    assert all(is_non_retryable(c) for c in (1600001, 1600002, 1600003, 1600300, 1601000, 1602000,
                                             1602001, 1603000, 1603101, 1604000, 1605000))
    assert not any(is_non_retryable(c) for c in (200, 1600000, 1600200, 1600100, 1600201, None))


# -- the daily limit and quotas --------------------------------------------------------------

def test_the_daily_sentence_once_is_fine_calling_on_before_midnight_is_not() -> None:
    sim, me, account = make(daily_limit=2, start="2026-01-05T22:00:00+08:00")
    me.login(account.api_key)
    for _ in range(3):
        sim.clock.advance(1)
        me.get(SETTING)
    assert audit(sim) == []  # the third call got the sentence: that is how a client learns
    sim.clock.advance(1)
    me.get(BALANCE)  # another interface: fine
    sim.clock.advance(3600)
    me.get(SETTING)  # 23:00, same day: kept calling
    findings = audit(sim)
    assert [f.rule for f in findings] == ["AFTER-DAILY-LIMIT"]
    assert "before local midnight (Asia/Shanghai)" in findings[0].explanation
    sim.clock.set("2026-01-06T00:00:01+08:00")
    assert code(me.get(SETTING)) == 200
    assert summary(audit(sim)) == {"AFTER-DAILY-LIMIT": 1}


def test_first_quota_answer_is_fine_calling_on_is_not() -> None:
    quota = [{"quotaUrl": "/api2.0/v1/setting/get", "quotaLimit": 1, "quotaType": 5}]
    sim, me, _ = make()
    account = sim.account(level="advanced", quotas=quota)
    me.login(account.api_key)
    for expected in (200, 1600201):
        sim.clock.advance(1)
        assert code(me.get(SETTING)) == expected
    assert audit(sim) == []
    sim.clock.advance(1)
    assert code(me.get(SETTING)) == 1600201
    assert rules(sim) == {"Q": 1}


# -- scope, journal, control API -------------------------------------------------------------

def test_since_limits_the_audit_to_later_requests() -> None:
    sim, me, account = make()
    me.login(account.api_key)
    me.post(TOKEN, json={"apiKey": account.api_key})
    last = sim.journal()[-1]["id"]
    assert rules(sim) and rules(sim, since=last) == {}


def test_the_journal_keeps_digests_never_secrets() -> None:
    sim, me, account = make()
    data = me.login(account.api_key)
    sim.clock.advance(1)
    me.get(SETTING)
    me.get(SETTING, token="not-a-token")
    entries = sim.journal()
    assert all(len(e["fp"]) == 16 for e in entries)
    assert entries[1]["tokenId"] == entries[1]["tokenId"][:12]
    assert entries[2]["tokenId"] != entries[1]["tokenId"] and entries[2]["reason"] == "token:unknown"
    dumped = json.dumps(entries)
    for secret in (account.api_key, data["accessToken"], data["refreshToken"], "not-a-token"):
        assert secret not in dumped


def test_control_api_serves_the_audit() -> None:
    sim, me, account = make()
    me.login(account.api_key)
    me.post(TOKEN, json={"apiKey": account.api_key})
    body = me.http.get("/__cjsim/audit").get_json()
    assert body["clean"] is False and body["summary"] == {"LOGIN-WHILE-VALID": 1, "R3a": 1}
    first = body["findings"][0]
    assert first["rule"] == "R3a" and first["requestIds"] == [sim.journal()[-1]["requestId"]]
    assert first["first"] == "2026-01-05T10:00:00+08:00"
    since = me.http.get(f"/__cjsim/audit?since={sim.journal()[-1]['id']}").get_json()
    assert since["clean"] is False and since["audited"] == 0 and since["findings"] == []
    assert "nothing was checked" in since["note"]
    assert me.http.get("/__cjsim/audit?since=x").status_code == 400
    assert len(sim.journal()) == 2  # control calls are not CJ calls


def test_auditor_judges_entries_in_journal_order_whatever_the_append_order() -> None:
    sim, me, account = make()
    me.login(account.api_key)
    me.post(TOKEN, json={"apiKey": account.api_key})
    entries = list(reversed(sim.journal_entries()))
    findings = Auditor(entries, sim.violation_entries(), sim.profile).findings()
    assert {f.rule for f in findings} == {"R3a", "LOGIN-WHILE-VALID"}
    assert isinstance(findings[0], Finding) and findings[0].as_dict()["count"] == 1


def test_the_audit_of_a_truncated_journal_says_what_it_did_not_see() -> None:
    sim = Simulator(seed=1, clock="frozen", start=START, journal_size=2)
    me = Client(sim)
    account = sim.account()
    me.login(account.api_key)
    for _ in range(3):
        sim.clock.advance(2)
        me.get(SETTING)
    body = me.http.get("/__cjsim/audit").get_json()
    assert body["audited"] == 2 and body["clean"] is False
    assert "keeps the last 2 requests (--journal-size): 2 earlier requests were dropped unaudited" in body["note"]
    whole = Simulator(seed=1, clock="frozen", start=START)
    Client(whole).login(whole.account().api_key)
    assert Client(whole).http.get("/__cjsim/audit").get_json()["clean"] is True


@pytest.mark.parametrize("size", [0, -5])
def test_a_journal_below_one_request_is_refused(size: int) -> None:
    with pytest.raises(ValueError, match="journal_size must be >= 1"):
        Simulator(journal_size=size)


def test_a_limit_finding_speaks_of_this_accounts_limit_and_its_observed_rate() -> None:
    sim, me, _ = make()
    plus = sim.account(level="plus")
    me.login(plus.api_key)
    sim.clock.advance(1)
    for _ in range(4):
        me.get("shopping/pay/getBalance")
        sim.clock.advance(0.00025)
    (finding,) = audit(sim)
    assert finding.rule == "R4"
    assert finding.explanation.startswith(
        f"Plus account {plus.open_id} may make 2 calls per second; it made 4 within 0.75 ms on shopping/pay/getBalance")
    assert "Per-level QPS" not in finding.explanation


def test_a_requests_fp_is_the_same_whether_or_not_it_was_seen_before() -> None:
    """``fp`` of a request without a body is kept per query string (cjsim.marks): a repeat
    gets the fp its own digest gives, and any other method, path or query another one."""
    from cjsim import marks

    sim, me, account = make()
    me.login(account.api_key)
    marks._FPS.clear()
    queries = ["pid=A", "pid=A", "pid=B", "pid=A&x=1", "x=1&pid=A", "pid=A"]
    for query in queries:
        sim.clock.advance(1)
        me.get(f"/api2.0/v1/product/query?{query}")
    sim.clock.advance(1)
    me.get("/api2.0/v1/product/variant/query?pid=A")
    fps = [e["fp"] for e in sim.journal()[-7:]]
    assert fps[0] == fps[1] == fps[5] and fps[3] == fps[4]  # the same pairs (sorted)
    assert len({fps[0], fps[2], fps[3], fps[6]}) == 4
    marks._FPS.clear()  # no longer seen: made afresh, the same
    sim.clock.advance(1)
    me.get("/api2.0/v1/product/query?pid=B")
    assert sim.journal()[-1]["fp"] == fps[2]
