"""A NATS JetStream cluster of real `nats-server` processes on 127.0.0.1.

    with NatsCluster(size=3, workdir=tmp) as nats:
        Server(extra_args=["--cluster", nats.urls()])   # hookbot in cluster mode
        nats.kill9(1); nats.start(1)                     # a node dies, comes back
        nats.stop_all(); nats.start_all()                # NATS gone entirely, back
        nats.wipe_and_restart_all()                      # back with an empty store

Each node gets its own config file, JetStream store and log file under
`workdir` (a temporary folder, removed afterwards unless a test failed,
when no `workdir` is given). Ports are picked free by the kernel once and
kept, so a restarted node comes back where it was, with its store. Nothing
here sleeps to synchronise: readiness is polled on each node's HTTP
monitoring port (/healthz, /jsz) under a deadline.

nats-server comes from Debian (scripts/install-deps.sh installs it); a
missing one is a failure, not a skip.
"""
import atexit
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

NATS_SERVER = os.environ.get("HOOKBOT_NATS_SERVER") or shutil.which("nats-server") or "/usr/sbin/nats-server"

# hookbot's publish bodies go up to --max-body (25 MiB by default) and travel
# in one NATS message with a small header; NATS's own default is 1 MiB.
MAX_PAYLOAD = 32 * 1024 * 1024

# Every cluster still running when the interpreter exits (a test that
# forgot its `with`, an exception in setUp) is killed then.
_LIVE = set()


@atexit.register
def _kill_leftovers():
    for cluster in list(_LIVE):
        cluster.kill_all()


def free_ports(count):
    """`count` distinct TCP ports free on 127.0.0.1 (all bound at once, then released)."""
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


class Node:
    """One nats-server: its ports, files and process."""

    def __init__(self, index, name, directory, client_port, cluster_port, http_port):
        self.index = index
        self.name = name
        self.directory = directory
        self.client_port = client_port
        self.cluster_port = cluster_port
        self.http_port = http_port
        self.config = os.path.join(directory, "nats.conf")
        self.store = os.path.join(directory, "store")
        self.log = os.path.join(directory, "nats.log")
        self.process = None

    @property
    def url(self):
        return f"nats://127.0.0.1:{self.client_port}"

    def running(self):
        return self.process is not None and self.process.poll() is None

    def config_text(self, cluster_name, routes, max_payload):
        quoted_routes = ",\n    ".join(f'"{route}"' for route in routes)
        return f"""# written by tests/process/nats_cluster.py
server_name: "{self.name}"
listen: "127.0.0.1:{self.client_port}"
http: "127.0.0.1:{self.http_port}"
# hookbot's bodies (up to 25 MiB) plus a header; NATS's default is 1 MiB.
max_payload: {max_payload}
jetstream {{
  store_dir: "{self.store}"
}}
cluster {{
  name: "{cluster_name}"
  listen: "127.0.0.1:{self.cluster_port}"
  routes: [
    {quoted_routes}
  ]
}}
"""


class NatsCluster:
    """`size` nats-server nodes in one JetStream cluster, on 127.0.0.1.

    `ready_timeout` bounds each wait for the cluster to be usable: a new
    cluster takes under a second, a restart of every node with its store
    5 to 13 s (nats-server 2.9 on 2 cores), since the meta group then waits
    out a Raft election timeout.

    Nodes are numbered from 0. The constructor writes the config files; the
    context manager (or start_all()) starts the nodes and waits until the
    cluster is usable; leaving it kills every node (SIGKILL) and, after an
    exception, prints the end of each node's log."""

    def __init__(self, size=3, workdir=None, cluster_name="hookbot-test", max_payload=MAX_PAYLOAD,
                 ready_timeout=45):
        if not os.access(NATS_SERVER, os.X_OK):
            raise AssertionError(f"{NATS_SERVER} missing: run scripts/install-deps.sh (nats-server)")
        self.size = size
        self.ready_timeout = ready_timeout
        self._own_workdir = workdir is None
        self.workdir = workdir or tempfile.mkdtemp(prefix="hookbot-nats-")
        ports = free_ports(3 * size)
        self.nodes = []
        for i in range(size):
            directory = os.path.join(self.workdir, f"n{i + 1}")
            os.makedirs(directory, exist_ok=True)
            self.nodes.append(Node(i, f"n{i + 1}", directory, *ports[3 * i:3 * i + 3]))
        for node in self.nodes:
            routes = [f"nats-route://127.0.0.1:{other.cluster_port}"
                      for other in self.nodes if other is not node]
            with open(node.config, "w") as f:
                f.write(node.config_text(cluster_name, routes, max_payload))

    def use_config(self, i, text, server_name):
        """Replaces node `i`'s config file with `text` (before it starts): for
        example a deploy/nats file rewritten to the node's ports and store.
        `server_name` must be the one `text` sets."""
        node = self.nodes[i]
        node.name = server_name
        with open(node.config, "w") as f:
            f.write(text)

    # -- context manager ---------------------------------------------------

    def __enter__(self):
        _LIVE.add(self)
        try:
            self.start_all()
        except BaseException:
            self.__exit__(*sys.exc_info())
            raise
        return self

    def __exit__(self, *exc):
        self.kill_all()
        _LIVE.discard(self)
        failed = exc[0] is not None
        if failed:
            print(self.log_tails())
        if self._own_workdir and not failed:
            shutil.rmtree(self.workdir, ignore_errors=True)
        elif failed:
            print(f"nats cluster files kept in {self.workdir}")

    # -- addresses -----------------------------------------------------------

    def urls(self, nodes=None):
        """Comma-joined nats:// URLs of all nodes (or of the indices in `nodes`),
        for hookbot's --cluster."""
        chosen = self.nodes if nodes is None else [self.nodes[i] for i in nodes]
        return ",".join(node.url for node in chosen)

    def url(self, i):
        return self.nodes[i].url

    def running_urls(self):
        """URLs of the nodes running now (for a client that must reach one)."""
        return ",".join(node.url for node in self.nodes if node.running())

    def index_of(self, name):
        """The index of the node whose server_name is `name` (e.g. a leader's)."""
        for node in self.nodes:
            if node.name == name:
                return node.index
        raise KeyError(name)

    # -- processes -----------------------------------------------------------

    def start(self, i, wait=True, timeout=None):
        """Starts node `i` with its store as it is (after kill9() or stop());
        with `wait`, returns once the cluster is usable with it current."""
        node = self.nodes[i]
        if node.running():
            raise AssertionError(f"{node.name} is already running")
        os.makedirs(node.store, exist_ok=True)
        with open(node.log, "ab") as log:
            log.write(f"---- nats_cluster: starting {node.name} at {time.time():.3f} ----\n".encode())
            log.flush()
            node.process = subprocess.Popen([NATS_SERVER, "-c", node.config], stdin=subprocess.DEVNULL,
                                            stdout=log, stderr=subprocess.STDOUT)
        if wait:
            self.wait_ready(timeout)

    def kill9(self, i):
        """SIGKILL to node `i`; returns once it is gone (its store stays)."""
        node = self.nodes[i]
        if not node.running():
            raise AssertionError(f"{node.name} is not running")
        node.process.send_signal(signal.SIGKILL)
        node.process.wait(timeout=10)

    def stop(self, i, timeout=10):
        """SIGTERM to node `i` (nats-server shuts down cleanly); SIGKILL after `timeout`."""
        node = self.nodes[i]
        if not node.running():
            return
        node.process.send_signal(signal.SIGTERM)
        try:
            node.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            node.process.kill()
            node.process.wait(timeout=10)

    def start_all(self, timeout=None):
        """Starts every node that is not running; returns once the cluster is usable."""
        for node in self.nodes:
            if not node.running():
                self.start(node.index, wait=False)
        self.wait_ready(timeout)

    def stop_all(self):
        """Stops every node (SIGTERM to all at once, then waits for each)."""
        running = [node for node in self.nodes if node.running()]
        for node in running:
            node.process.send_signal(signal.SIGTERM)
        for node in running:
            try:
                node.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                node.process.kill()
                node.process.wait(timeout=10)

    def kill_all(self):
        for node in self.nodes:
            if node.running():
                node.process.kill()
        for node in self.nodes:
            if node.process is not None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    node.process.wait(timeout=10)

    def wipe_and_restart_all(self, timeout=None):
        """NATS restarted with an empty store: stops every node, deletes every
        store (streams, their messages, the meta group's state), starts all."""
        self.stop_all()
        for node in self.nodes:
            shutil.rmtree(node.store, ignore_errors=True)
            with open(node.log, "ab") as log:
                log.write(f"---- nats_cluster: wiped {node.store} ----\n".encode())
        self.start_all(timeout)

    def pids(self):
        return [node.process.pid if node.running() else None for node in self.nodes]

    # -- monitoring --------------------------------------------------------

    def monitor(self, i, path, timeout=1.0):
        """GET `path` on node `i`'s monitoring port: (HTTP status, parsed JSON),
        or (None, None) when it does not answer."""
        url = f"http://127.0.0.1:{self.nodes[i].http_port}{path}"
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            with contextlib.suppress(ValueError):
                return error.code, json.loads(error.read() or b"null")
            return error.code, None
        except (OSError, ValueError):
            return None, None

    def meta_leader(self):
        """The index of the JetStream meta leader as the running nodes agree on
        it, or None (no leader, or they disagree)."""
        leaders = set()
        for node in self.nodes:
            if not node.running():
                continue
            _, jsz = self.monitor(node.index, "/jsz")
            leader = ((jsz or {}).get("meta_cluster") or {}).get("leader")
            if not leader:
                return None
            leaders.add(leader)
        if len(leaders) != 1:
            return None
        try:
            return self.index_of(leaders.pop())
        except KeyError:
            return None

    def not_ready_reason(self):
        """None when the cluster is usable with every running node in it; else why not.

        Usable: every running node answers /healthz with 200 (JetStream on and
        current with the meta leader), all agree on one meta leader, which is
        running, and its /jsz lists every other running node as a current peer."""
        running = [node for node in self.nodes if node.running()]
        dead = [node.name for node in self.nodes if node.process is not None and not node.running()
                and node.process.returncode not in (-signal.SIGKILL, -signal.SIGTERM, 0)]
        if dead:
            return f"exited on its own: {', '.join(dead)}"
        if not running:
            return "no node running"
        for node in running:
            status, body = self.monitor(node.index, "/healthz")
            if status != 200:
                return f"{node.name} /healthz: {status} {body}"
        leader = self.meta_leader()
        if leader is None:
            return "no JetStream meta leader agreed on by every running node"
        if not self.nodes[leader].running():
            return f"meta leader {self.nodes[leader].name} is not running"
        _, jsz = self.monitor(leader, "/jsz")
        peers = {r.get("name"): r for r in ((jsz or {}).get("meta_cluster") or {}).get("replicas") or []}
        for node in running:
            if node.index == leader:
                continue
            peer = peers.get(node.name)
            if peer is None or not peer.get("current") or peer.get("offline"):
                return f"{node.name} not current with meta leader {self.nodes[leader].name}: {peer}"
        return None

    def wait_ready(self, timeout=None):
        """Polls until not_ready_reason() is None; fails with the reason after
        `timeout` (default `ready_timeout`) seconds. Returns the seconds it took."""
        timeout = self.ready_timeout if timeout is None else timeout
        start = time.monotonic()
        deadline = start + timeout
        while True:
            reason = self.not_ready_reason()
            if reason is None:
                return time.monotonic() - start
            if time.monotonic() >= deadline:
                raise AssertionError(f"NATS cluster not ready after {timeout}s: {reason}\n" +
                                     self.log_tails(20))
            time.sleep(0.05)

    # -- logs --------------------------------------------------------------

    def log_text(self, i):
        with open(self.nodes[i].log, errors="replace") as f:
            return f.read()

    def log_tails(self, lines=40):
        """The last `lines` lines of each node's log, for failure output."""
        parts = []
        for node in self.nodes:
            try:
                with open(node.log, errors="replace") as f:
                    tail = f.readlines()[-lines:]
            except OSError:
                tail = ["(no log)\n"]
            parts.append(f"---- {node.name} log ({node.log}) ----\n" + "".join(tail))
        return "".join(parts)
