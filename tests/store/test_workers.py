"""Four gunicorn workers on one shared store count exactly like one process.

16 client threads hammer one Free account, then one interface-wide limit, over a few
seconds of flowing time. From the journal: accepted requests never exceed the limit in any
window, and the daily counter equals the number of accepted calls (no update lost).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from tests.redis_server import free_port

US = 1_000_000
FREE = "free@example.com:CJ100@api@" + "1" * 32 + ":free"
ADVANCED = [f"adv{i}@example.com:CJ2{i:02d}@api@" + f"{i:032x}" + ":advanced:verified" for i in range(16)]


def gunicorn(store: str, prefix: str, tmp: Path) -> tuple[subprocess.Popen[bytes], str]:
    if shutil.which("gunicorn") is None and not Path(sys.executable).with_name("gunicorn").exists():
        pytest.skip("gunicorn is not installed (pip install -e '.[test]')")
    port = free_port()
    env = {**os.environ, "CJSIM_STORE": store, "CJSIM_STORE_PREFIX": prefix,
           "CJSIM_ACCOUNTS": ",".join([FREE, *ADVANCED]), "CJSIM_TRUST_IP_HEADER": "1",
           "CJSIM_JOURNAL_SIZE": "20000"}
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "4", "-b", f"127.0.0.1:{port}",
                             "--log-level", "warning", "cjsim.wsgi:app"], env=env, cwd=tmp,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    root = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{root}/__cjsim/health", timeout=1).status_code == 200:
                return proc, root
        except requests.RequestException:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError(proc.stderr.read().decode() if proc.stderr else "gunicorn did not start")


@pytest.fixture(params=["sqlite", "redis"])
def workers(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        store, prefix = f"sqlite:///{tmp_path}/shared.db", "cjsim"
    else:
        server = request.getfixturevalue("redis_server")
        store, prefix = server.url, f"workers-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    proc, root = gunicorn(store, prefix, tmp_path)
    yield root
    proc.terminate()
    proc.wait(timeout=15)


def login(root: str, spec: str, ip: str) -> str:
    api_key = spec.split(":")[1]
    answer = requests.post(f"{root}/api2.0/v1/authentication/getAccessToken", json={"apiKey": api_key},
                           headers={"X-CJSim-Client-IP": ip}, timeout=10).json()
    assert answer["code"] == 200, answer
    return str(answer["data"]["accessToken"])


def accepted_times(root: str, open_id: int | None = None) -> list[int]:
    from cjsim.clock import parse_instant

    entries = requests.get(f"{root}/__cjsim/journal", timeout=10).json()["entries"]
    return sorted(parse_instant(e["time"]) for e in entries
                  if e["code"] == 200 and e["path"].endswith("setting/get")
                  and (open_id is None or e["openId"] == open_id))


def test_one_free_account_across_four_workers(workers: str) -> None:
    root = workers
    token = login(root, FREE, "10.8.0.1")
    accounts = requests.get(f"{root}/__cjsim/accounts", timeout=10).json()["accounts"]
    open_id = next(a["openId"] for a in accounts if a["email"] == "free@example.com")
    time.sleep(1.0)  # R1 counted the login

    def hammer(i: int) -> int:
        ok = 0
        with requests.Session() as session:
            for _ in range(25):
                answer = session.get(f"{root}/api2.0/v1/setting/get", timeout=10, headers={
                    "CJ-Access-Token": token, "X-CJSim-Client-IP": f"10.8.1.{i}"}).json()
                assert answer["code"] in (200, 1600200), answer
                ok += answer["code"] == 200
                time.sleep(0.01)
        return ok

    started = time.monotonic()
    with ThreadPoolExecutor(16) as pool:
        accepted = sum(pool.map(hammer, range(16)))
    elapsed = time.monotonic() - started
    times = accepted_times(root, open_id)
    assert len(times) == accepted >= 1
    assert all(b - a >= US for a, b in zip(times, times[1:])), "two accepted calls within one second"
    assert accepted <= int(elapsed) + 1
    usage = requests.get(f"{root}/__cjsim/accounts/{open_id}", timeout=10).json()["usage"]
    assert usage["daily"][0]["count"] == accepted  # no counter update lost


def test_interface_limit_across_four_workers(workers: str) -> None:
    root = workers
    tokens = [login(root, spec, f"10.9.0.{i}") for i, spec in enumerate(ADVANCED)]
    time.sleep(1.0)

    def hammer(i: int) -> int:
        ok = 0
        with requests.Session() as session:
            for _ in range(20):
                answer = session.get(f"{root}/api2.0/v1/setting/get", timeout=10, headers={
                    "CJ-Access-Token": tokens[i], "X-CJSim-Client-IP": f"10.9.0.{i}"}).json()
                ok += answer["code"] == 200
                time.sleep(0.1)  # spread over ~2 s of flowing time: several windows
        return ok

    with ThreadPoolExecutor(16) as pool:
        accepted = sum(pool.map(hammer, range(16)))
    times = accepted_times(root)
    assert len(times) == accepted
    assert accepted > 30  # the test did cross windows
    assert all(times[i + 30] - times[i] >= US for i in range(len(times) - 30)), "R2 exceeded in a window"
