"""The same verdict from a plain script: run a client against CJ's real base URL, answered
in-process by ``cjsim.intercept``, and print the audit.

    python examples/script_compliance.py well_behaved misbehaving

Exit status 0 when every client named is clean, 1 when one is flagged.
"""

from __future__ import annotations

import sys
from typing import Any

from misbehaving import MisbehavingClient
from well_behaved import WellBehavedClient

import cjsim
from cjsim.audit import audit, render

CLIENTS: dict[str, Any] = {"well_behaved": WellBehavedClient, "misbehaving": MisbehavingClient}


def check(name: str) -> bool:
    """True when the client's ten balance reads on a Free account break none of CJ's rules."""
    with cjsim.intercept(patch_sleep=True) as sim:  # time.sleep moves the simulated clock
        client = CLIENTS[name](sim.account(level="free").api_key)
        for _ in range(10):
            client.get_balance()
    findings = audit(sim)
    print(f"{name}: {render(findings)}")
    return not findings


def main(argv: list[str]) -> int:
    names = argv or list(CLIENTS)
    unknown = [n for n in names if n not in CLIENTS]
    if unknown:
        print(f"usage: script_compliance.py [{'|'.join(CLIENTS)} ...]: unknown client {unknown[0]}", file=sys.stderr)
        return 2
    results = [check(name) for name in names]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
