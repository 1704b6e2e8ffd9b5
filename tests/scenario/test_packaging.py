"""The wheel carries the bundled scenarios and the schema inside the ``cjsim`` package, so
bundled names work from a regular install (no checkout, no ``scenarios/`` folder)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import cjsim.scenario
from cjsim.profiles import STRICTNESS
from cjsim.scenario import bundled

ROOT = Path(__file__).resolve().parents[2]
COPY = ("cjsim", "pytest_cj", "scenarios", "tools", "pyproject.toml", "README.md", "MANIFEST.in")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build from a copy of the tree, so the build leaves nothing in the working tree."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src"
    source.mkdir()
    for name in COPY:
        if not (ROOT / name).exists():
            continue
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, source / name)
    out = work / "dist"
    run = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(source)],
                         capture_output=True, text=True, timeout=300)
    if run.returncode != 0 and ("No matching distribution" in run.stderr or "Could not find" in run.stderr):
        pytest.skip("no package index for the isolated build: " + run.stderr.strip().splitlines()[-1])
    assert run.returncode == 0, run.stderr
    return next(out.glob("cjsim-*.whl"))


def test_the_wheel_holds_every_bundled_scenario_and_the_schema(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "cjsim/scenario/schema.json" in names
    assert "cjsim/scenario/library/README.md" in names
    packaged = {n.rsplit("/", 1)[1].removesuffix(".yaml") for n in names
                if n.startswith("cjsim/scenario/library/") and n.endswith(".yaml")}
    assert packaged == set(bundled.names())
    assert not any(n.startswith(("scenarios/", "tools/")) for n in names)  # nothing at the top level


def test_bundled_names_resolve_from_the_installed_package(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    probe = ("import cjsim.scenario.bundled as b; from cjsim.scenario import load; "
             "print(b.directory()); print(load('system-busy-burst').faults[0].action.code)")
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60,
                         cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(site)})
    assert run.returncode == 0, run.stderr
    where, code = run.stdout.split()
    assert where == str(site / "cjsim" / "scenario" / "library") and code == "1600000"


def test_the_schema_offers_exactly_the_strictness_levels_profiles_accept() -> None:
    # the JSON schema is data and cannot import STRICTNESS: hold it to the one definition
    schema = json.loads((Path(cjsim.scenario.__file__).parent / "schema.json").read_text(encoding="utf-8"))
    enums = [node["enum"] for node in _walk(schema) if set(node) == {"enum"}
             and set(node["enum"]) & set(STRICTNESS)]
    assert enums == [list(STRICTNESS)]


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)
