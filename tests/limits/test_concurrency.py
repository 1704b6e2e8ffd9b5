"""Through the live server: many threads never get more than the limit allows."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import requests

from cjsim.server import BackgroundServer


def test_sixteen_threads_on_one_free_account_get_exactly_one_call_per_second(make_sim) -> None:  # type: ignore[no-untyped-def]
    sim = make_sim()
    account = sim.account(level="free")
    with BackgroundServer(sim.app) as server:
        login = requests.post(server.url("authentication/getAccessToken"),
                              json={"apiKey": account.api_key}, timeout=5).json()
        token = login["data"]["accessToken"]
        sim.clock.advance(1)
        local = threading.local()

        def hammer(_: int) -> list[int]:
            session = getattr(local, "session", None)
            if session is None:
                session = local.session = requests.Session()
            return [session.get(server.url("setting/get"), timeout=10,
                                headers={"CJ-Access-Token": token}).json()["code"]
                    for _ in range(5)]

        accepted_per_second = []
        with ThreadPoolExecutor(16) as pool:
            for _second in range(3):
                codes = [c for batch in pool.map(hammer, range(16)) for c in batch]
                assert set(codes) <= {200, 1600200}
                accepted_per_second.append(codes.count(200))
                sim.clock.advance(1)
    assert accepted_per_second == [1, 1, 1]
    journal = [e for e in sim.journal() if e["path"].endswith("setting/get")]
    assert len(journal) == 16 * 5 * 3
    assert sum(e["code"] == 200 for e in journal) == 3


def test_sixteen_threads_on_one_interface_never_exceed_its_limit(make_sim) -> None:  # type: ignore[no-untyped-def]
    sim = make_sim(trust_ip_header=True, rules={"R2": {"limit": 7}})
    accounts = [sim.account(level="advanced") for _ in range(16)]
    with BackgroundServer(sim.app) as server:
        tokens = []
        for i, account in enumerate(accounts):
            tokens.append(requests.post(server.url("authentication/getAccessToken"), timeout=5,
                                        headers={"X-CJSim-Client-IP": f"10.5.0.{i}"},
                                        json={"apiKey": account.api_key}).json()["data"]["accessToken"])
        sim.clock.advance(1)

        def hammer(i: int) -> list[int]:
            with requests.Session() as session:
                return [session.get(server.url("setting/get"), timeout=10, headers={
                    "CJ-Access-Token": tokens[i], "X-CJSim-Client-IP": f"10.5.0.{i}"}).json()["code"]
                    for _ in range(4)]

        with ThreadPoolExecutor(16) as pool:
            codes = [c for batch in pool.map(hammer, range(16)) for c in batch]
    assert codes.count(200) == 7
    assert {v["rule"] for v in sim.violations()} <= {"R2", "R4"}
