"""Helpers for testing the ``cj`` plugin, mostly through ``pytester`` (enabled for the whole
suite by ``-p pytester`` in pyproject's addopts: a non-root conftest may not set
``pytest_plugins``)."""

from __future__ import annotations

import contextlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

# pytester restores sys.modules after each in-process run, so a module an inner run imports
# is imported afresh by the next one, and objects of two generations of one module stop
# recognising each other (requests: "You can only merge into CookieJar"); hypothesis's plugin
# also re-imports hypothesis at the end of every run (2 s). Imported here, they stay.
import requests  # noqa: F401
import urllib3  # noqa: F401

with contextlib.suppress(ImportError):
    import aiohttp  # noqa: F401  (cjsim.intercept patches the aiohttp classes it finds at start)
    import httpx  # noqa: F401
    import hypothesis  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
DOCS = ROOT / "docs"
SAMPLE_CLIENTS = ("well_behaved", "misbehaving")


def example(name: str) -> ModuleType:
    """An example module, imported from ``examples/`` (a plain folder, not a package)."""
    key = f"cj_examples_{name}"
    if key in sys.modules:
        return sys.modules[key]
    spec = importlib.util.spec_from_file_location(key, EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[key] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def with_clients(pytester: pytest.Pytester) -> pytest.Pytester:
    """A pytester project holding the two sample clients, as an integrator's project would."""
    for name in SAMPLE_CLIENTS:
        pytester.makepyfile(**{name: (EXAMPLES / f"{name}.py").read_text(encoding="utf-8")})
    return pytester
