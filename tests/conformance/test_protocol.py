"""PROTOCOL.md over plain http:// and ws://: every rule and detail a named case.

The cases live in cases_rules.py (P, T, X) and cases_details.py (D1-D6) as
mixins; this file serves them through the plain transport. Another transport
(TLS) serves the same cases from its own file with `instantiate`.
"""
import unittest

import cases_details
import cases_rules
from conformance import Plain, instantiate

instantiate(cases_rules.CASES + cases_details.CASES, Plain(), globals(), "Plain")


class GitHubRouter(unittest.TestCase):
    """R1, R2 and D7: `serve --router github` is not implemented yet."""

    @unittest.skip("the GitHub router (serve --router github) is not implemented yet")
    def test_R1_router_checks_signature(self):
        pass

    @unittest.skip("the GitHub router (serve --router github) is not implemented yet")
    def test_R2_router_publishes_push_to_branch_topic(self):
        pass

    @unittest.skip("the GitHub router (serve --router github) is not implemented yet")
    def test_D7_router_ignores_other_events_and_topics(self):
        pass


if __name__ == "__main__":
    unittest.main(verbosity=2)
