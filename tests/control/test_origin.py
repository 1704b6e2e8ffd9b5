"""Cross-site requests and DNS rebinding cannot reach the control API (cjsim/control/access.py).

A plain HTML form on any site can POST ``text/plain`` to ``localhost``; a rebound name
reaches the server with ``Host: attacker.example``. Both are refused; curl, SDKs and
same-origin pages keep working.
"""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from cjsim import Simulator
from cjsim.server import BackgroundServer
from tests.serve import spawn

FORM_BODY = '{"email": "victim@example.com", "ignored": "='  # what enctype=text/plain sends
CURL_JSON = '{"email": "curl@example.com"}'


def emails(sim: Simulator) -> set[str]:
    return {a.email for a in sim.accounts.all()}


# -- through the Flask test client ---------------------------------------------------------
def post(sim: Simulator, body: str, headers: dict[str, str], path: str = "/__cjsim/accounts") -> Any:
    return sim.app.test_client().post(path, data=body, headers=headers)


def test_a_cross_site_text_plain_form_cannot_create_an_account() -> None:
    sim = Simulator()
    answer = post(sim, FORM_BODY, {"Content-Type": "text/plain", "Origin": "https://evil.example"})
    assert answer.status_code == 403
    assert "origin" in answer.get_json()["error"]
    assert "victim@example.com" not in emails(sim)


@pytest.mark.parametrize("path", ["/__cjsim/reset", "/__cjsim/clock", "/__cjsim/scenario",
                                  "/__cjsim/interfaces/offline"])
def test_a_foreign_origin_changes_nothing_anywhere(path: str) -> None:
    sim = Simulator(clock="frozen", demo_account=True)
    before = (sim.clock.now_us(), emails(sim))
    answer = post(sim, '{"advance": 3600, "name": "flaky", "path": "/api2.0/v1/product/list"}',
                  {"Content-Type": "application/json", "Origin": "http://localhost:3000"}, path)
    assert answer.status_code == 403
    assert (sim.clock.now_us(), emails(sim)) == before
    assert not sim.interfaces.is_offline("/api2.0/v1/product/list", sim.clock.now_us())


def test_sec_fetch_site_cross_site_is_refused_without_origin() -> None:
    sim = Simulator()
    answer = post(sim, CURL_JSON, {"Content-Type": "application/json", "Sec-Fetch-Site": "cross-site"})
    assert answer.status_code == 403
    assert "curl@example.com" not in emails(sim)


def test_a_browser_must_send_json_even_from_the_same_origin() -> None:
    sim = Simulator()
    answer = post(sim, CURL_JSON, {"Content-Type": "text/plain", "Origin": "http://localhost"})
    assert answer.status_code == 403
    assert "application/json" in answer.get_json()["error"]


def test_a_same_origin_page_may_change_state() -> None:
    sim = Simulator()
    answer = post(sim, CURL_JSON, {"Content-Type": "application/json", "Origin": "http://localhost",
                                   "Sec-Fetch-Site": "same-origin"})
    assert answer.status_code == 201
    assert "curl@example.com" in emails(sim)


@pytest.mark.parametrize("origin, host, ok", [
    ("http://localhost", "localhost:80", True), ("https://sim.example", "sim.example", True),
    ("http://localhost:8080", "localhost:8080", True), ("http://localhost:8081", "localhost:8080", False),
    ("http://127.0.0.1:8080", "localhost:8080", False), ("null", "localhost", False),
    ("http://localhost.evil.example", "localhost", False), ("file://", "localhost", False),
])
def test_same_origin_means_the_host_and_port_the_request_names(origin: str, host: str, ok: bool) -> None:
    sim = Simulator(allow_hosts=["sim.example"])
    answer = post(sim, '{"advance": 1}', {"Content-Type": "application/json", "Origin": origin, "Host": host},
                  "/__cjsim/clock")
    assert answer.status_code == (200 if ok else 403)


def test_curl_d_keeps_working() -> None:
    """``curl -d '{...}'``: no Origin, Content-Type application/x-www-form-urlencoded."""
    sim = Simulator()
    answer = post(sim, CURL_JSON, {"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 201
    assert "curl@example.com" in emails(sim)


def test_reads_with_a_foreign_origin_are_answered() -> None:
    """A cross-origin read gets no CORS header, so the browser hides it from the page."""
    answer = Simulator().app.test_client().get("/__cjsim/clock", headers={"Origin": "https://evil.example"})
    assert answer.status_code == 200
    assert "Access-Control-Allow-Origin" not in answer.headers


@pytest.mark.parametrize("host", ["attacker.example", "attacker.example:8080", "localhost.attacker.example",
                                  "127.0.0.1.nip.io"])
def test_a_foreign_host_header_is_refused(host: str) -> None:
    sim = Simulator(demo_account=True)
    answer = sim.app.test_client().get("/__cjsim/accounts", headers={"Host": host})
    assert answer.status_code == 403
    assert host in answer.get_json()["error"]
    assert b"CJ" not in answer.data


@pytest.mark.parametrize("host", ["localhost", "localhost:8080", "127.0.0.1:9", "[::1]:8080", "LOCALHOST."])
def test_loopback_host_headers_are_answered(host: str) -> None:
    assert Simulator().app.test_client().get("/__cjsim/clock", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("allowed, host, ok", [
    ("sim.example", "sim.example:8080", True), ("sim.example", "other.example", False),
    (".example.com", "a.b.example.com", True), (".example.com", "example.com", True),
    (".example.com", "evilexample.com", False), ("*", "anything.example", True),
])
def test_allow_host(allowed: str, host: str, ok: bool) -> None:
    sim = Simulator(allow_hosts=[allowed])
    status = sim.app.test_client().get("/__cjsim/clock", headers={"Host": host}).status_code
    assert status == (200 if ok else 403)


def test_a_bad_allow_host_is_refused() -> None:
    with pytest.raises(ValueError, match="--allow-host"):
        Simulator(allow_hosts=["http://sim.example/"])


def test_the_cj_api_is_not_concerned() -> None:
    answer = Simulator().app.test_client().get("/api2.0/v1/setting/get", headers={"Host": "attacker.example"})
    assert answer.get_json()["code"] == 1600002


# -- over real HTTP ------------------------------------------------------------------------
def raw(port: int, method: str, path: str, headers: dict[str, str], body: str | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for name, value in headers.items():
            conn.putheader(name, value)
        data = body.encode() if body is not None else b""
        if body is not None:
            conn.putheader("Content-Length", str(len(data)))
        conn.endheaders(data if body is not None else None)
        answer = conn.getresponse()
        return answer.status, answer.read()
    finally:
        conn.close()


@pytest.fixture
def served() -> Iterator[tuple[Simulator, BackgroundServer]]:
    sim = Simulator(demo_account=True)
    with BackgroundServer(sim.app) as server:
        yield sim, server


def test_http_dns_rebinding_gets_no_keys(served: tuple[Simulator, BackgroundServer]) -> None:
    _sim, server = served
    status, body = raw(server.port, "GET", "/__cjsim/accounts", {"Host": f"attacker.example:{server.port}"})
    assert status == 403
    assert b"demo@cjsim.local" not in body
    status, body = raw(server.port, "GET", "/__cjsim/accounts", {"Host": f"127.0.0.1:{server.port}"})
    assert status == 200 and b"demo@cjsim.local" in body
    assert raw(server.port, "GET", "/__cjsim/clock", {"Host": f"localhost:{server.port}"})[0] == 200


def test_http_cross_site_form_is_refused_and_curl_is_not(served: tuple[Simulator, BackgroundServer]) -> None:
    sim, server = served
    host = f"127.0.0.1:{server.port}"
    status, _ = raw(server.port, "POST", "/__cjsim/accounts",
                    {"Host": host, "Content-Type": "text/plain", "Origin": "https://evil.example",
                     "Sec-Fetch-Site": "cross-site"}, FORM_BODY)
    assert status == 403
    status, _ = raw(server.port, "POST", "/__cjsim/reset", {"Host": host, "Origin": "null"}, "")
    assert status == 403
    assert "demo@cjsim.local" in emails(sim)
    status, _ = raw(server.port, "POST", "/__cjsim/accounts",
                    {"Host": host, "Content-Type": "application/x-www-form-urlencoded"}, CURL_JSON)
    assert status == 201
    status, _ = raw(server.port, "POST", "/__cjsim/accounts",
                    {"Host": host, "Content-Type": "application/json", "Origin": f"http://{host}"},
                    '{"email": "page@example.com"}')
    assert status == 201
    assert {"curl@example.com", "page@example.com"} <= emails(sim)


def test_http_bound_to_a_wildcard_accepts_ip_literals_only() -> None:
    sim = Simulator(insecure_admin=True)
    with BackgroundServer(sim.app, host="0.0.0.0") as server:
        assert raw(server.port, "GET", "/__cjsim/clock", {"Host": f"192.0.2.9:{server.port}"})[0] == 200
        assert raw(server.port, "GET", "/__cjsim/clock", {"Host": f"attacker.example:{server.port}"})[0] == 403


def test_serve_allow_host_flag() -> None:
    served = spawn("--allow-host", "sim.example", "--allow-host", "other.example")
    try:
        port = served.port
        assert raw(port, "GET", "/__cjsim/clock", {"Host": f"sim.example:{port}"})[0] == 200
        assert raw(port, "GET", "/__cjsim/clock", {"Host": "other.example"})[0] == 200
        status, body = raw(port, "GET", "/__cjsim/clock", {"Host": "third.example"})
        assert status == 403 and "--allow-host" in json.loads(body)["error"]
    finally:
        served.stop()


def test_serve_names_a_bad_allow_host() -> None:
    result = subprocess.run([sys.executable, "-m", "cjsim", "serve", "--port", "0", "--allow-host", "a b"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert "--allow-host" in result.stderr.strip().splitlines()[-1]
