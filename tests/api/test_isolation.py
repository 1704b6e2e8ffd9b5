"""Account isolation: one account's token can never read or change another account's orders,
balance or webhooks."""

from __future__ import annotations

from tests.shop import Shop


def test_another_account_can_neither_read_nor_change_my_orders(shop: Shop, other: Shop) -> None:
    vid = shop.demo_vid()
    mine = shop.created(vid, payType=3)
    cart = shop.created(vid, payType=3)
    shop.ok("POST", "shopping/order/addCart", json={"cjOrderIdList": [cart]})
    shipment = shop.ok("POST", "shopping/order/addCartConfirm", json={"cjOrderIdList": [cart]})["shipmentsId"]
    pay_id = shop.ok("POST", "shopping/order/saveGenerateParentOrder", json={"shipmentOrderId": shipment})["payId"]
    balance = shop.balance()

    attempts = [
        other.get("shopping/order/getOrderDetail", orderId=mine),
        other.call("DELETE", "shopping/order/deleteOrder", query_string={"orderId": mine}),
        other.call("PATCH", "shopping/order/confirmOrder", json={"orderId": mine}),
        other.post("shopping/pay/payBalance", {"orderId": mine}),
        other.post("shopping/order/addCart", {"cjOrderIdList": [mine]}),
        other.post("shopping/order/saveGenerateParentOrder", {"shipmentOrderId": shipment}),
        other.post("shopping/pay/payBalanceV2", {"shipmentOrderId": shipment, "payId": pay_id}),
    ]
    assert [a["code"] for a in attempts] == [1603100] * len(attempts)
    assert other.ok("GET", "shopping/order/list")["total"] == 0
    assert other.ok("GET", "shopping/order/list", query_string={"shipmentOrderId": shipment})["total"] == 0
    assert shop.status(mine) == "CREATED"
    assert shop.balance() == balance  # nobody paid with my money


def test_balances_are_per_account(shop: Shop, other: Shop) -> None:
    shop.sim.accounts.update(shop.open_id, {"balance": "123.45"})
    shop.sim.accounts.update(other.open_id, {"balance": "7.00"})
    assert shop.balance() == 123.45
    assert other.balance() == 7.0


def test_webhook_settings_are_per_account(shop: Shop, other: Shop) -> None:
    assert other.enable("http://127.0.0.1:9/other", "order")["code"] == 200
    mine = shop.ok("GET", "setting/get")["callback"]["order"]
    assert mine == {"type": "CANCEL", "urls": []}
    assert other.ok("GET", "setting/get")["callback"]["order"] == {"type": "ENABLE",
                                                                   "urls": ["http://127.0.0.1:9/other"]}
