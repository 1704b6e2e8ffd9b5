"""The hook where scenario faults act on a request. Without a scenario it does nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cjsim.call import Call


class NoFaults:
    """The null object: no scenario is active."""

    def before(self, call: Call) -> None:
        return None

    def after(self, call: Call, data: Any) -> Any:
        return data

    def describe(self) -> list[dict[str, Any]]:
        return []
