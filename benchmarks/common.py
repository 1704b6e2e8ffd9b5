"""Helpers shared by the benchmark scripts: timing rounds, raw WSGI calls, result files."""

from __future__ import annotations

import contextlib
import io
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

RESULTS = Path(__file__).parent / "results"


def wsgi_get(app: Any, url: str, headers: dict[str, str] | None = None) -> Callable[[], bytes]:
    """A zero-socket GET against a WSGI app, as cheap as a WSGI call can be."""
    parts = urlsplit(url)
    base = {
        "REQUEST_METHOD": "GET", "PATH_INFO": parts.path, "QUERY_STRING": parts.query,
        "SERVER_NAME": "bench", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http", "wsgi.version": (1, 0),
        "wsgi.errors": sys.stderr, "wsgi.multithread": False, "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for key, value in (headers or {}).items():
        base["HTTP_" + key.upper().replace("-", "_")] = value
    def start_response(s: str, h: Any, exc_info: Any = None) -> None:
        return None

    def call() -> bytes:
        environ = dict(base)
        environ["wsgi.input"] = io.BytesIO(b"")
        return b"".join(app(environ, start_response))

    return call


def per_call_us(fn: Callable[[], Any], n: int) -> float:
    start = time.perf_counter_ns()
    for _ in range(n):
        fn()
    return (time.perf_counter_ns() - start) / n / 1000


def side_by_side(cases: dict[str, Callable[[], Any]], n: int, rounds: int,
                 contexts: dict[str, Any] | None = None) -> dict[str, float]:
    """Median per-call µs of each case, rounds interleaved so drift hits all cases alike.

    ``contexts`` holds, per case, a context manager entered around each of its batches (a
    patch that must be active only while that case runs)."""
    samples: dict[str, list[float]] = {name: [] for name in cases}
    contexts = contexts or {}
    for name, fn in cases.items():
        with contexts.get(name) or contextlib.nullcontext():
            per_call_us(fn, max(1, n // 10))  # warm up
    for _ in range(rounds):
        for name, fn in cases.items():
            with contexts.get(name) or contextlib.nullcontext():
                samples[name].append(per_call_us(fn, n))
    return {name: statistics.median(values) for name, values in samples.items()}


def save(name: str, payload: dict[str, Any]) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    payload = {"python": platform.python_version(), "machine": platform.machine(), **payload}
    path.write_text(json.dumps(payload, indent=2) + "\n")
    return path


def table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
