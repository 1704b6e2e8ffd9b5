"""The log of ``cjsim serve``: one line per CJ request, saying what happened.

    10:00:01.200 GET product/query -> 1600200 R4 acct 100042 0.4 ms

CJ answers a throttle with HTTP 200, so the line shows CJ's ``code`` (and the rule that
tripped), not the HTTP status alone. The time is the *simulated* time of the call (China
time, as the journal shows it); the latency is wall-clock time the server spent on it.
The server's own short lines (its busy and bad-framing answers, control API requests that
failed) carry the simulated time too; warnings and errors carry the wall-clock time.
Colour only on a terminal, never with ``NO_COLOR``; ``--log-format json`` writes one JSON
object per line. Credentials never appear: paths and details are masked by
:func:`cjsim.domain.ids.mask_secrets`, queries and bodies are not logged (the journal keeps them).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from datetime import datetime
from typing import IO, Any

from cjsim import jsonenc
from cjsim.clock import CHINA, iso, to_datetime
from cjsim.domain.ids import mask_secrets

REQUEST_LOG = logging.getLogger("cjsim.requests")
API_PREFIX = "/api2.0/v1/"
THROTTLES = frozenset({1600200, 1600201})

_RESET = "\x1b[0m"
_GREEN, _YELLOW, _RED, _MAGENTA, _DIM = "\x1b[32m", "\x1b[33m", "\x1b[31m", "\x1b[35m", "\x1b[2m"


def interface(path: str) -> str:
    return path[len(API_PREFIX):] if path.startswith(API_PREFIX) else path


def _ms(latency_us: int | None) -> str:
    return f"{(latency_us or 0) / 1000:.1f} ms"


def cj_text(entry: Mapping[str, Any], color: bool = False) -> str:
    """The line of one journaled CJ request, without its time."""
    code = entry.get("code")
    status = entry.get("status")
    shown = str(code) if code is not None else f"HTTP {status}"
    if code is not None and status not in (200, None):
        shown += f" (HTTP {status})"
    if color:
        tint = _GREEN if code == 200 else _YELLOW if code in THROTTLES else _RED
        shown = f"{tint}{shown}{_RESET}"
    parts = [str(entry.get("method")), interface(str(entry.get("path"))), "->", shown]
    rule = entry.get("rule")
    if rule:
        parts.append(f"{_MAGENTA}{rule}{_RESET}" if color else str(rule))
    if entry.get("openId") is not None:
        parts.append(f"acct {entry['openId']}")
    else:
        parts.append(f"ip {entry.get('ip')}")
    parts.append(_ms(entry.get("latencyUs")))
    if entry.get("fault"):
        parts.append(f"fault {','.join(map(str, entry['fault']))}")
    reason = entry.get("reason")
    if code in (200, None) or (rule and str(reason).startswith("limit:")):
        reason = None  # the rule says it
    why = entry.get("detail") or reason
    if why:
        parts.append(f"({mask_secrets(str(why))})")
    return " ".join(parts)


def cj_json(entry: Mapping[str, Any]) -> dict[str, Any]:
    out = {
        "time": iso(int(entry["timeUs"])), "journalId": entry.get("id"),
        "method": entry.get("method"), "interface": interface(str(entry.get("path"))),
        "path": entry.get("path"), "code": entry.get("code"), "status": entry.get("status"),
        "message": entry.get("message"), "rule": entry.get("rule"), "detail": entry.get("detail"),
        "openId": entry.get("openId"), "ip": entry.get("ip"), "requestId": entry.get("requestId"),
        "latencyMs": round((entry.get("latencyUs") or 0) / 1000, 3),
    }
    for extra in ("reason", "fault"):
        if entry.get(extra):
            out[extra] = entry[extra]
    return out


def _clock_text(dt: datetime) -> str:
    return dt.strftime("%H:%M:%S.") + f"{dt.microsecond // 1000:03d}"


class LineFormatter(logging.Formatter):
    """``text`` or ``json``; CJ request records (``extra={"cj": entry}``) get the request line."""

    def __init__(self, fmt: str = "text", color: bool = False) -> None:
        super().__init__()
        if fmt not in ("text", "json"):
            raise ValueError(f"log format must be text or json, not {fmt!r}")
        self.fmt = fmt
        self.color = color

    def format(self, record: logging.LogRecord) -> str:
        entry = getattr(record, "cj", None)
        if entry is not None:
            if self.fmt == "json":
                return jsonenc.dumps(cj_json(entry)).decode()
            when = _clock_text(to_datetime(int(entry["timeUs"]), CHINA))
            return f"{when} {cj_text(entry, self.color)}"
        message = mask_secrets(record.getMessage())
        if record.exc_info:
            message += "\n" + mask_secrets(self.formatException(record.exc_info))
        sim_us = getattr(record, "simUs", None)  # a server line: the simulated time, as CJ lines
        wall = (to_datetime(int(sim_us), CHINA) if sim_us is not None
                else datetime.fromtimestamp(record.created).astimezone())
        if self.fmt == "json":
            return jsonenc.dumps({"time": wall.isoformat(timespec="milliseconds"),
                                  "level": record.levelname.lower(), "logger": record.name,
                                  "message": message}).decode()
        level = "" if record.levelno == logging.INFO else f"{record.levelname} "
        if self.color and record.levelno >= logging.WARNING:
            level = f"{_RED if record.levelno >= logging.ERROR else _YELLOW}{level}{_RESET}"
        stamp = _clock_text(wall)
        return f"{_DIM}{stamp}{_RESET} {level}{message}" if self.color else f"{stamp} {level}{message}"


def use_color(stream: IO[str], environ: Mapping[str, str] | None = None) -> bool:
    """Colour only on a terminal, and not when ``NO_COLOR`` is set (https://no-color.org)."""
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def configure(stream: IO[str], fmt: str = "text", quiet: bool = False) -> logging.Handler:
    """The serve command's logging: one handler on the root logger, lines as above.
    ``quiet``: warnings and errors only (no request lines)."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(LineFormatter(fmt, use_color(stream)))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.WARNING if quiet else logging.INFO)
    # werkzeug's own per-request lines never: the server logs through cjsim (cjsim/server.py)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    return handler
