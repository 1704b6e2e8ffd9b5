"""kill -9 in the middle of a burst of order creations loses no order whose answer reached
the client (SQLite store: WAL, synchronous=NORMAL, one transaction per order)."""

from __future__ import annotations

import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from tests.shop import order_body
from tests.test_cli import start

KEYS = [f"CJ5{i:02d}@api@{i:032x}" for i in range(4)]


def test_kill_9_mid_burst_loses_no_acknowledged_order(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path}/crash.db"
    accounts = []
    for i, key in enumerate(KEYS):
        accounts += ["--account", f"crash{i}@example.com:{key}:advanced:verified"]
    proc, found = start("--store", store, "--trust-ip-header", "--no-webhooks", *accounts)
    base = found["base"]
    tokens = [requests.post(f"{base}/authentication/getAccessToken", json={"apiKey": key}, timeout=10,
                            headers={"X-CJSim-Client-IP": f"10.3.3.{i}"}).json()["data"]["accessToken"]
              for i, key in enumerate(KEYS)]
    vid = requests.get(f"{base}/product/query", params={"productSku": "CJSJBHPK01234"}, timeout=10,
                       headers={"CJ-Access-Token": tokens[0]}).json()["data"]["variants"][0]["vid"]
    acknowledged: list[tuple[int, str]] = []
    lock = threading.Lock()
    stop = threading.Event()

    def burst(i: int) -> None:
        n = 0
        with requests.Session() as session:
            while not stop.is_set():
                n += 1
                body = order_body(vid, orderNumber=f"crash-{i}-{n}", products=[{"vid": vid, "quantity": 1}])
                try:
                    answer = session.post(f"{base}/shopping/order/createOrderV2", json=body, timeout=5,
                                          headers={"CJ-Access-Token": tokens[i],
                                                   "X-CJSim-Client-IP": f"10.3.3.{i}"}).json()
                except (requests.RequestException, ValueError):
                    return  # the server died under us: this answer never reached the client
                if answer["code"] == 200:
                    with lock:
                        acknowledged.append((i, answer["data"]["orderId"]))
                time.sleep(0.17)  # about 6/s: the Advanced level's QPS

    with ThreadPoolExecutor(len(KEYS)) as pool:
        futures = [pool.submit(burst, i) for i in range(len(KEYS))]
        time.sleep(2.0)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        stop.set()
        for future in futures:
            future.result()
    assert len(acknowledged) >= 10

    proc, found = start("--store", store, "--trust-ip-header", "--no-webhooks")
    try:
        base = found["base"]
        for i in range(len(KEYS)):
            mine = {order_id for owner, order_id in acknowledged if owner == i}
            token = tokens[i]  # tokens are durable too
            listed = requests.get(f"{base}/shopping/order/list", params={"pageSize": 200}, timeout=10,
                                  headers={"CJ-Access-Token": token, "X-CJSim-Client-IP": f"10.4.4.{i}"}).json()
            assert listed["code"] == 200, listed
            assert mine <= {o["orderId"] for o in listed["data"]["list"]}, "an acknowledged order was lost"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
