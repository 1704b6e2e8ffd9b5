"""``cjsim.intercept``: CJ's host answered in-process for requests/urllib3, httpx and aiohttp,
as a context manager and a decorator, outside pytest's fixtures; other hosts untouched."""

from __future__ import annotations

import asyncio
import socket
import time
import urllib.request
from collections.abc import Callable, Iterable
from typing import Any

import aiohttp
import httpx
import pytest
import requests
from requests.adapters import HTTPAdapter
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.util.retry import Retry

import cjsim
from cjsim import CJRealHostError, Simulator
from cjsim.interception import CJ_BASE_URL, TABLE, Route
from cjsim.server import BackgroundServer

CJ = CJ_BASE_URL


def login(account: Any) -> dict[str, str]:
    body = requests.post(f"{CJ}/authentication/getAccessToken", json={"apiKey": account.api_key}, timeout=5).json()
    return {"CJ-Access-Token": body["data"]["accessToken"]}


def paths(sim: Simulator) -> list[str]:
    return [e["path"].rsplit("/", 1)[-1] for e in sim.journal()]


def fault(path: str, calls: list[int], action: dict[str, Any]) -> dict[str, Any]:
    return {"name": "t", "faults": [{"match": {"path": path, "calls": calls}, "action": action}]}


def hello(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"not cj"]


def originals() -> tuple[Any, ...]:
    return (HTTPConnectionPool.ConnectionCls, HTTPSConnectionPool.ConnectionCls, socket.getaddrinfo,
            httpx.HTTPTransport.handle_request, httpx.AsyncHTTPTransport.handle_async_request,
            aiohttp.TCPConnector._create_connection, HTTPAdapter.send)


BEFORE = originals()


def test_the_block_yields_a_fresh_simulator_that_answers_every_stack() -> None:
    with cjsim.intercept() as sim:
        assert isinstance(sim, Simulator)
        account = sim.account(level="advanced")
        headers = login(account)
        sim.clock.advance(1)
        assert requests.get(f"{CJ}/setting/get", headers=headers, timeout=5).json()["code"] == 200
        sim.clock.advance(1)
        assert httpx.get(f"{CJ}/shopping/pay/getBalance", headers=headers).json()["code"] == 200

        async def both() -> tuple[int, int]:
            async with httpx.AsyncClient() as client:
                first = (await client.get(f"{CJ}/setting/get", headers=headers)).json()["code"]
            sim.clock.advance(1)
            async with aiohttp.ClientSession() as session:
                async with session.get(f"{CJ}/shopping/pay/getBalance", headers=headers) as answer:
                    assert answer.status == 200 and answer.headers["Content-Type"].startswith("application/json")
                    second = (await answer.json())["code"]
            return first, second

        sim.clock.advance(1)
        assert asyncio.run(both()) == (200, 200)
    assert paths(sim) == ["getAccessToken", "get", "getBalance", "get", "getBalance"]
    assert originals() == BEFORE and not TABLE.installed


def test_a_given_simulator_answers_and_blocks_nest() -> None:
    outer, inner = Simulator(), Simulator()
    with cjsim.intercept(outer) as sim:
        assert sim is outer
        requests.get(f"{CJ}/setting/get", timeout=5)
        with cjsim.intercept(inner):
            requests.get(f"{CJ}/setting/get", timeout=5)
            requests.get(f"{CJ}/setting/get", timeout=5)
        requests.get(f"{CJ}/setting/get", timeout=5)  # the outer block again
    assert (len(outer.journal()), len(inner.journal())) == (2, 2)


def test_as_a_decorator_sync_and_async() -> None:
    sim = Simulator()
    fresh = cjsim.intercept()

    @cjsim.intercept(sim)
    def sync_call() -> int:
        return int(requests.get(f"{CJ}/setting/get", timeout=5).json()["code"])

    @cjsim.intercept(sim)
    async def async_call() -> int:
        async with aiohttp.ClientSession() as session, session.get(f"{CJ}/setting/get") as answer:
            return int((await answer.json())["code"])

    @fresh
    def fresh_call() -> Simulator | None:
        requests.get(f"{CJ}/setting/get", timeout=5)
        return fresh.sim

    assert sync_call() == 1600002 and asyncio.run(async_call()) == 1600002  # no token: CJ's own answer
    assert len(sim.journal()) == 2
    first, second = fresh_call(), fresh_call()
    assert first is not None and second is not None and first is not second  # fresh at each call
    assert len(first.journal()) == len(second.journal()) == 1
    assert sync_call.__name__ == "sync_call" and not TABLE.installed


def test_urllib3_retry_on_an_adapter_retries_a_scenario_502_and_503() -> None:
    sim = Simulator(scenario=fault("setting/get", [1, 2], {"http_status": 503, "content_type": "text/html",
                                                            "body": "<html>503 Service Unavailable</html>"}),
                    clock="frozen")
    account = sim.account(level="advanced")
    session = requests.Session()
    session.mount("https://", HTTPAdapter(max_retries=Retry(total=3, status_forcelist=[502, 503],
                                                             backoff_factor=0)))
    with cjsim.intercept(sim):
        headers = login(account)
        sim.clock.advance(1)
        answer = session.get(f"{CJ}/setting/get", headers=headers, timeout=5)
        assert answer.status_code == 200 and answer.json()["code"] == 200
        assert [e["status"] for e in sim.journal()] == [200, 503, 503, 200]  # two 503s, retried by urllib3
        no_retry = requests.get(f"{CJ}/setting/get", headers=headers, timeout=5)
    assert no_retry.status_code == 200  # the fault was calls 2 and 3 only


def test_urllib3_retry_gives_up_with_requests_own_error() -> None:
    sim = Simulator(scenario=fault("setting/get", [1, 2, 3], {"http_status": 502, "content_type": "text/html",
                                                               "body": "<html>502 Bad Gateway</html>"}))
    session = requests.Session()
    session.mount("https://", HTTPAdapter(max_retries=Retry(total=2, status_forcelist=[502], backoff_factor=0)))
    with cjsim.intercept(sim), pytest.raises(requests.exceptions.RetryError, match="too many 502"):
        session.get(f"{CJ}/setting/get", timeout=5)
    assert len(sim.journal()) == 3


def test_a_reset_is_retried_by_urllib3_and_a_cut_body_is_a_short_read_everywhere() -> None:
    sim = Simulator(scenario={"name": "t", "faults": [
        {"match": {"path": "setting/get", "calls": [1, 2]}, "action": {"reset_connection": True}},
        {"match": {"path": "shopping/pay/getBalance", "calls": [1]}, "action": {"reset_connection": True}},
        {"match": {"path": "shopping/pay/getBalance", "calls": [2, 3, 4]}, "action": {"truncate_body": 10}}]})
    session = requests.Session()
    session.mount("https://", HTTPAdapter(max_retries=Retry(total=2, backoff_factor=0)))
    account = sim.account(level="advanced")
    with cjsim.intercept(sim, patch_sleep=True):
        headers = login(account)
        time.sleep(1)
        assert session.get(f"{CJ}/setting/get", headers=headers, timeout=5).status_code == 200  # reset twice
        assert paths(sim) == ["getAccessToken", "get", "get", "get"]
        time.sleep(1)
        with pytest.raises(requests.exceptions.ConnectionError, match="Connection aborted"):
            requests.get(f"{CJ}/shopping/pay/getBalance", headers=headers, timeout=5)  # no Retry
        time.sleep(1)
        with pytest.raises(requests.exceptions.ChunkedEncodingError, match="IncompleteRead"):
            requests.get(f"{CJ}/shopping/pay/getBalance", headers=headers, timeout=5)
        time.sleep(1)
        with pytest.raises(httpx.RemoteProtocolError, match="complete message body"):
            httpx.get(f"{CJ}/shopping/pay/getBalance", headers=headers)

        async def cut() -> bytes:
            async with aiohttp.ClientSession(headers=headers) as client, \
                    client.get(f"{CJ}/shopping/pay/getBalance") as answer:
                return await answer.read()

        time.sleep(1)
        with pytest.raises(aiohttp.ClientPayloadError):
            asyncio.run(cut())
    assert len(sim.journal()) == 8


def test_aiohttp_sees_a_reset_and_a_gateway_page() -> None:
    sim = Simulator(scenario={"name": "t", "faults": [
        {"match": {"path": "setting/get", "calls": [1, 2]}, "action": {"reset_connection": True}},
        {"match": {"path": "setting/get", "calls": [3]}, "action": {
            "http_status": 502, "content_type": "text/html", "body": "<html>502 Bad Gateway</html>"}}]})

    account = sim.account(level="advanced")

    async def get(headers: dict[str, str]) -> tuple[int, str]:
        time.sleep(1)
        async with aiohttp.ClientSession(headers=headers) as client, client.get(f"{CJ}/setting/get") as answer:
            return answer.status, await answer.text()

    with cjsim.intercept(sim, patch_sleep=True):
        headers = login(account)
        with pytest.raises(aiohttp.ClientOSError, match="reset_connection"):
            asyncio.run(get(headers))  # aiohttp retries an idempotent request once (RFC 9112), then raises
        assert len(sim.journal()) == 3
        assert asyncio.run(get(headers)) == (502, "<html>502 Bad Gateway</html>")
        status, text = asyncio.run(get(headers))
    assert status == 200 and '"code":200' in text


def test_aiohttp_posts_a_body_and_keeps_its_connection_alive() -> None:
    async def run(sim: Simulator, api_key: str) -> list[int]:
        codes = []
        async with aiohttp.ClientSession() as client:
            for _ in range(3):
                async with client.post(f"{CJ}/authentication/getAccessToken", json={"apiKey": api_key}) as answer:
                    codes.append(answer.status)
                sim.clock.advance(301)
            async with client.post(f"{CJ}/authentication/getAccessToken", data=b"{not json",
                                   headers={"Content-Type": "application/json"}) as answer:
                codes.append((await answer.json())["code"])
        return codes

    sim = Simulator(clock="frozen")
    account = sim.account()
    with cjsim.intercept(sim):
        codes = asyncio.run(run(sim, account.api_key))
    assert codes[:3] == [200, 200, 200]
    assert codes[3] == sim.journal()[-1]["code"] != 200  # the malformed body reached the simulator as sent


def test_other_hosts_are_untouched_inside_the_block() -> None:
    with cjsim.intercept() as sim, BackgroundServer(hello) as other:
        assert requests.get(other.url("/api2.0/v1/setting/get"), timeout=5).text == "not cj"
        assert httpx.get(other.root).text == "not cj"
        assert urllib.request.urlopen(other.root, timeout=5).read() == b"not cj"

        async def fetch() -> str:
            async with aiohttp.ClientSession() as client, client.get(other.root) as answer:
                return await answer.text()

        assert asyncio.run(fetch()) == "not cj"
    assert sim.journal() == []


def test_another_stack_to_cjs_host_fails_loudly_naming_cjsim_intercept() -> None:
    with cjsim.intercept() as sim:
        with pytest.raises(CJRealHostError, match="blocked by cjsim.intercept"):
            urllib.request.urlopen(f"{CJ}/setting/get", timeout=5)
        with pytest.raises(CJRealHostError, match="cjsim.intercept"):
            socket.create_connection(("developers.cjdropshipping.com", 443), timeout=5)
    assert sim.journal() == []


def test_a_pooled_connection_follows_the_block_it_is_used_in() -> None:
    first, second = Simulator(), Simulator()
    session = requests.Session()  # its pool keeps the in-process connection between blocks
    session.mount("https://", HTTPAdapter(max_retries=3))  # a Retry: answered at the connection level
    with cjsim.intercept(first):
        session.get(f"{CJ}/setting/get", timeout=5)
    with cjsim.intercept(second):
        session.get(f"{CJ}/setting/get", timeout=5)
    assert (len(first.journal()), len(second.journal())) == (1, 1)
    pools = session.get_adapter(CJ).poolmanager.pools  # type: ignore[attr-defined]
    (pool,) = [pools[key] for key in pools.keys()]
    conn = pool.pool.get_nowait()
    assert conn is not None and not conn.is_connected  # outside a block: dropped, never reused in-process


def test_patch_sleep_moves_the_simulators_clock_not_the_wall() -> None:
    with cjsim.intercept(patch_sleep=True) as sim:
        before, started = sim.clock.now_us(), time.monotonic()
        time.sleep(300)
        assert time.monotonic() - started < 5
        assert sim.clock.now_us() - before >= 300_000_000
    assert time.sleep.__module__ == "time"


class Refusing(Route):
    def __init__(self) -> None:
        super().__init__()
        self.refused = 0

    def handle(self, request: Any) -> Any:
        self.refused += 1
        raise CJRealHostError(f"{request.method} {request.url} refused ({request.stack})")


def test_a_refusal_surfaces_as_itself_from_every_stack_and_is_never_retried() -> None:
    route = Refusing().start()
    try:
        session = requests.Session()
        session.mount("https://", HTTPAdapter(max_retries=Retry(total=3, backoff_factor=0)))
        with pytest.raises(CJRealHostError, match=r"GET .*setting/get refused \(urllib3\)"):
            session.get(f"{CJ}/setting/get", timeout=5)
        with pytest.raises(CJRealHostError, match=r"refused \(httpx\)"):
            httpx.get(f"{CJ}/setting/get")

        async def fetch() -> int:
            async with aiohttp.ClientSession() as client, client.get(f"{CJ}/setting/get") as answer:
                return answer.status

        with pytest.raises(CJRealHostError, match=r"refused \(aiohttp\)"):
            asyncio.run(fetch())
    finally:
        route.stop()
    assert route.refused == 3  # once per stack: neither urllib3's Retry nor aiohttp's retry repeats it
    assert originals() == BEFORE
