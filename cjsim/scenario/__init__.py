"""Scenarios: scripted, deterministic CJ misbehaviour in CJ's own vocabulary.

A scenario file (YAML or JSON, see ``scenarios/README.md`` and ``schema.json``) sets the
profile and rule knobs, accounts, the clock, a list of faults (a match plus an action) and
a timeline. ``load`` reads and validates one without applying anything;
``Simulator(scenario=...)``, ``cjsim serve --scenario`` and ``POST /__cjsim/scenario`` apply.

Rooms: ``model`` (typed data), ``loader`` + ``build`` (parse, schema, checks), ``errors``
(file/line/field messages), ``bundled`` (the shipped library), ``apply`` (all-or-nothing
application), ``engine`` (``sim.faults``: matching, actions, timeline), ``answers`` (raw
bodies, cut bodies, resets), ``cli`` (``cjsim scenarios``).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cjsim.scenario.errors import Problem, ScenarioError
    from cjsim.scenario.loader import ScenarioSource, load, schema
    from cjsim.scenario.model import Scenario

__all__ = ["Problem", "Scenario", "ScenarioError", "ScenarioSource", "load", "schema"]

# Imported on first use: importing a submodule (``cjsim.scenario.errors``, which every
# simulator's control API names) must not load the loader's YAML, jsonschema and catalogue.
_HOMES = {"Problem": "errors", "ScenarioError": "errors", "ScenarioSource": "loader",
          "load": "loader", "schema": "loader", "Scenario": "model"}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value
