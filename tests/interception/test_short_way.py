"""requests' short way: ``HTTPAdapter.send`` answers a routed request itself when urllib3 could
not act on the answer. The client sees exactly what the connection level gives it: each
request below is made twice, once per level, and everything observable is compared."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

import cjsim
from cjsim import CJRealHostError, Simulator
from cjsim.interception import CJ_BASE_URL, Route, SimulatorRoute
from cjsim.interception.routes import Request
from cjsim.interception.wsgi import Answer

HOST = "shop.test"
BASE = f"https://{HOST}"


def shop(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    path, query = environ["PATH_INFO"], environ["QUERY_STRING"]
    length = environ.get("CONTENT_LENGTH")
    body = environ["wsgi.input"].read(int(length)) if length else b""
    boundary = environ.get("CONTENT_TYPE", "").partition("boundary=")[2]
    if boundary:  # (random per request)
        body = body.replace(boundary.encode(), b"BOUNDARY")
    echo = f"{environ['REQUEST_METHOD']} {path}?{query} {body.decode()} {environ.get('HTTP_X_TRACE', '-')}"
    if path == "/redirect":
        start_response("302 Found", [("Location", "/final?from=redirect"), ("Set-Cookie", "step=1; Path=/"),
                                     ("Content-Length", "0")])
        return [b""]
    if path == "/reset":
        raise ConnectionResetError(104, "Connection reset by peer")
    if path == "/cut":
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", "100")])
        return [b'{"cut": tr']
    if path == "/big":
        start_response("200 OK", [("Content-Type", "application/octet-stream"), ("Content-Length", "70000")])
        return [bytes(range(256)) * 273 + b"x" * 112]
    start_response("201 Made Up", [("Content-Type", "text/plain; charset=latin-1"), ("Set-Cookie", "a=1; Path=/"),
                                   ("Set-Cookie", "b=2; Path=/"), ("X-Dup", "one"), ("X-Dup", "two")])
    return [echo.encode()]


def observed(session: requests.Session, method: str, url: str, **kwargs: Any) -> tuple[Any, ...]:
    seen: list[int] = []
    kwargs.setdefault("hooks", {"response": [lambda r, *a, **k: seen.append(r.status_code)]})
    try:
        answer = session.request(method, url, **kwargs)
        if kwargs.get("stream"):
            head = answer.raw.read(7)
            body = head + b"".join(answer.iter_content(4096))
        else:
            body = answer.content
    except Exception as exc:  # noqa: BLE001  (the failure is what is compared)
        context = exc.__context__
        return ("raised", type(exc), str(exc), type(context), str(context), seen)
    raw = answer.raw
    return (answer.status_code, answer.reason, list(answer.headers.items()), body, answer.url, answer.encoding,
            [(h.status_code, h.url, h.headers.get("Location")) for h in answer.history],
            sorted(session.cookies.items()), sorted(answer.cookies.items()), type(answer.elapsed),
            type(raw), raw.status, raw.version, raw.version_string, raw.reason, raw.url, raw.length_remaining,
            raw.headers.getlist("X-Dup"), raw.closed, seen, answer.request.headers.get("Cookie"))


def pools(session: requests.Session, url: str) -> int:
    """The connection pools the session's adapter opened (directly or through a proxy)."""
    adapter: Any = session.get_adapter(url)
    return len(adapter.poolmanager.pools) + sum(len(m.pools) for m in adapter.proxy_manager.values())


def long_way(adapter: HTTPAdapter | None = None) -> requests.Session:
    """A session whose adapter takes the connection level, and answers as requests' default:
    its Retry would retry a 599 only, which nothing here answers."""
    session = requests.Session()
    session.mount("https://", adapter or HTTPAdapter(max_retries=Retry(0, read=False, status_forcelist=[599])))
    return session


@pytest.fixture
def route() -> Iterator[SimulatorRoute]:
    route = SimulatorRoute(lambda: shop, hosts=[HOST]).start()
    try:
        yield route
    finally:
        route.stop()


CALLS: list[tuple[str, str, dict[str, Any]]] = [
    ("GET", "/echo?x=1&y=%C3%A9", {"headers": {"X-Trace": "t1"}}),
    ("POST", "/echo", {"json": {"a": [1, 2]}, "timeout": (3, 10)}),
    ("PUT", "/echo", {"data": iter([b"chunk-1", b"chunk-2"]), "timeout": 5.5}),
    ("POST", "/echo", {"files": {"f": ("a.txt", b"hello")}}),
    ("DELETE", "/echo#frag", {}),
    ("GET", ":443/echo", {}),
    ("HEAD", "/echo", {}),
    ("GET", "/redirect", {}),
    ("GET", "/redirect", {"allow_redirects": False}),
    ("GET", "/big", {"stream": True}),
    ("GET", "/big", {}),
    ("GET", "/cut", {}),
    ("GET", "/cut", {"stream": True}),
    ("GET", "/reset", {}),
    ("GET", "/echo", {"timeout": -1}),
    ("GET", "/echo", {"timeout": (1, 2, 3)}),
    ("GET", "/echo", {"verify": "/no/such/bundle.pem"}),
]


@pytest.mark.parametrize(("method", "path", "kwargs"), CALLS, ids=[f"{m} {p} {sorted(k)}" for m, p, k in CALLS])
def test_the_client_sees_the_same_answer_on_both_levels(route: SimulatorRoute, method: str, path: str,
                                                        kwargs: dict[str, Any]) -> None:
    short, slow = requests.Session(), long_way()
    body = kwargs.get("data")
    fast_seen = observed(short, method, BASE + path, **kwargs)
    if body is not None:
        kwargs = {**kwargs, "data": iter([b"chunk-1", b"chunk-2"])}
    assert observed(slow, method, BASE + path, **kwargs) == fast_seen
    assert pools(slow, BASE) in (0, 1)  # (a request refused before any connection opens none)


def test_the_short_way_opens_no_connection_and_the_route_answers_once(route: SimulatorRoute) -> None:
    session = requests.Session()
    assert session.get(f"{BASE}/echo", timeout=5).status_code == 201
    with pytest.raises(requests.exceptions.ConnectionError, match="Connection aborted"):
        session.get(f"{BASE}/reset", timeout=5)  # replayed through urllib3: its error, one answer
    assert route.calls == 2 and pools(session, BASE) == 1  # the replay opened the one connection
    slow = long_way()
    slow.get(f"{BASE}/echo", timeout=5)
    assert pools(slow, BASE) == 1 and route.calls == 3


def test_a_reset_on_the_short_way_is_retried_by_a_retry_that_allows_it(route: SimulatorRoute) -> None:
    """A Retry that retries no status but does retry a reset: the reset met on the short way is
    replayed through urllib3, whose Retry tries again (and meets the route again)."""
    session = long_way(HTTPAdapter(max_retries=Retry(total=2, respect_retry_after_header=False,
                                                     backoff_factor=0)))
    with pytest.raises(requests.exceptions.ConnectionError, match="Max retries exceeded"):
        session.get(f"{BASE}/reset", timeout=5)
    assert route.calls == 3


class Plain(HTTPAdapter):
    pass


class OwnHeaders(HTTPAdapter):
    def add_headers(self, request: Any, **kwargs: Any) -> None:
        request.headers["X-Trace"] = "added"


WAYS: list[tuple[str, Callable[[], requests.Session], dict[str, Any], bool]] = [
    ("requests' default", requests.Session, {}, True),
    ("max_retries=0", lambda: long_way(HTTPAdapter(max_retries=0)), {}, True),
    ("a subclass keeping the hooks", lambda: long_way(Plain()), {}, True),
    ("Retry ignoring Retry-After", lambda: long_way(HTTPAdapter(max_retries=Retry(3, respect_retry_after_header=False))),
     {}, True),
    ("timeout pair, verify=False", requests.Session, {"timeout": (2, None), "verify": False}, True),
    ("max_retries=3", lambda: long_way(HTTPAdapter(max_retries=3)), {}, False),
    ("status_forcelist", lambda: long_way(HTTPAdapter(max_retries=Retry(0, status_forcelist=[503]))), {}, False),
    ("own add_headers", lambda: long_way(OwnHeaders()), {}, False),
    ("a proxy", requests.Session, {"proxies": {"https": "http://proxy.invalid:3128"}}, False),
    ("a urllib3 Timeout", requests.Session, {"timeout": __import__("urllib3").Timeout(5)}, False),
    ("a client certificate", requests.Session, {"cert": __file__}, False),
]


@pytest.mark.parametrize(("make", "kwargs", "short"), [w[1:] for w in WAYS], ids=[w[0] for w in WAYS])
def test_which_requests_take_the_short_way(route: SimulatorRoute, make: Callable[[], requests.Session],
                                           kwargs: dict[str, Any], short: bool) -> None:
    session = make()
    assert session.get(f"{BASE}/echo", **kwargs).status_code == 201 and route.calls == 1
    assert pools(session, BASE) == (0 if short else 1)  # (a proxy's tunnel to the routed host: answered too)


def test_a_refusal_on_the_short_way_surfaces_as_itself() -> None:
    class Refusing(Route):
        def __init__(self) -> None:
            super().__init__([HOST])
            self.calls = 0

        def handle(self, request: Request) -> Answer:
            self.calls += 1
            raise CJRealHostError(f"no: {request.method} {request.url}")

    refusing = Refusing().start()
    try:
        with pytest.raises(CJRealHostError, match=r"no: GET https://shop.test/echo\?q=1$"):
            requests.get(f"{BASE}/echo?q=1", timeout=5)
    finally:
        refusing.stop()
    assert refusing.calls == 1


def test_the_short_way_logs_urllib3s_line(route: SimulatorRoute, caplog: pytest.LogCaptureFixture) -> None:
    lines = []
    for session in (requests.Session(), long_way()):
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger="urllib3.connectionpool"):
            session.get(f"{BASE}/echo?x=1", timeout=5)
        lines.append([r.getMessage() for r in caplog.records if '"GET' in r.getMessage()])
    assert lines[0] == lines[1] == ['https://shop.test:443 "GET /echo?x=1 HTTP/1.1" 201 None']


def test_the_simulator_through_the_short_way() -> None:
    sim = Simulator(clock="frozen")
    account = sim.account(level="advanced")
    with cjsim.intercept(sim):
        session = requests.Session()
        login = session.post(f"{CJ_BASE_URL}/authentication/getAccessToken", json={"apiKey": account.api_key},
                             timeout=5)
        assert login.status_code == 200 and login.json()["code"] == 200
        assert isinstance(login.elapsed, datetime.timedelta) and pools(session, CJ_BASE_URL) == 0
    assert [e["path"].rsplit("/", 1)[-1] for e in sim.journal()] == ["getAccessToken"]


def test_a_send_patched_before_the_first_block_still_sees_every_request() -> None:
    """``responses`` started first: it keeps seeing every request (as before the short way);
    what it lets through is answered at the connection level."""
    import responses

    mock = responses.RequestsMock(assert_all_requests_are_fired=False)
    mock.add_passthru(f"{BASE}/echo")
    mock.start()
    try:
        route = SimulatorRoute(lambda: shop, hosts=[HOST]).start()
        try:
            session = requests.Session()
            with pytest.raises(requests.exceptions.ConnectionError, match="Connection refused by Responses"):
                session.get(f"{BASE}/other", timeout=5)
            assert session.get(f"{BASE}/echo", timeout=5).status_code == 201
            assert route.calls == 1 and pools(session, BASE) == 1
        finally:
            route.stop()
    finally:
        mock.stop()
