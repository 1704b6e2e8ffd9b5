"""`cjsim serve` as a user runs it: a subprocess on port 0 whose start-up banner is read.

The one place tests spawn the server and parse what it prints (URL, scenarios, accounts).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

START_TIMEOUT_S = 60  # a generous bound for a loaded machine: only a server that never starts hits it

_URL = re.compile(r"at (http://\S+/api2\.0/v1)")
_ACCOUNT = re.compile(r"account: email=(\S+) apiKey=(\S+) openId=(\d+)")


@dataclass
class Account:
    email: str
    api_key: str  # in full when this run generated it, else the masked hint
    open_id: int


@dataclass
class Served:
    proc: subprocess.Popen[str]
    banner: str = ""
    base: str = ""  # http://HOST:PORT/api2.0/v1
    scenarios: str | None = None
    accounts: list[Account] = field(default_factory=list)

    @property
    def root(self) -> str:
        """http://HOST:PORT (where /__cjsim/ lives)."""
        return self.base.rsplit("/api2.0", 1)[0]

    @property
    def port(self) -> int:
        return int(self.root.rsplit(":", 1)[1])

    @property
    def account(self) -> Account:
        return self.accounts[0]

    def stop(self, timeout: float = 15) -> str:
        """SIGTERM, as a user's Ctrl-C would, and wait for the exit (killed if it hangs).
        Returns what the server wrote to stderr."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
        try:
            return self.proc.communicate(timeout=timeout)[1] or ""
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.communicate()[1] or ""


def spawn(*args: str, cwd: Path | None = None, accounts: int | None = None,
          quiet: bool = True, env: Mapping[str, str] | None = None) -> Served:
    """Start ``python -m cjsim serve --port 0 [--quiet] *args`` (``env`` added to the
    environment) and read its banner up to the last account line (``accounts`` of them: by
    default one per ``--account``, else the demo account). Fails the test, with the server's
    stderr, when the banner never completes."""
    command = [sys.executable, "-m", "cjsim", "serve", "--port", "0", *(["--quiet"] if quiet else []), *args]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd,
                            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})})
    served = Served(proc)
    wanted = accounts if accounts is not None else max(1, args.count("--account"))
    timer = threading.Timer(START_TIMEOUT_S, proc.kill)  # readline() below cannot time out itself
    timer.start()
    try:
        assert proc.stdout is not None
        while len(served.accounts) < wanted or not served.base:
            line = proc.stdout.readline()
            if not line:
                proc.kill()
                raise AssertionError(f"cjsim serve did not start: {proc.stderr.read() if proc.stderr else ''}"
                                     f"\nbanner so far:\n{served.banner}")
            served.banner += line
            if not served.base and (m := _URL.search(line)):
                served.base = m.group(1)
            elif line.startswith("scenarios: "):
                served.scenarios = line.split(": ", 1)[1].strip()
            elif m := _ACCOUNT.search(line):
                served.accounts.append(Account(m.group(1), m.group(2), int(m.group(3))))
    finally:
        timer.cancel()
    return served
