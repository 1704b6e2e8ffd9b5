"""Two CJ clients for the 2026 points model (``--profile cj-2026``), plain ``requests`` against
CJ's real base URL: what happens when the day's API points run out.

* :class:`PointsAwareClient` reads 16900500 ("Insufficient API points. ...") as "the costed
  interfaces are closed until 00:00 UTC": it keeps one token pair, stops the costed calls,
  sleeps until the reset, then carries on. Free interfaces (balance, orders) stay usable.
* :class:`RetryForeverClient` treats the same answer as a passing glitch ("no data found")
  and asks again every few seconds, all day long: what integrators' logs show for hours.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

BASE_URL = "https://developers.cjdropshipping.com/api2.0/v1"
POINTS_EXHAUSTED = 16900500


class PointsAwareClient:
    def __init__(self, api_key: str, base_url: str = BASE_URL) -> None:
        self.api_key = api_key
        self.base_url = base_url
        self.session = requests.Session()
        self.token: str | None = None
        self.closed_until: datetime | None = None  # costed interfaces closed until this instant
        self.last_call = 0.0

    def _login(self) -> None:
        answer = self.session.post(f"{self.base_url}/authentication/getAccessToken",
                                   json={"apiKey": self.api_key}, timeout=30).json()
        if answer["code"] != 200:
            raise RuntimeError(f"login failed: {answer['code']} {answer['message']}")
        self.token = answer["data"]["accessToken"]  # kept: CJ answers the same pair for 24 h

    def _get(self, path: str, **params: Any) -> dict[str, Any]:
        if self.token is None:
            self._login()
        gap = time.monotonic() - self.last_call
        if gap < 1.0:
            time.sleep(1.0 - gap)  # 1 call a second suits every account level
        self.last_call = time.monotonic()
        return self.session.get(f"{self.base_url}/{path}", params=params, timeout=30,  # type: ignore[no-any-return]
                                headers={"CJ-Access-Token": self.token or ""}).json()

    def product_page(self, page: int) -> dict[str, Any]:
        """One page of product/list (50 points): waits for 00:00 UTC when the points are out."""
        while True:
            if self.closed_until is not None:
                wait = (self.closed_until - datetime.now(UTC)).total_seconds()
                if wait > 0:
                    time.sleep(wait)
                self.closed_until = None
            answer = self._get("product/list", pageNum=page, pageSize=20)
            if answer["code"] != POINTS_EXHAUSTED:
                return answer
            now = datetime.now(UTC)
            midnight = datetime(now.year, now.month, now.day, tzinfo=UTC) + timedelta(days=1)
            self.closed_until = midnight + timedelta(seconds=5)  # a little after the reset

    def balance(self) -> dict[str, Any]:
        return self._get("shopping/pay/getBalance")  # free: answers even without points


class RetryForeverClient:
    def __init__(self, api_key: str, base_url: str = BASE_URL, max_attempts: int = 10**9) -> None:
        self.api_key = api_key
        self.base_url = base_url
        self.max_attempts = max_attempts  # "forever" (a test bounds it)

    def product_page(self, page: int) -> dict[str, Any]:
        answer: dict[str, Any] = {}
        for _ in range(self.max_attempts):
            token = requests.post(f"{self.base_url}/authentication/getAccessToken",
                                  json={"apiKey": self.api_key}, timeout=30).json()
            headers = {"CJ-Access-Token": (token.get("data") or {}).get("accessToken", "")}
            answer = requests.get(f"{self.base_url}/product/list", headers=headers, timeout=30,
                                  params={"pageNum": page, "pageSize": 20}).json()
            if answer["code"] == 200:
                return answer
            time.sleep(5)  # "no data yet": try again
        return answer
