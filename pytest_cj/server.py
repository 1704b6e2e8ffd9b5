"""The live server behind ``cj_server``: one real HTTP server per session (per xdist worker:
each worker process has its own session, so its own port), serving whichever simulator the
current test needs.

Why a switch in front of the simulator: starting a server per test costs a port and a thread
each time; resetting a simulator costs microseconds. A test whose marker asks for another
profile/scenario/start gets a freshly built simulator behind the same port.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cjsim.server import BackgroundServer
from cjsim.simulator import Simulator
from pytest_cj.settings import SimSettings


class LiveServer:
    def __init__(self, settings: SimSettings) -> None:
        self.settings = settings
        self.sim: Simulator = settings.build()
        self._server = BackgroundServer(self._dispatch).start()

    def _dispatch(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        return self.sim.app(environ, start_response)

    # -- addresses ---------------------------------------------------------------------
    @property
    def host(self) -> str:
        return self._server.host

    @property
    def port(self) -> int:
        return self._server.port

    @property
    def root(self) -> str:
        """``http://127.0.0.1:PORT`` (the control API lives under ``/__cjsim/``)."""
        return self._server.root

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/api2.0/v1``: what a client uses instead of CJ's base URL."""
        return self._server.base_url

    def url(self, path: str) -> str:
        """``setting/get`` -> base_url + ``/setting/get``; ``/__cjsim/clock`` -> root + path."""
        return self._server.url(path)

    # -- per test ----------------------------------------------------------------------
    def prepare(self, settings: SimSettings) -> Simulator:
        """A clean simulator for the next test: the same one reset, or a new one."""
        if settings == self.settings:
            self.sim.reset()
            return self.sim
        old, self.sim, self.settings = self.sim, settings.build(), settings
        _close(old)
        return self.sim

    def stop(self) -> None:
        self._server.stop()
        _close(self.sim)

    def __repr__(self) -> str:
        return f"<cj_server {self.base_url}>"


def _close(sim: Simulator) -> None:
    close = getattr(sim, "close", None)
    if close is not None:
        close()
