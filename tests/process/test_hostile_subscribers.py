"""Hostile websocket subscribers against a real `hookbot serve --workers 1`.

Frames are crafted by hand on a raw socket (TLS-wrapped for the built-in TLS
port), so that a client can break the rules a library would keep: invalid
UTF-8 in text (RFC 6455 8.1: fail with 1007) and ping floods (5.5.3: a pong
may answer only the most recent ping), and a subscriber that never answers
at all (pinged, then closed, as serve's options say). One worker, so that the
subscriber that must stay served shares the worker with the hostile one.
"""
import base64
import os
import socket
import struct
import subprocess
import tempfile
import time
import unittest

from harness import BIN_DIR, Server, bearer, publish_all, recv_head, wait_for
from tls_pki import TestPKI, serve_args

OP_CONTINUATION, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0, 1, 2, 8, 9, 10
MAX_CLIENT_MESSAGE = 4096


def client_frame(opcode, payload=b"", final=True):
    """A masked client frame (RFC 6455 5.2)."""
    header = bytes([(0x80 if final else 0) | opcode])
    if len(payload) < 126:
        header += bytes([0x80 | len(payload)])
    else:
        header += bytes([0x80 | 126]) + struct.pack("!H", len(payload))
    key = os.urandom(4)
    return header + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


class RawClient:
    """One websocket subscriber on a socket of its own, frames by hand."""

    def __init__(self, server, topic):
        path = "/sub/" + topic
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        if server.ssl_context:
            sock = server.ssl_context.wrap_socket(sock, server_hostname="127.0.0.1")
        key = base64.b64encode(os.urandom(16)).decode()
        headers = {"Host": f"127.0.0.1:{server.port}", "Upgrade": "websocket",
                   "Connection": "Upgrade", "Sec-WebSocket-Key": key,
                   "Sec-WebSocket-Version": "13", **bearer(path)}
        sock.sendall((f"GET {path} HTTP/1.1\r\n" + "".join(
            f"{name}: {value}\r\n" for name, value in headers.items()) + "\r\n").encode())
        head = recv_head(sock)
        status, _, self.buffer = head.partition(b"\r\n\r\n")
        if b" 101 " not in status.split(b"\r\n", 1)[0] + b" ":
            sock.close()
            raise ConnectionError(f"upgrade refused: {head[:80]!r}")
        self.sock = sock

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.sock.close()

    def send(self, data):
        self.sock.sendall(data)

    def next_frame(self, deadline):
        """(opcode, payload) of the next server frame; None on EOF or timeout."""
        while True:
            frame = self._parse()
            if frame:
                return frame
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            self.sock.settimeout(remaining)
            try:
                chunk = self.sock.recv(65536)
            except (socket.timeout, ConnectionError):
                return None
            if not chunk:
                return None
            self.buffer += chunk

    def _parse(self):
        data = self.buffer
        if len(data) < 2:
            return None
        length, header = data[1] & 0x7F, 2
        if length == 126:
            if len(data) < 4:
                return None
            length, header = struct.unpack_from("!H", data, 2)[0], 4
        elif length == 127:
            if len(data) < 10:
                return None
            length, header = struct.unpack_from("!Q", data, 2)[0], 10
        if len(data) < header + length:
            return None
        self.buffer = data[header + length:]
        return data[0] & 0x0F, data[header:header + length]

    def close_code(self, seconds=5):
        """The code of the server's close frame, skipping other frames; None
        when none comes within `seconds`."""
        deadline = time.monotonic() + seconds
        while (frame := self.next_frame(deadline)) is not None:
            opcode, payload = frame
            if opcode == OP_CLOSE:
                return struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 0
        return None

    def answers_ping(self, payload=b"still open?", seconds=5):
        """True when the connection answers a ping with its pong (it is open)."""
        self.send(client_frame(OP_PING, payload))
        deadline = time.monotonic() + seconds
        while (frame := self.next_frame(deadline)) is not None:
            if frame == (OP_PONG, payload):
                return True
            if frame[0] == OP_CLOSE:
                return False
        return False


class HostileSubscriberCases:
    """Run against a plain and a TLS server (the two transports)."""

    server = None

    def client(self, topic):
        # The worker may still count a subscriber an earlier case closed.
        def attempt():
            try:
                return RawClient(self.server, topic)
            except ConnectionError:
                return None
        return wait_for(attempt, 5, f"a 101 on /sub/{topic}")

    # -- RFC 6455 8.1: text must be UTF-8 -----------------------------------

    def test_invalid_utf8_in_text_fails_the_connection_with_1007(self):
        cases = [
            ("one text frame, a lone 0xff", [client_frame(OP_TEXT, b"ok \xff")]),
            ("an overlong encoding", [client_frame(OP_TEXT, b"\xc0\xaf")]),
            ("a UTF-16 surrogate", [client_frame(OP_TEXT, b"\xed\xa0\x80")]),
            ("a code point above U+10FFFF", [client_frame(OP_TEXT, b"\xf4\x90\x80\x80")]),
            ("a sequence cut at the end of the message", [client_frame(OP_TEXT, b"\xe2\x82")]),
            ("a bad byte in a continuation frame",
             [client_frame(OP_TEXT, b"caf\xc3", final=False),
              client_frame(OP_CONTINUATION, b"\x28")]),
            ("a sequence cut at the end of fragments",
             [client_frame(OP_TEXT, b"caf", final=False),
              client_frame(OP_CONTINUATION, b"\xf0\x9f\x98")]),
            ("a close reason that is not UTF-8",
             [client_frame(OP_CLOSE, struct.pack("!H", 1000) + b"\xff")]),
        ]
        for case, frames in cases:
            with self.subTest(case), self.client("hostile/utf8") as client:
                for frame in frames:
                    client.send(frame)
                code = client.close_code()
                print(f"{self.label}: {case}: close code {code}")
                self.assertEqual(code, 1007, case)

    def test_valid_utf8_text_leaves_the_connection_open(self):
        cases = [
            ("one text frame", [client_frame(OP_TEXT, "hé ✓ 😀".encode())]),
            ("a character split across fragments, a ping between",
             [client_frame(OP_TEXT, b"caf\xc3", final=False),
              client_frame(OP_PING, b"between"),
              client_frame(OP_CONTINUATION, b"\xa9 \xf0\x9f", final=False),
              client_frame(OP_CONTINUATION, b"\x98\x80")]),
            ("binary that is not UTF-8", [client_frame(OP_BINARY, b"\xff\xfe")]),
        ]
        for case, frames in cases:
            with self.subTest(case), self.client("hostile/utf8-ok") as client:
                for frame in frames:
                    client.send(frame)
                self.assertTrue(client.answers_ping(), case)

    # -- RFC 6455 5.5.3: pings answered promptly, pongs bounded ---------------

    def test_a_ping_flood_gets_its_last_ping_answered_and_others_stay_served(self):
        with self.client("hostile/bystander") as bystander, \
                self.client("hostile/flood") as flooder:
            # Pings of the largest size: pongs for all of them would be 1.3 MB.
            flood = (client_frame(OP_PING, b"p" * 125) * 9999 +
                     client_frame(OP_PING, b"the last ping"))
            started = time.monotonic()
            flooder.send(flood)
            sent = time.monotonic()
            # The bystander on the same worker still gets what is published.
            publish_all(self.server, "hostile/bystander", [b"during the flood"])
            self.assertEqual(bystander.next_frame(time.monotonic() + 5),
                             (OP_BINARY, b"during the flood"))
            pongs, answer = 0, None
            deadline = sent + 5
            while (frame := flooder.next_frame(deadline)) is not None:
                if frame[0] == OP_PONG:
                    pongs += 1
                    if frame[1] == b"the last ping":
                        answer = "pong"
                        break
                elif frame[0] == OP_CLOSE:
                    answer = f"close {struct.unpack('!H', frame[1][:2])[0]}"
                    break
            print(f"{self.label}: 10000 pings sent in {sent - started:.3f} s; "
                  f"{pongs} pongs, then {answer} after {time.monotonic() - sent:.3f} s")
            self.assertIn(answer, ("pong", "close 1008"))
            self.assertTrue(bystander.answers_ping())


class SilentSubscribers(unittest.TestCase):
    """serve passes the workers' liveness options on: a subscriber that never
    answers is pinged after --ping-interval and closed after --ping-timeout."""

    def test_a_silent_subscriber_is_pinged_then_closed_as_serve_was_told(self):
        with Server(workers=1, extra_args=["--ping-interval", "0.3",
                                           "--ping-timeout", "1"]) as server:
            for pid in server.worker_pids():
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    argv = f.read().split(b"\0")
                self.assertIn(b"--ping-interval", argv)
                self.assertEqual(argv[argv.index(b"--ping-timeout") + 1], b"1")
            with wait_for(lambda: _raw_client_or_none(server, "silent/x"), 5,
                          "a 101 on /sub/silent/x") as client:
                started = time.monotonic()
                frame = client.next_frame(started + 5)
                self.assertIsNotNone(frame)
                self.assertEqual(frame[0], OP_PING)
                # Never answered: the connection ends (a close frame or EOF).
                while (frame := client.next_frame(started + 5)) is not None:
                    if frame[0] == OP_CLOSE:
                        break
                waited = time.monotonic() - started
                print(f"silent subscriber: pinged, then closed after {waited:.2f} s")
                self.assertLess(waited, 4)

    def test_serve_checks_the_liveness_options_before_it_starts(self):
        for args, message in (
                (["--ping-interval", "5", "--ping-timeout", "5"],
                 "--ping-timeout must be greater than --ping-interval"),
                (["--overflow", "block"], '--overflow must be drop or close, not "block"')):
            result = subprocess.run(
                [os.path.join(BIN_DIR, "hookbot"), "serve", "--bind", "127.0.0.1:0", *args],
                env=dict(os.environ, HOOKBOT_KEY="k"), capture_output=True, text=True,
                timeout=30)
            self.assertEqual(result.returncode, 1, result.stderr)
            self.assertIn(message, result.stderr)


def _raw_client_or_none(server, topic):
    try:
        return RawClient(server, topic)
    except ConnectionError:
        return None


class HostileSubscribers(HostileSubscriberCases, unittest.TestCase):
    label = "plain"

    @classmethod
    def setUpClass(cls):
        cls.context = Server(workers=1, extra_args=[
            "--max-client-message", str(MAX_CLIENT_MESSAGE)])
        cls.server = cls.context.__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.context.__exit__(None, None, None)


class HostileSubscribersOverTLS(HostileSubscriberCases, unittest.TestCase):
    label = "TLS"

    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.TemporaryDirectory(prefix="hookbot-hostile-subscribers-")
        pki = TestPKI(cls.folder.name)
        cert, key = pki.server_certificate("server")
        cls.context = Server(workers=1, extra_args=[
            "--max-client-message", str(MAX_CLIENT_MESSAGE), *serve_args(cert, key)],
            ssl_context=pki.client_context())
        cls.server = cls.context.__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.context.__exit__(None, None, None)
        cls.folder.cleanup()


if __name__ == "__main__":
    unittest.main()
