"""Starts a real `hookbot serve` and talks to it over real sockets.

Tokens are computed here with Python's hmac, independently of the server's
C++ code, so a bug in libs/auth cannot hide itself.
"""
import asyncio
import base64
import contextlib
import hashlib
import hmac
import http.client
import os
import re
import signal
import subprocess
import threading
import time

import websockets

BIN_DIR = os.environ.get("HOOKBOT_BIN_DIR", "")
KEY = "process-test-key"


def token(path, key=KEY, digest=hashlib.sha256):
    return hmac.new(key.encode(), path.encode(), digest).hexdigest()


def bearer(path, key=KEY):
    return {"Authorization": "Bearer " + token(path, key)}


def basic(path, key=KEY):
    credentials = base64.b64encode((token(path, key) + ":").encode()).decode()
    return {"Authorization": "Basic " + credentials}


def wait_for(predicate, timeout, what):
    """Polls `predicate` until true; fails the test with `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


# Peak-memory bounds hold for the plain build only: ASan's quarantine and
# TSan's shadow memory multiply what is resident (CMake sets HOOKBOT_SANITIZE).
MEMORY_BOUNDS_CHECKED = not os.environ.get("HOOKBOT_SANITIZE")


# /metrics, the Prometheus text format: a sample line and one of its labels.
SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def vm_rss(pid):
    """Bytes of process `pid`'s resident memory."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError(f"no VmRSS for {pid}")


def parse_metrics(page):
    """{(name, frozenset(labels)): value} of a text-format page."""
    samples = {}
    for line in page.splitlines():
        if not line or line.startswith("#"):
            continue
        match = SAMPLE.match(line)
        assert match, f"not a sample line: {line!r}"
        labels = frozenset(LABEL.findall(match.group(2) or ""))
        samples[(match.group(1), labels)] = float(match.group(3))
    return samples


def value(samples, name, **labels):
    return samples.get((name, frozenset(labels.items())), 0.0)


class Server:
    """`hookbot serve` on 127.0.0.1 and a port the kernel picks.

    With `ssl_context` (a client-side ssl.SSLContext) the server is reached
    over https:// and wss://; `extra_args` must then turn TLS on (see
    tls_pki.py)."""

    def __init__(self, workers=2, extra_args=(), env=None, ssl_context=None, key=KEY,
                 key_file=None, bind="127.0.0.1:0", launcher=(), pass_fds=()):
        """`key` goes in HOOKBOT_KEY (None: unset); `key_file`, when given,
        is passed as the global `--key-file` instead. `launcher`: argv put
        before hookbot's (e.g. a shell that sets LISTEN_PID=$$ and execs);
        `pass_fds`: descriptors it inherits."""
        self.workers = workers
        self.bind = bind
        self.launcher = list(launcher)
        self.pass_fds = tuple(pass_fds)
        self.ssl_context = ssl_context
        self.scheme = "https" if ssl_context else "http"
        self.extra_args = list(extra_args)
        self.global_args = ["--key-file", key_file] if key_file else []
        self.env = dict(os.environ, **(env or {}))
        self.env.pop("HOOKBOT_KEY", None)
        if key is not None and key_file is None:
            self.env["HOOKBOT_KEY"] = key
        self.process = None
        self.port = None
        self.log_lines = []
        self.log_ended = False  # the reader saw end of file: no line is still on its way
        self._log_ready = threading.Condition()

    def __enter__(self):
        self.start()
        wait_for(self._status_ok, 10, "GET /status to answer 200")
        wait_for(lambda: len(self.worker_pids()) == self.workers, 10, "all workers to start")
        for pid in self.worker_pids():
            self.wait_worker_joined(pid)
        return self

    def start(self):
        """Starts serve and learns its port, without waiting for it to serve."""
        self.process = subprocess.Popen(
            [*self.launcher, os.path.join(BIN_DIR, "hookbot"), *self.global_args, "serve", "--bind", self.bind,
             "--workers", str(self.workers), *self.extra_args],
            env=self.env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
            pass_fds=self.pass_fds)
        threading.Thread(target=self._collect_log, daemon=True).start()
        line = self.wait_for_log(r"listening on .*\(port (\d+)\)", 10)
        self.port = int(re.search(r"\(port (\d+)\)", line).group(1))

    def __exit__(self, *exc):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if exc[0] is not None:
            print("---- server log ----\n" + "".join(self.log_lines[-60:]))

    def _collect_log(self):
        for line in self.process.stderr:
            with self._log_ready:
                self.log_lines.append(line)
                self._log_ready.notify_all()
        with self._log_ready:
            self.log_ended = True
            self._log_ready.notify_all()

    def log_mark(self):
        """A mark for wait_for_log(since=...): only lines logged after now."""
        with self._log_ready:
            return len(self.log_lines)

    def wait_for_log(self, pattern, timeout, since=0):
        """Waits until a log line (after the mark `since`) matches `pattern`
        (a regex); returns it."""
        deadline = time.monotonic() + timeout
        with self._log_ready:
            while True:
                for line in self.log_lines[since:]:
                    if re.search(pattern, line):
                        return line
                left = deadline - time.monotonic()
                if left <= 0 or self.log_ended:
                    raise AssertionError(f"no log line matching {pattern!r}; log:\n" +
                                         "".join(self.log_lines[-40:]))
                self._log_ready.wait(left)

    def wait_worker_joined(self, pid, timeout=10):
        """Waits until the acceptor has taken worker `pid` into its pool."""
        self.wait_for_log(rf"worker joined: slot \d+ pid {pid}\b", timeout)

    def _status_ok(self):
        try:
            return self.request("GET", "/status")[0] == 200
        except OSError:
            return False

    # -- processes --------------------------------------------------------

    def children(self, program):
        """Pids of this server's children running `program`."""
        found = []
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open(f"/proc/{pid}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    argv = f.read().split(b"\0")
            except (OSError, IndexError, ValueError):
                continue
            if ppid == self.process.pid and os.path.basename(argv[0]).decode() == program:
                found.append(int(pid))
        return sorted(found)

    def worker_pids(self):
        return self.children("hookbot-fanout")

    def connections_of(self, pid):
        """Established TCP connections on the server port held by `pid`."""
        return len(self._server_side_connections(pid))

    def worker_of(self, ws, extra_pids=()):
        """The pid of the worker that holds subscriber `ws`'s connection, among
        serve's workers and `extra_pids` (workers started with --attach)."""
        client_port = ws.local_address[1]
        for pid in [*self.worker_pids(), *extra_pids]:
            if client_port in self._server_side_connections(pid):
                return pid
        return None

    def _server_side_connections(self, pid):
        """Client ports of the established connections to the server port held by `pid`."""
        inodes = set()
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                with contextlib.suppress(OSError):
                    target = os.readlink(f"/proc/{pid}/fd/{fd}")
                    if target.startswith("socket:["):
                        inodes.add(target[8:-1])
        except OSError:
            return set()
        ports = set()
        with open("/proc/net/tcp") as f:
            for row in f.readlines()[1:]:
                fields = row.split()
                local_port = int(fields[1].split(":")[1], 16)
                if local_port == self.port and fields[3] == "01" and fields[9] in inodes:
                    ports.add(int(fields[2].split(":")[1], 16))
        return ports

    # -- HTTP ---------------------------------------------------------------

    def http_connection(self, timeout=10):
        """A client connection to the server, TLS or not as it speaks."""
        if self.ssl_context:
            return http.client.HTTPSConnection("127.0.0.1", self.port, timeout=timeout,
                                               context=self.ssl_context)
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method, path, body=None, headers=None, timeout=10):
        connection = self.http_connection(timeout)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.read(), response
        finally:
            connection.close()

    def publisher(self):
        return Publisher(self.port, self.http_connection())

    def ws_url(self, path):
        return f"{'wss' if self.ssl_context else 'ws'}://127.0.0.1:{self.port}{path}"


class Publisher:
    """One keep-alive HTTP connection that publishes."""

    def __init__(self, port, connection=None):
        self.connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=10)

    def publish(self, topic, body, headers=None):
        path = "/pub/" + topic
        self.connection.request("POST", path, body=body, headers=headers or bearer(path))
        response = self.connection.getresponse()
        return response.status, response.read()

    def close(self):
        self.connection.close()


def recv_head(sock):
    """What `sock` receives until the end of a response head ("\\r\\n\\r\\n"), with
    whatever of the body came in the same reads; without that end when the
    peer closed first."""
    received = b""
    while b"\r\n\r\n" not in received:
        chunk = sock.recv(65536)
        if not chunk:
            break
        received += chunk
    return received


def publish_all(server, topic, messages):
    """Publishes each body on one keep-alive connection; each must get 200 OK."""
    publisher = server.publisher()
    try:
        for body in messages:
            status, reply = publisher.publish(topic, body)
            assert (status, reply) == (200, b"OK\n"), (status, reply)
    finally:
        publisher.close()


async def publish_while_receiving(server, topic, messages, subscribers, timeout):
    """Publishes `messages` (publish_all, off the event loop) while every one
    of `subscribers` receives as many; what each received, in their order."""
    publishing = asyncio.get_running_loop().run_in_executor(
        None, publish_all, server, topic, messages)
    received = await asyncio.gather(*(receive_n(ws, len(messages), timeout)
                                      for ws in subscribers))
    await publishing
    return received


async def subscribe(server, topic, headers=None):
    path = "/sub/" + topic
    tls = {"ssl": server.ssl_context} if getattr(server, "ssl_context", None) else {}
    return await websockets.connect(server.ws_url(path), extra_headers=headers or bearer(path),
                                    max_size=None, max_queue=None,
                                    ping_interval=None, **tls)


async def round_trip(server, topic, body, timeout=10):
    """Subscribes to `topic`, publishes `body` there; what the subscriber got."""
    ws = await subscribe(server, topic)
    publish_all(server, topic, [body])
    got = await receive_n(ws, 1, timeout)
    await ws.close()
    return got


async def receive_n(ws, count, timeout):
    """The next `count` messages of `ws`, or fails after `timeout` seconds."""
    messages = []
    async def collect():
        while len(messages) < count:
            messages.append(await ws.recv())
    try:
        await asyncio.wait_for(collect(), timeout)
    except asyncio.TimeoutError:
        raise AssertionError(f"received {len(messages)} of {count} messages within {timeout}s")
    return messages
