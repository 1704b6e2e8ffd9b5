"""The Flask app's URL rules (cjsim/app.py): URL builders are generated on first use, and a
built URL is the one werkzeug's own rules build."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.routing import Map, Rule

from cjsim import Simulator


@pytest.fixture
def compiled_builders(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The rules werkzeug generated a URL builder for, in order."""
    seen: list[str] = []
    original = Rule._compile_builder

    def counting(self: Rule, append_unknown: bool = True) -> Any:
        seen.append(self.rule)
        return original(self, append_unknown)

    monkeypatch.setattr(Rule, "_compile_builder", counting)
    yield seen


def test_a_new_simulator_generates_no_url_builder(compiled_builders: list[str]) -> None:
    sim = Simulator(clock="frozen")
    assert len(list(sim.app.url_map.iter_rules())) > 20
    assert compiled_builders == []
    adapter = sim.app.url_map.bind("localhost")
    assert adapter.build("cjsim_control.health") == "/__cjsim/health"
    assert compiled_builders == ["/__cjsim/health"]  # the first build generates it, once
    assert adapter.build("cjsim_control.health") == "/__cjsim/health"
    assert compiled_builders == ["/__cjsim/health"]


def test_every_rule_builds_what_a_werkzeug_rule_builds() -> None:
    sim = Simulator(clock="frozen")
    rules = list(sim.app.url_map.iter_rules())
    plain = Map([Rule(r.rule, endpoint=r.endpoint, methods=r.methods) for r in rules],
                merge_slashes=False, strict_slashes=False)
    ours, theirs = sim.app.url_map.bind("cj.example", "/root"), plain.bind("cj.example", "/root")
    for rule in rules:
        values = {name: "a b/ç" for name in rule.arguments}
        for extra in ({}, {"since": "3", "q": "x y"}):
            for external in (False, True):
                built = ours.build(rule.endpoint, {**values, **extra}, force_external=external)
                assert built == theirs.build(rule.endpoint, {**values, **extra},
                                             force_external=external), rule.rule
