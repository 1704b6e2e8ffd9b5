"""Issue 5, "Done when": an integrator's 10-line YAML makes the 3rd and 4th call to
product/query fail with 1600000 and the 1,001st call of the day fail with the daily sentence,
runs through ``cjsim serve --scenario``, and the control API says which faults fired."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import requests

INTEGRATOR_YAML = """\
name: my-client-check
clock: {start: "2026-01-05T10:00:00+08:00", frozen: true}
accounts:
  - {email: dev@example.com, apiKey: "CJ100042@api@0123456789abcdef0123456789abcdef", level: advanced}
faults:
  - match: {path: product/query, calls: [3, 4]}
    action: {code: 1600000}
"""
DAILY = ("Too Many Requests, Sorry, you have reached the daily request limit (1000 times/day). "
         "Number of requests made: 1000. Please try again tomorrow.")


def test_the_integrators_ten_line_scenario_through_cjsim_serve(tmp_path: Path, served: Any) -> None:
    assert len(INTEGRATOR_YAML.splitlines()) <= 10
    path = tmp_path / "my-client-check.yaml"
    path.write_text(INTEGRATOR_YAML)
    info = served("--scenario", str(path))
    assert info["scenarios"] == "my-client-check"
    base, root = info["base"], info["root"]
    session = requests.Session()
    login = session.post(f"{base}/authentication/getAccessToken",
                         json={"apiKey": "CJ100042@api@0123456789abcdef0123456789abcdef"}, timeout=5).json()
    headers = {"CJ-Access-Token": login["data"]["accessToken"]}
    pid = session.get(f"{base}/product/list", headers=headers, timeout=5).json()["data"]["list"][0]["pid"]

    answers = []
    for number in range(1, 1002):
        if number % 5 == 1:  # a well-paced Advanced client: 5 calls per simulated second
            session.post(f"{root}/__cjsim/clock", json={"advance": 1}, timeout=5)
        answers.append(session.get(f"{base}/product/query", params={"pid": pid}, headers=headers,
                                   timeout=5).json())

    codes = [a["code"] for a in answers]
    assert codes[2:4] == [1600000, 1600000]  # the 3rd and 4th call
    assert answers[2]["message"] == "System busy"
    assert codes[:2] == [200, 200] and set(codes[4:1000]) == {200}
    assert (codes[1000], answers[1000]["message"]) == (1600200, DAILY)  # the 1,001st call of the day

    state = session.get(f"{root}/__cjsim/scenario", timeout=5).json()
    assert state["active"] == ["my-client-check"]
    assert state["faults"] == [{
        "index": 0, "scenario": "my-client-check",
        "match": {"path": "product/query", "calls": [3, 4]}, "action": {"code": 1600000},
        "fired": 2, "calls": 1001}]
    journal = session.get(f"{root}/__cjsim/journal", params={"limit": 1001}, timeout=5).json()["entries"]
    assert [e["id"] for e in journal if e.get("fault") == [0]] == [journal[2]["id"], journal[3]["id"]]
