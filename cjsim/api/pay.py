"""shopping/pay: getBalance, payBalance, payBalanceV2 (docs/endpoints.md, "pay")."""

from __future__ import annotations

from typing import Any

from cjsim.call import Call
from cjsim.money import ZERO
from cjsim.params import Field
from cjsim.routes import Route, route
from cjsim.shapes import NUM, STR, obj

BALANCE = obj({"amount": NUM, "noWithdrawalAmount": NUM, "freezeAmount": NUM})


def get_balance(call: Call) -> dict[str, Any]:
    account = call.sim.accounts.get(call.open_id)
    assert account is not None
    return {"amount": account.balance, "noWithdrawalAmount": ZERO, "freezeAmount": ZERO}


def pay_balance(call: Call) -> str:
    """One UNPAID order: 1603100 unknown, 1603101 not payable, 1604000 balance too low."""
    return call.sim.domain.orders.pay(call.open_id, call.params["orderId"], call.now_us)


def pay_balance_v2(call: Call) -> str:
    """Every UNPAID order of a shipment, all or none; needs saveGenerateParentOrder's payId."""
    p = call.params
    return call.sim.domain.orders.pay_shipment(call.open_id, p["shipmentOrderId"], p["payId"],
                                               call.now_us)


ROWS: list[Route] = [
    route("shopping/pay/getBalance", "GET", get_balance, data=BALANCE, family="pay",
          summary="The account balance in USD."),
    route("shopping/pay/payBalance", "POST", pay_balance, Field("orderId", "str", required=True),
          data=STR, errors=(1603100, 1603101, 1604000),
          family="pay", summary="Pay one UNPAID order from the balance."),
    route("shopping/pay/payBalanceV2", "POST", pay_balance_v2,
          Field("shipmentOrderId", "str", required=True), Field("payId", "str", required=True),
          data=STR, errors=(1603100, 1603101, 1604000),
          family="pay", summary="Pay every UNPAID order of a shipment (payId from saveGenerateParentOrder)."),
]
