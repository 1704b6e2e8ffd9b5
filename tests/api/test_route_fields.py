"""Every field a product route declares is consumed by the catalogue method it calls.

The route table (``cjsim/api/*``) says what a client may send; the catalogue's view methods
say what the simulator uses. A field in the first and not in the second would be accepted and
silently ignored, a filter that filters nothing. Views take snake_case keyword arguments and no
``**kwargs``, so the check reads signatures: each declared field, snake_cased, must be a
parameter of the method its handler names. Behaviour (that the parameter changes the answer)
is tested per filter in ``tests/domain/test_catalogue_search.py``.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable

import pytest

from cjsim.api.bind import AccountView, CatalogueView, DomainView, snake
from cjsim.domain.catalogue import Catalogue
from cjsim.domain.disputes import Disputes
from cjsim.domain.shops import Shops
from cjsim.domain.subscriptions import Subscriptions
from cjsim.params import Field
from cjsim.routes import Route, default_table, route

CATALOGUE_FAMILIES = {"products", "storage", "my-products"}


def _catalogue_routes() -> list[Route]:
    return [r for r in default_table() if r.family in CATALOGUE_FAMILIES]


def unconsumed(routes: Iterable[Route], domain: type = Catalogue) -> list[str]:
    """What is wrong, one line per route field the domain method does not take."""
    problems: list[str] = []
    for r in routes:
        handler = r.handler
        if isinstance(handler, AccountView):
            problems += _account_view_problems(r, handler)
            continue
        if not isinstance(handler, CatalogueView):
            problems.append(f"{r.path}: handler is not a CatalogueView, its fields cannot be checked")
            continue
        method = getattr(domain, handler.method, None)
        if method is None:
            problems.append(f"{r.path}: {domain.__name__} has no method {handler.method}")
            continue
        params = inspect.signature(method).parameters
        if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
            problems.append(f"{r.path}: {handler.method} swallows unknown keywords (**kwargs)")
        wanted = [snake(f.name) for f in r.params]
        if handler.live_stock:
            wanted.append("reserved")
        problems += [f"{r.path}: {handler.method} has no parameter {name}"
                     for name in wanted if name not in params]
    return problems


def _account_view_problems(r: Route, handler: AccountView) -> list[str]:
    method = getattr(handler.owner, handler.method, None)
    if method is None:
        return [f"{r.path}: {handler.owner.__name__} has no method {handler.method}"]
    params = inspect.signature(method).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return [f"{r.path}: {handler.method} swallows unknown keywords (**kwargs)"]
    wanted = [snake(f.name) for f in r.params] + (["now_us"] if handler.clock else [])
    return [f"{r.path}: {handler.method} has no parameter {name}"
            for name in wanted if name not in params]


def test_the_product_family_is_in_the_table() -> None:
    paths = {r.path.rsplit("/v1/", 1)[1] for r in _catalogue_routes()}
    assert {"product/list", "product/listV2", "product/query", "product/stock/queryBySku"} <= paths


def test_every_declared_field_of_a_catalogue_route_is_a_parameter_of_its_view() -> None:
    assert unconsumed(_catalogue_routes()) == []


def test_a_declared_field_the_view_does_not_take_is_reported() -> None:
    """The check can fail: a route declaring a field product_list has no parameter for."""
    row = route("product/list", "GET", CatalogueView("product_list"),
                Field("pageNum", "int"), Field("productColour", "str"), family="products")
    assert unconsumed([row]) == [
        "/api2.0/v1/product/list: product_list has no parameter product_colour"]


def test_a_view_swallowing_keywords_is_reported() -> None:
    class Sloppy(Catalogue):
        def product_list(self, **_ignored: object) -> dict[str, object]:
            return {}

    row = route("product/list", "GET", CatalogueView("product_list"), Field("pageNum", "int"),
                family="products")
    problems = unconsumed([row], Sloppy)
    assert "/api2.0/v1/product/list: product_list swallows unknown keywords (**kwargs)" in problems
    assert "/api2.0/v1/product/list: product_list has no parameter page_num" in problems


def test_an_unbound_handler_is_reported() -> None:
    row = route("product/list", "GET", lambda call: {}, family="products")
    assert unconsumed([row]) == [
        "/api2.0/v1/product/list: handler is not a CatalogueView, its fields cannot be checked"]


@pytest.mark.parametrize(("wire", "python"), [
    ("productSku", "product_sku"), ("lv2categoryList", "lv2category_list"), ("pid", "pid"),
    ("startWarehouseInventory", "start_warehouse_inventory"), ("keyWord", "key_word"),
])
def test_snake_converts_cj_field_names(wire: str, python: str) -> None:
    assert snake(wire) == python


def account_view_problems(routes: Iterable[Route], parts: dict[str, type]) -> list[str]:
    """Like :func:`unconsumed`, for the account-state families (``DomainView`` handlers)."""
    problems: list[str] = []
    for r in routes:
        handler = r.handler
        if not isinstance(handler, DomainView):
            continue
        method = getattr(parts[handler.part], handler.method, None)
        if method is None:
            problems.append(f"{r.path}: {handler.part} has no method {handler.method}")
            continue
        params = inspect.signature(method).parameters
        if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
            problems.append(f"{r.path}: {handler.method} swallows unknown keywords (**kwargs)")
        problems += [f"{r.path}: {handler.method} has no parameter {snake(f.name)}"
                     for f in r.params if snake(f.name) not in params]
    return problems


ACCOUNT_PARTS: dict[str, type] = {"disputes": Disputes, "shops": Shops, "subscriptions": Subscriptions}


def test_every_declared_field_of_an_account_route_is_a_parameter_of_its_method() -> None:
    routes = [r for r in default_table() if isinstance(r.handler, DomainView)]
    assert {r.handler.part for r in routes} == set(ACCOUNT_PARTS)  # type: ignore[attr-defined]
    assert account_view_problems(routes, ACCOUNT_PARTS) == []


def test_an_account_route_field_the_method_does_not_take_is_reported() -> None:
    row = route("disputes/cancel", "POST", DomainView("disputes", "cancel"),
                Field("disputeId", "str"), Field("note", "str"), family="disputes")
    assert account_view_problems([row], ACCOUNT_PARTS) == [
        "/api2.0/v1/disputes/cancel: cancel has no parameter note"]
