"""``GET /__cjsim/audit``: the compliance audit (``cjsim.audit``) for clients in any language.

``?since=ID`` audits only the CJ requests journaled after journal id ``ID``, so a test
harness can take the journal's last id before a test and audit just that test.
"""

from __future__ import annotations

from flask import Response

from cjsim.app import json_response
from cjsim.audit import audit as run_audit
from cjsim.audit import summary
from cjsim.control import _int_arg, _sim, blueprint


@blueprint.get("/audit")
def audit() -> Response:
    findings = run_audit(_sim(), since_id=_int_arg("since"))
    return json_response({
        "clean": not findings,
        "summary": summary(findings),
        "findings": [f.as_dict() for f in findings],
    })
