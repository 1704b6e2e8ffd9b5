"""Handlers that pass a route's fields, snake_cased, to one method of the domain.

CJ's wire names are camelCase (``productSku``, ``lv2categoryList``); domain methods take
snake_case keyword arguments (``product_sku``, ``lv2category_list``) and no ``**kwargs``, so a
route field the domain does not take is a ``TypeError`` at the first call, and
``tests/api/test_route_fields.py`` finds it without a call by reading :attr:`CatalogueView.method`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cjsim.call import Call

_HUMP = re.compile(r"(?<=[a-z0-9])([A-Z])")


@cache
def snake(name: str) -> str:
    """``productSku`` -> ``product_sku``; ``lv2categoryList`` -> ``lv2category_list``."""
    return _HUMP.sub(lambda m: "_" + m.group(1).lower(), name)


@dataclass(frozen=True)
class CatalogueView:
    """A route handler: ``catalogue.<method>(**snake_cased params, reserved=live holds)``."""

    method: str
    live_stock: bool = True  # pass ``reserved``: the view reports stock
    guard: Callable[[Call], None] | None = None  # raises a CJError when the caller may not

    @property
    def spaces(self) -> tuple[str, ...]:
        """What the view reads whole (the request reads it with its opening)."""
        from cjsim.domain.orders import RESERVED

        return (RESERVED,) if self.live_stock else ()

    def __call__(self, call: Call) -> Any:
        if self.guard is not None:
            self.guard(call)
        domain = call.sim.domain
        kwargs = {snake(name): value for name, value in call.params.items()}
        if self.live_stock:
            kwargs["reserved"] = domain.reserved(call.read_all)
        return getattr(domain.catalogue_with(call.read), self.method)(**kwargs)


@dataclass(frozen=True)
class AccountView:
    """A route handler for account state: ``sim.domain.<attr>.<method>(openId, **snake params)``.

    ``owner`` is the class of ``sim.domain.<attr>``, so ``tests/api/test_route_fields.py`` can
    read the method's signature without a simulator.
    """

    attr: str
    owner: type
    method: str
    clock: bool = False  # also pass now_us (the method changes state on the clock)

    def __call__(self, call: Call) -> Any:
        kwargs = {snake(name): value for name, value in call.params.items()}
        if self.clock:
            kwargs["now_us"] = call.now_us
        return getattr(getattr(call.sim.domain, self.attr), self.method)(call.open_id, **kwargs)


@dataclass(frozen=True)
class DomainView:
    """A route handler: ``domain.<part>.<method>(open_id, now_us, **snake_cased params)``.

    The same contract as :class:`CatalogueView` for the account's own state (disputes,
    shops, subscriptions): keyword-only parameters, no ``**kwargs``, checked by
    ``tests/api/test_route_fields.py``."""

    part: str
    method: str

    def __call__(self, call: Call) -> Any:
        target = getattr(call.sim.domain, self.part)
        kwargs = {snake(name): value for name, value in call.params.items()}
        return getattr(target, self.method)(call.open_id, call.now_us, **kwargs)
