"""The core path across real processes: publish → bus → websocket subscribers.

Starts `hookbot serve --workers 2`, connects subscribers that land on both
workers, and checks delivery, authorisation and recovery from a worker crash.
"""
import asyncio
import os
import random
import signal
import time
import unittest

import websockets

from harness import (Server, basic, bearer, publish_all, publish_while_receiving, receive_n,
                     subscribe, token, wait_for)


def bodies(count, seed):
    """Random bodies of 0..2 KiB with NUL bytes and invalid UTF-8 in them."""
    rng = random.Random(seed)
    return [bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 2048))) + b"\0\xff" +
            i.to_bytes(4, "big") for i in range(count)]


class CorePath(unittest.TestCase):
    def run_async(self, coroutine):
        return asyncio.run(asyncio.wait_for(coroutine, 120))

    def test_every_subscriber_on_both_workers_gets_every_message_in_order(self):
        async def scenario(server):
            subscribers = [await subscribe(server, "core/fanout") for _ in range(20)]
            other = await subscribe(server, "core/other")
            workers = {server.worker_of(ws) for ws in subscribers}
            self.assertEqual(len(workers), 2, f"subscribers on workers {workers}")
            self.assertNotIn(None, workers)

            messages = bodies(3000, seed=1)
            started = time.monotonic()
            received = await publish_while_receiving(server, "core/fanout", messages,
                                                     subscribers, 90)
            elapsed = time.monotonic() - started
            for got in received:
                self.assertTrue(all(isinstance(m, bytes) for m in got), "binary frames only")
                self.assertEqual(got, messages)
            print(f"\n  {len(messages)} messages x {len(subscribers)} subscribers on "
                  f"{len(workers)} workers in {elapsed:.2f}s")

            # Nothing published to core/fanout reached core/other.
            publish_all(server, "core/other", [b"only-other"])
            self.assertEqual(await receive_n(other, 1, 10), [b"only-other"])
            for ws in subscribers + [other]:
                await ws.close()

        with Server(workers=2) as server:
            self.run_async(scenario(server))

    def test_missing_or_wrong_token_gets_401(self):
        with Server(workers=2) as server:
            path = "/pub/core/auth"
            wrong = {"Authorization": "Bearer " + token(path, key="another-key")}
            other_path = bearer("/pub/core/other")
            for headers in ({}, wrong, other_path, {"Authorization": "Bearer "}):
                status, body, response = server.request("POST", path, b"x", headers)
                self.assertEqual(status, 401, headers)
                self.assertEqual(body, b"401 Unauthorized\n")
                self.assertEqual(response.getheader("WWW-Authenticate"), 'Basic realm="hookbot"')
            self.assertEqual(server.request("POST", path, b"x", basic(path))[:2], (200, b"OK\n"))

            async def subscribe_without_token():
                with self.assertRaises(websockets.exceptions.InvalidStatusCode) as refused:
                    await websockets.connect(server.ws_url("/sub/core/auth"))
                self.assertEqual(refused.exception.status_code, 401)
                with self.assertRaises(websockets.exceptions.InvalidStatusCode) as refused:
                    await websockets.connect(server.ws_url("/sub/core/auth"),
                                             extra_headers=bearer("/sub/core/other"))
                self.assertEqual(refused.exception.status_code, 401)
            self.run_async(subscribe_without_token())

    def test_killed_worker_costs_only_its_subscribers_and_is_replaced(self):
        async def scenario(server):
            subscribers = [await subscribe(server, "core/crash") for _ in range(10)]
            by_worker = {}
            for ws in subscribers:
                by_worker.setdefault(server.worker_of(ws), []).append(ws)
            self.assertEqual(len(by_worker), 2, f"subscribers on {list(by_worker)}")
            victim, survivor = sorted(by_worker)

            os.kill(victim, signal.SIGKILL)
            killed_at = time.monotonic()
            replacement = wait_for(
                lambda: [p for p in server.worker_pids() if p not in (victim, survivor)],
                2.0, "a replacement worker within 2 s")
            server.wait_worker_joined(replacement[0])
            print(f"\n  replacement worker {replacement[0]} running "
                  f"{time.monotonic() - killed_at:.2f}s after kill -9 of {victim}")

            messages = bodies(500, seed=2)
            received = await publish_while_receiving(server, "core/crash", messages,
                                                     by_worker[survivor], 60)
            for got in received:
                self.assertEqual(got, messages)
            for ws in by_worker[victim]:
                await asyncio.wait_for(ws.wait_closed(), 10)

            # The replacement takes new subscribers and delivers to them.
            newcomers = [await subscribe(server, "core/crash") for _ in range(6)]
            wait_for(lambda: server.connections_of(replacement[0]) > 0, 5,
                     "a new subscriber on the replacement worker")
            publish_all(server, "core/crash", [b"after"])
            for ws in newcomers + by_worker[survivor]:
                self.assertEqual(await receive_n(ws, 1, 10), [b"after"])
                await ws.close()

        with Server(workers=2) as server:
            self.run_async(scenario(server))


if __name__ == "__main__":
    unittest.main(verbosity=2)
