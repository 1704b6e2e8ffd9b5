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
ADMIN = {"Authorization": "Bearer workers-admin"}  # the WSGI entry point needs an admin token
ADVANCED = [f"adv{i}@example.com:CJ2{i:02d}@api@" + f"{i:032x}" + ":advanced:verified" for i in range(16)]


def gunicorn(store: str, prefix: str, tmp: Path) -> tuple[subprocess.Popen[bytes], str]:
    if shutil.which("gunicorn") is None and not Path(sys.executable).with_name("gunicorn").exists():
        pytest.skip("gunicorn is not installed (pip install -e '.[test]')")
    port = free_port()
    env = {**os.environ, "CJSIM_STORE": store, "CJSIM_STORE_PREFIX": prefix,
           "CJSIM_ACCOUNTS": ",".join([FREE, *ADVANCED]), "CJSIM_TRUST_IP_HEADER": "1",
           "CJSIM_JOURNAL_SIZE": "20000", "CJSIM_ADMIN_TOKEN": "workers-admin"}
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "4", "-b", f"127.0.0.1:{port}",
                             "--log-level", "warning", "cjsim.wsgi:app"], env=env, cwd=tmp,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    root = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{root}/__cjsim/health", headers=ADMIN, timeout=1).status_code == 200:
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

    entries = requests.get(f"{root}/__cjsim/journal", headers=ADMIN, timeout=10).json()["entries"]
    return sorted(parse_instant(e["time"]) for e in entries
                  if e["code"] == 200 and e["path"].endswith("setting/get")
                  and (open_id is None or e["openId"] == open_id))


def test_one_free_account_across_four_workers(workers: str) -> None:
    root = workers
    token = login(root, FREE, "10.8.0.1")
    accounts = requests.get(f"{root}/__cjsim/accounts", headers=ADMIN, timeout=10).json()["accounts"]
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
    usage = requests.get(f"{root}/__cjsim/accounts/{open_id}", headers=ADMIN, timeout=10).json()["usage"]
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


def test_orders_and_balances_across_four_workers(workers: str) -> None:
    """Every acknowledged order is listed and every payment debited exactly once."""
    from decimal import Decimal

    from tests.shop import order_body

    root = workers
    specs = ADVANCED[:8]
    tokens = [login(root, spec, f"10.11.0.{i}") for i, spec in enumerate(specs)]
    time.sleep(1.0)
    api = f"{root}/api2.0/v1"
    vid = requests.get(f"{api}/product/query", params={"productSku": "CJSJBHPK01234"}, timeout=10,
                       headers={"CJ-Access-Token": tokens[0], "X-CJSim-Client-IP": "10.11.0.0"}
                       ).json()["data"]["variants"][0]["vid"]
    accounts = {a["email"]: a for a in requests.get(f"{root}/__cjsim/accounts", headers=ADMIN, timeout=10).json()["accounts"]}
    before = {i: Decimal(str(accounts[spec.split(":")[0]]["balance"])) for i, spec in enumerate(specs)}

    def shop(thread: int) -> list[tuple[int, str, Decimal]]:
        i = thread % len(specs)
        headers = {"CJ-Access-Token": tokens[i], "X-CJSim-Client-IP": f"10.11.0.{i}"}
        paid = []
        with requests.Session() as session:
            for n in range(4):
                time.sleep(0.6)  # two threads per account stay under its 6/s
                body = order_body(vid, orderNumber=f"w-{thread}-{n}", products=[{"vid": vid, "quantity": 1}])
                made = session.post(f"{api}/shopping/order/createOrderV2", json=body, headers=headers,
                                    timeout=10).json()
                if made["code"] != 200:
                    continue
                order_id = made["data"]["orderId"]
                time.sleep(0.4)
                session.patch(f"{api}/shopping/order/confirmOrder", json={"orderId": order_id},
                              headers=headers, timeout=10)
                time.sleep(0.4)
                pay = session.post(f"{api}/shopping/pay/payBalance", json={"orderId": order_id},
                                   headers=headers, timeout=10).json()
                amount = Decimal(str(made["data"]["orderAmount"])) if pay["code"] == 200 else Decimal(0)
                paid.append((i, order_id, amount))
        return paid

    with ThreadPoolExecutor(16) as pool:
        results = [row for rows in pool.map(shop, range(16)) for row in rows]
    assert len(results) >= 16
    time.sleep(1.0)
    accounts = {a["email"]: a for a in requests.get(f"{root}/__cjsim/accounts", headers=ADMIN, timeout=10).json()["accounts"]}
    for i, spec in enumerate(specs):
        headers = {"CJ-Access-Token": tokens[i], "X-CJSim-Client-IP": f"10.11.0.{i}"}
        listed = requests.get(f"{api}/shopping/order/list", params={"pageSize": 200}, headers=headers,
                              timeout=10).json()["data"]["list"]
        mine = {order_id for owner, order_id, _ in results if owner == i}
        assert mine <= {o["orderId"] for o in listed}, "an order was lost"
        spent = sum((amount for owner, _, amount in results if owner == i), Decimal(0))
        after = Decimal(str(accounts[spec.split(":")[0]]["balance"]))
        assert after == before[i] - spent, "a balance update was lost or doubled"
        time.sleep(0.2)
