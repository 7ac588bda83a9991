"""The inspector page (GET /ui/) in Debian's chromium against a real
`hookbot serve`: a wrong token shows a clear error; with the right one the
page lists a JSON body, a GitHub-style event published with
?extra-metadata=github (its signature verified with the secret typed into
the page) and a binary body, each shown as it should be; "Copy as curl"
gives a command that publishes the message again; "replay from here" brings
the earlier messages back; a reload keeps the list and resumes; a gap
notice shows as one; "clear" empties the list. Screenshots are saved as
test artefacts (HOOKBOT_TEST_ARTIFACTS)."""
import hashlib
import hmac
import json
import os
import queue
import subprocess
import sys
import threading
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "process"))

from harness import Server, bearer, token  # noqa: E402
from node_driver import stop_driver  # noqa: E402

ARTIFACTS = os.environ.get("HOOKBOT_TEST_ARTIFACTS", os.path.join(HERE, "artifacts"))
SECRET = "the-webhook-secret"
SUBSCRIPTION = "/sub/inspector/"
DELIVERY = "72d3162e-cc78-11e3-81ab-4c9367dc0958"
PUSH = {"ref": "refs/heads/main", "after": "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c",
        "repository": {"full_name": "octo/hello"}, "pusher": {"name": "octo"}}
WAIT_MS = 15000


class PageRemote:
    """page_remote.mjs: each call sends one command and returns its value."""

    def __init__(self):
        self.process = subprocess.Popen(["node", os.path.join(HERE, "page_remote.mjs")],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.answers = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.answers.put(json.loads(line))
        self.answers.put(None)

    def __call__(self, op, timeout=60, **args):
        self.process.stdin.write(json.dumps({"op": op, **args}) + "\n")
        self.process.stdin.flush()
        try:
            answer = self.answers.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"the page did not answer {op} {args} within {timeout}s") from None
        if answer is None:
            raise AssertionError(f"the page's driver ended during {op} {args}")
        if not answer["ok"]:
            raise AssertionError(f"{op} {args}: {answer['error']}")
        return answer["value"]

    def wait_count(self, selector, count):
        self("wait_count", selector=selector, count=count, timeout_ms=WAIT_MS)

    def wait_text(self, selector, text):
        self("wait_text", selector=selector, text=text, timeout_ms=WAIT_MS)

    def texts(self, selector):
        return self("texts", selector=selector)

    def screenshot(self, name):
        path = os.path.join(ARTIFACTS, name)
        self("screenshot", path=path)
        return path

    def close(self):
        stop_driver(self.process)


def publish(server, topic, body, headers=None, query=""):
    """Publishes `body`; the message's id (Hookbot-Id)."""
    path = "/pub/" + topic
    status, reply, response = server.request("POST", path + query, body=body,
                                             headers={**bearer(path), **(headers or {})})
    assert (status, reply) == (200, b"OK\n"), (status, reply)
    return response.getheader("Hookbot-Id")


def publish_github_push(server, topic):
    payload = json.dumps(PUSH).encode()
    signature = hmac.new(SECRET.encode(), payload, hashlib.sha256).hexdigest()
    return publish(server, topic, payload, query="?extra-metadata=github", headers={
        "Content-Type": "application/json",
        "X-GitHub-Event": "push",
        "X-GitHub-Delivery": DELIVERY,
        "X-Hub-Signature-256": "sha256=" + signature,
    })


def row(message_id, inside=""):
    return f'#messages li[data-id="{message_id}"] {inside}'.strip()


class Inspector(unittest.TestCase):
    def setUp(self):
        os.makedirs(ARTIFACTS, exist_ok=True)

    def subscribe_url(self, server, key_path=SUBSCRIPTION, query=""):
        return f"ws://{token(key_path)}@127.0.0.1:{server.port}{SUBSCRIPTION}{query}"

    def test_the_page_shows_json_github_and_binary_messages_replays_and_recovers(self):
        with Server(workers=1) as server:
            page = PageRemote()
            try:
                page("viewport", width=1280, height=900)
                page("goto", url=f"http://127.0.0.1:{server.port}/ui/")
                self.wrong_token_is_a_clear_error(page, server)
                ids = self.messages_are_shown(page, server)
                self.signatures_follow_the_secret(page, ids["github"])
                self.copy_as_curl_publishes_again(page, ids["json"])
                self.replay_brings_messages_back(page, ids)
                self.a_reload_keeps_the_list_and_resumes(page, server)
                self.a_gap_notice_is_shown(page, server)
                page("click", selector="#clear")
                page.wait_count("#messages .entry", 0)
                page("viewport", width=390, height=844)
                page.screenshot("inspector_narrow.png")
                self.assertEqual(page("problems"), [])
            finally:
                page.close()

    def test_a_message_published_with_its_request_shows_the_kept_request(self):
        """?extra-metadata=request (docs/PROTOCOL.md, "The original request"):
        the row's metadata lists the method, query and kept headers."""
        with Server(workers=1) as server:
            page = PageRemote()
            try:
                page("viewport", width=1280, height=900)
                page("goto", url=f"http://127.0.0.1:{server.port}/ui/")
                page("fill", selector="#target", value=self.subscribe_url(server))
                page("click", selector="#watch")
                page.wait_count('#connection[data-state="live"]', 1)
                kept = publish(server, "inspector/kept", b'{"zen":"Design for failure."}',
                               query="?extra-metadata=request&ref=main", headers={
                                   "Content-Type": "application/json",
                                   "X-GitHub-Event": "ping", "X-GitHub-Delivery": DELIVERY,
                                   "Cookie": "session=1"})
                page.wait_count(row(kept), 1)
                page("click", selector=row(kept, "summary.row"))
                page.wait_text(row(kept, ".meta"), "Original request")
                shown = page.texts(row(kept, ".meta dd"))
                for value in ("POST", "ref=main", "application/json", "ping", DELIVERY):
                    self.assertIn(value, shown)
                self.assertNotIn("session=1", shown)
                page.wait_text(row(kept, ".json-view"), '"zen": "Design for failure."')
                page.screenshot("inspector_kept_request.png")
                self.assertEqual(page("problems"), [])
            finally:
                page.close()

    def wrong_token_is_a_clear_error(self, page, server):
        page("fill", selector="#target", value=self.subscribe_url(server, "/sub/other/"))
        page("click", selector="#watch")
        page.wait_text("#problem", "401: token rejected")
        page.wait_count('#connection[data-state="refused"]', 1)
        self.assertEqual(page.texts("#messages .entry"), [])
        page.screenshot("inspector_wrong_token.png")

    def messages_are_shown(self, page, server):
        # Typed and sent with the keyboard alone.
        page("fill", selector="#target", value=self.subscribe_url(server))
        page("press", selector="#target", key="Enter")
        page.wait_count('#connection[data-state="live"]', 1)
        self.assertEqual(page.texts("#problem:not([hidden])"), [])
        page("press", selector="#options > summary", key="Enter")
        page("fill", selector="#github-secret", value=SECRET)

        ids = {
            "json": publish(server, "inspector/json",
                            b'{"hello":"world","list":[1,2,{"deep":true}]}'),
            "github": publish_github_push(server, "inspector/github"),
            "binary": publish(server, "inspector/binary", bytes(range(256))),
        }
        page.wait_count("#messages .entry.message", 3)
        for kind, message_id in ids.items():
            self.assertEqual(page("attribute", selector=row(message_id), name="data-kind"), kind)
        self.assertEqual(page.texts(row(ids["json"], ".topic")), ["inspector/json"])
        self.assertEqual(page.texts(row(ids["binary"], ".size")), ["256 B"])
        self.assertEqual(page.texts(row(ids["github"], ".github-event")), ["push"])
        self.assertEqual(page.texts(row(ids["github"], ".github-repo")), ["octo/hello"])
        self.assertEqual(page.texts(row(ids["github"], ".github-delivery")), [DELIVERY])
        page.wait_text(row(ids["github"], ".signature"), "verified")

        # Opened: JSON as a tree, binary as a hex dump, GitHub's payload and headers.
        for message_id in ids.values():
            page("click", selector=row(message_id, "summary.row"))
        page.wait_text(row(ids["json"], ".json-view"), '"hello": "world"')
        self.assertIn('"deep": true', page.texts(row(ids["json"], ".json-view"))[0])
        dump = page.texts(row(ids["binary"], ".hex-dump"))[0].split("\n")
        self.assertEqual(dump[0], "00000000  00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f"
                                  "  |................|")
        self.assertEqual(dump[2], "00000020  20 21 22 23 24 25 26 27  28 29 2a 2b 2c 2d 2e 2f"
                                  "  | !\"#$%&'()*+,-./|")
        self.assertEqual(len(dump), 16)
        page.wait_text(row(ids["github"], ".json-view"), '"full_name": "octo/hello"')
        self.assertIn(DELIVERY, page.texts(row(ids["github"], ".meta dd")))
        # The form shows no token once it is in use.
        self.assertEqual(page("value", selector="#target"), SUBSCRIPTION)
        self.the_chart_shows_the_server(page)
        page.screenshot("inspector.png")
        return ids

    def signatures_follow_the_secret(self, page, github_id):
        signature = row(github_id, ".signature")
        page("fill", selector="#github-secret", value="another secret")
        page.wait_text(signature, "mismatch")
        page("fill", selector="#github-secret", value="")
        page.wait_text(signature, "unchecked")
        page("fill", selector="#github-secret", value=SECRET)
        page.wait_text(signature, "verified")

    def copy_as_curl_publishes_again(self, page, json_id):
        page("click", selector=row(json_id, "button.copy-curl"))
        command = page("value", selector=row(json_id, "textarea.curl"))
        self.assertIn("HOOKBOT_PUBLISH_TOKEN", command)
        self.assertIn("/pub/inspector/json", command)
        before = len(page.texts("#messages .entry.message"))
        env = dict(os.environ, HOOKBOT_PUBLISH_TOKEN=token("/pub/inspector/json"))
        done = subprocess.run(["bash", "-c", command], env=env, capture_output=True, text=True,
                              timeout=30)
        self.assertEqual((done.returncode, done.stdout), (0, "OK\n"), done.stderr)
        page.wait_count("#messages .entry.message", before + 1)
        newest = page.texts("#messages .entry.message:last-child .kind")
        self.assertEqual(newest, ["json"])

    def replay_brings_messages_back(self, page, ids):
        page("click", selector=row(ids["json"], "button.replay"))
        for message_id in ids.values():
            page.wait_count(row(message_id), 2)
        page.wait_count("#messages .entry.replay", 1)
        page.wait_count('#connection[data-state="live"]', 1)

    def a_reload_keeps_the_list_and_resumes(self, page, server):
        shown = page.texts("#messages .entry.message .id")
        page("reload")
        page.wait_count('#connection[data-state="live"]', 1)
        self.assertEqual(page.texts("#messages .entry.message .id"), shown)
        after = publish(server, "inspector/text", b"published after the reload")
        page.wait_count(row(after), 1)
        # Nothing shown before the reload came again.
        self.assertEqual(page.texts("#messages .entry.message .id"), shown + [after])
        self.assertEqual(page("attribute", selector=row(after), name="data-kind"), "text")

    def a_gap_notice_is_shown(self, page, server):
        # An id of another bus (epoch 1): the server says so, then sends what it has.
        page("fill", selector="#target",
             value=self.subscribe_url(server, query="?since=0000000000000001-1"))
        page("click", selector="#watch")
        page.wait_count('#messages .entry.gap[data-reason="other_epoch"]', 1)
        page.wait_text("#messages .entry.gap", "earlier run of the server")

    def the_chart_shows_the_server(self, page):
        page.wait_count('#chart-panel[data-showing="metrics"]', 1)
        self.assertEqual(page.texts("#chart-note:not([hidden])"), [])
        self.assertGreaterEqual(int(page.texts('output[data-metric="subscribers"]')[0]), 1)


if __name__ == "__main__":
    unittest.main()
