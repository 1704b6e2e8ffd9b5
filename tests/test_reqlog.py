"""The log of `cjsim serve` (cjsim/reqlog.py): one line per CJ request that says what
happened, no doubled timestamp, colour only on a terminal, JSON on demand, no secrets."""

from __future__ import annotations

import io
import json
import logging
import re
from typing import Any
from urllib.parse import quote

import requests

from cjsim.reqlog import LineFormatter, cj_text, use_color
from tests.serve import spawn

START = "2026-01-05T10:00:00+08:00"
ANSI = re.compile(r"\x1b\[")


def serve_and_call(*flags: str) -> tuple[list[str], dict[str, Any]]:
    """Serve in a subprocess (frozen clock), log in, make a throttled call, a call with
    secrets in the URL and a failed control call; stop it; its log lines and the key/token."""
    served = spawn("--clock", "frozen", "--start", START, *flags, quiet=False,
                   env={"NO_COLOR": ""})
    found: dict[str, Any] = {"base": served.base, "key": served.account.api_key,
                             "openId": str(served.account.open_id)}
    try:
        base = found["base"]
        login = requests.post(f"{base}/authentication/getAccessToken", json={"apiKey": found["key"]},
                              timeout=10).json()
        assert login["code"] == 200
        token = found["token"] = login["data"]["accessToken"]
        headers = {"CJ-Access-Token": token}
        assert requests.get(f"{base}/setting/get", headers=headers, timeout=10).json()["code"] == 200
        assert requests.get(f"{base}/setting/get", headers=headers, timeout=10).json()["code"] == 1600200
        requests.get(f"{base}/product/list?apiKey={quote(found['key'])}&%61pi_key={quote(token)}",
                     headers=headers, timeout=10)
        root = base.rsplit("/api2.0", 1)[0]
        with requests.Session() as control:
            # one keep-alive connection: the server logs the 404 right after answering it and
            # before it reads the next request on that connection, so the line is written by
            # the time the clock call is answered (a stop right after cannot lose it)
            control.get(f"{root}/__cjsim/journal/424242?token={quote(token)}", timeout=10)
            control.get(f"{root}/__cjsim/clock", timeout=10)  # a successful control call: no line
    finally:
        err = served.stop(timeout=20)
    return [line for line in err.splitlines() if line.strip()], found


def test_text_lines_say_what_happened_once_without_colour_or_secrets() -> None:
    lines, found = serve_and_call()
    joined = "\n".join(lines)
    assert not ANSI.search(joined)  # stderr is a pipe, not a terminal
    assert found["key"] not in joined and found["token"] not in joined
    assert quote(found["key"]) not in joined and quote(found["token"]) not in joined
    cj = [line for line in lines if " -> " in line and "HTTP 404" not in line]
    assert cj[0] == f"10:00:00.000 POST authentication/getAccessToken -> 200 acct {found['openId']} " \
                    f"{cj[0].split()[-2]} ms"
    assert re.fullmatch(rf"10:00:00\.000 GET setting/get -> 200 acct {found['openId']} \d+\.\d ms", cj[1])
    assert re.fullmatch(rf"10:00:00\.000 GET setting/get -> 1600200 R4 acct {found['openId']} \d+\.\d ms",
                        cj[2])
    assert len(cj) == 4 and cj[3].startswith("10:00:00.000 GET product/list -> 1600200 R4")
    control = [line for line in lines if "/__cjsim/" in line]
    assert control == [line for line in lines if "HTTP 404" in line] and len(control) == 1
    assert re.fullmatch(r"10:00:00\.000 GET /__cjsim/journal/424242 -> HTTP 404 127\.0\.0\.1", control[0])
    # one timestamp per line: werkzeug's own request line ("[05/Jan/2026 ...] "GET ...") is gone
    assert not any('"GET ' in line or "HTTP/1.1" in line for line in lines)
    assert all(line.count("10:00:00") <= 1 for line in lines)


def test_json_lines_parse() -> None:
    lines, found = serve_and_call("--log-format", "json")
    records = [json.loads(line) for line in lines]
    joined = "\n".join(lines)
    assert found["key"] not in joined and found["token"] not in joined
    cj = [r for r in records if "interface" in r]
    assert [(r["interface"], r["code"], r["rule"]) for r in cj] == [
        ("authentication/getAccessToken", 200, None), ("setting/get", 200, None),
        ("setting/get", 1600200, "R4"), ("product/list", 1600200, "R4")]
    assert all(r["time"] == START and r["openId"] == int(found["openId"]) for r in cj)
    assert all(isinstance(r["latencyMs"], float) and r["journalId"] for r in cj)
    control = [r for r in records if "interface" not in r]
    assert len(control) == 1 and "/__cjsim/journal/424242 -> HTTP 404" in control[0]["message"]


def test_quiet_logs_no_request() -> None:
    lines, _found = serve_and_call("--quiet")
    assert not [line for line in lines if " -> " in line]


def _record(entry: dict[str, Any]) -> logging.LogRecord:
    record = logging.LogRecord("cjsim.requests", logging.INFO, __file__, 1, "%s", (cj_text(entry),), None)
    record.cj = entry
    return record


ENTRY = {"id": 7, "timeUs": 1767578401200000, "method": "GET", "path": "/api2.0/v1/product/query",
         "code": 1600200, "status": 200, "rule": "R4", "openId": 100042, "ip": "127.0.0.1",
         "latencyUs": 412, "reason": "limit:R4", "detail": None, "message": "Too much request"}


def test_the_line_of_the_issue() -> None:
    line = LineFormatter("text").format(_record(ENTRY))
    assert line == "10:00:01.200 GET product/query -> 1600200 R4 acct 100042 0.4 ms"
    refused = dict(ENTRY, code=1600300, rule=None, openId=None, detail="pageSize must be at most 200",
                   reason="params", status=200)
    assert LineFormatter("text").format(_record(refused)) == \
        "10:00:01.200 GET product/query -> 1600300 ip 127.0.0.1 0.4 ms (pageSize must be at most 200)"


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_and_never_with_no_color() -> None:
    assert use_color(_Tty(), {}) is True
    assert use_color(_Tty(), {"NO_COLOR": "1"}) is False
    assert use_color(io.StringIO(), {}) is False
    coloured = LineFormatter("text", color=True).format(_record(ENTRY))
    assert ANSI.search(coloured)
    plain = re.sub(r"\x1b\[[0-9;]*m", "", coloured)
    assert plain == LineFormatter("text").format(_record(ENTRY))
