"""The pytest plugin (entry point ``cj``): options, ini keys, the ``cj`` marker, the audit
verdict and the report. The fixtures live in ``pytest_cj.fixtures``; nothing to import or
add to a conftest.
"""

from __future__ import annotations

import warnings
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from cjsim.audit import audit, render
from cjsim.profiles import STRICTNESS
from pytest_cj.fixtures import (  # noqa: F401  (registered as fixtures by being here)
    ACTIVE,
    CJ_FIXTURES,
    CONTEXT,
    CJContext,
    _cj_active,
    _cj_live_server,
    cj_account,
    cj_audit,
    cj_clock,
    cj_intercept,
    cj_journal,
    cj_server,
    cj_sim,
)
from pytest_cj.intercept import CJRealHostError
from pytest_cj.journal import CJAuditWarning
from pytest_cj.report import WORKER_KEY, collector, is_worker
from pytest_cj.settings import AUDIT_MODES, OPTIONS


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("cj", "CJ Dropshipping simulator (cjsim)")
    choices: dict[str, tuple[str, ...]] = {"strictness": STRICTNESS, "audit": AUDIT_MODES}
    for name, text in OPTIONS.items():
        extra: dict[str, Any] = {"choices": choices[name]} if name in choices else {}
        group.addoption(f"--cj-{name}", dest=f"cj_{name}", default=None, help=text,
                        metavar=name.upper(), **extra)
        parser.addini(f"cj_{name}", help=text, default="")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "cj(profile=, scenario=, level=, verified=, strictness=, start=, audit='off|warn|fail',"
        " sleep='patch', seed=, simulator={}): configure this test's CJ simulator (cjsim);"
        " pulls in the cj fixtures' simulator.")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The marker pulls in the active simulator (time-machine's pattern), and so does any
    cj fixture, so its audit and its sleep patching happen even for ``cj_sim`` alone."""
    for item in items:
        names: list[str] | None = getattr(item, "fixturenames", None)
        if names is None or ACTIVE in names:
            continue
        if item.get_closest_marker("cj") is not None or any(n in names for n in CJ_FIXTURES):
            names.insert(0, ACTIVE)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    """``audit="fail"``: the findings fail the test (in its call phase, so it reads FAILED,
    not ERROR); ``audit="warn"``: they become a ``CJAuditWarning``. A test that already
    failed keeps its own failure."""
    try:
        result = yield
    except BaseException as exc:
        context = item.stash.get(CONTEXT, None)
        if context is not None:
            _explain(exc, context)
        raise
    context = item.stash.get(CONTEXT, None)
    if context is None:
        return result
    if context.guard is not None and context.guard.refused:
        pytest.fail(context.guard.refused[0], pytrace=False)  # even if the client swallowed it
    if context.settings.audit == "off":
        return result
    findings = audit(context.sim, since_id=context.since_id)
    text = render(findings)
    sleep_advice = context.clock.real_sleep_advice()
    if sleep_advice:
        text += "\n" + sleep_advice
    if findings and context.settings.audit == "fail":
        pytest.fail(text, pytrace=False)
    if findings:
        warnings.warn(CJAuditWarning(text), stacklevel=1)
    return result


def _explain(exc: BaseException, context: CJContext) -> None:
    """A failing test: say so when CJ's real host was refused, or when the client slept
    real time on a frozen clock (the likely reason for a "still throttled" failure)."""
    notes = []
    if context.guard is not None and context.guard.refused and not isinstance(exc, CJRealHostError):
        notes.append(context.guard.refused[0])
    advice = context.clock.real_sleep_advice()
    if advice:
        notes.append(advice)
    for note in notes:
        exc.add_note(note)


def _report_path(config: pytest.Config) -> Path | None:
    value = config.getoption("cj_report", default=None)
    if value:
        return Path(config.invocation_params.dir, value)
    ini = config.getini("cj_report")
    if ini:
        return Path(config.inipath.parent if config.inipath else config.rootpath, ini)
    return None


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    if _report_path(config) is None:
        return
    if is_worker(config):
        config.workeroutput[WORKER_KEY] = collector(config).records  # type: ignore[attr-defined]
        return
    path = _report_path(config)
    assert path is not None
    collector(config).write(path)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """xdist controller: a worker finished; take its records."""
    records = getattr(node, "workeroutput", {}).get(WORKER_KEY)
    if records:
        collector(node.config).extend(records)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    path = _report_path(config)
    if path is None or is_worker(config):
        return
    terminalreporter.section("cj compliance audit")
    for line in collector(config).summary_lines():
        terminalreporter.write_line(line)
    terminalreporter.write_line(f"report: {path}")
