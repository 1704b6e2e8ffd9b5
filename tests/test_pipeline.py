"""The envelope and the request checks, in CJ's order (docs/rules.md, "Envelope" and "Order of checks")."""

from __future__ import annotations

import http.client
import json
import re
import socket
from typing import Any

import pytest
import requests

from cjsim.errors import SEED_CATALOGUE, CJError

ENVELOPE_KEYS = ["code", "result", "message", "data", "requestId", "success"]


def envelope(response: Any) -> dict[str, Any]:
    assert response.headers["Content-Type"].startswith("application/json")
    body = json.loads(response.data)
    assert list(body) == ENVELOPE_KEYS
    assert body["code"] in SEED_CATALOGUE
    assert re.fullmatch(r"[0-9a-f]{32}", body["requestId"])
    return body  # type: ignore[no-any-return]


def test_success_envelope_shape(logged_in) -> None:  # type: ignore[no-untyped-def]
    body = envelope(logged_in.get("setting/get"))
    assert body["code"] == 200 and body["result"] is True and body["success"] is True
    assert body["message"] == "Success"


def test_request_ids_are_unique(logged_in, sim) -> None:  # type: ignore[no-untyped-def]
    ids = set()
    for _ in range(5):
        ids.add(envelope(logged_in.get("setting/get"))["requestId"])
        sim.clock.advance(1)
    assert len(ids) == 5


@pytest.mark.parametrize("path", ["/api2.0/v1/nope", "/api2.0/v1/product/unknownThing",
                                  "/api2.0", "/api2.0/", "/api2.0/v2/setting/get",
                                  "/api2.0//v1/setting/get", "/api2.0/v1/setting/get/",
                                  "/api2.0/v1/%FF%FE", "/api2.0/v1/setting%00get"])
def test_unknown_path_is_1600101_json(client, path: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get(path)
    body = envelope(response)
    assert body["code"] == 1600101
    assert body["message"] == "Interface not found"
    assert body["success"] is False and body["result"] is False and body["data"] is None


def test_offline_interface_is_1600100(logged_in) -> None:  # type: ignore[no-untyped-def]
    http = logged_in.http
    answer = http.post("/__cjsim/interfaces/offline",
                       json={"path": "/api2.0/v1/setting/get", "offline": True})
    assert answer.status_code == 200
    assert envelope(logged_in.get("setting/get"))["code"] == 1600100
    http.post("/__cjsim/interfaces/offline", json={"path": "setting/get", "offline": False})
    assert envelope(logged_in.get("setting/get"))["code"] == 200


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "FOO"])
def test_wrong_method_on_known_path_is_1600300(logged_in, method: str) -> None:  # type: ignore[no-untyped-def]
    response = logged_in.call(method, "setting/get")
    body = envelope(response)
    assert (body["code"], body["message"]) == (1600300, "Illegal parameter")  # the exact text
    assert "not supported" in response.headers["X-CJSim-Detail"]  # the detail, beside it


def test_get_on_post_interface_is_1600300(client) -> None:  # type: ignore[no-untyped-def]
    body = envelope(client.get("authentication/getAccessToken?apiKey=x"))
    assert body["code"] == 1600300


def test_bad_json_says_wrong_json_format(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post("authentication/getAccessToken", data=b'{"apiKey": ',
                           content_type="application/json")
    body = envelope(response)
    assert body["code"] == 1600300
    assert body["message"] == "Warning: wrong json format."


def test_params_in_query_instead_of_json_body_is_1600300(client, account) -> None:  # type: ignore[no-untyped-def]
    response = client.post(f"authentication/getAccessToken?apiKey={account.api_key}")
    assert envelope(response)["code"] == 1600300
    assert "JSON body" in response.headers["X-CJSim-Detail"]


def test_form_data_instead_of_json_is_1600300(client, account) -> None:  # type: ignore[no-untyped-def]
    response = client.post("authentication/getAccessToken", data={"apiKey": account.api_key})
    assert envelope(response)["code"] == 1600300
    assert "form-data" in response.headers["X-CJSim-Detail"]


@pytest.mark.parametrize("payload", [b"[1,2]", b'"text"', b"42", b"null"])
def test_json_body_that_is_not_an_object_is_1600300(client, payload: bytes) -> None:  # type: ignore[no-untyped-def]
    response = client.post("authentication/getAccessToken", data=payload,
                           content_type="application/json")
    assert envelope(response)["code"] == 1600300


def test_body_over_the_size_limit_is_1600300_not_413(client, sim) -> None:  # type: ignore[no-untyped-def]
    big = b'{"apiKey": "' + b"x" * (sim.max_body_bytes + 10) + b'"}'
    response = client.post("authentication/getAccessToken", data=big,
                           content_type="application/json")
    body = envelope(response)
    assert body["code"] == 1600300 and "larger than" in response.headers["X-CJSim-Detail"]


def test_ill_typed_param_is_1600300_naming_the_field(client, account, sim) -> None:  # type: ignore[no-untyped-def]
    body = envelope(client.post("authentication/refreshAccessToken", json={"refreshToken": 5.5}))
    assert body["code"] == 1600300
    response = client.post("authentication/refreshAccessToken", json={"refreshToken": ""})
    assert envelope(response)["code"] == 1600300
    assert "refreshToken" in response.headers["X-CJSim-Detail"]


def test_handler_exception_is_1600000_http_500_and_logged(client, sim, caplog) -> None:  # type: ignore[no-untyped-def]
    def boom(call: Any) -> Any:
        raise RuntimeError("a bug")

    route = sim.routes.get("/api2.0/v1/setting/get")
    sim.routes.routes[route.path] = route.__class__(**{**route.__dict__, "handler": boom})
    account = sim.account("bug@example.com")
    client.login(account.api_key)
    with caplog.at_level("ERROR", logger="cjsim"):
        response = client.get("setting/get")
    body = envelope(response)
    assert response.status_code == 500
    assert body["code"] == 1600000 and body["message"] == "System busy"
    assert "Traceback" not in response.get_data(as_text=True)
    assert any("a bug" in (r.exc_text or "") for r in caplog.records)


def test_business_errors_are_http_200(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post("authentication/getAccessToken", json={"apiKey": "CJ1@api@" + "0" * 32})
    assert response.status_code == 200
    assert envelope(response)["code"] == 1600001


def test_control_calls_are_not_journaled(logged_in, sim) -> None:  # type: ignore[no-untyped-def]
    before = len(sim.journal())
    for _ in range(20):
        logged_in.http.get("/__cjsim/health")
        logged_in.http.get("/__cjsim/clock")
    assert len(sim.journal()) == before
    assert sim.violations() == []


def test_cj_error_requires_a_catalogue_code() -> None:
    with pytest.raises(ValueError):
        CJError(404)


# -- over a real socket: nothing can produce HTML or a crash --------------------------------

RAW_REQUESTS = [
    b"GET /api2.0/v1/setting/get HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET //api2.0//v1//setting//get HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /api2.0/v1/../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
    b"BREW /api2.0/v1/setting/get HTTP/1.1\r\nHost: x\r\n\r\n",
    b"OPTIONS /api2.0/v1/product/query HTTP/1.1\r\nHost: x\r\n\r\n",
    b"POST /api2.0/v1/authentication/getAccessToken HTTP/1.1\r\nHost: x\r\n"
    b"Content-Type: application/json\r\nContent-Length: 3\r\n\r\n\xff\xfe\x00",
    b"POST /api2.0/v1/authentication/getAccessToken HTTP/1.1\r\nHost: x\r\n"
    b"Content-Length: abc\r\n\r\n",
    b"GET /api2.0/v1/setting/get?%zz=%%&a=\xff HTTP/1.1\r\nHost: x\r\nCJ-Access-Token: \xff\xfe\r\n\r\n",
    b"GET /api2.0/v1/setting/get HTTP/1.1\r\nHost: x\r\nCJ-Access-Token:    \r\n\r\n",
]


def raw_exchange(port: int, request: bytes) -> tuple[int, dict[str, str], bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(request)
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status, dict(response.getheaders()), response.read()


@pytest.mark.parametrize("raw", RAW_REQUESTS, ids=range(len(RAW_REQUESTS)))
def test_odd_requests_over_http_get_json_envelopes(live, raw: bytes) -> None:  # type: ignore[no-untyped-def]
    status, headers, body = raw_exchange(live.port, raw)
    assert status != 500 or json.loads(body)["code"] == 1600000
    assert headers["Content-Type"].startswith("application/json"), body[:200]
    decoded = json.loads(body)
    assert decoded["code"] in SEED_CATALOGUE and decoded["success"] is False


def test_server_still_answers_after_odd_requests(live) -> None:  # type: ignore[no-untyped-def]
    for raw in RAW_REQUESTS:
        raw_exchange(live.port, raw)
    response = requests.get(live.url("/__cjsim/health"), timeout=5)
    assert response.json() == {"status": "ok"}


def test_a_query_strings_arguments_are_shared_read_only() -> None:
    """Requests that send the same query string are given the same arguments, which no
    handler can change for the next one."""
    from cjsim.pipeline import _query_args

    args = _query_args("pid=1&pid=2&x=")
    assert args is _query_args("pid=1&pid=2&x=")
    assert args.getlist("pid") == ["1", "2"] and args["x"] == ""
    with pytest.raises(TypeError):
        args["pid"] = "3"
    with pytest.raises(TypeError):
        args.setlist("pid", ["3"])
    assert _query_args("pid=1&pid=2&x=").getlist("pid") == ["1", "2"]
    assert not _query_args("")
