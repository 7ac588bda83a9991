"""The inspector page's files (GET /ui/, docs/PROTOCOL.md "The inspector
page") from a real `hookbot serve`: every file of apps/acceptor/ui/static is
served byte for byte with its content type, a strict Content-Security-Policy
and the other safety fields, an entity tag that a revalidation answers with
304, and HEAD; unknown files get 404, other methods 405; `--ui off` turns it
all into 404 and leaves the topic ui/… to publishers."""
import os
import re
import tempfile
import unittest

from harness import Server, bearer
from tls_pki import TestPKI, serve_args

STATIC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "apps", "acceptor",
                      "ui", "static")

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
}

POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
          "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")


def static_files():
    return sorted(os.listdir(STATIC))


class InspectorFiles(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server(workers=1).__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)

    def check_page_fields(self, response):
        self.assertEqual(response.getheader("Content-Security-Policy"), POLICY)
        self.assertEqual(response.getheader("X-Content-Type-Options"), "nosniff")
        self.assertEqual(response.getheader("Referrer-Policy"), "no-referrer")
        self.assertEqual(response.getheader("X-Frame-Options"), "DENY")
        self.assertEqual(response.getheader("Cache-Control"), "no-cache")
        self.assertRegex(response.getheader("ETag"), r'^"[0-9a-f]{32}"$')

    def test_every_static_file_is_served_as_it_is_with_its_type_and_fields(self):
        self.assertIn("index.html", static_files())
        for name in static_files():
            with self.subTest(name=name):
                status, body, response = self.server.request("GET", "/ui/" + name)
                self.assertEqual(status, 200)
                with open(os.path.join(STATIC, name), "rb") as f:
                    self.assertEqual(body, f.read(), "the embedded file is the source's")
                self.assertEqual(response.getheader("Content-Type"),
                                 CONTENT_TYPES[os.path.splitext(name)[1]])
                self.check_page_fields(response)

    def test_slash_ui_slash_is_the_page_and_slash_ui_redirects_there(self):
        status, body, response = self.server.request("GET", "/ui/")
        self.assertEqual(status, 200)
        with open(os.path.join(STATIC, "index.html"), "rb") as f:
            self.assertEqual(body, f.read())
        status, _, response = self.server.request("GET", "/ui")
        self.assertEqual((status, response.getheader("Location")), (301, "/ui/"))

    def test_what_the_page_loads_is_all_there(self):
        """Every src, href and import of the page names a file that is served:
        a file left out of apps/acceptor/ui/CMakeLists.txt fails here."""
        wanted = set()
        for name in static_files():
            with open(os.path.join(STATIC, name), encoding="utf-8") as f:
                text = f.read()
            wanted.update(re.findall(r'(?:src|href)="([^":]+)"', text))
            wanted.update(re.findall(r'from "\./([^"]+)"', text))
        self.assertIn("main.js", wanted)
        for name in sorted(wanted):
            with self.subTest(name=name):
                self.assertEqual(self.server.request("GET", "/ui/" + name)[0], 200)

    def test_a_revalidation_with_the_tag_gets_304_and_another_tag_the_file(self):
        _, body, response = self.server.request("GET", "/ui/main.js")
        tag = response.getheader("ETag")
        status, again, response = self.server.request("GET", "/ui/main.js",
                                                      headers={"If-None-Match": tag})
        self.assertEqual((status, again), (304, b""))
        self.assertEqual(response.getheader("ETag"), tag)
        self.assertIsNone(response.getheader("Content-Length"))
        self.check_page_fields(response)
        status, fresh, _ = self.server.request("GET", "/ui/main.js",
                                               headers={"If-None-Match": '"stale"'})
        self.assertEqual((status, fresh), (200, body))
        # Tags differ between files.
        other = self.server.request("GET", "/ui/inspector.css")[2].getheader("ETag")
        self.assertNotEqual(other, tag)

    def test_head_gets_the_fields_and_length_without_a_body(self):
        _, body, _ = self.server.request("GET", "/ui/")
        status, nothing, response = self.server.request("HEAD", "/ui/")
        self.assertEqual((status, nothing), (200, b""))
        self.assertEqual(int(response.getheader("Content-Length")), len(body))
        self.assertEqual(response.getheader("Content-Type"), "text/html; charset=utf-8")
        self.check_page_fields(response)

    def test_unknown_files_get_404_and_other_methods_405(self):
        for path in ["/ui/nothing.js", "/ui/static/main.js", "/ui/index.html/"]:
            with self.subTest(path=path):
                status, body, response = self.server.request("GET", path)
                self.assertEqual((status, body), (404, b"404 Not Found\n"))
                self.assertEqual(response.getheader("X-Content-Type-Options"), "nosniff")
        status, _, response = self.server.request("POST", "/ui/", body=b"x",
                                                  headers=bearer("/ui/"))
        self.assertEqual((status, response.getheader("Allow")), (405, "GET, HEAD"))

    def test_the_topic_ui_stays_reachable_below_pub_and_sub(self):
        status, body, _ = self.server.request("POST", "/pub/ui/x", body=b"hello",
                                              headers=bearer("/pub/ui/x"))
        self.assertEqual((status, body), (200, b"OK\n"))


class InspectorOverTLS(unittest.TestCase):
    """With built-in TLS the workers forward each request to the acceptor
    (forwarded_requests.cpp): the page comes back the same."""

    def test_the_page_and_its_304_over_tls(self):
        with tempfile.TemporaryDirectory(prefix="hookbot-ui-tls-") as folder:
            pki = TestPKI(folder)
            cert, key = pki.server_certificate("server")
            with Server(workers=1, extra_args=serve_args(cert, key),
                        ssl_context=pki.client_context()) as server:
                status, body, response = server.request("GET", "/ui/")
                self.assertEqual(status, 200)
                with open(os.path.join(STATIC, "index.html"), "rb") as f:
                    self.assertEqual(body, f.read())
                self.assertEqual(response.getheader("Content-Security-Policy"), POLICY)
                tag = response.getheader("ETag")
                status, body, _ = server.request("GET", "/ui/", headers={"If-None-Match": tag})
                self.assertEqual((status, body), (304, b""))
                self.assertEqual(server.request("GET", "/ui/nothing.js")[0], 404)


class InspectorOff(unittest.TestCase):
    def test_ui_off_gives_ui_back_to_the_root_endpoint(self):
        """--ui off: /ui/... are topics again, as in the original: no page,
        a token is asked for, and a root-endpoint publish to /ui/x works."""
        with Server(workers=1, extra_args=["--ui", "off"]) as server:
            for method, path in [("GET", "/ui/"), ("GET", "/ui"), ("GET", "/ui/main.js"),
                                 ("HEAD", "/ui/"), ("POST", "/ui/")]:
                with self.subTest(method=method, path=path):
                    self.assertEqual(server.request(method, path)[0], 401)
            for path in ("/ui/x", "/pub/ui/x"):
                status, body, _ = server.request("POST", path, body=b"hello",
                                                 headers=bearer(path))
                self.assertEqual((status, body), (200, b"OK\n"), path)


if __name__ == "__main__":
    unittest.main()
