"""`hookbot listen --forward` against a real `hookbot serve` and a real HTTP
server started here: a publish with `?extra-metadata=request` arrives at the
target as the publisher sent it (docs/PROTOCOL.md X3, docs/OPERATIONS.md
"Forwarding"), once, in order, across a target outage and a listener
restart; and the subscribers that did not ask for the request see exactly
what they saw before.

The target checks a GitHub-style signature itself, with a secret only the
test knows: a relay that changed one byte of the body would fail it.
Every wait is for a request, a log line or a file, with a timeout.
"""
import asyncio
import hashlib
import hmac
import http.server
import json
import os
import re
import signal
import ssl
import tempfile
import threading
import time
import unittest
import urllib.parse

from harness import Server, bearer, receive_n, subscribe, token, wait_for
from test_listen import Listener, listen_url, SUBSCRIBED
from test_resume import EventStream
from tls_pki import TestPKI, serve_args

GITHUB_SECRET = b"a secret only the publisher and the target share"
# Tries come fast here: an outage costs the test no more than this.
FAST_RETRY = ["--forward-retry-max", "0.2", "--reconnect-min", "0.05", "--reconnect-max", "0.3"]
ID = r"[0-9a-f]{16}-\d+"


def github_signature(body):
    return "sha256=" + hmac.new(GITHUB_SECRET, body, hashlib.sha256).hexdigest()


class QuietServer(http.server.ThreadingHTTPServer):
    # A listener that gives up on a certificate, or is stopped mid-request,
    # resets its connection: routine here, not worth a traceback.
    def handle_error(self, request, client_address):
        pass


class Target:
    """An HTTP server on 127.0.0.1 in a thread that records every request it
    gets: (method, path, headers as a list of pairs, body, whether the
    X-Hub-Signature-256 it carries is right). `answer(body)` picks each
    status (200 by default). `stop()` and `start()` take it down and bring it
    back on the same port."""

    def __init__(self, answer=lambda body: 200, tls=None):
        self.answer = answer
        self.tls = tls  # an ssl.SSLContext for the server side, or None
        self.requests = []
        self.changed = threading.Condition()
        self.stopping = threading.Event()  # ends a slow answer early
        self.port = 0
        self.server = None

    def start(self):
        target = self
        self.stopping.clear()

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _any(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                given = self.headers.get("X-Hub-Signature-256")
                signed = given is not None and hmac.compare_digest(given, github_signature(body))
                answer = target.answer(body)
                # A status, or (status, answer body, seconds to take first).
                status, payload, delay = answer if isinstance(answer, tuple) else (answer, b"", 0)
                if delay and target.stopping.wait(delay):
                    return
                with target.changed:
                    target.requests.append((self.command, self.path, list(self.headers.items()),
                                            body, signed, status))
                    target.changed.notify_all()
                self.send_response(status)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                try:
                    self.wfile.write(payload)
                except OSError:
                    pass  # the listener hung up on a long answer: its status is in

            do_POST = do_PUT = do_PATCH = do_GET = _any

            def log_message(self, *args):
                pass

        self.server = QuietServer(("127.0.0.1", self.port), Handler)
        if self.tls:
            self.server.socket = self.tls.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()

    def url(self, path="/hook"):
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}{path}"

    def wait_for_requests(self, count, timeout=15):
        with self.changed:
            if not self.changed.wait_for(lambda: len(self.requests) >= count, timeout):
                raise AssertionError(f"the target got {len(self.requests)} of {count} requests")
            return list(self.requests)

    def accepted_bodies(self):
        with self.changed:
            return [body for *_, body, _signed, status in self.requests if status < 300]

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def publish(server, topic, body, headers, method="POST", query="extra-metadata=request"):
    path = "/pub/" + topic
    status, reply, _ = server.request(method, f"{path}?{query}" if query else path, body=body,
                                      headers={**bearer(path), **headers})
    assert (status, reply) == (200, b"OK\n"), (status, reply)


def github_push(delivery, body):
    return {"Content-Type": "application/json", "User-Agent": "GitHub-Hookshot/044aadd",
            "X-GitHub-Event": "push", "X-GitHub-Delivery": delivery,
            "X-GitHub-Hook-ID": "292430182", "X-Hub-Signature-256": github_signature(body)}


def read_text(path):
    with open(path) as f:
        return f.read()


def header(headers, name):
    values = [v for n, v in headers if n.lower() == name.lower()]
    return values[0] if len(values) == 1 else values or None


def forwarding(server, topic, target, args=(), path="/hook"):
    return Listener(listen_url(server, topic), ["--forward", target.url(path), *FAST_RETRY, *args])


class ForwardAsPublished(unittest.TestCase):
    def test_a_github_push_arrives_byte_for_byte_and_its_signature_checks(self):
        body = json.dumps({"ref": "refs/heads/main", "after": "e5f6", "repository": {
            "full_name": "me/app"}, "text": "h\u00e9llo \u2603"}, ensure_ascii=False).encode()
        headers = github_push("72d3162e-cc78-11e3-81ab-4c9367dc0958", body)
        with Server(workers=1) as server, Target() as target, \
                forwarding(server, "fwd/gh", target, path="/hook?app=1") as listener:
            listener.wait_for_log(SUBSCRIBED)
            publish(server, "fwd/gh", body, {**headers, "Cookie": "session=1"},
                    query="source=gh&extra-metadata=request")
            [(method, path, got, received, signed, _)] = target.wait_for_requests(1)
            self.assertEqual(method, "POST")
            self.assertEqual(path, "/hook?app=1&source=gh", "the target's query, then the original")
            self.assertEqual(received, body)
            self.assertTrue(signed, "the target's own HMAC check passes")
            for name, value in headers.items():
                self.assertEqual(header(got, name), value, name)
            self.assertEqual(header(got, "Host"), f"127.0.0.1:{target.port}")
            self.assertRegex(header(got, "Hookbot-Id"), "^" + ID + "$")
            for never in ("Authorization", "Cookie"):
                self.assertIsNone(header(got, never), f"{never} must never travel")
            listener.wait_for_log(r"forwarded message " + ID + r" \(POST, \d+ bytes\) to "
                                  r"http://127\.0\.0\.1:\d+/hook: status 200 in \d+ ms")

    def test_a_form_encoded_put_keeps_its_method_and_bytes(self):
        body = b"payload=%7B%22zen%22%3A%22Keep+it+logically+awesome.%22%7D&x=%C3%A9"
        headers = {"Content-Type": "application/x-www-form-urlencoded",
                   "X-GitHub-Event": "ping", "X-GitHub-Delivery": "d-2",
                   "X-Hub-Signature-256": github_signature(body),
                   "Authorization": "Bearer " + token("/pub/fwd/form")}
        with Server(workers=1) as server, Target() as target, \
                forwarding(server, "fwd/form", target) as listener:
            listener.wait_for_log(SUBSCRIBED)
            path = "/pub/fwd/form"
            status, _, _ = server.request("PUT", path + "?extra-metadata=request", body=body,
                                          headers=headers)
            self.assertEqual(status, 200)
            [(method, path, got, received, signed, _)] = target.wait_for_requests(1)
            self.assertEqual((method, path, received, signed), ("PUT", "/hook", body, True))
            self.assertEqual(header(got, "Content-Type"), "application/x-www-form-urlencoded")
            self.assertIsNone(header(got, "Authorization"))

    def test_a_message_published_without_the_request_is_posted_as_its_body(self):
        with Server(workers=1) as server, Target() as target, \
                forwarding(server, "fwd/plain", target) as listener:
            listener.wait_for_log(SUBSCRIBED)
            publish(server, "fwd/plain", b"\x00\xff raw", {"X-GitHub-Event": "push"}, query="")
            [(method, path, got, received, _, _)] = target.wait_for_requests(1)
            self.assertEqual((method, path, received), ("POST", "/hook", b"\x00\xff raw"))
            self.assertIsNone(header(got, "X-GitHub-Event"), "nothing was kept to send")


class ForwardDelivers(unittest.TestCase):
    def test_a_target_down_for_a_while_gets_every_message_once_in_order(self):
        bodies = [b"m%d" % i for i in range(6)]
        with Server(workers=1) as server:
            target = Target().start()
            target.stop()  # its port stays the one it comes back on
            with forwarding(server, "fwd/down", target) as listener:
                listener.wait_for_log(SUBSCRIBED)
                for body in bodies[:4]:
                    publish(server, "fwd/down", body, {"X-GitHub-Event": "push"})
                # Down for several seconds and tries, each logged with why and
                # the wait that follows.
                down_since = time.monotonic()
                wait_for(lambda: listener.count_log(r"forwarding message .* failed: Connection "
                                                    r"refused") >= 5
                         and time.monotonic() - down_since >= 3, 20,
                         "three seconds of refused tries")
                listener.wait_for_log(r"retrying message " + ID + r" in \d+ ms")
                target.start()
                try:
                    for body in bodies[4:]:
                        publish(server, "fwd/down", body, {})
                    target.wait_for_requests(len(bodies))
                    publish(server, "fwd/down", b"end", {})
                    target.wait_for_requests(len(bodies) + 1)
                    self.assertEqual(target.accepted_bodies(), bodies + [b"end"])
                finally:
                    target.stop()

    def test_5xx_is_retried_and_4xx_skipped_without_letting_a_later_message_pass(self):
        answers = {b"flaky": [503, 502, 200], b"bad": [404]}

        def answer(body):
            planned = answers.get(body)
            return planned.pop(0) if planned else 200

        with Server(workers=1) as server, Target(answer) as target, \
                forwarding(server, "fwd/status", target) as listener:
            listener.wait_for_log(SUBSCRIBED)
            for body in (b"flaky", b"bad", b"after"):
                publish(server, "fwd/status", body, {})
            got = target.wait_for_requests(5)
            self.assertEqual([(r[3], r[5]) for r in got],
                             [(b"flaky", 503), (b"flaky", 502), (b"flaky", 200), (b"bad", 404),
                              (b"after", 200)])
            listener.wait_for_log(r"forwarding message " + ID + r" .* was answered status 503 in "
                                  r"\d+ ms$")
            listener.wait_for_log(r"was answered status 502 in \d+ ms, attempt 2$")
            listener.wait_for_log(r": status 200 in \d+ ms, attempt 3$")
            listener.wait_for_log(r": status 404 in \d+ ms; skipped \(a 4xx is not retried")
            # The target counts a request when it answers; the listener, once
            # it has the answer.
            wait_for(lambda: listener.count_log(r": status 200 in") == 2, 10,
                     "the listener to log both deliveries")
            self.assertEqual(listener.stop(signal.SIGINT), 0)
            listener.wait_for_log(r"forwarded to http://127\.0\.0\.1:\d+/hook: 2 delivered, "
                                  r"1 skipped, 2 retries$")

    def test_a_slow_target_is_retried_after_the_timeout_and_a_long_answer_still_counts(self):
        answers = [(200, b"", 5), (200, b"x" * 200000, 0)]
        with Server(workers=1) as server, Target(lambda body: answers.pop(0)) as target, \
                forwarding(server, "fwd/slow", target, ["--forward-timeout", "0.5"]) as listener:
            listener.wait_for_log(SUBSCRIBED)
            publish(server, "fwd/slow", b"once", {})
            listener.wait_for_log(r"forwarding message " + ID + r" .* failed: The socket was "
                                  r"closed due to a timeout after \d+ ms$")
            listener.wait_for_log(r": status 200 in \d+ ms, attempt 2$", 15)
            # The slow try never answered: the retry is the one delivery.
            self.assertEqual([r[3] for r in target.wait_for_requests(1)], [b"once"])

    def test_forward_retry_4xx_retries_a_4xx_until_it_is_taken(self):
        answers = [422, 422, 200]
        with Server(workers=1) as server, Target(lambda body: answers.pop(0)) as target, \
                forwarding(server, "fwd/retry4xx", target, ["--forward-retry-4xx"]) as listener:
            listener.wait_for_log(SUBSCRIBED)
            publish(server, "fwd/retry4xx", b"once", {})
            got = target.wait_for_requests(3)
            self.assertEqual([r[5] for r in got], [422, 422, 200])

    def test_a_listener_killed_and_restarted_with_its_state_loses_and_repeats_nothing(self):
        with tempfile.TemporaryDirectory() as work, Server(workers=1) as server, \
                Target() as target:
            state = os.path.join(work, "state")
            with forwarding(server, "fwd/state", target, ["--state", state]) as listener:
                listener.wait_for_log(SUBSCRIBED)
                for i in range(3):
                    publish(server, "fwd/state", b"m%d" % i, {})
                last = header(target.wait_for_requests(3)[-1][2], "Hookbot-Id")
                wait_for(lambda: read_text(state) == last + "\n", 10,
                         "the state file to hold the last delivered id")
                listener.stop(signal.SIGKILL)
            for i in range(3, 6):
                publish(server, "fwd/state", b"m%d" % i, {})
            with forwarding(server, "fwd/state", target, ["--state", state]) as listener:
                listener.wait_for_log(rf"resuming after message {re.escape(last)}")
                target.wait_for_requests(6)
                publish(server, "fwd/state", b"end", {})
                target.wait_for_requests(7)
                self.assertEqual(target.accepted_bodies(), [b"m%d" % i for i in range(6)] + [b"end"])

    def test_the_state_does_not_pass_a_message_the_target_has_not_taken(self):
        """Killed while the target is down: the restarted listener delivers
        the message it was still trying, then the rest."""
        with tempfile.TemporaryDirectory() as work, Server(workers=1) as server:
            state = os.path.join(work, "state")
            target = Target().start()
            with forwarding(server, "fwd/pending", target, ["--state", state]) as listener:
                listener.wait_for_log(SUBSCRIBED)
                publish(server, "fwd/pending", b"first", {})
                target.wait_for_requests(1)
                target.stop()
                publish(server, "fwd/pending", b"second", {})
                listener.wait_for_log(r"forwarding message .* failed: Connection refused")
                listener.stop(signal.SIGKILL)
            publish(server, "fwd/pending", b"third", {})
            target.start()
            try:
                with forwarding(server, "fwd/pending", target, ["--state", state]):
                    target.wait_for_requests(3)
                    self.assertEqual(target.accepted_bodies(), [b"first", b"second", b"third"])
            finally:
                target.stop()


class ForwardOverTLS(unittest.TestCase):
    def test_an_https_target_is_checked_and_insecure_or_a_ca_file_lets_it_in(self):
        with tempfile.TemporaryDirectory() as folder, Server(workers=1) as server:
            pki = TestPKI(folder)
            cert, key = pki.server_certificate("target")
            tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            tls.load_cert_chain(cert, key)
            with Target(tls=tls) as target:
                # Signed by a CA nobody trusts: every try fails, none is delivered.
                untrusted = {"SSL_CERT_FILE": os.path.join(folder, "none.pem")}
                with Listener(listen_url(server, "fwd/tls"),
                              ["--forward", target.url(), *FAST_RETRY], env=untrusted) as listener:
                    listener.wait_for_log(SUBSCRIBED)
                    publish(server, "fwd/tls", b"secret deploy", {})
                    listener.wait_for_log(r"forwarding message .* to https://127\.0\.0\.1:\d+/hook "
                                          r"failed: certificate verify failed")
                    self.assertEqual(target.accepted_bodies(), [])
                for args in (["--ca-file", pki.ca_cert], ["--forward-insecure"]):
                    with self.subTest(args=args), \
                            Listener(listen_url(server, "fwd/tls") + "?since=all",
                                     ["--forward", target.url(), *FAST_RETRY, *args],
                                     env=untrusted) as listener:
                        count = len(target.accepted_bodies())
                        wait_for(lambda: len(target.accepted_bodies()) == count + 1, 15,
                                 "the message over https")
                        self.assertEqual(target.accepted_bodies()[-1], b"secret deploy")


class ForwardRefuses(unittest.TestCase):
    def test_bad_forward_options_are_refused_with_a_reason(self):
        from test_listen import run_listen
        url = "ws://127.0.0.1:1/sub/x"
        cases = [
            ((url, "--forward", "ws://127.0.0.1:2/x"), "is not a URL like http://localhost:3000"),
            ((url, "--forward", "http://127.0.0.1:2/x", "--json"), "not with --json or --exec"),
            ((url, "--forward", "http://127.0.0.1:2/x", "--forward-timeout", "0"),
             "--forward-timeout"),
            ((url, "--forward-insecure"), "need --forward URL"),
        ]
        for args, reason in cases:
            with self.subTest(args=args):
                status, stderr = run_listen(*args)
                self.assertEqual(status, 1, stderr)
                self.assertIn(reason, stderr)


class SubscribersThatDidNotAsk(unittest.TestCase):
    """X3: the request rides beside the body; only the JSON and event-stream
    formats show it, live, replayed and for a blob alike."""

    def test_original_framing_gets_the_body_alone_and_json_gets_the_request(self):
        asyncio.run(self._framings())

    async def _framings(self):
        small = b'{"a":1}\x00\xff'
        large = bytes(range(256)) * 400  # over the default --blob-threshold (64 KiB)
        headers = {**github_push("d-9", small), "Cookie": "c=1"}
        with Server(workers=1) as server:
            plain = await subscribe(server, "fwd/exact")
            tree = await subscribe(server, "fwd/", bearer("/sub/fwd/"))
            as_json = await self._json_subscriber(server, "fwd/exact")
            for body in (small, large):
                publish(server, "fwd/exact", body, headers, query="x=1&extra-metadata=request")
            self.assertEqual(await receive_n(plain, 2, 10), [small, large])
            self.assertEqual(await receive_n(tree, 2, 10),
                             [b"fwd/exact\x00" + small, b"fwd/exact\x00" + large])
            live = [json.loads(m) for m in await receive_n(as_json, 2, 10)]
            # A replay reads the records again from the bus: the same envelopes.
            replayed = await self._json_subscriber(server, "fwd/exact", "?since=all")
            again = [json.loads(m) for m in await receive_n(replayed, 2, 10)]
            for ws in (plain, tree, as_json, replayed):
                await ws.close()
        self.assertEqual(live, again)
        for envelope in live:
            self.assertEqual(list(envelope), ["id", "topic", "request", "body_b64"])
            self.assertEqual(envelope["request"]["method"], "POST")
            self.assertEqual(envelope["request"]["query"], "x=1")
            kept = envelope["request"]["headers"]
            self.assertEqual(kept["X-GitHub-Event"], "push")
            self.assertEqual(kept["X-GitHub-Delivery"], "d-9")
            self.assertNotIn("Authorization", kept)
            self.assertNotIn("Cookie", kept)
            self.assertNotIn("Host", kept)

    async def _json_subscriber(self, server, topic, query=""):
        import websockets
        path = "/sub/" + topic
        return await websockets.connect(server.ws_url(path) + "?format=json" + query.replace("?", "&"),
                                        extra_headers=bearer(path), max_size=None,
                                        ping_interval=None)

    def test_an_event_stream_over_built_in_tls_gets_the_request_too(self):
        """Over TLS the workers take the publish and hand it to the acceptor
        (a forwarded request): the kept request survives that hop."""
        with tempfile.TemporaryDirectory() as folder:
            pki = TestPKI(folder)
            cert, key = pki.server_certificate("server")
            with Server(workers=1, extra_args=serve_args(cert, key),
                        ssl_context=pki.client_context()) as server:
                stream = EventStream(server, "fwd/sse")
                try:
                    self.assertEqual(stream.status, 200)
                    publish(server, "fwd/sse", b"ping", {"X-Gitlab-Event": "Push Hook",
                                                         "Cookie": "c=1"})
                    [event] = stream.events(1)
                finally:
                    stream.close()
        data = json.loads(event["data"])
        self.assertEqual(data["id"], event["id"])
        self.assertEqual(data["request"], {"method": "POST", "query": "",
                                           "headers": {"X-Gitlab-Event": "Push Hook"}})
        self.assertEqual(data["body"], "ping")

    def test_over_the_bounds_of_kept_headers_is_431_and_nothing_is_published(self):
        with Server(workers=1) as server:
            path = "/pub/fwd/many"
            headers = {**bearer(path), **{f"X-GitHub-Extra-{i}": "v" for i in range(65)}}
            status, reply, _ = server.request("POST", path + "?extra-metadata=request",
                                              body=b"x", headers=headers)
            self.assertEqual((status, reply), (431, b"431 Request Header Fields Too Large\n"))
            status, reply, _ = server.request("POST", path + "?extra-metadata=requests",
                                              body=b"x", headers=bearer(path))
            self.assertEqual((status, reply), (400, b"400 Bad Request (bad ?extra-metadata=)\n"))


if __name__ == "__main__":
    unittest.main()
