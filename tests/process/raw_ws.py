"""Websocket subscribers on plain sockets, for tests with many of them.

python3-websockets costs tens of microseconds per message; a test with
hundreds of subscribers and hundreds of messages a second would measure the
client. These subscribers do the handshake by hand and parse server frames
(unmasked, RFC 6455) in one selector thread, which keeps up.
"""
import base64
import os
import selectors
import socket
import struct
import threading
import time

from harness import bearer, recv_head

OP_CONTINUATION, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0, 1, 2, 8, 9, 10


class RawSubscriber:
    """One websocket subscriber: connects, upgrades, then parses frames fed to it.

    `rcvbuf` sets SO_RCVBUF before connecting (the kernel then advertises a
    small window: a subscriber that never reads fills it quickly). Each data
    frame's payload goes to `on_message`, by default appended to `messages`."""

    def __init__(self, port, topic, rcvbuf=None, on_message=None, timeout=10):
        path = "/sub/" + topic
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(timeout)
        self.sock.connect(("127.0.0.1", port))
        key = base64.b64encode(os.urandom(16)).decode()
        headers = {"Host": f"127.0.0.1:{port}", "Upgrade": "websocket",
                   "Connection": "Upgrade", "Sec-WebSocket-Key": key,
                   "Sec-WebSocket-Version": "13", **bearer(path)}
        request = f"GET {path} HTTP/1.1\r\n" + "".join(
            f"{name}: {value}\r\n" for name, value in headers.items()) + "\r\n"
        self.sock.sendall(request.encode())
        head = recv_head(self.sock)
        if b"\r\n\r\n" not in head:
            raise ConnectionError(f"closed during the handshake: {head!r}")
        head, self._buffer = head.split(b"\r\n\r\n", 1)
        status = head.split(b"\r\n", 1)[0]
        if b" 101 " not in status + b" ":
            raise ConnectionError(f"upgrade refused: {status!r}")
        self.sock.setblocking(False)
        self.local_port = self.sock.getsockname()[1]
        self.messages = []       # payloads of data frames, in order
        self.on_message = on_message or self.messages.append
        self.closed_at = None    # time.monotonic() of EOF, reset or a close frame
        self._fragments = None

    def fileno(self):
        return self.sock.fileno()

    def on_readable(self):
        """Reads what is there and parses whole frames; False once closed."""
        try:
            data = self.sock.recv(1 << 18)
        except BlockingIOError:
            return True
        except OSError:
            data = b""
        if not data:
            self.closed_at = time.monotonic()
            return False
        self._buffer += data
        return self._parse()

    def _parse(self):
        buffer, offset, end = self._buffer, 0, len(self._buffer)
        while end - offset >= 2:
            first, second = buffer[offset], buffer[offset + 1]
            length, header = second & 0x7F, 2
            if length == 126:
                if end - offset < 4:
                    break
                length, header = struct.unpack_from("!H", buffer, offset + 2)[0], 4
            elif length == 127:
                if end - offset < 10:
                    break
                length, header = struct.unpack_from("!Q", buffer, offset + 2)[0], 10
            if end - offset < header + length:
                break
            payload = buffer[offset + header:offset + header + length]
            offset += header + length
            opcode, final = first & 0x0F, first & 0x80
            if opcode == OP_CLOSE:
                self.closed_at = time.monotonic()
                self._buffer = b""
                return False
            if opcode == OP_PING:
                self._send_frame(OP_PONG, payload)
            elif opcode in (OP_TEXT, OP_BINARY) and final:
                self.on_message(payload)
            elif opcode in (OP_TEXT, OP_BINARY):
                self._fragments = [payload]
            elif opcode == OP_CONTINUATION and self._fragments is not None:
                self._fragments.append(payload)
                if final:
                    self.on_message(b"".join(self._fragments))
                    self._fragments = None
        self._buffer = buffer[offset:]
        return True

    def _send_frame(self, opcode, payload):
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        frame = bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + masked
        try:
            self.sock.send(frame)
        except OSError:
            pass

    def close(self):
        self.sock.close()


class SubscriberPump:
    """Reads every added subscriber in one thread until stopped."""

    def __init__(self):
        self._selector = selectors.DefaultSelector()
        self._pending = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._progress = threading.Condition()  # notified after each batch read

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(10)
        self._selector.close()

    def add(self, subscriber):
        with self._lock:
            self._pending.append((True, subscriber))

    def close(self, subscriber):
        """Stops reading `subscriber` and closes it (in the pump's thread)."""
        with self._lock:
            self._pending.append((False, subscriber))

    def wait(self, predicate, timeout, what):
        """Waits until `predicate()` holds after some batch of reads."""
        with self._progress:
            if not self._progress.wait_for(predicate, timeout):
                raise AssertionError(f"timed out after {timeout}s waiting for {what}")

    def _run(self):
        while not self._stop.is_set():
            with self._lock:
                pending, self._pending = self._pending, []
            for add, subscriber in pending:
                if add:
                    self._selector.register(subscriber, selectors.EVENT_READ)
                else:
                    if subscriber.closed_at is None:  # still registered
                        self._selector.unregister(subscriber)
                    subscriber.close()
            ready = self._selector.select(0.02)
            for key, _ in ready:
                if not key.fileobj.on_readable():
                    self._selector.unregister(key.fileobj)
            if ready:
                with self._progress:
                    self._progress.notify_all()
