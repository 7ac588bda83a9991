"""Cluster mode on NATS JetStream (docs/OPERATIONS.md, "A cluster on NATS
JetStream"; docs/ARCHITECTURE.md, "A cluster"): 3 nats-server nodes in one
JetStream cluster and 3 `hookbot serve --cluster` hosts, every process started
and stopped here, on 127.0.0.1.

Every subscriber is a real websocket client (JSON envelopes, so that each
message's id is seen); publishers are real HTTP clients that send round-robin
to all hosts. What must hold, whatever fails: every message answered 200 is
delivered to every subscriber exactly once, all in one order (the stream's),
and no publish waits past its deadline.
"""
import asyncio
import hashlib
import hmac
import json
import os
import signal
import tempfile
import threading
import time
import unittest

import websockets

import nats_wire
from harness import Server, bearer, parse_metrics, value, wait_for
from nats_cluster import NatsCluster
from systemd_env import NotifySocket
from test_resume import EventStream
from tls_pki import TestPKI

TOPIC = "cluster/t"
STREAM = "hookbot"  # --cluster-stream's default
PUBLISH_TIMEOUT_MS = 2000
# A publish's answer comes within the publish timeout; the client allows a margin.
ANSWER_DEADLINE = PUBLISH_TIMEOUT_MS / 1000 + 2


class Host(Server):
    """A `hookbot serve --cluster` host with one worker, ready once its bus is
    the stream's (a host's first start replaces its bus once: the supervisor
    gives it the stream's identity as its epoch) and its worker has joined."""

    def __init__(self, nats, name, env=None, extra_args=()):
        super().__init__(workers=1, env=env, extra_args=[
            "--cluster", nats.urls(), "--instance", f"{name}-{os.getpid()}",
            "--cluster-publish-timeout", str(PUBLISH_TIMEOUT_MS), *extra_args])

    def __enter__(self):
        self.start()
        self.wait_ready()
        return self

    def wait_ready(self, since=0, timeout=30):
        """serve says it serves (its status line, READY=1) only once its bus is the
        stream's and the stream consumed: after that nothing restarts."""
        self.wait_for_log(r"the acceptor serves and a worker has joined: ready", timeout, since)
        self.assertConsuming()

    def assertConsuming(self):
        assert self.metric("hookbot_cluster_connected") == 1
        assert self.metric("hookbot_cluster_consuming") == 1
        assert len(self.worker_pids()) == 1

    def metric(self, name, **labels):
        try:
            status, body, _ = self.request("GET", "/metrics", timeout=2)
        except OSError:
            return None
        return value(parse_metrics(body.decode()), name, **labels) if status == 200 else None

    def kill9(self):
        """SIGKILL to serve and its children at once: the host dies."""
        for pid in [*self.children("hookbot-acceptor-cluster"), *self.worker_pids(),
                    self.process.pid]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait(timeout=10)


def publish(host, body, timeout=ANSWER_DEADLINE):
    """(status, id or None, seconds it took) of one publish to `host`."""
    path = "/pub/" + TOPIC
    start = time.monotonic()
    try:
        status, _, response = host.request("POST", path, body=body, headers=bearer(path),
                                           timeout=timeout)
        return status, response.getheader("Hookbot-Id"), time.monotonic() - start
    except OSError:
        return None, None, time.monotonic() - start


class Subscriber:
    """A websocket subscriber (JSON envelopes) on its own thread and event
    loop; it keeps (id, body) of every message, and can move to another host
    resuming after the last id it got."""

    def __init__(self, host, since=None, topic=TOPIC):
        self.topic = topic
        self.messages = []
        self.gaps = []
        self.closed = None  # the close code, once the server closed it
        self._lock = threading.Condition()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._task = None
        self.connect(host, since)

    def connect(self, host, since=None):
        with self._lock:
            self.closed = None
        ready = asyncio.run_coroutine_threadsafe(self._open(host, since), self._loop)
        ws = ready.result(timeout=15)
        self._task = asyncio.run_coroutine_threadsafe(self._read(ws), self._loop)

    async def _open(self, host, since):
        path = "/sub/" + self.topic
        query = "?format=json" + (f"&since={since}" if since else "")
        return await websockets.connect(host.ws_url(path) + query, extra_headers=bearer(path),
                                        max_size=None, ping_interval=None, open_timeout=10)

    async def _read(self, ws):
        try:
            async for frame in ws:
                envelope = json.loads(frame)
                with self._lock:
                    if envelope.get("gap"):
                        self.gaps.append(envelope)
                    else:
                        self.messages.append((envelope["id"], envelope["body"]))
                    self._lock.notify_all()
        finally:
            with self._lock:
                self.closed = ws.close_code if ws.close_code is not None else -1
                self._lock.notify_all()

    def last_id(self):
        with self._lock:
            return self.messages[-1][0] if self.messages else None

    def wait_for_ids(self, ids, timeout=30):
        """Waits until every id in `ids` has arrived."""
        wanted = set(ids)
        deadline = time.monotonic() + timeout
        with self._lock:
            while not wanted <= {i for i, _ in self.messages}:
                left = deadline - time.monotonic()
                if left <= 0:
                    missing = sorted(wanted - {i for i, _ in self.messages})
                    raise AssertionError(f"{len(missing)} of {len(wanted)} messages missing, "
                                         f"first {missing[:5]}")
                self._lock.wait(left)

    def wait_closed(self, timeout=15):
        deadline = time.monotonic() + timeout
        with self._lock:
            while self.closed is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError("the subscriber was not closed")
                self._lock.wait(left)

    def stop(self):
        if self._task:
            self._task.cancel()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)


def publish_round_robin(hosts, label, count):
    """Publishes `count` messages to `hosts` in turn; each must get 200. Their ids."""
    ids = []
    for n in range(count):
        status, message_id, _ = publish(hosts[n % len(hosts)], f"{label} {n}")
        assert status == 200, (label, n, status)
        ids.append(message_id)
    return ids


def publish_once_stored(hosts, label, count, timeout=30):
    """As publish_round_robin, each publish tried again until it gets 200
    (NATS is coming back). Their ids."""
    ids = []
    for n in range(count):
        def stored(n=n):
            status, message_id, _ = publish(hosts[n % len(hosts)], f"{label} {n}")
            return message_id if status == 200 else None
        ids.append(wait_for(stored, timeout, f"publish {label} {n} to get 200"))
    return ids


def number_of(message_id):
    """The number after the stream's identity: its stream message's sequence
    times 1000, plus its place in that message (ARCHITECTURE.md, "Ids")."""
    return int(message_id.rsplit("-", 1)[1])


def sequence_of(message_id):
    """The stream sequence of the message that carries this publish."""
    return number_of(message_id) // 1000


def publish_burst(hosts, label, count):
    """Sends `count` publishes over as many connections, spread over `hosts`,
    before reading any answer, so that they reach the hosts together; each
    must get 200. Their ids."""
    path = "/pub/" + TOPIC
    connections = [hosts[n % len(hosts)].http_connection(ANSWER_DEADLINE) for n in range(count)]
    try:
        for n, connection in enumerate(connections):
            connection.request("POST", path, body=f"{label} {n}", headers=bearer(path))
        ids = []
        for n, connection in enumerate(connections):
            response = connection.getresponse()
            response.read()
            assert response.status == 200, (label, n, response.status)
            ids.append(response.getheader("Hookbot-Id"))
        return ids
    finally:
        for connection in connections:
            connection.close()


class ClusterTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.workdir = tempfile.TemporaryDirectory(prefix="hookbot-cluster-test-")
        cls.nats = NatsCluster(size=3, workdir=cls.workdir.name).__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.nats.__exit__(None, None, None)
        cls.workdir.cleanup()

    def setUp(self):
        # Each test starts from a cluster of 3 running nodes and no stream
        # (deleted first: a node still catching up on it is not "ready").
        for i, node in enumerate(self.nats.nodes):
            if not node.running():
                self.nats.start(i, wait=False)
        try:
            nats_wire.retrying(lambda: nats_wire.delete_stream(self.nats.running_urls(), STREAM),
                               30, "the stream to be deleted")
        except nats_wire.JetStreamError as e:
            if e.err_code != 10059:  # not found: nothing to delete
                raise
        self.nats.wait_ready()
        self.subscribers = []
        self.addCleanup(lambda: [s.stop() for s in self.subscribers])

    def hosts(self, count=3):
        """`count` hosts, started one after the other (the first creates the stream)."""
        stack = []
        for i in range(count):
            host = Host(self.nats, f"c{i}")
            stack.append(host.__enter__())
            self.addCleanup(host.__exit__, None, None, None)
        return stack

    def subscribe(self, host, since=None, topic=TOPIC):
        try:
            subscriber = Subscriber(host, since, topic)
        except Exception:
            # A refused subscriber (once: a 503 from a host said ready, a
            # worker of its replaced bus counted as joined). What the host
            # did; hosts() leaves theirs without failing, so nothing else
            # prints it.
            print("---- host log ----\n" + "".join(host.log_lines[-60:]))
            raise
        self.subscribers.append(subscriber)
        return subscriber

    def assert_exactly_once_in_order(self, subscribers, answered):
        """Every subscriber got each answered id once, ids in ascending order,
        and all got the same sequence (the stream's order)."""
        for subscriber in subscribers:
            subscriber.wait_for_ids(answered)
        sequences = []
        for subscriber in subscribers:
            ids = [i for i, _ in subscriber.messages]
            self.assertEqual(len(ids), len(set(ids)), "a message delivered twice")
            self.assertEqual(ids, sorted(ids, key=number_of), "out of the stream's order")
            sequences.append(ids)
        for ids in sequences[1:]:
            common = set(ids) & set(sequences[0])
            self.assertEqual([i for i in ids if i in common],
                             [i for i in sequences[0] if i in common])

    def test_1_every_host_delivers_every_message_once_in_one_order(self):
        hosts = self.hosts(3)
        subscribers = [self.subscribe(h) for h in hosts for _ in range(2)]
        ids = publish_round_robin(hosts, "m", 300)
        answered = {message_id: f"m {n}" for n, message_id in enumerate(ids)}
        self.assert_exactly_once_in_order(subscribers, answered)
        for subscriber in subscribers:
            self.assertEqual(dict(subscriber.messages), answered)
        # One stream, one identity: every host's ids share it.
        self.assertEqual(len({i.split("-")[0] for i in answered}), 1)
        for host in hosts:
            self.assertEqual(host.metric("hookbot_cluster_consumer_lag_messages"), 0)
            self.assertGreaterEqual(host.metric("hookbot_cluster_publish_ack_seconds_count"), 1)

    def test_1b_publishes_sent_together_keep_one_order_and_resume_inside_a_message(self):
        hosts = self.hosts(3)
        subscribers = [self.subscribe(h) for h in hosts]
        ids = [i for burst in range(4) for i in publish_burst(hosts, f"burst {burst}", 90)]
        self.assertEqual(len(set(ids)), len(ids))
        # A host has 8 stream messages in flight at most: of the 30 publishes
        # that reach it at once, some go together in one.
        shared = [i for i in ids if number_of(i) % 1000 != 0]
        self.assertTrue(shared, "no stream message carried more than one publish")
        self.assert_exactly_once_in_order(subscribers, set(ids))
        # Resuming after a publish in the middle of a message, on another host:
        # the rest of that message, then everything after it.
        order = [i for i, _ in subscribers[0].messages]
        middle = order.index(min(shared, key=number_of)) - 1
        resumer = self.subscribe(hosts[2], since=order[middle])
        resumer.wait_for_ids(order[middle + 1:])
        self.assertEqual([i for i, _ in resumer.messages], order[middle + 1:])
        self.assertEqual(resumer.gaps, [])

    def test_2_a_host_killed_its_subscribers_resume_on_another(self):
        hosts = self.hosts(3)
        moving = [self.subscribe(hosts[0]) for _ in range(3)]
        staying = self.subscribe(hosts[1])
        answered = publish_round_robin(hosts, "before", 100)
        for subscriber in moving:
            subscriber.wait_for_ids(answered[:50])
        hosts[0].kill9()
        for subscriber in moving:
            subscriber.wait_closed()
        # Publishing goes on on the others while the receivers move.
        answered += publish_round_robin(hosts[1:], "after", 20)
        for subscriber in moving:
            subscriber.connect(hosts[2], since=subscriber.last_id())
        answered += publish_round_robin(hosts[1:], "later", 80)
        self.assert_exactly_once_in_order([*moving, staying], answered)

    def test_2b_a_host_that_rejoins_catches_up_from_the_stream(self):
        bus_dir = tempfile.TemporaryDirectory(prefix="hookbot-cluster-bus-")
        self.addCleanup(bus_dir.cleanup)
        others = self.hosts(2)
        with Host(self.nats, "rejoining", extra_args=["--bus-dir", bus_dir.name]) as host:
            before = publish_round_robin([host, *others], "before", 30)
            wait_for(lambda: host.metric("hookbot_cluster_stream_sequence") ==
                     sequence_of(before[-1]), 15, "the host to append everything")
        missed = publish_round_robin(others, "while away", 50)
        with Host(self.nats, "rejoining", extra_args=["--bus-dir", bus_dir.name]) as host:
            self.assertNotIn("asking for a bus", "".join(host.log_lines),
                             "a kept bus of the same stream is not replaced")
            host.wait_for_log(r"consuming stream \"hookbot\" from sequence "
                              rf"{sequence_of(before[-1])} \(the newest this bus holds", 5)
            # A receiver resumes on it from before it went away.
            resumer = self.subscribe(host, since=before[9])
            resumer.wait_for_ids(before[10:] + missed)
            self.assertEqual([i for i, _ in resumer.messages], before[10:] + missed)
            self.assertEqual(resumer.gaps, [])

    def test_2c_a_resume_older_than_the_bus_is_served_from_the_stream(self):
        # A bus of one 128 KiB ring holds the last few hundred of these
        # messages; the stream (this host creates it) the last ~1,500.
        small = ["--shards", "1", "--ring-bytes", "131072", "--blob-threshold", "8192",
                 "--cluster-max-bytes", "400000"]
        with Host(self.nats, "small", extra_args=small) as host:
            ids = publish_round_robin([host], "." * 200, 3000)
            wait_for(lambda: host.metric("hookbot_cluster_stream_sequence") ==
                     sequence_of(ids[-1]), 15, "the host to append everything")
            # The bus lapped this id long ago; the stream still holds what follows.
            resumer = self.subscribe(host, since=ids[1699])
            resumer.wait_for_ids(ids[1700:])
            self.assertEqual([i for i, _ in resumer.messages], ids[1700:])
            self.assertEqual(resumer.gaps, [])
            # The stream dropped what follows this one too: a gap notice first,
            # then everything the stream still holds, the bus's after it.
            early = self.subscribe(host, since=ids[9])
            early.wait_for_ids(ids[-1:])
            received = [i for i, _ in early.messages]
            self.assertEqual(early.gaps, [{"gap": {"since": ids[9], "reason": "overwritten"}}])
            self.assertGreater(len(received), 1000)
            self.assertEqual(received, ids[ids.index(received[0]):], "every one after the gap")
            self.assertEqual(host.metric("hookbot_cluster_stream_resumes_total", result="served"), 2)
            self.assertEqual(host.metric("hookbot_cluster_stream_resumes_total", result="unserved"), 0)
            self.assertGreaterEqual(host.metric("hookbot_cluster_stream_resume_messages_total"),
                                    len(ids) - 1700)  # the first resume's alone
            # Both go on with live messages, once each.
            live = publish_round_robin([host], "live", 5)
            for subscriber in (resumer, early):
                subscriber.wait_for_ids(live)
                self.assertEqual([i for i, _ in subscriber.messages][-5:], live)
            # A host that joins now starts at the stream's end: a receiver
            # moving to it from an id it never had gets those from the stream.
            with Host(self.nats, "joining") as joining:
                listener = self.subscribe(joining)
                mover = self.subscribe(joining, since=ids[2499])
                mover.wait_for_ids(ids[2500:] + live)
                self.assertEqual([i for i, _ in mover.messages], ids[2500:] + live)
                self.assertEqual(mover.gaps, [])
                # An event stream resuming with Last-Event-ID, the same way.
                path = "/sub/" + TOPIC
                events = EventStream(joining, TOPIC,
                                     headers={**bearer(path), "Last-Event-ID": ids[2899]})
                self.addCleanup(events.close)
                got = events.events(len(ids) - 2900 + len(live))
                self.assertEqual([e["id"] for e in got], ids[2900:] + live)
                # Its workers have read nothing yet: what comes next is not
                # held back as if they were thousands of messages behind.
                joined = publish_round_robin([joining], "joined", 3)
                for subscriber in (listener, mover):
                    subscriber.wait_for_ids(joined, timeout=10)

    def test_3_a_nats_node_killed_mid_run_loses_no_answered_message(self):
        hosts = self.hosts(3)
        subscribers = [self.subscribe(h) for h in hosts]
        answered, refused, slowest = [], 0, 0.0
        killed = restarted = False
        start = time.monotonic()
        n = 0
        # The node killed is the stream's leader: its followers must elect
        # another while publishes keep coming.
        while time.monotonic() - start < 16 and n < 6000:
            elapsed = time.monotonic() - start
            if not killed and elapsed > 3:
                leader = nats_wire.stream_info(self.nats.running_urls(), STREAM)["cluster"]["leader"]
                self.nats.kill9(self.nats.index_of(leader))
                print(f"  killed the stream leader {leader} after {n} publishes", flush=True)
                killed = True
            if killed and not restarted and elapsed > 10:
                for i, node in enumerate(self.nats.nodes):
                    if not node.running():
                        self.nats.start(i, wait=False)
                restarted = True
            status, message_id, took = publish(hosts[n % 3], f"m{n}")
            slowest = max(slowest, took)
            if status == 200:
                answered.append(message_id)
            else:
                self.assertIn(status, (503, None))
                refused += 1
            n += 1
        print(f"  {len(answered)} answered 200, {refused} refused, slowest answer {slowest:.2f}s",
              flush=True)
        # During the election JetStream answers "no responders" at once.
        refused_by_reason = {reason: sum(host.metric("hookbot_cluster_publishes_refused_total",
                                                     reason=reason) for host in hosts)
                             for reason in ("disconnected", "timeout", "error")}
        print(f"  refused by reason: {refused_by_reason}", flush=True)
        self.assertEqual(sum(refused_by_reason.values()), refused)
        self.assertTrue(killed)
        self.assertLess(slowest, ANSWER_DEADLINE, "a publish hung past its deadline")
        self.assertGreater(len(answered), 100)
        self.assert_exactly_once_in_order(subscribers, answered)

    def test_4_nats_stopped_publishes_503_at_once_and_hosts_catch_up(self):
        hosts = self.hosts(3)
        subscribers = [self.subscribe(h) for h in hosts]
        answered = publish_round_robin(hosts, "before", 30)
        self.nats.stop_all()
        for host in hosts:
            wait_for(lambda h=host: h.metric("hookbot_cluster_connected") == 0, 15,
                     "the hosts to notice NATS is gone")
        for n in range(9):
            status, _, took = publish(hosts[n % 3], f"during {n}")
            self.assertEqual(status, 503)
            self.assertLess(took, 1.0, "a publish without NATS must be refused at once")
        _, _, response = hosts[0].request("POST", "/pub/" + TOPIC, body="x",
                                          headers=bearer("/pub/" + TOPIC))
        self.assertEqual(response.getheader("Retry-After"), "1")
        self.nats.start_all()
        answered += publish_once_stored(hosts, "after", 30)
        self.assert_exactly_once_in_order(subscribers, answered)
        for subscriber in subscribers:
            self.assertIsNone(subscriber.closed, "a live subscriber was disconnected")

    def test_4b_a_host_started_without_nats_serves_and_joins_when_it_comes(self):
        self.nats.stop_all()
        host = Host(self.nats, "early")
        host.start()
        self.addCleanup(host.__exit__, None, None, None)
        host.wait_for_log(r"not consuming the stream after \d+ ms", 20)
        host.wait_for_log(r"the acceptor serves and a worker has joined: ready", 5)
        status, _, took = publish(host, "too early")
        self.assertEqual((status, took < 1.0), (503, True))
        waiting = self.subscribe(host)  # bounced once when the bus becomes the stream's
        self.nats.start_all()
        wait_for(lambda: host.metric("hookbot_cluster_consuming") == 1, 30,
                 "the host to consume the stream once NATS is there")
        waiting.wait_closed()
        subscriber = self.subscribe(host)
        ids = publish_round_robin([host], "now", 5)
        subscriber.wait_for_ids(ids)

    def check_stream_replaced(self, replace):
        hosts = self.hosts(3)
        subscriber = self.subscribe(hosts[0])
        old = publish_round_robin(hosts, "old", 10)
        subscriber.wait_for_ids(old)
        marks = [h.log_mark() for h in hosts]
        replace()
        for host, mark in zip(hosts, marks):
            host.wait_for_log(r"cluster: stream \"hookbot\" was replaced", 30, mark)
            host.wait_ready(since=mark)
        new = publish_once_stored(hosts, "new", 10)
        self.assertNotEqual(new[0].split("-")[0], old[0].split("-")[0])
        # The old bus is gone with its subscribers; one resuming from an id
        # of the old stream is told so, on any host.
        subscriber.wait_closed()
        for host in hosts:
            resumer = self.subscribe(host, since=old[-1])
            wait_for(lambda r=resumer: r.gaps, 15, "a gap notice for an id of the old stream")
            self.assertEqual(resumer.gaps[0]["gap"]["reason"], "other_epoch")

    def test_5_the_stream_deleted_and_made_again(self):
        def recreate():
            nats_wire.delete_stream(self.nats.running_urls(), STREAM)
        self.check_stream_replaced(recreate)

    def test_6_nats_restarted_with_an_empty_store(self):
        self.check_stream_replaced(self.nats.wipe_and_restart_all)

    def test_7_the_link_is_in_the_status_line(self):
        with NotifySocket() as notify:
            host = Host(self.nats, "notified", env={"NOTIFY_SOCKET": notify.path})
            with host:
                publish_round_robin([host], "m", 5)
                status = notify.wait_for(
                    lambda n: "NATS connected, lag 0 messages" in (n.get("STATUS") or "") and
                    "publish ack 0.0 ms" not in n.get("STATUS"), 15,
                    "STATUS= with the NATS link and a publish acknowledged")
                self.assertRegex(status.get("STATUS"), r"; NATS connected, lag 0 messages "
                                 r"\(0\.0 s\), publish ack \d+\.\d ms$")
                self.nats.stop_all()
                notify.wait_for(lambda n: "NATS disconnected" in (n.get("STATUS") or ""), 15,
                                "STATUS= saying NATS is gone")

    def test_8_the_github_router_routes_once_for_the_whole_cluster(self):
        secret = "cluster-router-secret"
        routed_topic = "github.com/repo/octo/hello/branch/main"
        hosts = []
        for i in range(2):
            host = Host(self.nats, f"router{i}", env={"HOOKBOT_GITHUB_SECRET": secret},
                        extra_args=["--router", "github"])
            hosts.append(host.__enter__())
            self.addCleanup(host.__exit__, None, None, None)
        watchers = [self.subscribe(h, topic=routed_topic) for h in hosts]
        event = json.dumps({"ref": "refs/heads/main", "after": "a" * 40,
                            "repository": {"full_name": "octo/hello"},
                            "pusher": {"name": "mona"}}).encode()
        signature = "sha256=" + hmac.new(secret.encode(), event, hashlib.sha256).hexdigest()
        status, _, _ = hosts[0].request(
            "POST", "/unsafe/pub/github.com/octo?extra-metadata=github", body=event,
            headers={"X-GitHub-Event": "push", "X-Hub-Signature-256": signature,
                     "X-GitHub-Delivery": "d1", "Content-Type": "application/json"})
        self.assertEqual(status, 200)
        # A sentinel after it, through the same host: its one NATS connection
        # keeps the order of what it sends, the routed message before the
        # sentinel, so anything routed twice would come before the sentinel.
        # (Through another host, a publish may come between an original and
        # its routed message.)
        path = "/pub/" + routed_topic
        status, _, _ = hosts[0].request("POST", path, body="sentinel", headers=bearer(path))
        self.assertEqual(status, 200)
        for watcher in watchers:
            wait_for(lambda w=watcher: len(w.messages) >= 2, 15, "the summary and the sentinel")
            bodies = [body for _, body in watcher.messages]
            self.assertEqual(len(bodies), 2, bodies)
            self.assertIn('"Repo":"octo/hello"', bodies[0])
            self.assertEqual(bodies[1], "sentinel")

    def test_9_without_cluster_nothing_of_nats_is_loaded(self):
        with Server(workers=1) as plain:
            for pid in [plain.process.pid, *plain.children("hookbot-acceptor"),
                        *plain.worker_pids()]:
                with open(f"/proc/{pid}/maps") as maps:
                    self.assertNotIn("libnats", maps.read(), f"pid {pid}")
            _, page, _ = plain.request("GET", "/metrics")
            self.assertNotIn(b"hookbot_cluster_", page)


class ClusterTlsTest(unittest.TestCase):
    """TLS to NATS (--cluster-ca-file): JetStream nodes whose clients must
    speak TLS, their certificate from a throwaway CA; the link reads and
    writes the TLS connection on the acceptor's event loop
    (docs/ARCHITECTURE.md, "A cluster")."""

    def test_a_host_publishes_and_consumes_over_tls(self):
        with tempfile.TemporaryDirectory(prefix="hookbot-cluster-tls-") as folder:
            pki = TestPKI(folder)
            cert, key = pki.server_certificate("nats")
            nats = NatsCluster(size=3, workdir=os.path.join(folder, "nats"))
            for node in nats.nodes:
                with open(node.config) as f:
                    config = f.read()
                nats.use_config(node.index, config + f'tls {{\n  cert_file: "{cert}"\n'
                                f'  key_file: "{key}"\n}}\n', node.name)
            with nats, Host(nats, "tls", extra_args=["--cluster-ca-file", pki.ca_cert]) as host:
                subscriber = Subscriber(host)
                try:
                    ids = publish_round_robin([host], "over tls", 20)
                    subscriber.wait_for_ids(ids, timeout=15)
                    self.assertEqual([body for _, body in subscriber.messages],
                                     [f"over tls {n}" for n in range(20)])
                finally:
                    subscriber.stop()


if __name__ == "__main__":
    unittest.main()
