"""The files in deploy/ (issue 18), checked with the programs they are for.

- deploy/nats/nats-N.conf: `nats-server -t` accepts each once its host
  placeholders are filled in, and the three, moved to free ports on
  127.0.0.1 and a temporary store (nothing else changed), form one
  JetStream cluster that takes a 3-replica stream of hookbot's default
  size and a 25 MiB message.
- deploy/systemd/*.conf: `systemd-analyze verify` on hookbot.service and
  Debian's nats-server.service with the drop-ins in place prints nothing
  (and does print a bad key in a drop-in, so they are read), and the
  hookbot drop-in keeps the unit's security rating at 2.0 or below.
- deploy/haproxy/hookbot.cfg, deploy/nginx/hookbot-cluster.conf: `haproxy -c`
  and `nginx -t` accept them, where those are installed (they are not in
  scripts/install-deps.sh: a balancer is the operator's choice).
"""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import nats_wire
from nats_cluster import NATS_SERVER, NatsCluster

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEPLOY = os.path.join(ROOT, "deploy")
BIN_DIR = os.environ.get("HOOKBOT_BIN_DIR", "")
SYSTEMD_ANALYZE = shutil.which("systemd-analyze")
HAPROXY = shutil.which("haproxy") or (os.path.exists("/usr/sbin/haproxy") and "/usr/sbin/haproxy")
NGINX = shutil.which("nginx") or (os.path.exists("/usr/sbin/nginx") and "/usr/sbin/nginx")
DEBIAN_NATS_UNIT = "/lib/systemd/system/nats-server.service"
# Addresses for the balancers' hosts that need no resolver.
LOOPBACKS = ("127.0.0.1", "127.0.0.2", "127.0.0.3")


def read(*path):
    with open(os.path.join(DEPLOY, *path)) as f:
        return f.read()


def fill_nats_hosts(text, hosts=("10.0.0.1", "10.0.0.2", "10.0.0.3")):
    for i, host in enumerate(hosts, 1):
        text = text.replace(f"NATS{i}_HOST", host)
    return text


def fill_hookbot_hosts(text, hosts=("10.0.1.1", "10.0.1.2", "10.0.1.3")):
    for i, host in enumerate(hosts, 1):
        text = text.replace(f"HOOKBOT{i}_HOST", host)
    return text


class NatsConfigs(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="hookbot-deploy-")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def test_each_config_is_valid(self):
        for i in (1, 2, 3):
            text = read("nats", f"nats-{i}.conf")
            self.assertNotIn("_HOST", fill_nats_hosts(text))
            self.assertIn(f'server_name: "nats-{i}"', text)
            path = os.path.join(self.dir, f"nats-{i}.conf")
            with open(path, "w") as f:
                f.write(fill_nats_hosts(text))
            result = subprocess.run([NATS_SERVER, "-c", path, "-t"], stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True, timeout=30)
            self.assertEqual(result.returncode, 0, result.stdout)
            self.assertIn("is valid", result.stdout)

    def test_the_files_differ_only_in_server_name(self):
        texts = [read("nats", f"nats-{i}.conf") for i in (1, 2, 3)]
        normalised = [re.sub(r"nats-\d", "nats-N", re.sub(r"(node|host) \d", r"\1 N", t)) for t in texts]
        self.assertEqual(normalised[0], normalised[1])
        self.assertEqual(normalised[0], normalised[2])

    def test_the_three_form_a_jetstream_cluster(self):
        nats = NatsCluster(size=3, workdir=self.dir)
        for node in nats.nodes:
            text = read("nats", f"nats-{node.index + 1}.conf")
            # Only addresses, ports and the store move; every other line stays.
            text = text.replace('"0.0.0.0:4222"', f'"127.0.0.1:{node.client_port}"')
            text = text.replace('"0.0.0.0:6222"', f'"127.0.0.1:{node.cluster_port}"')
            text = text.replace('"127.0.0.1:8222"', f'"127.0.0.1:{node.http_port}"')
            text = text.replace('"/var/lib/nats"', f'"{node.store}"')
            for other in nats.nodes:
                text = text.replace(f"nats-route://NATS{other.index + 1}_HOST:6222",
                                    f"nats-route://127.0.0.1:{other.cluster_port}")
            settings = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
            self.assertNotRegex(settings, r"_HOST|4222|6222|8222|/var/lib/nats")
            nats.use_config(node.index, text, f"nats-{node.index + 1}")
        with nats:
            urls = nats.urls()
            with nats_wire.Connection(urls) as connection:
                self.assertEqual(connection.info["max_payload"], 32 * 1024 * 1024)
                self.assertEqual(connection.info["cluster"], "hookbot")
            # hookbot's defaults: subject hookbot.NAME, 3 replicas, 1 GiB, 7 days.
            nats_wire.retrying(
                lambda: nats_wire.create_stream(urls, "hookbot", ["hookbot.hookbot"], replicas=3,
                                                max_bytes=1 << 30, max_age=604800 * 10**9),
                20, "hookbot's stream to be created")
            body = os.urandom(25 * 1024 * 1024)
            ack = nats_wire.js_publish(urls, "hookbot.hookbot", body, timeout=30)
            self.assertEqual(ack, {"stream": "hookbot", "seq": 1})
            info = nats_wire.stream_info(urls, "hookbot")
            self.assertEqual(info["state"]["messages"], 1)
            self.assertEqual(len(info["cluster"]["replicas"]), 2)


@unittest.skipUnless(SYSTEMD_ANALYZE, "systemd-analyze missing: run scripts/install-deps.sh")
class SystemdDropIns(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="hookbot-dropins-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        hookbot = os.path.join(BIN_DIR, "hookbot") if BIN_DIR else shutil.which("true")
        with open(os.path.join(ROOT, "systemd", "hookbot.service")) as f:
            self.write("hookbot.service", f.read().replace("/usr/local/bin/hookbot", hookbot))
        shutil.copy(DEBIAN_NATS_UNIT, os.path.join(self.dir, "nats-server.service"))
        drop_in = fill_nats_hosts(read("systemd", "hookbot-cluster.conf"))
        self.write("hookbot.service.d/cluster.conf", drop_in.replace("/usr/bin/hookbot", hookbot))
        self.write("nats-server.service.d/hookbot.conf", read("systemd", "nats-server-hookbot.conf"))

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)

    def run_analyze(self, *args):
        # SYSTEMD_UNIT_PATH ending in ":" keeps the built-in paths after ours.
        env = dict(os.environ, SYSTEMD_UNIT_PATH=self.dir + ":")
        result = subprocess.run([SYSTEMD_ANALYZE, *args], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, timeout=60)
        return result.returncode, result.stdout.strip()

    def units(self):
        return [os.path.join(self.dir, "hookbot.service"), os.path.join(self.dir, "nats-server.service")]

    def test_units_with_the_drop_ins_verify_cleanly(self):
        self.assertTrue(os.path.exists(DEBIAN_NATS_UNIT), "Debian's nats-server.service missing")
        self.assertEqual(self.run_analyze("verify", "--man=no", *self.units()), (0, ""))

    def test_the_drop_ins_are_read(self):
        with open(os.path.join(self.dir, "hookbot.service.d/cluster.conf"), "a") as f:
            f.write("NotAKey=1\n")
        with open(os.path.join(self.dir, "nats-server.service.d/hookbot.conf"), "a") as f:
            f.write("AlsoNotAKey=1\n")
        _, output = self.run_analyze("verify", "--man=no", *self.units())
        self.assertIn("NotAKey", output)
        self.assertIn("AlsoNotAKey", output)

    def test_hookbot_with_the_drop_in_stays_hardened(self):
        _, output = self.run_analyze("security", "--offline=true", "--no-pager", self.units()[0])
        match = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", output)
        self.assertIsNotNone(match, output[-500:])
        self.assertLessEqual(float(match.group(1)), 2.0)

    def test_the_drop_in_orders_hookbot_after_nats(self):
        text = read("systemd", "hookbot-cluster.conf")
        self.assertRegex(text, r"(?m)^After=nats-server\.service$")
        self.assertRegex(text, r"(?m)^Wants=nats-server\.service$")
        self.assertRegex(text, r"(?m)^ExecStart=$")
        self.assertRegex(text, r"(?m)^ExecStart=.* --cluster nats://NATS1_HOST:4222,"
                               r"nats://NATS2_HOST:4222,nats://NATS3_HOST:4222$")


class LoadBalancers(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="hookbot-lb-")
        self.addCleanup(shutil.rmtree, self.dir, True)

    @unittest.skipUnless(HAPROXY, "haproxy not installed (not in install-deps: apt-get install haproxy)")
    def test_haproxy_accepts_its_config(self):
        path = os.path.join(self.dir, "haproxy.cfg")
        with open(path, "w") as f:
            f.write(fill_hookbot_hosts(read("haproxy", "hookbot.cfg"), LOOPBACKS))
        result = subprocess.run([HAPROXY, "-c", "-f", path], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, timeout=30)
        self.assertEqual(result.returncode, 0, result.stdout)
        self.assertNotRegex(result.stdout, r"WARNING|ALERT")

    @unittest.skipUnless(NGINX, "nginx not installed (not in install-deps: apt-get install nginx)")
    def test_nginx_accepts_its_config(self):
        site = os.path.join(self.dir, "hookbot-cluster.conf")
        with open(site, "w") as f:
            f.write(fill_hookbot_hosts(read("nginx", "hookbot-cluster.conf"), LOOPBACKS))
        main = os.path.join(self.dir, "nginx.conf")
        temp = os.path.join(self.dir, "temp")
        os.makedirs(temp)
        with open(main, "w") as f:
            # A minimal main config around the http {} context the file is for,
            # with every path it writes in the temporary folder.
            f.write(f"pid {self.dir}/nginx.pid;\nerror_log {self.dir}/error.log;\nevents {{}}\n"
                    f"http {{\n  access_log off;\n  client_body_temp_path {temp}/body;\n"
                    f"  proxy_temp_path {temp}/proxy;\n  fastcgi_temp_path {temp}/fastcgi;\n"
                    f"  uwsgi_temp_path {temp}/uwsgi;\n  scgi_temp_path {temp}/scgi;\n"
                    f"  include {site};\n}}\n")
        result = subprocess.run([NGINX, "-t", "-c", main, "-e", os.path.join(self.dir, "error.log")],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=30)
        self.assertEqual(result.returncode, 0, result.stdout)
        self.assertIn("test is successful", result.stdout)
        self.assertNotIn("[warn]", result.stdout)


if __name__ == "__main__":
    unittest.main()
