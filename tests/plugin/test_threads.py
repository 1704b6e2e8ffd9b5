"""No thread the plugin's fixtures start outlives them. A thread left running after a test
(a server's connection thread, a webhook worker, the order ticker) runs on during the next
tests, and on CPython 3.11 before 3.11.8 a thread that formats a traceback or parses code
while pytest rewrites a test file can fail that rewrite ("AST constructor recursion depth
mismatch", gh-106905): a flaky failure of whichever test came next."""

from __future__ import annotations

import contextlib
import threading
import time
from typing import Any

import pytest
import requests

# process-wide and idle between calls: the pool cjsim.intercept answers aiohttp from
PROCESS_WIDE = ("cjsim-intercept",)


def _threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if not t.name.startswith(PROCESS_WIDE)}


def test_no_thread_of_a_pytester_run_survives_it(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import requests

        KEPT = []

        def test_a_kept_alive_connection_to_cj_server(cj_server, cj_account):
            session = requests.Session()  # never closed: its connection stays open on the server
            KEPT.append(session)
            answer = session.post(cj_server.url("authentication/getAccessToken"),
                                  json={"apiKey": cj_account.api_key}, timeout=5)
            assert answer.json()["code"] == 200
            assert session.get(cj_server.url("/__cjsim/clock"), timeout=5).status_code == 200

        def test_the_order_ticker_of_cj_sim(cj_sim):
            cj_sim.domain.ensure_ticker()  # what a paid order starts

        def test_a_second_connection_thread(cj_server):
            session = requests.Session()
            KEPT.append(session)
            assert session.get(cj_server.url("/__cjsim/clock"), timeout=5).status_code == 200
    """)
    before = _threads()
    result = pytester.runpytest_inprocess("-p", "no:randomly")
    result.assert_outcomes(passed=3)
    left = [t.name for t in _threads() - before]
    assert left == [], f"threads still running after the run: {left}"


def test_a_stopped_server_leaves_no_connection_thread(pytester: pytest.Pytester) -> None:
    """The session's server (cj_server's) stops with connections still open: when stop()
    returns, their threads have ended (socketserver does not join daemon threads)."""
    from pytest_cj.server import LiveServer
    from pytest_cj.settings import session_settings

    before = _threads()
    server = LiveServer(session_settings(pytester.parseconfig()))
    sessions = [requests.Session() for _ in range(8)]  # kept alive: eight waiting threads
    try:
        for session in sessions:
            assert session.get(server.url("/__cjsim/clock"), timeout=5).status_code == 200
        server.stop()
        left = [t.name for t in _threads() - before]
        assert left == [], f"threads still running after stop(): {left}"
    finally:
        for session in sessions:
            session.close()


def test_a_stopped_server_has_finished_its_request_in_flight() -> None:
    """stop() cuts the open connections and waits (up to 5 s) for their threads, one still
    answering a request included: none is left running after it."""
    from cjsim.server import BackgroundServer

    entered, release = threading.Event(), threading.Event()

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        entered.set()
        release.wait(5)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"done"]

    before = _threads()
    server = BackgroundServer(app).start()

    def call() -> None:
        with contextlib.suppress(requests.RequestException):  # its connection is cut
            requests.get(server.url("/slow"), timeout=10)

    client = threading.Thread(target=call)

    def release_once_closed() -> None:
        """The request ends a little after the server stopped listening (stop() runs)."""
        while server.server.socket.fileno() != -1 and not release.is_set():
            time.sleep(0.01)
        time.sleep(0.2)
        release.set()

    releaser = threading.Thread(target=release_once_closed)
    client.start()
    try:
        assert entered.wait(5)
        releaser.start()
        server.stop()
        left = [t.name for t in _threads() - before - {client, releaser}]
        assert left == [], f"threads still running after stop(): {left}"
    finally:
        release.set()
        client.join(10)
        releaser.join(10)
