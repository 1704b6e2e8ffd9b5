"""The transport patches the route table installs while any route is active.

* **urllib3** (so ``requests``, and anything else on urllib3): the connection pools'
  ``ConnectionCls`` -- urllib3's documented way to choose a pool's connection class -- becomes
  a subclass of urllib3's own connection that, when its target host has a route, "connects"
  in-process and answers from the route. Everything above the connection runs unchanged:
  the pool, ``urlopen``'s ``Retry`` loop (a 502/503 or a reset from a scenario fault is
  retried exactly as over a socket), redirects, ``requests``' adapter and its exception
  mapping. For any other host it is urllib3's connection, untouched.
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
import socket
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, cast

from cjsim.interception.routes import Request, Route, RouteTable, set_attr
from cjsim.interception.wsgi import Answer, body_bytes

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
def _urllib3(table: RouteTable) -> list[Undo]:
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    http_cls, https_cls = _connection_classes(table)
    return [set_attr(HTTPConnectionPool, "ConnectionCls", http_cls),
            set_attr(HTTPSConnectionPool, "ConnectionCls", https_cls)]


def _connection_classes(table: RouteTable) -> tuple[type[Any], type[Any]]:
    from urllib3 import HTTPHeaderDict
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.response import HTTPResponse

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
            answer = route.handle(pending)  # a scenario's reset raises ConnectionResetError here
            body = _Body(answer.body, answer.headers)
            return HTTPResponse(
                body=body, headers=HTTPHeaderDict(answer.headers), status=answer.status,
                version=11, version_string="HTTP/1.1", reason=answer.reason, original_response=cast(Any, body),
                request_method=pending.method, request_url=pending.url, **self._cj_options)

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
