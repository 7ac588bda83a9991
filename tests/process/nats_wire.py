"""A NATS client on a plain socket, enough for the cluster tests.

The process tests need to look at and change JetStream behind hookbot's
back (read a stream's state, delete it, create it again, publish to it)
with a client that is not the one hookbot links (libnats), so that a bug in
how hookbot speaks to NATS cannot hide itself. This is the text protocol of
https://docs.nats.io/reference/reference-protocols/nats-protocol, by hand:
INFO, CONNECT (headers on, verbose off), PING/PONG, SUB/UNSUB, PUB/HPUB,
MSG/HMSG, +OK/-ERR; one thread, every read bounded by a deadline.

JetStream's API is request/reply on `$JS.API.…` subjects with JSON bodies
(https://docs.nats.io/reference/reference-protocols/nats_api_reference);
stream_info, create_stream, delete_stream, get_message and js_publish wrap
the few the tests use. Each takes a URL (or several, comma-joined: the
first that accepts a connection is used) or an open Connection.
"""
import contextlib
import json
import os
import socket
import time
from urllib.parse import urlsplit

CRLF = b"\r\n"
API = "$JS.API"

# JetStream's error codes (err_code, libnats's status.h names them) that
# mean "not now, try again": the meta group has no leader yet or lost its
# quorum, or not enough peers are current to place a stream's replicas
# (right after start, or while a node is down).
JS_TRANSIENT_ERR_CODES = {
    10005,  # JSClusterNoPeersErr: no suitable peers for placement
    10008,  # JSClusterNotAvailErr: JetStream system temporarily unavailable
    10009,  # JSClusterNotLeaderErr: JetStream cluster can not handle request
}


class NatsError(Exception):
    """The server sent -ERR, closed the connection, or sent something unparsable."""


class NatsTimeout(NatsError):
    """Nothing (or not the awaited reply) arrived before the deadline."""


class NoResponders(NatsError):
    """A request reached no subscriber (status 503 from the server)."""


class JetStreamError(NatsError):
    """JetStream answered with {"error": {...}}."""

    def __init__(self, subject, error):
        self.subject = subject
        self.error = error
        self.code = error.get("code")          # HTTP-like: 400, 404, 503, …
        self.err_code = error.get("err_code")  # JetStream's own, e.g. 10059 stream not found
        self.description = error.get("description", "")
        super().__init__(f"{subject}: {self.code}/{self.err_code} {self.description}")

    @property
    def transient(self):
        return self.code == 503 or self.err_code in JS_TRANSIENT_ERR_CODES


class Msg:
    """A MSG or HMSG: `data` is the payload; `headers` a dict (or None), `status`
    the status code of an HMSG's "NATS/1.0 503 …" line (or None)."""

    def __init__(self, subject, sid, reply, data, headers=None, status=None, description=None):
        self.subject = subject
        self.sid = sid
        self.reply = reply
        self.data = data
        self.headers = headers
        self.status = status
        self.description = description

    def json(self):
        return json.loads(self.data)

    def __repr__(self):
        return (f"Msg({self.subject!r}, sid={self.sid}, reply={self.reply!r}, "
                f"status={self.status!r}, {len(self.data)} bytes)")


def split_urls(urls):
    """"nats://a:1,nats://b:2" (or a list) → [(host, port), …]."""
    if isinstance(urls, str):
        urls = [u for u in urls.split(",") if u.strip()]
    addresses = []
    for url in urls:
        parts = urlsplit(url.strip() if "://" in url else "nats://" + url.strip())
        if parts.scheme not in ("nats", ""):
            raise ValueError(f"only nats:// URLs here, not {url!r}")
        addresses.append((parts.hostname or "127.0.0.1", parts.port or 4222))
    if not addresses:
        raise ValueError("no URL")
    return addresses


def encode_headers(headers):
    lines = [b"NATS/1.0"]
    for name, value in headers.items():
        lines.append(f"{name}: {value}".encode())
    return CRLF.join(lines) + CRLF + CRLF


def parse_headers(block):
    """An HMSG's header block → (headers, status, description)."""
    lines = block.split(CRLF)
    first = lines[0].decode(errors="replace").split(" ", 2)
    if not first[0].startswith("NATS/"):
        raise NatsError(f"bad header block {block[:60]!r}")
    status = first[1] if len(first) > 1 and first[1] else None
    description = first[2] if len(first) > 2 else None
    headers = {}
    for line in lines[1:]:
        if not line:
            continue
        name, _, value = line.decode(errors="replace").partition(":")
        headers[name.strip()] = value.strip()
    return headers, status, description


class Connection:
    """One connection to one NATS server (the first of `urls` that answers).

    Not thread-safe: one thread sends and reads. Messages for any
    subscription are read in order; next_msg() and request() skip those they
    were not asked for (kept in `pending` for next_msg(sid))."""

    def __init__(self, urls, timeout=5.0, name="hookbot-process-test"):
        self.sock = None
        self._buf = bytearray()
        self._sid = 0
        self._pong = 0
        self.pending = []
        self._inbox_prefix = None
        errors = []
        deadline = time.monotonic() + timeout
        for host, port in split_urls(urls):
            try:
                self._connect(host, port, name, deadline)
                self.address = (host, port)
                return
            except (OSError, NatsError) as error:
                errors.append(f"{host}:{port}: {error!r}")
                self._close_socket()
                if time.monotonic() >= deadline:
                    break
        raise NatsError("no NATS server accepted a connection: " + "; ".join(errors))

    def _connect(self, host, port, name, deadline):
        self._buf.clear()
        self.sock = socket.create_connection((host, port), timeout=max(0.05, deadline - time.monotonic()))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        line = self._read_line(deadline)
        if not line.startswith(b"INFO "):
            raise NatsError(f"expected INFO, got {line[:80]!r}")
        self.info = json.loads(line[5:])
        options = {"verbose": False, "pedantic": False, "tls_required": False, "name": name,
                   "lang": "python-stdlib", "version": "0", "protocol": 1,
                   "headers": True, "no_responders": True}
        self._send(b"CONNECT " + json.dumps(options).encode() + CRLF)
        self.flush(max(0.05, deadline - time.monotonic()))

    # -- reading -----------------------------------------------------------

    def _fill(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise NatsTimeout("timed out reading from NATS")
        self.sock.settimeout(left)
        try:
            chunk = self.sock.recv(1 << 20)
        except socket.timeout:
            raise NatsTimeout("timed out reading from NATS") from None
        if not chunk:
            raise NatsError("NATS closed the connection")
        self._buf += chunk

    def _read_line(self, deadline):
        while True:
            end = self._buf.find(CRLF)
            if end >= 0:
                line = bytes(self._buf[:end])
                del self._buf[:end + 2]
                return line
            if len(self._buf) > 1 << 20:
                raise NatsError("protocol line over 1 MiB")
            self._fill(deadline)

    def _read_exact(self, count, deadline):
        while len(self._buf) < count:
            self._fill(deadline)
        data = bytes(self._buf[:count])
        del self._buf[:count]
        return data

    def _read_op(self, deadline):
        """Reads one protocol operation; answers PING itself. Returns a Msg,
        "PONG", or None (for +OK, INFO)."""
        line = self._read_line(deadline)
        op, _, rest = line.partition(b" ")
        op = op.upper()
        if op == b"MSG":
            args = rest.split()
            if len(args) not in (3, 4):
                raise NatsError(f"bad MSG line {line!r}")
            size = int(args[-1])
            payload = self._read_exact(size + 2, deadline)[:size]
            reply = args[2].decode() if len(args) == 4 else None
            return Msg(args[0].decode(), int(args[1]), reply, payload)
        if op == b"HMSG":
            args = rest.split()
            if len(args) not in (4, 5):
                raise NatsError(f"bad HMSG line {line!r}")
            header_size, total = int(args[-2]), int(args[-1])
            block = self._read_exact(total + 2, deadline)[:total]
            headers, status, description = parse_headers(block[:header_size])
            reply = args[2].decode() if len(args) == 5 else None
            return Msg(args[0].decode(), int(args[1]), reply, block[header_size:],
                       headers, status, description)
        if op == b"PING":
            self._send(b"PONG" + CRLF)
            return None
        if op == b"PONG":
            return "PONG"
        if op in (b"+OK", b"INFO"):
            if op == b"INFO":
                self.info = json.loads(rest)
            return None
        if op == b"-ERR":
            raise NatsError("server error: " + rest.decode(errors="replace"))
        raise NatsError(f"unknown protocol line {line[:80]!r}")

    # -- sending -----------------------------------------------------------

    def _send(self, data):
        self.sock.settimeout(10)
        self.sock.sendall(data)

    def flush(self, timeout=5.0):
        """PING, then waits for the PONG: the server has processed all sent before."""
        deadline = time.monotonic() + timeout
        self._send(b"PING" + CRLF)
        while True:
            op = self._read_op(deadline)
            if op == "PONG":
                return
            if isinstance(op, Msg):
                self.pending.append(op)

    def subscribe(self, subject):
        self._sid += 1
        self._send(f"SUB {subject} {self._sid}".encode() + CRLF)
        return self._sid

    def unsubscribe(self, sid):
        self._send(f"UNSUB {sid}".encode() + CRLF)
        self.pending = [m for m in self.pending if m.sid != sid]

    def publish(self, subject, data=b"", reply=None, headers=None):
        if isinstance(data, str):
            data = data.encode()
        target = f"{subject} {reply}" if reply else subject
        if headers:
            block = encode_headers(headers)
            head = f"HPUB {target} {len(block)} {len(block) + len(data)}".encode()
            self._send(head + CRLF + block + data + CRLF)
        else:
            self._send(f"PUB {target} {len(data)}".encode() + CRLF + data + CRLF)

    def next_msg(self, sid=None, timeout=5.0):
        """The next message (of subscription `sid`, if given)."""
        for i, msg in enumerate(self.pending):
            if sid is None or msg.sid == sid:
                return self.pending.pop(i)
        deadline = time.monotonic() + timeout
        while True:
            op = self._read_op(deadline)
            if isinstance(op, Msg):
                if sid is None or op.sid == sid:
                    return op
                self.pending.append(op)

    # -- request/reply -----------------------------------------------------

    def new_inbox(self):
        return "_INBOX." + os.urandom(11).hex()

    def request(self, subject, data=b"", timeout=5.0, headers=None):
        """Publishes with a reply subject and returns the first reply. One
        wildcard subscription serves all requests of the connection; late
        replies to earlier requests that timed out are dropped."""
        if self._inbox_prefix is None:
            self._inbox_prefix = self.new_inbox()
            self._inbox_sid = self.subscribe(self._inbox_prefix + ".*")
        reply = f"{self._inbox_prefix}.{os.urandom(6).hex()}"
        self.publish(subject, data, reply=reply, headers=headers)
        deadline = time.monotonic() + timeout
        while True:
            try:
                msg = self.next_msg(self._inbox_sid, max(0.0, deadline - time.monotonic()))
            except NatsTimeout:
                raise NatsTimeout(f"no reply to {subject} within {timeout}s") from None
            if msg.subject != reply:
                continue
            if msg.status == "503" and not msg.data:
                raise NoResponders(f"no responders on {subject}")
            return msg

    def close(self):
        self._close_socket()

    def _close_socket(self):
        if self.sock is not None:
            with contextlib.suppress(OSError):
                self.sock.close()
            self.sock = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


@contextlib.contextmanager
def _connection(target, timeout):
    """`target` itself if it is a Connection, else a new one to its URL(s), closed after."""
    if isinstance(target, Connection):
        yield target
        return
    with Connection(target, timeout=timeout) as connection:
        yield connection


# -- JetStream -------------------------------------------------------------

def js_request(target, subject, body=None, timeout=5.0):
    """A JetStream API request: JSON body (None: empty), JSON reply; raises
    JetStreamError for {"error": …}."""
    data = b"" if body is None else json.dumps(body).encode()
    with _connection(target, timeout) as connection:
        reply = connection.request(subject, data, timeout).json()
    if "error" in reply:
        raise JetStreamError(subject, reply["error"])
    return reply


def stream_info(target, name, timeout=5.0):
    """$JS.API.STREAM.INFO.<name>: config, created (RFC 3339), state (messages,
    first_seq, last_seq, …) and cluster (leader, replicas with current/offline)."""
    return js_request(target, f"{API}.STREAM.INFO.{name}", None, timeout)


def create_stream(target, name, subjects, replicas=1, timeout=10.0, **config):
    """$JS.API.STREAM.CREATE.<name>: a file-stored limits stream. `config`
    adds or overrides fields of the stream configuration (max_age is in
    nanoseconds, max_bytes in bytes). hookbot's own stream NAME has the one
    subject hookbot.NAME (docs/OPERATIONS.md, "A cluster on NATS JetStream")."""
    body = {"name": name, "subjects": list(subjects), "num_replicas": replicas,
            "storage": "file", "retention": "limits", "discard": "old", **config}
    return js_request(target, f"{API}.STREAM.CREATE.{name}", body, timeout)


def delete_stream(target, name, timeout=5.0):
    """$JS.API.STREAM.DELETE.<name>; True once deleted."""
    return js_request(target, f"{API}.STREAM.DELETE.{name}", None, timeout).get("success", False)


def get_message(target, stream, seq, timeout=5.0):
    """$JS.API.STREAM.MSG.GET.<stream>: the stored message at `seq`
    ({"subject", "seq", "data" (base64), "time", "hdrs"?})."""
    return js_request(target, f"{API}.STREAM.MSG.GET.{stream}", {"seq": seq}, timeout)["message"]


def js_publish(target, subject, data, timeout=5.0, headers=None):
    """A publish with a reply inbox to a subject a stream captures; returns
    JetStream's ack {"stream": …, "seq": …} (with "duplicate": true for a
    repeated Nats-Msg-Id header)."""
    if isinstance(data, str):
        data = data.encode()
    with _connection(target, timeout) as connection:
        reply = connection.request(subject, data, timeout, headers=headers).json()
    if "error" in reply:
        raise JetStreamError(subject, reply["error"])
    return reply


def retrying(action, timeout, what, interval=0.05):
    """Calls `action()` until it returns without a transient failure (a timeout,
    no responders, a connection refused or closed, a JetStream 503 or
    "temporarily unavailable") and returns its result; after `timeout`
    seconds raises AssertionError naming `what` and the last failure.
    Permanent JetStream errors (a stream not found, a bad config) are raised
    at once."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            return action()
        except JetStreamError as error:
            if not error.transient:
                raise
            last = error
        except (NatsError, OSError) as error:
            last = error
        if time.monotonic() + interval >= deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}; last: {last!r}")
        time.sleep(interval)
