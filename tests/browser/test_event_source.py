"""A browser's own EventSource against a real `hookbot serve`: Debian's
chromium, driven by playwright-core (event_source_page.mjs), subscribes; the
test publishes, kills the page's fanout worker, publishes more, and the page
must end with every message exactly once: EventSource reconnects by itself
with Last-Event-ID, and the server resumes from it (docs/PROTOCOL.md,
"Server-Sent Events" and "Resume")."""
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "process"))

from harness import Server, publish_all, token, wait_for  # noqa: E402
from node_driver import stop_driver  # noqa: E402

ARTIFACTS = os.environ.get("HOOKBOT_TEST_ARTIFACTS", os.path.join(HERE, "artifacts"))


class Page:
    """The page's reports, line by line, read off the driver's stdout."""

    def __init__(self, server, path, screenshot):
        self.process = subprocess.Popen(
            ["node", os.path.join(HERE, "event_source_page.mjs"),
             f"http://127.0.0.1:{server.port}", path, token(path), screenshot],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.reports = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.messages = []
        self.seen = []

    def _read(self):
        for line in self.process.stdout:
            self.reports.put(json.loads(line))
        self.reports.put(None)

    def wait_for(self, what, condition, timeout=60):
        """Takes reports until `condition(report)` holds; fails after `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                report = self.reports.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"the page did not report {what} within {timeout}s; "
                                     f"it saw {self.seen[-5:]}") from None
            if report is None:
                raise AssertionError(f"the page's driver ended before {what}: {self.seen[-5:]}")
            self.seen.append(report)
            if "id" in report:
                self.messages.append(report)
            if condition(report):
                return report

    def wait_for_messages(self, count, timeout=60):
        if len(self.messages) < count:
            self.wait_for(f"{count} messages", lambda _: len(self.messages) >= count, timeout)

    def close(self):
        stop_driver(self.process)  # it takes its screenshot and exits


class EventSourceInChromium(unittest.TestCase):
    def test_the_page_gets_every_message_once_across_a_killed_worker(self):
        os.makedirs(ARTIFACTS, exist_ok=True)
        with Server(workers=1) as server:
            page = Page(server, "/sub/browser/feed",
                        os.path.join(ARTIFACTS, "event_source_page.png"))
            try:
                page.wait_for("an open stream", lambda r: r.get("open"))
                first = [b"first-%d" % i for i in range(50)]
                publish_all(server, "browser/feed", first)
                page.wait_for_messages(50)

                worker = server.worker_pids()[0]
                os.kill(worker, signal.SIGKILL)
                page.wait_for("the stream to break", lambda r: "error" in r)
                second = [b"second-%d" % i for i in range(50)]
                publish_all(server, "browser/feed", second)  # while the page is away
                wait_for(lambda: server.worker_pids() and worker not in server.worker_pids(),
                         10, "the worker to be restarted")
                page.wait_for_messages(100)
                publish_all(server, "browser/feed", [b"live"])
                page.wait_for_messages(101)

                bodies = [m["body"].encode() for m in page.messages]
                self.assertEqual(bodies, first + second + [b"live"])
                self.assertEqual(len({m["id"] for m in page.messages}), 101)
                self.assertFalse([r for r in page.seen if "gap" in r], "no gap was expected")
            finally:
                page.close()
        self.assertTrue(os.path.getsize(os.path.join(ARTIFACTS, "event_source_page.png")) > 0)


if __name__ == "__main__":
    unittest.main()
