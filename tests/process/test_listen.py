"""`hookbot listen` against a real `hookbot serve`: printing, --json, --exec,
reconnecting across a server restart, and resuming with --state.

The listener is a real process; what it prints and logs is read by threads,
and every wait is for a line or a file, with a timeout.
"""
import base64
import json
import os
import re
import signal
import subprocess
import tempfile
import threading
import time
import unittest

from harness import BIN_DIR, Server, publish_all, token, wait_for
from tls_pki import TestPKI, serve_args

# The server's message ids and `since=` (issue 17, items 1 and 4). Against a
# server without them (binary frames, no ids) the tests that need them are
# skipped; HOOKBOT_SERVER_RESUMES=0 runs the rest that way.
SERVER_RESUMES = os.environ.get("HOOKBOT_SERVER_RESUMES", "1") == "1"
NEEDS_RESUME = "needs the server's message ids and ?since= (issue 17 items 1 and 4)"

# The listener reconnects fast here: a restart costs the test no more than this.
FAST_RECONNECT = ["--reconnect-min", "0.05", "--reconnect-max", "0.3"]


class Listener:
    """`hookbot listen URL ARGS...`, its stdout as lines of bytes, its log as text lines."""

    def __init__(self, url, args=(), env=None):
        self.process = subprocess.Popen(
            [os.path.join(BIN_DIR, "hookbot"), "listen", url, *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ, **(env or {})))
        self.out_lines = []
        self.log_lines = []
        self._changed = threading.Condition()
        self._ended = {"out": False, "log": False}
        self._readers = [
            threading.Thread(target=self._collect, args=(self.process.stdout, self.out_lines, "out"),
                             daemon=True),
            threading.Thread(target=self._collect, args=(self.process.stderr, self.log_lines, "log"),
                             daemon=True)]
        for reader in self._readers:
            reader.start()

    def _collect(self, stream, into, name):
        for line in stream:
            with self._changed:
                into.append(line if name == "out" else line.decode(errors="replace"))
                self._changed.notify_all()
        with self._changed:
            self._ended[name] = True
            self._changed.notify_all()

    def _wait(self, ready, name, timeout, what):
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = ready()
                if found:
                    return found
                left = deadline - time.monotonic()
                if left <= 0 or self._ended[name]:
                    raise AssertionError(f"{what}; listener log:\n" + "".join(self.log_lines[-30:]))
                self._changed.wait(left)

    def log_mark(self):
        with self._changed:
            return len(self.log_lines)

    def wait_for_log(self, pattern, timeout=10, since=0):
        """The first log line after mark `since` that matches `pattern`."""
        def match():
            return next((l for l in self.log_lines[since:] if re.search(pattern, l)), None)
        return self._wait(match, "log", timeout, f"no log line matching {pattern!r}")

    def count_log(self, pattern):
        with self._changed:
            return sum(1 for l in self.log_lines if re.search(pattern, l))

    def wait_for_lines(self, count, timeout=10):
        """The first `count` lines of stdout (newline stripped)."""
        self._wait(lambda: len(self.out_lines) >= count, "out", timeout,
                   f"{len(self.out_lines)} of {count} lines printed")
        with self._changed:
            return [l[:-1] for l in self.out_lines[:count]]

    def stop(self, signo=signal.SIGTERM, timeout=10):
        """Signals the listener and returns its exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signo)
        try:
            return self.process.wait(timeout=timeout)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            # Its pipes are at their end once it is gone: read to it, then close.
            for reader in self._readers:
                reader.join(timeout=10)
            self.process.stdout.close()
            self.process.stderr.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop(signal.SIGKILL)
        if exc[0] is not None:
            print("---- listener log ----\n" + "".join(self.log_lines[-40:]))


def listen_url(server, topic):
    """ws://TOKEN@127.0.0.1:PORT/sub/TOPIC: the token as user info, like make-tokens prints."""
    path = "/sub/" + topic
    return f"ws://{token(path)}@127.0.0.1:{server.port}{path}"


def run_listen(*args, timeout=10):
    """A listener that should exit at once: its status and stderr."""
    done = subprocess.run([os.path.join(BIN_DIR, "hookbot"), "listen", *args],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    return done.returncode, done.stderr.decode()


def process_state(pid):
    """The state letter of process `pid` (R, S, Z, …), None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None


SUBSCRIBED = r"subscribed to 127\.0\.0\.1:\d+/sub/"


# An --exec command that records each run's stdin and environment in a
# numbered folder of $OUT; runs are one at a time, so the count of folders
# numbers them.
RECORD = ('i=$(ls "$OUT" | wc -l); mkdir "$OUT/$i"; cat > "$OUT/$i/body"; '
          'printf %s "$HOOKBOT_TOPIC" > "$OUT/$i/topic"; printf %s "$HOOKBOT_ID" > "$OUT/$i/id"')


def exec_records(out):
    """[(topic, body, id)] of the runs RECORD recorded in `out`, in order."""
    def read(i, name):
        with open(os.path.join(out, str(i), name), "rb") as f:
            return f.read()
    return [(read(i, "topic").decode(), read(i, "body"), read(i, "id").decode())
            for i in range(len(os.listdir(out)))]


class ListenPrints(unittest.TestCase):
    def test_plain_output_is_each_body_on_its_line(self):
        with Server(workers=1) as server, \
                Listener(listen_url(server, "listen/plain")) as listener:
            listener.wait_for_log(SUBSCRIBED)
            publish_all(server, "listen/plain", [b"first", b"second", b"third"])
            self.assertEqual(listener.wait_for_lines(3), [b"first", b"second", b"third"])
            self.assertEqual(listener.stop(), 0, "SIGTERM is a clean stop")
            listener.wait_for_log(r"stopping on Terminated")

    def test_a_token_in_the_query_works_and_is_never_logged(self):
        secret = token("/sub/listen/query")
        url = f"ws://127.0.0.1:{{}}/sub/listen/query?access_token={secret}"
        with Server(workers=1) as server, Listener(url.format(server.port)) as listener:
            listener.wait_for_log(SUBSCRIBED)
            publish_all(server, "listen/query", [b"via the query"])
            self.assertEqual(listener.wait_for_lines(1), [b"via the query"])
            listener.stop()
            self.assertNotIn(secret, "".join(listener.log_lines))

    def test_recursive_output_names_the_topic_before_a_tab(self):
        with Server(workers=1) as server, \
                Listener(listen_url(server, "listen/tree/")) as listener:
            listener.wait_for_log(SUBSCRIBED)
            publish_all(server, "listen/tree/a", [b"to a"])
            publish_all(server, "listen/tree/b/c", [b"to c"])
            self.assertEqual(listener.wait_for_lines(2),
                             [b"listen/tree/a\tto a", b"listen/tree/b/c\tto c"])

    def test_json_lines_carry_topic_and_body_or_body_b64(self):
        binary = b"\x00\xff\xfe bytes"
        with Server(workers=1) as server, \
                Listener(listen_url(server, "listen/json/"), ["--json"]) as listener:
            listener.wait_for_log(SUBSCRIBED)
            publish_all(server, "listen/json/text", ['h\u00e9llo\n"quoted"'.encode()])
            publish_all(server, "listen/json/bin", [binary])
            lines = [json.loads(l) for l in listener.wait_for_lines(2)]
            self.assertEqual(lines[0]["topic"], "listen/json/text")
            self.assertEqual(lines[0]["body"], 'h\u00e9llo\n"quoted"')
            self.assertEqual(lines[1]["topic"], "listen/json/bin")
            self.assertNotIn("body", lines[1])
            self.assertEqual(base64.b64decode(lines[1]["body_b64"]), binary)
            for line in lines:
                if SERVER_RESUMES:
                    self.assertRegex(line["id"], r"^[0-9a-f]{16}-\d+$")
                else:
                    self.assertIn("id", line)


class ListenExec(unittest.TestCase):
    def test_exec_runs_once_per_message_in_order_with_stdin_and_environment(self):
        bodies = [b"deploy 1", b"", b"\x00\xff binary", b"x" * 300000, b"deploy 5"]
        with tempfile.TemporaryDirectory() as out, Server(workers=1) as server, \
                Listener(listen_url(server, "listen/exec/"), ["--exec", RECORD],
                         env={"OUT": out}) as listener:
            listener.wait_for_log(SUBSCRIBED)
            for i, body in enumerate(bodies):
                publish_all(server, f"listen/exec/t{i}", [body])
            wait_for(lambda: listener.count_log(r"command for message .* exited with status 0")
                     == len(bodies), 20, "every command to be run and logged")
            records = exec_records(out)
            self.assertEqual([(topic, body) for topic, body, _ in records],
                             [(f"listen/exec/t{i}", body) for i, body in enumerate(bodies)])
            ids = [message_id for _, _, message_id in records]
            if SERVER_RESUMES:
                self.assertEqual(len(set(ids)), len(bodies))
                for message_id in ids:
                    self.assertRegex(message_id, r"^[0-9a-f]{16}-\d+$")
            else:
                self.assertEqual(ids, [""] * len(bodies))
            self.assertEqual(listener.out_lines, [], "--exec prints nothing itself")

    def test_a_failing_command_is_logged_and_the_next_message_goes_on(self):
        with Server(workers=1) as server, \
                Listener(listen_url(server, "listen/fail"),
                         ["--exec", 'exit $(cat)']) as listener:
            listener.wait_for_log(SUBSCRIBED)
            publish_all(server, "listen/fail", [b"3", b"0"])
            listener.wait_for_log(r"command for message .* exited with status 3")
            listener.wait_for_log(r"command for message .* exited with status 0")

    def test_a_command_past_its_timeout_loses_its_whole_process_group(self):
        with tempfile.TemporaryDirectory() as out, Server(workers=1) as server, \
                Listener(listen_url(server, "listen/slow"),
                         ["--exec", 'if [ "$(cat)" = slow ]; then sleep 300 & echo $! > "$OUT/pid"; '
                                    'wait; fi', "--exec-timeout", "0.5"],
                         env={"OUT": out}) as listener:
            listener.wait_for_log(SUBSCRIBED)
            publish_all(server, "listen/slow", [b"slow", b"quick"])
            listener.wait_for_log(r"command for message .* timed out", 10)
            listener.wait_for_log(r"command for message .* exited with status 0", 10)
            with open(os.path.join(out, "pid")) as f:
                grandchild = int(f.read())
            wait_for(lambda: process_state(grandchild) in (None, "Z"), 5,
                     "the command's background sleep to be killed with its group")

    def test_sigterm_interrupts_the_command_in_hand_and_stops_cleanly(self):
        with Server(workers=1) as server, \
                Listener(listen_url(server, "listen/stop"), ["--exec", "sleep 300"]) as listener:
            listener.wait_for_log(SUBSCRIBED)
            publish_all(server, "listen/stop", [b"long"])
            wait_for(lambda: self._children(listener.process.pid), 10, "the command to start")
            started = time.monotonic()
            self.assertEqual(listener.stop(timeout=10), 0)
            self.assertLess(time.monotonic() - started, 8, "the command got SIGTERM, not 60 s")
            listener.wait_for_log(r"command for message .* was interrupted")

    @staticmethod
    def _children(pid):
        try:
            with open(f"/proc/{pid}/task/{pid}/children") as f:
                return f.read().split()
        except OSError:
            return []


class ListenReconnects(unittest.TestCase):
    def test_a_server_restart_on_the_same_port_loses_and_repeats_nothing_after_it(self):
        first = Server(workers=1)
        with first as server:
            port = server.port
            listener = Listener(listen_url(server, "listen/restart"), FAST_RECONNECT)
        # `first` is stopped: the listener retries until a server is back on the port.
        with listener:
            listener.wait_for_log(r"cannot connect to 127\.0\.0\.1:\d+: Connection refused", 10)
            mark = listener.log_mark()
            with Server(workers=1, bind=f"127.0.0.1:{port}") as again:
                listener.wait_for_log(SUBSCRIBED, 10, since=mark)
                publish_all(again, "listen/restart", [b"after 1", b"after 2"])
                self.assertEqual(listener.wait_for_lines(2), [b"after 1", b"after 2"])
                # A last message: once it is in, anything repeated would be too.
                publish_all(again, "listen/restart", [b"end"])
                self.assertEqual(listener.wait_for_lines(3), [b"after 1", b"after 2", b"end"])
                self.assertEqual(len(listener.out_lines), 3)

    @unittest.skipUnless(SERVER_RESUMES, NEEDS_RESUME)
    def test_exec_across_a_server_restart_runs_each_message_once(self):
        with tempfile.TemporaryDirectory() as out:
            with Server(workers=1) as server:
                port = server.port
                listener = Listener(listen_url(server, "listen/gap/"),
                                    ["--exec", RECORD, *FAST_RECONNECT],
                                    env={"OUT": out})
                listener.wait_for_log(SUBSCRIBED)
                publish_all(server, "listen/gap/a", [b"before"])
                listener.wait_for_log(r"command for message .* exited with status 0")
            with listener, Server(workers=1, bind=f"127.0.0.1:{port}") as again:
                # Published whether or not the listener is back yet: its
                # resume brings what it missed.
                publish_all(again, "listen/gap/b", [b"during 1", b"during 2"])
                publish_all(again, "listen/gap/c", [b"end"])
                wait_for(lambda: listener.count_log(r"command for message .* exited") == 4, 20,
                         "four commands")
                records = exec_records(out)
                self.assertEqual([(topic, body) for topic, body, _ in records],
                                 [("listen/gap/a", b"before"), ("listen/gap/b", b"during 1"),
                                  ("listen/gap/b", b"during 2"), ("listen/gap/c", b"end")])
                self.assertEqual(len({message_id for _, _, message_id in records}), 4)
                # A new bus: the id it resumed after is of another epoch (which
                # an empty bus calls "unknown": newer than its newest), and the
                # listener says so before it goes on.
                listener.wait_for_log(r"gap: the server cannot resume after message "
                                      + re.escape(records[0][2]) + r" \((other_epoch|unknown)\)")


def holds_resources(pid):
    """Whether process `pid` still runs (and so holds its descriptors): not
    gone, not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


class ListenAcrossACrash(unittest.TestCase):
    @unittest.skipUnless(SERVER_RESUMES, NEEDS_RESUME)
    def test_exec_across_a_kill_of_the_whole_serve_tree_on_a_bus_dir_runs_each_once(self):
        """serve keeps its bus in --bus-dir: after a SIGKILL of the whole tree
        and a restart on the same port, the listener resumes with no gap."""
        with tempfile.TemporaryDirectory() as out, tempfile.TemporaryDirectory() as bus_dir:
            args = ["--bus-dir", bus_dir, "--instance", f"listen-crash-{os.getpid()}"]
            crashed = Server(workers=1, extra_args=args)
            with crashed:
                port = crashed.port
                listener = Listener(listen_url(crashed, "listen/crash"),
                                    ["--exec", RECORD, *FAST_RECONNECT], env={"OUT": out})
                listener.wait_for_log(SUBSCRIBED)
                # Some of these may still be on their way when the tree dies.
                publish_all(crashed, "listen/crash", [b"m%d" % i for i in range(20)])
                tree = [crashed.process.pid, *crashed.children("hookbot-acceptor"),
                        *crashed.worker_pids()]
                for pid in tree:
                    os.kill(pid, signal.SIGKILL)
                crashed.process.wait(timeout=10)
                # The children hold the listening socket until they are gone
                # (a zombie holds nothing), which serve's own exit does not wait for.
                wait_for(lambda: not any(holds_resources(pid) for pid in tree), 10,
                         "the killed tree to be gone")
            with listener, Server(workers=1, bind=f"127.0.0.1:{port}", extra_args=args) as again:
                publish_all(again, "listen/crash", [b"m%d" % i for i in range(20, 25)])
                wait_for(lambda: listener.count_log(r"command for message .* exited") == 25, 30,
                         "25 commands")
                records = exec_records(out)
                self.assertEqual([body for _, body, _ in records], [b"m%d" % i for i in range(25)])
                self.assertEqual(len({message_id for _, _, message_id in records}), 25)
                self.assertEqual(listener.count_log(r"gap:"), 0, "the same bus: no gap")
                self.assertGreaterEqual(listener.count_log(SUBSCRIBED), 2, "it reconnected")


class ListenResumes(unittest.TestCase):
    @unittest.skipUnless(SERVER_RESUMES, NEEDS_RESUME)
    def test_the_urls_own_query_is_kept_since_all_replays_what_is_retained(self):
        with Server(workers=1) as server:
            publish_all(server, "listen/all", [b"old 1", b"old 2"])
            with Listener(listen_url(server, "listen/all") + "?since=all", ["--json"]) as listener:
                lines = [json.loads(l) for l in listener.wait_for_lines(2)]
                self.assertEqual([l["body"] for l in lines], ["old 1", "old 2"])
                listener.wait_for_log(r"subscribed to 127\.0\.0\.1:\d+/sub/listen/all$")

    @unittest.skipUnless(SERVER_RESUMES, NEEDS_RESUME)
    def test_a_gap_notice_is_logged_and_printed_as_its_own_json_line(self):
        with Server(workers=1) as server:
            publish_all(server, "listen/gapline", [b"retained"])
            stale = "0123456789abcdef-1"
            with Listener(listen_url(server, "listen/gapline") + f"?since={stale}",
                          ["--json"]) as listener:
                lines = [json.loads(l) for l in listener.wait_for_lines(2)]
                self.assertEqual(lines[0], {"gap": {"since": stale, "reason": "other_epoch"}})
                self.assertEqual(lines[1]["body"], "retained")
                listener.wait_for_log(rf"gap: the server cannot resume after message {stale}")

    @unittest.skipUnless(SERVER_RESUMES, NEEDS_RESUME)
    def test_a_killed_listener_restarted_with_its_state_file_resumes_after_its_last_message(self):
        with tempfile.TemporaryDirectory() as work, Server(workers=1) as server:
            state = os.path.join(work, "state")
            url = listen_url(server, "listen/state")
            with Listener(url, ["--json", "--state", state]) as listener:
                listener.wait_for_log(SUBSCRIBED)
                publish_all(server, "listen/state", [b"one", b"two"])
                lines = [json.loads(l) for l in listener.wait_for_lines(2)]
                last = lines[-1]["id"]
                wait_for(lambda: open(state).read() == last + "\n", 10, "the state file to hold two's id")
                listener.stop(signal.SIGKILL)
            publish_all(server, "listen/state", [b"three", b"four"])
            with Listener(url, ["--json", "--state", state]) as listener:
                listener.wait_for_log(rf"resuming after message {re.escape(last)}")
                lines = [json.loads(l) for l in listener.wait_for_lines(2)]
                self.assertEqual([l["body"] for l in lines], ["three", "four"])
                publish_all(server, "listen/state", [b"five"])
                self.assertEqual(json.loads(listener.wait_for_lines(3)[2])["body"], "five")
                wait_for(lambda: open(state).read() == json.loads(listener.out_lines[2])["id"] + "\n",
                         10, "the state file to follow")

    @unittest.skipUnless(SERVER_RESUMES, NEEDS_RESUME)
    def test_a_killed_fanout_worker_costs_the_listener_nothing(self):
        with Server(workers=1) as server, \
                Listener(listen_url(server, "listen/worker"), ["--json", *FAST_RECONNECT]) as listener:
            listener.wait_for_log(SUBSCRIBED)
            publish_all(server, "listen/worker", [b"m0"])
            listener.wait_for_lines(1)
            mark = listener.log_mark()
            os.kill(server.worker_pids()[0], signal.SIGKILL)
            listener.wait_for_log(r"ended|cannot connect|handshake", 10, since=mark)
            publish_all(server, "listen/worker", [f"m{i}".encode() for i in range(1, 201)])
            lines = [json.loads(l) for l in listener.wait_for_lines(201, 30)]
            self.assertEqual([l["body"] for l in lines], [f"m{i}" for i in range(201)])


class ListenLimits(unittest.TestCase):
    def test_a_message_over_max_message_is_not_read_and_the_log_says_why(self):
        with Server(workers=1) as server, \
                Listener(listen_url(server, "listen/big"),
                         ["--max-message", "1024", *FAST_RECONNECT]) as listener:
            listener.wait_for_log(SUBSCRIBED)
            publish_all(server, "listen/big", [b"small", b"x" * 4096])
            self.assertEqual(listener.wait_for_lines(1), [b"small"])
            listener.wait_for_log(r"subscription to .* ended: The WebSocket message exceeded the "
                                  r"locally configured limit \(1024 bytes\); reconnecting in")
            self.assertEqual(len(listener.out_lines), 1)


class ListenOverTLS(unittest.TestCase):
    def test_wss_verifies_the_certificate_and_trusts_a_ca_file(self):
        with tempfile.TemporaryDirectory() as folder:
            pki = TestPKI(folder)
            cert, key = pki.server_certificate("server")
            with Server(workers=1, extra_args=serve_args(cert, key),
                        ssl_context=pki.client_context()) as server:
                url = listen_url(server, "listen/tls").replace("ws://", "wss://", 1)
                # Not signed by a CA the system trusts: refused, and retried.
                untrusted_env = {"SSL_CERT_FILE": os.path.join(folder, "none.pem")}
                with Listener(url, FAST_RECONNECT, env=untrusted_env) as untrusted:
                    untrusted.wait_for_log(r"TLS handshake with 127\.0\.0\.1:\d+ failed: "
                                           r"certificate verify failed")
                    mark = untrusted.log_mark()
                    untrusted.wait_for_log(r"TLS handshake .* failed", since=mark)
                    self.assertEqual(untrusted.count_log(SUBSCRIBED), 0)
                with Listener(url, ["--ca-file", pki.ca_cert]) as listener:
                    listener.wait_for_log(SUBSCRIBED)
                    publish_all(server, "listen/tls", [b"over TLS"])
                    self.assertEqual(listener.wait_for_lines(1), [b"over TLS"])

    def test_a_missing_ca_file_is_refused_at_start(self):
        status, stderr = run_listen("wss://127.0.0.1:1/sub/x", "--ca-file", "/nonexistent/ca.pem")
        self.assertEqual(status, 1, stderr)
        self.assertIn("cannot load --ca-file /nonexistent/ca.pem", stderr)


class ListenRefuses(unittest.TestCase):
    def test_bad_urls_and_options_are_refused_with_a_reason(self):
        cases = [
            ((), "a URL is needed"),
            (("not a url",), "is not a URL"),
            (("http://127.0.0.1:1/sub/x",), "not a websocket URL"),
            (("http://s3cr3t@127.0.0.1:1/sub/x",), '"http://TOKEN@127.0.0.1:1/sub/x" is not a websocket'),
            (("ws://127.0.0.1:1/pub/x",), "not a subscription path"),
            (("ws://127.0.0.1:1/sub/x", "--header", "no colon"), "is not \"Name: value\""),
            (("ws://127.0.0.1:1/sub/x", "--json", "--exec", "true"), "not both"),
            (("ws://127.0.0.1:1/sub/x", "--exec-timeout", "0"), "--exec-timeout"),
            (("ws://127.0.0.1:1/sub/x", "--reconnect-min", "5", "--reconnect-max", "1"),
             "--reconnect-min"),
            (("ws://127.0.0.1:1/sub/x", "--no-such-option"), "unrecognised option"),
        ]
        for args, reason in cases:
            with self.subTest(args=args):
                status, stderr = run_listen(*args)
                self.assertEqual(status, 1, stderr)
                self.assertIn(reason, stderr)

    def test_a_corrupt_state_file_is_refused_before_connecting(self):
        with tempfile.TemporaryDirectory() as work:
            state = os.path.join(work, "state")
            with open(state, "w") as f:
                f.write("two words\n")
            status, stderr = run_listen("ws://127.0.0.1:1/sub/x", "--state", state)
            self.assertEqual(status, 1, stderr)
            self.assertIn(f"state file {state} is corrupt", stderr)
            self.assertNotIn("cannot connect", stderr)

    def test_help_lists_the_options(self):
        done = subprocess.run([os.path.join(BIN_DIR, "hookbot"), "listen", "--help"],
                              stdout=subprocess.PIPE, timeout=10)
        self.assertEqual(done.returncode, 0)
        for option in (b"--json", b"--exec", b"--exec-timeout", b"--state", b"--header"):
            self.assertIn(option, done.stdout)


if __name__ == "__main__":
    unittest.main()
