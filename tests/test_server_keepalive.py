"""HTTP/1.1 keep-alive and pipelining over real loopback sockets, as CJ clients use them
(requests sessions, httpx clients, Guzzle and Node agents all reuse connections)."""

from __future__ import annotations

import http.client
import io
import json
import socket
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import requests

from cjsim import Simulator
from cjsim.server import BackgroundServer

HEALTH = b"GET /__cjsim/health HTTP/1.1\r\nHost: localhost\r\n\r\n"


class Counted:
    """A started server that counts the connections it accepts."""

    def __init__(self, **options: Any) -> None:
        self.sim = Simulator(clock="frozen", start="2026-01-05T10:00:00+08:00")
        self.server = BackgroundServer(self.sim.app, **options)
        self.accepted = 0
        accept = self.server.server.get_request

        def counting() -> Any:
            pair = accept()
            self.accepted += 1
            return pair

        self.server.server.get_request = counting  # type: ignore[method-assign]


@pytest.fixture
def counted() -> Iterator[Counted]:
    served = Counted()
    with served.server:
        yield served


class _Shared(io.BufferedReader):
    def close(self) -> None:  # HTTPResponse closes its reader after each answer; the next needs it
        pass


class Answers:
    """The answers on one socket, one after the other, read through one buffer (pipelining)."""

    def __init__(self, sock: socket.socket) -> None:
        self.reader = _Shared(socket.SocketIO(sock, "rb"))  # type: ignore[arg-type]

    def makefile(self, *args: Any, **kwargs: Any) -> io.BufferedReader:
        return self.reader

    def next(self) -> http.client.HTTPResponse:
        answer = http.client.HTTPResponse(self)  # type: ignore[arg-type]
        answer.begin()
        return answer


def read_answer(sock: socket.socket) -> http.client.HTTPResponse:
    return Answers(sock).next()


def test_a_requests_session_reuses_one_connection(counted: Counted) -> None:
    account = counted.sim.account(level="advanced", verified=True)
    with requests.Session() as session:
        token = session.post(counted.server.url("authentication/getAccessToken"),
                             json={"apiKey": account.api_key}, timeout=5).json()["data"]["accessToken"]
        for _ in range(4):
            counted.sim.clock.advance(1)
            answer = session.get(counted.server.url("setting/get"), headers={"CJ-Access-Token": token},
                                 timeout=5)
            assert answer.json()["code"] == 200
            assert "close" not in answer.headers.get("Connection", "").lower()
        assert session.get(counted.server.url("/__cjsim/health"), timeout=5).json() == {"status": "ok"}
    assert counted.accepted == 1


def test_an_httpx_client_reuses_one_connection_with_bodies_of_every_framing(counted: Counted) -> None:
    with httpx.Client(base_url=counted.server.root, timeout=5) as client:
        plain = client.post("/api2.0/v1/authentication/getAccessToken", json={"apiKey": "nope"}).json()
        counted.sim.clock.advance(301)  # past the login limits
        chunked = client.post("/api2.0/v1/authentication/refreshAccessToken",  # a chunked body
                              content=iter([b'{"refreshToken":', b' "nope"}']),
                              headers={"Content-Type": "application/json"}).json()
        unread = client.request("GET", "/api2.0/v1/setting/get", content=b"x" * 5000)  # a body nobody reads
        head = client.head("/__cjsim/health")
        after = client.get("/__cjsim/health").json()
    assert plain["code"] == 1600001 and chunked["code"] == 1600003, (plain, chunked)
    assert unread.json()["code"] == 1600002
    assert head.status_code == 200 and head.content == b""
    assert after == {"status": "ok"}
    assert counted.accepted == 1


def test_pipelined_requests_in_one_send_all_get_answers(counted: Counted) -> None:
    login = (b"POST /api2.0/v1/authentication/getAccessToken HTTP/1.1\r\nHost: x\r\n"
             b"Content-Type: application/json\r\nContent-Length: 17\r\n\r\n{\"apiKey\":\"nope\"}")
    with socket.create_connection(("127.0.0.1", counted.server.port), timeout=5) as sock:
        sock.sendall(HEALTH + login + HEALTH)
        answers = Answers(sock)
        first = answers.next()
        assert json.loads(first.read()) == {"status": "ok"}
        assert json.loads(answers.next().read())["code"] == 1600001
        assert json.loads(answers.next().read()) == {"status": "ok"}
        assert first.getheader("Keep-Alive") == "timeout=5"


def test_a_keep_alive_connection_is_closed_after_its_idle_timeout() -> None:
    served = Counted(keepalive_timeout=0.5)
    with served.server, socket.create_connection(("127.0.0.1", served.server.port), timeout=5) as sock:
        sock.sendall(HEALTH)
        assert json.loads(read_answer(sock).read()) == {"status": "ok"}
        time.sleep(0.2)  # idle, but within the timeout: the connection still serves
        sock.sendall(HEALTH)
        assert json.loads(read_answer(sock).read()) == {"status": "ok"}
        started = time.monotonic()
        assert sock.recv(1) == b""  # then idle past it: closed by the server
        assert 0.3 < time.monotonic() - started < 4
    assert served.accepted == 1


def test_an_idle_keep_alive_connection_gives_its_slot_back() -> None:
    served = Counted(keepalive_timeout=0.5, max_connections=1, control_slots=0)
    with served.server, requests.Session() as first:
        assert first.get(served.server.url("/__cjsim/health"), timeout=5).status_code == 200
        with requests.Session() as second:  # the slot is held by the first session's connection
            assert second.get(served.server.url("/__cjsim/health"), timeout=5).status_code == 503
            time.sleep(1)
            assert second.get(served.server.url("/__cjsim/health"), timeout=5).status_code == 200


def test_connection_close_and_http_1_0_are_honoured(counted: Counted) -> None:
    with socket.create_connection(("127.0.0.1", counted.server.port), timeout=5) as sock:
        sock.sendall(b"GET /__cjsim/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        answer = read_answer(sock)
        assert answer.getheader("Connection") == "close" and answer.read()
        assert sock.recv(1) == b""
    with socket.create_connection(("127.0.0.1", counted.server.port), timeout=5) as sock:
        sock.sendall(b"GET /__cjsim/health HTTP/1.0\r\n\r\n")
        assert read_answer(sock).read()
        assert sock.recv(1) == b""
