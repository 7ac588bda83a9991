"""How the CPU work of fanning out splits between the acceptor and the
workers with built-in TLS. Not a test: prints figures.

Starts `hookbot serve --workers 2` with a throwaway certificate, connects
SUBSCRIBERS wss:// subscribers to one topic, then publishes PUBLISHES bodies
of BODY bytes over one https:// connection and waits until every subscriber
has every message. The CPU time (utime+stime from /proc/<pid>/stat) each
server process spends during that burst is printed, and the acceptor's share.

    HOOKBOT_BIN_DIR=build/bin /usr/bin/python3 tests/process/tls_cpu_share.py \
        [--subscribers 1000] [--publishes 20] [--body 1024]
"""
import argparse
import asyncio
import os
import resource
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, subscribe  # noqa: E402
from tls_pki import TestPKI, serve_args  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def raise_fd_limit(needed):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, needed), hard))


async def measure(server, args):
    topic = "cpu/share"
    subscribers = []
    for start in range(0, args.subscribers, 50):
        batch = range(start, min(start + 50, args.subscribers))
        subscribers += await asyncio.gather(*(subscribe(server, topic) for _ in batch))
    per_worker = {}
    for ws in subscribers[:: max(1, len(subscribers) // 50)]:
        pid = server.worker_of(ws)
        per_worker[pid] = per_worker.get(pid, 0) + 1
    print(f"{len(subscribers)} subscribers connected (sampled spread over workers: {per_worker})")

    pids = {"acceptor": server.children("hookbot-acceptor")[0]}
    for i, pid in enumerate(server.worker_pids()):
        pids[f"worker {i}"] = pid
    body = os.urandom(args.body)
    received = [0] * len(subscribers)

    async def drain(i, ws):
        while received[i] < args.publishes:
            await ws.recv()
            received[i] += 1

    before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    started = time.monotonic()
    readers = [asyncio.create_task(drain(i, ws)) for i, ws in enumerate(subscribers)]
    publisher = server.publisher()
    loop = asyncio.get_running_loop()
    for _ in range(args.publishes):
        status, _reply = await loop.run_in_executor(None, publisher.publish, topic, body)
        assert status == 200, status
    await asyncio.wait_for(asyncio.gather(*readers), 300)
    elapsed = time.monotonic() - started
    after = {name: cpu_seconds(pid) for name, pid in pids.items()}
    publisher.close()

    used = {name: after[name] - before[name] for name in pids}
    workers = sum(v for name, v in used.items() if name != "acceptor")
    print(f"{args.publishes} publishes of {args.body} bytes to {len(subscribers)} subscribers "
          f"= {args.publishes * len(subscribers)} deliveries in {elapsed:.2f}s")
    for name, seconds in used.items():
        print(f"  {name:9} cpu {seconds * 1000:8.1f} ms")
    total = used["acceptor"] + workers
    share = used["acceptor"] / total if total else 0.0
    ratio = f"{workers / used['acceptor']:.1f}" if used["acceptor"] else "inf"
    print(f"  acceptor share {share:.1%}; workers : acceptor = {ratio} : 1 "
          f"(clock tick {1000 / TICKS:.0f} ms)")
    for ws in subscribers:
        await ws.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--publishes", type=int, default=20)
    parser.add_argument("--body", type=int, default=1024)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    raise_fd_limit(args.subscribers * 2 + 256)
    with tempfile.TemporaryDirectory(prefix="hookbot-cpu-") as folder:
        pki = TestPKI(folder)
        cert, key = pki.server_certificate("server")
        with Server(workers=args.workers, extra_args=serve_args(cert, key),
                    ssl_context=pki.client_context()) as server:
            asyncio.run(measure(server, args))


if __name__ == "__main__":
    main()
