"""Message ids, the JSON envelope, Server-Sent Events and resume, across real
processes (docs/PROTOCOL.md "Message ids", "Delivery formats", "Server-Sent
Events", "Resume"; docs/ARCHITECTURE.md "Resume").

Every subscriber here is a real client on a real socket: Debian's websockets
for websocket subscriptions, a socket reading the event stream for SSE, and
curl for the README's example.
"""
import asyncio
import base64
import json
import os
import re
import select
import signal
import socket
import subprocess
import tempfile
import time
import unittest

import websockets

from harness import Server, bearer, publish_all, receive_n, token, wait_for
from tls_pki import TestPKI, serve_args


def publish_ids(server, topic, bodies):
    """Publishes each body on one connection; the Hookbot-Id of each answer."""
    connection = server.http_connection()
    ids = []
    try:
        for body in bodies:
            path = "/pub/" + topic
            connection.request("POST", path, body=body, headers=bearer(path))
            response = connection.getresponse()
            assert (response.status, response.read()) == (200, b"OK\n")
            ids.append(response.getheader("Hookbot-Id"))
    finally:
        connection.close()
    return ids


async def subscribe_json(server, topic, since=None, fmt="json"):
    path = "/sub/" + topic
    query = [f"format={fmt}"] if fmt else []
    if since is not None:
        query.append(f"since={since}")
    url = server.ws_url(path) + ("?" + "&".join(query) if query else "")
    tls = {"ssl": server.ssl_context} if server.ssl_context else {}
    return await websockets.connect(url, extra_headers=bearer(path), max_size=None,
                                    max_queue=None, ping_interval=None, **tls)


async def receive_json(ws, count, timeout=30):
    return [json.loads(m) for m in await receive_n(ws, count, timeout)]


class EventStream:
    """An SSE subscription on a plain socket: the response head, then events
    parsed as the SSE spec says (fields up to a blank line)."""

    def __init__(self, server, topic, headers=None, query=""):
        path = "/sub/" + topic
        self.sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        if server.ssl_context:
            self.sock = server.ssl_context.wrap_socket(self.sock, server_hostname="127.0.0.1")
        fields = {"Host": f"127.0.0.1:{server.port}", "Accept": "text/event-stream",
                  **(bearer(path) if headers is None else headers)}
        request = f"GET {path}{query} HTTP/1.1\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in fields.items()) + "\r\n"
        self.sock.sendall(request.encode())
        self.buffer = b""
        while b"\r\n\r\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                break
            self.buffer += chunk
        head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        self.status = int(lines[0].split()[1])
        self.headers = {k.lower(): v for k, _, v in
                        (line.partition(": ") for line in lines[1:])}

    def _take_until(self, marker, deadline, what):
        """The buffered bytes before `marker` (removed with it), reading
        until it comes; fails with `what` at `deadline` or at the stream's end."""
        while marker not in self.buffer:
            left = deadline - time.monotonic()
            pending = getattr(self.sock, "pending", lambda: 0)()  # TLS: already decrypted
            if left <= 0 or not (pending or select.select([self.sock], [], [], left)[0]):
                raise AssertionError(f"{what()} in time: {self.buffer[-200:]!r}")
            chunk = self.sock.recv(65536)
            if not chunk:
                raise AssertionError(f"stream ended: {what()}")
            self.buffer += chunk
        got, _, self.buffer = self.buffer.partition(marker)
        return got

    def events(self, count, timeout=30):
        """The next `count` events (comments skipped), each a dict of fields."""
        deadline = time.monotonic() + timeout
        events = []
        while len(events) < count:
            block = self._take_until(b"\n\n", deadline,
                                     lambda: f"received {len(events)} of {count} events")
            fields = {}
            for line in block.decode().split("\n"):
                if line.startswith(":"):
                    continue
                name, _, value = line.partition(": ")
                fields[name] = value
            if fields:
                events.append(fields)
        return events

    def raw_until(self, marker, timeout):
        """The stream's bytes up to and including `marker`; fails after `timeout`."""
        return self._take_until(marker, time.monotonic() + timeout,
                                lambda: f"no {marker!r}") + marker

    def close(self):
        self.sock.close()


class Resume(unittest.TestCase):
    def run_async(self, coroutine):
        return asyncio.run(asyncio.wait_for(coroutine, 120))

    def test_publish_answers_carry_increasing_ids(self):
        with Server(workers=1) as server:
            ids = publish_ids(server, "ids/a", [b"1", b"2", b"3"])
            self.assertTrue(all(ids), ids)
            epochs = {i.split("-")[0] for i in ids}
            self.assertEqual(len(epochs), 1)
            self.assertEqual([int(i.split("-")[1]) for i in ids],
                             sorted(int(i.split("-")[1]) for i in ids))
            self.assertEqual(len(set(ids)), 3)

    def test_json_envelope_carries_id_topic_and_body(self):
        async def scenario(server):
            exact = await subscribe_json(server, "env/a")
            recursive = await subscribe_json(server, "env/")
            plain = await subscribe_json(server, "env/a", fmt=None)
            bodies = [b'{"text": "h\xc3\xa9\\n"}', b"\xff\x00binary"]
            ids = publish_ids(server, "env/a", bodies)
            got = await receive_n(exact, 2, 10)
            self.assertTrue(all(isinstance(m, str) for m in got), "text frames")
            first, second = (json.loads(m) for m in got)
            self.assertEqual(first, {"id": ids[0], "topic": "env/a",
                                     "body": bodies[0].decode()})
            self.assertEqual(second, {"id": ids[1], "topic": "env/a",
                                      "body_b64": base64.b64encode(bodies[1]).decode()})
            self.assertEqual([m["topic"] for m in await receive_json(recursive, 2)],
                             ["env/a", "env/a"])
            # Without format=json the framing is the original's, byte for byte.
            self.assertEqual(await receive_n(plain, 2, 10), bodies)
            for ws in (exact, recursive, plain):
                await ws.close()

        with Server(workers=1) as server:
            self.run_async(scenario(server))

    def test_websocket_resume_gets_exactly_what_it_missed_then_live(self):
        async def scenario(server):
            ws = await subscribe_json(server, "resume/ws")
            publish_all(server, "resume/ws", [b"before-%d" % i for i in range(10)])
            seen = await receive_json(ws, 10)
            await ws.close()
            last = seen[-1]["id"]

            missed = [b"missed-%d" % i for i in range(500)]
            publish_all(server, "resume/ws", missed)
            publish_all(server, "resume/other", [b"not-this-topic"])
            ws = await subscribe_json(server, "resume/ws", since=last)
            replayed = await receive_json(ws, 500)
            self.assertEqual([m["body"].encode() for m in replayed], missed)
            publish_all(server, "resume/ws", [b"live"])
            self.assertEqual((await receive_json(ws, 1))[0]["body"], "live")
            # Nothing more: no repeat at the seam.
            with self.assertRaises(AssertionError):
                await receive_n(ws, 1, 1)
            await ws.close()

            # The original framing resumes too, without a notice; a recursive
            # subscription's frames are "topic NUL body", replayed or live.
            plain = await subscribe_json(server, "resume/ws", since=replayed[-2]["id"], fmt=None)
            self.assertEqual(await receive_n(plain, 2, 10), [b"missed-499", b"live"])
            await plain.close()
            recursive = await subscribe_json(server, "resume/", since=replayed[-1]["id"],
                                             fmt=None)
            self.assertEqual(await receive_n(recursive, 2, 10),
                             [b"resume/other\0not-this-topic", b"resume/ws\0live"])
            await recursive.close()

        with Server(workers=2) as server:
            self.run_async(scenario(server))

    def test_event_stream_resumes_with_last_event_id(self):
        with Server(workers=1) as server:
            stream = EventStream(server, "resume/sse")
            self.assertEqual(stream.status, 200)
            self.assertEqual(stream.headers["content-type"], "text/event-stream")
            self.assertEqual(stream.headers["cache-control"], "no-cache")
            self.assertEqual(stream.headers["referrer-policy"], "no-referrer")
            ids = publish_ids(server, "resume/sse", [b"one", b"two"])
            events = stream.events(2)
            self.assertEqual([e["id"] for e in events], ids)
            self.assertEqual([json.loads(e["data"])["body"] for e in events], ["one", "two"])
            stream.close()

            missed = [b"sse-%d" % i for i in range(500)]
            publish_all(server, "resume/sse", missed)
            headers = {**bearer("/sub/resume/sse"), "Last-Event-ID": ids[-1]}
            stream = EventStream(server, "resume/sse", headers=headers)
            replayed = stream.events(500)
            self.assertEqual([json.loads(e["data"])["body"].encode() for e in replayed], missed)
            publish_all(server, "resume/sse", [b"live"])
            self.assertEqual(json.loads(stream.events(1)[0]["data"])["body"], "live")
            stream.close()

    def test_an_idle_event_stream_gets_a_comment_every_15_seconds(self):
        with Server(workers=1) as server:
            stream = EventStream(server, "sse/idle")
            started = time.monotonic()
            # Nothing is published: the first bytes of the body are the comment.
            self.assertEqual(stream.raw_until(b"\n\n", 20), b":\n\n")
            self.assertGreater(time.monotonic() - started, 14)
            publish_all(server, "sse/idle", [b"after"])
            self.assertEqual(json.loads(stream.events(1)[0]["data"])["body"], "after")
            stream.close()

    def test_token_in_the_url_for_event_source_and_never_in_the_log(self):
        with Server(workers=1) as server:
            path = "/sub/url/token"
            secret = token(path)
            stream = EventStream(server, "url/token", headers={},
                                 query=f"?access_token={secret}")
            self.assertEqual(stream.status, 200)
            publish_all(server, "url/token", [b"via-url"])
            self.assertEqual(json.loads(stream.events(1)[0]["data"])["body"], "via-url")
            stream.close()
            refused = EventStream(server, "url/token", headers={}, query="?access_token=wrong")
            self.assertEqual(refused.status, 401)
            refused.close()
            # A refused request's log line shows the target, not the token.
            mark = server.log_mark()
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
            sock.sendall(f"GET {path}?access_token={secret}&x=1 HTTP/1.1\r\n"
                         f"Host: x\r\nX-Big: {'a' * 70000}\r\n\r\n".encode())
            sock.recv(65536)
            sock.close()
            server.wait_for_log(r"REDACTED", 10, since=mark)
            self.assertNotIn(secret, "\n".join(server.log_lines))

    def test_resume_across_a_killed_fanout_worker(self):
        async def scenario(server):
            ws = await subscribe_json(server, "resume/crash")
            publish_all(server, "resume/crash", [b"a", b"b"])
            last = (await receive_json(ws, 2))[-1]["id"]
            worker = server.worker_of(ws)
            os.kill(worker, signal.SIGKILL)
            with self.assertRaises(websockets.ConnectionClosed):
                await asyncio.wait_for(ws.recv(), 10)
            missed = [b"after-crash-%d" % i for i in range(500)]
            publish_all(server, "resume/crash", missed)
            wait_for(lambda: len(server.worker_pids()) == 1 and worker not in server.worker_pids(),
                     10, "the worker to be restarted")
            # Started is not joined: until its hello a subscription gets 503
            # (seen under ASan, where a worker takes a while to start).
            server.wait_worker_joined(server.worker_pids()[0], 30)
            ws = await subscribe_json(server, "resume/crash", since=last)
            self.assertEqual([m["body"].encode() for m in await receive_json(ws, 500)], missed)
            await ws.close()

        with Server(workers=1) as server:
            self.run_async(scenario(server))

    def test_resume_across_a_kill_of_the_whole_tree_and_a_restart_on_its_bus_dir(self):
        """--bus-dir: the rings are a file; a restart reopens them (same
        epoch), and a subscriber resumes across it with no gap."""
        async def before_crash(server):
            ws = await subscribe_json(server, "restart/a")
            publish_all(server, "restart/a", [b"seen-%d" % i for i in range(10)])
            last = (await receive_json(ws, 10))[-1]["id"]
            await ws.close()
            return last

        async def after_restart(server, last, missed):
            ws = await subscribe_json(server, "restart/a", since=last)
            replayed = await receive_json(ws, len(missed))
            self.assertEqual([m["body"].encode() for m in replayed], missed)
            ids = publish_ids(server, "restart/a", [b"after"])
            got = (await receive_json(ws, 1))[0]
            self.assertEqual((got["id"], got["body"]), (ids[0], "after"))
            await ws.close()
            return replayed[-1]["id"], ids[0]

        with tempfile.TemporaryDirectory() as bus_dir:
            args = ["--bus-dir", bus_dir, "--instance", f"resume-restart-{os.getpid()}"]
            missed = [b"missed-%d" % i for i in range(500)]
            crashed = Server(workers=1, extra_args=args)
            with crashed:
                last = asyncio.run(asyncio.wait_for(before_crash(crashed), 60))
                publish_all(crashed, "restart/a", missed)
                # The whole tree at once, as a power cut of the service would.
                tree = [crashed.process.pid, *crashed.children("hookbot-acceptor"),
                        *crashed.worker_pids()]
                for pid in tree:
                    os.kill(pid, signal.SIGKILL)
                crashed.process.wait(timeout=10)
            with Server(workers=1, extra_args=args) as server:
                last_missed, after = asyncio.run(
                    asyncio.wait_for(after_restart(server, last, missed), 60))
                # Same epoch, and the sequence went on.
                self.assertEqual(after.split("-")[0], last.split("-")[0])
                self.assertEqual(int(after.split("-")[1]), int(last_missed.split("-")[1]) + 1)

    def test_large_bodies_survive_a_clean_restart_on_its_bus_dir(self):
        """The blobs of a --bus-dir live in it: `systemctl restart` (a clean
        stop, then a start) keeps large bodies for resumes too."""
        with tempfile.TemporaryDirectory() as bus_dir:
            args = ["--bus-dir", bus_dir, "--instance", f"resume-blobs-{os.getpid()}",
                    "--max-body", "4096", "--blob-threshold", "1024", "--blob-budget", "8192"]
            bodies = [b"large-%d-" % i + b"x" * 3000 for i in range(2)]
            with Server(workers=1, extra_args=args) as server:
                before = publish_ids(server, "restart/large", [b"small"])[0]
                ids = publish_ids(server, "restart/large", bodies)
            with Server(workers=1, extra_args=args) as server:
                async def resume():
                    ws = await subscribe_json(server, "restart/large", since=before)
                    got = await receive_json(ws, 2)
                    await ws.close()
                    return got
                got = asyncio.run(asyncio.wait_for(resume(), 60))
                self.assertEqual([(m["id"], m["body"].encode()) for m in got],
                                 list(zip(ids, bodies)))

    def test_a_resume_from_before_the_retention_gets_a_gap_notice_first(self):
        async def scenario(server):
            first = publish_ids(server, "gap/a", [b"oldest"])[0]
            # 2 KiB bodies, 300 of them: more than the one 512 KiB ring holds.
            publish_all(server, "gap/a", [b"%04d" % i + b"x" * 2048 for i in range(300)])
            ws = await subscribe_json(server, "gap/a", since=first)
            notice = (await receive_json(ws, 1))[0]
            self.assertEqual(notice, {"gap": {"since": first, "reason": "overwritten"}})
            retained = await receive_json(ws, 1)
            self.assertLess(0, int(retained[0]["body"][:4]), "the oldest retained comes next")
            await ws.close()

            # An id of another bus, or none this bus wrote: a notice, then all.
            for since, reason in (("0000000000000001-5", "other_epoch"), ("nonsense", "unknown"),
                                  (first.split("-")[0] + "-999999", "unknown")):
                ws = await subscribe_json(server, "gap/a", since=since)
                self.assertEqual((await receive_json(ws, 1))[0],
                                 {"gap": {"since": since, "reason": reason}})
                await ws.close()

            stream = EventStream(server, "gap/a", query=f"?since={first}")
            gap = stream.events(1)[0]
            self.assertEqual(gap["event"], "gap")
            self.assertNotIn("id", gap, "a gap notice must not move the resume point")
            self.assertEqual(json.loads(gap["data"])["reason"], "overwritten")
            stream.close()

        with Server(workers=1, extra_args=["--shards", "1", "--ring-bytes", "524288"]) as server:
            self.run_async(scenario(server))

    def test_large_bodies_are_replayed_and_a_released_one_is_a_gap(self):
        async def scenario(server):
            before = publish_ids(server, "large/a", [b"small"])[0]
            # Blobs of 3000 bytes; the 8 KiB budget keeps the last two.
            bodies = [b"%d" % i + b"b" * 2999 for i in range(5)]
            ids = publish_ids(server, "large/a", bodies)
            ws = await subscribe_json(server, "large/a", since=before)
            notice, *retained = await receive_json(ws, 3)
            self.assertEqual(notice, {"gap": {"since": before, "reason": "released"}})
            self.assertEqual([(m["id"], m["body"].encode()) for m in retained],
                             list(zip(ids[3:], bodies[3:])))
            await ws.close()
            # The original framing replays a retained large body too.
            ws = await subscribe_json(server, "large/a", since=ids[3], fmt=None)
            self.assertEqual(await receive_n(ws, 1, 30), [bodies[4]])
            await ws.close()

        args = ["--max-body", "4096", "--blob-threshold", "1024", "--blob-budget", "8192"]
        with Server(workers=1, extra_args=args) as server:
            self.run_async(scenario(server))

    def test_since_all_and_latest(self):
        async def scenario(server):
            publish_all(server, "since/a", [b"1", b"2", b"3"])
            publish_all(server, "since/b", [b"other"])
            ws = await subscribe_json(server, "since/a", since="all")
            self.assertEqual([m["body"] for m in await receive_json(ws, 3)], ["1", "2", "3"])
            await ws.close()
            ws = await subscribe_json(server, "since/a", since="latest")
            self.assertEqual([m["body"] for m in await receive_json(ws, 1)], ["3"])
            publish_all(server, "since/a", [b"4"])
            self.assertEqual([m["body"] for m in await receive_json(ws, 1)], ["4"])
            await ws.close()

        with Server(workers=1) as server:
            self.run_async(scenario(server))

    def test_retention_age_keeps_old_messages_out_of_resumes(self):
        def oldest_age(server):
            status, page, _ = server.request("GET", "/metrics")
            assert status == 200
            ages = re.findall(rb"^hookbot_oldest_retained_age_seconds\{[^}]*\} (\d+)$", page,
                              re.MULTILINE)
            return max((int(age) for age in ages), default=0)

        async def scenario(server):
            before, old = publish_ids(server, "age/a", [b"first", b"old"])
            # The event to wait for: the bus itself says they are past the age.
            wait_for(lambda: oldest_age(server) >= 2, 10, "the messages to be 2 s old")
            new = publish_ids(server, "age/a", [b"new"])[0]
            ws = await subscribe_json(server, "age/a", since=before)
            self.assertEqual(await receive_json(ws, 2),
                             [{"gap": {"since": before, "reason": "expired"}},
                              {"id": new, "topic": "age/a", "body": "new"}])
            await ws.close()
            for since in ("all", "latest", old):
                ws = await subscribe_json(server, "age/a", since=since)
                self.assertEqual(await receive_json(ws, 1),
                                 [{"id": new, "topic": "age/a", "body": "new"}], since)
                await ws.close()

        with Server(workers=1, extra_args=["--retention-age", "1"]) as server:
            self.run_async(scenario(server))

    def test_since_latest_finds_the_newest_far_behind_the_end(self):
        async def scenario(server):
            newest = publish_ids(server, "latest/a", [b"older", b"newest"])[1]
            # 200 KiB of another topic in the same shard after it: many index
            # blocks (2 KiB each in this 512 KiB ring) to search back through.
            publish_all(server, "latest/b", [b"b" * 1024] * 200)
            ws = await subscribe_json(server, "latest/a", since="latest")
            self.assertEqual(await receive_json(ws, 1),
                             [{"id": newest, "topic": "latest/a", "body": "newest"}])
            publish_all(server, "latest/a", [b"live"])
            self.assertEqual([m["body"] for m in await receive_json(ws, 1)], ["live"])
            await ws.close()
            # Nothing retained for the topic: live messages only.
            ws = await subscribe_json(server, "latest/none", since="latest")
            publish_all(server, "latest/none", [b"first"])
            self.assertEqual([m["body"] for m in await receive_json(ws, 1)], ["first"])
            await ws.close()

        args = ["--shards", "1", "--ring-bytes", "524288"]
        with Server(workers=1, extra_args=args) as server:
            self.run_async(scenario(server))

    def test_curl_prints_events_as_they_are_published(self):
        with Server(workers=1) as server:
            path = "/sub/curl/demo"
            curl = subprocess.Popen(
                ["curl", "-sN", "-H", "Accept: text/event-stream", "-H",
                 f"Authorization: Bearer {token(path)}", f"http://127.0.0.1:{server.port}{path}"],
                stdout=subprocess.PIPE)
            try:
                # Published once curl's subscription is in place: it is the
                # worker's only subscriber, and its gauge says so.
                wait_for(lambda: b'hookbot_subscribers{worker="0"} 1' in server.request(
                    "GET", "/metrics")[1], 10, "curl to subscribe")
                publish_all(server, "curl/demo", [b"hello"])
                output = b""
                deadline = time.monotonic() + 10
                while b"\n\n" not in output:
                    self.assertTrue(select.select([curl.stdout], [], [],
                                                  deadline - time.monotonic())[0], output)
                    output += os.read(curl.stdout.fileno(), 65536)
                lines = output.split(b"\n")
                self.assertTrue(lines[0].startswith(b"id: "), lines)
                self.assertEqual(json.loads(lines[1][len(b"data: "):])["body"], "hello")
            finally:
                curl.kill()
                curl.wait()
                curl.stdout.close()


class ResumeOverTLS(unittest.TestCase):
    """The workers terminate TLS themselves: the same formats and resume."""

    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.TemporaryDirectory()
        cls.pki = TestPKI(cls.folder.name)
        cls.cert, cls.key = cls.pki.server_certificate("server")

    @classmethod
    def tearDownClass(cls):
        cls.folder.cleanup()

    def test_json_and_event_stream_resume_over_tls(self):
        async def scenario(server):
            ids = publish_ids(server, "tls/resume", [b"a", b"b", b"c"])
            ws = await subscribe_json(server, "tls/resume", since=ids[0])
            self.assertEqual([m["body"] for m in await receive_json(ws, 2)], ["b", "c"])
            await ws.close()
            stream = EventStream(server, "tls/resume", query=f"?since={ids[1]}")
            self.assertEqual(stream.status, 200)
            event = stream.events(1)[0]
            self.assertEqual((event["id"], json.loads(event["data"])["body"]), (ids[2], "c"))
            publish_all(server, "tls/resume", [b"live"])
            self.assertEqual(json.loads(stream.events(1)[0]["data"])["body"], "live")
            stream.close()

        with Server(workers=1, extra_args=serve_args(self.cert, self.key),
                    ssl_context=self.pki.client_context()) as server:
            asyncio.run(asyncio.wait_for(scenario(server), 60))


if __name__ == "__main__":
    unittest.main()
