"""Scenario errors that say where and what: file, line, field path, what was expected.

A scenario is written by hand and read by a machine that will not guess, so every problem
names the exact spot (``faults[0].action.code``) and the line the author has to open. All
problems of a file are reported at once: fixing them one run at a time is tedious.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

PathPart = str | int
MAX_MESSAGE = 300
FieldPath = tuple[PathPart, ...]


def format_path(path: Sequence[PathPart]) -> str:
    """``("faults", 0, "action", "code")`` -> ``faults[0].action.code``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


class Lines:
    """Line numbers of the fields of a parsed document, by field path.

    Keys are stored as strings, because YAML turns ``{0: 1}`` into an int key while JSON
    Schema reports array indexes as ints; the tree shape already tells which is which.
    """

    def __init__(self, lines: Mapping[tuple[str, ...], int] | None = None) -> None:
        self._lines: dict[tuple[str, ...], int] = dict(lines or {})

    def set(self, path: Sequence[PathPart], line: int) -> None:
        self._lines.setdefault(tuple(str(p) for p in path), line)

    def line(self, path: Sequence[PathPart]) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        key = tuple(str(p) for p in path)
        while True:
            if key in self._lines:
                return self._lines[key]
            if not key:
                return None
            key = key[:-1]


@dataclass(frozen=True)
class Problem:
    source: str  # a file path, "bundled:<name>", or "<dict>"
    line: int | None
    path: FieldPath
    message: str

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        if not self.path:
            return f"{where}: {self.message}"
        return f"{where}: {format_path(self.path)}: {self.message}"


@dataclass(frozen=True)
class Partial:
    """A document that failed to load, kept so later checks (account references) can still
    report on it in the same pass."""

    raw: Mapping[str, object]
    source: str
    lines: Lines


class ScenarioError(ValueError):
    """A scenario that cannot be loaded or applied. Nothing of it has been applied.

    A ``ValueError``, so ``cjsim serve`` reports it like any other bad option.
    """

    def __init__(self, problems: Iterable[Problem], partials: Iterable[Partial] = ()) -> None:
        self.partials = list(partials)
        unique = dict.fromkeys(problems)  # one problem found by two checks is said once
        self.problems = sorted(unique, key=lambda p: (p.source, p.line or 0, format_path(p.path)))
        super().__init__("\n".join(str(p) for p in self.problems) or "invalid scenario")

    @classmethod
    def one(cls, source: str, message: str, path: FieldPath = (), line: int | None = None) -> ScenarioError:
        return cls([Problem(source, line, path, message)])


class Collector:
    """Gathers the problems of one document, with lines looked up from its ``Lines``."""

    def __init__(self, source: str, lines: Lines | None = None) -> None:
        self.source = source
        self.lines = lines or Lines()
        self.problems: list[Problem] = []

    def add(self, path: Sequence[PathPart], message: str) -> None:
        if len(message) > MAX_MESSAGE:  # a message quotes at most a short excerpt of the input
            message = message[: MAX_MESSAGE - 3] + "..."
        self.problems.append(Problem(self.source, self.lines.line(path), tuple(path), message))

    def raise_if_any(self) -> None:
        if self.problems:
            raise ScenarioError(self.problems)
