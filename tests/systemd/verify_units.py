"""`systemd-analyze verify` on every unit in systemd/, and proof that it can fail;
`systemd-analyze security` rates each service 2.0 or below.

verify checks that each ExecStart= binary exists, so the units are copied to a
temporary folder with /usr/local/bin/ (where `cmake --install` puts the
programs) rewritten to the build's bin folder; nothing else changes. verify
exits 0 on an unknown key or a bad value and only prints a warning, so any
output at all counts as a failure. No running systemd is needed.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

UNIT_DIR = os.environ["HOOKBOT_UNIT_DIR"]
BIN_DIR = os.environ["HOOKBOT_BIN_DIR"]
INSTALLED_BIN_DIR = "/usr/local/bin/"
SYSTEMD_ANALYZE = shutil.which("systemd-analyze")


def verify(paths):
    """(exit status, output) of systemd-analyze verify on `paths`."""
    result = subprocess.run([SYSTEMD_ANALYZE, "verify", "--man=no", *paths],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            timeout=60)
    return result.returncode, result.stdout.strip()


# The most `systemd-analyze security --offline=true` may rate a service
# ("Overall exposure level"; 6.4 before the units were hardened).
MAX_EXPOSURE = 2.0


def exposure(path):
    """The overall exposure level systemd-analyze security gives the unit at `path`."""
    result = subprocess.run([SYSTEMD_ANALYZE, "security", "--offline=true", "--no-pager", path],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            timeout=60)
    match = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", result.stdout)
    if match is None:
        raise AssertionError(f"no exposure level in: {result.stdout[-500:]}")
    return float(match.group(1))


class VerifyUnits(unittest.TestCase):
    def setUp(self):
        # Missing is a failure, not a skip: scripts/install-deps.sh installs it.
        self.assertIsNotNone(SYSTEMD_ANALYZE, "systemd-analyze missing: run scripts/install-deps.sh")
        self.dir = tempfile.mkdtemp(prefix="hookbot-units-")
        self.addCleanup(shutil.rmtree, self.dir)
        self.units = sorted(name for name in os.listdir(UNIT_DIR)
                            if name.endswith((".service", ".socket")))
        for name in self.units:
            with open(os.path.join(UNIT_DIR, name)) as f:
                text = f.read()
            self.write(name, text.replace(INSTALLED_BIN_DIR, BIN_DIR.rstrip("/") + "/"))

    def write(self, name, text):
        with open(os.path.join(self.dir, name), "w") as f:
            f.write(text)

    def read(self, name):
        with open(os.path.join(self.dir, name)) as f:
            return f.read()

    def paths(self, names=None):
        return [os.path.join(self.dir, name) for name in (names or self.units)]

    def test_every_unit_verifies_cleanly(self):
        self.assertEqual(self.units,
                         ["hookbot-fanout@.service", "hookbot.service", "hookbot.socket"])
        for name in self.units:
            self.assertNotIn(INSTALLED_BIN_DIR, self.read(name), name)
        status, output = verify(self.paths())
        print(f"verified {len(self.units)} units: exit {status}, "
              f"{len(output.splitlines())} lines of output")
        self.assertEqual((status, output), (0, ""))

    def test_services_are_hardened(self):
        for name in self.units:
            if not name.endswith(".service"):
                continue
            with self.subTest(name):
                level = exposure(os.path.join(self.dir, name))
                print(f"{name}: exposure {level}")
                self.assertLessEqual(level, MAX_EXPOSURE)
        # And the check can fail: the unit as it was before (no filter, no
        # capability bounds) rates far above.
        service = self.read("hookbot.service")
        weakened = "\n".join(line for line in service.splitlines()
                             if not line.startswith(("SystemCallFilter=", "CapabilityBoundingSet=",
                                                     "PrivateDevices=", "PrivateUsers=",
                                                     "ProtectProc=", "ProcSubset=")))
        self.write("hookbot.service", weakened + "\n")
        level = exposure(os.path.join(self.dir, "hookbot.service"))
        print(f"hookbot.service without its filter and bounds: exposure {level}")
        self.assertGreater(level, MAX_EXPOSURE)

    def test_a_broken_unit_fails(self):
        service = self.read("hookbot.service")
        breakages = {
            "misspelt key": service.replace("WatchdogSec=", "WatchdogSecs="),
            "bad value": service.replace("Type=notify", "Type=notfy"),
            "missing binary": service.replace(os.path.join(BIN_DIR, "hookbot "),
                                              "/nonexistent/hookbot "),
        }
        for what, text in breakages.items():
            with self.subTest(what):
                self.assertNotEqual(text, service, f"{what}: nothing was broken")
                self.write("hookbot.service", text)
                status, output = verify(self.paths(["hookbot.service"]))
                print(f"{what}: exit {status}: {output.splitlines()[:1]}")
                self.assertTrue(status != 0 or output != "", what)
        fanout = self.read("hookbot-fanout@.service")
        self.write("hookbot.service", service)
        self.write("hookbot-fanout@.service",
                   fanout.replace("Requires=hookbot.service", "Requires=hookbot-missing.service"))
        status, output = verify(self.paths(["hookbot-fanout@.service"]))
        print(f"template needing a missing unit: exit {status}: {output.splitlines()[:1]}")
        self.assertTrue(status != 0 or output != "")


if __name__ == "__main__":
    unittest.main(argv=sys.argv)
