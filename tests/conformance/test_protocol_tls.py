"""docs/PROTOCOL.md over https:// and wss:// (built-in TLS, `serve --tls-cert
--tls-key`): the same cases as test_protocol.py, through a TLS transport.

The certificate comes from a throwaway CA made with the openssl command line
(tests/process/tls_pki.py); clients trust only that CA and check the name.
"""
import atexit
import os
import sys
import tempfile
import unittest

import cases_details
import cases_router
import cases_rules
from conformance import Plain, instantiate

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "process"))
from tls_pki import TestPKI, serve_args  # noqa: E402


class TLS(Plain):
    """https:// and wss:// on the same port; the certificate is made on first use."""

    name = "tls"
    http_scheme = "https"
    ws_scheme = "wss"

    def __init__(self):
        self._pki = None

    def _files(self):
        if self._pki is None:
            folder = tempfile.TemporaryDirectory(prefix="hookbot-conformance-tls-")
            atexit.register(folder.cleanup)
            self._pki = TestPKI(folder.name)
            self._cert, self._key = self._pki.server_certificate("server")
        return self._pki

    def serve_args(self):
        self._files()
        return serve_args(self._cert, self._key)

    def client_ssl_context(self):
        return self._files().client_context()


instantiate(cases_rules.CASES + cases_details.CASES + cases_router.CASES, TLS(), globals(), "TLS")


if __name__ == "__main__":
    unittest.main(verbosity=2)
