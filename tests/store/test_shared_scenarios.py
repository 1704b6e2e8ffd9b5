"""A scenario loaded at run time into one worker reaches every worker on the same store."""

from __future__ import annotations

import time
from pathlib import Path

from cjsim import Simulator

START = "2026-01-05T10:00:00+08:00"


def test_a_scenario_posted_to_one_worker_acts_on_another(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/shared.db"
    one = Simulator(clock="frozen", start=START, store=url)
    two = Simulator(clock="frozen", start=START, store=url)
    account = one.account("shared@example.com", level="advanced", verified=True)
    token = one.app.test_client().post("/api2.0/v1/authentication/getAccessToken",
                                       json={"apiKey": account.api_key}).get_json()["data"]["accessToken"]
    scenario = {"name": "busy-and-tight", "limits": {"daily_limit": 7},
                "faults": [{"match": {"path": "/api2.0/v1/setting/get", "calls": [2]},
                            "action": {"code": 1600000}}]}
    answer = one.app.test_client().post("/__cjsim/scenario", json=scenario)
    assert answer.status_code == 200, answer.get_json()
    time.sleep(0.6)  # workers look for new layers twice a second

    def call(sim: Simulator) -> int:
        sim.clock.advance(1)
        return int(sim.app.test_client().get("/api2.0/v1/setting/get",
                                             headers={"CJ-Access-Token": token}).get_json()["code"])

    assert call(two) == 200
    assert call(one) == 1600000  # the 2nd matching call, counted across both workers
    assert two.profile.rules.by_id("R5").limit == 7  # the limits came along too
    assert two.app.test_client().get("/__cjsim/scenario").get_json()["active"] == ["busy-and-tight"]
    one.close()
    two.close()
