"""Per-request cost on each store, in-process and over loopback, as ratios to memory://.

Targets: over loopback, SQLite <= 3x and Redis <= 1.5x the memory store; in-process, Redis
<= 15x (a request is three Redis round trips: its opening, the limiter, the journal).
A real redis-server is started on a free loopback port (Debian's redis-server).

Run: ``python benchmarks/stores.py`` (``--quick`` for a smoke run).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402

from benchmarks.common import save, side_by_side, table, wsgi_get  # noqa: E402
from cjsim import Simulator  # noqa: E402
from cjsim.server import BackgroundServer  # noqa: E402

# Rounds are interleaved: a case's kept-alive connection idles while the other cases run,
# and the server's 5 s idle close racing the next call aborts it (keep-alive's own race,
# which requests does not retry). The benchmark's connections idle longer than a client's.
IDLE_S = 300.0
from tests.redis_server import RedisServer  # noqa: E402

START = "2026-01-05T10:00:00+08:00"


class Pace:
    """5 calls per simulated second, as ``clock.advance(0.2)`` before each call would give,
    but the frozen clock moves once per 5 calls (1 s): every rule counts, none trips. A
    clock move is a store write of the harness's (a Redis round trip of its own, which no
    CJ request makes); moved before every call, it was a quarter of Redis's round trips."""

    def __init__(self, sim: Simulator) -> None:
        self.clock, self.calls = sim.clock, 0

    def __call__(self) -> None:
        if self.calls % 5 == 0:
            self.clock.advance(1)
        self.calls += 1


def logged_in(store: str, prefix: str = "bench") -> tuple[Simulator, str]:
    sim = Simulator(clock="frozen", start=START, store=store, store_prefix=prefix)
    account = sim.account(level="advanced", verified=True)
    token = sim.app.test_client().post("/api2.0/v1/authentication/getAccessToken",
                                       json={"apiKey": account.api_key}).get_json()["data"]["accessToken"]
    return sim, token


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    n, rounds = (300, 3) if args.quick else (2_000, 5)
    workdir = Path(tempfile.mkdtemp(prefix="cjsim-bench-"))
    redis_server = RedisServer(workdir / "redis").start()
    try:
        stores = {"memory": "memory://", "sqlite": f"sqlite:///{workdir}/bench.db",
                  "redis": redis_server.url}
        sims = {name: logged_in(url) for name, url in stores.items()}
        path = "/api2.0/v1/setting/get"
        in_process = {}
        for name, (sim, token) in sims.items():
            fetch = wsgi_get(sim.app, path, {"CJ-Access-Token": token})
            pace = Pace(sim)

            def call(fetch=fetch, pace=pace):  # type: ignore[no-untyped-def]
                pace()
                return fetch()

            assert b'"code":200' in call()
            in_process[name] = call
        inproc = side_by_side(in_process, n // 3, rounds * 3)  # short batches, many rounds: drift hits all alike

        servers = {name: BackgroundServer(sim.app, keepalive_timeout=IDLE_S).start() for name, (sim, _) in sims.items()}
        try:
            loopback = {}
            for name, (sim, token) in sims.items():
                session = requests.Session()
                url = servers[name].url(path)
                headers = {"CJ-Access-Token": token}
                pace = Pace(sim)

                def call(session=session, url=url, headers=headers, pace=pace):  # type: ignore[no-untyped-def]
                    pace()
                    return session.get(url, headers=headers, timeout=10).content

                assert b'"code":200' in call()
                loopback[name] = call
            loop = side_by_side(loopback, max(50, n // 12), rounds * 3)
        finally:
            for server in servers.values():
                server.stop()
    finally:
        redis_server.stop()

    rows = [("store", "in-process µs", "ratio", "target", "loopback µs", "ratio", "target")]
    targets = {"memory": ("", ""), "sqlite": ("", "<= 3x"), "redis": ("<= 15x", "<= 1.5x")}
    for name in stores:
        rows.append((name, f"{inproc[name]:.0f}", f"{inproc[name] / inproc['memory']:.2f}", targets[name][0],
                     f"{loop[name]:.0f}", f"{loop[name] / loop['memory']:.2f}", targets[name][1]))
    print("setting/get, one call = check + commit of every limit, journal, token lookup\n")
    print(table(rows))
    out = save("stores", {"path": path, "in_process_us": inproc, "loopback_us": loop,
                          "loopback_ratio": {k: loop[k] / loop["memory"] for k in loop},
                          "in_process_ratio": {k: inproc[k] / inproc["memory"] for k in inproc}})
    print(f"\nwritten {out}")


if __name__ == "__main__":
    main()
