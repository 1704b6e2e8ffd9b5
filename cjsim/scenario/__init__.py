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

from cjsim.scenario.errors import Problem, ScenarioError
from cjsim.scenario.loader import ScenarioSource, load, schema
from cjsim.scenario.model import Scenario

__all__ = ["Problem", "Scenario", "ScenarioError", "ScenarioSource", "load", "schema"]
