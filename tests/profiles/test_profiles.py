"""Profiles: one module each, discovered; listed and shown by the CLI; served by the control
API as the active, effective table."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import requests

from cjsim import Simulator
from cjsim.profiles import PROFILES, build_profile, discover
from cjsim.server import BackgroundServer


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cjsim", "profiles", *args],
                          capture_output=True, text=True, timeout=60)


def test_a_profile_is_one_more_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "moreprofiles"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "helpers.py").write_text("X = 1\n")  # a module without PROFILE is no profile
    (package / "tiny.py").write_text(textwrap.dedent('''
        from dataclasses import replace
        from cjsim.limits.rules import RuleTable
        from cjsim.profiles.legacy import PROFILE as LEGACY
        PROFILE = replace(LEGACY, name="tiny", summary="R1 only",
                          rules=RuleTable(LEGACY.rules.rules[:1]))
    '''))
    monkeypatch.syspath_prepend(str(tmp_path))
    found = discover("moreprofiles")
    assert list(found) == ["tiny"] and found["tiny"].rules.ids() == ["R1"]
    assert list(discover()) == list(PROFILES) == ["cj-2026", "legacy"]


def test_cli_lists_and_shows_profiles() -> None:
    listed = cli("list")
    assert listed.returncode == 0
    assert [line.split()[0] for line in listed.stdout.splitlines()] == list(PROFILES)
    shown = cli("show", "legacy")
    assert shown.returncode == 0
    lines = shown.stdout.splitlines()
    assert [line.split()[0] for line in lines[1::2]] == PROFILES["legacy"].rules.ids()
    assert "No more than 10 requests/second per IP address" in shown.stdout
    as_json = cli("show", "legacy", "--json")
    assert json.loads(as_json.stdout) == PROFILES["legacy"].describe()
    missing = cli("show", "nope")
    assert missing.returncode == 1 and missing.stderr.strip() == (
        "cjsim: no profile 'nope' (known: cj-2026, legacy)")


def test_the_profile_endpoint_serves_the_effective_table_over_http() -> None:
    sim = Simulator(clock="frozen", seed=1, daily_limit=7, rules={"R1": {"limit": 4}})
    try:
        with BackgroundServer(sim.app) as server:
            response = requests.get(f"{server.root}/__cjsim/profile", timeout=10)
    finally:
        sim.close()
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "legacy"
    rules = {r["id"]: r for r in body["rules"]}
    assert [r["id"] for r in body["rules"]] == PROFILES["legacy"].rules.ids()
    assert (rules["R1"]["role"], rules["R1"]["limit"], rules["R1"]["period_s"]) == ("ip_rate", 4, 1)
    assert rules["R1"]["advice"].startswith("Every account behind one IP address shares 4 requests/second")
    assert (rules["R5"]["role"], rules["R5"]["limit"], rules["R5"]["calendar"]) == ("daily", 7, "day")
    assert rules["R4"]["limit_by_level"] == {"0": 1, "1": 1, "2": 2, "3": 4, "4": 6, "5": 6}
    for rule in body["rules"]:
        assert {"id", "role", "limit", "per", "cost", "http_status", "code", "message"} <= set(rule)


@pytest.mark.parametrize("knobs, words", [
    ({"R1": {"cost": -1}}, "a cost is a whole number"),
    ({"R1": {"message": "over {limt}"}}, "message is not a valid template"),
    ({"R4": {"limit_by_level": {"x": 1}}}, "limit_by_level maps levels"),
])
def test_bad_rule_knobs_are_refused_by_name(knobs: dict[str, dict[str, object]], words: str) -> None:
    with pytest.raises(ValueError, match=words):
        build_profile("legacy", rules=knobs)


def test_a_cost_override_takes_short_or_full_interface_paths() -> None:
    profile = build_profile("legacy", rules={"R2": {"cost": {"product/query": 3,
                                                             "/api2.0/v1/setting/get": 2}}})
    r2 = profile.rules.by_id("R2")
    assert r2.cost_of("/api2.0/v1/product/query") == 3
    assert r2.cost_of("/api2.0/v1/setting/get") == 2
    assert r2.cost_of("/api2.0/v1/shopping/pay/getBalance") == 1  # unlisted: the default


@pytest.mark.parametrize("zone", ["Mars/Olympus", "America", "", "../etc", "/etc/passwd"])
def test_a_time_zone_that_is_none_is_refused_as_one(zone: str) -> None:
    """A directory of the zone database ("America") is refused like an unknown name: a 400 on
    the control API, not an IsADirectoryError (HTTP 500)."""
    with pytest.raises(ValueError, match=f"^unknown time zone {re.escape(repr(zone))}$"):
        build_profile("legacy", daily_tz=zone)
    with pytest.raises(ValueError, match="^points_tz: unknown time zone"):
        build_profile("cj-2026", points_tz=zone)
    http = Simulator(clock="frozen").app.test_client()
    answer = http.post("/__cjsim/scenario", json={"name": "tz", "limits": {"daily_tz": zone}})
    assert answer.status_code == 400 and "unknown time zone" in answer.get_json()["error"]
