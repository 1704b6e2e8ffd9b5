"""``cj_journal`` and ``cj_audit``: what the simulator saw during this test, and the verdict.

Both read the simulator live (no snapshot), from the journal id the test started at, so a
test can assert in the middle and again at the end.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cjsim.audit import Finding, audit, render
from cjsim.domain.accounts import normalize_path
from cjsim.simulator import Simulator


def _plural(n: int) -> str:
    return f"{n} time{'s' if n != 1 else ''}"


class CJJournal:
    """The CJ requests of this test, oldest first (control-API calls are not CJ requests)."""

    def __init__(self, sim: Simulator, since_id: int | None = None) -> None:
        self.sim = sim
        self.since_id = since_id

    @property
    def entries(self) -> list[dict[str, Any]]:
        return self.sim.journal(since_id=self.since_id)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def last(self) -> dict[str, Any] | None:
        entries = self.entries
        return entries[-1] if entries else None

    def select(self, path: str | None = None, code: int | None = None,
               method: str | None = None) -> list[dict[str, Any]]:
        """Entries matching every filter given. ``path`` may be ``setting/get``,
        ``/setting/get`` or the full ``/api2.0/v1/setting/get``."""
        full = normalize_path(path) if path is not None else None
        return [e for e in self.entries
                if (full is None or e["path"] == full) and (code is None or e["code"] == code)
                and (method is None or e["method"] == method.upper())]

    def count(self, path: str | None = None, code: int | None = None, method: str | None = None) -> int:
        return len(self.select(path, code, method))

    def codes(self, path: str | None = None) -> list[int | None]:
        return [e["code"] for e in self.select(path)]

    def assert_called(self, path: str, times: int | None = None, code: int | None = None) -> None:
        """At least once, or exactly ``times`` times (optionally only answers with ``code``)."""
        __tracebackhide__ = True
        found = self.select(path, code)
        what = f"{path}" + (f" answered {code}" if code is not None else "")
        if times is None and not found:
            raise AssertionError(f"expected {what} to be called, it was not.\n{self._seen()}")
        if times is not None and len(found) != times:
            raise AssertionError(f"expected {what} to be called {_plural(times)}, it was called"
                                 f" {_plural(len(found))}.\n{self._seen()}")

    def assert_not_called(self, path: str) -> None:
        __tracebackhide__ = True
        found = self.select(path)
        if found:
            raise AssertionError(f"expected {path} not to be called, it was called {_plural(len(found))}."
                                 f"\n{self._seen()}")

    def _seen(self, limit: int = 20) -> str:
        entries = self.entries
        if not entries:
            return "The simulator saw no CJ request in this test."
        lines = [f"  {e['time']} {e['method']} {e['path'].removeprefix('/api2.0/v1/')} -> {e['code']}"
                 + (f" ({e['rule']})" if e.get("rule") else "") for e in entries[-limit:]]
        more = f" (last {limit} of {len(entries)})" if len(entries) > limit else ""
        return f"Requests seen{more}:\n" + "\n".join(lines)

    def __repr__(self) -> str:
        return f"<cj_journal {len(self)} entries>"


class CJAuditWarning(UserWarning):
    """``@pytest.mark.cj(audit="warn")``: the findings, as a warning instead of a failure."""


class CJAudit:
    """The compliance verdict of this test (``cjsim.audit``), computed on each access."""

    def __init__(self, sim: Simulator, since_id: int | None = None) -> None:
        self.sim = sim
        self.since_id = since_id

    @property
    def findings(self) -> list[Finding]:
        return audit(self.sim, since_id=self.since_id)

    def rules(self) -> set[str]:
        """The rule ids found, e.g. ``{"R4", "RELOGIN-ON-THROTTLE"}``."""
        return {f.rule for f in self.findings}

    @property
    def clean(self) -> bool:
        return not self.findings

    def report(self) -> str:
        return render(self.findings)

    def assert_clean(self) -> None:
        """Fail the test with the readable list of findings, if there is any."""
        __tracebackhide__ = True
        findings = self.findings
        if findings:
            raise AssertionError(render(findings))

    def __repr__(self) -> str:
        return f"<cj_audit {len(self.findings)} findings>"
