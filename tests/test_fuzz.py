"""Fuzzing the CJ API and the control API with Hypothesis.

Whatever the method, path, query string, headers or body: under /api2.0/ the answer is a
JSON envelope with a catalogue code, HTTP 500 only with 1600000, never a traceback; the
control API answers JSON, 400 with a reason for bad input; and the state invariants hold.
CI runs it derandomised (a fixed seed) with a bounded number of examples per endpoint.
"""

from __future__ import annotations

import json
import os
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cjsim import Simulator
from cjsim.errors import SEED_CATALOGUE

EXAMPLES = int(os.environ.get("CJSIM_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, derandomize=True, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

SIM = Simulator(seed=11, clock="frozen", start="2026-01-05T10:00:00+08:00", trust_ip_header=True)
ACCOUNT = SIM.account("fuzz@example.com", level="advanced", verified=True, balance=50)
TOKEN = SIM.app.test_client().post("/api2.0/v1/authentication/getAccessToken",
                                   json={"apiKey": ACCOUNT.api_key}).get_json()["data"]["accessToken"]
PATHS = [route.path for route in SIM.routes]
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "TRACE", "FOO"]

json_leaf = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70),
                      st.floats(allow_nan=False), st.text(max_size=30))
json_value = st.recursive(json_leaf, lambda inner: st.one_of(
    st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=12), inner, max_size=6)), max_leaves=25)
field_names = st.sampled_from(["pid", "vid", "sku", "orderId", "orderNumber", "products", "quantity",
                               "pageNum", "pageSize", "page", "size", "keyWord", "features", "apiKey",
                               "email", "password", "refreshToken", "shipmentOrderId", "payId",
                               "cjOrderIdList", "trackNumber", "startCountryCode", "endCountryCode",
                               "logisticName", "fromCountryCode", "shippingCountryCode", "payType",
                               "order", "product", "stock", "logistics", "callbackUrls", "type"])
bodies = st.one_of(
    st.binary(max_size=200),
    json_value.map(lambda v: json.dumps(v).encode()),
    st.dictionaries(field_names, json_value, max_size=8).map(lambda v: json.dumps(v).encode()),
    st.just(b"[" * 5000 + b"]" * 5000),  # deep JSON
    st.just(b'{"a": "' + "\u00e9\ud800".encode("utf-8", "surrogatepass") + b'"}'),
)
queries = st.lists(st.tuples(field_names | st.text(max_size=8), st.text(max_size=20)), max_size=6)
# header values can hold neither control characters nor surrogates (the client refuses them)
header_text = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=40)
tokens = st.one_of(st.none(), st.just(""), st.just(TOKEN), header_text)


def check_envelope(response: Any) -> dict[str, Any]:
    assert response.headers["Content-Type"].startswith("application/json"), response.data[:200]
    body = json.loads(response.data)
    assert list(body) == ["code", "result", "message", "data", "requestId", "success"]
    assert body["code"] in SEED_CATALOGUE
    assert response.status_code != 500 or body["code"] == 1600000
    assert b"Traceback" not in response.data
    return body  # type: ignore[no-any-return]


def invariants(sim: Simulator) -> None:
    for account in sim.accounts.all():
        assert account.balance >= Decimal("0")
    for namespace in ("stock_reserved",):
        for _, doc in sim.store.items(namespace):
            for value in doc.values():
                if isinstance(value, int):
                    assert value >= 0
    for account in sim.accounts.all():
        for key, order in sim.store.items(f"orders:{account.open_id}"):
            assert key and order.get("orderId"), order


@pytest.mark.parametrize("path", PATHS + ["/api2.0/v1/unknown/thing", "/api2.0/", "/api2.0/v1/"])
@FUZZ
@given(method=st.sampled_from(METHODS), query=queries, body=bodies, token=tokens,
       ctype=st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded", ""]))
def test_any_request_gets_a_json_envelope(path: str, method: str, query: list[tuple[str, str]],
                                          body: bytes, token: str | None, ctype: str) -> None:
    headers = {} if token is None else {"CJ-Access-Token": token}
    headers["X-CJSim-Client-IP"] = f"10.{len(body) % 250}.{len(query)}.{len(path) % 250}"
    SIM.clock.advance(0.3)
    response = SIM.app.test_client().open(path, method=method, query_string=query, data=body,
                                          headers=headers, content_type=ctype or None)
    if method != "HEAD":
        check_envelope(response)
    invariants(SIM)


@FUZZ
@given(path=st.sampled_from(["/__cjsim/clock", "/__cjsim/accounts", "/__cjsim/interfaces/offline",
                             "/__cjsim/journal", "/__cjsim/violations", f"/__cjsim/accounts/{ACCOUNT.open_id}"]),
       method=st.sampled_from(["GET", "POST", "PATCH", "DELETE", "PUT"]), body=bodies, query=queries)
def test_control_api_answers_json_and_400_for_bad_input(path: str, method: str, body: bytes,
                                                        query: list[tuple[str, str]]) -> None:
    response = SIM.app.test_client().open(path, method=method, data=body, query_string=query,
                                          content_type="application/json")
    assert response.headers["Content-Type"].startswith("application/json")
    payload = json.loads(response.data)
    assert response.status_code < 500, payload
    if response.status_code == 400:
        assert isinstance(payload.get("error"), str) and payload["error"]
    invariants(SIM)
