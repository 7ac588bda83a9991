"""The NATS fixtures the cluster tests stand on (issue 18): nats_cluster.py
starts a 3-node JetStream cluster of Debian's nats-server, nats_wire.py
speaks NATS by hand. Nothing of hookbot runs here; this proves the ground
(a node killed with -9, the cluster stopped and started, its store wiped)
behaves as the cluster tests assume, and how long each step takes.

Every wait polls under a deadline; the timings are printed.
"""
import base64
import os
import tempfile
import time
import unittest

import nats_wire
from nats_cluster import MAX_PAYLOAD, NatsCluster

STREAM = "fixture"
SUBJECT = "hookbot." + STREAM  # hookbot's stream NAME has the one subject hookbot.NAME

# Bounds on what the fixture tests wait for. A JetStream election after a
# kill -9 takes 4 to 9 s (nats-server 2.9's Raft election timeout), more on
# a loaded machine; a restart of all nodes with their stores up to 13 s.
ELECTION_TIMEOUT = 30
# Each try of a request during an election: short, so that the time it
# takes to answer again is measured to within this.
TRY_TIMEOUT = 1


def timed(label, since):
    print(f"  {label}: {time.monotonic() - since:.2f}s", flush=True)


class NatsFixtureTest(unittest.TestCase):
    def setUp(self):
        self.workdir = tempfile.TemporaryDirectory(prefix="hookbot-nats-test-")
        self.addCleanup(self.workdir.cleanup)

    def cluster(self):
        return NatsCluster(size=3, workdir=self.workdir.name)

    def test_a_node_killed_with_9_and_restarted(self):
        start = time.monotonic()
        with self.cluster() as nats:
            timed("3 nodes started, meta leader elected, all current", start)
            urls = nats.urls()
            self.assertEqual(urls.count("nats://127.0.0.1:"), 3)
            self.assertEqual(len(set(nats.pids())), 3)

            with nats_wire.Connection(urls) as connection:
                self.assertEqual(connection.info["max_payload"], MAX_PAYLOAD)
                self.assertTrue(connection.info.get("headers"))
                self.assertTrue(connection.info.get("jetstream"))
                with self.assertRaises(nats_wire.NoResponders):
                    connection.request("nobody.listens.here", b"?", timeout=5)
                with self.assertRaises(nats_wire.JetStreamError) as missing:
                    nats_wire.stream_info(connection, STREAM)
                self.assertEqual((missing.exception.code, missing.exception.err_code), (404, 10059))

            step = time.monotonic()
            created = nats_wire.retrying(
                lambda: nats_wire.create_stream(urls, STREAM, [SUBJECT], replicas=3),
                ELECTION_TIMEOUT, "the stream to be created with 3 replicas")
            timed("stream created (R3)", step)
            self.assertEqual(created["config"]["num_replicas"], 3)
            info = self.wait_all_replicas_current(urls)
            self.assertEqual(info["config"]["subjects"], [SUBJECT])
            self.assertEqual(info["state"]["messages"], 0)

            with nats_wire.Connection(urls) as connection:
                for n in range(1, 11):
                    ack = nats_wire.js_publish(connection, SUBJECT, f"before {n}")
                    self.assertEqual(ack, {"stream": STREAM, "seq": n})
                stored = nats_wire.get_message(connection, STREAM, 3)
                self.assertEqual(base64.b64decode(stored["data"]), b"before 3")
                self.assertEqual(stored["subject"], SUBJECT)

            # The worst node to lose: the stream's leader (its group must
            # elect another before a publish is acknowledged again).
            victim = nats.index_of(info["cluster"]["leader"])
            step = time.monotonic()
            nats.kill9(victim)
            self.assertIsNone(nats.pids()[victim])
            survivors = nats.running_urls()
            info = nats_wire.retrying(lambda: nats_wire.stream_info(survivors, STREAM, timeout=TRY_TIMEOUT),
                                      ELECTION_TIMEOUT, "stream info after kill -9")
            timed(f"kill -9 of the stream leader {nats.nodes[victim].name}: stream info answers", step)
            ack = self.publish_until_acked(survivors, "after kill")
            timed("... and a publish is acknowledged", step)
            self.assertEqual(ack, {"stream": STREAM, "seq": 11})
            info = nats_wire.stream_info(survivors, STREAM)
            self.assertEqual(info["state"]["last_seq"], 11)
            self.assertNotEqual(info["cluster"]["leader"], nats.nodes[victim].name)
            meta_leader = nats.meta_leader()
            timed(f"new stream leader {info['cluster']['leader']}; meta leader "
                  f"{'(electing)' if meta_leader is None else nats.nodes[meta_leader].name}", step)

            step = time.monotonic()
            nats.start(victim)
            timed(f"{nats.nodes[victim].name} restarted with its store, cluster ready", step)
            self.assertEqual(self.wait_all_replicas_current(urls)["state"]["last_seq"], 11)
            timed("... and its replica of the stream current", step)

            self.assertTrue(nats_wire.delete_stream(urls, STREAM))
            with self.assertRaises(nats_wire.JetStreamError) as gone:
                nats_wire.stream_info(urls, STREAM)
            self.assertEqual(gone.exception.err_code, 10059)

            nats.stop_all()
            self.assertEqual(nats.pids(), [None, None, None])
        self.assertIn("Starting nats-server", nats.log_text(0))
        timed("whole test", start)

    def test_stop_all_keeps_the_store_and_wipe_empties_it(self):
        start = time.monotonic()
        with self.cluster() as nats:
            urls = nats.urls()
            first = nats_wire.retrying(
                lambda: nats_wire.create_stream(urls, STREAM, [SUBJECT], replicas=3),
                ELECTION_TIMEOUT, "the stream to be created")
            self.wait_all_replicas_current(urls)
            self.assertEqual(nats_wire.js_publish(urls, SUBJECT, b"kept")["seq"], 1)

            step = time.monotonic()
            nats.stop_all()
            with self.assertRaises(nats_wire.NatsError):
                nats_wire.Connection(urls, timeout=2)
            nats.start_all()
            timed("stop_all + start_all: cluster ready", step)
            info = nats_wire.retrying(lambda: nats_wire.stream_info(urls, STREAM, timeout=TRY_TIMEOUT),
                                      ELECTION_TIMEOUT, "stream info after a restart of all")
            timed("... stream info answers", step)
            self.assertEqual(info["created"], first["created"])
            self.assertEqual(info["state"]["last_seq"], 1)
            self.assertEqual(self.publish_until_acked(urls, "after restart")["seq"], 2)
            timed("... a publish is acknowledged", step)

            step = time.monotonic()
            nats.wipe_and_restart_all()
            timed("wipe_and_restart_all: cluster ready", step)
            with self.assertRaises(nats_wire.JetStreamError) as gone:
                nats_wire.retrying(lambda: nats_wire.stream_info(urls, STREAM, timeout=TRY_TIMEOUT),
                                   ELECTION_TIMEOUT, "stream info after the wipe")
            self.assertEqual(gone.exception.err_code, 10059)
            second = nats_wire.retrying(
                lambda: nats_wire.create_stream(urls, STREAM, [SUBJECT], replicas=3),
                ELECTION_TIMEOUT, "the stream to be created again")
            timed("... stream created again", step)
            # A new creation time: what hookbot's stream identity hashes.
            self.assertNotEqual(second["created"], first["created"])
            self.assertEqual(self.publish_until_acked(urls, "new stream")["seq"], 1)
        timed("whole test", start)

    def test_a_body_of_25_mib_fits(self):
        with self.cluster() as nats:
            urls = nats.urls()
            nats_wire.retrying(lambda: nats_wire.create_stream(urls, STREAM, [SUBJECT], replicas=3),
                               ELECTION_TIMEOUT, "the stream to be created")
            self.wait_all_replicas_current(urls)
            body = os.urandom(25 * 1024 * 1024)
            step = time.monotonic()
            ack = nats_wire.js_publish(urls, SUBJECT, body, timeout=20,
                                       headers={"Hookbot-Topic": "large/body"})
            timed("25 MiB publish acknowledged by R3", step)
            self.assertEqual(ack["seq"], 1)
            stored = nats_wire.get_message(urls, STREAM, 1, timeout=20)
            self.assertEqual(base64.b64decode(stored["data"]), body)
            self.assertIn(b"Hookbot-Topic: large/body", base64.b64decode(stored["hdrs"]))

    # -- helpers -----------------------------------------------------------

    def wait_all_replicas_current(self, urls, timeout=ELECTION_TIMEOUT):
        """Stream info once the stream has a leader and two current replicas."""
        def current():
            info = nats_wire.stream_info(urls, STREAM, timeout=TRY_TIMEOUT)
            cluster = info.get("cluster") or {}
            replicas = cluster.get("replicas") or []
            if (not cluster.get("leader") or len(replicas) != 2 or
                    not all(r.get("current") and not r.get("offline") for r in replicas)):
                raise nats_wire.NatsTimeout(f"replicas not all current: {cluster}")
            return info
        return nats_wire.retrying(current, timeout, "every replica of the stream to be current")

    def publish_until_acked(self, urls, body, timeout=ELECTION_TIMEOUT):
        """Publishes `body` until JetStream acknowledges it (each try bounded
        by TRY_TIMEOUT); the ack's stream and seq. Every try carries the same
        Nats-Msg-Id, so a try that was stored but not acknowledged in time is
        not stored twice (JetStream answers the retry with "duplicate": true)."""
        msg_id = os.urandom(8).hex()
        ack = nats_wire.retrying(
            lambda: nats_wire.js_publish(urls, SUBJECT, body, timeout=TRY_TIMEOUT,
                                         headers={"Nats-Msg-Id": msg_id}),
            timeout, "a publish to be acknowledged")
        return {"stream": ack["stream"], "seq": ack["seq"]}


if __name__ == "__main__":
    unittest.main()
