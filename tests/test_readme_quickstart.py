"""The README's quick start, replayed against ``cjsim serve``: what it teaches leaves the
audit clean (no second login while a token is valid)."""

from __future__ import annotations

import re
from pathlib import Path

import requests

from tests.test_cli import start

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_quick_start_is_clean_in_the_audit() -> None:
    text = README.read_text(encoding="utf-8")
    quick = text[:text.index("cjsim reproduces CJ's access limits")]
    # the first hour teaches refresh or logout, never a bare re-login after moving the clock
    assert "authentication/refreshAccessToken" in quick and "authentication/logout" in quick
    proc, found = start()
    try:
        base = found["base"]
        root = base.rsplit("/api2.0", 1)[0]
        login = requests.post(f"{base}/authentication/getAccessToken", json={"apiKey": found["api_key"]},
                              timeout=5).json()["data"]
        renewed = requests.post(f"{base}/authentication/refreshAccessToken", timeout=5,
                                json={"refreshToken": login["refreshToken"]}).json()
        assert renewed["code"] == 200
        token = renewed["data"]["accessToken"]
        assert requests.post(f"{base}/authentication/logout", headers={"CJ-Access-Token": token},
                             timeout=5).json()["code"] == 200
        assert requests.post(f"{root}/__cjsim/clock", json={"advance": 300}, timeout=5).status_code == 200
        again = requests.post(f"{base}/authentication/getAccessToken", timeout=5,
                              json={"email": found["email"], "password": found["api_key"]}).json()
        assert again["code"] == 200
        audit = requests.get(f"{root}/__cjsim/audit", timeout=5).json()
        assert audit["findings"] == [] and audit["clean"] is True and audit["audited"] == 4
        entry = requests.get(f"{root}/__cjsim/journal", timeout=5).json()
        entries = entry if isinstance(entry, list) else entry.get("entries", entry.get("journal", []))
        assert all(re.fullmatch(r"[0-9a-f]{16}", e["fp"]) for e in entries) and len(entries) == 4
    finally:
        proc.terminate()
        proc.wait(timeout=10)
