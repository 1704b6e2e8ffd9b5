"""The HTTP server of ``cjsim serve`` and of the tests and the plugin.

Thread model: werkzeug's threaded server, one thread per connection; the request loop is
ours (werkzeug's closes every connection). HTTP/1.1 keep-alive and pipelining work as real
CJ clients use them (requests sessions, httpx, Guzzle, Node agents reuse connections).
Bounds keep slow, idle or broken clients from pinning the process:

* a request must arrive whole -- request line, headers and body -- within
  ``request_timeout`` (default 30 s, ``cjsim serve --request-timeout``) of its first byte,
  however slowly it trickles; past that the connection is closed;
* a connection with no request in progress (a fresh one, or keep-alive between requests)
  is closed after ``keepalive_timeout`` (default 5 s, announced as ``Keep-Alive:
  timeout=5``; the value of Node's, Apache's and uvicorn's servers);
* at most ``max_connections`` connections (default 256) serve the CJ API at once, plus
  ``control_slots`` (default 8) kept for the control API: a connection beyond
  ``max_connections`` is served only for requests under ``/__cjsim/`` (anything else gets
  HTTP 503 with CJ's 1600000 JSON and is closed), and one beyond both is answered that way
  at once;
* a request whose body is framed wrong (two Content-Length headers, Content-Length with
  Transfer-Encoding, a malformed chunk, a body cut short or never finished) is a client
  error: 1600300, and the connection is closed (its next request cannot be found).

http.server answers a malformed request line, an over-long URI or a header flood itself;
here those answers are JSON too (1600300), never its HTML error page.
"""

from __future__ import annotations

import io
import itertools
import logging
import math
import re
import secrets
import socket
import socketserver
import threading
import time
from collections.abc import Iterable
from email.utils import formatdate
from typing import Any, NoReturn

from werkzeug.exceptions import BadRequest
from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

from cjsim import jsonenc
from cjsim.domain.ids import mask_secrets

log = logging.getLogger("cjsim")
REQUEST_LOG = logging.getLogger("cjsim.requests")
API_PREFIX = "/api2.0"

DEFAULT_MAX_CONNECTIONS = 256
DEFAULT_CONTROL_SLOTS = 8
DEFAULT_REQUEST_TIMEOUT_S = 30.0
DEFAULT_KEEPALIVE_TIMEOUT_S = 5.0
CONTROL_PREFIX = "/__cjsim"


def _envelope(code: int, message: str) -> bytes:
    return jsonenc.dumps({"code": code, "result": False, "message": message, "data": None,
                          "requestId": secrets.token_hex(16), "success": False})


class BodyError(BadRequest):
    """The request body is framed wrong or did not arrive (the client's error: 1600300)."""


class _SocketReader(io.RawIOBase):
    """The connection's bytes, each read bounded by one deadline (not a per-read timeout)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.deadline = math.inf

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the request did not arrive in time")
        self.sock.settimeout(remaining)
        return self.sock.recv_into(buffer)


class _Body(io.RawIOBase):
    """A request body as the app reads it: exactly its framed bytes, never the next request's.

    A body that is cut short, malformed or late raises ``BodyError`` and is marked
    ``broken``: the server then closes the connection after its answer."""

    def __init__(self, rfile: io.BufferedReader[Any], length: int, chunked: bool) -> None:
        self._rfile = rfile
        self._chunked = chunked
        self._left = 0 if chunked else length  # bytes left in the body, or in this chunk
        self._done = not chunked and length == 0
        self._read = 0
        self.broken: str | None = None

    @property
    def finished(self) -> bool:
        return self._done

    def readable(self) -> bool:
        return True

    def _fail(self, why: str) -> NoReturn:
        self.broken, self._done = why, True
        raise BodyError(why)

    def _line(self) -> bytes:
        line = self._rfile.readline(_LINE_MAX + 1)
        if not line.endswith(b"\n"):
            self._fail("the connection closed inside a chunked body" if len(line) <= _LINE_MAX
                       else "a chunk-size or trailer line is too long")
        return line

    def _next_chunk(self) -> None:
        line = self._line()
        size = line.split(b";", 1)[0].strip(b" \t\r\n")
        if not _HEX.fullmatch(size):
            self._fail(f"malformed chunk size line {line[:40]!r}")
        self._left = int(size, 16)
        if self._left == 0:  # the last chunk: trailer fields up to an empty line
            for _ in range(_MAX_TRAILERS):
                if self._line() in (b"\r\n", b"\n"):
                    self._done = True
                    return
            self._fail("too many trailer fields")

    def _some(self, size: int) -> bytes:
        """One read of at most ``size`` bytes of the body; b"" at its end."""
        try:
            if self._done or size == 0:
                return b""
            if self._chunked and self._left == 0:
                self._next_chunk()
                if self._done:
                    return b""
            data = self._rfile.read1(min(size, self._left))
            if not data:
                self._fail(f"the connection closed after {self._read} bytes of the body")
            self._read += len(data)
            self._left -= len(data)
            if self._left == 0:
                if not self._chunked:
                    self._done = True
                elif self._rfile.read(2) != b"\r\n":
                    self._fail("a chunk's data is not followed by CRLF")
            return data
        except TimeoutError:
            self._fail(f"the body did not arrive in time ({self._read} bytes received)")
        except OSError as exc:
            self._fail(f"the connection failed inside the body: {exc}")

    def readinto(self, buffer: Any) -> int:
        data = self._some(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def read(self, size: int | None = -1) -> bytes:
        """``size`` bytes, or fewer only at the body's end (a WSGI app reads a body at once)."""
        parts: list[bytes] = []
        want = math.inf if size is None or size < 0 else size
        got = 0
        while got < want:
            data = self._some(int(min(want - got, 1 << 16)))
            if not data:
                break
            parts.append(data)
            got += len(data)
        return b"".join(parts)

    def readall(self) -> bytes:
        return self.read()

    def drain(self, limit: int) -> bool:
        """Read and drop what the app left unread, up to ``limit`` bytes: True if the body ended."""
        try:
            while not self._done and limit > 0:
                limit -= len(self._some(min(limit, 1 << 16)))
        except BodyError:
            return False
        return self._done


_LINE_MAX = 4096
_MAX_TRAILERS = 64
_HEX = re.compile(rb"[0-9A-Fa-f]{1,16}")
_DRAIN_MAX = 16 << 20  # unread body bytes read and dropped to keep a connection; beyond, close
_NO_BODY = {204, 304}
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding"}


def _framing(headers: Any) -> tuple[int, bool] | str:
    """(Content-Length, chunked) of a request, or why its framing is invalid (RFC 9112 §6)."""
    encodings = headers.get_all("Transfer-Encoding") or []
    lengths = headers.get_all("Content-Length") or []
    if encodings:
        if lengths:
            return "both Transfer-Encoding and Content-Length"
        codings = [c.strip().lower() for value in encodings for c in value.split(",") if c.strip()]
        if codings != ["chunked"]:
            return f"unsupported Transfer-Encoding {', '.join(encodings)!r}"
        return 0, True
    if len(lengths) > 1:
        return "more than one Content-Length"
    if lengths:
        text = lengths[0].strip()
        if not (text.isascii() and text.isdigit()) or len(text) > 18:
            return f"Content-Length {text[:40]!r} is not a number"
        return int(text), False
    return 0, False


_date_cache: tuple[int, str] = (0, "")


def _http_date() -> str:
    global _date_cache
    now = int(time.time())
    if _date_cache[0] != now:
        _date_cache = (now, formatdate(now, usegmt=True))
    return _date_cache[1]


class CJRequestHandler(WSGIRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real clients use CJ
    disable_nagle_algorithm = True  # headers and body go out without waiting for an ACK
    request_timeout = DEFAULT_REQUEST_TIMEOUT_S
    keepalive_timeout = DEFAULT_KEEPALIVE_TIMEOUT_S
    quiet = True
    server: CJServer
    _app_answered = False  # the request reached the app (which logs CJ requests itself)

    # -- the connection ------------------------------------------------------------------
    def setup(self) -> None:
        self.connection = self.request
        if self.disable_nagle_algorithm:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, True)
        self._reader = _SocketReader(self.connection)
        self._in = io.BufferedReader(self._reader, 1 << 16)
        self.rfile = self._in
        self.wfile = socketserver._SocketWriter(self.connection)  # type: ignore[attr-defined]
        self._serves_api = self.server.take_api_slot()

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            if self._serves_api:
                self.server.release_api_slot()

    def handle(self) -> None:
        """Requests one after the other (pipelined ones too) until either side closes."""
        try:
            while self._await_request():
                self.handle_one_request()
                if self.close_connection:
                    break
        except OSError:
            pass  # the client went away, reset, or never finished: nothing to answer

    def _await_request(self) -> bool:
        """Wait for a request's first byte (at most the keep-alive timeout); then its deadline runs."""
        self._reader.deadline = time.monotonic() + self.keepalive_timeout
        try:
            if not self._in.peek(1):
                return False
        except OSError:  # idle too long (TimeoutError), or reset
            return False
        self._reader.deadline = time.monotonic() + self.request_timeout
        self._app_answered = False
        return True

    # -- one request ---------------------------------------------------------------------
    def run_wsgi(self) -> None:
        self._app_answered = False
        environ = self.make_environ()
        path = str(environ.get("PATH_INFO", ""))
        if not self._admit(path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/")):
            self._send_raw(503, "Service Unavailable", _envelope(1600000, "System busy"))
            return
        framing = _framing(self.headers)
        if isinstance(framing, str):
            self.log_error("bad request framing: %s", framing)
            self._send_raw(400, "Bad Request", _envelope(1600300, f"Illegal parameter: {framing}"))
            return
        body = _Body(self._in, *framing)
        environ["wsgi.input"] = body
        environ["wsgi.input_terminated"] = True
        self._app_answered = True
        self._run_app(environ, body)

    def _admit(self, control: bool) -> bool:
        """A connection beyond the API slots serves the control API only (until a slot frees)."""
        if not self._serves_api and not control:
            self._serves_api = self.server.take_api_slot()
        return self._serves_api or control

    def _run_app(self, environ: dict[str, Any], body: _Body) -> None:
        started: list[Any] = []
        early: list[bytes] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            started[:] = [status, headers]  # nothing is sent before the app returns: no exc_info case
            return early.append  # PEP 3333's write(): kept until the answer goes out

        try:
            result = self.server.app(environ, start_response)
        except ConnectionError:  # a scenario fault reset the connection
            self.close_connection = True
            return
        except Exception:  # noqa: BLE001 - a bug of ours: one JSON answer, the traceback logged
            log.exception("error on %s %s", self.command, mask_secrets(self.path))
            self._send_raw(500, "Internal Server Error", _envelope(1600000, "System busy"))
            return
        try:
            if not started:  # a generator app starts its answer on its first item
                result = iter(result)
                first = next(result, b"")
                early.append(first)
            if body.broken or not body.drain(_DRAIN_MAX):
                self.close_connection = True  # the next request cannot be found in this stream
            self._write(started[0], started[1], early, result)
        except (ConnectionError, TimeoutError):
            self.close_connection = True
        except Exception:  # noqa: BLE001 - the app failed while streaming its answer
            log.exception("error on %s %s", self.command, mask_secrets(self.path))
            self.close_connection = True
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()

    def _write(self, status: str, headers: list[tuple[str, str]], early: list[bytes],
               result: Iterable[bytes]) -> None:
        code = int(status.split(None, 1)[0])
        bodiless = self.command == "HEAD" or code < 200 or code in _NO_BODY
        declared: int | None = None
        lines = [f"{self.protocol_version} {status}", f"Server: {self.version_string()}",
                 f"Date: {_http_date()}"]
        for key, value in headers:
            lower = key.lower()
            if lower in _HOP_BY_HOP:
                continue
            if lower == "content-length":
                declared = int(value)
            lines.append(f"{key}: {value}")
        chunked = False
        if declared is None and not bodiless:
            if self.request_version >= "HTTP/1.1":
                chunked = True
                lines.append("Transfer-Encoding: chunked")
            else:
                self.close_connection = True  # the end of the connection ends the body
        if declared is not None and not bodiless and isinstance(result, (list, tuple)) \
                and sum(map(len, early)) + sum(map(len, result)) != declared:
            self.close_connection = True  # a body cut short (a fault): the client sees it end
        if self.close_connection:
            lines.append("Connection: close")
        else:
            if self.request_version < "HTTP/1.1":
                lines.append("Connection: keep-alive")
            lines.append(f"Keep-Alive: timeout={self.keepalive_timeout:g}")
        pending = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        if self.request_version == "HTTP/0.9":  # a bare body, as HTTP/0.9 has no headers
            pending = b""
        self.connection.settimeout(self.request_timeout)  # a client that does not read is dropped
        sent = 0
        for data in itertools.chain(early, result):
            if not data or bodiless:
                continue
            if declared is not None:
                if sent + len(data) > declared:
                    data = data[:declared - sent]
                    self.close_connection = True
                if not data:
                    continue
            sent += len(data)
            if chunked:
                data = b"%x\r\n%b\r\n" % (len(data), data)
            if pending:
                data, pending = pending + data, b""
            self.wfile.write(data)
        if chunked:
            pending += b"0\r\n\r\n"
        if pending:
            self.wfile.write(pending)
        if declared is not None and sent < declared and not bodiless:
            self.close_connection = True
        self.log_request(code, sent)

    def _send_raw(self, code: int, reason: str, body: bytes) -> None:
        """An answer of the server itself, then the connection is closed."""
        self.close_connection = True
        head = (f"{self.protocol_version} {code} {reason}\r\nServer: {self.version_string()}\r\n"
                f"Date: {_http_date()}\r\nContent-Type: application/json; charset=utf-8\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode("latin-1")
        self.connection.settimeout(self.request_timeout)
        self.wfile.write(head if self.command == "HEAD" else head + body)
        self.log_request(code, len(body))

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """One short line for what the simulator does not log itself: the server's own
        answers (busy, bad framing) and control API or other requests that failed. A CJ
        request the app answered has its line already (``cjsim.reqlog``, journal-based);
        successful control calls (a dashboard polls twice a second) have none."""
        if self.quiet:
            return
        path = getattr(self, "path", "") or ""
        try:
            status = int(code)
        except (TypeError, ValueError):
            status = 0
        if self._app_answered and (path == API_PREFIX or path.startswith(API_PREFIX + "/")
                                   or status < 400):
            return
        method = getattr(self, "command", None) or "-"
        REQUEST_LOG.info("%s %s -> HTTP %s %s", method, mask_secrets(path.split("?", 1)[0]),
                         code, self.address_string(), extra={"simUs": self._sim_now()})

    def _sim_now(self) -> int | None:
        """The simulated time, when the app is a simulator's (log lines show it, not wall time)."""
        sim = getattr(self.server.app, "extensions", {}).get("cjsim")
        try:
            return int(sim.clock.now_us()) if sim is not None else None
        except Exception:  # noqa: BLE001 - a log line never fails a request (store down, ...)
            return None

    def log(self, type: str, message: str, *args: Any) -> None:
        """The handler's other lines (errors), credentials masked, one timestamp (the log's)."""
        text = message % args if args else message
        level = logging.ERROR if type == "error" else logging.INFO
        log.log(level, "%s %s", self.address_string(), mask_secrets(text))

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own error answers, as JSON envelopes."""
        short = self.responses.get(code, ("Error", ""))[0]
        if code >= 500:
            body = _envelope(1600000, "System busy")
        else:
            body = _envelope(1600300, f"Illegal parameter: {message or short}")
        self.log_error("code %d, message %s", code, message)
        self.send_response(code, message)
        self.send_header("Connection", "close")
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if getattr(self, "command", None) != "HEAD":
            self.wfile.write(body)
        self.close_connection = True


class CJServer(ThreadedWSGIServer):
    daemon_threads = True

    def __init__(self, host: str, port: int, app: Any, handler: type[WSGIRequestHandler],
                 max_connections: int = DEFAULT_MAX_CONNECTIONS,
                 control_slots: int = DEFAULT_CONTROL_SLOTS) -> None:
        super().__init__(host, port, app, handler)
        self.max_connections = max_connections
        self.control_slots = control_slots
        self._connections = threading.BoundedSemaphore(max_connections + control_slots)
        self._api_slots = threading.BoundedSemaphore(max_connections)
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        # the connections' threads (daemons, which socketserver does not join): joined by
        # server_close, so none outlives the server (a test's next one must not meet it)
        self._handlers: set[threading.Thread] = set()

    def take_api_slot(self) -> bool:
        return self._api_slots.acquire(blocking=False)

    def release_api_slot(self) -> None:
        self._api_slots.release()

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._connections.acquire(blocking=False):
            body = _envelope(1600000, "System busy")
            head = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\n"
                    b"Connection: close\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n")
            try:
                request.sendall(head + body)
            except OSError:
                pass
            self.shutdown_request(request)
            return
        with self._open_lock:
            self._open.add(request)
        # ThreadingMixIn's, but the thread is known before it starts (server_close joins it)
        thread = threading.Thread(target=self.process_request_thread, args=(request, client_address),
                                  daemon=self.daemon_threads)
        try:
            with self._open_lock:
                self._handlers.add(thread)
            thread.start()
        except BaseException:
            with self._open_lock:
                self._handlers.discard(thread)
            self._closed(request)
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        me = threading.current_thread()
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._closed(request)
            with self._open_lock:
                self._handlers.discard(me)

    def _closed(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        self._connections.release()

    def server_close(self, timeout: float = 5.0) -> None:
        """Stop listening, end the open (keep-alive) connections (their threads see EOF) and
        wait up to ``timeout`` s for those threads to finish (one answering a request ends
        when its app returns)."""
        super().server_close()
        with self._open_lock:
            still_open = list(self._open)
        for sock in still_open:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        deadline = time.monotonic() + timeout
        with self._open_lock:
            handlers = [t for t in self._handlers if t is not threading.current_thread()]
        for thread in handlers:
            thread.join(max(deadline - time.monotonic(), 0.0))


def make_cj_server(host: str, port: int, app: Any, *, quiet: bool = True,
                   request_timeout: float = DEFAULT_REQUEST_TIMEOUT_S,
                   keepalive_timeout: float = DEFAULT_KEEPALIVE_TIMEOUT_S,
                   max_connections: int = DEFAULT_MAX_CONNECTIONS,
                   control_slots: int = DEFAULT_CONTROL_SLOTS) -> CJServer:
    if not 0 < request_timeout < math.inf or not 0 < keepalive_timeout < math.inf:
        raise ValueError("request_timeout and keepalive_timeout must be positive numbers of seconds")
    handler = type("Handler", (CJRequestHandler,), {
        "quiet": quiet, "request_timeout": request_timeout, "keepalive_timeout": keepalive_timeout})
    return CJServer(host, port, app, handler, max_connections=max_connections,
                    control_slots=control_slots)


class BackgroundServer:
    """A real server on a free loopback port in a daemon thread (tests, plugin, examples)."""

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0, **options: Any) -> None:
        self.server = make_cj_server(host, port, app, **options)
        self.host = host
        self.port = self.server.server_port
        self._thread = threading.Thread(target=self.server.serve_forever,
                                        name=f"cjsim-server-{self.port}", daemon=True)

    @property
    def root(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.root}/api2.0/v1"

    def url(self, path: str) -> str:
        if path.startswith("/"):
            return self.root + path
        return f"{self.base_url}/{path}"

    def start(self) -> BackgroundServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


__all__ = ["BackgroundServer", "CJRequestHandler", "CJServer", "make_cj_server", "mask_secrets"]
