"""This checkout's in-process ``product/query`` against another commit's, side by side.

A figure from another day says little on a machine whose speed moves by 10-20 % from one
minute to the next; so the two trees are measured here alternately, in fresh processes
(old, new, new, old, ...), and the ratio is read from the medians and from each pair.
Each process makes the same request the same way: a verified Advanced account, limits on
(the default profile), the frozen clock moved 0.2 s before each call, the journal ring
filled first (its 10,000 entries, as in a long test run), then 7 rounds of 5,000 calls.
Only the public API (``Simulator``, ``sim.account``, ``sim.app``, ``sim.clock``) is used,
so any commit since the first one can be measured.

Run: ``python benchmarks/against.py COMMIT [--pairs N] [--startup]`` (``--startup``: a fresh
``Simulator()``, import included, and ``cjsim serve`` to its printed URL instead, the same
way at every commit) (a git worktree of COMMIT is made
in a temporary directory and removed afterwards). Issue 13's target: within 10 % of the
figure when it was filed (commit 92a6d62).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import save, table  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

CHILD = r'''
import io, statistics, sys, time
from cjsim import Simulator
sim = Simulator(clock="frozen", start="2026-01-05T10:00:00+08:00")
account = sim.account(level="advanced", verified=True)
client = sim.app.test_client()
token = client.post("/api2.0/v1/authentication/getAccessToken",
                    json={"apiKey": account.api_key}).get_json()["data"]["accessToken"]
sim.clock.advance(1)
listing = client.get("/api2.0/v1/product/list?pageSize=1",
                     headers={"CJ-Access-Token": token}).get_json()
sim.clock.advance(1)
base = {"REQUEST_METHOD": "GET", "PATH_INFO": "/api2.0/v1/product/query",
        "QUERY_STRING": "pid=" + listing["data"]["list"][0]["pid"], "SERVER_NAME": "bench",
        "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http", "wsgi.version": (1, 0), "wsgi.errors": sys.stderr,
        "wsgi.multithread": False, "wsgi.multiprocess": False, "wsgi.run_once": False,
        "HTTP_CJ_ACCESS_TOKEN": token}
app, clock = sim.app, sim.clock
def start_response(status, headers, exc_info=None):
    return None
def call():
    clock.advance(0.2)
    environ = dict(base)
    environ["wsgi.input"] = io.BytesIO(b"")
    return b"".join(app(environ, start_response))
assert b'"code":200' in call()
def per_call_us(n):
    start = time.perf_counter_ns()
    for _ in range(n):
        call()
    return (time.perf_counter_ns() - start) / n / 1000
per_call_us(12_000)
print(statistics.median(per_call_us(5_000) for _ in range(7)))
'''


# start-up, fresh process: ``import cjsim`` and ``Simulator()`` (the same code at every commit)
STARTUP = r'''
import time
t0 = time.perf_counter()
from cjsim import Simulator
Simulator()
print((time.perf_counter() - t0) * 1000)
'''


def measure(tree: Path) -> float:
    """One process of ``tree``: µs a product/query call (median of its rounds)."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run([sys.executable, "-c", CHILD], cwd=tree, env=env, check=True,
                         capture_output=True, text=True).stdout
    return float(out.strip().splitlines()[-1])


def measure_startup(tree: Path) -> tuple[float, float]:
    """(ms to import cjsim and build a Simulator in a fresh process, ms from spawning
    ``cjsim serve --port 0`` to its printed URL) of ``tree``."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run([sys.executable, "-c", STARTUP], cwd=tree, env=env, check=True,
                         capture_output=True, text=True).stdout
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "cjsim", "serve", "--port", "0", "--quiet"],
                            cwd=tree, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True)
    assert proc.stdout is not None
    ready = float("nan")
    for line in proc.stdout:
        if re.search(r"at http://\S+/api2\.0/v1", line):
            ready = (time.perf_counter() - started) * 1000
            break
    proc.terminate()
    proc.wait(timeout=10)
    return float(out.strip().splitlines()[-1]), ready


def _ratios(this: list[float], other: list[float]) -> tuple[float, list[float]]:
    return statistics.median(this) / statistics.median(other), sorted(t / o for t, o in zip(this, other))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("commit", help="the commit to measure against (e.g. 92a6d62)")
    parser.add_argument("--pairs", type=int, default=10)
    parser.add_argument("--startup", action="store_true",
                        help="measure start-up instead (fresh Simulator(); cjsim serve to its URL)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cjsim-against-") as tmp:
        other = Path(tmp) / "tree"
        subprocess.run(["git", "worktree", "add", "-q", "--detach", str(other), args.commit],
                       cwd=ROOT, check=True)
        try:
            times: dict[str, list[Any]] = {"this": [], "other": []}
            for i in range(args.pairs):
                order = [("other", other), ("this", ROOT)]
                for name, tree in order if i % 2 == 0 else reversed(order):
                    times[name].append(measure_startup(tree) if args.startup else measure(tree))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(other)], cwd=ROOT,
                           check=False)
    if args.startup:
        report_startup(args.commit, args.pairs, times)
    else:
        report_product_query(args.commit, args.pairs, times)


def report_product_query(commit: str, pairs_n: int, times: dict[str, list[Any]]) -> None:
    this, other_t = statistics.median(times["this"]), statistics.median(times["other"])
    ratio, pairs = _ratios(times["this"], times["other"])
    rows: list[tuple[str, ...]] = [
        ("measure", "value"),
        (f"product/query in-process, {commit}, median of {pairs_n}", f"{other_t:.1f} µs"),
        (f"product/query in-process, this checkout, median of {pairs_n}", f"{this:.1f} µs"),
        ("ratio of the medians (target <= 1.10)", f"{ratio:.3f}"),
        ("ratio per pair: lowest, median, highest",
         f"{pairs[0]:.3f}, {statistics.median(pairs):.3f}, {pairs[-1]:.3f}")]
    print(table(rows))
    path = save("against", {"commit": commit, "this_us": times["this"],
                            "other_us": times["other"], "ratio_of_medians": ratio,
                            "pair_ratios": pairs})
    print(f"\nwritten {path}")


def report_startup(commit: str, pairs_n: int, times: dict[str, list[Any]]) -> None:
    rows: list[tuple[str, ...]] = [("measure", "value")]
    saved: dict[str, Any] = {"commit": commit}
    for index, what in enumerate(("Simulator(), fresh process (import included)",
                                  "cjsim serve: spawn to printed URL")):
        this = [t[index] for t in times["this"]]
        other_t = [t[index] for t in times["other"]]
        ratio, pairs = _ratios(this, other_t)
        rows += [(f"{what}, {commit}, median of {pairs_n}", f"{statistics.median(other_t):.1f} ms"),
                 (f"{what}, this checkout", f"{statistics.median(this):.1f} ms"),
                 ("  ratio of the medians (target <= 1.10); per pair lowest, median, highest",
                  f"{ratio:.3f}; {pairs[0]:.3f}, {statistics.median(pairs):.3f}, {pairs[-1]:.3f}")]
        saved[what] = {"this_ms": this, "other_ms": other_t, "ratio_of_medians": ratio}
    print(table(rows))
    print(f"\nwritten {save('against_startup', saved)}")


if __name__ == "__main__":
    main()
