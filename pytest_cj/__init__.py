"""pytest_cj: pytest fixtures that put a simulated CJ in front of your unchanged client, and a
verdict on whether it respects CJ's rules. Installed with cjsim; pytest loads it through the
``cj`` entry point. See docs/plugin.md.
"""

from __future__ import annotations

from pytest_cj.clock import CJClock, SleepPatch
from pytest_cj.intercept import CJ_BASE_URL, CJ_HOST, CJIntercept
from pytest_cj.journal import CJAudit, CJAuditWarning, CJJournal
from pytest_cj.server import LiveServer

__all__ = ["CJ_BASE_URL", "CJ_HOST", "CJAudit", "CJAuditWarning", "CJClock", "CJIntercept",
           "CJJournal", "LiveServer", "SleepPatch"]
