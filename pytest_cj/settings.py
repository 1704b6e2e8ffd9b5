"""What configures a test's simulator: the ``cj`` marker over command-line options over ini
keys over defaults, resolved in one place so every fixture agrees.

Defaults are chosen for reproducible tests: a frozen clock at a fixed Monday morning in
China time and a fixed seed (tokens, keys and request ids are the same on every run).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from cjsim.profiles import STRICTNESS
from cjsim.simulator import DEFAULT_SEED, Simulator

DEFAULT_START = "2026-01-05T10:00:00+08:00"
AUDIT_MODES = ("off", "warn", "fail")
SLEEP_MODES = ("real", "patch")
MARKER_KEYS = ("profile", "scenario", "level", "verified", "strictness", "start", "audit",
               "sleep", "seed", "simulator")
OPTIONS = {  # name -> help; each is --cj-NAME and the ini key cj_NAME
    "profile": "rule profile of the simulator (default: legacy)",
    "scenario": "scenario file or bundled scenario name for every test's simulator",
    "strictness": "limit strictness: strict (default), lenient or shadow",
    "report": "write the compliance audit of all tests as JSON to this path",
    "audit": "default audit verdict for tests without audit= in their marker: off (default), warn or fail",
}


@dataclass(frozen=True)
class SimSettings:
    """Everything that shapes a Simulator. Equal settings -> a reset server can be reused."""

    profile: str = "legacy"
    scenario: str | None = None
    strictness: str | None = None
    start: str | datetime = DEFAULT_START
    seed: int | None = DEFAULT_SEED
    options: dict[str, Any] = field(default_factory=dict)

    def build(self) -> Simulator:
        from pytest_cj.clock import follow_freezegun

        kwargs: dict[str, Any] = {"seed": self.seed, "clock": "frozen", "start": self.start,
                                  "profile": self.profile, "strictness": self.strictness}
        if self.scenario is not None:
            if "scenario" not in inspect.signature(Simulator).parameters:
                raise pytest.UsageError("this cjsim has no scenario support (Simulator(scenario=...))")
            kwargs["scenario"] = self.scenario
        kwargs.update(self.options)
        sim = Simulator(**kwargs)
        follow_freezegun(sim)
        return sim


@dataclass(frozen=True)
class ItemSettings:
    sim: SimSettings
    level: Any = "free"
    verified: bool = False
    audit: str = "off"
    sleep: str | None = None  # None: patched while the clock is frozen (the default), else real


def option(config: pytest.Config, name: str) -> str | None:
    """``--cj-NAME``, else the ini key ``cj_NAME``, else None."""
    value = config.getoption(f"cj_{name}", default=None)
    if value in (None, ""):
        value = config.getini(f"cj_{name}") or None
    return str(value) if value is not None else None


def _scenario_path(value: str | None, base: Path | None) -> str | None:
    """A relative scenario *file* is looked up beside the ini file / the test module; a name
    that is not a file is passed through (a bundled scenario)."""
    if value is None or base is None:
        return value
    candidate = Path(value)
    if not candidate.is_absolute() and (base / candidate).is_file():
        return str(base / candidate)
    return value


def session_settings(config: pytest.Config) -> SimSettings:
    """The settings from options and ini keys alone (the shared server starts with them)."""
    scenario = config.getoption("cj_scenario", default=None)
    if scenario:
        scenario = _scenario_path(scenario, config.invocation_params.dir)
    else:
        scenario = _scenario_path(config.getini("cj_scenario") or None,
                                  config.inipath.parent if config.inipath else config.rootpath)
    strictness = option(config, "strictness")
    if strictness is not None and strictness not in STRICTNESS:
        raise pytest.UsageError(f"cj strictness must be one of {', '.join(STRICTNESS)}, not {strictness!r}")
    return SimSettings(profile=option(config, "profile") or "legacy", scenario=scenario,
                       strictness=strictness)


def item_settings(item: pytest.Item) -> ItemSettings:
    """The settings of one test: its ``cj`` marker over the session's."""
    config = item.config
    base = session_settings(config)
    audit = option(config, "audit") or "off"
    marker = item.get_closest_marker("cj")
    if marker is None:
        return ItemSettings(sim=base, audit=audit)
    if marker.args:
        raise pytest.UsageError(f"{item.nodeid}: @pytest.mark.cj takes keywords only, e.g. cj(level='plus')")
    kwargs = dict(marker.kwargs)
    unknown = sorted(set(kwargs) - set(MARKER_KEYS))
    if unknown:
        raise pytest.UsageError(f"{item.nodeid}: unknown @pytest.mark.cj keyword(s) {', '.join(unknown)}"
                                f" (known: {', '.join(MARKER_KEYS)})")
    audit = kwargs.get("audit", audit)
    if audit not in AUDIT_MODES:
        raise pytest.UsageError(f"{item.nodeid}: cj(audit=...) must be one of {', '.join(AUDIT_MODES)}")
    sleep = kwargs.get("sleep")
    if sleep is not None and sleep not in SLEEP_MODES:
        raise pytest.UsageError(f"{item.nodeid}: cj(sleep=...) must be 'patch' or 'real', not {sleep!r}")
    strictness = kwargs.get("strictness", base.strictness)
    if strictness is not None and strictness not in STRICTNESS:
        raise pytest.UsageError(f"{item.nodeid}: cj(strictness=...) must be one of {', '.join(STRICTNESS)}")
    extra = kwargs.get("simulator", {})
    if not isinstance(extra, dict):
        raise pytest.UsageError(f"{item.nodeid}: cj(simulator=...) must be a dict of Simulator keywords")
    scenario = base.scenario
    if "scenario" in kwargs:
        scenario = _scenario_path(kwargs["scenario"], Path(str(item.path)).parent)
    sim = replace(base, profile=kwargs.get("profile", base.profile), scenario=scenario,
                  strictness=strictness, start=kwargs.get("start", base.start),
                  seed=kwargs.get("seed", base.seed), options=dict(extra))
    verified = kwargs.get("verified", False)
    if not isinstance(verified, bool):
        raise pytest.UsageError(f"{item.nodeid}: cj(verified=...) must be True or False")
    return ItemSettings(sim=sim, level=kwargs.get("level", "free"), verified=verified,
                        audit=audit, sleep=sleep)
