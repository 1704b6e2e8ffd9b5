"""``cj_intercept``: the real CJ host, answered by the simulator in-process, no socket.

How: ``requests.adapters.HTTPAdapter.send`` (and, when httpx is installed,
``httpx.HTTPTransport.handle_request`` / ``httpx.AsyncHTTPTransport.handle_async_request``)
are patched for the duration of the test. A request whose host is CJ's goes through the
simulator's WSGI app and comes back as a genuine ``requests.Response`` / ``httpx.Response``;
any other host goes to the original method untouched. Patching the adapter class (the
approach of the ``responses`` library) catches every session, including ones a client built
at import time and ones with their own mounted ``HTTPAdapter`` subclass.

What it does not do (docs/plugin.md has the list): urllib3 ``Retry`` configured on an
adapter is not exercised (the adapter's retry loop is below ``send``), and clients on other
stacks (aiohttp, urllib) are not intercepted: use ``cj_server`` for those.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from werkzeug.test import EnvironBuilder, run_wsgi_app

if TYPE_CHECKING:
    import httpx

CJ_HOST = "developers.cjdropshipping.com"
CJ_BASE_URL = f"https://{CJ_HOST}/api2.0/v1"
CLIENT_IP = "127.0.0.1"

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@dataclass(frozen=True)
class Answer:
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes


def call_wsgi(app: WSGIApp, method: str, url: str, headers: Iterable[tuple[str, str]],
              body: bytes | None) -> Answer:
    """One HTTP exchange with a WSGI app, the way a server would run it."""
    parts = urlsplit(url)
    builder = EnvironBuilder(
        path=parts.path or "/", base_url=f"{parts.scheme}://{parts.netloc}",
        query_string=parts.query or None, method=method.upper(), headers=list(headers),
        data=body or None, environ_base={"REMOTE_ADDR": CLIENT_IP})
    try:
        environ = builder.get_environ()
    finally:
        builder.close()
    app_iter, status, response_headers = run_wsgi_app(app, environ, buffered=True)
    try:
        payload = b"".join(app_iter)
    finally:
        close = getattr(app_iter, "close", None)
        if close is not None:
            close()
    code, _, reason = status.partition(" ")
    return Answer(int(code), reason, list(response_headers.items()), payload)


def _body_bytes(body: Any) -> bytes | None:
    if body is None:
        return None
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    if hasattr(body, "read"):
        data = body.read()
        return data.encode("utf-8") if isinstance(data, str) else bytes(data)
    return b"".join(c.encode("utf-8") if isinstance(c, str) else bytes(c) for c in body)


class CJIntercept:
    """Routes ``requests``/``httpx`` calls for ``hosts`` into a simulator's app."""

    def __init__(self, app: Callable[[], WSGIApp], hosts: Iterable[str] = (CJ_HOST,)) -> None:
        self._app = app
        self.hosts = {h.lower() for h in hosts}
        self.calls = 0  # requests answered by the simulator
        self.active = False
        self._undo: list[Callable[[], None]] = []

    base_url = CJ_BASE_URL

    def url(self, path: str) -> str:
        """``setting/get`` -> ``https://developers.cjdropshipping.com/api2.0/v1/setting/get``."""
        if path.startswith(("http://", "https://")):
            return path
        if path.startswith("/"):
            return f"https://{CJ_HOST}{path}"
        return f"{CJ_BASE_URL}/{path}"

    def matches(self, url: str) -> bool:
        host = urlsplit(url).hostname
        return host is not None and host.lower() in self.hosts

    def answer(self, method: str, url: str, headers: Iterable[tuple[str, str]], body: bytes | None) -> Answer:
        self.calls += 1
        return call_wsgi(self._app(), method, url, headers, body)

    # -- on / off ------------------------------------------------------------------------
    def start(self) -> CJIntercept:
        if self.active:
            return self
        self._patch_requests()
        self._patch_httpx()
        self.active = True
        return self

    def stop(self) -> None:
        while self._undo:
            self._undo.pop()()
        self.active = False

    def __enter__(self) -> CJIntercept:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _set(self, owner: Any, name: str, value: Any) -> None:
        original = owner.__dict__[name]
        setattr(owner, name, value)
        self._undo.append(lambda: setattr(owner, name, original))

    # -- requests ------------------------------------------------------------------------
    def _patch_requests(self) -> None:
        from requests.adapters import HTTPAdapter

        original = HTTPAdapter.send
        router = self

        def send(adapter: HTTPAdapter, request: Any, stream: bool = False, timeout: Any = None,
                 verify: Any = True, cert: Any = None, proxies: Mapping[str, str] | None = None) -> Any:
            if not router.matches(request.url or ""):
                return original(adapter, request, stream=stream, timeout=timeout, verify=verify,
                                cert=cert, proxies=proxies)
            answer = router.answer(request.method or "GET", request.url, request.headers.items(),
                                   _body_bytes(request.body))
            return _requests_response(adapter, request, answer)

        self._set(HTTPAdapter, "send", send)

    # -- httpx ---------------------------------------------------------------------------
    def _patch_httpx(self) -> None:
        try:
            import httpx
        except ImportError:
            return
        router = self
        sync_original = httpx.HTTPTransport.handle_request
        async_original = httpx.AsyncHTTPTransport.handle_async_request

        def handle_request(transport: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
            if not router.matches(str(request.url)):
                return sync_original(transport, request)
            answer = router.answer(request.method, str(request.url), request.headers.multi_items(),
                                   request.read())
            return _httpx_response(answer, request)

        async def handle_async_request(transport: httpx.AsyncHTTPTransport,
                                       request: httpx.Request) -> httpx.Response:
            if not router.matches(str(request.url)):
                return await async_original(transport, request)
            body = await request.aread()
            answer = router.answer(request.method, str(request.url), request.headers.multi_items(), body)
            return _httpx_response(answer, request)

        self._set(httpx.HTTPTransport, "handle_request", handle_request)
        self._set(httpx.AsyncHTTPTransport, "handle_async_request", handle_async_request)


class CJRealHostError(ConnectionError):
    """A test with the simulator tried to reach CJ's real host (the network is never used)."""


class CJHostGuard(CJIntercept):
    """In a test that uses the simulator, a connection to CJ's real host fails at once.

    ``requests``/``httpx`` calls are stopped at the adapter (the same patch as
    ``CJIntercept``, which answers them when it is active on top of this guard); any other
    stack (urllib, aiohttp, raw sockets) is stopped at ``socket.getaddrinfo``. Each attempt
    is recorded, so the test fails even when the client swallows the error and retries.
    """

    def __init__(self, advice: Callable[[str, bool], str]) -> None:
        super().__init__(lambda: _refuse_app)
        self._advice = advice
        self.refused: list[str] = []

    def answer(self, method: str, url: str, headers: Iterable[tuple[str, str]], body: bytes | None) -> Answer:
        raise self.refuse(f"{method.upper()} {url}", http_stack=True)

    def refuse(self, what: str, http_stack: bool) -> CJRealHostError:
        message = self._advice(what, http_stack)
        self.refused.append(message)
        return CJRealHostError(message)

    def start(self) -> CJHostGuard:
        if self.active:
            return self
        super().start()
        import socket

        original = socket.getaddrinfo
        guard = self

        def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
            name = host.decode() if isinstance(host, bytes) else str(host)
            if name.lower().rstrip(".") in guard.hosts:
                raise guard.refuse(f"a connection to {name}", http_stack=False)
            return original(host, *args, **kwargs)

        self._set(socket, "getaddrinfo", getaddrinfo)
        return self


def _refuse_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    raise CJRealHostError("unreachable")  # the guard's answer() never calls its app


def _requests_response(adapter: Any, request: Any, answer: Answer) -> Any:
    """A real ``requests.Response``, built the way the adapter builds one from urllib3."""
    from urllib3 import HTTPHeaderDict, HTTPResponse

    raw = HTTPResponse(body=io.BytesIO(answer.body), headers=HTTPHeaderDict(answer.headers), status=answer.status,
                       reason=answer.reason, preload_content=False, decode_content=False,
                       request_method=request.method, request_url=request.url)
    return adapter.build_response(request, raw)


def _httpx_response(answer: Answer, request: httpx.Request) -> httpx.Response:
    import httpx

    return httpx.Response(answer.status, headers=answer.headers, content=answer.body,
                          request=request, extensions={"reason_phrase": answer.reason.encode("ascii", "replace")})
