"""``GET /__cjsim/audit``: the compliance audit (``cjsim.audit``) for clients in any language.

``?since=ID`` audits only the CJ requests journaled after journal id ``ID``, so a test
harness can take the journal's last id before a test and audit just that test.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Response

from cjsim.app import json_response
from cjsim.control import _int_arg, _sim, blueprint

if TYPE_CHECKING:
    from cjsim.simulator import Simulator


@blueprint.get("/audit")
def audit() -> Response:
    from cjsim.audit import audit as run_audit  # the audit's rules load when someone audits
    from cjsim.audit import summary

    sim = _sim()
    since = _int_arg("since")
    findings = run_audit(sim, since_id=since)
    audited, gap = coverage(sim, since)
    body = {"clean": not findings and audited > 0 and gap is None, "audited": audited,
            "summary": summary(findings), "findings": [f.as_dict() for f in findings]}
    if audited == 0:
        body["note"] = "the journal holds no request to audit: nothing was checked"
    elif gap is not None:
        body["note"] = (f"the journal keeps the last {sim.journal_size} requests (--journal-size):"
                        f" {gap} earlier request{'s were' if gap != 1 else ' was'} dropped unaudited")
    return json_response(body)


def coverage(sim: Simulator, since_id: int | None) -> tuple[int, int | None]:
    """(requests audited, requests dropped from the journal before they could be), the journal
    ids being consecutive from 1 after each reset."""
    entries = sim.journal_entries(since_id=since_id)
    if not entries:
        return 0, None
    expected = (since_id or 0) + 1
    first = int(entries[0]["id"])
    return len(entries), (first - expected if first > expected else None)
