"""The transport patches the route table installs while any route is active.

* **urllib3** (so ``requests``, and anything else on urllib3): the connection pools'
  ``ConnectionCls`` -- urllib3's documented way to choose a pool's connection class -- becomes
  a subclass of urllib3's own connection that, when its target host has a route, "connects"
  in-process and answers from the route. Everything above the connection runs unchanged:
  the pool, ``urlopen``'s ``Retry`` loop (a 502/503 or a reset from a scenario fault is
  retried exactly as over a socket), redirects, ``requests``' adapter and its exception
  mapping. For any other host it is urllib3's connection, untouched.
* **requests**, the short way: ``HTTPAdapter.send`` (where ``responses`` patches) answers a
  routed request itself when nothing between it and the connection could act on the answer
  (see ``_requests``): the same request reaches the route, and the same urllib3 response
  (built by the same code as the connection's) goes to the adapter's own ``build_response``.
  A request that fails (a scenario's reset, a refusal) is then replayed through urllib3 with
  that outcome, so its exception is urllib3's and requests' own. Anything else takes the
  connection level above.
* **httpx**: ``HTTPTransport.handle_request`` / ``AsyncHTTPTransport.handle_async_request``
  (httpx's transport API); other hosts go to the original method.
* **aiohttp** (when importable): ``TCPConnector._create_connection``, the hook aiohttp's own
  Unix and named-pipe connectors override, returns aiohttp's ``ResponseHandler`` on an
  in-memory transport; aiohttp writes the request and parses the answer with its own code.
* **socket.getaddrinfo**: a name lookup of a routed host from any other stack (urllib, a
  raw socket) raises the route's refusal, so nothing ever leaves for CJ's real host.
"""

from __future__ import annotations

import asyncio
import http.client
import io
import logging
import os
import socket
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

from cjsim.interception.routes import Request, Route, RouteTable, set_attr
from cjsim.interception.wsgi import _PLAIN_NETLOC, Answer, body_bytes

if TYPE_CHECKING:
    import httpx

Undo = Callable[[], None]


def install(table: RouteTable) -> list[Undo]:
    undo: list[Undo] = []
    undo += _urllib3(table)
    undo += _httpx(table)
    undo += _aiohttp(table)
    undo += _getaddrinfo(table)
    return undo


# -- urllib3 ------------------------------------------------------------------------------
Respond = Callable[[Answer, Request, dict[str, Any]], Any]


class _Replay(threading.local):
    """A failure met on ``HTTPAdapter.send``'s short way, raised again by the next in-process
    ``getresponse`` of this thread: the request replayed through urllib3 fails there, as it
    would have, and urllib3 and requests turn it into their own exception."""

    failure: Exception | None = None


_REPLAY = _Replay()


def _urllib3(table: RouteTable) -> list[Undo]:
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    respond = _responder()
    http_cls, https_cls = _connection_classes(table, respond)
    return [set_attr(HTTPConnectionPool, "ConnectionCls", http_cls),
            set_attr(HTTPSConnectionPool, "ConnectionCls", https_cls),
            *_requests(table, respond)]


def _responder() -> Respond:
    from urllib3 import HTTPHeaderDict
    from urllib3.response import HTTPResponse

    def respond(answer: Answer, request: Request, options: dict[str, Any]) -> Any:
        """urllib3's response to ``request``, as its connection's ``getresponse`` returns it."""
        body = _Body(answer.body, answer.headers)
        return HTTPResponse(
            body=body, headers=HTTPHeaderDict(answer.headers), status=answer.status,
            version=11, version_string="HTTP/1.1", reason=answer.reason, original_response=cast(Any, body),
            request_method=request.method, request_url=request.url, **options)

    return respond


def _connection_classes(table: RouteTable, respond: Respond) -> tuple[type[Any], type[Any]]:
    from urllib3.connection import HTTPConnection, HTTPSConnection

    class InProcess:
        """Mixed into urllib3's connection classes: in-process while a route has the host."""

        _cj_route: Route | None = None
        _cj_pending: Request | None = None
        _cj_options: dict[str, Any] = {}
        scheme = "http"
        host: str
        port: int | None
        default_port: int
        _tunnel_host: str | None
        _tunnel_port: int | None

        def _cj_target(self) -> tuple[str, int | None]:
            if self._tunnel_host:
                return self._tunnel_host, self._tunnel_port
            return self.host, self.port

        def _cj_live(self) -> bool:
            return self._cj_route is not None and self._cj_route.active

        def _cj_pick(self) -> Route | None:
            route = table.route_for(self._cj_target()[0])
            self._cj_route = route
            return route

        def connect(self) -> None:
            if self._cj_pick() is None:
                super().connect()  # type: ignore[misc]

        @property
        def is_closed(self) -> bool:
            return False if self._cj_live() else bool(super().is_closed)  # type: ignore[misc]

        @property
        def is_connected(self) -> bool:
            return True if self._cj_live() else bool(super().is_connected)  # type: ignore[misc]

        @property
        def has_connected_to_proxy(self) -> bool:
            return False if self._cj_live() else bool(super().has_connected_to_proxy)  # type: ignore[misc]

        def request(self, method: str, url: str, body: Any = None, headers: Any = None, *,
                    chunked: bool = False, preload_content: bool = True, decode_content: bool = True,
                    enforce_content_length: bool = True) -> None:
            if not self._cj_live() and getattr(self, "sock", None) is None:
                self._cj_pick()  # plain HTTP connects lazily, inside request()
            if not self._cj_live():
                super().request(method, url, body=body, headers=headers,  # type: ignore[misc]
                                chunked=chunked, preload_content=preload_content,
                                decode_content=decode_content, enforce_content_length=enforce_content_length)
                return
            host, port = self._cj_target()
            if not url.startswith(("http://", "https://")):
                netloc = host if port in (None, self.default_port) else f"{host}:{port}"
                url = f"{self.scheme}://{netloc}{url}"
            items = list(headers.items()) if headers is not None else []
            self._cj_pending = Request(method, url, items, body_bytes(body), "urllib3")
            self._cj_options = {"preload_content": preload_content, "decode_content": decode_content,
                                "enforce_content_length": enforce_content_length}

        def getresponse(self) -> Any:
            pending, route = self._cj_pending, self._cj_route
            if pending is None or route is None:
                return super().getresponse()  # type: ignore[misc]
            self._cj_pending = None
            failure = _REPLAY.failure
            if failure is not None:  # the short way met it: the route answered already
                _REPLAY.failure = None
                raise failure
            answer = route.handle(pending)  # a scenario's reset raises ConnectionResetError here
            return respond(answer, pending, self._cj_options)

        def close(self) -> None:
            self._cj_route = self._cj_pending = None
            super().close()  # type: ignore[misc]

    class InProcessHTTPConnection(InProcess, HTTPConnection):  # type: ignore[misc]
        scheme = "http"

    class InProcessHTTPSConnection(InProcess, HTTPSConnection):  # type: ignore[misc]
        scheme = "https"

        @property
        def is_verified(self) -> bool:
            return True if self._cj_live() else bool(self.__dict__.get("is_verified", False))

        @is_verified.setter
        def is_verified(self, value: bool) -> None:
            self.__dict__["is_verified"] = value

    return InProcessHTTPConnection, InProcessHTTPSConnection


class _Body(io.BytesIO):
    """The answer's bytes, standing in for http.client's response: ``isclosed()`` once read,
    which is when urllib3 gives the connection back to its pool (keep-alive); ``msg``, the
    headers where ``requests`` finds cookies."""

    def __init__(self, data: bytes, headers: list[tuple[str, str]]) -> None:
        super().__init__(data)
        self.msg = http.client.HTTPMessage()
        # what ``msg[name] = value`` appends under HTTPMessage's policy (compat32: the pair as
        # given, no count check), without its per-header calls
        self.msg._headers = [(name, value) for name, value in headers]  # type: ignore[attr-defined]

    def isclosed(self) -> bool:
        return self.closed or self.tell() >= len(self.getbuffer())


# -- requests: the short way ---------------------------------------------------------------
# HTTPAdapter methods between ``send`` and the connection: a subclass that overrides one of
# them (or mounts its own pool manager) takes the connection level, where they all run
_ADAPTER_HOOKS = ("get_connection_with_tls_context", "get_connection", "build_connection_pool_key_attributes",
                  "cert_verify", "request_url", "add_headers", "proxy_headers", "proxy_manager_for",
                  "init_poolmanager")
_PORTS = {"https": 443, "http": 80}
_URLLIB3_LOG = logging.getLogger("urllib3.connectionpool")


def _requests(table: RouteTable, respond: Respond) -> list[Undo]:
    """``HTTPAdapter.send`` answers a routed request itself when urllib3 could not act on the
    answer: its ``Retry`` retries on no status (no ``status_forcelist``, and no ``total`` or
    ``Retry-After`` ignored -- requests' default ``Retry(0, read=False)``), requests passes
    ``redirect=False`` (it follows redirects itself, above ``send``), and no proxy, client
    certificate, missing CA bundle or urllib3 ``Timeout`` object is given; the adapter is
    requests' own or a subclass keeping its connection hooks and pool manager."""
    try:
        from requests import adapters
    except ImportError:
        return []
    from requests.structures import CaseInsensitiveDict
    from urllib3.poolmanager import PoolManager, pool_classes_by_scheme
    from urllib3.util.retry import Retry

    original = adapters.HTTPAdapter.send
    if getattr(original, "__module__", None) != adapters.__name__:
        return []  # already patched (``responses`` started first): it sees every request, as before
    # CA bundles that exist (requests' own, or REQUESTS_CA_BUNDLE's): else cert_verify raises, the long way
    bundles: dict[bool | str, bool] = {True: os.path.exists(adapters.DEFAULT_CA_BUNDLE_PATH)}
    plain: dict[type[Any], bool] = {}
    response_options = {"preload_content": False, "decode_content": False, "enforce_content_length": True}

    def short_way(adapter: Any, url: Any, timeout: Any, verify: Any, cert: Any,
                  proxies: Any) -> tuple[Route, str] | None:
        retries = adapter.max_retries
        if type(verify) is str and verify not in bundles and len(bundles) < 16:
            bundles[verify] = os.path.exists(verify)
        if (proxies or cert is not None
                or not (verify is False or ((verify is True or type(verify) is str) and bundles.get(verify, False)))
                or type(retries) is not Retry or retries.status_forcelist
                or (retries.total and retries.respect_retry_after_header)
                or not (timeout is None or _seconds(timeout) or (type(timeout) is tuple and len(timeout) == 2
                                                                 and all(t is None or _seconds(t) for t in timeout)))
                or type(url) is not str):
            return None
        kind = type(adapter)
        if kind not in plain:
            plain[kind] = all(getattr(kind, hook) is getattr(adapters.HTTPAdapter, hook) for hook in _ADAPTER_HOOKS)
        manager = getattr(adapter, "poolmanager", None)
        if (not plain[kind] or type(manager) is not PoolManager
                or manager.pool_classes_by_scheme is not pool_classes_by_scheme):
            return None
        parts = urlsplit(url)
        default_port = _PORTS.get(parts.scheme)
        netloc = parts.netloc
        if default_port is None or parts.fragment or _PLAIN_NETLOC.fullmatch(netloc) is None:
            return None
        host, _, port = netloc.partition(":")
        route = table.route_for(host)
        if route is None or host not in route.hosts:  # (a trailing dot: urllib3 drops it, the long way)
            return None
        if port and int(port) == default_port:
            netloc = host
        # what the connection level sees: requests' path_url on the pool's origin
        path = parts.path or "/"
        target = f"{path}?{parts.query}" if parts.query else path
        return route, f"{parts.scheme}://{netloc}{target}"

    def send(adapter: Any, request: Any, stream: bool = False, timeout: Any = None, verify: Any = True,
             cert: Any = None, proxies: Any = None) -> Any:
        found = short_way(adapter, request.url, timeout, verify, cert, proxies)
        if found is None:
            return original(adapter, request, stream=stream, timeout=timeout, verify=verify, cert=cert,
                            proxies=proxies)
        route, url = found
        headers = request.headers
        # its (name as given, value) pairs, as items() yields them, without a lookup per name
        items = list(cast(Any, headers)._store.values() if type(headers) is CaseInsensitiveDict else headers.items())
        pending = Request(request.method, url, items, body_bytes(request.body), "urllib3")
        try:
            answer = route.handle(pending)
        except Exception as exc:  # noqa: BLE001  (raised again where the connection level would meet it)
            failure = exc
        else:
            response = respond(answer, pending, response_options)
            response.retries = adapter.max_retries  # (as urllib3's pool sets it)
            if _URLLIB3_LOG.isEnabledFor(logging.DEBUG):  # urllib3's line for each exchange
                parts = urlsplit(url)
                _URLLIB3_LOG.debug('%s://%s:%s "%s %s %s" %s %s', parts.scheme, parts.hostname,
                                   parts.port or _PORTS[parts.scheme], pending.method, request.path_url,
                                   response.version_string, response.status, response.length_remaining)
            return adapter.build_response(request, response)
        traceback = failure.__traceback__
        _REPLAY.failure = failure.with_traceback(traceback.tb_next if traceback is not None else None)
        try:
            return original(adapter, request, stream=stream, timeout=timeout, verify=verify, cert=cert,
                            proxies=proxies)
        finally:
            _REPLAY.failure = None

    return [set_attr(adapters.HTTPAdapter, "send", send)]


def _seconds(value: Any) -> bool:
    """A timeout urllib3's ``Timeout`` takes as it is (anything else: the long way, which checks it)."""
    return type(value) in (int, float) and value > 0


# -- httpx --------------------------------------------------------------------------------
def _httpx(table: RouteTable) -> list[Undo]:
    try:
        import httpx
    except ImportError:
        return []
    sync_original = httpx.HTTPTransport.handle_request
    async_original = httpx.AsyncHTTPTransport.handle_async_request

    def handle_request(transport: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
        route = table.route_for(request.url.host)
        if route is None:
            return sync_original(transport, request)
        return _httpx_answer(route, request, request.read())

    async def handle_async_request(transport: httpx.AsyncHTTPTransport, request: httpx.Request) -> httpx.Response:
        route = table.route_for(request.url.host)
        if route is None:
            return await async_original(transport, request)
        return _httpx_answer(route, request, await request.aread())

    return [set_attr(httpx.HTTPTransport, "handle_request", handle_request),
            set_attr(httpx.AsyncHTTPTransport, "handle_async_request", handle_async_request)]


def _httpx_answer(route: Route, request: httpx.Request, body: bytes) -> httpx.Response:
    import httpx

    try:
        answer = route.handle(Request(request.method, str(request.url), request.headers.multi_items(), body,
                                      "httpx"))
    except ConnectionResetError as exc:  # what httpx raises when a server resets the connection
        raise httpx.ReadError(str(exc), request=request) from exc
    if _cut(answer):  # what httpx raises when the body stops short of its Content-Length
        raise httpx.RemoteProtocolError(
            "peer closed connection without sending complete message body: received"
            f" {len(answer.body)} bytes, expected {_header(answer, 'content-length')}", request=request)
    return httpx.Response(answer.status, headers=answer.headers, content=answer.body, request=request,
                          extensions={"reason_phrase": answer.reason.encode("ascii", "replace")})


# -- aiohttp ------------------------------------------------------------------------------
_EXECUTOR: ThreadPoolExecutor | None = None


def _executor() -> ThreadPoolExecutor:
    """The simulator answers aiohttp in a worker thread, so a scenario's delay never blocks
    the event loop (aiohttp's own timeouts keep working)."""
    global _EXECUTOR
    if _EXECUTOR is None:
        _EXECUTOR = ThreadPoolExecutor(max_workers=4, thread_name_prefix="cjsim-intercept")
    return _EXECUTOR


def _aiohttp(table: RouteTable) -> list[Undo]:
    try:
        import aiohttp
        from aiohttp.client_proto import ResponseHandler
    except ImportError:
        return []
    original = aiohttp.TCPConnector._create_connection

    async def _create_connection(connector: aiohttp.TCPConnector, req: Any, traces: Any,
                                 timeout: Any) -> ResponseHandler:
        route = table.route_for(req.url.host)
        if route is None:
            return await original(connector, req, traces, timeout)
        loop = asyncio.get_running_loop()
        protocol = ResponseHandler(loop)
        scheme = "https" if req.is_ssl() else "http"
        port = req.url.port
        netloc = req.url.host if port == (443 if scheme == "https" else 80) else f"{req.url.host}:{port}"
        protocol.connection_made(InMemoryTransport(loop, protocol, route, f"{scheme}://{netloc}"))
        return protocol

    return [set_attr(aiohttp.TCPConnector, "_create_connection", _create_connection)]


class InMemoryTransport(asyncio.Transport):
    """aiohttp's side of an in-process connection: requests are parsed off what aiohttp
    writes, answered by the route (in a worker thread) and fed back as HTTP/1.1 bytes."""

    def __init__(self, loop: asyncio.AbstractEventLoop, protocol: asyncio.Protocol, route: Route,
                 origin: str) -> None:
        super().__init__()
        self._loop = loop
        self._protocol = protocol
        self._route = route
        self._origin = origin
        self._buffer = bytearray()
        self._closed = False

    # -- writing: the request --------------------------------------------------------------
    def write(self, data: bytes | bytearray | memoryview) -> None:
        if self._closed:
            return
        self._buffer += data
        while not self._closed:
            request = self._take_request()
            if request is None:
                return
            self._loop.create_task(self._answer(request))

    def writelines(self, list_of_data: Any) -> None:
        for data in list_of_data:
            self.write(data)

    def _take_request(self) -> Request | None:
        head_end = self._buffer.find(b"\r\n\r\n")
        if head_end < 0:
            return None
        lines = bytes(self._buffer[:head_end]).decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers = [(k.strip(), v.strip()) for k, _, v in (line.partition(":") for line in lines[1:])]
        names = {k.lower(): v for k, v in headers}
        rest = bytes(self._buffer[head_end + 4:])
        if "chunked" in names.get("transfer-encoding", "").lower():
            decoded = _dechunk(rest)
            if decoded is None:
                return None
            body, used = decoded
            headers = [(k, v) for k, v in headers if k.lower() != "transfer-encoding"]
        else:
            used = int(names.get("content-length", "0") or 0)
            if len(rest) < used:
                return None
            body = rest[:used]
        del self._buffer[:head_end + 4 + used]
        url = target if target.startswith(("http://", "https://")) else self._origin + target
        return Request(method, url, headers, body or None, "aiohttp")

    async def _answer(self, request: Request) -> None:
        try:
            answer = await self._loop.run_in_executor(_executor(), self._route.handle, request)
        except OSError as exc:  # a scenario's reset: aiohttp sees the connection lost with it
            self._lose(exc)
            return
        except Exception as exc:  # noqa: BLE001  (a refusal: raised as itself by the waiting read)
            if not self._closed:
                set_exception = getattr(self._protocol, "set_exception", None)
                if set_exception is not None:
                    set_exception(exc)
                self._lose(None)
            return
        if self._closed:
            return
        self._protocol.data_received(_http_bytes(answer, request.method))
        if _cut(answer):
            self._lose(None)  # the body stops short: the server closes, the client sees it

    # -- the transport API aiohttp uses ------------------------------------------------------
    def _lose(self, exc: Exception | None) -> None:
        if not self._closed:
            self._closed = True
            self._protocol.connection_lost(exc)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._loop.call_soon(self._protocol.connection_lost, None)

    def abort(self) -> None:
        self.close()

    def is_closing(self) -> bool:
        return self._closed or not self._route.active  # a stopped route's connections are dropped

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 0), "sockname": ("127.0.0.1", 0)}.get(name, default)

    def can_write_eof(self) -> bool:
        return False

    def get_write_buffer_size(self) -> int:
        return 0

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        return None

    def is_reading(self) -> bool:
        return not self._closed

    def pause_reading(self) -> None:
        return None

    def resume_reading(self) -> None:
        return None


def _dechunk(data: bytes) -> tuple[bytes, int] | None:
    """(body, bytes used) of a complete chunked body, or None while it is incomplete."""
    body, pos = bytearray(), 0
    while True:
        line_end = data.find(b"\r\n", pos)
        if line_end < 0:
            return None
        size = int(data[pos:line_end].split(b";")[0], 16)
        start = line_end + 2
        if size == 0:
            trailer_end = data.find(b"\r\n\r\n", line_end)
            if trailer_end < 0:
                return None
            return bytes(body), trailer_end + 4
        if len(data) < start + size + 2:
            return None
        body += data[start:start + size]
        pos = start + size + 2


def _header(answer: Answer, name: str) -> str | None:
    return next((v for k, v in answer.headers if k.lower() == name), None)


def _cut(answer: Answer) -> bool:
    length = _header(answer, "content-length")
    return length is not None and length.isdigit() and int(length) > len(answer.body)


def _http_bytes(answer: Answer, method: str) -> bytes:
    headers = list(answer.headers)
    if _header(answer, "content-length") is None and _header(answer, "transfer-encoding") is None:
        headers.append(("Content-Length", str(len(answer.body))))
    head = f"HTTP/1.1 {answer.status} {answer.reason}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n"
    return head.encode("latin-1") + (b"" if method.upper() == "HEAD" else answer.body)


# -- every other stack: no name lookup for a routed host --------------------------------------
def _getaddrinfo(table: RouteTable) -> list[Undo]:
    original = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        route = table.route_for(name)
        if route is not None:
            raise route.refuse(f"a connection to {name}")
        return original(host, *args, **kwargs)

    return [set_attr(socket, "getaddrinfo", getaddrinfo)]
