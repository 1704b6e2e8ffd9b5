"""A CJ Dropshipping API 2.0 client that follows CJ's rules, written the way an integrator
would write it: plain ``requests`` against CJ's real base URL, nothing test-specific.

What makes it well behaved (each point is a rule of CJ's access-limit page):

* it paces itself for its account level (Free 1/s, Plus 2/s, Prime 4/s, Advanced 6/s), with a
  margin (250 ms) because CJ measures the gap on its side, after network jitter;
* it logs in once and keeps the token (tokens live 15 days; getAccessToken is limited to once
  every 5 minutes), and refreshes it shortly before ``accessTokenExpiryDate``;
* on 1600200 (too many requests) it waits and retries with the *same* token;
* on 1600000 (system busy) it retries at most 3 times;
* on the daily-limit sentence it stops calling that interface until midnight, China time;
* it never re-sends a request a retry cannot fix (1600300, 1602xxx, ...): it raises.

Times are measured with ``time.monotonic()`` and waits use ``time.sleep()``, so a test that
patches sleep runs this client's minutes of waiting in milliseconds.
"""

from __future__ import annotations

import math
import time
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import requests

BASE_URL = "https://developers.cjdropshipping.com/api2.0/v1"
CJ_ZONE = ZoneInfo("Asia/Shanghai")  # where CJ's "tomorrow" starts
LEVEL_QPS = {"free": 1, "plus": 2, "prime": 4, "advanced": 6}
SAFETY_S = 0.25  # added to every gap between two calls: covers network and scheduling jitter
LOGIN_SPACING_S = 300.0  # getAccessToken: once every 5 minutes
REFRESH_MARGIN = timedelta(hours=12)  # refresh this long before the token expires
MAX_BUSY_RETRIES = 3
MAX_THROTTLE_RETRIES = 5


class CJError(Exception):
    """An answer a retry cannot fix."""

    def __init__(self, code: int, message: str, request_id: str | None = None) -> None:
        super().__init__(f"CJ {code}: {message}" + (f" (requestId {request_id})" if request_id else ""))
        self.code = code
        self.message = message
        self.request_id = request_id


class DailyLimitReached(CJError):
    """The interface is closed for this client until midnight in China."""


def seconds_to_midnight(now: datetime | None = None) -> float:
    now = now or datetime.now(CJ_ZONE)
    tomorrow = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (tomorrow - now).total_seconds()


class WellBehavedClient:
    def __init__(self, api_key: str, *, level: str = "free", base_url: str = BASE_URL,
                 session: requests.Session | None = None) -> None:
        self.api_key = api_key
        self.base_url = base_url.rstrip("/")
        self.session = session or requests.Session()
        self.interval = 1.0 / LEVEL_QPS[level] + SAFETY_S
        self.token: str | None = None
        self.refresh_token: str | None = None
        self._refresh_at = math.inf  # monotonic time to refresh the token
        self._last_call = -math.inf
        self._last_login = -math.inf
        self._closed_until: dict[str, float] = {}  # path -> monotonic time it reopens

    # -- what the shop calls -------------------------------------------------------------
    def get_balance(self) -> Any:
        return self.call("GET", "shopping/pay/getBalance")

    def get_settings(self) -> Any:
        return self.call("GET", "setting/get")

    def list_products(self, page: int = 1, size: int = 20) -> Any:
        return self.call("GET", "product/list", params={"pageNum": page, "pageSize": size})

    # -- the rules ------------------------------------------------------------------------
    def call(self, method: str, path: str, *, params: dict[str, Any] | None = None,
             json: dict[str, Any] | None = None) -> Any:
        reopens = self._closed_until.get(path)
        if reopens is not None and time.monotonic() < reopens:
            raise DailyLimitReached(1600200, f"{path} is closed for today (daily limit)")
        self._ensure_token()
        busy = throttled = 0
        renewed = False
        backoff = 1.0
        while True:
            body = self._send(method, path, params=params, json=json, token=self.token)
            code, message = body.get("code"), str(body.get("message"))
            if code == 200:
                return body.get("data")
            if code == 1600200 and "daily request limit" in message:
                self._closed_until[path] = time.monotonic() + seconds_to_midnight()
                raise DailyLimitReached(1600200, message, body.get("requestId"))
            if code == 1600200 and throttled < MAX_THROTTLE_RETRIES:
                throttled += 1
            elif code == 1600000 and busy < MAX_BUSY_RETRIES:
                busy += 1
            elif code == 1600001 and not renewed:  # the token was refused: renew it once
                renewed = True
                self._renew()
                continue
            else:
                raise CJError(int(code or 0), message, body.get("requestId"))
            time.sleep(backoff)
            backoff = min(backoff * 2, 60.0)

    def _send(self, method: str, path: str, *, params: dict[str, Any] | None = None,
              json: dict[str, Any] | None = None, token: str | None = None) -> dict[str, Any]:
        wait = self._last_call + self.interval - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self._last_call = time.monotonic()
        headers = {"CJ-Access-Token": token} if token else {}
        response = self.session.request(method, f"{self.base_url}/{path}", params=params,
                                        json=json, headers=headers, timeout=30)
        answer: dict[str, Any] = response.json()
        return answer

    # -- the token ------------------------------------------------------------------------
    def _ensure_token(self) -> None:
        if self.token is None:
            self._login()
        elif time.monotonic() >= self._refresh_at:
            self._renew()

    def _login(self) -> None:
        wait = self._last_login + LOGIN_SPACING_S - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self._last_login = time.monotonic()
        body = self._send("POST", "authentication/getAccessToken", json={"apiKey": self.api_key})
        if body.get("code") != 200:
            raise CJError(int(body.get("code") or 0), str(body.get("message")), body.get("requestId"))
        self._keep(body["data"])

    def _renew(self) -> None:
        """Refresh the token; log in again only if the refresh token is refused."""
        if self.refresh_token is not None:
            body = self._send("POST", "authentication/refreshAccessToken",
                              json={"refreshToken": self.refresh_token})
            if body.get("code") == 200:
                self._keep(body["data"])
                return
        self.token = self.refresh_token = None
        self._login()

    def _keep(self, data: dict[str, Any]) -> None:
        self.token = data["accessToken"]
        self.refresh_token = data["refreshToken"]
        lifetime = (datetime.fromisoformat(data["accessTokenExpiryDate"])
                    - datetime.fromisoformat(data["createDate"]))
        margin = min(REFRESH_MARGIN, lifetime / 2)
        self._refresh_at = time.monotonic() + (lifetime - margin).total_seconds()
