"""The fixtures. Each test that touches one of them gets one *active* simulator: the shared
server's when the test uses ``cj_server``, else a fresh in-process ``cj_sim``. Every other
fixture (``cj_clock``, ``cj_account``, ``cj_intercept``, ``cj_journal``, ``cj_audit``) works
on that one, so a test never has to say which simulator it means.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from cjsim.audit import audit
from cjsim.domain.accounts import Account
from cjsim.simulator import JOURNAL, Simulator
from pytest_cj.clock import CJClock
from pytest_cj.intercept import CJIntercept
from pytest_cj.journal import CJAudit, CJJournal
from pytest_cj.report import collector
from pytest_cj.server import LiveServer
from pytest_cj.settings import ItemSettings, item_settings, session_settings

CJ_FIXTURES = ("cj_sim", "cj_server", "cj_clock", "cj_account", "cj_intercept", "cj_journal",
               "cj_audit")
ACTIVE = "_cj_active"


@dataclass
class CJContext:
    """The active simulator of one test and what the plugin needs to judge it."""

    sim: Simulator
    settings: ItemSettings
    since_id: int | None
    source: str  # "cj_sim" or "cj_server"
    clock: CJClock


CONTEXT = pytest.StashKey[CJContext]()


def _last_journal_id(sim: Simulator) -> int | None:
    tail = sim.store.tail(JOURNAL, 1)
    return int(tail[-1]["id"]) if tail else None


@pytest.fixture
def cj_sim(request: pytest.FixtureRequest) -> Iterator[Simulator]:
    """A fresh in-process simulator: frozen clock at 2026-01-05T10:00:00+08:00, fixed seed,
    configured by ``@pytest.mark.cj`` and the ``--cj-*`` options."""
    sim = item_settings(request.node).sim.build()
    yield sim
    sim.close()


@pytest.fixture(scope="session")
def _cj_live_server(pytestconfig: pytest.Config) -> Iterator[LiveServer]:
    server = LiveServer(session_settings(pytestconfig))
    yield server
    server.stop()


@pytest.fixture
def cj_server(request: pytest.FixtureRequest, _cj_live_server: LiveServer) -> LiveServer:
    """A real HTTP server on a free loopback port (one per session, per xdist worker), its
    simulator reset for this test. ``.base_url``, ``.url(path)``, ``.sim``."""
    _cj_live_server.prepare(item_settings(request.node).sim)
    return _cj_live_server


@pytest.fixture
def _cj_active(request: pytest.FixtureRequest) -> Iterator[CJContext]:
    settings = item_settings(request.node)
    if "cj_server" in request.fixturenames:
        server: LiveServer = request.getfixturevalue("cj_server")
        sim, source = server.sim, "cj_server"
    else:
        sim, source = request.getfixturevalue("cj_sim"), "cj_sim"
    context = CJContext(sim, settings, _last_journal_id(sim), source, CJClock(sim))
    request.node.stash[CONTEXT] = context
    if settings.sleep == "patch":
        context.clock.patch_sleep()
    try:
        yield context
    finally:
        context.clock.close()
        if request.config.getoption("cj_report", default=None) or request.config.getini("cj_report"):
            findings = audit(sim, since_id=context.since_id)
            requests = len(sim.store.tail(JOURNAL, None, context.since_id))
            collector(request.config).add(request.node.nodeid, source, requests, findings)


@pytest.fixture
def cj_clock(_cj_active: CJContext) -> CJClock:
    """The simulated clock: ``advance``, ``set``, ``freeze``, ``patch_sleep()``."""
    return _cj_active.clock


@pytest.fixture
def cj_account(_cj_active: CJContext) -> Account:
    """A fresh account, not logged in (``.api_key``, ``.email``, ``.open_id``); level and
    verified from the marker (default: an unverified Free account)."""
    settings = _cj_active.settings
    return _cj_active.sim.account(level=settings.level, verified=settings.verified)


@pytest.fixture
def cj_intercept(_cj_active: CJContext) -> Iterator[CJIntercept]:
    """``requests``/``httpx`` calls to https://developers.cjdropshipping.com answered by the
    active simulator in-process; other hosts untouched; undone at teardown."""
    context = _cj_active
    intercept = CJIntercept(lambda: context.sim.app).start()
    try:
        yield intercept
    finally:
        intercept.stop()


@pytest.fixture
def cj_journal(_cj_active: CJContext) -> CJJournal:
    """The CJ requests the simulator saw in this test, with count/assert helpers."""
    return CJJournal(_cj_active.sim, _cj_active.since_id)


@pytest.fixture
def cj_audit(_cj_active: CJContext) -> CJAudit:
    """The compliance verdict of this test: ``findings``, ``assert_clean()``."""
    return CJAudit(_cj_active.sim, _cj_active.since_id)
