"""Loading scenarios: YAML and JSON, the shipped schema, errors that name file, line and field,
unknown keys refused, and nothing applied when anything is wrong."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from cjsim import Simulator
from cjsim.scenario import ScenarioError, load, schema
from cjsim.scenario.model import TimeRef, parse_duration
from tests.scenario.conftest import START, Driver, SimFactory, scenario


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(source: Any) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load(source)
    return [str(p) for p in info.value.problems]


BAD_CASES = [
    # (yaml body after "name: x\n", line, field path, what the message must say)
    ("seed: seven\n", 2, "seed", "expected a non-negative integer seed, got 'seven'"),
    ("limits: {throttle_status: 500}\n", 2, "limits.throttle_status", "expected one of 200, 429; got 500"),
    ("limits:\n  rules:\n    R4: {limt: 3}\n", 4, "limits.rules.R4.limt", "unknown key 'limt' (did you mean 'limit'?)"),
    ("limits:\n  rules:\n    R9: {limit: 3}\n", 4, "limits.rules.R9", "unknown rule 'R9'"),
    ("limits: {daily_tz: Mars/Olympus}\n", 2, "limits.daily_tz", "unknown time zone"),
    ("accounts:\n  - {email: a@b.c, level: gold}\n", 3, "accounts[0].level", "free, plus, prime, advanced or a level 0-5"),
    ("accounts:\n  - {level: free}\n", 3, "accounts[0]", "missing required key 'email'"),
    ("clock: {start: '2026-01-05 10:00'}\n", 2, "clock.start", "has no UTC offset"),
    ("faults:\n  - match: {path: product/qury}\n    action: {code: 1600000}\n", 3, "faults[0].match.path",
     "'product/qury' is not an interface of the simulator (did you mean 'product/query'?)"),
    ("faults:\n  - match: {path: 'prod/*'}\n    action: {code: 1600000}\n", 3, "faults[0].match.path",
     "the glob 'prod/*' matches no interface"),
    ("faults:\n  - match: {calls: [0]}\n    action: {code: 1600000}\n", 3, "faults[0].match.calls[0]",
     "expected a number >= 1, got 0"),
    ("faults:\n  - match: {}\n    action:\n      code: 1234\n", 5, "faults[0].action.code",
     "a CJ error code of a profile's error table"),
    ("faults:\n  - match: {}\n    action: {code: 1600000, body: x}\n", 4, "faults[0].action",
     "one answer per action: give at most one of code, body, reset_connection, offline, false_negative"),
    ("faults:\n  - match: {}\n    action: {message: hi}\n", 4, "faults[0].action.message", "needs a code"),
    ("faults:\n  - match: {}\n    action: {}\n", 4, "faults[0].action", "an empty action does nothing"),
    ("faults:\n  - match: {between: ['+10m', '+0s']}\n    action: {code: 1600000}\n", 3,
     "faults[0].match.between[1]", "the range is empty"),
    ("faults:\n  - match: {path: product/list}\n", 3, "faults[0]", "missing required key 'action'"),
    ("faults:\n  - match: {}\n    action: {offline: soon}\n", 4, "faults[0].action.offline",
     "true (until switched online) or a duration such as +10m"),
    ("timeline:\n  - {at: tomorrow, expire_tokens: true}\n", 3, "timeline[0].at",
     "an ISO-8601 time with an offset (2026-01-05T10:00:00+08:00) or a duration"),
    ("timeline:\n  - {at: '+1m'}\n", 3, "timeline[0]", "a timeline step needs a change besides 'at'"),
    ("timeline:\n  - {at: '+1m', offline: 'product/*'}\n", 3, "timeline[0].offline", "not a glob"),
    ("timeline:\n  - {at: '+1m', level: free, account: nobody@example.com}\n", 3, "timeline[0].account",
     "no account with email nobody@example.com"),
]


@pytest.mark.parametrize("body, line, field, needle", BAD_CASES, ids=[c[2] for c in BAD_CASES])
def test_a_bad_file_names_its_file_line_field_and_what_was_expected(
        make: SimFactory, tmp_path: Path, body: str, line: int, field: str, needle: str) -> None:
    path = write(tmp_path, "name: x\n" + body)
    with pytest.raises(ScenarioError) as info:
        make(scenario=str(path))  # the account references are checked where accounts are known
    text = str(info.value)
    assert f"{path}:{line}: {field}: " in text, text
    assert needle in text, text


@pytest.mark.parametrize("where, body", [
    ("top level", "colour: red\n"),
    ("limits", "limits: {colour: red}\n"),
    ("a rule", "limits: {rules: {R4: {colour: red}}}\n"),
    ("an account", "accounts: [{email: a@b.c, colour: red}]\n"),
    ("a quota", "accounts: [{email: a@b.c, quotaLimits: [{quotaUrl: product/list, quotaLimit: 1, quotaType: 4, colour: red}]}]\n"),
    ("the clock", "clock: {colour: red}\n"),
    ("a fault", "faults: [{match: {}, action: {code: 1600000}, colour: red}]\n"),
    ("a match", "faults: [{match: {colour: red}, action: {code: 1600000}}]\n"),
    ("an action", "faults: [{match: {}, action: {code: 1600000, colour: red}}]\n"),
    ("a step", "timeline: [{at: '+1m', expire_tokens: true, colour: red}]\n"),
])
def test_unknown_keys_are_errors_everywhere(tmp_path: Path, where: str, body: str) -> None:
    found = problems(write(tmp_path, "name: x\n" + body))
    assert len(found) == 1 and "unknown key 'colour'" in found[0] and ":2: " in found[0], (where, found)


def test_every_problem_of_a_file_is_reported_at_once(tmp_path: Path) -> None:
    path = write(tmp_path, "name: x\nseed: -1\nfaults:\n  - match: {}\n    action: {code: 1, colour: 2}\n")
    found = problems(path)
    assert [p.split(": ")[0] for p in found] == [f"{path}:2", f"{path}:5", f"{path}:5"]
    assert any("colour" in p for p in found) and any("action.code" in p for p in found)


def test_yaml_syntax_errors_and_duplicate_keys_have_lines(tmp_path: Path) -> None:
    syntax = write(tmp_path, "name: x\nfaults: [\n  - x\n", "syntax.yaml")
    assert problems(syntax) == [f"{syntax}:3: not valid YAML: expected the node content, but found '-'"]
    dup = write(tmp_path, "name: x\nseed: 1\nseed: 2\n", "dup.yaml")
    assert problems(dup) == [f"{dup}:3: seed: duplicate key 'seed'"]


def test_json_files_load_and_their_errors_have_lines_too(tmp_path: Path) -> None:
    good = write(tmp_path, json.dumps(scenario({"match": {"path": "product/list"},
                                                "action": {"code": 1600000}})), "good.json")
    assert load(good).faults[0].action.code == 1600000
    bad = write(tmp_path, '{\n  "name": "x",\n  "seed": "seven"\n}\n', "bad.json")
    assert problems(bad) == [f"{bad}:3: seed: expected a non-negative integer seed, got 'seven'"]
    broken = write(tmp_path, '{\n  "name": "x",\n}\n', "broken.json")
    assert problems(broken)[0].startswith(f"{broken}:3: not valid JSON")


def test_a_dict_is_a_scenario_and_its_errors_say_dict() -> None:
    assert problems({"name": "x", "faults": [{"match": {}}]}) == [
        "<dict>: faults[0]: missing required key 'action'"]
    assert load({"name": "x"}).name == "x"


def test_unknown_sources_say_what_exists(tmp_path: Path) -> None:
    assert problems(str(tmp_path / "missing.yaml")) == [f"{tmp_path / 'missing.yaml'}: no such scenario file"]
    message = problems("no-such-scenario")[0]
    assert "no scenario file or bundled scenario by that name" in message and "system-busy-burst" in message


def test_unquoted_yaml_timestamps_and_durations_are_understood(tmp_path: Path) -> None:
    loaded = load(write(tmp_path, "name: x\nclock: {start: 2026-01-05T10:00:00+08:00}\n"
                                  "timeline:\n  - {at: 2026-01-05T10:30:00+08:00, expire_tokens: true}\n"))
    assert loaded.clock.start == "2026-01-05T10:00:00+08:00"
    assert loaded.timeline[0].at == TimeRef(1767580200 * 1_000_000, relative=False)
    assert parse_duration("+1h30m") == 5_400_000_000 and parse_duration("+500ms") == 500_000
    with pytest.raises(ValueError, match="expected a duration"):
        parse_duration("10m")


def test_the_shipped_schema_is_valid_and_refuses_unknown_top_level_keys() -> None:
    doc = schema()
    Draft202012Validator.check_schema(doc)
    assert doc["additionalProperties"] is False
    assert set(doc["properties"]) == {"name", "description", "seed", "profile", "limits", "accounts",
                                      "clock", "catalog_seed", "faults", "timeline"}
    action = doc["$defs"]["action"]["properties"]
    assert set(action) == {"code", "message", "http_status", "body", "content_type", "delay_ms",
                           "reset_connection", "truncate_body", "revoke_tokens", "offline", "false_negative"}
    match = doc["$defs"]["match"]["properties"]
    assert set(match) == {"path", "method", "account", "calls", "every", "after", "between", "probability"}


# -- nothing half-applied ----------------------------------------------------------------------
def test_a_bad_scenario_builds_no_simulator(tmp_path: Path) -> None:
    bad = scenario({"match": {"path": "product/list"}, "action": {"code": 1600000}},
                   timeline=[{"at": "+1m", "account": "ghost@example.com", "level": "free"}])
    with pytest.raises(ScenarioError, match="ghost@example.com"):
        Simulator(scenario=bad)


def test_a_bad_scenario_posted_to_a_running_simulator_changes_nothing(make: SimFactory) -> None:
    sim = make(scenario=scenario(name="base"), seed=7)
    http = sim.app.test_client()
    before = (sim.profile, [a.public() for a in sim.accounts.all()], sim.faults.describe(),
              sim.clock.snapshot())
    # valid against the schema, but its apiKey belongs to another account: found only when applying
    taken = sim.seeded_keys[sim.accounts.all()[0].open_id]
    bad = {"name": "bad", "limits": {"throttle_status": 429, "daily_limit": 5},
           "clock": {"start": "2027-01-01T00:00:00+08:00"},
           "accounts": [{"email": "new@example.com", "apiKey": taken, "level": "free"}],
           "faults": [{"match": {"path": "setting/get"}, "action": {"code": 1600000}}]}
    answer = http.post("/__cjsim/scenario", json=bad)
    assert answer.status_code == 400
    assert "<dict>: accounts[0].apiKey: that apiKey belongs to another account" in answer.get_json()["error"]
    after = (sim.profile, [a.public() for a in sim.accounts.all()], sim.faults.describe(),
             sim.clock.snapshot())
    assert after == before


def test_later_scenarios_override_earlier_ones(make: SimFactory) -> None:
    first = {"name": "first", "seed": 1, "clock": {"start": START, "frozen": True},
             "limits": {"throttle_status": 429, "daily_limit": 500},
             "accounts": [{"email": "a@example.com", "level": "free", "balance": 10}],
             "faults": [{"match": {"path": "setting/get"}, "action": {"delay_ms": 1}}]}
    second = {"name": "second", "seed": 2, "limits": {"daily_limit": 700},
              "accounts": [{"email": "a@example.com", "level": "prime"}, {"email": "b@example.com"}],
              "faults": [{"match": {"path": "setting/get"}, "action": {"code": 1600000}}]}
    sim = make(scenario=[first, second])
    assert sim.seed == 2
    assert sim.profile.rules.by_id("R5").limit == 700
    assert sim.profile.rules.by_id("R4").http_status == 429  # the first one's knob is kept
    a = sim.accounts.by_email("a@example.com")
    assert a is not None and (a.level, str(a.balance)) == (3, "10.00")
    assert sim.accounts.by_email("b@example.com") is not None
    described = sim.faults.describe()
    assert described["active"] == ["first", "second"] and [f["index"] for f in described["faults"]] == [0, 1]


def test_scenario_settings_win_over_constructor_arguments(make: SimFactory) -> None:
    sim = make(scenario={"name": "x", "seed": 5, "clock": {"start": START, "frozen": True},
                         "limits": {"strictness": "shadow"}},
               seed=1, clock="system", strictness="strict")
    assert (sim.seed, sim.clock.frozen, sim.profile.strictness) == (5, True, "shadow")
    assert sim.clock.snapshot()["now"] == START


# -- cjsim scenarios ---------------------------------------------------------------------------
def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cjsim", "scenarios", *args],
                          capture_output=True, text=True, timeout=60)


def test_cli_validate_exits_non_zero_with_the_clear_error(tmp_path: Path) -> None:
    good = write(tmp_path, "name: ok\nfaults:\n  - match: {path: product/list, calls: [1]}\n"
                           "    action: {code: 1600000}\n", "good.yaml")
    bad = write(tmp_path, "name: bad\nfaults:\n  - match: {path: product/list}\n"
                          "    action: {code: 1600000, colour: red}\n", "bad.yaml")
    ok = cli("validate", str(good))
    assert ok.returncode == 0 and f"ok: {good} (ok: 1 fault(s), 0 timeline step(s))" in ok.stdout
    failed = cli("validate", str(good), str(bad))
    assert failed.returncode == 1
    assert f"{bad}:4: faults[0].action.colour: unknown key 'colour'" in failed.stderr


def test_cli_list_and_show_the_bundled_library() -> None:
    listed = cli("list")
    assert listed.returncode == 0
    names = [line.split()[0] for line in listed.stdout.splitlines()]
    assert len(names) >= 12 and "system-busy-burst" in names
    shown = cli("show", "system-busy-burst")
    assert shown.returncode == 0 and shown.stdout.startswith("name: system-busy-burst\n")
    missing = cli("show", "nope")
    assert missing.returncode == 1 and "no bundled scenario 'nope'" in missing.stderr


def test_serve_refuses_a_bad_scenario_with_its_lines(tmp_path: Path) -> None:
    bad = write(tmp_path, "name: bad\nseed: x\n")
    run = subprocess.run([sys.executable, "-m", "cjsim", "serve", "--port", "0", "--scenario", str(bad)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert f"{bad}:2: seed: expected a non-negative integer seed, got 'x'" in run.stderr


def test_loading_applies_nothing_and_driver_sanity(make: SimFactory) -> None:
    loaded = load(scenario(name="plain"))
    assert loaded.name == "plain" and loaded.accounts[0].email == "dev@example.com"
    sim = make(scenario=loaded)
    driver = Driver(sim)
    driver.login()
    assert driver.code("setting/get") == 200
