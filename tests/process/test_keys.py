"""Token keys for operations: a key file, rotation on SIGHUP, refusals.

Starts `hookbot --key-file FILE serve`, rewrites the file and sends SIGHUP
the way an operator rotates a key, and checks which tokens open a path after
each step. Reloads are awaited through the acceptor's log line, never slept
on.
"""
import asyncio
import os
import re
import signal
import subprocess
import tempfile
import time
import unittest

from harness import BIN_DIR, Server, bearer, subscribe, token

KEY_A = "a0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5"  # the key in use
KEY_B = "b9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4"  # its successor
PATH = "/pub/keys/rotation"


def write(path, text):
    """Replaces the file the way an editor or a deployment tool does."""
    with open(path + ".new", "w") as f:
        f.write(text)
    os.replace(path + ".new", path)


def program(name):
    return os.path.join(BIN_DIR, name)


def run(argv, env=None, timeout=20):
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("HOOKBOT_KEY", "HOOKBOT_KEY_FILE", "CREDENTIALS_DIRECTORY")}
    return subprocess.run(argv, env=dict(environment, **(env or {})), capture_output=True,
                          text=True, timeout=timeout)


class KeyFile(unittest.TestCase):
    def setUp(self):
        self.folder = tempfile.TemporaryDirectory()
        self.addCleanup(self.folder.cleanup)
        self.key_file = os.path.join(self.folder.name, "key")

    def status_with(self, server, key):
        return server.request("POST", PATH, b"x", bearer(PATH, key))[0]

    def reload(self, server, expect):
        """SIGHUP to serve, then the acceptor's log line matching `expect`."""
        mark = server.log_mark()
        started = time.monotonic()
        server.process.send_signal(signal.SIGHUP)
        line = server.wait_for_log(expect, 10, since=mark)
        print(f"\n  reload in {1000 * (time.monotonic() - started):.1f} ms: {line.strip()}")
        return line

    def test_rotation_by_sighup(self):
        write(self.key_file, f"# hookbot keys: the first signs\n{KEY_A}\n")
        os.chmod(self.key_file, 0o644)
        with Server(workers=1, key_file=self.key_file) as server:
            server.wait_for_log(r"token keys: 1 from --key-file " + re.escape(self.key_file), 1)
            server.wait_for_log(r"key file .* is readable by every user", 1)
            self.assertEqual(self.status_with(server, KEY_A), 200)
            self.assertEqual(self.status_with(server, KEY_B), 401)

            # The key is in no child's command line nor environment.
            for pid in server.children("hookbot-acceptor") + server.worker_pids():
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    self.assertNotIn(KEY_A.encode(), f.read())
                with open(f"/proc/{pid}/environ", "rb") as f:
                    self.assertNotIn(KEY_A.encode(), f.read())

            # Step 1: the new key first, the old one still verifying.
            write(self.key_file, f"# rotated\n{KEY_B}\r\n\n{KEY_A}\n")
            self.reload(server, r"SIGHUP: reloaded key file .*: 2 keys")
            self.assertEqual(self.status_with(server, KEY_A), 200)
            self.assertEqual(self.status_with(server, KEY_B), 200)

            async def subscribe_with_new_key():
                path = "/sub/keys/rotation"
                ws = await subscribe(server, "keys/rotation", bearer(path, KEY_B))
                await ws.close()
            asyncio.run(asyncio.wait_for(subscribe_with_new_key(), 20))

            # Tokens made with the file now are signed with the new key.
            made = run([program("hookbot"), "--key-file", self.key_file, "make-tokens", "--bare",
                        PATH])
            self.assertEqual((made.returncode, made.stdout), (0, token(PATH, KEY_B) + "\n"),
                             made.stderr)
            made = run([program("hookbot-tokens"), "--bare", PATH],
                       env={"HOOKBOT_KEY_FILE": self.key_file})
            self.assertEqual(made.stdout, token(PATH, KEY_B) + "\n", made.stderr)
            verified = run([program("hookbot-tokens"), "verify", "--key-file", self.key_file,
                            f"http://{token(PATH, KEY_A)}@h{PATH}"])
            self.assertEqual(verified.stdout,
                             f'valid for {PATH}: HMAC-sha256 of "{PATH}" with key 2 of 2\n')
            self.assertNotIn(KEY_A, verified.stdout + verified.stderr)

            # Step 2: the old key retired.
            write(self.key_file, f"{KEY_B}\n")
            self.reload(server, r"SIGHUP: reloaded key file .*: 1 key\b")
            self.assertEqual(self.status_with(server, KEY_A), 401)
            self.assertEqual(self.status_with(server, KEY_B), 200)

            # A broken file is refused; the keys in use stay.
            write(self.key_file, "# nothing here yet\n")
            line = self.reload(server, r"SIGHUP: cannot reload the keys")
            self.assertIn("holds no key", line)
            self.assertIn("still checking tokens with 1 key", line)
            write(self.key_file, "changeme\n")
            line = self.reload(server, r"SIGHUP: cannot reload the keys")
            self.assertIn("placeholder", line)
            os.remove(self.key_file)
            self.reload(server, r"SIGHUP: cannot reload the keys .*No such file")
            self.assertEqual(self.status_with(server, KEY_A), 401)
            self.assertEqual(self.status_with(server, KEY_B), 200)
            self.assertIsNone(server.process.poll(), "serve stays up")

    def test_systemd_credential(self):
        credential = os.path.join(self.folder.name, "hookbot-key")
        write(credential, KEY_A + "\n")
        os.chmod(credential, 0o400)
        with Server(workers=1, key=None, env={"CREDENTIALS_DIRECTORY": self.folder.name}) as server:
            server.wait_for_log(r"token keys: 1 from systemd credential .*/hookbot-key", 1)
            self.assertFalse(any("readable by every user" in line for line in server.log_lines))
            self.assertEqual(self.status_with(server, KEY_A), 200)
            self.assertEqual(self.status_with(server, KEY_B), 401)

    def test_unusable_keys_stop_serve_before_it_starts(self):
        serve = [program("hookbot"), "serve", "--bind", "127.0.0.1:0", "--workers", "1"]
        write(self.key_file, "\n# no key yet\n")
        cases = [
            ("empty key file", ["--key-file", self.key_file], {}, "holds no key"),
            ("missing key file", [], {"HOOKBOT_KEY_FILE": self.key_file + ".missing"},
             "No such file or directory"),
            ("placeholder key", [], {"HOOKBOT_KEY": "changeme"}, "well-known placeholder"),
            ("placeholder in a file", ["--key-file", self.key_file + ".2"], {},
             "key 2 of 2 is a well-known placeholder"),
            ("two sources", ["--key", KEY_A, "--key-file", self.key_file], {},
             "both --key and --key-file"),
            ("no key", [], {}, "HOOKBOT_KEY not set"),
        ]
        write(self.key_file + ".2", f"{KEY_A}\nSecret\n")
        for name, global_args, env, message in cases:
            with self.subTest(name):
                started = time.monotonic()
                result = run([serve[0], *global_args, *serve[1:]], env)
                print(f"\n  {name}: exit {result.returncode} in "
                      f"{1000 * (time.monotonic() - started):.0f} ms: {result.stderr.strip()}")
                self.assertNotEqual(result.returncode, 0)
                self.assertIn(message, result.stderr)
                self.assertNotIn("listening on", result.stderr)
                self.assertNotIn(KEY_A, result.stderr)
                if name == "no key":  # docs/PROTOCOL.md C1, word for word
                    self.assertEqual(result.stderr, "HOOKBOT_KEY not set\n")


if __name__ == "__main__":
    unittest.main()
