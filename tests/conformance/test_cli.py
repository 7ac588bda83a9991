"""docs/PROTOCOL.md's command line: C1 (serve), C2 and D8 (make-tokens), and T1's
default hash, run as real processes. Expected tokens come from Python's hmac.
"""
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import asyncio

import cases_router
from conformance import (KEY, Plain, ConformanceServer, bearer, http_request, receive, subscribe,
                         token)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "process"))
from tls_pki import TestPKI, serve_args  # noqa: E402

BIN_DIR = os.environ.get("HOOKBOT_BIN_DIR", "")
TIMEOUT = 10


def program(name):
    return os.path.join(BIN_DIR, name)


def environment(**values):
    """The test's environment without hookbot's variables, plus `values`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOOKBOT_")}
    env.update(values)
    return env


def run(argv, **env):
    return subprocess.run(argv, env=environment(**env), capture_output=True, text=True,
                          timeout=TIMEOUT)


class Serve:
    """A `hookbot` command line that serves, until the test ends."""

    def __init__(self, argv, env):
        self.process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, text=True)
        self.lines = []
        self.log_ended = False  # the reader saw end of file: no line is still on its way
        self.changed = threading.Condition()
        threading.Thread(target=self._collect, daemon=True).start()

    def _collect(self):
        for line in self.process.stderr:
            with self.changed:
                self.lines.append(line)
                self.changed.notify_all()
        with self.changed:
            self.log_ended = True
            self.changed.notify_all()

    def wait_for_log(self, pattern):
        deadline = time.monotonic() + TIMEOUT
        with self.changed:
            while True:
                for line in self.lines:
                    if match := re.search(pattern, line):
                        return match
                left = deadline - time.monotonic()
                if left <= 0 or self.log_ended:
                    raise AssertionError(f"no log line matching {pattern!r}:\n" +
                                         "".join(self.lines))
                self.changed.wait(left)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Version(unittest.TestCase):
    """`--version` (and the original's `-v`): every program says its version and commit."""

    def test_every_program_says_its_version_and_commit(self):
        for name in ("hookbot", "hookbot-acceptor", "hookbot-fanout", "hookbot-tokens"):
            for flag in ("--version", "-v"):
                with self.subTest(program=name, flag=flag):
                    result = run([program(name), flag])
                    self.assertEqual(result.returncode, 0, result.stderr)
                    self.assertRegex(result.stdout,
                                     rf"^{name} version \d+\.\d+\.\d+ \(commit [0-9a-z.-]+\)\n$")


class ServeCommand(unittest.TestCase):
    """C1: `hookbot serve`."""

    def serve(self, argv, **env):
        serve = Serve(argv, environment(**env))
        self.addCleanup(serve.stop)
        return serve

    def test_C1_serve_without_key_exits_non_zero(self):
        for env in ({}, {"HOOKBOT_KEY": ""}):
            result = run([program("hookbot"), "serve", "--bind", "127.0.0.1:0"], **env)
            self.assertNotEqual(result.returncode, 0)
            self.assertIn("HOOKBOT_KEY not set", result.stderr)

    def test_C1_bind_defaults_to_port_8080(self):
        result = run([program("hookbot"), "serve", "--help"])
        self.assertEqual(result.returncode, 0)
        self.assertRegex(result.stdout, r"--bind.*\(=:8080\)|-b \[ --bind \] arg \(=:8080\)")

    def test_C1_global_key_option_and_short_bind(self):
        serve = self.serve([program("hookbot"), "--key", "cli-key", "--github-secret", "gh",
                            "serve", "-b", "127.0.0.1:0", "--workers", "1"])
        port = int(serve.wait_for_log(r"listening on 127\.0\.0\.1:0 \(port (\d+)\)").group(1))
        serve.wait_for_log(r"worker joined")
        server = ConformanceServer(Plain(), key="cli-key")
        server.port = port
        accepted = server.exchange(
            http_request("POST", "/pub/c1", bearer("/pub/c1", "cli-key"), b""))
        self.assertEqual((accepted.status_line, accepted.body), ("HTTP/1.1 200 OK", b"OK\n"))
        refused = server.exchange(http_request("POST", "/pub/c1", bearer("/pub/c1", KEY), b""))
        self.assertEqual(refused.status_line, "HTTP/1.1 401 Unauthorized")

    def test_C1_key_and_github_secret_from_environment(self):
        serve = self.serve([program("hookbot"), "serve", "--bind", "127.0.0.1:0", "--workers", "1"],
                           HOOKBOT_KEY="env-key", HOOKBOT_GITHUB_SECRET="gh")
        port = int(serve.wait_for_log(r"\(port (\d+)\)").group(1))
        serve.wait_for_log(r"worker joined")
        server = ConformanceServer(Plain(), key="env-key")
        server.port = port
        accepted = server.exchange(
            http_request("POST", "/pub/c1", bearer("/pub/c1", "env-key"), b""))
        self.assertEqual(accepted.status_line, "HTTP/1.1 200 OK")

    def test_C1_global_option_after_the_command_is_named_as_such(self):
        for option in ("--key-file", "--key", "--github-secret"):
            result = run([program("hookbot"), "serve", option, "value"], HOOKBOT_KEY=KEY)
            self.assertEqual(result.returncode, 1)
            self.assertIn(f"{option} is a global option: it goes before the command",
                          result.stderr)
            self.assertNotIn("unrecognised", result.stderr)

    def test_C1_workers_bounded_by_the_bus_slots(self):
        result = run([program("hookbot"), "serve", "--bind", "127.0.0.1:0", "--workers", "65"],
                     HOOKBOT_KEY=KEY)
        self.assertEqual(result.returncode, 1)
        self.assertIn("--workers must be between 1 and 64", result.stderr)

    def test_C1_one_serve_per_bus_instance(self):
        instance = f"c1-twice-{os.getpid()}"
        first = self.serve([program("hookbot"), "serve", "-b", "127.0.0.1:0", "--workers", "1",
                            "--instance", instance], HOOKBOT_KEY=KEY)
        port = int(first.wait_for_log(r"\(port (\d+)\)").group(1))
        first.wait_for_log(r"worker joined")
        second = run([program("hookbot"), "serve", "-b", "127.0.0.1:0", "--workers", "1",
                      "--instance", instance], HOOKBOT_KEY=KEY)
        self.assertEqual(second.returncode, 1)
        self.assertIn(f'cannot serve: bus "{instance}" is in use: the process that created it '
                      "still runs (one hookbot serve per bus)", second.stderr)
        # The first one never noticed.
        server = ConformanceServer(Plain())
        server.port = port
        accepted = server.exchange(http_request("POST", "/unsafe/pub/c1", {}, b""))
        self.assertEqual(accepted.status_line, "HTTP/1.1 200 OK")

    def test_T1_serve_token_hash_option_checked(self):
        result = run([program("hookbot"), "serve", "--bind", "127.0.0.1:0", "--token-hash", "md5"],
                     HOOKBOT_KEY=KEY)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("--token-hash", result.stderr)

    def test_C1_router_option(self):
        unknown = run([program("hookbot"), "serve", "--bind", "127.0.0.1:0", "--router", "gitlab"],
                      HOOKBOT_KEY=KEY, HOOKBOT_GITHUB_SECRET="gh")
        self.assertNotEqual(unknown.returncode, 0)
        self.assertIn('unknown --router "gitlab"', unknown.stderr)
        # R1: a router that can check no signature would route nothing.
        no_secret = run([program("hookbot"), "serve", "--bind", "127.0.0.1:0", "--router",
                         "github"], HOOKBOT_KEY=KEY)
        self.assertNotEqual(no_secret.returncode, 0)
        self.assertIn("HOOKBOT_GITHUB_SECRET", no_secret.stderr)
        serve = self.serve([program("hookbot"), "--github-secret", "gh", "serve", "-b",
                            "127.0.0.1:0", "--workers", "1", "--router", "github", "--router",
                            "github"], HOOKBOT_KEY=KEY)
        serve.wait_for_log(r"\(port \d+\), GitHub router")
        serve.wait_for_log(r"hookbot-acceptor.*GitHub router on")


URL_BASE = "http://127.0.0.1:18080"


class MakeTokens(unittest.TestCase):
    """C2 and D8: `hookbot make-tokens`, its alias `t`, and `hookbot-tokens`."""

    COMMANDS = (("hookbot", "make-tokens"), ("hookbot", "t"), ("hookbot-tokens",))

    def make_tokens(self, *args, command=("hookbot", "make-tokens"), **env):
        env.setdefault("HOOKBOT_KEY", KEY)
        return run([program(command[0]), *command[1:], *args], **env)

    def lines(self, *args, **env):
        """The output lines, the same from every spelling of the command."""
        outputs = []
        for command in self.COMMANDS:
            result = self.make_tokens(*args, command=command, **env)
            self.assertEqual(result.returncode, 0, f"{command}: {result.stderr}")
            outputs.append(result.stdout)
        self.assertEqual(len(set(outputs)), 1, outputs)
        self.assertTrue(outputs[0].endswith("\n"))
        return outputs[0].splitlines()

    def test_C2_protocol_example(self):
        self.assertEqual(self.lines("--sha1", "-U", URL_BASE, "/pub/foo/bar"),
                         ["http://2e1150434ba1d8c33bce7c82ee08b5d9850342c7"
                          "@127.0.0.1:18080/pub/foo/bar"])

    def test_C2_one_line_per_argument_in_order(self):
        paths = ["/pub/a", "/sub/b", "/c", "/pub/a"]
        self.assertEqual(self.lines("--bare", *paths), [token(p) for p in paths])

    def test_C2_bare_prints_the_token_alone(self):
        self.assertEqual(self.lines("--bare", "/sub/foo/"), [token("/sub/foo/")])

    def test_T1_make_tokens_sha256_unless_sha1(self):
        self.assertEqual(self.lines("--bare", "/pub/foo/bar"),
                         ["98e583afa70b218777fe2137a5dbb0f44c7cf35aa2e8b8d0b418253c35e6ef6e"])
        self.assertEqual(self.lines("--bare", "--sha1", "/pub/foo/bar"),
                         ["2e1150434ba1d8c33bce7c82ee08b5d9850342c7"])

    def test_C2_default_url_base(self):
        self.assertEqual(self.lines("/pub/x"), [f"http://{token('/pub/x')}@localhost:8080/pub/x"])

    def test_C2_url_base_flag_short_flag_and_environment(self):
        expected = [f"https://{token('/pub/x')}@hooks.example:8443/pub/x"]
        self.assertEqual(self.lines("--url-base", "https://hooks.example:8443", "/pub/x"), expected)
        self.assertEqual(self.lines("-U", "https://hooks.example:8443", "/pub/x"), expected)
        self.assertEqual(self.lines("/pub/x", HOOKBOT_URL_BASE="https://hooks.example:8443"),
                         expected)

    def test_C2_scheme_mapped_from_path_and_base(self):
        paths = ["/sub/x", "/unsafe/sub/x", "/pub/x", "/unsafe/pub/x", "/x"]
        for base, secure in (("http://h", False), ("ws://h", False), ("https://h", True),
                             ("wss://h", True)):
            s = "s" if secure else ""
            expected = [f"{'ws' if p.startswith(('/sub', '/unsafe/sub')) else 'http'}{s}://"
                        f"{token(p)}@h{p}" for p in paths]
            self.assertEqual(self.lines("-U", base, *paths), expected, base)

    def test_C2_argument_host_and_scheme(self):
        self.assertEqual(self.lines("-U", URL_BASE, "https://other.example:99/sub/x?q#f"),
                         [f"wss://{token('/sub/x')}@other.example:99/sub/x?q#f"])

    def test_C2_no_arguments_usage_on_stderr_exit_1(self):
        for command in self.COMMANDS:
            result = self.make_tokens(command=command)
            self.assertEqual(result.returncode, 1, command)
            self.assertEqual(result.stdout, "")
            self.assertIn("usage", result.stderr.lower())

    def test_D8_bare_token_of_decoded_path_without_query_or_fragment(self):
        self.assertEqual(self.lines("--bare", "/pub/a%20b?x=1#frag", "http://h:1/sub/c?d"),
                         [token("/pub/a b"), token("/sub/c")])

    def test_D8_url_base_flag_beats_environment(self):
        self.assertEqual(self.lines("-U", "http://flag", "/pub/x", HOOKBOT_URL_BASE="https://env"),
                         [f"http://{token('/pub/x')}@flag/pub/x"])

    def test_D8_user_info_is_the_token_without_password(self):
        [line] = self.lines("/pub/x")
        self.assertRegex(line, r"^http://[0-9a-f]{64}@localhost:8080/pub/x$")

    def test_D8_path_percent_encoded_again(self):
        self.assertEqual(self.lines("/pub/a%20b"),
                         [f"http://{token('/pub/a b')}@localhost:8080/pub/a%20b"])

    def test_D8_query_and_fragment_copied(self):
        self.assertEqual(self.lines("/pub/x?extra-metadata=github#top"),
                         [f"http://{token('/pub/x')}@localhost:8080"
                          "/pub/x?extra-metadata=github#top"])

    def test_D8_host_from_argument_does_not_carry_over(self):
        self.assertEqual(self.lines("http://a.example:1/pub/x", "/pub/y"),
                         [f"http://{token('/pub/x')}@a.example:1/pub/x",
                          f"http://{token('/pub/y')}@localhost:8080/pub/y"])

    def test_D8_secure_from_argument_scheme_else_base(self):
        self.assertEqual(self.lines("-U", "https://b", "http://a/pub/x", "wss://a/pub/y",
                                    "/sub/z", "ftp://a/sub/w"),
                         [f"http://{token('/pub/x')}@a/pub/x", f"https://{token('/pub/y')}@a/pub/y",
                          f"wss://{token('/sub/z')}@b/sub/z", f"ws://{token('/sub/w')}@a/sub/w"])

    def test_D8_websocket_kind_is_a_plain_prefix_test(self):
        self.assertEqual(self.lines("/subx", "/unsafe/subx", "/pub/sub", "/unsafe/pub"),
                         [f"ws://{token('/subx')}@localhost:8080/subx",
                          f"ws://{token('/unsafe/subx')}@localhost:8080/unsafe/subx",
                          f"http://{token('/pub/sub')}@localhost:8080/pub/sub",
                          f"http://{token('/unsafe/pub')}@localhost:8080/unsafe/pub"])

    def test_D8_no_arguments_fails(self):
        self.assertNotEqual(self.make_tokens().returncode, 0)
        self.assertNotEqual(self.make_tokens("--bare").returncode, 0)

    def test_D8_key_unset_fails_printing_nothing(self):
        for command in self.COMMANDS:
            for env in ({"HOOKBOT_KEY": ""},):
                result = self.make_tokens("/pub/x", command=command, **env)
                self.assertNotEqual(result.returncode, 0, command)
                self.assertEqual(result.stdout, "")
            result = run([program(command[0]), *command[1:], "--bare", "/pub/x"])
            self.assertNotEqual(result.returncode, 0, command)
            self.assertEqual(result.stdout, "")

    def test_D8_unparsable_url_base_fails(self):
        for base in ("localhost:8080", "not a url", "http://"):
            result = self.make_tokens("-U", base, "/pub/x")
            self.assertNotEqual(result.returncode, 0, base)
            self.assertEqual(result.stdout, "")


class RouteGitHubCommand(unittest.TestCase):
    """C3: `hookbot route-github` against a server without a router of its own."""

    def start(self, argv, **env):
        process = Serve(argv, environment(**env))
        self.addCleanup(process.stop)
        return process

    def test_C3_needs_key_secret_and_websocket_url(self):
        url = "ws://127.0.0.1:1/unsafe/sub/github.com/"
        for argv, env, message in (
                (["-u", url], {"HOOKBOT_GITHUB_SECRET": "gh"}, "HOOKBOT_KEY not set"),
                (["-u", url], {"HOOKBOT_KEY": KEY}, "HOOKBOT_GITHUB_SECRET"),
                (["-u", "http://h/x"], {"HOOKBOT_KEY": KEY, "HOOKBOT_GITHUB_SECRET": "g"}, "ws://"),
                (["-u", url, "-H", "no colon"], {"HOOKBOT_KEY": KEY, "HOOKBOT_GITHUB_SECRET": "g"},
                 "--header")):
            result = run([program("hookbot"), "route-github", *argv], **env)
            self.assertNotEqual(result.returncode, 0, argv)
            self.assertIn(message, result.stderr)

    def test_C3_route_github_publishes_signed_pushes(self):
        self.check_route_github(Plain())

    def test_C3_route_github_over_tls(self):
        """wss:// to listen, https:// to publish, the server checked against
        the CA that $SSL_CERT_FILE names."""
        folder = tempfile.TemporaryDirectory(prefix="hookbot-c3-tls-")
        self.addCleanup(folder.cleanup)
        pki = TestPKI(folder.name)
        cert, key = pki.server_certificate("server")

        class TLS(Plain):
            http_scheme, ws_scheme = "https", "wss"

            def client_ssl_context(self):
                return pki.client_context()

        self.check_route_github(TLS(), serve_args(cert, key), SSL_CERT_FILE=pki.ca_cert)

    def check_route_github(self, transport, serve_extra=(), **router_env):
        serve = self.start([program("hookbot"), "serve", "-b", "127.0.0.1:0", "--workers", "1",
                            *serve_extra], HOOKBOT_KEY=KEY)
        port = int(serve.wait_for_log(r"\(port (\d+)\)").group(1))
        serve.wait_for_log(r"worker joined")
        server = ConformanceServer(transport)
        server.port = port
        monitor = "/unsafe/sub/github.com/"
        router = self.start(
            [program("hookbot"), "route-github", "--monitor-url",
             f"{transport.ws_scheme}://{token(monitor)}@127.0.0.1:{port}{monitor}",
             "-H", "X-Test: c3"],
            HOOKBOT_KEY=KEY, HOOKBOT_GITHUB_SECRET=cases_router.SECRET, **router_env)
        router.wait_for_log(r"subscribed to 127\.0\.0\.1:\d+/unsafe/sub/github\.com/")

        def deliver(payload, **options):
            headers = cases_router.github_headers(payload, **options)
            answer = server.exchange(http_request(
                "POST", "/unsafe/pub/github.com/c3?extra-metadata=github", headers, payload))
            self.assertEqual(answer.status, 200, answer)

        async def check():
            ws = await subscribe(server, "/sub/github.com/repo/c3/hello/branch/main")
            # Routed in order: were the badly signed one routed, it would come first.
            deliver(cases_router.push_payload("c3/hello", after="bad"), signature="sha256=00")
            deliver(cases_router.push_payload("c3/hello", after="good"))
            got = await receive(ws)
            await ws.close()
            return got

        self.assertEqual(asyncio.run(check()),
                         cases_router.summary("main", "c3/hello", "good", "mona"))
        router.wait_for_log(r"rejected a message on \"/unsafe/github\.com/c3\": signature wrong")
        router.wait_for_log(r"routed a push to \"github\.com/repo/c3/hello/branch/main\"")
        router.stop()
        self.assertEqual(router.process.returncode, 0)
        router.wait_for_log(r"stopped after 2 messages: 1 routed, 0 failed to publish, 1 rejected")


if __name__ == "__main__":
    unittest.main(verbosity=2)
