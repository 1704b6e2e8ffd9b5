"""Where the bundled scenarios are: inside the installed package, or the repo's ``scenarios/``.

The files live in the top-level ``scenarios/`` folder of the repository (where people look
for them). The wheel build copies them into ``cjsim/scenario/library/`` (see
``tools/build_scenarios.py``), so a regular install finds them as package data; an editable
checkout has no copy and reads the folder itself.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

SUFFIXES = (".yaml", ".yml", ".json")
PACKAGE_DIR = "library"


def directory() -> Traversable | None:
    """The folder holding the bundled scenarios, package data first."""
    packaged = resources.files("cjsim.scenario").joinpath(PACKAGE_DIR)
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "scenarios"
    if checkout.is_dir():
        return checkout
    return None


def _files() -> dict[str, Traversable]:
    folder = directory()
    if folder is None:
        return {}
    found: dict[str, Traversable] = {}
    for entry in folder.iterdir():
        name = entry.name
        for suffix in SUFFIXES:
            if name.endswith(suffix) and entry.is_file():
                found.setdefault(name[: -len(suffix)], entry)
    return dict(sorted(found.items()))


def names() -> list[str]:
    return list(_files())


def exists(name: str) -> bool:
    return name in _files()


def resolve(name: str) -> str | None:
    """The bundled name ``name`` refers to: itself, or itself without its file extension
    (``chaos.yaml`` -> ``chaos``); None for anything else (never a path)."""
    files = _files()
    if name in files:
        return name
    for suffix in SUFFIXES:
        stem = name[: -len(suffix)] if name.endswith(suffix) else None
        if stem and stem in files and files[stem].name == name:
            return stem
    return None


def read(name: str) -> str:
    entry = _files().get(name)
    if entry is None:
        raise KeyError(name)
    return entry.read_text(encoding="utf-8")


def is_json(name: str) -> bool:
    entry = _files().get(name)
    return entry is not None and entry.name.endswith(".json")
