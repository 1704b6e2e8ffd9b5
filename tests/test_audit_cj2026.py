"""The audit under ``cj-2026``: running out of points (P), costed calls after it before
00:00 UTC (AFTER-POINTS-EXHAUSTED) and logging in again and again (LOGIN-CACHE-IGNORED)."""

from __future__ import annotations

from cjsim import Simulator
from cjsim.audit import audit

LIST = "/api2.0/v1/product/list?pageNum=1&pageSize=10"
SETTING = "/api2.0/v1/setting/get"
TOKEN = "/api2.0/v1/authentication/getAccessToken"


def setup() -> tuple[Simulator, object, object, str]:
    sim = Simulator(clock="frozen", seed=5, profile="cj-2026", start="2026-07-06T10:00:00+00:00")
    account = sim.account(level="advanced", verified=True)
    http = sim.app.test_client()
    token = http.post(TOKEN, json={"apiKey": account.api_key}).get_json()["data"]["accessToken"]
    sim.set_points(account, used=49_990)
    return sim, account, http, token


def test_points_exhausted_then_more_costed_calls_are_two_findings_with_the_numbers() -> None:
    sim, account, http, token = setup()
    headers = {"CJ-Access-Token": token}
    for _ in range(4):
        sim.clock.advance(1)
        http.get(LIST, headers=headers)
        sim.clock.advance(1)
        http.get(SETTING, headers=headers)  # free: never flagged
    findings = {f.rule: f for f in audit(sim)}
    assert set(findings) == {"P", "AFTER-POINTS-EXHAUSTED"}
    assert findings["P"].explanation.startswith(
        f"Account {account.open_id} had 50000 API points for 2026-07-06 (UTC) and had used"
        " 49990 when a call needing 50 was refused (16900500)")
    assert findings["AFTER-POINTS-EXHAUSTED"].count == 3


def test_waiting_for_midnight_utc_is_clean() -> None:
    sim, _account, http, token = setup()
    sim.clock.advance(1)
    assert http.get(LIST, headers={"CJ-Access-Token": token}).get_json()["code"] == 16900500
    sim.clock.set("2026-07-07T00:00:00+00:00")
    assert http.get(LIST, headers={"CJ-Access-Token": token}).get_json()["code"] == 200
    assert [f.rule for f in audit(sim)] == ["P"]


def test_logging_in_again_and_again_within_a_day_is_flagged_once_a_day_is_fine() -> None:
    sim, account, http, _token = setup()
    for _ in range(3):
        sim.clock.advance(60)
        assert http.post(TOKEN, json={"apiKey": account.api_key}).get_json()["code"] == 200
    sim.clock.advance(86_400)
    http.post(TOKEN, json={"apiKey": account.api_key})
    cache = [f for f in audit(sim) if f.rule == "LOGIN-CACHE-IGNORED"]
    assert len(cache) == 1 and cache[0].count == 3
    assert "3 times more within 24 hours" in cache[0].explanation
