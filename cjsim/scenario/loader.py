"""Reading scenario files: YAML (with line numbers) or JSON, then the shipped JSON Schema.

Three passes, each reporting every problem it finds with file, line and field path:
parse (YAML/JSON syntax, duplicate keys), schema (types, unknown keys, ranges), then
``build`` (what a schema cannot say: times, known interfaces, action combinations). Only
a document that passes all three becomes a :class:`Scenario`; loading applies nothing.
"""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Collection, Mapping
from datetime import date, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from cjsim.scenario import bundled
from cjsim.scenario.build import build
from cjsim.scenario.errors import Collector, FieldPath, Lines, Partial, PathPart, Problem, ScenarioError
from cjsim.scenario.model import Scenario

ScenarioSource = str | os.PathLike[str] | Mapping[str, Any] | Scenario

MAX_BYTES = 1 << 20  # a scenario document's default size cap (Simulator(max_scenario_bytes=))
MAX_ALIAS_NODES = 10_000  # how many nodes YAML aliases may add when expanded ("billion laughs")
MAX_DEPTH = 32  # nesting of a scenario document; real ones are 5 deep
INT_MAX = 2**63 - 1  # integers are stored as JSON: a seed, count or limit past this is refused


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The JSON Schema shipped in the package (``cjsim/scenario/schema.json``)."""
    text = resources.files("cjsim.scenario").joinpath("schema.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schema())


# -- sources ---------------------------------------------------------------------------
def load(source: ScenarioSource, known_paths: Collection[str] | None = None,
         max_bytes: int = MAX_BYTES) -> Scenario:
    """A file path, a bundled name, a dict, or an already loaded Scenario -> Scenario.

    Files are for the CLI and Python callers; the control API names bundled scenarios
    only (:func:`load_bundled`) and never opens a path it was sent."""
    if isinstance(source, Scenario):
        return source
    if isinstance(source, Mapping):
        return load_document(dict(source), "<dict>", Lines(), known_paths)
    text_source = os.fspath(source)
    path = Path(text_source)
    if path.is_file():
        return load_text(read_file(path, max_bytes), str(path), known_paths,
                         json_syntax=path.suffix.lower() == ".json", max_bytes=max_bytes)
    if bundled.exists(text_source):
        return load_bundled(text_source, known_paths)
    looks_like_file = path.suffix.lower() in (".yaml", ".yml", ".json") or os.sep in text_source \
        or "/" in text_source
    if looks_like_file:
        raise ScenarioError.one(text_source, "no such scenario file")
    raise ScenarioError.one(text_source, "no scenario file or bundled scenario by that name "
                            f"(bundled: {', '.join(bundled.names()) or 'none'})")


def load_bundled(name: str, known_paths: Collection[str] | None = None) -> Scenario:
    """A scenario shipped with cjsim, by name (``chaos`` or ``chaos.yaml``); nothing else."""
    found = bundled.resolve(name)
    if found is None:
        shown = name if len(name) <= 40 else name[:37] + "..."
        raise ScenarioError.one("<name>", f"no bundled scenario {shown!r} "
                                f"(bundled: {', '.join(bundled.names()) or 'none'})")
    return load_text(bundled.read(found), f"bundled:{found}", known_paths,
                     json_syntax=bundled.is_json(found))


def read_file(path: Path, max_bytes: int = MAX_BYTES) -> str:
    """A scenario file's text: at most ``max_bytes``, UTF-8, or a ScenarioError naming it."""
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise ScenarioError.one(str(path), f"cannot read the file: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise ScenarioError.one(str(path), f"the file is larger than {max_bytes} bytes "
                                "(the scenario size cap, --max-scenario-bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError.one(str(path), f"not UTF-8 text (byte {exc.start} is not valid UTF-8)") from None


def load_text(text: str, source: str, known_paths: Collection[str] | None = None,
              json_syntax: bool = False, max_bytes: int | None = None) -> Scenario:
    if max_bytes is not None and len(text) > max_bytes // 4 and len(text.encode("utf-8")) > max_bytes:
        raise ScenarioError.one(source, f"the document is larger than {max_bytes} bytes "
                                "(the scenario size cap)")
    if json_syntax:
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ScenarioError.one(source, f"not valid JSON: {exc.msg} (column {exc.colno})",
                                    line=exc.lineno) from None
        except RecursionError:
            raise ScenarioError.one(source, f"nested too deeply (at most {MAX_DEPTH} levels)") from None
        lines = _yaml_lines(text)  # JSON is YAML: borrow its line numbers when it parses
    else:
        doc, lines = _parse_yaml(text, source)
    return load_document(doc, source, lines, known_paths)


def load_document(doc: Any, source: str, lines: Lines,
                  known_paths: Collection[str] | None = None) -> Scenario:
    collector = Collector(source, lines)
    doc = _normalize(doc, (), collector)
    collector.raise_if_any()
    if doc is None:
        collector.add((), "the scenario is empty: expected a mapping with at least a name")
        collector.raise_if_any()
    skip: set[tuple[PathPart, ...]] = set()
    for error in _validator().iter_errors(doc):
        _report(error, collector)
        where = tuple(error.absolute_path)
        if where or error.validator not in ("required", "additionalProperties"):
            skip.add(_unit(where))  # a missing name or an unknown top-level key stops nothing
    buildable = isinstance(doc, dict) and () not in skip
    if collector.problems and not buildable:
        collector.raise_if_any()
    # One pass: the parts the schema accepted are still built, so a file with a schema error,
    # a wrong interface name and an unknown account hears about all three at once.
    if buildable and not isinstance(doc.get("name"), str):
        doc = {**doc, "name": "?"}
    scenario = build(doc, collector, known_paths, frozenset(skip))
    if collector.problems:
        raise ScenarioError(collector.problems, partials=[Partial(doc, source, lines)])
    assert scenario is not None
    return scenario


def _unit(path: tuple[PathPart, ...]) -> tuple[PathPart, ...]:
    """The part of a document a schema error at ``path`` makes unbuildable: one item of
    accounts/faults/timeline, else the whole top-level key (``()``: the document)."""
    if len(path) >= 2 and path[0] in ("accounts", "faults", "timeline") and isinstance(path[1], int):
        return path[:2]
    if path and path[0] == "name":
        return ("name",)
    return path[:1]


# -- YAML with line numbers --------------------------------------------------------------
def _parse_yaml(text: str, source: str) -> tuple[Any, Lines]:
    try:  # the reader refuses control characters at once, in the constructor
        loader = yaml.SafeLoader(text)
    except yaml.YAMLError as exc:
        raise ScenarioError.one(source, f"not valid YAML: {exc}") from None
    try:
        node = loader.get_single_node()
        lines = Lines()
        if node is None:
            return None, lines
        collector = Collector(source, lines)
        _check_expansion(node, source)
        _walk(node, (), lines, collector)
        collector.raise_if_any()
        return loader.construct_document(node), lines
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "syntax error"
        raise ScenarioError.one(source, f"not valid YAML: {problem}",
                                line=mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:  # no text of the document: it may be anything
        raise ScenarioError.one(source, f"not valid YAML ({type(exc).__name__})") from None
    except RecursionError:
        raise ScenarioError.one(source, f"nested too deeply (at most {MAX_DEPTH} levels)") from None
    finally:
        loader.dispose()


def _check_expansion(root: yaml.Node, source: str) -> None:
    """Refuse a document whose aliases expand past MAX_ALIAS_NODES extra nodes, or nest
    past MAX_DEPTH, before anything walks it expanded (each node is counted once)."""
    sizes: dict[int, int] = {}
    unique = 0
    # iterative post-order: (node, depth, children done?)
    todo: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    on_path: set[int] = set()
    while todo:
        node, depth, done = todo.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            sizes[key] = 1 + sum(sizes[id(c)] for c in _children(node))
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise ScenarioError.one(source, "not valid YAML: an alias refers to a node that contains it")
        if depth > MAX_DEPTH:
            raise ScenarioError.one(source, f"nested too deeply (at most {MAX_DEPTH} levels)",
                                    line=node.start_mark.line + 1)
        unique += 1
        on_path.add(key)
        todo.append((node, depth, True))
        todo.extend((child, depth + 1, False) for child in _children(node))
    if sizes[id(root)] - unique > MAX_ALIAS_NODES:
        raise ScenarioError.one(source, "YAML aliases expand the document by more than "
                                f"{MAX_ALIAS_NODES} nodes (refused: alias amplification)")


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _yaml_lines(text: str) -> Lines:
    lines = Lines()
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        if node is not None:
            _walk(node, (), lines, Collector("", lines))
    except (yaml.YAMLError, RecursionError):
        return lines
    return lines


def _walk(node: yaml.Node, path: FieldPath, lines: Lines, collector: Collector) -> None:
    """Record the line of every field (a key's own line) and reject duplicate keys."""
    lines.set(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
            child = (*path, key)
            if key in seen:
                collector.problems.append(Problem(collector.source, key_node.start_mark.line + 1,
                                                  child, f"duplicate key {key!r}"))
            seen.add(key)
            lines.set(child, key_node.start_mark.line + 1)
            _walk(value_node, child, lines, collector)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), lines, collector)


def _normalize(value: Any, path: FieldPath, collector: Collector) -> Any:
    """YAML's extra types -> JSON's: string keys, ISO strings for unquoted timestamps.
    Integers must fit 64 bits and numbers be finite (the store keeps JSON)."""
    if len(path) > MAX_DEPTH:
        collector.add(path[:MAX_DEPTH], f"nested too deeply (at most {MAX_DEPTH} levels)")
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and not -INT_MAX <= value <= INT_MAX:
        collector.add(path, f"{_show(value)} is out of range: integers are at most 2^63-1")
        return None
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        collector.add(path, f"expected a finite number, got {value}")
        return None
    if isinstance(value, dict):
        return {str(k): _normalize(v, (*path, str(k)), collector) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalize(v, (*path, i), collector) for i, v in enumerate(value)]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    collector.add(path, f"expected a JSON value, got a YAML {type(value).__name__}")
    return None


# -- schema errors, said plainly -----------------------------------------------------------
def _show(value: Any) -> str:
    """A short excerpt of a value the author wrote (never more: it may be anything)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    text = json.dumps(value, default=str) if isinstance(value, (dict, list)) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


_TYPE_NAMES = {"object": "a mapping", "array": "a list", "string": "a string", "integer": "an integer",
               "number": "a number", "boolean": "true or false", "null": "null"}


def _report(error: ValidationError, collector: Collector) -> None:
    path: tuple[PathPart, ...] = tuple(error.absolute_path)
    kind = error.validator
    sub: Mapping[str, Any] = error.schema if isinstance(error.schema, Mapping) else {}
    instance: Any = error.instance
    value: Any = error.validator_value
    if kind == "additionalProperties" and isinstance(instance, dict):
        allowed = sorted(sub.get("properties", {}))
        for key in sorted(set(instance) - set(allowed)):
            hint = difflib.get_close_matches(key, allowed, n=1)
            message = f"unknown key {key!r}"
            if hint:
                message += f" (did you mean {hint[0]!r}?)"
            if allowed:
                message += f"; allowed here: {', '.join(allowed)}"
            collector.add((*path, key), message)
        if not allowed:  # a mapping of free keys whose values failed
            collector.add(path, f"{_show(instance)} has values that are not allowed here")
        return
    if kind == "required":
        missing = [k for k in value if isinstance(instance, dict) and k not in instance]
        for key in missing:
            collector.add(path, f"missing required key {key!r}")
        return
    if kind == "minProperties":
        if path and path[-1] == "action":
            keys = ", ".join(sorted(sub.get("properties", {})))
            collector.add(path, f"an empty action does nothing: give at least one of {keys}")
        elif "at" in sub.get("properties", {}):
            collector.add(path, "a timeline step needs a change besides 'at' "
                                "(level, verified, balance, quotaLimits, offline, online, "
                                "expire_tokens, revoke_tokens, products)")
        else:
            collector.add(path, "expected at least one key")
        return
    if kind == "propertyNames":
        description = sub.get("description") or "a different key"
        collector.add(path, f"key {_show(instance)} is not allowed here: expected {description}")
        return
    if kind == "type":
        names = [value] if isinstance(value, str) else list(value)
        expected = " or ".join(_TYPE_NAMES.get(n, n) for n in names)
        if sub.get("description"):
            expected = str(sub["description"])
        collector.add(path, f"expected {expected}, got {_show(instance)}")
        return
    if kind == "enum":
        options = ", ".join(_show(v) for v in value)
        expected = f"one of {options}"
        if sub.get("description"):  # a long list is better named than spelled out
            expected = str(sub["description"]) + (f" ({options})" if len(value) <= 8 else "")
        collector.add(path, f"expected {expected}; got {_show(instance)}")
        return
    if kind in ("minItems", "maxItems") and not sub.get("description"):
        bound = "at least" if kind == "minItems" else "at most"
        collector.add(path, f"expected {bound} {value} item(s), got {len(instance)}")
        return
    bounds = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}
    if kind in bounds and not sub.get("description"):
        collector.add(path, f"expected a number {bounds[kind]} {value}, got {_show(instance)}")
        return
    if kind == "minLength" and not sub.get("description"):
        collector.add(path, f"expected a non-empty string, got {_show(instance)}")
        return
    description = sub.get("description")
    if description:
        collector.add(path, f"expected {description}, got {_show(instance)}")
    else:  # jsonschema's own words quote the whole value: say the rule and a short excerpt
        collector.add(path, f"{_show(instance)} does not satisfy {kind} {_show(value)}")
