"""Start-up stays lean (issue 13): a plain ``Simulator()`` does not import what only some
of its features use. Not a timing check: it reads ``sys.modules`` of a fresh interpreter,
so a later eager import of one of these modules fails here rather than silently adding
milliseconds to every test suite's simulators (``benchmarks/startup.py`` times them).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

# modules a plain Simulator() must not load, each with the feature that needs it
NOT_AT_START = {
    "yaml": "scenario files (cjsim.scenario.loader)",
    "jsonschema": "scenario validation (cjsim.scenario.loader)",
    "cjsim.scenario": "scenarios (Simulator(scenario=...), POST /__cjsim/scenario)",
    "cjsim.scenario.loader": "scenarios",
    "cjsim.scenario.build": "scenarios",
    "cjsim.domain.catalogue": "the catalogue, built on the first product call",
    "faker": "the catalogue's generator",
    "cjsim.audit": "the compliance audit (GET /__cjsim/audit, pytest_cj)",
    "cjsim.openapi": "the OpenAPI document (GET /__cjsim/openapi.json, cjsim openapi)",
    "cjsim.interception": "in-process interception (cjsim.intercept, pytest_cj's cj_intercept)",
}


def loaded_after(code: str) -> list[str]:
    """Which of NOT_AT_START a fresh interpreter holds after running ``code``."""
    probe = (f"{code}\nimport json, sys\n"
             f"print(json.dumps([m for m in {sorted(NOT_AT_START)!r} if m in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         timeout=60, check=True)
    loaded: list[str] = json.loads(out.stdout.strip().splitlines()[-1])
    return loaded


def test_a_plain_simulator_imports_none_of_the_optional_features() -> None:
    loaded = loaded_after("import cjsim\ncjsim.Simulator()")
    assert loaded == [], {name: NOT_AT_START[name] for name in loaded}


def test_the_probe_sees_a_module_that_is_loaded() -> None:
    # the check above can fail: loading a scenario does import the loader and YAML
    loaded = loaded_after("import cjsim.scenario\ncjsim.scenario.load")
    assert "cjsim.scenario.loader" in loaded and "yaml" in loaded


def test_the_scenario_package_still_exports_its_names() -> None:
    import cjsim.scenario
    from cjsim.scenario.errors import Problem, ScenarioError
    from cjsim.scenario.loader import ScenarioSource, load, schema
    from cjsim.scenario.model import Scenario

    expected = {"Problem": Problem, "Scenario": Scenario, "ScenarioError": ScenarioError,
                "ScenarioSource": ScenarioSource, "load": load, "schema": schema}
    assert {name: getattr(cjsim.scenario, name) for name in cjsim.scenario.__all__} == expected
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = cjsim.scenario.nothing


def test_the_cjsim_package_still_exports_its_names() -> None:
    import cjsim
    import cjsim.interception
    from cjsim.clock import Clock
    from cjsim.errors import CJError
    from cjsim.simulator import Simulator

    expected = {"CJError": CJError, "CJRealHostError": cjsim.interception.CJRealHostError,
                "Clock": Clock, "Intercept": cjsim.interception.Intercept, "Simulator": Simulator,
                "create_app": cjsim.create_app, "intercept": cjsim.interception.intercept,
                "__version__": cjsim.__version__}
    assert {name: getattr(cjsim, name) for name in cjsim.__all__} == expected
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = cjsim.nothing
