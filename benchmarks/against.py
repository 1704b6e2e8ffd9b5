"""This checkout's in-process ``product/query`` against another commit's, side by side.

A figure from another day says little on a machine whose speed moves by 10-20 % from one
minute to the next; so the two trees are measured here alternately, in fresh processes
(old, new, new, old, ...), and the ratio is read from the medians and from each pair.
Each process makes the same request the same way: a verified Advanced account, limits on
(the default profile), the frozen clock moved 0.2 s before each call, the journal ring
filled first (its 10,000 entries, as in a long test run), then 7 rounds of 5,000 calls.
Only the public API (``Simulator``, ``sim.account``, ``sim.app``, ``sim.clock``) is used,
so any commit since the first one can be measured.

Run: ``python benchmarks/against.py COMMIT [--pairs N]`` (a git worktree of COMMIT is made
in a temporary directory and removed afterwards). Issue 13's target: within 10 % of the
figure when it was filed (commit 92a6d62).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

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


def measure(tree: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run([sys.executable, "-c", CHILD], cwd=tree, env=env, check=True,
                         capture_output=True, text=True).stdout
    return float(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("commit", help="the commit to measure against (e.g. 92a6d62)")
    parser.add_argument("--pairs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cjsim-against-") as tmp:
        other = Path(tmp) / "tree"
        subprocess.run(["git", "worktree", "add", "-q", "--detach", str(other), args.commit],
                       cwd=ROOT, check=True)
        try:
            times: dict[str, list[float]] = {"this": [], "other": []}
            for i in range(args.pairs):
                order = [("other", other), ("this", ROOT)]
                for name, tree in order if i % 2 == 0 else reversed(order):
                    times[name].append(measure(tree))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(other)], cwd=ROOT,
                           check=False)
    this, other_t = statistics.median(times["this"]), statistics.median(times["other"])
    pairs = sorted(t / o for t, o in zip(times["this"], times["other"]))
    rows = [("measure", "value"),
            (f"product/query in-process, {args.commit}, median of {args.pairs}", f"{other_t:.1f} µs"),
            (f"product/query in-process, this checkout, median of {args.pairs}", f"{this:.1f} µs"),
            ("ratio of the medians (target <= 1.10)", f"{this / other_t:.3f}"),
            ("ratio per pair: lowest, median, highest",
             f"{pairs[0]:.3f}, {statistics.median(pairs):.3f}, {pairs[-1]:.3f}")]
    print(table(rows))
    path = save("against", {"commit": args.commit, "this_us": times["this"],
                            "other_us": times["other"], "ratio_of_medians": this / other_t,
                            "pair_ratios": pairs})
    print(f"\nwritten {path}")


if __name__ == "__main__":
    main()
