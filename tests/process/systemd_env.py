"""What systemd gives a service, imitated for process tests: a notification
socket (NOTIFY_SOCKET) and a launcher that sets variables naming the
service's own pid (WATCHDOG_PID, LISTEN_PID) and moves a socket to fd 3."""
import os
import select
import shutil
import socket
import struct
import sys
import tempfile
import time


class Notification:
    def __init__(self, received_at, pid, text):
        self.received_at = received_at
        self.pid = pid
        self.text = text
        self.fields = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)

    def get(self, key, default=None):
        return self.fields.get(key, default)

    def __repr__(self):
        return f"<from pid {self.pid}: {self.text!r}>"


class NotifySocket:
    """An AF_UNIX datagram socket standing in for systemd's: with SO_PASSCRED,
    so each notification's sender pid is known, as systemd knows it."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="hookbot-notify-")
        self.path = os.path.join(self.dir, "notify")
        self.socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        self.socket.bind(self.path)
        self.received = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.socket.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def receive(self, timeout):
        """The next notification, or None after `timeout` seconds."""
        readable, _, _ = select.select([self.socket], [], [], max(timeout, 0))
        if not readable:
            return None
        data, ancillary, _, _ = self.socket.recvmsg(4096, socket.CMSG_SPACE(12))
        pid = None
        for level, kind, payload in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                pid = struct.unpack("3i", payload[:12])[0]
        notification = Notification(time.monotonic(), pid, data.decode())
        self.received.append(notification)
        return notification

    def wait_for(self, predicate, timeout, what):
        """The first notification from now on that satisfies `predicate`."""
        deadline = time.monotonic() + timeout
        while True:
            notification = self.receive(deadline - time.monotonic())
            if notification is None:
                raise AssertionError(f"no {what} within {timeout}s; got {self.received[-10:]}")
            if predicate(notification):
                return notification


def own_pid_launcher(*variables, socket_fd=None):
    """argv that sets each of `variables` to its own pid (which exec keeps),
    moves `socket_fd` to fd 3 if given, and execs the rest of the command."""
    code = ("import os, sys\n"
            f"for name in {list(variables)!r}: os.environ[name] = str(os.getpid())\n")
    if socket_fd is not None:
        code += f"os.dup2({socket_fd}, 3)\nos.close({socket_fd})\n"
    code += "os.execv(sys.argv[1], sys.argv[1:])\n"
    return [sys.executable, "-c", code]
