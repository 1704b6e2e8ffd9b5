"""The house rules of docs/rules.md and the architecture, read from the source itself: rules
are named only by the profiles and the limiter, a store namespace is read and written only by
the module that owns it, shared names and constants are defined once, dead code stays gone."""

from __future__ import annotations

import ast
import dataclasses
import functools
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from cjsim.audit import _Issue
from cjsim.domain.catalogue import Catalogue
from cjsim.domain.catalogue.model import Product, Variant
from cjsim.errors import CJError
from cjsim.limits.engine import Decision
from cjsim.profiles import PROFILES

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("cjsim", "pytest_cj")
RULE_OWNERS = ("cjsim/profiles/", "cjsim/limits/")
# an example of a log line in --log-format's help, not a rule looked up by its id
RULE_ID_EXAMPLES = {("cjsim/cli.py", "product/query -> 1600200 R4 acct 100042 0.4 ms")}


@functools.cache
def sources() -> tuple[tuple[str, ast.Module], ...]:
    return tuple((path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8")))
                 for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py")))


def _docstrings(tree: ast.Module) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def strings(tree: ast.Module) -> Iterator[ast.Constant]:
    """Every string constant of the code, docstrings left out."""
    docs = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            yield node


def test_no_rule_id_outside_the_profiles_and_the_limiter() -> None:
    ids = {rule.id for profile in PROFILES.values() for rule in profile.rules.rules}
    assert {"R1", "R5", "P"} <= ids
    found = []
    for name, tree in sources():
        if name.startswith(RULE_OWNERS):
            continue
        for node in strings(tree):
            text = node.value
            example = any(name == f and e in text for f, e in RULE_ID_EXAMPLES)
            if text in ids or (re.search(r"\bR\d[ab]?\b", text) and not example):
                found.append(f"{name}:{node.lineno}: {text!r}")
    assert not found, "rule ids named outside cjsim/profiles and cjsim/limits:\n" + "\n".join(found)


def _is_store_method(func: ast.expr) -> bool:
    """``<...>.store.get`` (and put/delete/items), ``store.get``, ``tx.get``, or a reader that
    falls back to one: ``(read or self.store.get)``."""
    if isinstance(func, ast.BoolOp):
        return any(_is_store_method(v) for v in func.values)
    if not (isinstance(func, ast.Attribute) and func.attr in ("get", "put", "delete", "items")):
        return False
    owner = func.value
    return (isinstance(owner, ast.Attribute) and owner.attr == "store") or (
        isinstance(owner, ast.Name) and owner.id in ("store", "tx"))


def _store_calls(tree: ast.Module) -> Iterator[ast.Call]:
    """The store reads and writes of a module (:func:`_is_store_method`)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args and _is_store_method(node.func):
            yield node


def test_a_namespace_is_read_and_written_only_by_its_own_module() -> None:
    """A namespace named by a constant another module defines (``from cjsim.domain.webhooks
    import NS``) is that module's: others ask it, they do not open its documents."""
    found = []
    for name, tree in sources():
        if name.startswith("cjsim/store/"):
            continue
        imported = {alias.asname or alias.name for node in ast.walk(tree)
                    if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("cjsim")
                    for alias in node.names}
        for call in _store_calls(tree):
            ns = call.args[0]
            if isinstance(ns, ast.Name) and ns.id in imported:
                found.append(f"{name}:{call.lineno}: {ns.id}")
    assert not found, "documents of another module's namespace:\n" + "\n".join(found)


def _module_constants(value: object, pattern: str) -> list[str]:
    """Module-level names matching ``pattern`` (anywhere in the packages) assigned exactly
    ``value``."""
    out = []
    for name, tree in sources():
        for node in tree.body:
            if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
                    and node.value.value == value and type(node.value.value) is type(value)):
                out += [f"{name}:{t.id}" for t in node.targets
                        if isinstance(t, ast.Name) and re.search(pattern, t.id)]
    return out


@pytest.mark.parametrize(("value", "pattern", "defined"), [
    (1_000_000, r"US$", ["cjsim/clock.py:US"]),  # microseconds in a second
    ("CJ-Access-Token", r"", ["cjsim/call.py:TOKEN_HEADER"]),
    ("journal", r"", ["cjsim/pipeline.py:JOURNAL_SEQ"]),  # the journal's log and sequence
])
def test_a_shared_constant_is_defined_once(value: object, pattern: str, defined: list[str]) -> None:
    assert _module_constants(value, pattern) == defined


@pytest.mark.parametrize("name", ["TOPICS", "STRICTNESS", "TOKEN_HEADER", "US"])
def test_a_shared_name_is_defined_once(name: str) -> None:
    where = [f for f, tree in sources() for node in tree.body
             if isinstance(node, (ast.Assign, ast.AnnAssign))
             and name in [t.id for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
                          if isinstance(t, ast.Name)]]
    assert len(where) == 1, where


def test_the_token_header_is_spelt_only_where_it_is_defined() -> None:
    spelt = [f"{name}:{node.lineno}" for name, tree in sources() for node in strings(tree)
             if node.value.lower() == "cj-access-token"]
    assert len(spelt) == 1 and spelt[0].startswith("cjsim/call.py:"), spelt


@pytest.mark.parametrize(("owner", "attribute"), [
    (Catalogue, "with_product"), (Catalogue, "generate"), (Catalogue, "countries"),
    (Catalogue, "area"), (Product, "area"), (Variant, "area"), (Decision, "ok"),
])
def test_dead_attributes_stay_gone(owner: type, attribute: str) -> None:
    assert not hasattr(owner, attribute)


@pytest.mark.parametrize(("owner", "field"), [(CJError, "extra"), (_Issue, "time_us")])
def test_dead_fields_stay_gone(owner: type, field: str) -> None:
    assert field not in {f.name for f in dataclasses.fields(owner)}


@pytest.mark.parametrize("name", ["SUCCESS", "RETRYABLE_CODES", "RETRYABLE", "API_KEY_RE"])
def test_dead_module_names_stay_gone(name: str) -> None:
    assert not [f for f, tree in sources() for node in tree.body if isinstance(node, ast.Assign)
                and name in [t.id for t in node.targets if isinstance(t, ast.Name)]]


def test_reserved_stock_is_not_clamped_in_orders() -> None:
    """Reserving and releasing stock balance exactly; a clamp at zero would hide a bug."""
    text = (ROOT / "cjsim/domain/orders.py").read_text(encoding="utf-8")
    assert not re.search(r"max\(\s*0\s*,", text)


def test_domain_methods_take_no_catch_all_keywords() -> None:
    """A misspelt filter must be a TypeError, not silently ignored."""
    found = [f"{name}:{node.lineno} {node.name}" for name, tree in sources()
             if name.startswith("cjsim/domain/") for node in ast.walk(tree)
             if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.args.kwarg
             and not (node.name == "build" and name == "cjsim/domain/options.py")]
    assert not found, found


def _test_modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted((ROOT / "tests").rglob("*.py")):
        yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def test_only_tests_serve_spawns_cjsim_serve() -> None:
    """One helper starts ``cjsim serve`` and reads its banner (tests/serve.py ``spawn``)."""
    found = []
    for name, tree in _test_modules():
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "Popen" and "'serve'" in ast.dump(node)
                    and name != "tests/serve.py"):
                found.append(f"{name}:{node.lineno}")
    assert not found, found


def test_only_the_shared_fixture_parametrises_the_store() -> None:
    """Tests run on every store through ``store_kind`` (tests/conftest.py, EVERY_STORE)."""
    found = [f"{name}:{node.lineno}" for name, tree in _test_modules() if name != "tests/conftest.py"
             for node in ast.walk(tree) if isinstance(node, ast.Name) and node.id == "STORE_KINDS"]
    assert not found, found
