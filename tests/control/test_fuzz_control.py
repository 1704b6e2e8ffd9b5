"""Fuzzing every state-changing control route (Hypothesis, derandomised, bounded).

Whatever JSON is posted (nested, huge integers, NaN-like strings, odd unicode, raw bytes):
never a 500, and a refused call (4xx) changes nothing: clock, accounts, scenario state and
interfaces read the same before and after.
"""

from __future__ import annotations

import json
import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cjsim import Simulator

EXAMPLES = int(os.environ.get("CJSIM_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])

SIM = Simulator(seed=5, clock="frozen", start="2026-01-05T10:00:00+08:00",
                accounts=[{"email": "fuzz@example.com", "level": "plus"}])
HTTP = SIM.app.test_client()
OPEN_ID = SIM.accounts.all()[0].open_id

odd_text = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["NaN", "nan", "Infinity", "-Infinity", "-0", "1_000", "٣", "５", "²", "ß", "1e999999",
                     "+99999999999d", "5m", "-5m", "+1h30m", "9999-12-31T23:59:59+00:00",
                     "2026-01-05T10:00:00+08:00", "1969-01-01T00:00:00Z", "/etc/passwd", "../../etc/passwd",
                     "system-busy-burst", "product/list", "/api2.0/v1/product/list", "\u0000", "\ud7ff",
                     "a@b.c", "x" * 300]))
huge_int = st.one_of(st.integers(-2**70, 2**70), st.sampled_from([2**63, 2**64, -2**63 - 1, 10**30]))
leaf = st.one_of(st.none(), st.booleans(), huge_int, st.floats(), odd_text)
value = st.recursive(leaf, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(odd_text, inner, max_size=4)), max_leaves=20)
KEYS = ["advance", "set", "freeze", "backwards", "email", "apiKey", "level", "verified", "balance", "name",
        "quotaLimits", "path", "offline", "seed", "catalog_seed", "faults", "timeline", "accounts", "clock",
        "limits", "profile", "description"]
quota = st.fixed_dictionaries({"quotaUrl": odd_text, "quotaLimit": huge_int, "quotaType": huge_int})
shaped = st.dictionaries(st.sampled_from(KEYS), st.one_of(value, st.lists(quota, max_size=2)), max_size=5)
deep = st.integers(30, 3000).map(lambda n: '{"a": ' + "[" * n + "]" * n + "}")
body = st.one_of(shaped.map(json.dumps), value.map(json.dumps), deep, st.binary(max_size=60))
ROUTES = [("POST", "/__cjsim/clock"), ("POST", "/__cjsim/accounts"), ("PATCH", f"/__cjsim/accounts/{OPEN_ID}"),
          ("POST", "/__cjsim/scenario"), ("POST", "/__cjsim/interfaces/offline"),
          ("POST", "/__cjsim/orders/nope/cancel")]


def snapshot() -> list[Any]:
    return [HTTP.get(path).get_json() for path in
            ("/__cjsim/clock", "/__cjsim/accounts", "/__cjsim/scenario", "/__cjsim/interfaces")]


@FUZZ
@given(route=st.sampled_from(ROUTES), data=body, extra=st.sampled_from(["", "bad", "²", "1" * 30]))
def test_control_routes_refuse_bad_input_and_change_nothing(route: tuple[str, str], data: Any,
                                                            extra: str) -> None:
    method, path = route
    if extra and "accounts/" in path:
        path = f"/__cjsim/accounts/{extra}"
    before = snapshot()
    response = HTTP.open(path, method=method, data=data, content_type="application/json")
    assert response.status_code < 500, (path, data[:200], response.data[:300])
    assert response.headers["Content-Type"].startswith("application/json")
    if 400 <= response.status_code < 500:
        assert isinstance(response.get_json().get("error"), str)
        assert snapshot() == before, (path, data[:200])
