"""``cj_intercept``: the real CJ host, answered by the simulator in-process, no socket.

Built on ``cjsim.intercept``'s routes (``cjsim.interception``): ``CJIntercept`` is a
simulator route with the fixture's helpers, and ``CJHostGuard`` is a route that refuses,
always active in a test that uses the simulator. While both are active the interception,
being innermost, answers. ``requests``/urllib3 (with its ``Retry``), ``httpx`` (sync and
async) and ``aiohttp`` are answered through their own connection code; any other stack is
stopped at name resolution.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from cjsim.interception.routes import CJ_BASE_URL, CJ_HOST, CJ_HOSTS, CJRealHostError, Request, Route, SimulatorRoute
from cjsim.interception.wsgi import CLIENT_IP, Answer, WSGIApp, body_bytes, call_wsgi

STACKS = "requests/urllib3, httpx and aiohttp"


class CJIntercept(SimulatorRoute):
    """Routes calls for ``hosts`` into a simulator's app (``app`` is read at every call)."""

    def __init__(self, app: Callable[[], WSGIApp], hosts: Iterable[str] = CJ_HOSTS,
                 refusal: Callable[[str], CJRealHostError] | None = None) -> None:
        super().__init__(app, hosts, refusal)

    base_url = CJ_BASE_URL

    def url(self, path: str) -> str:
        """``setting/get`` -> ``https://developers.cjdropshipping.com/api2.0/v1/setting/get``."""
        if path.startswith(("http://", "https://")):
            return path
        if path.startswith("/"):
            return f"https://{CJ_HOST}{path}"
        return f"{CJ_BASE_URL}/{path}"

    def matches(self, url: str) -> bool:
        return self.matches_host(urlsplit(url).hostname)

    def __enter__(self) -> CJIntercept:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class CJHostGuard(Route):
    """In a test that uses the simulator, a call to CJ's real host fails at once.

    A call from a stack the routes answer (``requests``, ``httpx``, ``aiohttp``) reaches this
    route and is refused; any other stack is refused at ``socket.getaddrinfo``. Each attempt
    is recorded, so the test fails even when the client swallows the error and retries.
    """

    def __init__(self, advice: Callable[[str, bool], str], hosts: Iterable[str] = CJ_HOSTS) -> None:
        super().__init__(hosts)
        self._advice = advice
        self.refused: list[str] = []

    def handle(self, request: Request) -> Answer:
        raise self._refuse(f"{request.method.upper()} {request.url}", http_stack=True)

    def refuse(self, what: str) -> CJRealHostError:
        return self._refuse(what, http_stack=False)

    def _refuse(self, what: str, http_stack: bool) -> CJRealHostError:
        message = self._advice(what, http_stack)
        self.refused.append(message)
        return CJRealHostError(message)



__all__ = ["CJ_BASE_URL", "CJ_HOST", "CLIENT_IP", "STACKS", "Answer", "CJHostGuard", "CJIntercept",
           "CJRealHostError", "body_bytes", "call_wsgi"]
