"""A CJ client with two mistakes integrators really make; the audit should catch both.

* It hammers: 5 requests a second whatever the account level ("5/s is gentle"), while a
  Free account may make 1.
* It reads 1600200 ("Call exceeded limit") as "my token went stale" and logs in again on
  every one, which breaks getAccessToken's own limit (once every 5 minutes) and resets
  nothing.

Otherwise it is an ordinary ``requests`` client against CJ's real base URL.
"""

from __future__ import annotations

import time
from typing import Any

import requests

BASE_URL = "https://developers.cjdropshipping.com/api2.0/v1"


class MisbehavingClient:
    def __init__(self, api_key: str, *, base_url: str = BASE_URL) -> None:
        self.api_key = api_key
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.token: str | None = None

    def login(self) -> None:
        answer = self.session.post(f"{self.base_url}/authentication/getAccessToken",
                                   json={"apiKey": self.api_key}, timeout=30).json()
        if answer.get("data"):
            self.token = answer["data"]["accessToken"]

    def get(self, path: str, **params: Any) -> Any:
        if self.token is None:
            self.login()
        time.sleep(0.2)  # 5 requests a second
        answer = self._get(path, params)
        if answer.get("code") == 1600200:  # "the token must have expired"
            self.login()
            answer = self._get(path, params)
        return answer.get("data")

    def _get(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        response = self.session.get(f"{self.base_url}/{path}", params=params,
                                    headers={"CJ-Access-Token": self.token or ""}, timeout=30)
        body: dict[str, Any] = response.json()
        return body

    def get_balance(self) -> Any:
        return self.get("shopping/pay/getBalance")

    def get_settings(self) -> Any:
        return self.get("setting/get")
