"""Take docs/dashboard.png: the dashboard under traffic, in headless Chromium.

    python tools/dashboard_screenshot.py [docs/dashboard.png]

Three accounts on one simulator (a Free one paced too fast, a Prime one in bursts, a
Plus one under a flaky-network scenario), a few seconds of calls, then a click on a refusal.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import Any

import requests
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from cjsim import Simulator
from cjsim.server import BackgroundServer


def client(server: BackgroundServer, api_key: str, pause: Any, paths: list[str], until: float) -> None:
    token = requests.post(server.url("authentication/getAccessToken"), json={"apiKey": api_key},
                          timeout=5).json()["data"]["accessToken"]
    i = 0
    while time.monotonic() < until:
        requests.get(server.url(paths[i % len(paths)]), headers={"CJ-Access-Token": token}, timeout=5)
        i += 1
        time.sleep(pause[i % len(pause)] if isinstance(pause, list) else pause)


def main(out: str) -> None:
    keys = {email: f"CJ{i}@api@{i:032x}" for i, email in
            enumerate(("shop@example.com", "bulk@example.com", "ops@example.com"), 1)}
    sim = Simulator(seed=3, accounts=[
        {"email": "shop@example.com", "level": "free", "verified": True, "apiKey": keys["shop@example.com"]},
        {"email": "bulk@example.com", "level": "prime", "apiKey": keys["bulk@example.com"]},
        {"email": "ops@example.com", "level": "plus", "verified": True, "apiKey": keys["ops@example.com"]}])
    with BackgroundServer(sim.app) as server:
        requests.post(server.url("/__cjsim/scenario"), timeout=5, json={
            "name": "flaky", "faults": [{"match": {"path": "product/listV2", "probability": 0.2},
                                         "action": {"code": 1600000}}]})
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,1900",
                    "--hide-scrollbars", "--force-device-scale-factor=1"):
            options.add_argument(arg)
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        try:
            driver.get(server.url("/__cjsim/ui"))
            until = time.monotonic() + 18
            plans: list[tuple[str, Any, list[str]]] = [
                ("shop@example.com", 0.6, ["product/list", "product/listV2", "product/getCategory"]),
                ("bulk@example.com", [0.05] * 8 + [1.5], ["product/list"]),
                ("ops@example.com", 0.7, ["product/listV2", "setting/get"]),
            ]
            threads = [threading.Thread(target=client, args=(server, keys[e], p, paths, until))
                       for e, p, paths in plans]
            for t in threads:
                t.start()
            time.sleep(11)  # traffic flowing, an audit round done
            driver.find_element(By.CSS_SELECTOR, "#traffic-body tr.rejected").click()
            time.sleep(1.5)
            driver.save_screenshot(out)  # under traffic: the QPS windows are filling
            for t in threads:
                t.join()
        finally:
            driver.quit()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/dashboard.png")
