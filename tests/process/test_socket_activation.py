"""Socket activation: `hookbot serve` started with a listening socket as fd 3
and LISTEN_FDS=1, LISTEN_PID=<its pid> (as systemd starts it from
hookbot.socket) serves on that socket and binds nothing itself; given
anything but one listening TCP socket it refuses to start.
"""
import asyncio
import os
import socket
import subprocess
import unittest

from harness import BIN_DIR, KEY, Server, round_trip
from systemd_env import own_pid_launcher


def listening_ports(pid):
    """Ports of the listening TCP sockets process `pid` holds."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            for row in f.readlines()[1:]:
                fields = row.split()
                if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                    ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


class SocketActivation(unittest.TestCase):
    def test_serves_on_the_passed_socket_and_binds_nothing(self):
        passed = socket.create_server(("127.0.0.1", 0), backlog=128)
        # --bind names a port this test holds: binding it would fail.
        occupied = socket.create_server(("127.0.0.1", 0))
        passed_port = passed.getsockname()[1]
        occupied_port = occupied.getsockname()[1]
        # Above 3 and inheritable; the launcher moves it to 3.
        handed = os.dup(passed.fileno())
        os.set_inheritable(handed, True)
        server = Server(workers=2, bind=f"127.0.0.1:{occupied_port}",
                        launcher=own_pid_launcher("LISTEN_PID", socket_fd=handed),
                        env={"LISTEN_FDS": "1"}, pass_fds=(handed,))
        try:
            with server:
                os.close(handed)
                passed.close()  # serve holds the only copy now
                self.assertEqual(server.port, passed_port)
                line = server.wait_for_log(r"socket activation", 5)
                print(f"\n  {line.strip()}")
                got = asyncio.run(asyncio.wait_for(
                    round_trip(server, "systemd/activated", b"via the passed socket"), 60))
                self.assertEqual(got, [b"via the passed socket"])

                serve = server.process.pid
                self.assertEqual(listening_ports(serve), {passed_port})
                # serve's own /proc/PID/environ shows what it was started with;
                # its children show what serve left after sd_listen_fds.
                children = server.children("hookbot-acceptor") + server.worker_pids()
                self.assertEqual(len(children), 3)
                for pid in children:
                    with open(f"/proc/{pid}/environ", "rb") as f:
                        names = {v.split(b"=", 1)[0] for v in f.read().split(b"\0")}
                    self.assertFalse(names & {b"LISTEN_FDS", b"LISTEN_PID"}, pid)
                print(f"  served on port {passed_port}; serve listens on "
                      f"{sorted(listening_ports(serve))}, --bind port {occupied_port} untouched; "
                      f"no LISTEN_* in its {len(children)} children")
        finally:
            occupied.close()

    def test_refuses_a_socket_that_is_not_listening_tcp(self):
        datagram = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        datagram.bind(("127.0.0.1", 0))
        handed = os.dup(datagram.fileno())
        os.set_inheritable(handed, True)
        try:
            result = subprocess.run(
                [*own_pid_launcher("LISTEN_PID", socket_fd=handed),
                 os.path.join(BIN_DIR, "hookbot"), "serve", "--bind", "127.0.0.1:0"],
                env=dict(os.environ, HOOKBOT_KEY=KEY, LISTEN_FDS="1"), pass_fds=(handed,),
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=30)
        finally:
            os.close(handed)
            datagram.close()
        print(f"\n  exit {result.returncode}: {result.stderr.strip().splitlines()[-1:]}")
        self.assertEqual(result.returncode, 1)
        self.assertIn("not a listening TCP socket", result.stderr)


if __name__ == "__main__":
    unittest.main()
