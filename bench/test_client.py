#!/usr/bin/python3
"""hookbot-bench's websocket client against a scripted server, over plain TCP
and over TLS: the first message arrives in the same segment as the 101, then
a ping (the client must answer with a masked pong carrying the same payload),
a message with a 16-bit length, and one fragmented into two frames; after the
pong, a close frame. The bench must count 3 messages, 1 ping, 1 close, and
nothing malformed.

  bench/test_client.py BIN_DIR
"""
import json
import os
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import threading

TIMEOUT = 10


def frame(opcode, payload, fin=True):
    head = bytes([(0x80 if fin else 0) | opcode])
    if len(payload) < 126:
        head += bytes([len(payload)])
    else:
        head += bytes([126]) + struct.pack("!H", len(payload))
    return head + payload


def stamped(sequence, size):
    return struct.pack("<QQ", 0, sequence) + b"x" * (size - 16)


class ScriptedServer(threading.Thread):
    """One connection: the script above. `error` holds what went wrong."""

    def __init__(self, tls_context):
        super().__init__(daemon=True)
        self.tls_context = tls_context
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(TIMEOUT)
        self.port = self.listener.getsockname()[1]
        self.error = "the server never finished"
        self.pong = None

    def run(self):
        try:
            self.serve()
            self.error = None
        except Exception as e:  # reported by the test, not raised in a thread
            self.error = f"{type(e).__name__}: {e}"
        finally:
            self.listener.close()

    def serve(self):
        connection, _ = self.listener.accept()
        connection.settimeout(TIMEOUT)
        if self.tls_context:
            connection = self.tls_context.wrap_socket(connection, server_side=True)
        with connection:
            request = b""
            while b"\r\n\r\n" not in request:
                chunk = connection.recv(4096)
                if not chunk:
                    raise RuntimeError(f"closed before a whole request: {request!r}")
                request += chunk
            if not request.startswith(b"GET /sub/bench/0 HTTP/1.1\r\n") or \
                    b"Upgrade: websocket" not in request:
                raise RuntimeError(f"not an upgrade: {request!r}")
            connection.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                               b"Connection: Upgrade\r\n\r\n" + frame(0x2, stamped(1, 16)))
            connection.sendall(frame(0x9, b"ping"))
            connection.sendall(frame(0x2, stamped(2, 300)))
            first = stamped(3, 200)
            connection.sendall(frame(0x1, first[:10], fin=False) + frame(0x0, first[10:]))
            pong = b""
            while len(pong) < 10:
                chunk = connection.recv(64)
                if not chunk:
                    raise RuntimeError(f"closed before the pong: {pong!r}")
                pong += chunk
            if pong[0] != 0x8a or pong[1] != 0x84:
                raise RuntimeError(f"not a masked 4-byte pong: {pong!r}")
            mask = pong[2:6]
            self.pong = bytes(b ^ mask[i % 4] for i, b in enumerate(pong[6:10]))
            if self.pong != b"ping":
                raise RuntimeError(f"pong payload {self.pong!r}, not b'ping'")
            connection.sendall(frame(0x8, struct.pack("!H", 1000)))


def check(bin_dir, tls_context):
    mode = "tls" if tls_context else "plain"
    server = ScriptedServer(tls_context)
    server.start()
    scheme = "https" if tls_context else "http"
    command = [os.path.join(bin_dir, "hookbot-bench"), "--url", f"{scheme}://127.0.0.1:{server.port}",
               "--key", "", "-s", "1", "-p", "0", "--duration", "1", "--connect-timeout", "5",
               "--json"]
    run = subprocess.run(command, capture_output=True, text=True, timeout=30)
    server.join(TIMEOUT)
    lines = [l for l in run.stdout.splitlines() if l.startswith("{")]
    report = json.loads(lines[-1]) if lines else {}
    got = {k: report.get(k) for k in ("subscribers_connected", "received", "pings",
                                     "closed_by_server", "malformed")}
    want = dict(subscribers_connected=1, received=3, pings=1, closed_by_server=1, malformed=0)
    print(f"{mode}: rc {run.returncode}, {got}, pong {server.pong!r}")
    problems = []
    if server.error:
        problems.append(f"server: {server.error}")
    if got != want:
        problems.append(f"expected {want}")
    if run.returncode != 0:
        problems.append(f"rc {run.returncode}: {run.stderr.strip()}")
    for problem in problems:
        print(f"{mode}: FAIL: {problem}")
    return not problems


def main():
    bin_dir = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix="hookbot-bench-client-") as folder:
        cert, key = os.path.join(folder, "cert.pem"), os.path.join(folder, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj",
                        "/CN=127.0.0.1", "-keyout", key, "-out", cert],
                       check=True, capture_output=True, timeout=30)
        tls_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls_context.load_cert_chain(cert, key)
        ok = check(bin_dir, None)
        ok = check(bin_dir, tls_context) and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
