"""The HTTP server's own bounds: JSON for http.server's errors, slow clients dropped,
a connection cap that answers 1600000 instead of queueing forever."""

from __future__ import annotations

import itertools
import json
import socket
import threading
import time

import requests

from cjsim import Simulator
from cjsim.server import BackgroundServer


def exchange(port: int, raw: bytes, timeout: float = 5) -> tuple[int, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(raw)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    if data.startswith(b"{"):  # an HTTP/0.9 request gets a bare body, as HTTP/0.9 has no headers
        return 0, data
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def test_http_layer_errors_are_json_envelopes() -> None:
    sim = Simulator(clock="frozen", start="2026-01-05T10:00:00+08:00")
    with BackgroundServer(sim.app) as server:
        for raw, status in [
            (b"GET /api2.0/v1/setting/get?" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
            (b"GARBAGE\r\n\r\n", 0),
            (b"GET /api2.0/v1/x HTTP/1.1 extra\r\n\r\n", 0),
            (b"GET /api2.0/v1/setting/get HTTP/1.1\r\n" + b"X-A: b\r\n" * 150 + b"\r\n", 431),
            (b"GET /api2.0/v1/setting/get HTTP/9.9\r\n\r\n", 0),  # unknown version: HTTP/0.9 answer
        ]:
            got, body = exchange(server.port, raw)
            assert got == status
            envelope = json.loads(body)
            assert envelope["success"] is False and envelope["code"] in (1600300, 1600000)


def test_a_slow_client_is_dropped_and_others_are_served() -> None:
    sim = Simulator(clock="frozen", start="2026-01-05T10:00:00+08:00")
    with BackgroundServer(sim.app, request_timeout=0.5, keepalive_timeout=0.5) as server:
        slow = socket.create_connection(("127.0.0.1", server.port))
        slow.sendall(b"GET /api2.0/v1/setting/get HTTP/1.1\r\nHost: x\r\n")  # never finishes
        assert requests.get(server.url("/__cjsim/health"), timeout=5).json() == {"status": "ok"}
        slow.settimeout(5)
        started = time.monotonic()
        assert slow.recv(1024) == b""  # the server closed it
        assert time.monotonic() - started < 4
        slow.close()


def test_connections_over_the_cap_get_system_busy_at_once() -> None:
    sim = Simulator(clock="frozen", start="2026-01-05T10:00:00+08:00")
    with BackgroundServer(sim.app, max_connections=2, control_slots=0, request_timeout=5) as server:
        idle = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(2)]
        time.sleep(0.2)
        status, body = exchange(server.port, b"GET /api2.0/v1/setting/get HTTP/1.1\r\nHost: x\r\n\r\n")
        assert status == 503 and json.loads(body)["code"] == 1600000
        for sock in idle:
            sock.close()
        time.sleep(0.3)
        assert requests.get(server.url("/__cjsim/health"), timeout=5).status_code == 200


def test_credentials_in_a_url_are_masked_in_the_request_log(caplog) -> None:  # type: ignore[no-untyped-def]
    from cjsim.server import mask_secrets

    line = "POST /api2.0/v1/authentication/getAccessToken?apiKey=CJ1@api@0123456789abcdef&x=1 HTTP/1.1"
    assert "0123456789abcdef" not in mask_secrets(line) and "x=1" in mask_secrets(line)
    sim = Simulator(clock="frozen", start="2026-01-05T10:00:00+08:00", log_requests=True)
    with BackgroundServer(sim.app, quiet=False) as server, caplog.at_level("INFO"):
        requests.post(server.url("authentication/getAccessToken") + "?apiKey=CJ1@api@secretsecretsecret",
                      timeout=5)
        requests.get(server.url("/__cjsim/nothing") + "?token=secretsecretsecret", timeout=5)
        time.sleep(0.2)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "getAccessToken" in logged and "/__cjsim/nothing" in logged
    assert "secretsecretsecret" not in logged


class Trickler:
    """A client that sends a request one byte at a time, never stalling long enough for a
    per-read timeout, and notes when the server closes its connection."""

    def __init__(self, port: int, request: bytes, every: float = 0.05) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.request, self.every = request, every
        self.closed_after: float | None = None
        self.answer = b""
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        started = time.monotonic()
        self.sock.settimeout(self.every)
        for i in itertools.cycle(range(len(self.request))):
            try:
                self.sock.send(self.request[i:i + 1])
                data = self.sock.recv(4096)
            except TimeoutError:
                continue  # nothing from the server yet: keep trickling
            except OSError:  # reset: the server dropped us
                data = b""
            if not data:
                self.closed_after = time.monotonic() - started
                return
            self.answer += data

    def wait(self, timeout: float) -> float | None:
        self._thread.join(timeout)
        self.sock.close()
        return self.closed_after


def test_trickling_clients_are_dropped_at_the_request_deadline_and_the_control_api_stays_reachable() -> None:
    sim = Simulator(clock="frozen", start="2026-01-05T10:00:00+08:00")
    with BackgroundServer(sim.app, request_timeout=1, max_connections=3, control_slots=2) as server:
        slow = [Trickler(server.port, b"GET /api2.0/v1/setting/get HTTP/1.1\r\nHost: x\r\n" + b"X-A: b\r\n" * 1000)
                for _ in range(3)]
        until = time.monotonic() + 0.8  # within the deadline, every API slot is held by a trickler
        while (busy := requests.get(server.url("setting/get"), timeout=5)).status_code != 503:
            assert time.monotonic() < until, busy.text
        assert busy.json()["code"] == 1600000
        assert requests.get(server.url("/__cjsim/health"), timeout=5).json() == {"status": "ok"}
        for client in slow:  # each dropped about 1 s after its first byte, although it kept sending
            closed_after = client.wait(timeout=8)
            assert closed_after is not None and closed_after < 4, closed_after
            assert client.answer == b""
        assert requests.get(server.url("setting/get"), timeout=5).json()["code"] == 1600002


def test_the_control_slots_serve_the_control_api_only() -> None:
    sim = Simulator(clock="frozen", start="2026-01-05T10:00:00+08:00")
    with BackgroundServer(sim.app, max_connections=1, control_slots=1) as server, \
            requests.Session() as holder, requests.Session() as other:
        assert holder.get(server.url("/__cjsim/health"), timeout=5).status_code == 200  # the API slot
        answer = other.get(server.url("setting/get"), timeout=5)
        assert answer.status_code == 503 and answer.json()["code"] == 1600000
        until = time.monotonic() + 3  # the refused connection's thread may still be ending
        while (health := other.get(server.url("/__cjsim/health"), timeout=5)).status_code != 200:
            assert time.monotonic() < until, health.text
        assert health.json() == {"status": "ok"}
