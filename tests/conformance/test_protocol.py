"""docs/PROTOCOL.md over plain http:// and ws://: every rule and detail a named case.

The cases live in cases_rules.py (P, T, X), cases_details.py (D1-D6) and
cases_router.py (R1, R2, D7) as mixins; this file serves them through the
plain transport. Another transport (TLS) serves the same cases from its own
file with `instantiate`.
"""
import unittest

import cases_details
import cases_router
import cases_rules
from conformance import Plain, instantiate

instantiate(cases_rules.CASES + cases_details.CASES + cases_router.CASES, Plain(), globals(),
            "Plain")


if __name__ == "__main__":
    unittest.main(verbosity=2)
