"""cjsim: an offline simulator of the CJ Dropshipping API 2.0."""

from __future__ import annotations

from typing import Any

from cjsim.clock import Clock
from cjsim.errors import CJError
from cjsim.interception import CJRealHostError, Intercept, intercept
from cjsim.simulator import Simulator

__version__ = "0.1.0"


def create_app(**options: Any) -> Any:
    """A Flask app of a new simulator (``Simulator(**options).app``)."""
    return Simulator(**options).app


__all__ = ["CJError", "CJRealHostError", "Clock", "Intercept", "Simulator", "create_app", "intercept", "__version__"]
