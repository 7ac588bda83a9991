"""What every conformance case stands on: a transport, a server, raw HTTP.

docs/PROTOCOL.md is checked over real sockets against a real `hookbot serve`.
HTTP goes through a small raw client (so `//` paths, bad percent escapes and
exact status lines reach the wire as written, and the answer is seen byte for
byte); subscriptions go through Python's `websockets`, an independent client.

The transport is a parameter: `Plain` speaks http/ws. A TLS transport only
has to say which `serve` arguments turn TLS on and which ssl.SSLContext the
clients use; every case then runs unchanged over it:

    class Tls(Plain):
        name, http_scheme, ws_scheme = "tls", "https", "wss"
        def serve_args(self): return ["--tls-cert", cert, "--tls-key", key]
        def client_ssl_context(self): return context  # trusts the test CA
    instantiate(cases_rules.CASES + cases_details.CASES, Tls(), globals(), "Tls")
"""
import asyncio
import base64
import functools
import hashlib
import hmac
import itertools
import os
import socket
import ssl
import sys
import unittest

import websockets

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "process"))
import harness  # noqa: E402  (tests/process/harness.py: process handling, log waits)

# The key of docs/PROTOCOL.md's test vectors, so that they hold on every server.
KEY = "foo"
TIMEOUT = 10  # seconds: the bound on every single wait of the suite

# docs/PROTOCOL.md P6: what an /unsafe/sub/ request must carry.
UNSAFE_OK = {"X-Hookbot-Unsafe-Is-Ok": "I understand the security implications"}


def token(path, key=KEY, digest=hashlib.sha256):
    return hmac.new(key.encode(), path.encode(), digest).hexdigest()


def bearer(path, key=KEY, digest=hashlib.sha256):
    return {"Authorization": "Bearer " + token(path, key, digest)}


def basic(path, password="", key=KEY):
    credentials = base64.b64encode((token(path, key) + ":" + password).encode()).decode()
    return {"Authorization": "Basic " + credentials}


# -- transports -------------------------------------------------------------


class Plain:
    """http:// and ws:// on a plain TCP socket."""

    name = "plain"
    http_scheme = "http"
    ws_scheme = "ws"

    def serve_args(self):
        """Extra `hookbot serve` arguments this transport needs."""
        return []

    def client_ssl_context(self):
        """The ssl.SSLContext clients use, or None for plain TCP."""
        return None

    def wrap(self, sock):
        """The client socket to speak HTTP over."""
        context = self.client_ssl_context()
        return context.wrap_socket(sock, server_hostname="127.0.0.1") if context else sock


# -- the server -------------------------------------------------------------


class ConformanceServer(harness.Server):
    """`hookbot serve` on 127.0.0.1, reached through `transport`."""

    def __init__(self, transport, key=KEY, workers=2, extra_args=(), env=None):
        super().__init__(workers=workers, extra_args=[*transport.serve_args(), *extra_args])
        self.transport = transport
        self.env = dict(os.environ, **(env or {}))
        self.env["HOOKBOT_KEY"] = key
        self.key = key

    def _status_ok(self):
        try:
            return self.exchange(http_request("GET", "/status")).status == 200
        except OSError:
            return False

    @property
    def host(self):
        return f"127.0.0.1:{self.port}"

    def connect(self):
        return RawConnection(self)

    def exchange(self, request, head=False):
        """Sends one raw request on a new connection and reads the answer."""
        with self.connect() as connection:
            connection.send(request)
            return connection.read_response(head=head)

    def ws_url(self, path):
        return f"{self.transport.ws_scheme}://{self.host}{path}"


# -- raw HTTP ---------------------------------------------------------------


def http_request(method, target, headers=None, body=None, host=True):
    """The bytes of one HTTP/1.1 request. `headers` is a dict or a list of
    pairs; a body gets a Content-Length unless the headers give a framing.
    `host` True writes Host as the server is reached (filled in on send)."""
    pairs = list(headers.items()) if isinstance(headers, dict) else list(headers or [])
    names = {name.lower() for name, _ in pairs}
    lines = [f"{method} {target} HTTP/1.1"]
    if host is True:
        lines.append("Host: {host}")
    elif host:
        lines.append(f"Host: {host}")
    lines += [f"{name}: {value}" for name, value in pairs]
    if body is None and method in ("POST", "PUT"):
        body = b""
    if body is not None and "content-length" not in names and "transfer-encoding" not in names:
        lines.append(f"Content-Length: {len(body)}")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return head + (body or b"")


def websocket_headers(key=None, version="13"):
    """The fields that make a request a websocket handshake (RFC 6455 §4.1)."""
    key = key or base64.b64encode(os.urandom(16)).decode()
    return {"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Key": key,
            "Sec-WebSocket-Version": version}


class Response:
    def __init__(self, status_line, headers, body):
        self.status_line = status_line
        self.status = int(status_line.split(" ", 2)[1])
        self.headers = headers  # [(name, value)] in the order sent
        self.body = body

    def header(self, name):
        """The value of the first field called `name`, or None."""
        for field, value in self.headers:
            if field.lower() == name.lower():
                return value
        return None

    def __repr__(self):
        return f"<{self.status_line!r} {self.headers!r} {self.body[:200]!r}>"


class RawConnection:
    """One client connection: raw bytes out, parsed responses in."""

    def __init__(self, server):
        self.server = server
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT)
        self.sock = server.transport.wrap(sock)
        self.buffer = b""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send(self, data):
        """Sends raw bytes; a "Host: {host}" field (http_request's default)
        in the first head names the server."""
        placeholder = b"\r\nHost: {host}\r\n"
        at = data.find(placeholder)
        if 0 <= at < data.find(b"\r\n\r\n") + 2:
            data = data.replace(placeholder, b"\r\nHost: " + self.server.host.encode() + b"\r\n", 1)
        self.sock.sendall(data)

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("server closed the connection")
        self.buffer += chunk

    def _take_until(self, separator):
        while separator not in self.buffer:
            self._fill()
        data, self.buffer = self.buffer.split(separator, 1)
        return data

    def _take(self, count):
        while len(self.buffer) < count:
            self._fill()
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def read_response(self, head=False):
        """The next response; `head` says it answers a HEAD (no body). A
        100 Continue is returned like any other response."""
        lines = self._take_until(b"\r\n\r\n").decode("latin-1").split("\r\n")
        headers = [tuple(part.strip() for part in line.split(":", 1)) for line in lines[1:]]
        response = Response(lines[0], headers, b"")
        if head or response.status < 200 or response.status in (204, 304):
            return response
        if (response.header("Transfer-Encoding") or "").lower() == "chunked":
            while True:
                size = int(self._take_until(b"\r\n").split(b";")[0], 16)
                chunk = self._take(size + 2)[:size]
                if size == 0:
                    break
                response.body += chunk
        elif response.header("Content-Length") is not None:
            response.body = self._take(int(response.header("Content-Length")))
        else:
            while True:
                try:
                    self._fill()
                except ConnectionError:
                    break
            response.body, self.buffer = self.buffer, b""
        return response

    def closed_by_server(self):
        """True when the server ends the connection (EOF or reset) within
        TIMEOUT, False when it sends more; fails on a timeout."""
        try:
            return self.sock.recv(1) == b""
        except (ConnectionResetError, ssl.SSLError):  # a reset, or TLS ended without close_notify
            return True


# -- websockets -------------------------------------------------------------


async def subscribe(server, path, headers=None, origin=None):
    """A websocket subscription on `path` (token for `path` unless `headers`)."""
    return await asyncio.wait_for(websockets.connect(
        server.ws_url(path),
        extra_headers=bearer(path.split("?")[0], server.key) if headers is None else headers,
        origin=origin, ssl=server.transport.client_ssl_context(), max_size=None, max_queue=None,
        ping_interval=None, open_timeout=TIMEOUT, close_timeout=2), TIMEOUT)


async def receive(ws):
    """The next message of `ws`, or fails after TIMEOUT."""
    try:
        return await asyncio.wait_for(ws.recv(), TIMEOUT)
    except asyncio.TimeoutError:
        raise AssertionError(f"no message within {TIMEOUT}s") from None


def async_case(method):
    """Runs an `async def test_...` to completion, bounded by a timeout."""
    @functools.wraps(method)
    def run(self):
        async def bounded():
            await asyncio.wait_for(method(self), 60)
        asyncio.run(bounded())
    return run


# -- the case base ----------------------------------------------------------

_unique = itertools.count()


class ServerCase:
    """Mixin for a group of cases sharing one server (cases use distinct
    topics, so they do not interfere). A concrete class adds
    unittest.TestCase and a `transport` (see `instantiate`)."""

    transport = None
    server_key = KEY
    server_args = ()
    server_env = None  # extra environment variables of the server

    @classmethod
    def setUpClass(cls):
        cls.server = ConformanceServer(cls.transport, key=cls.server_key,
                                       extra_args=cls.server_args, env=cls.server_env)
        try:
            cls.server.__enter__()
        except BaseException as error:
            cls.server.__exit__(type(error), error, None)  # stops what did start
            raise

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)

    def setUp(self):
        # A topic prefix of this case's own: "P7-12" for test_P7_..., say.
        rule = self._testMethodName.split("_")[1]
        self.u = f"{rule}-{next(_unique)}"

    # -- requests --

    def request(self, method, target, headers=None, body=None, host=True):
        return self.server.exchange(http_request(method, target, headers, body, host),
                                    head=method == "HEAD")

    def publish(self, path, body=b"", headers=None, method="POST"):
        """Publishes with a token for `path` (or `headers`); fails unless 200 OK."""
        scope = path.split("?")[0]
        response = self.request(method, path, bearer(scope) if headers is None else headers, body)
        self.assertOK(response)
        return response

    def assertOK(self, response):
        self.assertEqual((response.status_line, response.body), ("HTTP/1.1 200 OK", b"OK\n"),
                         response)

    def assertUnauthorized(self, response):
        self.assertEqual(response.status_line, "HTTP/1.1 401 Unauthorized", response)
        self.assertEqual(response.body, b"401 Unauthorized\n")
        self.assertEqual(response.header("WWW-Authenticate"), 'Basic realm="hookbot"')

    def assertRefused(self, response, status_line, body):
        self.assertEqual((response.status_line, response.body), (status_line, body), response)

    def assertRedirect(self, response, location):
        self.assertEqual(response.status_line, "HTTP/1.1 301 Moved Permanently", response)
        self.assertEqual(response.header("Location"), location, response)

    # -- subscriptions --

    async def subscribe(self, path, headers=None, origin=None):
        return await subscribe(self.server, path, headers, origin)

    async def subscribe_unsafe(self, path, headers=None):
        """An /unsafe/sub/ subscription: the D6 header and a token for `path`."""
        return await self.subscribe(path, {**UNSAFE_OK, **(headers or bearer(path))})

    async def assertRefusedHandshake(self, path, status, headers=None):
        with self.assertRaises(websockets.exceptions.InvalidStatusCode) as refused:
            ws = await self.subscribe(path, headers)
            await ws.close()
        self.assertEqual(refused.exception.status_code, status)

    async def assertReceives(self, ws, expected):
        """`ws` gets the `expected` messages, in order, each one binary."""
        for message in expected:
            got = await receive(ws)
            self.assertIsInstance(got, bytes, "a binary websocket message")
            self.assertEqual(got, message)

    async def assertNothingElse(self, ws, sentinel_path, sentinel_payload=None):
        """`ws` received nothing more than what was checked: a publish to
        `sentinel_path`, which it does receive, is its next message. (P9: a
        subscriber gets its messages in the order their publishes were
        answered, so anything published earlier would come first.)"""
        body = f"sentinel {next(_unique)}".encode()
        self.publish(sentinel_path, body)
        expected = body if sentinel_payload is None else sentinel_payload(body)
        await self.assertReceives(ws, [expected])


def framed(topic, body):
    """A recursive subscriber's payload (P7): topic, NUL, body."""
    return topic.encode() + b"\0" + body


def instantiate(case_classes, transport, namespace, prefix):
    """Makes `prefix + name` a unittest.TestCase in `namespace` for every
    case class, served through `transport`."""
    for case in case_classes:
        name = prefix + case.__name__
        namespace[name] = type(name, (case, unittest.TestCase),
                               {"transport": transport, "__module__": namespace["__name__"]})
