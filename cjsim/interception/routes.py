"""The routes: which hosts are answered in-process, by whom, and the process-wide table of them.

A *route* is one activation of an interception: ``cjsim.intercept`` (a simulator answers), the
pytest plugin's ``cj_intercept`` (the same), or the plugin's real-host guard (every call is
refused with advice). Active routes form a stack: the innermost one that lists a host answers
it. The transport patches (urllib3, httpx, aiohttp, ``socket.getaddrinfo``) are installed
when the first route starts and removed when the last one stops, so a process with no active
route runs the libraries untouched.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Self
from urllib.parse import urlsplit

from cjsim.interception.wsgi import Answer, WSGIApp, call_wsgi

CJ_HOST = "developers.cjdropshipping.com"
CJ_HOSTS = (CJ_HOST,)  # every host CJ's API 2.0 clients call (reference: cj-api.md)
CJ_BASE_URL = f"https://{CJ_HOST}/api2.0/v1"


class CJRealHostError(RuntimeError):
    """A call headed for CJ's real host was stopped (the network is never used).

    Deliberately not an ``OSError``: no HTTP library mistakes it for a network failure to
    retry (urllib3's ``Retry``) or to wrap (``requests.ConnectionError``, ``URLError``,
    ``aiohttp.ClientOSError``), so it surfaces as itself, with its explanation."""


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    headers: list[tuple[str, str]]
    body: bytes | None
    stack: str  # "urllib3", "httpx", "aiohttp"


class Route:
    """One activation: answers (or refuses) requests for ``hosts``."""

    def __init__(self, hosts: Iterable[str] = CJ_HOSTS) -> None:
        self.hosts = frozenset(h.lower().rstrip(".") for h in hosts)
        self.active = False

    def matches_host(self, host: str | None) -> bool:
        return host is not None and host.lower().rstrip(".") in self.hosts

    def handle(self, request: Request) -> Answer:
        raise NotImplementedError

    def refuse(self, what: str) -> CJRealHostError:
        """A connection to one of ``hosts`` from a stack this route does not answer."""
        return CJRealHostError(
            f"{what}: blocked by cjsim.intercept: this call was headed for CJ's real host, from a"
            " client stack cjsim.intercept does not answer (it answers requests/urllib3, httpx and"
            " aiohttp); point this client at a simulator server's base URL (cjsim serve, or"
            " cjsim.server.BackgroundServer) instead")

    # -- on / off ------------------------------------------------------------------------
    def start(self) -> Self:
        if not self.active:
            TABLE.push(self)
            self.active = True
        return self

    def stop(self) -> None:
        if self.active:
            self.active = False
            TABLE.remove(self)


class SimulatorRoute(Route):
    """A simulator's WSGI app answers, in-process, without a socket."""

    def __init__(self, app: Callable[[], WSGIApp], hosts: Iterable[str] = CJ_HOSTS,
                 refusal: Callable[[str], CJRealHostError] | None = None) -> None:
        super().__init__(hosts)
        self._app = app
        self.refusal = refusal  # another explanation for other stacks (the pytest plugin's)
        self.calls = 0  # requests answered by the simulator

    def refuse(self, what: str) -> CJRealHostError:
        return self.refusal(what) if self.refusal is not None else super().refuse(what)

    def handle(self, request: Request) -> Answer:
        self.calls += 1
        return call_wsgi(self._app(), request.method, request.url, request.headers, request.body)


class RouteTable:
    """The process-wide stack of active routes, and the patches that consult it."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._routes: list[Route] = []
        self._undo: list[Callable[[], None]] = []

    def push(self, route: Route) -> None:
        with self._lock:
            if not self._routes:
                self._install()
            self._routes.append(route)

    def remove(self, route: Route) -> None:
        with self._lock:
            if route in self._routes:
                self._routes.remove(route)
            if not self._routes:
                self._uninstall()

    def route_for(self, host: str | None) -> Route | None:
        """The innermost active route that answers ``host``."""
        with self._lock:
            for route in reversed(self._routes):
                if route.matches_host(host):
                    return route
        return None

    def route_for_url(self, url: str) -> Route | None:
        return self.route_for(urlsplit(url).hostname)

    @property
    def installed(self) -> bool:
        return bool(self._undo)

    def _install(self) -> None:
        from cjsim.interception import patches

        self._undo = patches.install(self)

    def _uninstall(self) -> None:
        while self._undo:
            self._undo.pop()()


TABLE = RouteTable()


def set_attr(owner: Any, name: str, value: Any) -> Callable[[], None]:
    """``setattr`` with its undo (restores the attribute the owner itself had)."""
    original = owner.__dict__[name]
    setattr(owner, name, value)
    return lambda: setattr(owner, name, original)
