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
from cjsim.simulator import Simulator
from pytest_cj.clock import CJClock
from pytest_cj.intercept import CJ_HOST, STACKS, CJHostGuard, CJIntercept
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
    guard: CJHostGuard | None = None  # CJ's real host refused (always on)
    intercept: CJIntercept | None = None  # CJ's host answered in-process (marker or cj_intercept)

    def start_intercept(self) -> CJIntercept:
        if self.intercept is None or not self.intercept.active:
            refusal = self.guard.refuse if self.guard is not None else None  # its advice, recorded
            self.intercept = CJIntercept(lambda: self.sim.app, refusal=refusal).start()
        return self.intercept

    def real_host_advice(self, what: str, http_stack: bool, fixtures: list[str]) -> str:
        if self.intercept is not None and self.intercept.active and not http_stack:
            return (f"{what}: this test tried to reach CJ's real host ({CJ_HOST}); cj_intercept answers"
                    f" {STACKS} only, so point this client at cj_server.base_url instead")
        uses = ", ".join(fixtures) if fixtures else "the cj simulator"
        return (f"{what}: this test uses {uses} but not cj_intercept, so this call was headed for CJ's real"
                f" host ({CJ_HOST}) and was stopped; add the cj_intercept fixture (or @pytest.mark.cj,"
                " which implies it) so the simulator answers it, or point the client at cj_server.base_url")


CONTEXT = pytest.StashKey[CJContext]()


def _last_journal_id(sim: Simulator) -> int | None:
    tail = sim.journal_entries(1)
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
    sim.request_scope = request.node.nodeid  # request ids: reproducible, and unique per test
    context = CJContext(sim, settings, _last_journal_id(sim), source, CJClock(sim))
    request.node.stash[CONTEXT] = context
    asked = getattr(request.node, "fixturenames", request.fixturenames)  # the test's, not ours
    uses = [name for name in CJ_FIXTURES if name in asked]
    context.guard = CJHostGuard(lambda what, http: context.real_host_advice(what, http, uses)).start()
    if request.node.get_closest_marker("cj") is not None:
        context.start_intercept()  # the marker implies interception: CJ's host is the simulator
    if settings.sleep == "patch":
        context.clock.patch_sleep()
    elif settings.sleep is None and sim.clock.frozen:
        context.clock.patch_sleep(keep_frozen=True)  # a client's waits move the frozen clock
    elif sim.clock.frozen:
        context.clock.watch_real_sleep()  # sleep="real": say so when that is why a test fails
    try:
        yield context
    finally:
        if context.intercept is not None:
            context.intercept.stop()
        context.guard.stop()
        context.clock.close()
        if request.config.getoption("cj_report", default=None) or request.config.getini("cj_report"):
            findings = audit(sim, since_id=context.since_id)
            requests = len(sim.journal_entries(since_id=context.since_id))
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
    """``requests``/urllib3, ``httpx`` and ``aiohttp`` calls to https://developers.cjdropshipping.com
    answered by the active simulator in-process (``cjsim.intercept``'s machinery); other hosts
    untouched; undone at teardown."""
    intercept = _cj_active.start_intercept()
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
