"""What an integrator writes: the unchanged client, CJ's real base URL, and a verdict.
`pytest examples/test_cj_compliance.py`: the well-behaved client passes; the misbehaving one
fails on purpose, with the audit's explanation."""

from __future__ import annotations

from typing import Any

import pytest
from misbehaving import MisbehavingClient
from well_behaved import WellBehavedClient


@pytest.mark.cj(level="free", audit="fail", sleep="patch")
@pytest.mark.parametrize("client_class", [WellBehavedClient, MisbehavingClient])
def test_client_respects_cj_rules(cj_intercept: Any, cj_account: Any, client_class: Any) -> None:
    client = client_class(cj_account.api_key)
    for _ in range(10):
        client.get_balance()
