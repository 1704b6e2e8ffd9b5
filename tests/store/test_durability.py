"""Durable state: `cjsim serve` on SQLite restarts with everything it had; Redis outages
degrade to CJ's 1600000 and recover by themselves."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import requests

from cjsim import Simulator
from cjsim.server import BackgroundServer
from tests.redis_server import RedisServer
from tests.test_cli import start

START = "2026-01-05T10:00:00+08:00"


def stop(proc) -> None:  # type: ignore[no-untyped-def]
    proc.terminate()
    assert proc.wait(timeout=10) == 0


def test_sqlite_restart_keeps_accounts_tokens_counters_and_clock(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path}/state.db"
    proc, found = start("--store", store, "--clock", "frozen", "--start", START, "--daily-limit", "5")
    base, root = found["base"], found["base"].rsplit("/api2.0", 1)[0]
    try:
        created = requests.post(f"{root}/__cjsim/accounts", timeout=5,
                                json={"email": "kept@example.com", "balance": 42}).json()
        token = requests.post(f"{base}/authentication/getAccessToken", timeout=5,
                              json={"apiKey": created["apiKey"]}).json()["data"]["accessToken"]
        for _ in range(3):
            requests.post(f"{root}/__cjsim/clock", json={"advance": 1}, timeout=5)
            assert requests.get(f"{base}/setting/get", headers={"CJ-Access-Token": token},
                                timeout=5).json()["code"] == 200
        requests.post(f"{root}/__cjsim/clock", json={"advance": 3600}, timeout=5)
    finally:
        stop(proc)

    proc, found = start("--store", store, "--clock", "frozen", "--start", "2030-01-01T00:00:00+00:00",
                        "--account", "ignored@example.com:CJ1@api@" + "c" * 32, "--daily-limit", "5")
    base, root = found["base"], found["base"].rsplit("/api2.0", 1)[0]
    try:
        emails = {a["email"] for a in requests.get(f"{root}/__cjsim/accounts", timeout=5).json()["accounts"]}
        assert "kept@example.com" in emails and "ignored@example.com" not in emails
        clock = requests.get(f"{root}/__cjsim/clock", timeout=5).json()
        assert clock["now"] == "2026-01-05T11:00:03+08:00"  # the stored clock wins over --start
        answer = requests.get(f"{base}/setting/get", headers={"CJ-Access-Token": token}, timeout=5).json()
        assert answer["code"] == 200  # the token survived
        usage = requests.get(f"{root}/__cjsim/accounts/{created['openId']}", timeout=5).json()
        assert usage["balance"] == 42
        assert usage["usage"]["daily"][0]["count"] == 4  # the counter survived (3 + this one)
        journal = requests.get(f"{root}/__cjsim/journal", timeout=5).json()["entries"]
        assert len(journal) == 5
    finally:
        stop(proc)


def test_redis_outage_answers_system_busy_and_recovers(tmp_path: Path) -> None:
    server = RedisServer(tmp_path / "redis", persist=True).start()
    try:
        sim = Simulator(clock="frozen", start=START, store=server.url, store_prefix="outage")
        account = sim.account(level="advanced")
        with BackgroundServer(sim.app) as http:
            token = requests.post(http.url("authentication/getAccessToken"), timeout=5,
                                  json={"apiKey": account.api_key}).json()["data"]["accessToken"]
            headers = {"CJ-Access-Token": token}
            assert requests.get(http.url("setting/get"), headers=headers, timeout=5).json()["code"] == 200
            server.stop()
            down = requests.get(http.url("setting/get"), headers=headers, timeout=10)
            assert down.headers["Content-Type"].startswith("application/json")
            body = down.json()
            assert (body["code"], body["message"], body["success"]) == (1600000, "System busy", False)
            health = requests.get(http.url("/__cjsim/health"), timeout=10)
            assert health.status_code == 503 and health.json()["status"] == "degraded"
            journal = requests.get(http.url("/__cjsim/journal"), timeout=10)
            assert journal.status_code == 503 and "unavailable" in journal.json()["error"]
            server.start_on_same_port()
            deadline = time.monotonic() + 10
            codes = []
            while time.monotonic() < deadline:
                sim.clock.advance(1) if codes else None
                codes.append(requests.get(http.url("setting/get"), headers=headers, timeout=5).json()["code"])
                if codes[-1] == 200:
                    break
                time.sleep(0.1)
            assert codes[-1] == 200, codes
            assert requests.get(http.url("/__cjsim/health"), timeout=5).json() == {"status": "ok"}
    finally:
        server.stop()


@pytest.mark.parametrize("kind", ["sqlite"])
def test_stored_state_wins_over_constructor_accounts(tmp_path: Path, kind: str) -> None:
    url = f"sqlite:///{tmp_path}/x.db"
    first = Simulator(store=url, accounts=["one@example.com:CJ1@api@" + "a" * 32])
    first.store.close()
    second = Simulator(store=url, accounts=["two@example.com:CJ2@api@" + "b" * 32])
    assert [a.email for a in second.accounts.all()] == ["one@example.com"]
