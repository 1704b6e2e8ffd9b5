"""The knobs of the simulated shop: order progress, payment, webhook delivery.

Why one frozen object: docs/rules.md ("Decisions") says every timing the real API leaves open is a setting, never
a constant in a handler. ``Simulator(domain_options={...})`` and the serve flags fill it;
the domain code reads it and nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from typing import Any

from cjsim.domain.logistics import DAY_S, DEFAULT_CNY_RATE, Step, make_steps


@dataclass(frozen=True)
class DomainOptions:
    # webhooks (docs/rules.md, "Webhooks")
    deliveries: bool = True  # False: messages are recorded as "skipped", never POSTed
    probe: bool = False  # webhook/set POSTs a signed test message to each new URL (1606001)
    timeout_s: float = 3.0  # a receiver must answer 200 within this
    retries: int = 3  # retries after the first attempt, same messageId
    retry_delay_s: float = 0.5  # real seconds between attempts (short, so tests stay fast)
    deliveries_kept: int = 10_000  # size of the delivery log (control API)
    # orders (docs/rules.md, "Order lifecycle")
    ship_delay_s: int = DAY_S  # payment -> leaves the warehouse (tracking status 1)
    track_step_s: int = DAY_S  # between two tracking statuses of the default run
    pay_expire_s: int = DAY_S  # saveGenerateParentOrder payExpireTime (informational)
    cny_rate: Decimal = DEFAULT_CNY_RATE  # freightCalculate logisticPriceCn
    pay_url: str = "https://pay.cjsim.local/order/"  # payType 1 cjPayUrl prefix
    # disputes (docs/interfaces.md, "Disputes"): creation -> CJ accepts it (refund credited)
    dispute_resolve_s: int = 3 * DAY_S
    # sourcing requests (product/sourcing/*): PENDING -> PROCESSING -> FOUND or FAILED
    sourcing_accept_s: int = 3_600
    sourcing_done_s: int = 2 * DAY_S
    # the background ticker (flowing clock): how often it looks for due transitions
    tick_interval_s: float = 0.2

    def __post_init__(self) -> None:
        for name in ("timeout_s", "retry_delay_s", "tick_interval_s"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be > 0")
        if self.sourcing_done_s < self.sourcing_accept_s:
            raise ValueError("sourcing_done_s must be >= sourcing_accept_s")
        for name in ("ship_delay_s", "track_step_s", "pay_expire_s", "retries",
                     "sourcing_accept_s", "dispute_resolve_s"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0")
        if self.deliveries_kept < 1:
            raise ValueError("deliveries_kept must be >= 1")

    @property
    def steps(self) -> tuple[Step, ...]:
        """The tracking run after payment (1 -> 4 -> ... -> 12), one ``track_step_s`` apart."""
        return make_steps(self.track_step_s)

    @classmethod
    def build(cls, given: DomainOptions | Mapping[str, Any] | None = None,
              **overrides: Any) -> DomainOptions:
        """From a mapping (unknown keys are an error naming them) plus keyword overrides."""
        base = given if isinstance(given, DomainOptions) else cls()
        values = dict(given) if isinstance(given, Mapping) else {}
        values.update({k: v for k, v in overrides.items() if v is not None})
        known = {f.name for f in fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"unknown domain option(s): {', '.join(sorted(unknown))} "
                             f"(known: {', '.join(sorted(known))})")
        if "cny_rate" in values:
            values["cny_rate"] = Decimal(str(values["cny_rate"]))
        return replace(base, **values)
