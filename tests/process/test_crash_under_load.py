"""kill -9 under load: no acknowledged message is lost, none is duplicated.

`hookbot serve --workers 2`, 200 websocket subscribers on one topic (spread
over both workers), a publisher thread posting a few hundred numbered
messages a second. Then:

(a) kill -9 one worker. The other worker's subscribers miss nothing; the
    killed worker's subscribers see their connections close and reconnect.
(b) kill -9 the acceptor. The supervisor restarts it, the new acceptor resumes
    appending to the bus where the dead one stopped and the workers re-join
    it. No subscriber connection closes (workers own them, not the acceptor).

The publisher records every attempt's outcome: 200, or a failure it may
retry (connection reset or refused, 5xx, or no answer) — it retries with a
new message. A publish that reached the bus but whose 200 was lost with the
acceptor is delivered although the publisher saw a failure: at-least-once
from the publisher's view, counted as "unacknowledged but delivered". What
must never happen: a 200-acknowledged message missing at a subscriber that
was connected throughout, a duplicate, or a message out of order.
"""
import http.client
import os
import signal
import socket
import threading
import time
import unittest

from harness import Server, bearer, wait_for
from raw_ws import RawSubscriber, SubscriberPump

TOPIC = "crash/load"
SUBSCRIBERS = 200
RATE = 300  # publishes a second
END = b"end"


class SequencedPublisher(threading.Thread):
    """Publishes "1", "2", ... at RATE on keep-alive connections; records each outcome."""

    RETRYABLE = (ConnectionError, http.client.HTTPException, socket.timeout)

    def __init__(self, port):
        super().__init__(daemon=True)
        self.port = port
        self.acknowledged = []  # sequence numbers answered 200
        self.failed = {}        # sequence number -> why (retryable)
        self.unexpected = []    # (sequence number, status): fails the test
        self.stop = threading.Event()
        self._connection = None

    def publish(self, body):
        """One attempt; returns the status, or raises one of RETRYABLE."""
        if self._connection is None:
            self._connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        path = "/pub/" + TOPIC
        try:
            self._connection.request("POST", path, body=body, headers=bearer(path))
            response = self._connection.getresponse()
            response.read()
        except self.RETRYABLE:
            self._connection.close()
            self._connection = None
            raise
        if response.status != 200 or response.will_close:
            self._connection.close()
            self._connection = None
        return response.status

    def run(self):
        sequence = 0
        next_at = time.monotonic()
        while not self.stop.is_set():
            sequence += 1
            try:
                status = self.publish(str(sequence).encode())
                if status == 200:
                    self.acknowledged.append(sequence)
                elif status >= 500:
                    self.failed[sequence] = f"status {status}"
                else:
                    self.unexpected.append((sequence, status))
            except self.RETRYABLE as e:
                self.failed[sequence] = type(e).__name__
            next_at = max(next_at + 1 / RATE, time.monotonic() - 0.1)
            time.sleep(max(0.0, next_at - time.monotonic()))

    def close(self):
        if self._connection is not None:
            self._connection.close()

    def publish_end(self):
        """The end marker, retried until acknowledged."""
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if self.publish(END) == 200:
                    return
            except self.RETRYABLE:
                pass
            time.sleep(0.05)
        raise AssertionError("the end marker was never acknowledged")


def sequence_numbers(subscriber):
    assert subscriber.messages and subscriber.messages[-1] == END
    return [int(m) for m in subscriber.messages[:-1]]


class CrashUnderLoad(unittest.TestCase):
    def test_kill_worker_then_acceptor_loses_no_acknowledged_message(self):
        with Server(workers=2) as server, SubscriberPump() as pump:
            subscribers = []
            for _ in range(SUBSCRIBERS):
                subscribers.append(RawSubscriber(server.port, TOPIC))
                pump.add(subscribers[-1])
            by_worker = {}
            for pid in server.worker_pids():
                ports = server._server_side_connections(pid)
                by_worker[pid] = [s for s in subscribers if s.local_port in ports]
            self.assertEqual(sum(map(len, by_worker.values())), SUBSCRIBERS, "all placed")
            victim, survivor = sorted(by_worker)
            self.assertTrue(by_worker[victim] and by_worker[survivor], "on both workers")

            publisher = SequencedPublisher(server.port)
            publisher.start()
            started = time.monotonic()
            wait_for(lambda: len(publisher.acknowledged) > RATE // 2, 10, "the load to run")

            # (a) kill -9 one worker; its subscribers reconnect once a replacement joined.
            os.kill(victim, signal.SIGKILL)
            wait_for(lambda: all(s.closed_at for s in by_worker[victim]), 10,
                     "the killed worker's subscribers to see their connections close")
            replacement = wait_for(
                lambda: [p for p in server.worker_pids() if p not in (victim, survivor)],
                5, "a replacement worker")[0]
            server.wait_worker_joined(replacement)
            reconnected = []
            for _ in by_worker[victim]:
                reconnected.append(RawSubscriber(server.port, TOPIC))
                pump.add(reconnected[-1])
            wait_for(lambda: all(s.messages for s in reconnected), 10,
                     "every reconnected subscriber to receive")
            live = by_worker[survivor] + reconnected
            acknowledged_before_acceptor_kill = len(publisher.acknowledged)

            # (b) kill -9 the acceptor; the workers re-join its replacement.
            acceptor = server.children("hookbot-acceptor")[0]
            joins = sum("worker joined" in line for line in server.log_lines)
            os.kill(acceptor, signal.SIGKILL)
            killed_at = time.monotonic()
            wait_for(lambda: sum("worker joined" in line for line in server.log_lines) >= joins + 2,
                     10, "both workers to join the restarted acceptor")
            rejoined_after = time.monotonic() - killed_at
            wait_for(lambda: len(publisher.acknowledged) > acknowledged_before_acceptor_kill + RATE,
                     10, "a second of load after the acceptor restarted")
            publisher.stop.set()
            publisher.join(10)
            publisher.publish_end()
            publisher.close()
            wait_for(lambda: all(s.messages and s.messages[-1] == END or s.closed_at
                                 for s in live), 30, "every subscriber to get the end marker")
            elapsed = time.monotonic() - started

            disconnected = [s.local_port for s in live if s.closed_at]
            self.assertEqual(disconnected, [], "subscribers disconnected by the acceptor's death")
            self.assertEqual(publisher.unexpected, [], "answers other than 200 or 5xx")

            acknowledged = publisher.acknowledged
            failed = set(publisher.failed)
            delivered_unacknowledged = set()
            for subscriber in live:
                got = sequence_numbers(subscriber)
                self.assertEqual(got, sorted(set(got)), "duplicates or reordering")
                self.assertTrue(set(got) <= set(acknowledged) | failed, "unknown messages")
                first = got[0] if subscriber in reconnected else 1
                missing = [n for n in acknowledged if n >= first and n not in set(got)]
                self.assertEqual(missing, [], f"acknowledged but lost at {subscriber.local_port}")
                delivered_unacknowledged |= set(got) & failed
            # A record on the bus reaches every reader or none.
            for subscriber in live:
                got = set(sequence_numbers(subscriber))
                self.assertEqual(got & delivered_unacknowledged, delivered_unacknowledged,
                                 "a failed publish reached some subscribers but not others")
            delivered = sum(len(s.messages) - 1 for s in live)
            published = len(acknowledged) + len(failed)
            print(f"\n  {published} published in {elapsed:.1f}s ({published / elapsed:.0f}/s): "
                  f"{len(acknowledged)} acknowledged (200), {len(failed)} retryable failures "
                  f"({sorted(set(publisher.failed.values()))}), of which "
                  f"{len(delivered_unacknowledged)} delivered anyway; {delivered} deliveries to "
                  f"{len(live)} subscribers ({len(reconnected)} reconnected after the worker "
                  f"kill); workers re-joined {rejoined_after:.2f}s after the acceptor kill; "
                  f"lost=0 duplicates=0")
            for subscriber in subscribers + reconnected:
                subscriber.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
