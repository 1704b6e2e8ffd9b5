"""cjsim: an offline simulator of the CJ Dropshipping API 2.0."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cjsim.clock import Clock
from cjsim.errors import CJError
from cjsim.simulator import Simulator

if TYPE_CHECKING:
    from cjsim.interception import CJRealHostError, Intercept, intercept

__version__ = "0.1.0"


def create_app(**options: Any) -> Any:
    """A Flask app of a new simulator (``Simulator(**options).app``)."""
    return Simulator(**options).app


__all__ = ["CJError", "CJRealHostError", "Clock", "Intercept", "Simulator", "create_app", "intercept", "__version__"]


_INTERCEPTION = frozenset({"CJRealHostError", "Intercept", "intercept"})


def __getattr__(name: str) -> Any:
    """The in-process interception (``cjsim.interception``) is imported on first use: a
    simulator served over HTTP, or built by a test that calls its app, never needs it."""
    if name not in _INTERCEPTION:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from cjsim import interception

    value = getattr(interception, name)
    globals()[name] = value
    return value
