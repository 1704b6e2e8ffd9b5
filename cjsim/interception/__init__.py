"""``cjsim.intercept``: CJ's real host answered by a simulator, in-process, anywhere.

::

    with cjsim.intercept() as sim:          # a fresh Simulator; or cjsim.intercept(my_sim)
        account = sim.account(level="free")
        client = MyCJClient(account.api_key)  # unchanged: CJ's real base URL
        client.get_balance()

    @cjsim.intercept(sim)                   # or as a decorator, sync or async
    def test_balance(): ...

While active, every ``requests``/urllib3, ``httpx`` (sync and async) and ``aiohttp`` call to
developers.cjdropshipping.com is answered by the simulator, through the library's own
connection code (urllib3's ``Retry`` runs, aiohttp parses real HTTP; a ``requests`` call whose
adapter could not retry is answered at ``HTTPAdapter.send``, with the same answer); a connection to that
host from any other stack raises ``CJRealHostError`` naming cjsim.intercept; every other host
is untouched. How each library is reached: ``cjsim.interception.patches``.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from types import TracebackType
from typing import Any, TypeVar, cast

from cjsim.interception.routes import (
    CJ_BASE_URL,
    CJ_HOST,
    CJ_HOSTS,
    TABLE,
    CJRealHostError,
    Request,
    Route,
    SimulatorRoute,
)
from cjsim.interception.wsgi import Answer, call_wsgi
from cjsim.simulator import Simulator
from cjsim.sleep import SleepPatch

F = TypeVar("F", bound=Callable[..., Any])
Activation = tuple[SimulatorRoute, Simulator, SleepPatch | None]


class Intercept:
    """``cjsim.intercept(...)``: a context manager (yielding the simulator) and a decorator.

    ``sim``: the simulator that answers; ``None`` builds a fresh ``Simulator()`` at each
    activation (each ``with`` block, each call of a decorated function), as moto's
    ``mock_aws`` starts from empty state. ``patch_sleep=True``: ``time.sleep`` advances the
    simulator's clock instead of waiting, for the duration (a client's pacing costs no wall
    time). Activations nest; the innermost answers.
    """

    def __init__(self, sim: Simulator | None = None, *, hosts: Iterable[str] = CJ_HOSTS,
                 patch_sleep: bool = False) -> None:
        self._sim = sim
        self.hosts = tuple(hosts)
        self.patch_sleep = patch_sleep
        # this context's activations, innermost last (a context var: threads and asyncio
        # tasks each see their own, so interleaved tasks never pop each other's)
        self._active: ContextVar[tuple[Activation, ...]] = ContextVar(f"cjsim-intercept-{id(self)}", default=())

    # -- activations ------------------------------------------------------------------------
    @property
    def sim(self) -> Simulator | None:
        """The simulator of the innermost activation in this thread or task (else the one
        given, or ``None``)."""
        active = self._active.get()
        return active[-1][1] if active else self._sim

    def _activate(self) -> Activation:
        sim = self._sim if self._sim is not None else Simulator()
        route = SimulatorRoute(lambda: sim.app, self.hosts).start()
        sleep = SleepPatch(sim.clock.advance) if self.patch_sleep else None
        activation = (route, sim, sleep)
        self._active.set((*self._active.get(), activation))
        return activation

    def _deactivate(self) -> None:
        *outer, (route, _, sleep) = self._active.get()
        self._active.set(tuple(outer))
        if sleep is not None:
            sleep.stop()
        route.stop()

    def __enter__(self) -> Simulator:
        return self._activate()[1]

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._deactivate()

    # -- as a decorator -------------------------------------------------------------------------
    def __call__(self, func: F) -> F:
        if inspect.iscoroutinefunction(func):
            @functools.wraps(func)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                with self:
                    return await func(*args, **kwargs)

            return cast(F, async_wrapper)

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self:
                return func(*args, **kwargs)

        return cast(F, wrapper)


def intercept(sim: Simulator | None = None, *, hosts: Iterable[str] = CJ_HOSTS,
              patch_sleep: bool = False) -> Intercept:
    """CJ's host answered by ``sim`` (a fresh simulator when ``None``); see ``Intercept``."""
    return Intercept(sim, hosts=hosts, patch_sleep=patch_sleep)


__all__ = ["CJ_BASE_URL", "CJ_HOST", "CJ_HOSTS", "TABLE", "Answer", "CJRealHostError", "Intercept", "Request",
           "Route", "SimulatorRoute", "call_wsgi", "intercept"]
