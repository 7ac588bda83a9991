"""/metrics across real processes: counters from the acceptor, the workers and
the supervisor, summed on one page that promtool accepts.

Starts `hookbot serve --workers 2`, connects N subscribers, publishes M
messages, waits until every subscriber has them all, then checks the page's
counters against what was done.
"""
import asyncio
import os
import shutil
import signal
import socket
import subprocess
import time
import unittest

from harness import (Server, bearer, parse_metrics, publish_all, receive_n, subscribe, token,
                     value, wait_for)

SUBSCRIBERS = 12
MESSAGES = 150
TOPIC = "github.com/hookbot/metrics-test"

def total(samples, name):
    return sum(v for (n, _), v in samples.items() if n == name)


def labelled(samples, name, label):
    return {dict(labels)[label]: v for (n, labels), v in samples.items() if n == name}


def refuse_oversize(server):
    """A publish whose Content-Length is over the limit: 413 before any body."""
    path = "/pub/" + TOPIC
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall((f"POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token(path)}\r\n"
                   "Content-Length: 1000000000\r\n\r\n").encode())
        reply = s.recv(4096)
    return int(reply.split(b" ", 2)[1])


class Metrics(unittest.TestCase):
    def fetch(self, server, headers=None):
        status, body, response = server.request("GET", "/metrics", headers=headers)
        self.assertEqual(status, 200, body)
        self.assertEqual(response.getheader("Content-Type"),
                         "text/plain; version=0.0.4; charset=utf-8")
        return body.decode()

    def test_counters_match_what_was_published_and_delivered(self):
        with Server(workers=2) as server:
            async def scenario():
                subscribers = [await subscribe(server, TOPIC) for _ in range(SUBSCRIBERS)]
                messages = [f"message {i} ".encode() * (i % 7 + 1) for i in range(MESSAGES)]
                started = time.monotonic()
                await asyncio.get_running_loop().run_in_executor(
                    None, publish_all, server, TOPIC, messages)
                for ws in subscribers:
                    self.assertEqual(await receive_n(ws, MESSAGES, 60), messages)
                elapsed = time.monotonic() - started
                print(f"{MESSAGES} messages to {SUBSCRIBERS} subscribers in {elapsed:.2f}s")
                return subscribers, sum(len(m) for m in messages)

            async def run():
                subscribers, published_bytes = await scenario()
                self.assertEqual(refuse_oversize(server), 413)
                deliveries = SUBSCRIBERS * MESSAGES

                # A frame counts as written once its write completes, which may
                # be a moment after the client read it; prefixes refresh twice a
                # second.
                def settled():
                    samples = parse_metrics(self.fetch(server))
                    done = (value(samples, "hookbot_publish_to_write_seconds_count") ==
                            deliveries and
                            value(samples, "hookbot_topic_subscribers", prefix="github.com") ==
                            SUBSCRIBERS)
                    return samples if done else None
                await asyncio.get_running_loop().run_in_executor(
                    None, wait_for, settled, 10, "every write and prefix counted")
                page = self.fetch(server)
                for ws in subscribers:
                    await ws.close()
                return parse_metrics(page), page, published_bytes

            samples, page, published_bytes = asyncio.run(asyncio.wait_for(run(), 120))
            deliveries = SUBSCRIBERS * MESSAGES
            print("page:", len(page), "bytes;", "deliveries",
                  value(samples, "hookbot_deliveries_total"), "latency sum",
                  value(samples, "hookbot_publish_to_write_seconds_sum"), "s; per worker",
                  labelled(samples, "hookbot_subscribers", "worker"))
            self.assertEqual(value(samples, "hookbot_publishes_total", code="200"), MESSAGES)
            self.assertEqual(value(samples, "hookbot_publishes_total", code="413"), 1)
            self.assertEqual(value(samples, "hookbot_drops_total", cause="oversize"), 1)
            self.assertEqual(value(samples, "hookbot_published_bytes_total"), published_bytes)
            self.assertEqual(value(samples, "hookbot_deliveries_total"), deliveries)
            self.assertEqual(value(samples, "hookbot_publish_to_write_seconds_count"), deliveries)
            self.assertEqual(
                value(samples, "hookbot_publish_to_write_seconds_bucket", le="+Inf"), deliveries)
            self.assertGreater(value(samples, "hookbot_publish_to_write_seconds_sum"), 0)
            # Every frame went out in some write, and a write carries one frame or more.
            writes = value(samples, "hookbot_subscriber_writes_total")
            print("subscriber writes", writes, f"({deliveries / max(writes, 1):.2f} frames per write)")
            self.assertGreaterEqual(writes, 1)
            self.assertLessEqual(writes, deliveries)
            per_worker = labelled(samples, "hookbot_subscribers", "worker")
            self.assertEqual(len(per_worker), 2, per_worker)
            self.assertEqual(sum(per_worker.values()), SUBSCRIBERS)
            self.assertEqual(value(samples, "hookbot_workers"), 2)
            self.assertEqual(value(samples, "hookbot_handoffs_total", outcome="ok"), SUBSCRIBERS)
            self.assertEqual(value(samples, "hookbot_topic_subscribers_other"), 0)
            for cause in ("queue_full", "slow_subscriber", "disconnected", "lapped"):
                self.assertEqual(value(samples, "hookbot_drops_total", cause=cause), 0, cause)
            self.assertGreater(total(samples, "hookbot_ring_fill_bytes"), published_bytes)
            self.check_with_promtool(page)

            # Counters live in the bus: they survive the acceptor's restart,
            # and the supervisor counts the restart.
            acceptor = server.children("hookbot-acceptor")[0]
            os.kill(acceptor, signal.SIGKILL)
            wait_for(lambda: server.children("hookbot-acceptor") not in ([], [acceptor]), 10,
                     "a new acceptor")
            wait_for(server._status_ok, 10, "the new acceptor to answer")
            samples = parse_metrics(self.fetch(server))
            self.assertEqual(value(samples, "hookbot_restarts_total", process="acceptor"), 1)
            self.assertEqual(value(samples, "hookbot_restarts_total", process="worker"), 0)
            self.assertEqual(value(samples, "hookbot_publishes_total", code="200"), MESSAGES)
            self.assertEqual(value(samples, "hookbot_deliveries_total"), deliveries)

    def check_with_promtool(self, page):
        promtool = shutil.which("promtool")
        if promtool is None:
            self.skipTest("promtool not installed (Debian package prometheus)")
        checked = subprocess.run([promtool, "check", "metrics"], input=page, text=True,
                                 capture_output=True, timeout=30)
        print("promtool check metrics:", checked.returncode, checked.stdout, checked.stderr)
        self.assertEqual(checked.returncode, 0, checked.stdout + checked.stderr)

    def test_token_mode_needs_a_token_for_metrics(self):
        with Server(workers=1, extra_args=["--metrics-allow", "token"]) as server:
            status, body, response = server.request("GET", "/metrics")
            self.assertEqual((status, body), (401, b"401 Unauthorized\n"))
            self.assertEqual(response.getheader("WWW-Authenticate"), 'Basic realm="hookbot"')
            wrong = {"Authorization": "Bearer " + token("/metricsx")}
            self.assertEqual(server.request("GET", "/metrics", headers=wrong)[0], 401)
            page = self.fetch(server, headers=bearer("/metrics"))
            self.assertIn("# TYPE hookbot_publishes_total counter", page)
            self.assertEqual(value(parse_metrics(page), "hookbot_metrics_refused_total"), 2)
            # A token for "/" opens every path, as docs/PROTOCOL.md D2.2 says.
            self.fetch(server, headers=bearer("/"))
            status, body, response = server.request("POST", "/metrics", body=b"x",
                                                     headers=bearer("/metrics"))
            self.assertEqual(status, 405)
            self.assertEqual(response.getheader("Allow"), "GET, HEAD")
            # Only the exact path: below it, the root endpoint as before.
            self.assertEqual(server.request("POST", "/metrics/x", body=b"x")[0], 401)
            self.assertEqual(server.request("POST", "/metrics/x", body=b"x",
                                            headers=bearer("/metrics/x"))[0:2], (200, b"OK\n"))

    def test_loopback_peers_read_metrics_without_a_token(self):
        with Server(workers=1) as server:
            self.assertIn("hookbot_subscribers", self.fetch(server))
            status, body, _ = server.request("HEAD", "/metrics")
            self.assertEqual((status, body), (200, b""))


if __name__ == "__main__":
    unittest.main()
