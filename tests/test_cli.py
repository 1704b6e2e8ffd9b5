"""`cjsim serve` as a user runs it: a subprocess on port 0, the printed URL, a login, a stop."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.serve import spawn


def start(*args: str, cwd: Path | None = None) -> tuple[subprocess.Popen[str], dict[str, str]]:
    served = spawn(*args, cwd=cwd)
    me = served.account
    return served.proc, {"banner": served.banner, "base": served.base, "email": me.email,
                         "api_key": me.api_key, "open_id": str(me.open_id)}


@pytest.fixture
def served() -> Iterator[tuple[subprocess.Popen[str], dict[str, str]]]:
    proc, found = start("--clock", "frozen", "--start", "2026-01-05T10:00:00+08:00")
    yield proc, found
    if proc.poll() is None:
        proc.kill()
        proc.wait()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_serve_prints_url_and_demo_key_logs_in_and_stops_cleanly(signum: int) -> None:
    proc, found = start()
    try:
        base = found["base"]
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/api2\.0/v1", base)
        answer = requests.post(f"{base}/authentication/getAccessToken",
                               json={"apiKey": found["api_key"]}, timeout=5).json()
        assert answer["code"] == 200 and answer["data"]["accessToken"]
        legacy = requests.post(f"{base}/authentication/getAccessToken", timeout=5,
                               json={"email": found["email"], "password": found["api_key"]}).json()
        assert legacy["code"] == 1600200  # the account's login limit: once per 5 minutes
        proc.send_signal(signum)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()


def test_serve_with_given_accounts_and_frozen_clock() -> None:
    key = "CJ7@api@" + "b" * 32
    proc, found = start("--account", f"me@example.com:{key}:prime:verified",
                        "--clock", "frozen", "--start", "2026-01-05T10:00:00+08:00")
    try:
        # a key given on the command line is not printed back: the store keeps its digest
        assert found["email"] == "me@example.com" and found["api_key"] == "CJ7@…bbbb"
        root = found["base"].rsplit("/api2.0", 1)[0]
        clock = requests.get(f"{root}/__cjsim/clock", timeout=5).json()
        assert clock == {"now": "2026-01-05T10:00:00+08:00", "epoch": 1767578400.0, "frozen": True}
        assert f"dashboard: {root}/__cjsim/ui\n" in found["banner"]  # the link a new user opens
        page = requests.get(f"{root}/__cjsim/ui", timeout=5)
        assert page.headers["Content-Type"].startswith("text/html") and "cjsim dashboard" in page.text
        account = requests.get(f"{root}/__cjsim/accounts/{found['open_id']}", timeout=5).json()
        assert (account["level"], account["verified"]) == (3, True)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_serve_refuses_a_bad_account_spec() -> None:
    result = subprocess.run([sys.executable, "-m", "cjsim", "serve", "--port", "0",
                             "--account", "only-an-email"], capture_output=True, text=True,
                            timeout=30)
    assert result.returncode == 2 and "EMAIL:APIKEY" in result.stderr
