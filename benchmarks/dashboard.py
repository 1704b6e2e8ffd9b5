"""What an open dashboard costs the client under test (issue 14).

The two simulator cases of ``compare.py`` -- (a) in-process through the plugin's
interception, (b) the HTTP server over loopback -- with no dashboard, with a poller that
reads ``GET /__cjsim/journal?since=ID`` every 500 ms as the page does, and with every poll
the page makes (journal 500 ms; clock, accounts and each account's usage 1 s; violations,
scenario, webhook deliveries 2 s; the audit every 30 s when the journal moved). The poller
(a child process, as a browser is) talks to its own server on the same simulator, on a fixed 500 ms grid,
switched on only during its cases' batches; rounds interleaved. Target: within 5 %.

Run: ``python benchmarks/dashboard.py`` (``--quick`` for a smoke run).
Results: a table, and ``benchmarks/results/dashboard.json``.
"""

from __future__ import annotations

import argparse
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402

from benchmarks.common import save, side_by_side, table  # noqa: E402
from benchmarks.compare import simulator  # noqa: E402
from cjsim import Simulator  # noqa: E402
from cjsim.server import BackgroundServer  # noqa: E402

# Rounds are interleaved: a case's kept-alive connection idles while the other cases run,
# and the server's 5 s idle close racing the next call aborts it (keep-alive's own race,
# which requests does not retry). The benchmark's connections idle longer than a client's.
IDLE_S = 300.0
from pytest_cj.intercept import CJ_BASE_URL, CJIntercept  # noqa: E402


class Poller:
    """The dashboard's polls, on a 500 ms grid, while ``mode`` is not None.

    The polling client runs in a child process, as the browser does: only the serving of the
    polls (this simulator's server thread) shares the process and its GIL with the client
    under test, not the page's own work (sending, decoding the JSON)."""

    def __init__(self, sim: Simulator) -> None:
        self.server = BackgroundServer(sim.app, keepalive_timeout=IDLE_S).start()
        self.polls = 0
        self._child = subprocess.Popen(
            [sys.executable, __file__, "--poll", self.server.root], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True)

    def _send(self, line: str) -> None:
        assert self._child.stdin is not None
        self._child.stdin.write(line + "\n")
        self._child.stdin.flush()

    def on(self, mode: str) -> Any:
        poller = self

        class _Switch:
            def __enter__(self) -> None:
                poller._send(mode)

            def __exit__(self, *exc: object) -> None:
                poller._send("none")

        return _Switch()

    def close(self) -> None:
        out, _ = self._child.communicate("quit\n", timeout=30)
        self.polls = int(out.strip().splitlines()[-1])
        self.server.stop()


def poll_child(root: str) -> None:
    """The page's polls against ``root`` while stdin's last line names a mode (journal or
    dashboard; none pauses, quit ends and prints how many requests were made)."""
    session = requests.Session()
    state = {"mode": "none", "polls": 0}
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line.strip()) for line in sys.stdin], daemon=True).start()

    def get(path: str) -> Any:
        state["polls"] += 1
        return session.get(root + "/__cjsim" + path, timeout=10).json()

    since: int | None = None
    version = audited = tick = 0
    start = time.monotonic()
    while True:
        try:
            line = lines.get(timeout=max(0.0, start + tick * 0.5 - time.monotonic()))
            if line == "quit":
                break
            state["mode"] = line
            continue
        except queue.Empty:
            pass
        tick += 1
        mode = state["mode"]
        if mode == "none":
            continue
        query = "?limit=500" if since is None else f"?since={since}&limit=5000"
        entries = get("/journal" + query)["entries"]
        if entries:
            since = max(e["id"] for e in entries)
            version += 1
        if mode != "dashboard":
            continue
        if tick % 2 == 0:
            get("/clock")
            for account in get("/accounts")["accounts"]:
                get(f"/accounts/{account['openId']}")
        if tick % 4 == 0:
            get("/violations?since=0")
            get("/scenario")
            get("/webhooks/deliveries?limit=200")
        if tick % 60 == 0 and audited != version:
            audited = version
            get("/audit")
    print(state["polls"], flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--poll", metavar="ROOT", help=argparse.SUPPRESS)  # the child poller
    args = parser.parse_args()
    if args.poll:
        poll_child(args.poll)
        return
    n, rounds = (1_000, 2) if args.quick else (4_000, 7)

    sim, token, pid = simulator()
    headers = {"CJ-Access-Token": token}
    url_path = f"/api2.0/v1/product/query?pid={pid}"
    clock = sim.clock
    session = requests.Session()
    host = CJ_BASE_URL.rsplit("/api2.0/v1", 1)[0]
    server = BackgroundServer(sim.app, keepalive_timeout=IDLE_S).start()
    poller = Poller(sim)

    def call(base: str) -> Callable[[], Any]:
        def send() -> bytes:
            clock.advance(0.2)  # 5/s: every limit checked and counted, none trips
            return session.get(base + url_path, headers=headers, timeout=10).content
        return send

    cases: dict[str, Callable[[], Any]] = {}
    contexts: dict[str, Any] = {}
    intercept = CJIntercept(lambda: sim.app)
    for mode in ("none", "journal", "dashboard"):
        cases[f"(a) in-process, poller: {mode}"] = call(host)
        cases[f"(b) loopback, poller: {mode}"] = call(server.root)
    for name in cases:
        mode = name.rsplit(": ", 1)[1]
        switch = poller.on(mode) if mode != "none" else None
        if name.startswith("(a)"):
            contexts[name] = _both(intercept, switch)
        elif switch is not None:
            contexts[name] = switch
    try:
        results = side_by_side(cases, n, rounds, contexts)
    finally:
        poller.close()
        server.stop()

    calls_per_s = int(1e6 / results["(a) in-process, poller: none"])
    budget = poll_budget(calls_per_s)

    rows = [("case", "µs/call", "vs no poller")]
    ratios: dict[str, float] = {}
    for name, us in results.items():
        base = results[name.rsplit(": ", 1)[0] + ": none"]
        ratios[name] = us / base
        rows.append((name, f"{us:.0f}", f"{us / base:.3f}"))
    print(table(rows))
    print(f"\n{poller.polls} dashboard requests served during the run; target: every ratio <= 1.05")
    print(f"\nthe page's polls, served in-process, full journal, {calls_per_s} new calls/s:")
    print(table([("poll", "ms per second")] + [(k, f"{v:.2f}") for k, v in budget.items()]
                + [("total (share of one core)", f"{sum(budget.values()):.2f} ({sum(budget.values()) / 10:.2f} %)")]))
    out = save("dashboard", {"per_call_us": results, "ratio_to_no_poller": ratios, "polls": poller.polls,
                             "n": n, "rounds": rounds, "poll_budget_ms_per_s": budget})
    print(f"written {out}")


def poll_budget(calls_per_s: int) -> dict[str, float]:
    """The simulator's own time serving the page's polls, in ms per second of dashboard, on a
    full journal (10,000 entries) with ``calls_per_s`` new calls a second: each poll timed
    in-process (no HTTP), times how often the page makes it. Steadier than the side-by-side
    on a loaded machine: it is the share of one core the dashboard takes."""
    sim, token, _ = simulator()
    client = sim.app.test_client()
    headers = {"CJ-Access-Token": token}
    for _ in range(sim.journal_size):
        sim.clock.advance(0.2)
        client.get("/api2.0/v1/product/list?pageSize=1", headers=headers)
    last = sim.journal(limit=1)[-1]["id"]
    open_id = sim.accounts.all()[0].open_id
    per_poll = max(1, calls_per_s // 2)
    polls = {  # path: (polls per second, path)
        "journal?since (500 ms)": (2.0, f"/__cjsim/journal?since={last - per_poll}&limit=5000"),
        "clock (1 s)": (1.0, "/__cjsim/clock"),
        "accounts + usage (1 s)": (1.0, "/__cjsim/accounts"),
        "account usage (1 s)": (1.0, f"/__cjsim/accounts/{open_id}"),
        "violations?since (2 s)": (0.5, f"/__cjsim/violations?since={last}"),
        "scenario (2 s)": (0.5, "/__cjsim/scenario"),
        "deliveries?since (2 s)": (0.5, "/__cjsim/webhooks/deliveries?since=0"),
        "audit (30 s, full journal)": (1 / 30, "/__cjsim/audit"),
    }
    out: dict[str, float] = {}
    for name, (rate, path) in polls.items():
        assert client.get(path).status_code == 200, path
        n = 5 if "audit" in name else 50
        started = time.perf_counter()
        for _ in range(n):
            client.get(path)
        out[name] = (time.perf_counter() - started) / n * 1000 * rate
    return out


def _both(first: Any, second: Any) -> Any:
    class _Both:
        def __enter__(self) -> None:
            first.__enter__()
            if second is not None:
                second.__enter__()

        def __exit__(self, *exc: object) -> None:
            if second is not None:
                second.__exit__(*exc)
            first.__exit__(*exc)

    return _Both()


if __name__ == "__main__":
    main()
