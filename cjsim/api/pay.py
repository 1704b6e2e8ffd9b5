"""shopping/pay: getBalance, payBalance, payBalanceV2 (cj-api §7)."""

from __future__ import annotations

from typing import Any

from cjsim.call import Call
from cjsim.money import ZERO
from cjsim.routes import Route, route


def get_balance(call: Call) -> dict[str, Any]:
    account = call.sim.accounts.get(call.open_id)
    assert account is not None
    return {"amount": account.balance, "noWithdrawalAmount": ZERO, "freezeAmount": ZERO}


ROWS: list[Route] = [
    route("shopping/pay/getBalance", "GET", get_balance, family="pay",
          summary="The account balance in USD."),
]
