"""Answers below the CJ envelope: a raw body, a body cut short, a connection reset.

These are what a flaky gateway does to a client, and what most client code never sees in
its tests. Each builds a ``RawAnswer`` for the pipeline, which journals the call and hands
the WSGI response over to it.
"""

from __future__ import annotations

import os
import socket
import struct
from collections.abc import Iterable
from typing import Any

from cjsim.pipeline import JSON_HEADERS, REASONS, RawAnswer, StartResponse

RESET_MESSAGE = "cjsim: connection reset by a scenario fault (reset_connection)"


def _status_line(status: int) -> str:
    return f"{status} {REASONS.get(status, 'UNKNOWN')}"


def raw_body(status: int, body: bytes, content_type: str | None, keep: int | None = None) -> RawAnswer:
    """Any status and any bytes (HTML gateway page, malformed JSON, empty body)."""
    ctype = content_type or JSON_HEADERS[0][1]
    return cut_body(status, body, [("Content-Type", ctype)], keep, code=None)


def cut_body(status: int, body: bytes, headers: list[tuple[str, str]], keep: int | None,
             code: int | None) -> RawAnswer:
    """Headers announcing the whole body, then only ``keep`` bytes of it (None: all).

    Over a socket the server closes after the cut (werkzeug sends ``Connection: close``),
    so the client sees a short read; in-process it gets the short body.
    """
    sent = body if keep is None else body[:keep]

    def respond(start_response: StartResponse) -> Iterable[bytes]:
        start_response(_status_line(status), [*headers, ("Content-Length", str(len(body)))])
        return [sent]

    return RawAnswer(respond, status, code)


def reset(environ: dict[str, Any]) -> RawAnswer:
    """Reset the TCP connection before any byte of the answer.

    With werkzeug's server the request socket is ``environ["werkzeug.socket"]``: SO_LINGER
    0 makes its close send an RST. The server still holds the descriptor (its buffered
    reader), so the socket is closed by pointing the descriptor at an already-finished
    socketpair end (``dup2``): the TCP socket's last reference goes away -- RST -- and the
    server reads end-of-file, stops the connection quietly and closes the stand-in.
    In-process there is no socket: the caller gets ``ConnectionResetError`` instead.
    """

    def respond(start_response: StartResponse) -> Iterable[bytes]:
        sock = environ.get("werkzeug.socket")
        if isinstance(sock, socket.socket):
            abort(sock)
        raise ConnectionResetError(RESET_MESSAGE)

    return RawAnswer(respond, 0, None)


def abort(sock: socket.socket) -> None:
    """Close ``sock`` with an RST, leaving its descriptor valid (at end-of-file)."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        stand_in, other = socket.socketpair()
        other.close()
        try:
            os.dup2(stand_in.fileno(), sock.fileno())
        finally:
            stand_in.close()
    except OSError:  # no dup2 on sockets (Windows): a plain shutdown is the best we can do
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
