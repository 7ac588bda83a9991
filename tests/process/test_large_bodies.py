"""Large bodies across real processes: GitHub's largest webhook, 25 MiB.

With the default options, `hookbot serve --workers 2` must deliver a 25 MiB
body byte for byte to subscribers on both workers, refuse one byte more with
413, and stay bounded: acceptor and workers keep their peak RSS (VmHWM) under
the bounds below while ten such bodies go through, and the blobs that carry
them in /dev/shm never exceed the blob budget (the newest stay while their
records are retained, for resumes).
"""
import asyncio
import base64
import hashlib
import json
import os
import re
import socket
import tempfile
import time
import unittest

from harness import (MEMORY_BOUNDS_CHECKED, Server, bearer, receive_n, recv_head, subscribe,
                     wait_for)
from tls_pki import TestPKI, serve_args

MIB = 1 << 20
MAX_BODY = 25 * MIB                # serve --max-body, default
BLOB_BUDGET = 128 * MIB            # serve --blob-budget, default
# Peak resident memory allowed: the acceptor holds one body being read (and
# writes it into its blob); a worker maps the blob and builds one payload per
# format (bare, and topic NUL body for recursive subscribers).
ACCEPTOR_PEAK_BOUND = 4 * MAX_BODY
WORKER_PEAK_BOUND = 5 * MAX_BODY
PUBLISHES = 10
# Over TLS a worker also holds the request body it decrypted until the
# acceptor has answered (the acceptor maps the sealed memfd it is sent).
TLS_WORKER_PEAK_BOUND = 6 * MAX_BODY
TLS_PUBLISHES = 3


def peak_rss(pid):
    """VmHWM of `pid` in bytes: its resident memory at its highest."""
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmHWM:\s+(\d+) kB", f.read()).group(1)) * 1024


def blobs_of(instance):
    """(count, bytes) of the instance's blob segments in /dev/shm."""
    prefix = f"hookbot.{instance}.blob."
    names = [n for n in os.listdir("/dev/shm") if n.startswith(prefix)]
    total = 0
    for name in names:
        try:
            total += os.stat(f"/dev/shm/{name}").st_size
        except FileNotFoundError:
            pass
    return len(names), total


def publish(server, topic, body):
    connection = server.http_connection(timeout=60)
    try:
        path = "/pub/" + topic
        connection.request("POST", path, body=body, headers=bearer(path))
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def status_for_head_only(server, topic, length):
    """Sends only the head of a publish of `length` bytes, expecting 100
    Continue; the status of the first answer."""
    path = "/pub/" + topic
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {length}\r\n"
            f"Expect: 100-continue\r\n"
            f"Authorization: {bearer(path)['Authorization']}\r\n\r\n")
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(head.encode())
        reply = recv_head(s)
    return int(reply.split(b" ", 2)[1]), reply


def instance_of(server):
    line = server.wait_for_log(r'bus "([^"]+)"', 5)
    return re.search(r'bus "([^"]+)"', line).group(1)


async def publish_large_bodies(test, server, publishes, worker_bound):
    """Publishes `publishes` random 25 MiB bodies one after the other to two
    exact and one recursive subscriber spread over both workers; checks each
    arrives whole, the peak RSS bounds, and the blobs in /dev/shm."""
    instance = instance_of(server)
    exact = [await subscribe(server, "large/hook") for _ in range(2)]
    recursive = await subscribe(server, "large/")
    subscribers = exact + [recursive]
    # Over TLS the kernel picks the worker that accepts: add subscribers
    # until both workers hold one.
    while len({server.worker_of(ws) for ws in subscribers}) < 2 and len(subscribers) < 12:
        exact.insert(0, await subscribe(server, "large/hook"))
        subscribers.insert(0, exact[0])
    workers = {server.worker_of(ws) for ws in subscribers}
    test.assertEqual(len(workers), 2, f"subscribers on workers {workers}")
    loop = asyncio.get_running_loop()

    publish_seconds = []
    delivery_seconds = []
    blob_peak = (0, 0)
    for i in range(publishes):
        body = os.urandom(MAX_BODY)
        digest = hashlib.sha256(body).hexdigest()
        started = time.monotonic()
        status = await loop.run_in_executor(None, publish, server, "large/hook", body)
        publish_seconds.append(time.monotonic() - started)
        test.assertEqual(status, (200, b"OK\n"), f"publish {i}")
        blobs = blobs_of(instance)
        blob_peak = max(blob_peak, blobs)
        test.assertLessEqual(blobs[1], BLOB_BUDGET, f"blobs after publish {i}")
        received = await asyncio.gather(*(receive_n(ws, 1, 60) for ws in subscribers))
        delivery_seconds.append(time.monotonic() - started)
        for (message,) in received[:-1]:
            test.assertEqual(len(message), MAX_BODY)
            test.assertEqual(hashlib.sha256(message).hexdigest(), digest)
        (framed,) = received[-1]
        test.assertEqual(framed[:len(b"large/hook\0")], b"large/hook\0")
        test.assertEqual(hashlib.sha256(framed[len(b"large/hook\0"):]).hexdigest(), digest)
        del body, received, framed

    acceptor_peak = peak_rss(server.children("hookbot-acceptor")[0])
    worker_peaks = {pid: peak_rss(pid) for pid in server.worker_pids()}
    print(f"\n  {publishes} publishes of {MAX_BODY} bytes ({server.scheme}) to "
          f"{len(subscribers)} subscribers on "
          f"2 workers: publish (HTTP round trip) {min(publish_seconds):.3f}-"
          f"{max(publish_seconds):.3f}s, delivered to all "
          f"{min(delivery_seconds):.3f}-{max(delivery_seconds):.3f}s")
    print(f"  peak RSS: acceptor {acceptor_peak / MIB:.1f} MiB "
          f"(bound {ACCEPTOR_PEAK_BOUND / MIB:.0f}), workers "
          + ", ".join(f"{peak / MIB:.1f}" for peak in worker_peaks.values())
          + f" MiB (bound {worker_bound / MIB:.0f})")
    print(f"  blobs in /dev/shm after a publish, at most: {blob_peak[0]} "
          f"({blob_peak[1] / MIB:.1f} MiB, budget {BLOB_BUDGET / MIB:.0f})")
    if MEMORY_BOUNDS_CHECKED:
        test.assertLessEqual(acceptor_peak, ACCEPTOR_PEAK_BOUND)
        for pid, peak in worker_peaks.items():
            test.assertLessEqual(peak, worker_bound, f"worker {pid}")
    else:
        print("  (sanitizer build: the memory bounds are checked by the plain build only)")
    # Read by every worker, yet kept for resumes: the newest that fit the budget.
    kept = min(publishes, BLOB_BUDGET // MAX_BODY)
    test.assertEqual(blobs_of(instance), (kept, kept * MAX_BODY))
    for ws in subscribers:
        await ws.close()


class LargeBodies(unittest.TestCase):
    def run_async(self, coroutine):
        return asyncio.run(asyncio.wait_for(coroutine, 240))

    def test_25_mib_bodies_reach_every_subscriber_within_bounded_memory(self):
        with Server(workers=2) as server:
            self.run_async(publish_large_bodies(self, server, PUBLISHES, WORKER_PEAK_BOUND))

    def test_a_25_mib_webhook_in_its_github_envelope(self):
        """?extra-metadata=github makes the body a third larger (base64): it
        must still go through with the default blob budget."""
        async def scenario(server):
            ws = await subscribe(server, "large/github")
            body = os.urandom(MAX_BODY)
            path = "/pub/large/github?extra-metadata=github"
            headers = dict(bearer("/pub/large/github"), **{"X-GitHub-Event": "push"})
            connection = server.http_connection(timeout=60)
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            self.assertEqual((response.status, response.read()), (200, b"OK\n"))
            connection.close()
            (message,) = await receive_n(ws, 1, 60)
            envelope = json.loads(message)
            self.assertEqual(envelope["Event"], "push")
            self.assertEqual(base64.b64decode(envelope["Payload"]), body)
            print(f"\n  a {MAX_BODY}-byte body arrived in a {len(message)}-byte envelope")
            await ws.close()

        with Server(workers=1) as server:
            self.run_async(scenario(server))

    def test_one_byte_over_25_mib_gets_413(self):
        with Server(workers=1) as server:
            status, reply = status_for_head_only(server, "large/over", MAX_BODY + 1)
            self.assertEqual(status, 413, reply)
            status, reply = status_for_head_only(server, "large/over", MAX_BODY)
            self.assertEqual(status, 100, reply)  # the largest body is welcome

    def test_chunked_body_over_the_limit_gets_413(self):
        with Server(workers=1) as server:
            path = "/pub/large/chunked"
            head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
                    f"Authorization: {bearer(path)['Authorization']}\r\n\r\n")
            chunk = b"%x\r\n" % MIB + b"x" * MIB + b"\r\n"
            with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
                s.sendall(head.encode())
                try:
                    for _ in range(26):  # 26 MiB
                        s.sendall(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the server answered and closed before the end
                reply = s.recv(4096)
            self.assertTrue(reply.startswith(b"HTTP/1.1 413"), reply[:80])


class LargeBodiesOverTLS(unittest.TestCase):
    def test_25_mib_bodies_over_tls(self):
        with tempfile.TemporaryDirectory(prefix="hookbot-tls-") as folder:
            pki = TestPKI(folder)
            cert, key = pki.server_certificate("server")
            with Server(workers=2, extra_args=serve_args(cert, key),
                        ssl_context=pki.client_context()) as server:
                asyncio.run(asyncio.wait_for(
                    publish_large_bodies(self, server, TLS_PUBLISHES, TLS_WORKER_PEAK_BOUND), 240))


if __name__ == "__main__":
    unittest.main()
