"""Fuzzing scenario files: any document or text gets a clear ScenarioError (or loads), never
another exception; a refused scenario changes nothing in a running simulator."""

from __future__ import annotations

import json
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cjsim import Simulator
from cjsim.scenario.errors import ScenarioError
from cjsim.scenario.loader import load_text
from tests.test_fuzz import EXAMPLES

FUZZ = settings(max_examples=EXAMPLES * 2, derandomize=True, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])

TOP = ["name", "description", "seed", "profile", "limits", "accounts", "clock", "catalog_seed",
       "faults", "timeline", "colour"]
MATCH = ["path", "method", "account", "calls", "every", "after", "between", "probability", "speed"]
ACTION = ["code", "message", "http_status", "body", "content_type", "delay_ms", "reset_connection",
          "truncate_body", "revoke_tokens", "offline", "false_negative", "explode"]
leaf = st.one_of(st.none(), st.booleans(), st.integers(-10, 2_000_000), st.floats(allow_nan=False),
                 st.text(max_size=12), st.sampled_from(["/api2.0/v1/product/query", "product/*", "+10m",
                                                        "2026-01-05T10:00:00+08:00", "GET", "free"]))
value = st.recursive(leaf, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    st.text(max_size=6), inner, max_size=3), max_leaves=8)
fault = st.fixed_dictionaries({}, optional={
    "match": st.dictionaries(st.sampled_from(MATCH), value, max_size=4),
    "action": st.dictionaries(st.sampled_from(ACTION), value, max_size=3)})
documents = st.dictionaries(st.sampled_from(TOP), value, max_size=6).flatmap(
    lambda doc: st.lists(fault, max_size=3).map(lambda faults: {**doc, "faults": faults}) | st.just(doc))


def state(sim: Simulator) -> Any:
    return ([a.public() for a in sim.accounts.all()], sim.profile, sim.faults.describe(),
            sim.clock.snapshot())


@FUZZ
@given(doc=documents)
def test_any_scenario_document_loads_or_names_its_problem(doc: dict[str, Any]) -> None:
    text = yaml.safe_dump(doc, allow_unicode=True)
    try:
        load_text(text, "fuzz.yaml")
    except ScenarioError as exc:
        message = str(exc)
        assert message and "fuzz.yaml" in message
        assert all(p.source == "fuzz.yaml" for p in exc.problems)


@FUZZ
@given(text=st.text(max_size=200))
def test_any_text_loads_or_names_its_problem(text: str) -> None:
    try:
        load_text(text, "text.yaml")
    except ScenarioError as exc:
        assert "text.yaml" in str(exc)


SIM = Simulator(clock="frozen", start="2026-01-05T10:00:00+08:00",
                scenario={"name": "base", "faults": [{"match": {"path": "/api2.0/v1/setting/get", "calls": [9]},
                                                      "action": {"code": 1600000}}]})
SIM.account("keep@example.com", level="plus")


@FUZZ
@given(doc=documents)
def test_a_refused_scenario_changes_nothing(doc: dict[str, Any]) -> None:
    before = state(SIM)
    answer = SIM.app.test_client().post("/__cjsim/scenario", data=json.dumps(doc, default=str),
                                        content_type="application/json")
    assert answer.status_code in (200, 400), answer.get_json()
    if answer.status_code == 400:
        assert answer.get_json()["error"]
        assert state(SIM) == before
    else:
        SIM.reset()
