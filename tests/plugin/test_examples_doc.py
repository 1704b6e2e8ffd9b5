"""The documented examples are tests: every Python block of docs/plugin.md that defines a test
runs through pytester and must pass, and examples/test_cj_compliance.py (the "15-line test
file" of the issue) passes for the well-behaved client and fails, readably, for the other."""

from __future__ import annotations

import ast
import re

import pytest

from tests.plugin.conftest import DOCS, EXAMPLES

BLOCK = re.compile(r"```python\n(.*?)```", re.S)


def doc_blocks() -> list[str]:
    text = (DOCS / "plugin.md").read_text(encoding="utf-8")
    return [block for block in BLOCK.findall(text) if "def test_" in block]


def test_the_docs_have_examples_for_every_fixture() -> None:
    blocks = "\n".join(doc_blocks())
    for name in ("cj_sim", "cj_server", "cj_clock", "cj_account", "cj_intercept", "cj_journal",
                 "cj_audit", "pytest.mark.cj", "patch_sleep", "freeze_time"):
        assert name in blocks, name


@pytest.mark.parametrize("index", range(len(doc_blocks())))
def test_documented_example_passes(with_clients: pytest.Pytester, index: int) -> None:
    source = doc_blocks()[index]
    with_clients.makepyfile(test_doc_example=source)
    # in a process of its own, as a user runs it, and because pytest's rewrite of the file
    # in this process could meet a thread of an earlier test converting an AST (a traceback's
    # carets): CPython 3.11 before 3.11.8 shares the ast module's recursion counter between
    # threads ("AST constructor recursion depth mismatch", gh-106905). Costs a start-up (~2-5 s) each.
    result = with_clients.runpytest_subprocess("-p", "no:randomly")
    tests = len(re.findall(r"^def test_", source, re.M))
    result.assert_outcomes(passed=tests)


def test_the_fifteen_line_file_passes_the_good_client_and_fails_the_bad_one(
        with_clients: pytest.Pytester) -> None:
    source = (EXAMPLES / "test_cj_compliance.py").read_text(encoding="utf-8")
    after_docstring = ast.parse(source).body[1].lineno
    code_lines = [line for line in source.splitlines()[after_docstring - 1:] if line.strip()]
    assert len(code_lines) <= 15, code_lines
    with_clients.makepyfile(test_cj_compliance=source)
    result = with_clients.runpytest("-v")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "*test_client_respects_cj_rules[[]WellBehavedClient] PASSED*",
        "*test_client_respects_cj_rules[[]MisbehavingClient] FAILED*",
    ])
    result.stdout.fnmatch_lines([
        "CJ compliance audit: * findings",
        "[[]R4] Exceeded the account's QPS for its level*",
        "[[]RELOGIN-ON-THROTTLE] Fetched a new token in reaction to 1600200 (too many requests)*",
        "*1600200 means 'slow down', not 'bad token'*",
    ])
    assert "Traceback" not in result.stdout.str()
