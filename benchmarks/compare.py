"""The simulator side by side with the tools an integrator would pick instead (issue 8).

The same ``product/query``-style GET and a POST, per call and calls/s:

  (a) the simulator in-process, through the plugin's interception (requests, no socket)
  (b) the simulator's HTTP server (the one ``cjsim serve`` runs) over loopback, keep-alive
  (c) ``responses`` serving a canned body
  (d) ``pytest-httpserver`` serving a canned body over loopback, keep-alive
  (e) a bare Flask app returning the same JSON on the same path, through the same
      interception as (a)

Ratios are to (e), measured in the same run, interleaved (these machines are noisy).
Targets: (a) <= 1.5x (e) and <= 1.0x (c); (b) <= 1.0x (d): the simulator reuses the session's connection,
pytest-httpserver (werkzeug's request loop) opens one per call.

Also: the wall time of a full simulated day (1,000 calls, the midnight reset, the next
call), of a client that waits out the 5-minute getAccessToken limit with sleep patching,
and the memory of the journal after many requests (bounded by its ring).

Run: ``pip install responses pytest-httpserver`` once, then ``python benchmarks/compare.py``
(``--quick`` for a smoke run, ``--per-call-only`` for the per-call cases alone). Results: a
table, and ``benchmarks/results/compare.json``.
"""

from __future__ import annotations

import argparse
import gc
import logging
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402
import responses  # noqa: E402
from flask import Flask, Response  # noqa: E402
from pytest_httpserver import HTTPServer  # noqa: E402

from benchmarks.common import save, side_by_side, table, wsgi_get  # noqa: E402
from benchmarks.limiter import simulated_day  # noqa: E402
from cjsim import Simulator  # noqa: E402
from cjsim.server import BackgroundServer  # noqa: E402

# Rounds are interleaved: a case's kept-alive connection idles while the other cases run,
# and the server's 5 s idle close racing the next call aborts it (keep-alive's own race,
# which requests does not retry). The benchmark's connections idle longer than a client's.
IDLE_S = 300.0
from pytest_cj.clock import SleepPatch  # noqa: E402
from pytest_cj.intercept import CJ_BASE_URL, CJIntercept  # noqa: E402

START = "2026-01-05T10:00:00+08:00"


class Patched:
    """A context from a start and a stop function (nothing by default)."""

    def __init__(self, start: Callable[[], Any] = lambda: None, stop: Callable[[], Any] = lambda: None) -> None:
        self._start, self._stop = start, stop

    def __enter__(self) -> None:
        self._start()

    def __exit__(self, *exc: object) -> None:
        self._stop()


def simulator() -> tuple[Simulator, str, str]:
    sim = Simulator(clock="frozen", start=START, seed=1)
    account = sim.account(level="advanced", verified=True, balance=10_000_000)
    client = sim.app.test_client()
    token = client.post("/api2.0/v1/authentication/getAccessToken",
                        json={"apiKey": account.api_key}).get_json()["data"]["accessToken"]
    sim.clock.advance(1)
    listing = client.get("/api2.0/v1/product/list?pageSize=1", headers={"CJ-Access-Token": token}).get_json()
    sim.clock.advance(1)
    return sim, token, listing["data"]["list"][0]["pid"]


def bare_flask(get_path: str, get_body: bytes, post_path: str, post_body: bytes) -> Flask:
    app = Flask("bare")

    @app.get(get_path)
    def _get() -> Response:
        return Response(get_body, content_type="application/json; charset=utf-8")

    @app.post(post_path)
    def _post() -> Response:
        return Response(post_body, content_type="application/json; charset=utf-8")

    return app


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # pytest-httpserver logs each request
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--per-call-only", action="store_true",
                        help="only the side-by-side per-call table and ratios (no day, no journal)")
    args = parser.parse_args()
    n, rounds = (200, 3) if args.quick else (2_000, 7)

    sim, token, pid = simulator()
    get_path = "/api2.0/v1/product/query"
    post_path = "/api2.0/v1/logistic/freightCalculate"
    headers = {"CJ-Access-Token": token}
    vid = sim.app.test_client().get(f"{get_path}?pid={pid}", headers=headers).get_json()["data"]["variants"][0]["vid"]
    sim.clock.advance(1)
    post_json = {"startCountryCode": "CN", "endCountryCode": "US", "products": [{"vid": vid, "quantity": 2}]}
    get_body = sim.app.test_client().get(f"{get_path}?pid={pid}", headers=headers).data
    sim.clock.advance(1)
    post_body = sim.app.test_client().post(post_path, json=post_json, headers=headers).data
    sim.clock.advance(1)
    bare = bare_flask(get_path, get_body, post_path, post_body)
    clock = sim.clock

    def paced(fn: Callable[[], Any]) -> Callable[[], Any]:
        def call() -> Any:
            clock.advance(0.2)  # 5/s: every limit is checked and counted, none trips
            return fn()
        return call

    results: dict[str, dict[str, float]] = {}
    for verb in ("GET", "POST"):
        url_path = f"{get_path}?pid={pid}" if verb == "GET" else post_path
        body = post_json if verb == "POST" else None
        session = requests.Session()

        def send(base: str, session: requests.Session = session, verb: str = verb,
                 url_path: str = url_path, body: Any = body) -> bytes:
            response = session.request(verb, base + url_path, json=body, headers=headers, timeout=10)
            return response.content

        cases: dict[str, Callable[[], Any]] = {}
        sim_intercept = CJIntercept(lambda: sim.app)
        bare_intercept = CJIntercept(lambda: bare)
        host = CJ_BASE_URL.rsplit("/api2.0/v1", 1)[0]

        # each case's patching (interception, responses) is active for its whole batch
        contexts: dict[str, Any] = {}
        cases["(a) simulator, in-process"] = paced(lambda host=host: send(host))
        contexts["(a) simulator, in-process"] = sim_intercept
        server = BackgroundServer(sim.app, keepalive_timeout=IDLE_S).start()
        cases["(b) simulator, loopback"] = paced(lambda server=server: send(server.root))
        mock = responses.RequestsMock(assert_all_requests_are_fired=False)
        mock.add(verb, "https://canned.example" + url_path,
                 body=get_body if verb == "GET" else post_body, content_type="application/json")
        cases["(c) responses, canned"] = lambda: send("https://canned.example")
        contexts["(c) responses, canned"] = Patched(mock.start, lambda mock=mock: mock.stop(allow_assert=False))
        httpserver = HTTPServer(host="127.0.0.1", port=0)
        httpserver.expect_request(url_path.split("?")[0], method=verb).respond_with_data(
            get_body if verb == "GET" else post_body, content_type="application/json")
        httpserver.start()
        cases["(d) pytest-httpserver, loopback"] = lambda hs=httpserver: send(f"http://127.0.0.1:{hs.port}")
        cases["(e) bare Flask, in-process"] = lambda host=host: send(host)
        contexts["(e) bare Flask, in-process"] = bare_intercept
        for name, case in cases.items():
            with contexts.get(name, Patched()):
                out = case()
            assert b'"code":200' in out, (name, out[:200])
        try:
            results[verb] = side_by_side(cases, n, rounds, contexts)
        finally:
            server.stop()
            httpserver.stop()
        # the "paced" cases include one clock.advance per call: measure it to report it
    advance_us = side_by_side({"clock.advance": lambda: clock.advance(0.2)}, n * 5, 3)["clock.advance"]

    rows = [("case", "GET µs", "GET calls/s", "GET ratio", "POST µs", "POST ratio")]
    for name in results["GET"]:
        g, p = results["GET"][name], results["POST"][name]
        ge, pe = results["GET"]["(e) bare Flask, in-process"], results["POST"]["(e) bare Flask, in-process"]
        rows.append((name, f"{g:.0f}", f"{1e6 / g:.0f}", f"{g / ge:.2f}", f"{p:.0f}", f"{p / pe:.2f}"))
    print(table(rows))
    a_e = {v: results[v]["(a) simulator, in-process"] / results[v]["(e) bare Flask, in-process"] for v in results}
    b_d = {v: results[v]["(b) simulator, loopback"] / results[v]["(d) pytest-httpserver, loopback"]
           for v in results}
    print(f"\n(a)/(e): GET {a_e['GET']:.2f}, POST {a_e['POST']:.2f}   target <= 1.5")
    print(f"(b)/(d): GET {b_d['GET']:.2f}, POST {b_d['POST']:.2f}   target <= 1.0")
    a_c = {v: results[v]["(a) simulator, in-process"] / results[v]["(c) responses, canned"] for v in results}
    print(f"(a)/(c): GET {a_c['GET']:.2f}, POST {a_c['POST']:.2f}   target <= 1.0")
    print(f"(one clock.advance in (a)/(b): {advance_us:.1f} µs)", flush=True)
    if args.per_call_only:
        return
    day_s = simulated_day()
    token_wait_s = wait_out_token_limit()
    journal = journal_memory(200_000 if args.quick else 1_000_000)
    product_journal = product_journal_memory(12_000 if args.quick else 30_000)
    print(f"a simulated day (1,000 calls, midnight, next call): {day_s * 1000:.0f} ms   target < 1000 ms")
    print(f"waiting out the 5-minute token limit with sleep patching: {token_wait_s * 1000:.1f} ms")
    print(f"journal after {journal['requests']:,} requests: {journal['entries']:,} entries, "
          f"{journal['peak_mb']:.1f} MB traced peak, {journal['end_mb']:.1f} MB at the end "
          f"(at {journal['midway_requests']:,} requests: {journal['midway_mb']:.1f} MB)")
    print(f"journal after {product_journal['requests']:,} product/query requests (a ~3 KB answer "
          f"each, kept whole): {product_journal['end_mb']:.1f} MB at the end, "
          f"{product_journal['per_entry_kb']:.1f} KB per entry")
    out = save("compare", {"per_call_us": results, "a_over_e": a_e, "b_over_d": b_d, "a_over_c": a_c,
                           "clock_advance_us": advance_us, "simulated_day_s": day_s,
                           "token_wait_s": token_wait_s, "journal": journal,
                           "product_journal": product_journal})
    print(f"\nwritten {out}")


def wait_out_token_limit() -> float:
    """A client that logs in, is refused a second login, sleeps 300 s, and logs in again."""
    sim = Simulator(clock="frozen", start=START)
    account = sim.account()
    start = time.perf_counter()
    with CJIntercept(lambda: sim.app), SleepPatch(sim.clock.advance):
        session = requests.Session()
        login = {"apiKey": account.api_key}
        assert session.post(f"{CJ_BASE_URL}/authentication/getAccessToken", json=login).json()["code"] == 200
        assert session.post(f"{CJ_BASE_URL}/authentication/getAccessToken", json=login).json()["code"] == 1600200
        time.sleep(300)
        assert session.post(f"{CJ_BASE_URL}/authentication/getAccessToken", json=login).json()["code"] == 200
    return time.perf_counter() - start


def journal_memory(requests_n: int) -> dict[str, float]:
    """Traced memory of a simulator after many journaled requests (journal: 10,000 entries)."""
    sim = Simulator(clock="frozen", start=START)
    fetch = wsgi_get(sim.app, "/api2.0/v1/unknown/path")  # journaled, touches no other state
    gc.collect()
    tracemalloc.start()
    midway = 0.0
    for i in range(requests_n):
        fetch()
        if i == requests_n // 2:
            gc.collect()
            midway = tracemalloc.get_traced_memory()[0] / 2**20
    gc.collect()
    end, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"requests": requests_n, "entries": len(sim.journal()), "midway_requests": requests_n // 2,
            "midway_mb": midway, "end_mb": end / 2**20, "peak_mb": peak / 2**20}


def product_journal_memory(requests_n: int) -> dict[str, float]:
    """Traced memory of a full journal (10,000 entries) of product/query exchanges, whose
    answers (about 3 KB) the journal keeps whole."""
    sim, token, pid = simulator()
    fetch = wsgi_get(sim.app, f"/api2.0/v1/product/query?pid={pid}", {"CJ-Access-Token": token})
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for _ in range(requests_n):
        sim.clock.advance(0.2)
        fetch()
    gc.collect()
    end = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    entries = len(sim.journal_entries())
    return {"requests": requests_n, "entries": entries, "end_mb": (end - before) / 2**20,
            "per_entry_kb": (end - before) / entries / 1024}


if __name__ == "__main__":
    main()
