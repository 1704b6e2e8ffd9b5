"""Start-up cost (issue 4): test suites build simulators all the time, so they must be cheap.

* ``import cjsim`` and ``Simulator()`` + ``cjsim serve`` until it prints its URL, each in a
  fresh process (the real first-time cost, Faker not imported).
* ``Simulator()`` in-process, median of many: the catalogue is NOT built here.
* the first product call of a simulator, which builds the catalogue lazily: cold (fresh
  process, pays Faker's import) and warm (Faker already imported by an earlier simulator).
* a product call once the catalogue exists, and ``sim.tick()`` with nothing due (what every
  CJ request pays for the order clock).

Run: ``python benchmarks/startup.py`` (``--quick`` for a smoke run). Prints a table and
writes ``benchmarks/results/startup.json``.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import per_call_us, save, table, wsgi_get  # noqa: E402

START = "2026-01-05T10:00:00+08:00"

COLD = """
import time
t0 = time.perf_counter()
import cjsim
t1 = time.perf_counter()
sim = cjsim.Simulator(clock="frozen", start="%s")
t2 = time.perf_counter()
import sys
faker_loaded = "faker" in sys.modules
account = sim.account("bench@example.com", level="advanced", verified=True)
token = sim.tokens.issue(account.open_id, sim.clock.now_us(), 3600, 7200)["accessToken"]
client = sim.app.test_client()
t3 = time.perf_counter()
answer = client.get("/api2.0/v1/product/query?productSku=CJSJBHPK01234",
                    headers={"CJ-Access-Token": token}).get_json()
t4 = time.perf_counter()
assert answer["code"] == 200, answer
print(t1 - t0, t2 - t1, t4 - t3, faker_loaded)
""" % START  # noqa: UP031 - a script text with braces of its own


def cold(rounds: int) -> dict[str, float]:
    """Fresh interpreters: import, construction, first product call (seconds, medians)."""
    imports, builds, firsts = [], [], []
    for _ in range(rounds):
        out = subprocess.run([sys.executable, "-c", COLD], capture_output=True, text=True,
                             cwd=ROOT, check=True).stdout.split()
        imports.append(float(out[0]))
        builds.append(float(out[1]))
        firsts.append(float(out[2]))
        if out[3] != "False":
            raise SystemExit("Simulator() imported Faker: the catalogue is not lazy any more")
    return {"import": statistics.median(imports), "construct": statistics.median(builds),
            "first_product_call": statistics.median(firsts)}


def serve_ready(rounds: int) -> float:
    """Wall seconds from spawning ``cjsim serve --port 0`` to its printed URL."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "cjsim", "serve", "--port", "0", "--quiet"],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT)
        assert proc.stdout is not None
        for line in proc.stdout:
            if re.search(r"at http://\S+/api2\.0/v1", line):
                times.append(time.perf_counter() - started)
                break
        proc.terminate()
        proc.wait(timeout=10)
    return statistics.median(times)


def warm(n: int) -> dict[str, float]:
    from cjsim import Simulator
    from cjsim.domain.catalogue import generate
    from cjsim.profiles import PROFILES

    generate(0)  # Faker imported and warmed: what a second simulator in a test run pays
    construct = []
    for _ in range(n):
        started = time.perf_counter()
        Simulator(clock="frozen", start=START)
        construct.append(time.perf_counter() - started)
    firsts = []
    for _ in range(max(3, n // 10)):
        sim = Simulator(clock="frozen", start=START, seed=len(firsts))
        account = sim.account("bench@example.com", level="advanced", verified=True)
        token = sim.tokens.issue(account.open_id, sim.clock.now_us(), 3600, 7200)["accessToken"]
        call = wsgi_get(sim.app, "/api2.0/v1/product/query?productSku=CJSJBHPK01234",
                        {"CJ-Access-Token": token})
        started = time.perf_counter()
        call()
        firsts.append(time.perf_counter() - started)
    sim = Simulator(clock="frozen", start=START, profile="legacy",
                    rules={r.id: {"enabled": False} for r in PROFILES["legacy"].rules.rules
                           if r.role in ("ip_rate", "interface_rate", "account_rate", "daily")})
    account = sim.account("bench@example.com", level="advanced", verified=True)
    token = sim.tokens.issue(account.open_id, sim.clock.now_us(), 3600, 7200)["accessToken"]
    product = wsgi_get(sim.app, "/api2.0/v1/product/query?productSku=CJSJBHPK01234",
                       {"CJ-Access-Token": token})
    product()
    generations = []  # the lazy catalogue's build alone (target 150 ms; was a timed unit test)
    for seed in range(1, max(3, n // 20) + 1):
        started = time.perf_counter()
        generate(seed)
        generations.append(time.perf_counter() - started)
    return {
        "construct": statistics.median(construct),
        "generate": statistics.median(generations),
        "first_product_call": statistics.median(firsts),
        "product_call_us": per_call_us(product, 200),
        "tick_idle_us": per_call_us(sim.tick, 20_000),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    args = parser.parse_args()
    rounds, n = (2, 20) if args.quick else (5, 200)
    cold_s = cold(rounds)
    serve_s = serve_ready(rounds)
    warm_s = warm(n)
    ms = 1000.0
    rows = [
        ("measure", "value"),
        ("import cjsim (fresh process)", f"{cold_s['import'] * ms:.1f} ms"),
        ("Simulator() (fresh process)", f"{cold_s['construct'] * ms:.1f} ms"),
        ("first product call, cold (builds catalogue, imports Faker)",
         f"{cold_s['first_product_call'] * ms:.1f} ms"),
        ("cjsim serve: spawn to printed URL", f"{serve_s * ms:.0f} ms"),
        ("Simulator() (warm, median)", f"{warm_s['construct'] * ms:.2f} ms"),
        ("first product call, warm (builds catalogue)", f"{warm_s['first_product_call'] * ms:.1f} ms"),
        ("generate(seed): catalogue build alone (warm, median; target 150 ms)",
         f"{warm_s['generate'] * ms:.1f} ms"),
        ("product/query once built", f"{warm_s['product_call_us']:.0f} µs"),
        ("sim.tick() with nothing due (every request)", f"{warm_s['tick_idle_us']:.2f} µs"),
    ]
    print(table(rows))
    path = save("startup", {"cold_s": cold_s, "serve_ready_s": serve_s, "warm": warm_s})
    print(f"\nwritten to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
