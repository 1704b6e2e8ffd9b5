"""``time.sleep`` that advances a simulator's clock instead of waiting (used by
``cjsim.intercept(patch_sleep=True)`` and by the pytest plugin's sleep patching)."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import SupportsIndex

SERVER_THREAD_PREFIXES = ("cjsim-",)  # the simulator's own threads sleep for real
SIMULATOR_MODULES = ("cjsim.", "werkzeug.")  # and so does its own code, in any thread


class SleepPatch:
    """``time.sleep(s)`` advances the simulated clock by ``s`` instead of waiting.

    Active from creation until ``stop()``, the end of a ``with`` block, or the test's
    teardown. While it is active the simulator's clock flows (real time plus every patched
    sleep), so a client that measures elapsed time with ``time.monotonic()`` and one that
    sleeps fixed intervals both see consistent time. The simulator's own sleeps (its
    ``cjsim-*`` threads, a scenario's ``delay_ms``) stay real: latency is wall time.
    """

    def __init__(self, advance: Callable[[float], object]) -> None:
        self._advance = advance
        self._real = time.sleep
        self.calls = 0
        self.slept = 0.0
        self.active = True
        self._fake = self._sleep  # one bound method, so `is` can recognise it at stop()
        time.sleep = self._fake

    def _sleep(self, seconds: float | SupportsIndex) -> None:
        seconds = float(seconds)
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        caller = str(sys._getframe(1).f_globals.get("__name__", ""))
        if (caller.startswith(SIMULATOR_MODULES)
                or threading.current_thread().name.startswith(SERVER_THREAD_PREFIXES)):
            self._real(seconds)  # the simulator's own waits (a scenario's delay) are wall time
            return
        self.calls += 1
        self.slept += seconds
        if seconds:
            self._advance(seconds)

    def stop(self) -> None:
        if not self.active:
            return
        self.active = False
        if time.sleep is self._fake:
            time.sleep = self._real

    def __enter__(self) -> SleepPatch:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


__all__ = ["SERVER_THREAD_PREFIXES", "SIMULATOR_MODULES", "SleepPatch"]
