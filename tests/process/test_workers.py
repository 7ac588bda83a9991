"""Workers added and removed at run time, and graceful shutdown.

- `hookbot-fanout --attach <control socket>` joins a running `hookbot serve`
  and is handed subscribers;
- SIGTERM drains a worker: its subscribers get close 1001, reconnect to the
  others, and miss nothing published after they are back;
- SIGUSR1/SIGUSR2 to serve add and remove one of its own workers;
- SIGTERM to serve closes every subscriber with 1001, answers the publish in
  flight, and exits 0 within its stop timeout.
"""
import asyncio
import os
import re
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest

import websockets

from harness import (BIN_DIR, Server, publish_all, publish_while_receiving, receive_n, subscribe,
                     token, wait_for)
from tls_pki import TestPKI, serve_args

# supervisor_config::stop_timeout: serve kills what is left after it.
SERVE_STOP_BOUND_S = 5.0


async def until(predicate, timeout, what):
    """Polls `predicate` on the event loop until true; fails after `timeout`."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.02)


class AttachedWorker:
    """`hookbot-fanout --attach PATH`, started on its own as an operator (or
    systemd's hookbot-fanout@.service) would."""

    def __init__(self, control_socket):
        self.process = subprocess.Popen(
            [os.path.join(BIN_DIR, "hookbot-fanout"), "--attach", control_socket],
            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        self.pid = self.process.pid
        self.log_lines = []
        self._log_ended = False
        self._log_ready = threading.Condition()
        self._log_reader = threading.Thread(target=self._collect_log, daemon=True)
        self._log_reader.start()

    def _collect_log(self):
        for line in self.process.stderr:
            with self._log_ready:
                self.log_lines.append(line)
                self._log_ready.notify_all()
        with self._log_ready:
            self._log_ended = True
            self._log_ready.notify_all()

    def wait_for_log(self, pattern, timeout):
        deadline = time.monotonic() + timeout
        with self._log_ready:
            while True:
                for line in self.log_lines:
                    if re.search(pattern, line):
                        return line
                left = deadline - time.monotonic()
                if left <= 0 or self._log_ended:
                    raise AssertionError(f"attached worker: no log line matching {pattern!r}; "
                                         "log:\n" + "".join(self.log_lines[-40:]))
                self._log_ready.wait(left)

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self._log_reader.join(5)
        self.process.stderr.close()


class Client:
    """A subscriber that reconnects whenever the server closes it, as real
    hookbot clients do; it remembers each session and every message."""

    def __init__(self):
        self.received = []   # every message, all sessions together
        self.sessions = []   # (connected_at, worker pid, index of its first message)
        self.closes = []     # (close code, time)

    def session_messages(self, n):
        start = self.sessions[n][2]
        end = self.sessions[n + 1][2] if n + 1 < len(self.sessions) else len(self.received)
        return self.received[start:end]

    async def run(self, server, topic, worker_pids):
        while True:
            ws = await subscribe(server, topic)
            self.sessions.append((time.monotonic(), server.worker_of(ws, worker_pids()),
                                  len(self.received)))
            try:
                while True:
                    message = await ws.recv()
                    self.received.append(message)
                    if message == b"end":
                        await ws.close()
                        return
            except websockets.exceptions.ConnectionClosed:
                self.closes.append((ws.close_code, time.monotonic()))


class SteadyPublisher:
    """Publishes b"0", b"1", … on one connection until stopped, then b"end";
    remembers when each request was sent."""

    def __init__(self, server, topic):
        self.server, self.topic = server, topic
        self.sent_at = []
        self.stopping = threading.Event()

    def run(self):
        publisher = self.server.publisher()
        try:
            while not self.stopping.is_set():
                self.sent_at.append(time.monotonic())
                status, reply = publisher.publish(self.topic, b"%d" % (len(self.sent_at) - 1))
                assert (status, reply) == (200, b"OK\n"), (status, reply)
            status, reply = publisher.publish(self.topic, b"end")
            assert (status, reply) == (200, b"OK\n"), (status, reply)
        finally:
            publisher.close()


def numbers(messages):
    return [int(m) for m in messages if m != b"end"]


class Workers(unittest.TestCase):
    def run_async(self, coroutine):
        return asyncio.run(asyncio.wait_for(coroutine, 120))

    def serve_with_attached_worker(self):
        """serve with one worker of its own and one started with --attach."""
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)  # last: after both processes stop
        control = os.path.join(directory.name, "control.sock")
        server = Server(workers=1, extra_args=["--control-socket", control])
        server.__enter__()
        self.addCleanup(server.__exit__, None, None, None)
        attached = AttachedWorker(control)
        self.addCleanup(attached.stop)
        started = time.monotonic()
        server.wait_worker_joined(attached.pid)
        attached.wait_for_log(r"started: .*\(attached\)", 5)
        print(f"\n  attached worker {attached.pid} joined in "
              f"{time.monotonic() - started:.2f}s")
        return server, attached

    def test_attached_worker_is_handed_subscribers_and_delivers(self):
        async def scenario(server, attached):
            pids = [*server.worker_pids(), attached.pid]
            subscribers = [await subscribe(server, "attach/news") for _ in range(8)]
            on = [server.worker_of(ws, pids) for ws in subscribers]
            on_attached = on.count(attached.pid)
            print(f"  {on_attached} of {len(subscribers)} subscribers on the attached worker")
            self.assertGreater(on_attached, 0, f"subscribers on {on}")
            self.assertLess(on_attached, len(subscribers), f"subscribers on {on}")

            messages = [b"attach-%d" % i for i in range(300)]
            received = await publish_while_receiving(server, "attach/news", messages,
                                                     subscribers, 60)
            for got in received:
                self.assertEqual(got, messages)
            print(f"  {len(messages)} messages x {len(subscribers)} subscribers received")

            # The acceptor restarts: the attached worker reconnects like
            # serve's own, and its subscribers never noticed.
            [acceptor] = server.children("hookbot-acceptor")
            joined = rf"worker joined: slot \d+ pid {attached.pid}\b"
            os.kill(acceptor, signal.SIGKILL)
            killed_at = time.monotonic()
            await until(lambda: sum(bool(re.search(joined, line))
                                    for line in server.log_lines) == 2,
                        10, "the attached worker to join the new acceptor")
            rejoined = time.monotonic() - killed_at
            await asyncio.get_running_loop().run_in_executor(
                None, wait_for, server._status_ok, 10, "/status")
            publish_all(server, "attach/news", [b"after the restart"])
            for ws in subscribers:
                self.assertEqual(await receive_n(ws, 1, 10), [b"after the restart"])
                await ws.close()
            print(f"  acceptor killed; the attached worker rejoined in {rejoined:.2f}s "
                  f"and its subscribers kept receiving")

        self.run_async(scenario(*self.serve_with_attached_worker()))

    def test_attached_worker_stops_when_its_instance_is_restarted(self):
        async def scenario(directory):
            control = os.path.join(directory, "control.sock")
            args = ["--control-socket", control, "--instance", f"attach-restart-{os.getpid()}"]
            with Server(workers=1, extra_args=args) as first:
                attached = AttachedWorker(control)
                self.addCleanup(attached.stop)
                first.wait_worker_joined(attached.pid)
                subscribers = [await subscribe(first, "restart/feed") for _ in range(4)]
                on_attached = [ws for ws in subscribers
                               if first.worker_of(ws, [attached.pid]) == attached.pid]
                self.assertTrue(on_attached, "no subscriber on the attached worker")
            # The same instance name and control socket, but a new bus: the
            # attached worker must not keep its subscribers on the old one.
            with Server(workers=1, extra_args=args) as second:
                restarted_at = time.monotonic()
                status = await asyncio.get_running_loop().run_in_executor(
                    None, lambda: attached.process.wait(timeout=15))
                stopped_in = time.monotonic() - restarted_at
                self.assertEqual(status, 1)
                line = attached.wait_for_log(r"was restarted|is gone", 1)
                for ws in on_attached:
                    await asyncio.wait_for(ws.wait_closed(), 5)
                    self.assertEqual(ws.close_code, 1001)
                self.assertEqual(len(second.worker_pids()), 1)
                print(f"\n  instance restarted: the attached worker closed "
                      f"{len(on_attached)} subscribers with 1001 and exited 1 "
                      f"{stopped_in:.2f}s after the new instance was up:\n    "
                      f"{line.split(']: ', 1)[-1].strip()}")

        with tempfile.TemporaryDirectory() as directory:
            self.run_async(scenario(directory))

    def test_sigterm_drains_attached_worker_and_its_subscribers_move(self):
        async def scenario(server, attached):
            [own] = server.worker_pids()
            clients = [Client() for _ in range(8)]
            tasks = [asyncio.create_task(c.run(server, "drain/feed",
                                               lambda: [*server.worker_pids(), attached.pid]))
                     for c in clients]
            await until(lambda: all(c.sessions for c in clients), 20, "every client connected")
            moving = [c for c in clients if c.sessions[0][1] == attached.pid]
            staying = [c for c in clients if c.sessions[0][1] == own]
            self.assertTrue(moving and staying and len(moving) + len(staying) == len(clients),
                            f"clients on {[c.sessions[0][1] for c in clients]}")

            publisher = SteadyPublisher(server, "drain/feed")
            publishing = asyncio.get_running_loop().run_in_executor(None, publisher.run)
            await until(lambda: all(len(c.received) >= 20 for c in clients), 30,
                        "20 messages at every client")

            signalled = time.monotonic()
            attached.process.send_signal(signal.SIGTERM)
            await until(lambda: all(len(c.sessions) == 2 and
                                    len(c.session_messages(1)) >= 20 for c in moving),
                        30, "the moved clients back, with 20 messages each")
            exit_status = await asyncio.get_running_loop().run_in_executor(
                None, lambda: attached.process.wait(timeout=10))
            drained_in = time.monotonic() - signalled
            publisher.stopping.set()
            await publishing
            await asyncio.wait_for(asyncio.gather(*tasks), 30)

            self.assertEqual(exit_status, 0)
            server.wait_for_log(rf"worker draining: slot \d+ pid {attached.pid}\b", 1)
            attached.wait_for_log(r"closing \d+ subscribers with 1001", 1)
            published = len(publisher.sent_at)
            everything = list(range(published))
            for c in staying:
                self.assertEqual(len(c.sessions), 1, "a client on the other worker moved")
                self.assertEqual(numbers(c.received), everything)
            gaps, missed = [], []
            for c in moving:
                self.assertEqual([code for code, _ in c.closes], [1001])
                self.assertEqual(c.sessions[1][1], own, "reconnected to the remaining worker")
                before = numbers(c.session_messages(0))
                after = numbers(c.session_messages(1))
                self.assertEqual(before, list(range(len(before))), "a gap before the close")
                reconnected_at = c.sessions[1][0]
                due = [i for i, sent in enumerate(publisher.sent_at) if sent > reconnected_at]
                self.assertTrue(due, "nothing published after the reconnection")
                self.assertEqual(after[-len(due):], due,
                                 "a message published after the reconnection was lost")
                self.assertEqual(after, list(range(after[0], published)), "a gap after")
                gaps.append(reconnected_at - c.closes[0][1])
                missed.append(after[0] - len(before))
            print(f"  {published} messages published; {len(staying)} clients stayed and got all;"
                  f" {len(moving)} moved (close 1001, back in at most {max(gaps) * 1000:.0f} ms,"
                  f" {max(missed)} messages at most published while away); drained and exited"
                  f" {drained_in:.2f}s after SIGTERM")

        self.run_async(scenario(*self.serve_with_attached_worker()))

    def test_sigusr1_adds_and_sigusr2_removes_a_worker(self):
        async def scenario(server):
            [first] = server.worker_pids()
            server.process.send_signal(signal.SIGUSR1)
            server.wait_for_log(r"SIGUSR1: adding a worker in slot 1\b", 5)
            [added] = wait_for(lambda: [p for p in server.worker_pids() if p != first], 5,
                               "the added worker")
            server.wait_worker_joined(added)

            subscribers = [await subscribe(server, "usr/feed") for _ in range(6)]
            on = [server.worker_of(ws) for ws in subscribers]
            self.assertEqual(set(on), {first, added}, f"subscribers on {on}")

            removed_at = time.monotonic()
            server.process.send_signal(signal.SIGUSR2)
            # Off the event loop: the subscribers must answer their close frames meanwhile.
            await asyncio.get_running_loop().run_in_executor(
                None, server.wait_for_log, r"worker 1 removed: drained and exited", 10)
            removal = time.monotonic() - removed_at
            for ws, pid in zip(subscribers, on):
                if pid == added:
                    await asyncio.wait_for(ws.wait_closed(), 5)
                    self.assertEqual(ws.close_code, 1001)
            self.assertEqual(server.worker_pids(), [first], "the removed worker came back")
            staying = [ws for ws, pid in zip(subscribers, on) if pid == first]
            publish_all(server, "usr/feed", [b"still here"])
            for ws in staying:
                self.assertEqual(await receive_n(ws, 1, 10), [b"still here"])
                await ws.close()

            server.process.send_signal(signal.SIGUSR2)
            server.wait_for_log(r"SIGUSR2: the last worker stays", 5)
            self.assertEqual(server.worker_pids(), [first])
            started = sum("started worker 1 " in line for line in server.log_lines)
            self.assertEqual(started, 1, "worker 1 was restarted after its removal")
            print(f"\n  worker {added} added by SIGUSR1; SIGUSR2 drained it in {removal:.2f}s "
                  f"({on.count(added)} subscribers closed with 1001, "
                  f"{len(staying)} kept); the last worker refused removal")

        with Server(workers=1) as server:
            self.run_async(scenario(server))

    def test_sigterm_to_serve_closes_subscribers_with_1001_and_answers_publish_in_flight(self):
        async def scenario(server):
            subscribers = [await subscribe(server, "stop/feed") for _ in range(6)]
            self.assertEqual(len({server.worker_of(ws) for ws in subscribers}), 2)

            # A publish whose head the acceptor has read but whose body is not
            # all there: it is in flight when SIGTERM comes.
            path = "/pub/stop/feed"
            body = b"in flight " * 100
            in_flight = socket.create_connection(("127.0.0.1", server.port), timeout=10)
            in_flight.sendall(
                f"POST {path} HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {token(path)}"
                f"\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body[:10])
            # Accepted after it, so the head above has been read by now.
            self.assertEqual(server.request("GET", "/status")[0], 200)

            stopped_at = time.monotonic()
            server.process.send_signal(signal.SIGTERM)
            server.wait_for_log(r"stopping after 1 requests in flight", 5)
            in_flight.sendall(body[10:])
            answer = b""
            while b"\r\n\r\n" not in answer or not answer.endswith(b"OK\n"):
                chunk = in_flight.recv(4096)
                if not chunk:
                    break
                answer += chunk
            in_flight.close()
            self.assertTrue(answer.startswith(b"HTTP/1.1 200 OK\r\n"), answer)

            for ws in subscribers:
                await asyncio.wait_for(ws.wait_closed(), SERVE_STOP_BOUND_S)
            codes = [ws.close_code for ws in subscribers]
            self.assertEqual(codes, [1001] * len(subscribers))
            closed_in = time.monotonic() - stopped_at
            status = await asyncio.get_running_loop().run_in_executor(
                None, lambda: server.process.wait(timeout=SERVE_STOP_BOUND_S + 2))
            exited_in = time.monotonic() - stopped_at
            self.assertEqual(status, 0)
            self.assertLess(exited_in, SERVE_STOP_BOUND_S + 1)
            print(f"\n  SIGTERM: publish in flight answered 200; {len(subscribers)} subscribers "
                  f"closed with 1001 within {closed_in:.2f}s; serve exited 0 after "
                  f"{exited_in:.2f}s (bound {SERVE_STOP_BOUND_S:.0f}s)")

        with Server(workers=2) as server:
            self.run_async(scenario(server))

    def test_attach_to_a_tls_instance_is_refused_with_a_clear_message(self):
        with tempfile.TemporaryDirectory() as directory:
            pki = TestPKI(directory)
            control = os.path.join(directory, "control.sock")
            with Server(workers=1, ssl_context=pki.client_context(),
                        extra_args=["--control-socket", control,
                                    *serve_args(*pki.server_certificate("server"))]) as server:
                attached = AttachedWorker(control)
                self.addCleanup(attached.stop)
                status = attached.process.wait(timeout=10)
                line = attached.wait_for_log(r"terminates TLS in its workers", 1)
                self.assertEqual(status, 2)
                self.assertEqual(len(server.worker_pids()), 1)
                print(f"\n  --attach to a TLS instance: exit {status}: {line.strip()}")


if __name__ == "__main__":
    unittest.main(verbosity=2)
