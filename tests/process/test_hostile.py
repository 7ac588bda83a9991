"""Hostile and broken input against a real `hookbot serve --workers 2`.

Every limit is set small by its option; each bad input goes over a raw socket
(websocket frames are crafted by hand) and must get its answer byte for byte:
an HTTP status (and body) or a websocket close code, never a crash or a hang.
At the end a normal publish and subscribe still work and every server process
is the one that started (same pids).
"""
import asyncio
import base64
import contextlib
import os
import re
import resource
import select
import socket
import tempfile
import threading
import time
import unittest

import websockets

from harness import (MEMORY_BOUNDS_CHECKED, Server, bearer, parse_metrics, publish_all, receive_n,
                     recv_head, subscribe, token, value, vm_rss, wait_for)
from tls_pki import TestPKI, serve_args

MAX_BODY = 4096
MAX_HEADER_BYTES = 2048
MAX_HEADER_FIELDS = 20
MAX_URL_BYTES = 1024
# --header-timeout and --body-timeout: short, with room for sanitizer builds.
TIMEOUT_S = 2
# --idle-timeout: far enough from TIMEOUT_S that a timer firing late under a
# sanitizer cannot pass for the other.
IDLE_TIMEOUT_S = 5
MAX_CONNECTIONS = 12
MAX_CLIENT_MESSAGE = 1024

LIMITS = ["--max-body", str(MAX_BODY), "--max-header-bytes", str(MAX_HEADER_BYTES),
          "--max-header-fields", str(MAX_HEADER_FIELDS), "--max-url-bytes", str(MAX_URL_BYTES),
          "--header-timeout", str(TIMEOUT_S), "--body-timeout", str(TIMEOUT_S),
          "--idle-timeout", str(IDLE_TIMEOUT_S), "--max-connections", str(MAX_CONNECTIONS),
          "--max-subscribers", "1", "--max-client-message", str(MAX_CLIENT_MESSAGE)]


class Reply:
    """A response read off a raw socket: status line, headers, body, and
    whether the server closed the connection after it."""

    def __init__(self, raw, closed, seconds):
        head, _, self.body = raw.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        self.status_line = lines[0].decode("latin-1")
        self.headers = {}
        for line in lines[1:]:
            name, _, value = line.decode("latin-1").partition(":")
            self.headers[name.strip().lower()] = value.strip()
        self.closed = closed
        self.seconds = seconds

    @property
    def status(self):
        return int(self.status_line.split()[1]) if self.status_line else None


def read_reply(sock, timeout=5, wait_close=True, started=None):
    """Reads one response; with `wait_close`, then waits (briefly) to see
    whether the server closes. `seconds` counts from `started` (default: now)."""
    started = started or time.monotonic()
    sock.settimeout(timeout)
    raw = recv_head(sock)
    closed = b"\r\n\r\n" not in raw
    head, _, body = raw.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    while not closed and len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            closed = True
            break
        body += chunk
        raw += chunk
    seconds = time.monotonic() - started
    if not closed and wait_close:
        sock.settimeout(3)
        try:
            closed = sock.recv(65536) == b""
        except (socket.timeout, ConnectionResetError):
            closed = False
    return Reply(raw, closed, seconds)


# (case, request, status line, body) that both the plain and the TLS port
# must answer alike: the head limits, checked before any body is read.
HEADS_OVER_THE_LIMITS = [
    ("header bytes over --max-header-bytes",
     b"GET /status HTTP/1.1\r\nHost: h\r\nX-Big: " + b"b" * MAX_HEADER_BYTES + b"\r\n\r\n",
     "HTTP/1.1 431 Request Header Fields Too Large", b"431 Request Header Fields Too Large\n"),
    ("header fields over --max-header-fields",
     b"GET /status HTTP/1.1\r\nHost: h\r\n"
     + b"".join(b"X-F%d: v\r\n" % i for i in range(MAX_HEADER_FIELDS + 1)) + b"\r\n",
     "HTTP/1.1 431 Request Header Fields Too Large", b"431 Request Header Fields Too Large\n"),
]
URL_OVER_THE_LIMIT = [
    ("URL over --max-url-bytes",
     f"POST /unsafe/pub/{'u' * MAX_URL_BYTES} HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n"
     .encode(),
     "HTTP/1.1 414 URI Too Long", b"414 URI Too Long\n"),
]


class SharedCases:
    """One request a connection, through the class's own connect() and
    expect(), so that the plain and the TLS classes check the same requests."""

    # Whether exchange() waits to see if the server closes the connection.
    wait_close = True

    def exchange(self, data, wait_close=None):
        with self.connect() as sock:
            sock.sendall(data)
            return read_reply(sock, wait_close=(self.wait_close if wait_close is None
                                                else wait_close))

    def expect_cases(self, cases):
        for case, request, status_line, body in cases:
            self.expect(case, self.exchange(request), status_line, body)


class HostileInput(SharedCases, unittest.TestCase):
    server = None

    @classmethod
    def setUpClass(cls):
        cls.context = Server(workers=2, extra_args=LIMITS)
        cls.server = cls.context.__enter__()
        cls.acceptor = cls.server.children("hookbot-acceptor")
        cls.workers = cls.server.worker_pids()

    @classmethod
    def tearDownClass(cls):
        cls.context.__exit__(None, None, None)

    def connect(self):
        return socket.create_connection(("127.0.0.1", self.server.port), timeout=5)

    def expect(self, case, reply, status_line, body=None, closed=True):
        state = "closed" if reply.closed else ("kept open" if closed else "")
        print(f"{case}: {reply.status_line!r} body {reply.body[:60]!r} {state} "
              f"after {reply.seconds:.2f}s")
        self.assertEqual(reply.status_line, status_line, case)
        if body is not None:
            self.assertEqual(reply.body, body, case)
        if closed:
            self.assertTrue(reply.closed, f"{case}: the connection should close")

    # -- sizes ------------------------------------------------------------

    def test_body_over_the_limit_gets_413(self):
        head = (f"POST /unsafe/pub/big HTTP/1.1\r\nHost: h\r\n"
                f"Content-Length: {MAX_BODY + 1}\r\n\r\n").encode()
        self.expect("Content-Length over --max-body", self.exchange(head + b"x" * (MAX_BODY + 1)),
                    "HTTP/1.1 413 Payload Too Large", b"Request Entity Too Large\n")
        chunked = (b"POST /unsafe/pub/big HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                   + b"%x\r\n" % (MAX_BODY + 1) + b"y" * (MAX_BODY + 1) + b"\r\n0\r\n\r\n")
        self.expect("chunked body over --max-body", self.exchange(chunked),
                    "HTTP/1.1 413 Payload Too Large", b"Request Entity Too Large\n")
        self.expect("absurd Content-Length (10^15)",
                    self.exchange(b"POST /unsafe/pub/x HTTP/1.1\r\nHost: h\r\n"
                                  b"Content-Length: 1000000000000000\r\n\r\n"),
                    "HTTP/1.1 413 Payload Too Large", b"Request Entity Too Large\n")

    def test_heads_over_the_limits_get_431(self):
        self.expect_cases(HEADS_OVER_THE_LIMITS)

    def test_long_urls_get_414(self):
        self.expect_cases(URL_OVER_THE_LIMIT)
        path = "/unsafe/pub/" + "u" * (2 * MAX_HEADER_BYTES)
        self.expect("URL over --max-header-bytes too",
                    self.exchange(f"POST {path} HTTP/1.1\r\nHost: h\r\n\r\n".encode()),
                    "HTTP/1.1 414 URI Too Long", b"414 URI Too Long\n")

    # -- connections ---------------------------------------------------------

    def test_connections_over_the_limit_get_503(self):
        # Sessions of earlier cases may linger up to a second after their close.
        wait_for(lambda: self.server.request("GET", "/status")[0] == 200, 5, "/status")
        socks = [self.connect() for _ in range(MAX_CONNECTIONS + 2)]
        try:
            # Well within --header-timeout, which closes idle connections.
            readable, _, _ = select.select(socks, [], [], TIMEOUT_S * 0.75)
            answered = [socks.index(sock) for sock in readable]
            print(f"{len(socks)} connections, answered at once: {answered}")
            self.assertTrue(answered, "no connection over --max-connections was refused")
            self.assertGreaterEqual(min(answered), MAX_CONNECTIONS - 2,
                                    "connections under the limit were refused")
            refused = read_reply(socks[answered[-1]])
            self.expect("connection over --max-connections", refused,
                        "HTTP/1.1 503 Service Unavailable", b"503 Too Many Connections\n")
            self.assertEqual(refused.headers.get("retry-after"), "1")
        finally:
            for sock in socks:
                sock.close()
        wait_for(lambda: self.server.request("GET", "/status")[0] == 200, 5,
                 "/status once the connections are closed")

    # -- slow clients --------------------------------------------------------

    def trickle(self, first, byte, seconds_between=0.25):
        """Sends `first`, then `byte` every `seconds_between` until the server answers."""
        with self.connect() as sock:
            sock.sendall(first)
            started = time.monotonic()
            sock.settimeout(seconds_between)
            while time.monotonic() - started < 10:
                try:
                    if sock.recv(1, socket.MSG_PEEK):
                        break
                except socket.timeout:
                    sock.sendall(byte)
            return read_reply(sock, started=started)

    def test_slow_heads_and_bodies_get_408(self):
        reply = self.trickle(b"POST /unsafe/pub/slow HTTP/1.1\r\nHost: h\r\nX-Slow: ", b"s")
        self.expect("head trickled a byte every 0.25s", reply, "HTTP/1.1 408 Request Timeout",
                    b"408 Request Timeout\n")
        self.assertLess(reply.seconds, 3 * TIMEOUT_S)
        reply = self.trickle(b"POST /unsafe/pub/slow HTTP/1.1\r\nHost: h\r\n"
                             b"Content-Length: 1000\r\n\r\n", b"b")
        self.expect("body trickled a byte every 0.25s", reply, "HTTP/1.1 408 Request Timeout",
                    b"408 Request Timeout\n")
        with self.connect() as sock:
            started = time.monotonic()
            sock.settimeout(5)
            self.assertEqual(sock.recv(100), b"")
            print(f"a connection that sends nothing: closed silently after "
                  f"{time.monotonic() - started:.2f}s")

    def test_keep_alive_connections_time_out_between_and_within_requests(self):
        # The wait for a keep-alive connection's next request is the first
        # read of its head: idle, it closes silently after --idle-timeout (not
        # the shorter --header-timeout that bounded the first request); begun,
        # the head has --header-timeout from its first byte.
        publish = b"POST /unsafe/pub/keep HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n\r\nk"
        with self.connect() as sock:
            sock.sendall(publish)
            self.expect("keep-alive publish", read_reply(sock, wait_close=False),
                        "HTTP/1.1 200 OK", closed=False)
            started = time.monotonic()
            sock.settimeout(10)
            self.assertEqual(sock.recv(100), b"")
            idle = time.monotonic() - started
            print(f"an idle keep-alive connection: closed silently after {idle:.2f}s")
            self.assertGreater(idle, IDLE_TIMEOUT_S - 0.5)
            self.assertLess(idle, IDLE_TIMEOUT_S + 6)
        with self.connect() as sock:
            sock.sendall(publish)
            self.expect("keep-alive publish", read_reply(sock, wait_close=False),
                        "HTTP/1.1 200 OK", closed=False)
            sock.sendall(b"POST /unsafe/pub/slow HTTP/1.1\r\nHost: h\r\nX-Slow: ")
            started = time.monotonic()
            sock.settimeout(0.25)
            while time.monotonic() - started < 10:
                try:
                    if sock.recv(1, socket.MSG_PEEK):
                        break
                except socket.timeout:
                    sock.sendall(b"s")
            reply = read_reply(sock, started=started)
            print(f"a second head trickled: {reply.status_line} after {reply.seconds:.2f}s")
            self.expect("second head trickled a byte every 0.25s", reply,
                        "HTTP/1.1 408 Request Timeout", b"408 Request Timeout\n")
            # From its first byte: the header timeout, not the idle one.
            self.assertGreater(reply.seconds, TIMEOUT_S - 0.5)
            self.assertLess(reply.seconds, (TIMEOUT_S + IDLE_TIMEOUT_S) / 2)

    def answered_200(self):
        status, body, _ = self.server.request("GET", "/metrics")
        self.assertEqual(status, 200, body)
        return int(value(parse_metrics(body.decode()), "hookbot_publishes_total", code="200"))

    def test_a_pipelining_publisher_that_reads_late_gets_every_answer_in_order(self):
        # It sends every request before it reads an answer. The answers
        # outgrow what the kernel queues on the server's side (tcp_wmem's
        # largest): the acceptor waits for room and stops reading. Once this
        # side reads, every answer arrives whole and in order.
        publish = b"POST /unsafe/pub/pipelined HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n\r\np"
        with self.connect() as sock:
            sock.sendall(publish)
            answer = recv_head(sock)  # one write: the body comes with the head
        self.assertTrue(answer.startswith(b"HTTP/1.1 200 OK\r\n"), answer)
        self.assertTrue(answer.endswith(b"\r\n\r\nOK\n"), answer)
        with open("/proc/sys/net/ipv4/tcp_wmem") as limits:
            most_queued = int(limits.read().split()[2])
        count = most_queued * 3 // 2 // len(answer)
        before = self.answered_200()
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.connect(("127.0.0.1", self.server.port))
            sender = threading.Thread(target=sock.sendall, args=(publish * count,))
            sender.start()
            # Until the server holds back: its count of answers stops moving.
            deadline = time.monotonic() + 60
            answered, unchanged = None, 0
            while unchanged < 5:
                self.assertLess(time.monotonic(), deadline, f"{answered} answered")
                time.sleep(0.05)
                now = self.answered_200() - before
                unchanged = unchanged + 1 if now == answered else 0
                answered = now
            print(f"pipelined: {answered} of {count} answered before this side read")
            self.assertLess(answered, count, "the server's socket never filled")
            sock.settimeout(30)
            received = bytearray()
            while received.count(b"\r\n\r\nOK\n") < count:
                chunk = sock.recv(1 << 20)
                self.assertTrue(chunk, f"closed after {len(received)} bytes of answers")
                received += chunk
            sender.join(timeout=30)
            # Each answer is the first one's but for its message id, and the
            # ids follow each other: every publish answered once, in order.
            answers = bytes(received).split(b"\r\n\r\nOK\n")
            self.assertEqual(answers.pop(), b"")
            self.assertEqual(len(answers), count)
            id_field = re.compile(rb"Hookbot-Id: ([0-9a-f]{16})-(\d+)\r\n")
            first = id_field.search(answer)
            self.assertTrue(first, answer)
            sequences = []
            for got in answers:
                match = id_field.search(got)
                self.assertTrue(match, got)
                self.assertEqual(match.group(1), first.group(1))
                self.assertEqual(id_field.sub(b"", got + b"\r\n\r\nOK\n"), id_field.sub(b"", answer))
                sequences.append(int(match.group(2)))
            start = int(first.group(2)) + 1
            self.assertEqual(sequences, list(range(start, start + count)))

    # -- what is not HTTP, or not well-formed HTTP --------------------------------

    def test_malformed_requests_get_400(self):
        bad_request = b"400 Bad Request\n"
        cases = [
            ("bad percent-escape (D1.1)", b"GET /pub/%zz HTTP/1.1\r\nHost: h\r\n\r\n"),
            ("NUL byte in the path", b"GET /pub/a\0b HTTP/1.1\r\nHost: h\r\n\r\n"),
            ("NUL byte in a header", b"GET /status HTTP/1.1\r\nHost: h\r\nX-A: a\0b\r\n\r\n"),
            ("Content-Length not a number",
             b"POST /unsafe/pub/x HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999\r\n\r\n"),
            ("Content-Length and Transfer-Encoding",
             b"POST /unsafe/pub/x HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n"
             b"Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"),
            ("chunk size not hex",
             b"POST /unsafe/pub/x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
             b"zz\r\nabc\r\n0\r\n\r\n"),
            ("HTTP/0.9 request", b"GET /status\r\n\r\n"),
            ("TLS ClientHello on the plain port",
             bytes.fromhex("160301007a0100007603035f") + os.urandom(64)),
            ("HTTP/2 preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
        ]
        for case, data in cases:
            self.expect(case, self.exchange(data), "HTTP/1.1 400 Bad Request", bad_request)

    def test_protocol_answers_for_odd_requests(self):
        # docs/PROTOCOL.md D4.1: a publish path with another method gets 405.
        self.expect("unknown method on /unsafe/pub/ (D4.1)",
                    self.exchange(b"BREW /unsafe/pub/x HTTP/1.1\r\nHost: h\r\n\r\n", False),
                    "HTTP/1.1 405 Method Not Allowed", b"Method Not Allowed\n", closed=False)
        # D5.4: the root endpoint checks the token, then answers 501.
        auth = bearer("/odd").popitem()
        self.expect("unknown method on the root endpoint (D5.4)",
                    self.exchange(f"BREW /odd HTTP/1.1\r\nHost: h\r\n{auth[0]}: {auth[1]}\r\n\r\n"
                                  .encode(), False),
                    "HTTP/1.1 501 Not Implemented", b"Not Implemented\n", closed=False)
        # D1.2: dot segments and empty segments are redirected, encoded or not.
        for case, target, location in [("..", b"/pub/../sub/x", "/sub/x"),
                                        ("%2e%2e", b"/pub/%2e%2e/sub/x", "/sub/x"),
                                        ("//", b"/pub//t?a=1", "/pub/t?a=1")]:
            reply = self.exchange(b"POST " + target + b" HTTP/1.1\r\nHost: h\r\n"
                                  b"Content-Length: 0\r\n\r\n", False)
            self.expect(f"path with {case} (D1.2)", reply, "HTTP/1.1 301 Moved Permanently",
                        closed=False)
            self.assertEqual(reply.headers.get("location"), location)
        # D3: a topic is any decoded bytes, so non-UTF-8 is published as it is.
        self.expect("non-UTF-8 bytes in the path and a header",
                    self.exchange(b"POST /unsafe/pub/\xff\xfe HTTP/1.1\r\nHost: h\r\nX-A: \xff\r\n"
                                  b"Content-Length: 1\r\n\r\nx", False),
                    "HTTP/1.1 200 OK", b"OK\n", closed=False)

    # -- websocket frames from clients ----------------------------------------

    def upgrade(self, topic):
        """A raw socket with a websocket open on /sub/<topic>, or the refusal."""
        path = f"/sub/{topic}"
        key = base64.b64encode(os.urandom(16)).decode()
        sock = self.connect()
        sock.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                      f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                      f"Sec-WebSocket-Version: 13\r\nAuthorization: Bearer {token(path)}\r\n\r\n")
                     .encode())
        return sock, Reply(recv_head(sock), False, 0)

    def open_websocket(self, topic):
        """Upgrades, retrying while the workers still count earlier subscribers."""
        def attempt():
            sock, reply = self.upgrade(topic)
            if reply.status == 101:
                return sock
            sock.close()
            return None
        return wait_for(attempt, 5, f"a 101 on /sub/{topic}")

    @staticmethod
    def frame(payload, opcode=0x2, rsv=0, masked=True):
        header = bytes([0x80 | rsv << 4 | opcode])
        mask_bit = 0x80 if masked else 0
        if len(payload) < 126:
            header += bytes([mask_bit | len(payload)])
        else:
            header += bytes([mask_bit | 126]) + len(payload).to_bytes(2, "big")
        if not masked:
            return header + payload
        key = os.urandom(4)
        return header + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))

    def close_code(self, sock):
        """The code of the server's close frame (skipping other frames)."""
        sock.settimeout(5)
        data = b""
        while True:
            while len(data) < 2:
                chunk = sock.recv(4096)
                if not chunk:
                    raise AssertionError(f"connection closed without a close frame: {data!r}")
                data += chunk
            length = data[1] & 0x7F
            while len(data) < 2 + length:
                data += sock.recv(4096)
            if data[0] & 0x0F == 0x8:
                return int.from_bytes(data[2:4], "big")
            data = data[2 + length:]

    def test_bad_client_frames_get_1002_and_1009(self):
        cases = [
            ("masked frame with reserved bits set", self.frame(b"hi", rsv=0b011), 1002),
            ("unmasked client frame", self.frame(b"hi", masked=False), 1002),
            ("unknown opcode", self.frame(b"hi", opcode=0x3), 1002),
            (f"message over --max-client-message ({MAX_CLIENT_MESSAGE})",
             self.frame(b"m" * (2 * MAX_CLIENT_MESSAGE)), 1009),
        ]
        for case, data, expected in cases:
            with self.open_websocket("hostile/frames") as sock:
                sock.sendall(data)
                code = self.close_code(sock)
                print(f"{case}: close code {code}")
                self.assertEqual(code, expected, case)

    def test_full_workers_answer_503_with_retry_after(self):
        # --max-subscribers 1 and two workers: two subscribers fill them.
        first = self.open_websocket("hostile/full")
        second = self.open_websocket("hostile/full")
        try:
            sock, reply = self.upgrade("hostile/full")
            with sock:
                rest = read_reply_rest(sock, reply)
            self.expect("subscriber with every worker full", rest,
                        "HTTP/1.1 503 Service Unavailable", b"Service Unavailable\n", closed=False)
            self.assertEqual(rest.headers.get("retry-after"), "1")
        finally:
            first.close()
            second.close()

    # -- last: the server still serves, with the same processes ---------------------

    def test_zz_server_still_works_with_the_same_processes(self):
        async def scenario():
            async def connect():
                try:
                    return await subscribe(self.server, "hostile/after")
                except Exception:  # a worker still counts an earlier subscriber
                    return None
            deadline = time.monotonic() + 5
            ws = None
            while ws is None and time.monotonic() < deadline:
                ws = await connect()
            self.assertIsNotNone(ws, "no subscriber accepted after the hostile input")
            publish_all(self.server, "hostile/after", [b"still here"])
            self.assertEqual(await receive_n(ws, 1, 10), [b"still here"])
            await ws.close()
        asyncio.run(asyncio.wait_for(scenario(), 30))
        self.assertEqual(self.server.children("hookbot-acceptor"), self.acceptor)
        self.assertEqual(self.server.worker_pids(), self.workers)
        self.assertIsNone(self.server.process.poll())
        print(f"publish and subscribe still work; acceptor {self.acceptor} and workers "
              f"{self.workers} are the ones that started")


class HostileInputOverTLS(SharedCases, unittest.TestCase):
    """The same limits on the built-in TLS port, where the workers read HTTP
    and the acceptor answers what they forward."""

    wait_close = False

    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.TemporaryDirectory(prefix="hookbot-hostile-tls-")
        pki = TestPKI(cls.folder.name)
        cert, key = pki.server_certificate("server")
        cls.context = Server(workers=2, extra_args=LIMITS + serve_args(cert, key),
                             ssl_context=pki.client_context())
        cls.server = cls.context.__enter__()
        cls.workers = cls.server.worker_pids()

    @classmethod
    def tearDownClass(cls):
        cls.context.__exit__(None, None, None)
        cls.folder.cleanup()

    def connect(self):
        raw = socket.create_connection(("127.0.0.1", self.server.port), timeout=5)
        return self.server.ssl_context.wrap_socket(raw, server_hostname="127.0.0.1")

    def expect(self, case, reply, status_line, body):
        print(f"TLS {case}: {reply.status_line!r} body {reply.body[:60]!r}")
        self.assertEqual(reply.status_line, status_line, case)
        self.assertEqual(reply.body, body, case)

    def test_limits_hold_over_tls(self):
        self.expect_cases(HEADS_OVER_THE_LIMITS + URL_OVER_THE_LIMIT)
        self.expect("Content-Length over --max-body",
                    self.exchange(f"POST /unsafe/pub/big HTTP/1.1\r\nHost: h\r\n"
                                  f"Content-Length: {MAX_BODY + 1}\r\n\r\n".encode()),
                    "HTTP/1.1 413 Payload Too Large", b"Request Entity Too Large\n")
        self.expect("chunk size not hex",
                    self.exchange(b"POST /unsafe/pub/x HTTP/1.1\r\nHost: h\r\n"
                                  b"Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"),
                    "HTTP/1.1 400 Bad Request", b"400 Bad Request\n")

    def trickle(self, first, byte):
        """Sends `first`, then `byte` every 0.25 s until the server answers."""
        with self.connect() as sock:
            sock.sendall(first)
            started = time.monotonic()
            sock.settimeout(0.25)
            data = b""
            while not data and time.monotonic() - started < 10:
                try:
                    data = sock.recv(65536)
                except socket.timeout:
                    sock.sendall(byte)
            seconds = time.monotonic() - started
            sock.settimeout(3)
            with contextlib.suppress(OSError):  # the rest, until the server closes
                while more := sock.recv(65536):
                    data += more
            return Reply(data, True, seconds)

    def test_connections_over_the_limit_are_closed_at_once_over_tls(self):
        # Each worker holds --max-connections from their accept on (the
        # kernel spreads them between the two workers as it likes); one
        # more is closed before its handshake, which the held ones await
        # for --header-timeout.
        wait_for(lambda: self.server.request("GET", "/status")[0] == 200, 5, "/status")
        attempts = 2 * MAX_CONNECTIONS + 4
        socks = [socket.create_connection(("127.0.0.1", self.server.port), timeout=5)
                 for _ in range(attempts)]
        try:
            deadline = time.monotonic() + TIMEOUT_S * 0.75
            closed = set()
            while len(closed) < attempts and time.monotonic() < deadline:
                readable, _, _ = select.select([s for s in socks if s not in closed], [], [],
                                               max(0, deadline - time.monotonic()))
                for sock in readable:
                    try:
                        self.assertEqual(sock.recv(1), b"", "a byte before any ClientHello")
                    except ConnectionResetError:
                        pass
                    closed.add(sock)
            print(f"{attempts} TLS connections, closed at once: {len(closed)}")
            self.assertGreaterEqual(len(closed), attempts - 2 * MAX_CONNECTIONS,
                                    "no connection over --max-connections was closed")
            # Room for 2 sessions of the /status requests still ending.
            self.assertLessEqual(len(closed), attempts - MAX_CONNECTIONS + 2,
                                 "connections under --max-connections were closed")
        finally:
            for sock in socks:
                sock.close()
        wait_for(lambda: self.server.request("GET", "/status")[0] == 200, 5,
                 "/status once the connections are closed")

    def test_trickled_heads_and_bodies_get_408(self):
        for case, first, byte in [
                ("head", b"POST /unsafe/pub/slow HTTP/1.1\r\nHost: h\r\nX-Slow: ", b"s"),
                ("body", b"POST /unsafe/pub/slow HTTP/1.1\r\nHost: h\r\n"
                         b"Content-Length: 1000\r\n\r\n", b"b")]:
            reply = self.trickle(first, byte)
            print(f"TLS {case} trickled a byte every 0.25s: {reply.status_line!r} "
                  f"body {reply.body!r} after {reply.seconds:.2f}s")
            self.assertEqual(reply.status_line, "HTTP/1.1 408 Request Timeout")
            self.assertEqual(reply.body, b"408 Request Timeout\n")
            self.assertLess(reply.seconds, 3 * TIMEOUT_S)

    def test_full_workers_answer_503_over_tls(self):
        async def scenario():
            opened, refusals = [], []
            for _ in range(3):  # --max-subscribers 1 on each of two workers
                try:
                    opened.append(await subscribe(self.server, "hostile/tls-full"))
                except websockets.exceptions.InvalidStatusCode as e:
                    refusals.append(e)
            print(f"TLS subscribers with --max-subscribers 1 on two workers: {len(opened)} "
                  f"opened, refused with {[e.status_code for e in refusals]}")
            self.assertTrue(refusals, "a third subscriber was accepted")
            self.assertTrue(all(e.status_code == 503 for e in refusals))
            self.assertEqual(refusals[0].headers.get("Retry-After"), "1")
            for ws in opened:
                await ws.close()
        asyncio.run(asyncio.wait_for(scenario(), 30))
        self.assertEqual(self.server.worker_pids(), self.workers)


class IdleKeepAliveConnections(unittest.TestCase):
    """Publishers idle between requests, or a flood of idle connections, cost
    the acceptor little memory each: a connection waiting for its next request
    holds no read buffer (8 KiB each before)."""

    CONNECTIONS = 1000
    MOST_BYTES_EACH = 5 * 1024  # of the acceptor's VmRSS

    @unittest.skipUnless(MEMORY_BOUNDS_CHECKED, "memory bounds hold for the plain build only")
    def test_an_idle_keep_alive_connection_costs_the_acceptor_under_5_KiB(self):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft < self.CONNECTIONS + 100:
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(self.CONNECTIONS + 100, hard), hard))
        publish = b"POST /unsafe/pub/idle HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n\r\ni"
        with Server(workers=1) as server, contextlib.ExitStack() as connections:
            acceptor = server.children("hookbot-acceptor")[0]

            def connect_and_publish():
                sock = connections.enter_context(
                    socket.create_connection(("127.0.0.1", server.port), timeout=10))
                sock.sendall(publish)
                return sock

            # What every connection shares (the bus's first pages, the
            # allocator's arenas) comes before the baseline.
            first = connect_and_publish()
            self.assertTrue(recv_head(first).endswith(b"\r\n\r\nOK\n"))
            before = vm_rss(acceptor)
            idle = [connect_and_publish() for _ in range(self.CONNECTIONS)]
            for sock in idle:
                self.assertTrue(recv_head(sock).endswith(b"\r\n\r\nOK\n"))
            # Its answer comes after the event loop has run what the others'
            # answers left it (handlers run in order).
            first.sendall(publish)
            self.assertTrue(recv_head(first).endswith(b"\r\n\r\nOK\n"))
            each = (vm_rss(acceptor) - before) / self.CONNECTIONS
            print(f"{self.CONNECTIONS} idle keep-alive connections: {each:.0f} B of the "
                  "acceptor's VmRSS each")
            self.assertLess(each, self.MOST_BYTES_EACH)


def read_reply_rest(sock, partial):
    """The body of a reply whose head upgrade() read already."""
    length = int(partial.headers.get("content-length", "0"))
    raw_head = partial.status_line.encode() + b"\r\n" + b"\r\n".join(
        f"{name}: {value}".encode() for name, value in partial.headers.items())
    body = partial.body
    sock.settimeout(5)
    while len(body) < length:
        chunk = sock.recv(4096)
        if not chunk:
            break
        body += chunk
    return Reply(raw_head + b"\r\n\r\n" + body, False, 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
