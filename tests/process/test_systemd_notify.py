"""`hookbot serve` as a Type=notify service, against a stand-in for systemd's
notification socket: READY=1 only once the acceptor serves and a worker has
joined, STATUS= with figures that match, WATCHDOG=1 at half WatchdogSec,
RELOADING=1 then READY=1 on SIGHUP, and STOPPING=1 on SIGTERM, all from serve's
own pid (NotifyAccess=main).
"""
import asyncio
import os
import signal
import unittest

from harness import Server, publish_all, receive_n, round_trip, subscribe
from systemd_env import NotifySocket, own_pid_launcher


def start(server):
    """Starts `server` without waiting for it to serve: READY=1 must be enough."""
    server.start()
    return server


class Notify(unittest.TestCase):
    def run_async(self, coroutine):
        return asyncio.run(asyncio.wait_for(coroutine, 60))

    def test_ready_only_once_serving_and_a_connection_right_after_is_served(self):
        with NotifySocket() as notify:
            server = Server(workers=2, env={"NOTIFY_SOCKET": notify.path})
            try:
                start(server)
                first = notify.wait_for(lambda n: True, 10, "first notification")
                ready = notify.wait_for(lambda n: n.get("READY") == "1", 20, "READY=1")
                # Nothing waited for but READY=1: no /status poll, no log line.
                self.assertEqual(self.run_async(round_trip(server, "systemd/ready", b"first")),
                                 [b"first"])
                print(f"\n  first: {first.text!r}\n  ready: {ready.text!r}")

                self.assertIsNone(first.get("READY"))
                self.assertTrue(first.get("STATUS", "").startswith("starting"), first)
                self.assertEqual({n.pid for n in notify.received}, {server.process.pid})
                self.assertRegex(ready.get("STATUS"), r"^serving: \d+ workers?, 0 subscribers")

                # In serve's stderr (one pipe for every process, so in order):
                # the acceptor accepted, a worker joined, then serve said ready.
                server.wait_for_log(r"a worker has joined: ready", 10)
                log = "".join(server.log_lines)
                accepting = log.index("accepting on fd")
                joined = log.index("worker joined")
                said_ready = log.index("a worker has joined: ready")
                self.assertLess(accepting, said_ready)
                self.assertLess(joined, said_ready)
            finally:
                server.__exit__(None, None, None)

    def test_status_counts_subscribers_reload_and_stopping_on_sigterm(self):
        with NotifySocket() as notify:
            with Server(workers=2, env={"NOTIFY_SOCKET": notify.path}) as server:
                notify.wait_for(lambda n: n.get("READY") == "1", 20, "READY=1")

                async def scenario():
                    subscribers = [await subscribe(server, f"systemd/status/{i}")
                                   for i in range(3)]
                    three = notify.wait_for(
                        lambda n: "3 subscribers" in (n.get("STATUS") or ""), 15,
                        "STATUS= with 3 subscribers")
                    publish_all(server, "systemd/status/0", [b"one", b"two"])
                    await receive_n(subscribers[0], 2, 10)
                    delivered = notify.wait_for(
                        lambda n: "2 delivered" in (n.get("STATUS") or ""), 15,
                        "STATUS= with 2 delivered")
                    for ws in subscribers:
                        await ws.close()
                    zero = notify.wait_for(
                        lambda n: "0 subscribers" in (n.get("STATUS") or ""), 15,
                        "STATUS= with 0 subscribers")
                    return three, delivered, zero

                three, delivered, zero = self.run_async(scenario())
                print(f"\n  {three.text!r}\n  {delivered.text!r}\n  {zero.text!r}")
                self.assertRegex(three.get("STATUS"), r"^serving: 2 workers, 3 subscribers, ")

                # systemctl reload: SIGHUP, forwarded to every child.
                server.process.send_signal(signal.SIGHUP)
                reloading = notify.wait_for(lambda n: n.get("RELOADING") == "1", 10,
                                            "RELOADING=1")
                reloaded = notify.wait_for(lambda n: n.get("READY") == "1", 10,
                                           "READY=1 after the reload")
                print(f"  {reloading.text!r}\n  {reloaded.text!r}")
                self.assertRegex(reloading.get("MONOTONIC_USEC"), r"^\d+$")
                server.wait_for_log(r"received SIGHUP", 10)

                server.process.send_signal(signal.SIGTERM)
                stopping = notify.wait_for(lambda n: n.get("STOPPING") == "1", 10,
                                           "STOPPING=1")
                self.assertEqual(server.process.wait(10), 0)
                print(f"  {stopping.text!r}")
                self.assertIn("Terminated", stopping.get("STATUS"))
                self.assertEqual({n.pid for n in notify.received}, {server.process.pid})

    def test_watchdog_pings_at_half_the_interval_from_serve_only(self):
        interval_s = 1.0
        with NotifySocket() as notify:
            server = Server(workers=1, launcher=own_pid_launcher("WATCHDOG_PID"),
                            env={"NOTIFY_SOCKET": notify.path,
                                 "WATCHDOG_USEC": str(int(interval_s * 1e6))})
            with server:
                pings = [notify.wait_for(lambda n: n.get("WATCHDOG") == "1", 5,
                                         f"WATCHDOG=1 number {i + 1}") for i in range(6)]
                gaps = [b.received_at - a.received_at for a, b in zip(pings, pings[1:])]
                print(f"\n  {len(pings)} pings, gaps {', '.join(f'{g:.3f}' for g in gaps)} s "
                      f"(WatchdogSec {interval_s} s)")
                self.assertEqual({p.pid for p in pings}, {server.process.pid})
                self.assertLess(max(gaps), interval_s)
                self.assertGreater(min(gaps), interval_s / 4)

    def test_no_watchdog_when_it_names_another_pid(self):
        with NotifySocket() as notify:
            env = {"NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "200000",
                   "WATCHDOG_PID": str(os.getpid())}
            with Server(workers=1, env=env):
                notify.wait_for(lambda n: n.get("READY") == "1", 20, "READY=1")
                # Pinging, serve would send 15 in these 1.5 s.
                with self.assertRaises(AssertionError):
                    notify.wait_for(lambda n: n.get("WATCHDOG") is not None, 1.5, "WATCHDOG=1")
                print(f"\n  {len(notify.received)} notifications, none with WATCHDOG=1")


if __name__ == "__main__":
    unittest.main()
