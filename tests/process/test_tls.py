"""Built-in TLS: `hookbot serve --tls-cert --tls-key` on one port.

A throwaway CA and server certificate are made with the openssl command line;
clients trust that CA only and check the server's name, so every connection
here proves the certificate chain too.
"""
import asyncio
import os
import random
import signal
import socket
import ssl
import subprocess
import tempfile
import unittest

import websockets

from harness import (BIN_DIR, KEY, MEMORY_BOUNDS_CHECKED, Server, bearer, publish_all,
                     publish_while_receiving, receive_n, recv_head, subscribe, vm_rss, wait_for)
from tls_pki import TestPKI, serve_args


def bodies(count, seed):
    """Random bodies with NUL bytes and invalid UTF-8, and sizes on both sides
    of the inline limit of forwarded requests (32 KiB) and up to 1 MiB."""
    rng = random.Random(seed)
    sizes = [0, 1, 2048, 32 * 1024, 32 * 1024 + 1, 200 * 1024, 1 << 20]
    sizes += [rng.randrange(0, 4096) for _ in range(count - len(sizes))]
    return [rng.randbytes(size) + b"\0\xff" + i.to_bytes(4, "big") for i, size in enumerate(sizes)]


def peer_certificate(server):
    """The DER certificate a new TLS connection to `server` is shown."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
        with server.ssl_context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
            return tls.getpeercert(binary_form=True)


def der_of(pem_file):
    with open(pem_file) as f:
        return ssl.PEM_cert_to_DER_cert(f.read())


class TLS(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.TemporaryDirectory(prefix="hookbot-tls-")
        cls.pki = TestPKI(cls.folder.name)
        cls.cert, cls.key = cls.pki.server_certificate("server")

    @classmethod
    def tearDownClass(cls):
        cls.folder.cleanup()

    def server(self, cert=None, key=None, workers=2):
        return Server(workers=workers, extra_args=serve_args(cert or self.cert, key or self.key),
                      ssl_context=self.pki.client_context())

    def run_async(self, coroutine):
        return asyncio.run(asyncio.wait_for(coroutine, 120))

    def test_https_publish_reaches_wss_subscribers_on_both_workers_byte_for_byte(self):
        async def scenario(server):
            subscribers = []
            # The kernel gives each connection to whichever worker accepts
            # first: connect until both workers hold some (bounded).
            while len(subscribers) < 40:
                subscribers.append(await subscribe(server, "tls/fanout"))
                workers = {server.worker_of(ws) for ws in subscribers}
                if len(subscribers) >= 6 and len(workers) == 2:
                    break
            self.assertEqual(len(workers), 2, f"subscribers on workers {workers}")
            self.assertNotIn(None, workers)
            # The acceptor holds no client connection: it never accepts on the TLS port.
            acceptor = server.children("hookbot-acceptor")[0]
            self.assertEqual(server.connections_of(acceptor), 0)

            messages = bodies(40, seed=7)
            received = await publish_while_receiving(server, "tls/fanout", messages,
                                                     subscribers, 60)
            for got in received:
                self.assertEqual(got, messages)
            for ws in subscribers:
                await ws.close()

        with self.server() as server:
            self.run_async(scenario(server))

    def test_status_unauthorised_and_malformed_answers_over_tls(self):
        with self.server() as server:
            status, body, response = server.request("GET", "/status")
            self.assertEqual((status, body), (200, b"OK\n"))
            status, body, response = server.request("POST", "/pub/t", b"x",
                                                    {"Authorization": "Bearer nope"})
            self.assertEqual((status, body), (401, b"401 Unauthorized\n"))
            self.assertEqual(response.getheader("WWW-Authenticate"), 'Basic realm="hookbot"')

            async def refused():
                with self.assertRaises(websockets.exceptions.InvalidStatusCode) as caught:
                    await subscribe(server, "t", {"Authorization": "Bearer nope"})
                self.assertEqual(caught.exception.status_code, 401)
            self.run_async(refused())

            # Keep-alive: several requests on one TLS connection.
            publisher = server.publisher()
            try:
                for i in range(5):
                    self.assertEqual(publisher.publish("keep/alive", b"%d" % i), (200, b"OK\n"))
            finally:
                publisher.close()

            # A bad percent escape: 400 and the connection closes (PROTOCOL D1.1).
            with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
                with server.ssl_context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
                    tls.sendall(b"GET /sub/a%2 HTTP/1.1\r\nHost: x\r\n\r\n")
                    answer = b""
                    while chunk := tls.recv(4096):
                        answer += chunk
            self.assertTrue(answer.startswith(b"HTTP/1.1 400 Bad Request\r\n"), answer)

    def test_only_tls_12_and_13(self):
        with self.server() as server:
            for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
                context = self.pki.client_context()
                context.minimum_version = context.maximum_version = version
                with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
                    with context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
                        self.assertEqual(tls.version(), version.name.replace("v1_", "v1."))
                        if version == ssl.TLSVersion.TLSv1_3:
                            # The server's preference (Mozilla's, Go's), not OpenSSL's default.
                            self.assertEqual(tls.cipher()[0], "TLS_AES_128_GCM_SHA256")

            old = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            old.load_verify_locations(self.pki.ca_cert)
            try:
                old.set_ciphers("DEFAULT:@SECLEVEL=0")
                old.minimum_version = old.maximum_version = ssl.TLSVersion.TLSv1_1
            except (ssl.SSLError, ValueError) as e:
                self.skipTest(f"this OpenSSL cannot offer TLS 1.1: {e}")
            with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
                try:
                    with old.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
                        self.fail(f"the server accepted {tls.version()}")
                except ssl.SSLError as e:
                    if "NO_PROTOCOLS_AVAILABLE" in str(e) or "no protocols available" in str(e):
                        self.skipTest(f"this OpenSSL cannot offer TLS 1.1: {e}")
                    self.assertRegex(str(e), r"(?i)protocol.version|unsupported.protocol", str(e))
                except (ConnectionResetError, BrokenPipeError):
                    pass  # refused before any alert: refused all the same

    def test_sighup_reloads_the_certificate_without_dropping_connections(self):
        folder = self.folder.name
        cert, key = os.path.join(folder, "live.crt"), os.path.join(folder, "live.key")
        first_cert, first_key = self.pki.server_certificate("first", "first certificate")
        second_cert, second_key = self.pki.server_certificate("second", "second certificate")
        for source, target in ((first_cert, cert), (first_key, key)):
            with open(source, "rb") as f, open(target, "wb") as out:
                out.write(f.read())

        async def scenario(server):
            self.assertEqual(peer_certificate(server), der_of(first_cert))
            ws = await subscribe(server, "tls/reload")
            publisher = server.publisher()
            self.assertEqual(publisher.publish("tls/reload", b"before"), (200, b"OK\n"))
            publisher.close()
            self.assertEqual(await receive_n(ws, 1, 10), [b"before"])

            for source, target in ((second_cert, cert), (second_key, key)):
                with open(source, "rb") as f, open(target + ".new", "wb") as out:
                    out.write(f.read())
                os.replace(target + ".new", target)
            reloads = sum("reloaded TLS certificate" in line for line in server.log_lines)
            server.process.send_signal(signal.SIGHUP)
            wait_for(lambda: sum("reloaded TLS certificate" in line
                                 for line in server.log_lines) == reloads + server.workers,
                     10, "every worker to reload its certificate")

            self.assertEqual(peer_certificate(server), der_of(second_cert))
            publisher = server.publisher()
            self.assertEqual(publisher.publish("tls/reload", b"after"), (200, b"OK\n"))
            publisher.close()
            self.assertEqual(await receive_n(ws, 1, 10), [b"after"])
            await ws.close()

        with self.server(cert, key) as server:
            self.run_async(scenario(server))

    def test_start_refuses_incomplete_or_bad_tls_files(self):
        folder = self.folder.name
        garbage = os.path.join(folder, "garbage.pem")
        with open(garbage, "w") as f:
            f.write("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")
        _, other_key = self.pki.server_certificate("other")
        missing = os.path.join(folder, "missing.pem")
        cases = [
            (["--sslcrt", self.cert], r"only the certificate"),
            (["-k", self.key], r"only the key"),
            (["--tls-cert", missing, "--tls-key", self.key], missing + r".*No such file"),
            (["-c", garbage, "-k", self.key], garbage + r".*(PEM|ASN1|asn1|pem)"),
            (["--tls-cert", self.cert, "--tls-key", garbage], garbage),
            (["--tls-cert", self.cert, "--tls-key", other_key], other_key + r".*mismatch"),
        ]
        for args, expected in cases:
            result = subprocess.run(
                [os.path.join(BIN_DIR, "hookbot"), "serve", "--bind", "127.0.0.1:0", *args],
                env=dict(os.environ, HOOKBOT_KEY=KEY), capture_output=True, text=True,
                timeout=20)
            self.assertNotEqual(result.returncode, 0, args)
            self.assertRegex(result.stderr, expected, args)

    @unittest.skipUnless(MEMORY_BOUNDS_CHECKED, "memory bounds hold for the plain build only")
    def test_an_idle_tls_subscriber_costs_its_worker_under_32_KiB(self):
        # Asio's TLS stream, kept after the handshake, held two 17 KiB
        # buffers and its BIO pair another 17: 64 KiB per idle subscriber.
        subscribers, most_bytes_each = 300, 32 * 1024

        async def scenario(server):
            worker = server.worker_pids()[0]
            # What every subscriber shares (the bus's first pages, the
            # allocator's arenas, OpenSSL's tables) comes before the baseline.
            first = await subscribe(server, "tls/idle")
            publish_all(server, "tls/idle", [b"warm"])
            self.assertEqual(await receive_n(first, 1, 10), [b"warm"])
            before = vm_rss(worker)
            idle = [await subscribe(server, "tls/idle") for _ in range(subscribers)]
            # Every one of them past its handshake: each receives this.
            publish_all(server, "tls/idle", [b"all here"])
            for ws in [first, *idle]:
                self.assertEqual(await receive_n(ws, 1, 10), [b"all here"])
            each = (vm_rss(worker) - before) / subscribers
            print(f"{subscribers} idle TLS subscribers: {each / 1024:.1f} KiB of the worker's "
                  "VmRSS each")
            for ws in [first, *idle]:
                await ws.close()
            return each

        with self.server(workers=1) as server:
            self.assertLess(self.run_async(scenario(server)), most_bytes_each)

    def test_a_subscriber_that_stopped_reading_gets_whole_frames_and_a_clean_tls_close(self):
        """Far more than the socket buffers hold, to a subscriber that reads
        nothing, then closes: the worker's writes wait on the socket, its queue
        overflows and drops, the close comes while a record waits to go out,
        and the frames that arrive are whole and in order. After the close
        handshake the TLS stream ends with close_notify, not a bare TCP close."""
        size, count = 16 * 1024, 600  # ~9.4 MiB
        args = serve_args(self.cert, self.key) + ["--queue-messages", "64", "--slow-after", "0.1"]
        with Server(workers=1, extra_args=args, ssl_context=self.pki.client_context()) as server:
            workers = server.worker_pids()
            raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            raw.settimeout(20)
            raw.connect(("127.0.0.1", server.port))
            # Without close_notify, recv then raises SSLEOFError.
            strict = self.pki.client_context()
            strict.options &= ~ssl.OP_IGNORE_UNEXPECTED_EOF
            with strict.wrap_socket(raw, server_hostname="127.0.0.1",
                                    suppress_ragged_eofs=False) as tls:
                request = ("GET /sub/tls/slow HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                           "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                           "Sec-WebSocket-Version: 13\r\n" + "".join(
                               f"{k}: {v}\r\n" for k, v in bearer("/sub/tls/slow").items())
                           + "\r\n")
                tls.sendall(request.encode())
                head, frames = recv_head(tls).split(b"\r\n\r\n", 1)
                self.assertIn(b" 101 ", head)

                publisher = server.publisher()
                try:
                    for i in range(count):
                        body = i.to_bytes(4, "big") + bytes([i % 251]) * (size - 4)
                        self.assertEqual(publisher.publish("tls/slow", body), (200, b"OK\n"))
                finally:
                    publisher.close()

                def next_frame():
                    nonlocal frames
                    while True:
                        if len(frames) >= 4:
                            length, header = frames[1] & 0x7F, 2
                            if length == 126:
                                length, header = int.from_bytes(frames[2:4], "big"), 4
                            elif length == 127 and len(frames) >= 10:
                                length, header = int.from_bytes(frames[2:10], "big"), 10
                            if length != 127 and len(frames) >= header + length:
                                opcode = frames[0] & 0x0F
                                payload = frames[header:header + length]
                                frames = frames[header + length:]
                                return opcode, payload
                        chunk = tls.recv(1 << 16)
                        self.assertTrue(chunk, "the connection ended before a close frame")
                        frames += chunk

                # Our close goes out while the worker's write still waits on
                # the socket: what it had begun is finished, the rest dropped.
                mask = b"\x01\x02\x03\x04"
                code = (1000).to_bytes(2, "big")
                tls.sendall(b"\x88\x82" + mask + bytes(b ^ mask[i] for i, b in enumerate(code)))
                received = []
                opcode, payload = next_frame()
                while opcode == 2:
                    self.assertEqual(len(payload), size)
                    i = int.from_bytes(payload[:4], "big")
                    self.assertEqual(payload[4:], bytes([i % 251]) * (size - 4), i)
                    received.append(i)
                    opcode, payload = next_frame()
                self.assertTrue(received)
                self.assertEqual(received, sorted(set(received)))
                self.assertLess(len(received), count, "nothing was dropped: the test proves little")
                self.assertEqual((opcode, payload), (8, code))
                self.assertEqual(tls.recv(1), b"")  # close_notify
            self.assertEqual(server.worker_pids(), workers)



if __name__ == "__main__":
    unittest.main()
