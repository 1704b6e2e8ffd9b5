"""The interception's hand-built WSGI environ is werkzeug's EnvironBuilder's, key for key and
in order (the journal lists request headers in environ order)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from cjsim.interception.wsgi import Answer, built_environ, call_wsgi, plain_environ

TOKEN = [("CJ-Access-Token", "API@CJ1@CJ:abc")]
REQUESTS_HEADERS = [("User-Agent", "python-requests/2.32"), ("Accept-Encoding", "gzip, deflate"),
                    ("Accept", "*/*"), ("Connection", "keep-alive")]

PLAIN = [
    ("GET", "https://developers.cjdropshipping.com/api2.0/v1/product/query?pid=1", REQUESTS_HEADERS + TOKEN, None),
    ("get", "https://developers.cjdropshipping.com/api2.0/v1/setting/get", TOKEN, b""),
    ("POST", "https://developers.cjdropshipping.com/api2.0/v1/logistic/freightCalculate",
     [*REQUESTS_HEADERS, ("Content-Length", "12"), ("Content-Type", "application/json"), *TOKEN],
     b'{"a": "b"}'),  # a wrong Content-Length: the body's own length wins
    ("POST", "http://localhost:8080/api2.0/v1/x?a=1&a=2&b=%20", [("content-type", "text/plain"),
                                                                ("X-Dup", "1"), ("x-dup", "2")], b"raw"),
    ("PATCH", "http://127.0.0.1:1/", [("Host", "example.org"), ("Content-Length", "0")], None),
    ("POST", "http://127.0.0.1:65535/x", [("Content-Length", "3"), ("content-length", "4")], b"abcd"),
    ("GET", "https://developers.cjdropshipping.com", [("Content-Length", " 7 ")], None),
    ("GET", "https://developers.cjdropshipping.com/a/", [("Content-Length", "seven")], None),
    ("DELETE", "https://developers.cjdropshipping.com/api2.0/v1/q?x=\u00e9", [("Content_Type", "a/b")], None),
    ("GET", "https://developers.cjdropshipping.com/p;x=1/a:b/@!$&'()*+,=~._-", [], None),
    ("POST", "https://developers.cjdropshipping.com/api2.0/v1/x", [("Content-Type", "application/json"),
                                                                   ("Content-Type", "text/plain")], b"{}"),
]

ODD = [  # EnvironBuilder itself builds these
    ("GET", "https://Developers.CJdropshipping.com/api2.0/v1/x", [], None),
    ("GET", "https://user:pw@developers.cjdropshipping.com/api2.0/v1/x", [], None),
    ("GET", "https://developers.cjdropshipping.com:0443/x", [], None),
    ("GET", "https://developers.cjdropshipping.com/api2.0/v1/caf\u00e9", [], None),
    ("GET", "https://developers.cjdropshipping.com/a%20b", [], None),
    ("GET", "https://developers.cjdropshipping.com/a b", [], None),
    ("GET", "ftp://developers.cjdropshipping.com/x", [], None),
    ("POST", "https://developers.cjdropshipping.com/x", [("Content-Type", "application/x-www-form-urlencoded")], None),
    ("POST", "https://developers.cjdropshipping.com/x", [("Content-Type", "multipart/form-data; boundary=x")], b""),
    ("GET", "https://developers.cjdropshipping.com/x", [("X-Bytes", b"v")], None),
]


def _comparable(environ: dict[str, Any]) -> list[tuple[str, Any]]:
    """The environ's items; of an encoded multipart form (a random boundary), its keys."""
    multipart = environ.get("CONTENT_TYPE", "").startswith("multipart/")
    out: list[tuple[str, Any]] = []
    for key, value in environ.items():
        if multipart and key in ("wsgi.input", "CONTENT_TYPE", "CONTENT_LENGTH"):
            value = None
        elif key == "wsgi.input":
            value = value.getvalue()
        out.append((key, value))
    return out


def _plain(method: str, url: str, headers: list[Any], body: bytes | None) -> dict[str, Any] | None:
    parts = urlsplit(url)
    return plain_environ(parts.scheme, parts.netloc, parts.path, parts.query, method, headers, body)


@pytest.mark.parametrize(("method", "url", "headers", "body"), PLAIN)
def test_a_plain_request_gets_environbuilders_environ(method: str, url: str, headers: list[Any],
                                                       body: bytes | None) -> None:
    built = _plain(method, url, headers, body)
    assert built is not None
    assert _comparable(built) == _comparable(built_environ(method, url, headers, body))


@pytest.mark.parametrize(("method", "url", "headers", "body"), ODD)
def test_any_other_request_is_left_to_environbuilder(method: str, url: str, headers: list[Any],
                                                      body: bytes | None) -> None:
    assert _plain(method, url, headers, body) is None
    seen: list[dict[str, Any]] = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.append(environ)
        start_response("201 CREATED", [("X-N", 5)])
        return [b"o", b"k"]

    answer = call_wsgi(app, method, url, headers, body)
    assert answer == Answer(201, "CREATED", [("X-N", "5")], b"ok")
    assert _comparable(seen[0]) == _comparable(built_environ(method, url, headers, body))


def test_a_header_value_with_a_line_break_is_refused_as_before() -> None:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        raise AssertionError("not reached")

    with pytest.raises(ValueError, match="newline"):
        call_wsgi(app, "GET", "https://developers.cjdropshipping.com/x", [("X-A", "a\r\nB: b")], None)


def test_the_apps_iterable_is_closed_and_start_response_reraises() -> None:
    closed: list[bool] = []

    class Body(list[bytes]):
        def close(self) -> None:
            closed.append(True)

    def app(environ: dict[str, Any], start_response: Any) -> Body:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return Body([b"fine"])

    assert call_wsgi(app, "GET", "http://h/x", [], None).body == b"fine"
    assert closed == [True]

    def failing(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        try:
            raise ConnectionResetError("reset by a scenario")
        except ConnectionResetError as exc:
            start_response("500 X", [], (type(exc), exc, exc.__traceback__))
        return []

    with pytest.raises(ConnectionResetError, match="scenario"):
        call_wsgi(failing, "GET", "http://h/x", [], None)


def test_the_answers_headers_are_http_clients_message() -> None:
    """requests reads cookies from the in-process answer's ``msg``: the same message
    http.client builds header by header."""
    import http.client

    from cjsim.interception.patches import _Body

    headers = [("Content-Type", "application/json"), ("Set-Cookie", "a=1"), ("set-cookie", "b=2"),
               ("X-Empty", "")]
    reference = http.client.HTTPMessage()
    for name, value in headers:
        reference[name] = value
    message = _Body(b"{}", headers).msg
    assert isinstance(message, http.client.HTTPMessage)
    assert message.items() == reference.items() and str(message) == str(reference)
    assert message.get_all("Set-Cookie") == reference.get_all("Set-Cookie") == ["a=1", "b=2"]
