"""A rule's number, overridden any way, is the same number in the answer, the violation,
the usage report, the profile endpoint and the audit's words (docs/rules.md)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cjsim import Simulator
from cjsim.audit import audit
from tests.conftest import Client

SETTING = "setting/get"
TOKEN = "authentication/getAccessToken"


def answer(response: Any) -> tuple[int, str]:
    body = response.get_json()
    return body["code"], body["message"]


def rule_of(sim: Simulator, rule_id: str) -> dict[str, Any]:
    described = Client(sim).http.get("/__cjsim/profile").get_json()
    return next(r for r in described["rules"] if r["id"] == rule_id)  # type: ignore[no-any-return]


def test_a_scenario_lowering_r1_is_the_number_of_the_answer_and_of_the_audit(
        make_sim: Callable[..., Simulator], tmp_path: Path) -> None:
    scenario = tmp_path / "r1.json"
    scenario.write_text(json.dumps({"name": "r1", "limits": {"rules": {"R1": {"limit": 3}}}}))
    sim = make_sim(seed=3, trust_ip_header=True, scenario=str(scenario))
    client = Client(sim)
    accounts = [sim.account(level="advanced") for _ in range(4)]
    answers = [client.post(TOKEN, json={"apiKey": a.api_key}, ip="10.9.9.9", token="")
               for a in accounts]
    assert [answer(r)[0] for r in answers] == [200, 200, 200, 1600200]
    assert answer(answers[3])[1] == "Too Many Requests, QPS limit is 3 time/1second"
    assert [(v["rule"], v["limit"], v["used"]) for v in sim.violations()] == [("R1", 3, 3)]
    (finding,) = audit(sim)
    assert finding.rule == "R1" and finding.ip == "10.9.9.9"
    assert "shares 3 requests/second" in finding.explanation
    assert "No more than 3 requests/second per IP address" in finding.explanation
    assert "10 requests" not in finding.explanation
    assert rule_of(sim, "R1")["limit"] == 3


def test_a_level_qps_override_is_the_number_of_the_answer_setting_and_audit(
        make_sim: Callable[..., Simulator]) -> None:
    sim = make_sim(seed=3, rules={"R4": {"limit_by_level": {str(n): 2 for n in range(6)}}})
    account = sim.account(level="free")
    me = Client(sim)
    me.login(account.api_key)
    sim.clock.advance(1)
    assert me.get(SETTING).get_json()["data"]["setting"]["qpsLimit"] == 2
    refused = [me.get(SETTING) for _ in range(2)][-1]
    assert answer(refused) == (1600200, "Too Many Requests, QPS limit is 2 time/1second")
    assert [(v["rule"], v["limit"]) for v in sim.violations()] == [("R4", 2)]
    assert sim.usage(account)["qps"] == {"rule": "R4", "inWindow": 2, "limit": 2}
    (finding,) = audit(sim)
    assert finding.rule == "R4"
    assert "Free 2/s, Plus 2/s, Prime 2/s, Advanced 2/s" in finding.explanation
    assert "Free 1/s" not in finding.explanation
    assert rule_of(sim, "R4")["limit_by_level"]["0"] == 2


def test_the_daily_limit_knob_targets_the_daily_rule_everywhere(
        make_sim: Callable[..., Simulator]) -> None:
    sim = make_sim(seed=3, daily_limit=3)
    account = sim.account(level="advanced")
    me = Client(sim)
    me.login(account.api_key)
    codes = []
    for _ in range(5):
        sim.clock.advance(1)
        codes.append(me.get(SETTING))
    assert [answer(r)[0] for r in codes] == [200, 200, 200, 1600200, 1600200]
    assert "daily request limit (3 times/day). Number of requests made: 3." in answer(codes[3])[1]
    assert [(v["rule"], v["limit"], v["used"]) for v in sim.violations()] == [("R5", 3, 3)] * 2
    (daily,) = sim.usage(account)["daily"]
    assert (daily["rule"], daily["count"], daily["limit"]) == ("R5", 3, 3)
    (finding,) = audit(sim)  # the first answer tells the client; calling on is the finding
    assert finding.rule == "AFTER-DAILY-LIMIT" and finding.count == 1
    described = rule_of(sim, "R5")
    assert (described["limit"], described["description"]) == (
        3, "Unverified users: 3 calls/day per interface")


def test_a_longer_login_period_is_the_period_of_the_answer_and_the_audit(
        make_sim: Callable[..., Simulator]) -> None:
    sim = make_sim(seed=3, rules={"R3a": {"period_s": 600}})
    account = sim.account(level="advanced")
    client = Client(sim)
    assert answer(client.post(TOKEN, json={"apiKey": account.api_key}))[0] == 200
    sim.clock.advance(400)  # past the seed's 5 minutes, inside 10
    refused = client.post(TOKEN, json={"apiKey": account.api_key})
    assert refused.status_code == 429
    assert answer(refused) == (1600200, "Too much request, QPS limit is 1 time/600 seconds")
    assert [(v["rule"], v["limit"]) for v in sim.violations()] == [("R3a", 1)]
    findings = [f for f in audit(sim) if f.rule == "R3a"]
    assert len(findings) == 1
    assert findings[0].title == "Called getAccessToken more often than once every 10 minutes"
    assert "may make 1 call per 10 minutes" in findings[0].explanation  # the account's own terms
    assert "5 minutes" not in findings[0].explanation
    sim.clock.advance(200)
    assert answer(client.post(TOKEN, json={"apiKey": account.api_key}))[0] == 200
