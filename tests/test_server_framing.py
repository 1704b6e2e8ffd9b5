"""A request body the client framed wrong is the client's error: 1600300, the connection
closed, no traceback -- never 1600000 "System busy", which tells a client to retry a request
that can never succeed."""

from __future__ import annotations

import http.client
import json
import socket
import time
from collections.abc import Iterator

import pytest
import requests

from cjsim import Simulator
from cjsim.server import BackgroundServer
from tests.serve import spawn

LOGIN = b"POST /api2.0/v1/authentication/getAccessToken HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
BODY = b'{"apiKey":"CJ1@api@0123456789abcdef0123456789abcdef"}'

# (name, bytes sent, half-close after sending?, answered by the pipeline (journaled)?)
BROKEN = [
    ("body shorter than Content-Length, then half-close",
     LOGIN + b"Content-Length: 100\r\n\r\n" + BODY, True, True),
    ("body shorter than Content-Length, then nothing",
     LOGIN + b"Content-Length: 100\r\n\r\n" + BODY, False, True),
    ("two Content-Length headers",
     LOGIN + b"Content-Length: 5\r\nContent-Length: %d\r\n\r\n" % len(BODY) + BODY, False, False),
    ("Content-Length and Transfer-Encoding",
     LOGIN + b"Content-Length: %d\r\nTransfer-Encoding: chunked\r\n\r\n" % len(BODY) + BODY, False, False),
    ("malformed chunk size",
     LOGIN + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n" + BODY + b"\r\n0\r\n\r\n", False, True),
    ("chunk data not followed by CRLF",
     LOGIN + b"Transfer-Encoding: chunked\r\n\r\n5\r\n" + BODY + b"\r\n0\r\n\r\n", False, True),
    ("half-close inside a chunked body",
     LOGIN + b"Transfer-Encoding: chunked\r\n\r\n%x\r\n" % len(BODY) + BODY[:10], True, True),
]


def exchange(port: int, raw: bytes, half_close: bool) -> tuple[int, bytes, bytes]:
    """The one answer, and whatever follows it before the server closes (must be nothing)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(raw)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        answer = http.client.HTTPResponse(sock)
        answer.begin()
        body = answer.read()
        try:
            rest = sock.recv(1024)
        except ConnectionResetError:
            rest = b""
    return answer.status, body, rest


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[BackgroundServer, Simulator]]:
    sim = Simulator(clock="frozen", start="2026-01-05T10:00:00+08:00")
    with BackgroundServer(sim.app, request_timeout=0.5) as served:
        yield served, sim


@pytest.mark.parametrize(("name", "raw", "half_close", "journaled"), BROKEN, ids=[b[0] for b in BROKEN])
def test_a_badly_framed_body_is_1600300_and_closes(server: tuple[BackgroundServer, Simulator], name: str,
                                                   raw: bytes, half_close: bool, journaled: bool,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    served, sim = server
    sim.clock.advance(301)  # the login limits never decide
    before = len(sim.journal())
    with caplog.at_level("DEBUG"):
        status, body, rest = exchange(served.port, raw, half_close)
    envelope = json.loads(body)
    assert envelope["code"] == 1600300 and envelope["success"] is False, envelope
    assert status in (200, 400)
    assert rest == b""  # closed: what follows cannot be read as a request
    assert not [r for r in caplog.records if r.exc_info], "a client's error logged a traceback"
    entries = sim.journal()[before:]
    if journaled:
        assert [e["code"] for e in entries] == [1600300]


def test_the_server_still_serves_after_broken_bodies(server: tuple[BackgroundServer, Simulator]) -> None:
    served, _ = server
    assert requests.get(served.url("/__cjsim/health"), timeout=5).json() == {"status": "ok"}


def test_cjsim_serve_answers_broken_bodies_without_a_traceback() -> None:
    served = spawn("--request-timeout", "0.5", "--clock", "frozen", "--start", "2026-01-05T10:00:00+08:00",
                   quiet=False)
    try:
        for name, raw, half_close, _ in BROKEN:
            assert json.loads(exchange(served.port, raw, half_close)[1])["code"] == 1600300, name
        time.sleep(0.2)
    finally:
        stderr = served.stop()
    assert "Traceback" not in stderr, stderr
    assert "1600000" not in stderr and "internal error" not in stderr
