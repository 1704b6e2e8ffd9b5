"""The order lifecycle below HTTP: ids, status on the clock, atomicity, cancel and refunds."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from cjsim import Simulator
from cjsim.domain import order_views as views
from cjsim.domain.orders import (
    _shift_stock,
    new_line_item_id,
    new_order_id,
    new_pay_id,
    new_shipment_id,
    reserved_snapshot,
)
from cjsim.errors import CJError
from tests.shop import DAY, order_body, running
from tests.test_fuzz import invariants

US = 1_000_000
T0 = 1_767_578_400 * US  # 2026-01-05T10:00:00+08:00


@pytest.fixture
def sim() -> Iterator[Simulator]:
    with running() as s:
        yield s


@pytest.fixture
def acct(sim: Simulator) -> Any:
    return sim.account("d@example.com", level="advanced", verified=True)


def _params(sim: Simulator, **overrides: Any) -> dict[str, Any]:
    vid = sim.catalogue.products[0].variants[0].vid
    body = order_body(vid, **overrides)
    return {k: v for k, v in body.items() if v is not None}


def _balance(sim: Simulator, acct: Any) -> Decimal:
    account = sim.accounts.get(acct.open_id)
    assert account is not None
    return account.balance


def test_id_formats_follow_cj_api_1_1() -> None:
    assert re.fullmatch(r"26010510000000000\d", new_order_id(T0, 7))
    assert new_order_id(T0, 7) != new_order_id(T0, 8)
    assert re.fullmatch(r"SD260105100000\d{8}", new_shipment_id(T0, 3))
    assert re.fullmatch(r"\d{19}", new_line_item_id(T0, 12345, 2))
    assert new_pay_id(T0, 1).startswith("PAY260105100000")


def test_order_ids_carry_the_china_date() -> None:
    late_utc = T0 + 15 * 3600 * US  # 2026-01-06 01:00 China, still Jan 5 in UTC
    assert new_order_id(late_utc, 1).startswith("260106")


def test_status_is_read_off_the_clock() -> None:
    doc = {"status": "UNSHIPPED", "shipAtUs": 100, "deliverAtUs": 200}
    assert [views.status_at(doc, t) for t in (99, 100, 199, 200)] == [
        "UNSHIPPED", "SHIPPED", "SHIPPED", "DELIVERED"]
    assert views.status_at({**doc, "status": "CANCELLED"}, 500) == "CANCELLED"


def test_utc_text() -> None:
    assert views.utc_text(T0) == "2026-01-05 02:00:00" and views.utc_text(None) is None


def test_create_reserves_and_a_failed_create_reserves_nothing(sim: Simulator, acct: Any) -> None:
    orders = sim.domain.orders
    doc = orders.create(acct.open_id, _params(sim), T0)
    held = reserved_snapshot(sim.store)
    assert held(doc["lines"][0]["vid"], "CN") == 2
    before = sim.store.items("stock_reserved")
    with pytest.raises(CJError) as err:
        orders.create(acct.open_id, _params(sim, logisticName="Nope"), T0)
    assert err.value.code == 1605000
    assert sim.store.items("stock_reserved") == before
    assert len(orders.all(acct.open_id)) == 1


def test_the_last_units_go_to_one_order_only(sim: Simulator, acct: Any) -> None:
    vid = sim.catalogue.products[0].variants[0].vid
    available = sim.catalogue.available(vid, "CN", reserved_snapshot(sim.store))
    orders = sim.domain.orders
    orders.create(acct.open_id, _params(sim, products=[{"vid": vid, "quantity": available - 1}]), T0)
    with pytest.raises(CJError) as err:
        orders.create(acct.open_id, _params(sim, products=[{"vid": vid, "quantity": 2}]), T0)
    assert err.value.code == 1603000
    orders.create(acct.open_id, _params(sim, products=[{"vid": vid, "quantity": 1}]), T0)
    assert sim.catalogue.available(vid, "CN", reserved_snapshot(sim.store)) == 0


def test_lines_of_one_variant_add_up_for_the_stock_check(sim: Simulator, acct: Any) -> None:
    vid = sim.catalogue.products[0].variants[0].vid
    available = sim.catalogue.available(vid, "CN")
    half = available // 2 + 1
    with pytest.raises(CJError) as err:
        sim.domain.orders.create(acct.open_id, _params(sim, products=[
            {"vid": vid, "quantity": half}, {"vid": vid, "quantity": half}]), T0)
    assert err.value.code == 1603000


def test_tracking_numbers_are_reproducible_under_a_seed() -> None:
    def numbers() -> list[str]:
        with running(seed=9) as s:
            acct = s.account("n@example.com", level="advanced")
            out = []
            for i in range(3):
                doc = s.domain.orders.create(acct.open_id, _params(s, payType=2, orderNumber=f"n{i}"), T0)
                out.append(doc["trackNumber"])
            return out

    first = numbers()
    assert first == numbers() and len(set(first)) == 3
    assert all(re.fullmatch(r"CJPKL\d{10}[A-Z]{2}", n) for n in first)


def test_pay_type_2_fixes_the_timeline(sim: Simulator, acct: Any) -> None:
    doc = sim.domain.orders.create(acct.open_id, _params(sim, payType=2), T0)
    assert doc["status"] == "UNSHIPPED" and doc["paidUs"] == T0
    assert doc["shipAtUs"] == T0 + DAY * US
    assert doc["deliverAtUs"] == doc["shipAtUs"] + 8 * DAY * US  # 9 steps, one day apart
    assert _balance(sim, acct) == Decimal("1000.00") - Decimal(doc["orderAmount"])


def test_cancel_before_shipping_refunds_and_releases(sim: Simulator, acct: Any) -> None:
    orders = sim.domain.orders
    doc = orders.create(acct.open_id, _params(sim, payType=2), T0)
    cancelled = orders.cancel(acct.open_id, doc["orderId"], T0 + 10)
    assert cancelled["status"] == "CANCELLED"
    assert _balance(sim, acct) == Decimal("1000.00")
    assert sim.store.items("stock_reserved") == []
    assert sim.store.items("progress") == [] and sim.store.items("tracking") == []
    assert sim.tick(T0 + 30 * DAY * US) == 0


def test_cancel_after_shipping_is_refused(sim: Simulator, acct: Any) -> None:
    orders = sim.domain.orders
    doc = orders.create(acct.open_id, _params(sim, payType=2), T0)
    with pytest.raises(ValueError, match="SHIPPED"):
        orders.cancel(acct.open_id, doc["orderId"], doc["shipAtUs"])
    with pytest.raises(CJError):
        orders.cancel(acct.open_id, "404", T0)


def test_orders_of_one_account_are_invisible_to_another(sim: Simulator, acct: Any) -> None:
    other = sim.account("o@example.com")
    doc = sim.domain.orders.create(acct.open_id, _params(sim), T0)
    with pytest.raises(CJError) as err:
        sim.domain.orders.get(other.open_id, doc["orderId"])
    assert err.value.code == 1603100
    assert sim.domain.orders.find(acct.open_id, doc["orderNumber"])["orderId"] == doc["orderId"]


def test_a_double_release_shows_in_the_reserved_stock(sim: Simulator, acct: Any) -> None:
    # the fuzz invariant "reserved stock >= 0" must be able to fail: a release with no matching
    # reservation is recorded as it is, not clamped to zero
    doc = sim.domain.orders.create(acct.open_id, _params(sim), T0)
    invariants(sim)
    with sim.store.transaction() as tx:
        _shift_stock(tx, doc, -1)
        _shift_stock(tx, doc, -1)
    assert reserved_snapshot(sim.store)(doc["lines"][0]["vid"], "CN") == -2
    with pytest.raises(AssertionError):
        invariants(sim)
