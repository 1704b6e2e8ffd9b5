"""A reset is "back to the start state": under the same seed it gives the accounts, keys
and ids the simulator gave at start, on every store, from the control API and from Python."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from cjsim.simulator import Simulator
from tests.conftest import Client


def _state(sim: Simulator) -> dict[str, Any]:
    """What a client meets after a start or a reset: the accounts, a login, a new account."""
    client = Client(sim)
    accounts = [a.public() for a in sim.accounts.all()]
    login = client.login(sim.seeded_keys[accounts[0]["openId"]])  # the store keeps digests only
    extra = sim.account().public()
    return {"accounts": accounts, "login": login, "extra": extra}


@pytest.mark.parametrize("how", ["control", "python"])
def test_a_reset_gives_the_seeded_start_state_again(make_sim: Callable[..., Simulator], how: str) -> None:
    sim = make_sim(seed=1, demo_account=True)
    at_start = _state(sim)
    for _ in range(2):
        if how == "control":
            answer = sim.app.test_client().post("/__cjsim/reset")
            assert answer.status_code == 200
        else:
            sim.reset()
        assert _state(sim) == at_start


def test_configured_accounts_come_back_with_their_ids_and_keys(make_sim: Callable[..., Simulator]) -> None:
    sim = make_sim(seed=1, accounts=[{"email": "one@cjsim.local"}, {"email": "two@cjsim.local", "level": 2}])
    before = [a.public() for a in sim.accounts.all()]
    sim.account("later@cjsim.local")
    sim.reset()
    assert [a.public() for a in sim.accounts.all()] == before


def test_log_ids_keep_counting_across_a_reset(make_sim: Callable[..., Simulator]) -> None:
    sim = make_sim(seed=1, demo_account=True)
    _state(sim)
    last = sim.journal()[-1]["id"]
    sim.reset()
    _state(sim)
    assert sim.journal()[0]["id"] > last
