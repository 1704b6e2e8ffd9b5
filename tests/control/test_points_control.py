"""GET/PATCH /__cjsim/accounts/<openId> show and set a cj-2026 account's API points."""

from __future__ import annotations

from typing import Any

import pytest

from cjsim import Simulator

LIST = "/api2.0/v1/product/list?pageNum=1&pageSize=10"


def make(profile: str = "cj-2026") -> tuple[Simulator, Any, Any]:
    sim = Simulator(clock="frozen", seed=2, profile=profile, start="2026-07-06T10:00:00+00:00")
    account = sim.account(level="advanced", verified=True)
    return sim, sim.app.test_client(), account


def test_usage_shows_todays_points_and_a_patch_starts_a_test_near_exhaustion() -> None:
    sim, http, account = make()
    url = f"/__cjsim/accounts/{account.open_id}"
    points = http.get(url).get_json()["usage"]["points"]
    assert points == {"date": "2026-07-06", "total": 50_000, "base": 50_000, "conversion": 0,
                      "used": 0, "remaining": 50_000, "usedBase": 0, "usedConversion": 0}
    patched = http.patch(url, json={"points": {"used": 49_990, "conversion": 30}})
    assert patched.status_code == 200
    got = patched.get_json()["usage"]["points"]
    assert (got["total"], got["used"], got["remaining"]) == (50_030, 49_990, 40)
    token = http.post("/api2.0/v1/authentication/getAccessToken",
                      json={"apiKey": account.api_key}).get_json()["data"]["accessToken"]
    refused = http.get(LIST, headers={"CJ-Access-Token": token}).get_json()
    assert (refused["code"], refused["message"]) == (
        16900500, "Insufficient API points. Used today: 49990, Remaining: 40, Required: 50.")
    violations = http.get("/__cjsim/violations").get_json()["violations"]
    assert [v["rule"] for v in violations] == ["P"]


@pytest.mark.parametrize("points", [{"used": -1}, {"used": "5"}, {"used": True}, {"spent": 3},
                                    {}, [], 7, {"used": 10, "conversion": 1.5}])
def test_a_bad_points_patch_is_400_and_changes_nothing(points: Any) -> None:
    sim, http, account = make()
    url = f"/__cjsim/accounts/{account.open_id}"
    before = http.get(url).get_json()
    answer = http.patch(url, json={"points": points, "name": "Changed"})
    assert answer.status_code == 400 and "points" in answer.get_json()["error"]
    assert http.get(url).get_json() == before


def test_points_on_a_profile_without_them_is_400() -> None:
    sim, http, account = make("legacy")
    url = f"/__cjsim/accounts/{account.open_id}"
    assert "points" not in http.get(url).get_json()["usage"]
    answer = http.patch(url, json={"points": {"used": 5}})
    assert answer.status_code == 400 and "cj-2026" in answer.get_json()["error"]
