"""``cj_intercept``: CJ's real host answered in-process; other hosts untouched; undone after."""

from __future__ import annotations

import json

import pytest


def test_requests_and_httpx_calls_to_the_cj_host_reach_the_simulator(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import asyncio
        import httpx
        import requests
        from requests.adapters import HTTPAdapter

        CJ = "https://developers.cjdropshipping.com/api2.0/v1"
        MODULE_SESSION = requests.Session()  # built before the test: still intercepted

        class RetryingAdapter(HTTPAdapter):
            pass

        def test_every_client_style(cj_intercept, cj_account, cj_journal, cj_clock):
            login = requests.post(f"{CJ}/authentication/getAccessToken", json={"apiKey": cj_account.api_key})
            assert login.status_code == 200 and login.headers["Content-Type"].startswith("application/json")
            assert login.url == f"{CJ}/authentication/getAccessToken"
            token = login.json()["data"]["accessToken"]
            headers = {"CJ-Access-Token": token}
            cj_clock.advance(1)
            assert MODULE_SESSION.get(f"{CJ}/setting/get", headers=headers).json()["code"] == 200
            mounted = requests.Session()
            mounted.mount("https://", RetryingAdapter(max_retries=3))
            cj_clock.advance(1)
            assert mounted.get(f"{CJ}/shopping/pay/getBalance", headers=headers).json()["code"] == 200
            cj_clock.advance(1)
            assert httpx.get(f"{CJ}/shopping/pay/getBalance", headers=headers).json()["code"] == 200
            cj_clock.advance(1)

            async def fetch():
                async with httpx.AsyncClient() as client:
                    return (await client.get(f"{CJ}/setting/get", headers=headers)).json()

            assert asyncio.run(fetch())["code"] == 200
            assert cj_intercept.calls == 5
            assert cj_journal.count() == 5 and cj_journal.count(code=200) == 5
            assert {e["tokenId"] for e in cj_journal.select(path="setting/get")} == {cj_journal.entries[1]["tokenId"]}

        def test_query_strings_bodies_and_throttle_statuses_survive(cj_intercept, cj_account, cj_journal):
            bad = requests.post(cj_intercept.url("authentication/getAccessToken"), data="{not json",
                                headers={"Content-Type": "application/json"})
            assert bad.json()["message"] == "Warning: wrong json format."
            ok = requests.post(cj_intercept.url("authentication/getAccessToken"), json={"apiKey": cj_account.api_key})
            again = requests.post(cj_intercept.url("authentication/getAccessToken"), json={"apiKey": cj_account.api_key})
            assert (ok.status_code, again.status_code) == (200, 429)
            assert again.reason == "TOO MANY REQUESTS"
            token = ok.json()["data"]["accessToken"]
            requests.get(cj_intercept.url("logistic/trackInfo"), params={"trackNumber": ["A1", "B2"]},
                         headers={"CJ-Access-Token": token})
            assert cj_journal.last["path"] == "/api2.0/v1/logistic/trackInfo"
    """)
    pytester.makefile(".json", busy=json.dumps({"name": "busy", "faults": [
        {"match": {"path": "setting/get", "calls": [1, 2]},
         "action": {"http_status": 503, "content_type": "text/html", "body": "<html>busy</html>"}}]}))
    pytester.runpytest().assert_outcomes(passed=2)


def test_other_hosts_are_untouched_and_the_patch_is_undone(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import socket

        import aiohttp
        import httpx
        import requests
        from requests.adapters import HTTPAdapter
        from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

        from cjsim.interception import CJ_HOST, TABLE
        from cjsim.server import BackgroundServer
        from pytest_cj.intercept import CJHostGuard

        ORIGINAL_SEND = HTTPAdapter.send
        ORIGINAL_HTTPX = httpx.HTTPTransport.handle_request
        ORIGINALS = (HTTPConnectionPool.ConnectionCls, HTTPSConnectionPool.ConnectionCls, socket.getaddrinfo,
                     httpx.AsyncHTTPTransport.handle_async_request, aiohttp.TCPConnector._create_connection)

        def hello(environ, start_response):
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"not cj"]

        def test_other_host_goes_over_the_network(cj_intercept, cj_journal):
            with BackgroundServer(hello) as other:
                assert requests.get(other.root + "/api2.0/v1/setting/get").text == "not cj"
                assert httpx.get(other.root + "/x").text == "not cj"
            assert cj_intercept.calls == 0 and cj_journal.count() == 0

        def test_stop_and_start(cj_intercept):
            cj_intercept.stop()
            assert not cj_intercept.active
            assert isinstance(TABLE.route_for(CJ_HOST), CJHostGuard)  # the real-host guard stays
            with cj_intercept:
                assert cj_intercept.active and TABLE.route_for(CJ_HOST) is cj_intercept
            assert not cj_intercept.active

        def test_after_teardown_nothing_is_patched():
            assert HTTPAdapter.send is ORIGINAL_SEND
            assert httpx.HTTPTransport.handle_request is ORIGINAL_HTTPX
            assert (HTTPConnectionPool.ConnectionCls, HTTPSConnectionPool.ConnectionCls, socket.getaddrinfo,
                    httpx.AsyncHTTPTransport.handle_async_request, aiohttp.TCPConnector._create_connection) == ORIGINALS
            assert not TABLE.installed
    """)
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=3)


def test_without_the_fixture_the_cj_host_is_guarded_not_answered(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        from requests.adapters import HTTPAdapter

        from pytest_cj.intercept import CJRealHostError

        def test_plain(cj_sim):
            try:
                HTTPAdapter().send(__import__("requests").Request(
                    "GET", "https://developers.cjdropshipping.com/api2.0/v1/setting/get").prepare())
            except CJRealHostError:
                pass
            assert len(cj_sim.journal()) == 0  # not answered by the simulator

        def test_no_fixture():
            assert HTTPAdapter.send.__module__ == "requests.adapters"
    """)
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=1, failed=1)  # the refused call fails the test, even when caught
    result.stdout.fnmatch_lines(["*uses cj_sim but not cj_intercept*"])


def test_intercept_follows_cj_server_when_the_test_uses_it(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import requests

        def test_both(cj_server, cj_intercept, cj_account, cj_journal):
            assert requests.post(cj_intercept.url("authentication/getAccessToken"),
                                 json={"apiKey": cj_account.api_key}).json()["code"] == 200
            assert cj_server.sim.journal()[-1]["path"].endswith("getAccessToken")
            assert cj_journal.count() == 1
    """)
    pytester.runpytest().assert_outcomes(passed=1)


def test_cj_intercept_exercises_an_adapters_retry_and_answers_aiohttp(pytester: pytest.Pytester) -> None:
    """Before, the fixture patched HTTPAdapter.send, above urllib3's Retry: a 503 came back as
    is; and aiohttp was stopped at name resolution."""
    pytester.makepyfile("""
        import asyncio
        import aiohttp
        import pytest
        import requests
        from requests.adapters import HTTPAdapter
        from urllib3.util.retry import Retry

        CJ = "https://developers.cjdropshipping.com/api2.0/v1"
        @pytest.mark.cj(scenario="busy.json")
        def test_retry(cj_account, cj_journal, cj_clock):
            token = requests.post(f"{CJ}/authentication/getAccessToken",
                                  json={"apiKey": cj_account.api_key}).json()["data"]["accessToken"]
            session = requests.Session()
            session.mount("https://", HTTPAdapter(max_retries=Retry(total=3, status_forcelist=[503], backoff_factor=0)))
            cj_clock.advance(1)
            assert session.get(f"{CJ}/setting/get", headers={"CJ-Access-Token": token}).status_code == 200
            assert [e["status"] for e in cj_journal.select(path="setting/get")] == [503, 503, 200]

        def test_aiohttp(cj_intercept, cj_account, cj_journal):
            async def login():
                async with aiohttp.ClientSession() as session:
                    async with session.post(cj_intercept.url("authentication/getAccessToken"),
                                            json={"apiKey": cj_account.api_key}) as answer:
                        return (await answer.json())["code"]

            assert asyncio.run(login()) == 200
            assert cj_intercept.calls == 1 and cj_journal.count(code=200) == 1
    """)
    pytester.makefile(".json", busy=json.dumps({"name": "busy", "faults": [
        {"match": {"path": "setting/get", "calls": [1, 2]},
         "action": {"http_status": 503, "content_type": "text/html", "body": "<html>busy</html>"}}]}))
    pytester.runpytest().assert_outcomes(passed=2)
