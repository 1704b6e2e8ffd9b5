"""The hooks where scenario faults act on a request. Without a scenario they do nothing.

``sim.faults`` is this null object until a scenario is active, then the fault engine
(``cjsim.scenario.engine.ScenarioFaults``). The pipeline calls, in order:

* ``before(call)``: after the path and online checks, before any limit (gateway faults);
* ``admitted(call)``: after the limits counted the call, before its parameters (CJ errors);
* ``after(call, data)``: after the handler (false negatives, cut bodies).

``tick()`` lets the control API apply timeline steps when it moves the clock; ``on_seed()``
writes the scenario's state into a fresh or reset store; ``clear()`` drops every fault.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

# The document a worker bumps when it loads a scenario, so the others take it up
# (cjsim/scenario/engine.py writes it; the simulator looks at it twice a second).
SCENARIO_VERSION = ("scenario", "version")

if TYPE_CHECKING:
    from cjsim.call import Call


class Faults(Protocol):
    def before(self, call: Call) -> None: ...
    def admitted(self, call: Call) -> None: ...
    def after(self, call: Call, data: Any) -> Any: ...
    def tick(self, now_us: int | None = None) -> list[Any]: ...
    def on_seed(self) -> None: ...
    def describe(self) -> dict[str, Any]: ...
    def clear(self) -> None: ...


class NoFaults:
    """The null object: no scenario is active."""

    def before(self, call: Call) -> None:
        return None

    def admitted(self, call: Call) -> None:
        return None

    def after(self, call: Call, data: Any) -> Any:
        return data

    def tick(self, now_us: int | None = None) -> list[Any]:
        return []

    def on_seed(self) -> None:
        return None

    def describe(self) -> dict[str, Any]:
        return {"active": [], "faults": [], "timeline": []}

    def clear(self) -> None:
        return None
