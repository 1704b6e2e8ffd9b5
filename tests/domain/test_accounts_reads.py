"""A request reads its account afresh: an Account built once per stored document, never a stale one."""

from __future__ import annotations

from cjsim import Simulator


def test_a_changed_account_is_read_as_changed_and_an_unchanged_one_is_shared() -> None:
    sim = Simulator(clock="frozen")
    account = sim.account(level="free", balance="10.00")
    first = sim.accounts.get(account.open_id)
    assert first is not None and first.level == 0
    assert sim.accounts.get(account.open_id) is first  # the same document: the same Account
    sim.accounts.update(account.open_id, {"level": 3, "balance": "12.50"})
    changed = sim.accounts.get(account.open_id)
    assert changed is not None and (changed.level, str(changed.balance)) == (3, "12.50")
    other = sim.account(level="plus")
    assert sim.accounts.get(other.open_id) == sim.accounts.get(str(other.open_id)) != changed


def test_the_token_is_read_from_the_environ_or_any_headers() -> None:
    from werkzeug.datastructures import EnvironHeaders, Headers

    from cjsim.call import presented_token

    assert presented_token(EnvironHeaders({"HTTP_CJ_ACCESS_TOKEN": " t1 "})) == "t1"
    assert presented_token(EnvironHeaders({})) == ""
    assert presented_token(Headers([("cj-access-token", "t2")])) == "t2"
    assert presented_token(None) == ""
