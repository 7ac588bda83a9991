"""Slow subscribers cost their own messages, not the fast subscribers' speed
nor the worker's memory.

One worker; two groups of 100 fast subscribers, on topics "with" and
"without"; 10 slow subscribers on "with": raw sockets with a 4 KiB SO_RCVBUF
that complete the websocket handshake and then never read. Messages are 4 KiB
and go out in bursts of 50: each burst as fast as the server acknowledges,
the next once every fast subscriber of the topic has the burst's last
message.

What is compared, and why it is honest: the time of one burst, from its first
publish until the last fast subscriber of its topic holds its last message.
Bursts to "with" (100 fast + 10 slow) and to "without" (100 fast) alternate,
in pairs whose order alternates too; the figure is the median over 16 pairs
of the ratio of a pair's two times, which must be at most 1.10. The two sides
see the same machine at nearly the same moment, which on this shared, busy
machine matters more than anything else (runs taken seconds apart differed
by 20% with nothing changed). Even so one round's median ratio can be 15% off
either way here; when it is above the limit, up to two more rounds are
pooled with it: more pairs narrow the median, and a real slowdown stays
above the limit however many are pooled.
- Bursts, not a free-running publisher: the Python reader is slower than the
  server, and without bursts the fast subscribers' queues would overflow and
  the test would measure drops in the client. A burst is smaller than a queue
  (--queue-bytes holds 64 such messages), so a fast subscriber never drops.
- Before the timed bursts, untimed bursts to "with" fill the slow ones' socket
  buffers (the kernel takes about 3 MB of each on loopback) and queues until
  one whole burst is dropped for all of them: every timed message to "with"
  meets full queues, the case where a worker could stumble.
- Both sides use the same publisher and reader, so what the Python client
  costs is in both. One worker writes everything, which keeps the server's
  share of the time large. A worker that let slow subscribers hold it up (a
  blocking write, one queue for everyone, waiting for a write timeout) would
  stretch the bursts to "with" by far more than the 10% allowed; one that
  stumbled over them globally (say, spinning on their sockets) would show in
  both sides against the bursts timed before the slow ones connected, which
  are printed too.

Memory: the worker runs with --queue-bytes 256 KiB, so each slow subscriber
pins at most 256 KiB of payloads (payloads are shared between subscribers, so
the fast ones add nothing beyond what they needed before). The worker's peak
VmRSS with the slow ones must stay under its peak before they connected plus
10 x 256 KiB plus 8 MiB of slack (allocator, per-connection buffers).
Unbounded queues would grow by 10 x 4 KiB per message published. The bus is
one ring of 4 MiB (--shards 1 --ring-bytes 4194304), so the ring pages the
worker maps, which VmRSS counts once touched, are few.

Counting: the worker's `dropped` counter (its slot in the control segment)
must grow by exactly what the slow subscribers did not get: at the end they
start reading, markers are published until every slow subscriber has one, and
then messages received + dropped == 10 x (messages published to "with" since
they connected + markers).
"""
import contextlib
import mmap
import statistics
import struct
import threading
import time
import unittest

from harness import MEMORY_BOUNDS_CHECKED, Server, wait_for
from raw_ws import RawSubscriber, SubscriberPump

WITH, WITHOUT = "slow/with", "slow/without"
FAST, SLOW = 100, 10
BODY_BYTES, BURST, PAIRS, WARMUP_PAIRS = 4096, 50, 16, 4
MAX_ROUNDS = 3  # of PAIRS pairs each, pooled, while the ratio is above the limit
LIMIT = 1.10
MAX_FILLER = 3000
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
        self.run, self.next, self.errors = run, 0, []

    def __call__(self, payload):
        run, sequence = parse(payload)
        if sequence == MARK:
            return
        if (run, sequence) != (self.run, self.next):
            self.errors.append((run, sequence, self.next))
            return
        self.next += 1


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

    # The first slot follows the header and the acceptor's and the
    # supervisor's counters; each slot is 832 bytes (layout.hpp).
    HEADER, SLOT = 640, 832

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


def median_ratio(times):
    """Each pair's two bursts ran back to back: their ratio cancels what the
    machine was doing at that moment; the median over the pairs is the figure."""
    return statistics.median(w / o for w, o in zip(times[WITH], times[WITHOUT]))


class SlowSubscribers(unittest.TestCase):
    def test_slow_subscribers_do_not_slow_the_fast_ones_and_stay_bounded(self):
        with Server(workers=1, extra_args=SERVER_ARGS) as server, SubscriberPump() as pump:
            worker = server.worker_pids()[0]
            counters = WorkerCounters(server.port)
            tallies = {WITH: [FastTally() for _ in range(FAST)],
                       WITHOUT: [FastTally() for _ in range(FAST)]}
            fast = [RawSubscriber(server.port, topic, on_message=tally)
                    for topic, group in tallies.items() for tally in group]
            for subscriber in fast:
                pump.add(subscriber)
            for group in tallies.values():
                for tally in group:
                    tally.reset(0)
            sampler = RssSampler(worker)
            sampler.start()
            publisher = server.publisher()
            published = {WITH: 0, WITHOUT: 0}

            def burst(topic):
                """Publishes the topic's next burst; returns the seconds until every
                fast subscriber of the topic has the burst's last message."""
                group, first = tallies[topic], published[topic]
                started = time.monotonic()
                for sequence in range(first, first + BURST):
                    status, _ = publisher.publish(topic, body(0, sequence))
                    self.assertEqual(status, 200)
                end = published[topic] = first + BURST
                pump.wait(lambda: all(t.next >= end or t.errors for t in group), 30,
                          f"every fast subscriber of {topic} to get message {end - 1}")
                for tally in group:
                    self.assertEqual(tally.errors, [], f"a fast subscriber of {topic} missed some")
                return time.monotonic() - started

            def pairs(count):
                times = {WITH: [], WITHOUT: []}
                for i in range(count):
                    for topic in ((WITH, WITHOUT), (WITHOUT, WITH))[i % 2]:
                        times[topic].append(burst(topic))
                return times

            try:
                before = pairs(WARMUP_PAIRS)
                self.assertEqual(counters.dropped(), 0, "drops without slow subscribers")
                peak_before = sampler.take_peak()

                slow = [RawSubscriber(server.port, WITH, rcvbuf=4096, on_message=SlowTally(0))
                        for _ in range(SLOW)]
                wait_for(lambda: server.connections_of(worker) == 2 * FAST + SLOW, 10,
                         "the slow subscribers on the worker")
                published_before_slow = published[WITH]
                # Untimed: fill the slow ones' socket buffers and queues until a whole
                # burst is dropped for each, so that every timed message meets full queues.
                while True:
                    self.assertLess(published[WITH] - published_before_slow, MAX_FILLER,
                                    "the slow subscribers never filled")
                    dropped_earlier = counters.dropped()
                    burst(WITH)
                    if counters.dropped() - dropped_earlier == SLOW * BURST:
                        break
                filler = published[WITH] - published_before_slow
                # Pooled rounds: on a busy machine one round's median ratio can be
                # off by 15% either way; more pairs narrow it. A real slowdown
                # stays above the limit however many rounds are pooled.
                times = {WITH: [], WITHOUT: []}
                for rounds in range(1, MAX_ROUNDS + 1):
                    for topic, more in pairs(PAIRS).items():
                        times[topic] += more
                    if median_ratio(times) <= LIMIT:
                        break
                peak_with = sampler.take_peak()

                # The slow ones read now: what they get plus what was dropped for them
                # must be all that was published to them. A marker that meets a
                # still-full queue is dropped (and counted) too: publish one every
                # 100 ms until each has one.
                for subscriber in slow:
                    pump.add(subscriber)
                markers = 0
                deadline = time.monotonic() + 30
                while not all(s.on_message.markers for s in slow):
                    self.assertLess(time.monotonic(), deadline, "no marker got through")
                    status, _ = publisher.publish(WITH, body(0, MARK))
                    self.assertEqual(status, 200)
                    markers += 1
                    with contextlib.suppress(AssertionError):
                        pump.wait(lambda: all(s.on_message.markers for s in slow), 0.1, "markers")
                sent = SLOW * (published[WITH] - published_before_slow + markers)

                def accounted():
                    received = sum(s.on_message.received + s.on_message.markers for s in slow)
                    return received, counters.dropped()

                # Markers may still be in flight: wait for the sum to settle.
                with contextlib.suppress(AssertionError):
                    wait_for(lambda: sum(accounted()) == sent, 10, "")
                received, dropped = accounted()
            finally:
                sampler.stop.set()
                publisher.close()
                for subscriber in fast:
                    subscriber.close()

            median = {topic: statistics.median(t) for topic, t in times.items()}
            median_before = statistics.median(before[WITH] + before[WITHOUT])
            ratio = median_ratio(times)
            bound = peak_before + SLOW * QUEUE_BYTES + SLACK_BYTES
            mib = 1 << 20
            print(f"\n  bursts of {BURST} x {BODY_BYTES} B, {rounds} x {PAIRS} pairs, one worker: median time "
                  f"to the last of {FAST} fast subscribers: with {SLOW} slow ones on the topic "
                  f"{median[WITH] * 1000:.1f} ms, without {median[WITHOUT] * 1000:.1f} ms, "
                  f"median ratio of the pairs {ratio:.3f} ({(ratio - 1) * 100:+.1f}%); "
                  f"before the slow ones connected "
                  f"{median_before * 1000:.1f} ms; "
                  f"{FAST * BURST / median[WITH]:.0f} deliveries/s with them"
                  f"\n  worker peak VmRSS: before the slow ones {peak_before / mib:.1f} MiB, "
                  f"with them {peak_with / mib:.1f} MiB, bound {bound / mib:.1f} MiB"
                  f"\n  slow subscribers: {filler} filler + {rounds * PAIRS * BURST} timed messages "
                  f"to their topic, {markers} markers; received {received} + dropped and "
                  f"counted {dropped} = {received + dropped} of {sent} sent")
            self.assertEqual(received + dropped, sent, "messages lost without being counted")
            self.assertGreater(dropped, 0, "the slow subscribers were not slow")
            self.assertLessEqual(ratio, LIMIT, "slow subscribers slowed the fast ones")
            if MEMORY_BOUNDS_CHECKED:
                self.assertLessEqual(peak_with, bound, "worker memory beyond the queue bound")


if __name__ == "__main__":
    unittest.main(verbosity=2)
