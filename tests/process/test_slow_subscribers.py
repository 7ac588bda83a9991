"""Slow subscribers cost their own messages, not the fast subscribers' speed
nor the worker's memory.

One worker, 100 fast subscribers and, in half of the runs, 10 slow ones: raw
sockets with a 4 KiB SO_RCVBUF that complete the websocket handshake and then
never read. Each run publishes 1000 messages of 4 KiB in bursts of 50: each
burst as fast as the server acknowledges, the next once every fast subscriber
has the last one. The Python reader is slower than the server; without the
bursts the fast subscribers' queues would overflow and the run would measure
drops in the client, not the server. A burst is smaller than a queue
(--queue-bytes holds 64 such messages), so a fast subscriber never drops.

What is compared, and why it is honest: the time from the first publish until
the last fast subscriber holds the last message, in runs without and with the
slow subscribers, alternated (without, with, without, ...) so that drift in
the load of this shared machine hits both alike, and compared as medians.
Both kinds of run use the same publisher and the same client-side reader, so
whatever the Python client costs is in both. One worker writes all 100 x 4 MB
of a run, which keeps the server's share of the time large. A worker that let
slow subscribers hold it up (a blocking write, one queue for everyone, waiting
for a write timeout) would stretch the runs with them by seconds; bounded
per-subscriber queues that drop must keep them within 10%.

Memory: the worker runs with --queue-bytes 256 KiB, so each slow subscriber
pins at most 256 KiB of payloads (payloads are shared between subscribers, so
the fast ones add nothing beyond what the run without slow ones needs). The
worker's peak VmRSS with the slow ones must stay under its peak without them
plus 10 x 256 KiB plus 8 MiB of slack (allocator, per-connection buffers).
Unbounded queues would need up to 10 x 4 MB more per run (what the kernel's
send buffers do not hold; they take about 3 MB of each slow subscriber's
messages on loopback, and are not the worker's RSS). The bus is one ring of
4 MiB (--shards 1 --ring-bytes 4194304), so the ring pages the worker maps,
which VmRSS counts once touched, are small and the same in both kinds of run.

Counting: the worker's `dropped` counter (its slot in the control segment)
must grow by exactly what the slow subscribers did not get: after each run
with them they start reading, markers are published until every slow
subscriber has one, and then messages received + dropped == 10 x (1000 +
markers).
"""
import contextlib
import mmap
import os
import statistics
import struct
import threading
import time
import unittest

from harness import Server, wait_for
from raw_ws import RawSubscriber, SubscriberPump

TOPIC = "slow/fanout"
FAST, SLOW = 100, 10
MESSAGES, BODY_BYTES, BURST = 1000, 4096, 50
REPETITIONS = 3
QUEUE_BYTES = 256 << 10
SLACK_BYTES = 8 << 20
MARK = 99999999  # the sequence number of the marker
SERVER_ARGS = ["--queue-bytes", str(QUEUE_BYTES), "--shards", "1",
               "--ring-bytes", str(4 << 20), "--max-body", str(64 << 10)]


def body(run, sequence):
    head = b"%02d%08d" % (run, sequence)
    return head + b"x" * (BODY_BYTES - len(head))


def parse(payload):
    return int(payload[:2]), int(payload[2:10])


class FastTally:
    """Checks one fast subscriber gets run `run`'s messages in order, all of them."""

    def __init__(self):
        self.reset(-1)

    def reset(self, run):
        self.run, self.next, self.done_at, self.errors = run, 0, None, []

    def __call__(self, payload):
        run, sequence = parse(payload)
        if sequence == MARK:
            return
        if (run, sequence) != (self.run, self.next):
            self.errors.append((run, sequence, self.next))
            return
        self.next += 1
        if self.next == MESSAGES:
            self.done_at = time.monotonic()


class SlowTally:
    """Counts what a slow subscriber got once it reads, up to the marker."""

    def __init__(self, run):
        self.run, self.received, self.markers = run, 0, 0

    def __call__(self, payload):
        run, sequence = parse(payload)
        if sequence == MARK:
            self.markers += 1
        elif run == self.run:
            self.received += 1


class WorkerCounters:
    """The `dropped` counters of the worker slots in the control segment (layout.hpp)."""

    HEADER, SLOT = 128, 64

    def __init__(self, port):
        path = f"/dev/shm/hookbot.127.0.0.1_{port}.control"
        with open(path, "rb") as f:
            self._map = mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ)

    def dropped(self):
        slots = struct.unpack_from("<I", self._map, 12)[0]
        total = 0
        for i in range(slots):
            pid, _, _, _, dropped, _ = struct.unpack_from("<iIQQQQ", self._map,
                                                          self.HEADER + i * self.SLOT)
            if pid:
                total += dropped
        return total


class RssSampler(threading.Thread):
    """Peak VmRSS of a process, sampled every 10 ms."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0, threading.Event()

    def read(self):
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        return 0

    def run(self):
        while not self.stop.wait(0.01):
            self.peak = max(self.peak, self.read())

    def take_peak(self):
        peak, self.peak = max(self.peak, self.read()), 0
        return peak


class SlowSubscribers(unittest.TestCase):
    def test_slow_subscribers_do_not_slow_the_fast_ones_and_stay_bounded(self):
        with Server(workers=1, extra_args=SERVER_ARGS) as server, SubscriberPump() as pump:
            worker = server.worker_pids()[0]
            counters = WorkerCounters(server.port)
            tallies = [FastTally() for _ in range(FAST)]
            fast = [RawSubscriber(server.port, TOPIC, on_message=t) for t in tallies]
            for subscriber in fast:
                pump.add(subscriber)
            sampler = RssSampler(worker)
            sampler.start()
            publisher = server.publisher()
            times = {"without": [], "with": []}
            peaks = {"without": [], "with": []}
            dropped_per_run = []
            try:
                for run in range(2 * REPETITIONS):
                    mode = ("without", "with")[run % 2]
                    for tally in tallies:
                        tally.reset(run)
                    slow = []
                    if mode == "with":
                        slow = [RawSubscriber(server.port, TOPIC, rcvbuf=4096,
                                              on_message=SlowTally(run)) for _ in range(SLOW)]
                        wait_for(lambda: server.connections_of(worker) == FAST + SLOW, 10,
                                 "the slow subscribers on the worker")
                    dropped_before = counters.dropped()
                    sampler.take_peak()

                    started = time.monotonic()
                    for burst_end in range(BURST, MESSAGES + 1, BURST):
                        for sequence in range(burst_end - BURST, burst_end):
                            status, _ = publisher.publish(TOPIC, body(run, sequence))
                            self.assertEqual(status, 200)
                        pump.wait(lambda: all(t.next >= burst_end or t.errors for t in tallies),
                                  30, f"every fast subscriber to get message {burst_end - 1}")
                    for tally in tallies:
                        self.assertEqual(tally.errors, [], "a fast subscriber missed messages")
                    times[mode].append(max(t.done_at for t in tallies) - started)
                    print(f"\n  run {run} {mode} slow subscribers: {times[mode][-1]:.2f}s", end="")
                    peaks[mode].append(sampler.take_peak())

                    if mode == "with":
                        for subscriber in slow:
                            pump.add(subscriber)
                        # A marker that meets a still-full queue is dropped (and
                        # counted) too: publish one every 100 ms until each has one.
                        markers = 0
                        deadline = time.monotonic() + 30
                        while not all(s.on_message.markers for s in slow):
                            self.assertLess(time.monotonic(), deadline, "no marker got through")
                            status, _ = publisher.publish(TOPIC, body(run, MARK))
                            self.assertEqual(status, 200)
                            markers += 1
                            with contextlib.suppress(AssertionError):
                                pump.wait(lambda: all(s.on_message.markers for s in slow), 0.1,
                                          "markers")
                        # Every message, data or marker, is received or counted as
                        # dropped: wait for the sum (markers may still be in flight).
                        expected = SLOW * (MESSAGES + markers)

                        def accounted():
                            received = sum(s.on_message.received + s.on_message.markers
                                           for s in slow)
                            return received, counters.dropped() - dropped_before

                        with contextlib.suppress(AssertionError):
                            wait_for(lambda: sum(accounted()) == expected, 10, "")
                        received, dropped = accounted()
                        self.assertEqual(received + dropped, expected,
                                         f"received {received} + dropped {dropped}")
                        self.assertGreater(dropped, 0, "the slow subscribers were not slow")
                        dropped_per_run.append((received, dropped, expected))
                        for subscriber in slow:
                            pump.close(subscriber)
                        wait_for(lambda: server.connections_of(worker) == FAST, 10,
                                 "the slow subscribers to be gone")
                    else:
                        self.assertEqual(counters.dropped(), dropped_before,
                                         "drops without slow subscribers")
            finally:
                sampler.stop.set()
                publisher.close()
                for subscriber in fast:
                    subscriber.close()

            without, with_slow = statistics.median(times["without"]), statistics.median(times["with"])
            bound = max(peaks["without"]) + SLOW * QUEUE_BYTES + SLACK_BYTES
            mib = 1 << 20
            print(f"\n  {MESSAGES} x {BODY_BYTES} B to {FAST} fast subscribers on one worker, "
                  f"runs without / with {SLOW} slow ones:"
                  f"\n  time to the last delivery: without "
                  f"{[round(t, 2) for t in times['without']]} median {without:.2f}s, with "
                  f"{[round(t, 2) for t in times['with']]} median {with_slow:.2f}s "
                  f"({(with_slow / without - 1) * 100:+.1f}%); "
                  f"{FAST * MESSAGES / with_slow:.0f} deliveries/s with the slow ones"
                  f"\n  worker peak VmRSS: without {[p // mib for p in peaks['without']]} MiB, "
                  f"with {[p // mib for p in peaks['with']]} MiB, bound {bound / mib:.0f} MiB"
                  f"\n  slow subscribers per run (received + dropped and counted = sent, "
                  f"markers included): {dropped_per_run}")
            self.assertLessEqual(with_slow, without * 1.10, "slow subscribers slowed the fast ones")
            self.assertLessEqual(max(peaks["with"]), bound, "worker memory beyond the queue bound")


if __name__ == "__main__":
    unittest.main(verbosity=2)
