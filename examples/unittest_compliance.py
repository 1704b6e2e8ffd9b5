"""The same verdict as test_cj_compliance.py, from a plain ``unittest`` suite: no pytest, no
plugin. ``cjsim.intercept`` answers CJ's real host in-process; ``cjsim.audit`` judges.

    python examples/unittest_compliance.py

The well-behaved client passes; the misbehaving one fails on purpose, with the audit's
explanation.
"""

from __future__ import annotations

import unittest

from misbehaving import MisbehavingClient
from well_behaved import WellBehavedClient

import cjsim
from cjsim.audit import audit, render


class CJComplianceTest(unittest.TestCase):
    def setUp(self) -> None:
        # a fresh simulator per test; time.sleep advances its clock instead of waiting
        self.sim = self.enterContext(cjsim.intercept(patch_sleep=True))
        api_key = self.sim.account(level="free").api_key  # shown in full on creation only
        assert api_key is not None
        self.api_key = api_key

    def assert_clean(self) -> None:
        findings = audit(self.sim)
        if findings:
            self.fail(render(findings))

    def test_well_behaved_client_respects_cj_rules(self) -> None:
        client = WellBehavedClient(self.api_key)
        for _ in range(10):
            client.get_balance()
        self.assert_clean()

    def test_misbehaving_client_respects_cj_rules(self) -> None:
        client = MisbehavingClient(self.api_key)
        for _ in range(10):
            client.get_balance()
        self.assert_clean()


if __name__ == "__main__":
    unittest.main()
