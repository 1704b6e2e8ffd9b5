"""Build hook: the wheel carries the top-level ``scenarios/`` inside the ``cjsim`` package.

The bundled scenario files live at the top of the repository, where people look for them,
but a regular (non-editable) install has no repository: ``build_py`` therefore copies them
to ``cjsim/scenario/library/`` in the build tree, and ``cjsim.scenario.bundled`` reads them
from there with ``importlib.resources``. An editable install skips the copy; the locator
then falls back to the checkout's ``scenarios/`` folder, so edits show up at once.

Wired in ``pyproject.toml`` under ``[tool.setuptools.cmdclass]``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools.command.build_py import build_py

SOURCE = "scenarios"
TARGET = ("cjsim", "scenario", "library")
PATTERNS = ("*.yaml", "*.yml", "*.json", "README.md")


class BuildPy(build_py):
    def _scenario_files(self) -> list[Path]:
        root = Path(SOURCE)
        return sorted({f for pattern in PATTERNS for f in root.glob(pattern) if f.is_file()})

    def _target(self) -> Path:
        return Path(self.build_lib, *TARGET)

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = self._target()
        target.mkdir(parents=True, exist_ok=True)
        for source in self._scenario_files():
            shutil.copyfile(source, target / source.name)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = list(super().get_outputs(include_bytecode))
        if not getattr(self, "editable_mode", False):
            outputs += [str(self._target() / f.name) for f in self._scenario_files()]
        return outputs
