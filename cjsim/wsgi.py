"""A WSGI entry point for process-based servers, configured by environment variables:

    CJSIM_STORE=redis://127.0.0.1:6379/0 gunicorn -w 4 -b 127.0.0.1:8080 'cjsim.wsgi:app'

Several workers must share one state: use a ``sqlite:///PATH`` (one host) or ``redis://``
(several hosts) store; with ``memory://`` each worker would be a simulator of its own.

Variables (all optional): CJSIM_STORE, CJSIM_STORE_PREFIX, CJSIM_CLOCK (system|frozen),
CJSIM_START, CJSIM_SEED, CJSIM_ACCOUNTS (``EMAIL:APIKEY[:LEVEL[:verified]]``, several
separated by commas or newlines), CJSIM_PROFILE, CJSIM_STRICTNESS, CJSIM_THROTTLE_STATUS,
CJSIM_DAILY_LIMIT, CJSIM_DAILY_TZ, CJSIM_TRUST_IP_HEADER (1 to honour X-CJSim-Client-IP),
CJSIM_JOURNAL_SIZE, CJSIM_JOURNAL_BODY_BYTES, CJSIM_ADMIN_TOKEN, CJSIM_INSECURE_ADMIN, CJSIM_ALLOW_HOSTS (host names
the control API answers for, besides localhost and the bound address; comma-separated).
The configured accounts seed a fresh store only; a store that already holds state wins.

The control API needs CJSIM_ADMIN_TOKEN here (every control call then sends
``Authorization: Bearer TOKEN``), or CJSIM_INSECURE_ADMIN=1 to open it on purpose. The
"loopback callers only" rule of ``cjsim serve`` cannot hold under a process server: bound
publicly, or behind a reverse proxy on the same host (every request then comes from
127.0.0.1), it would serve the control API to anyone. Without either variable the CJ API is
served as usual, every ``/__cjsim/`` request answers 403 naming the variables, and a
warning says so at start.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from typing import Any

from cjsim import jsonenc
from cjsim.domain.accounts import iter_account_specs
from cjsim.journal import DEFAULT_BODY_BYTES
from cjsim.simulator import Simulator

log = logging.getLogger("cjsim")

LOCKED = ("the control API is off: the WSGI entry point needs CJSIM_ADMIN_TOKEN (then send "
          "'Authorization: Bearer TOKEN') or CJSIM_INSECURE_ADMIN=1")


def options_from_env(env: Mapping[str, str]) -> dict[str, Any]:
    def get(name: str) -> str | None:
        value = env.get(f"CJSIM_{name}")
        return value if value not in (None, "") else None

    def number(name: str) -> int | None:
        value = get(name)
        if value is None:
            return None
        try:
            return int(value)
        except ValueError:
            raise ValueError(f"CJSIM_{name} must be an integer, not {value!r}") from None

    accounts = [a for a in re.split(r"[,\n]", get("ACCOUNTS") or "") if a.strip()]
    specs = iter_account_specs([a.strip() for a in accounts])
    return {
        "store": get("STORE") or "memory://",
        "store_prefix": get("STORE_PREFIX") or "cjsim",
        "clock": get("CLOCK") or "system",
        "start": get("START"),
        "seed": number("SEED"),
        "accounts": specs,
        "demo_account": not specs,
        "profile": get("PROFILE") or "legacy",
        "strictness": get("STRICTNESS"),
        "throttle_status": number("THROTTLE_STATUS"),
        "daily_limit": number("DAILY_LIMIT"),
        "daily_tz": get("DAILY_TZ"),
        "trust_ip_header": get("TRUST_IP_HEADER") in ("1", "true", "yes"),
        "journal_size": number("JOURNAL_SIZE") or 10_000,
        "journal_body_bytes": _given(number("JOURNAL_BODY_BYTES"), DEFAULT_BODY_BYTES),
        "admin_token": get("ADMIN_TOKEN"),
        "insecure_admin": get("INSECURE_ADMIN") in ("1", "true", "yes"),
        "allow_hosts": [h.strip() for h in (get("ALLOW_HOSTS") or "").split(",") if h.strip()],
    }


def _given(value: int | None, default: int) -> int:
    return default if value is None else value  # 0 is a value here


class ControlLocked:
    """The app, with every ``/__cjsim/`` request answered 403 (no admin token was given)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "") or ""
        if path != "/__cjsim" and not path.startswith("/__cjsim/"):
            return self.app(environ, start_response)
        body = jsonenc.dumps({"error": LOCKED})
        start_response("403 FORBIDDEN", [("Content-Type", "application/json; charset=utf-8"),
                                         ("Content-Length", str(len(body)))])
        return [body]


def create(env: Mapping[str, str] | None = None) -> Any:
    options = options_from_env(os.environ if env is None else env)
    app = Simulator(**options).app
    if options["admin_token"] or options["insecure_admin"]:
        return app
    log.warning("cjsim: %s", LOCKED)
    return ControlLocked(app)


app = create()
