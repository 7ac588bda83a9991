#!/usr/bin/python3
"""Prints every message of a hookbot subscription, one per line.

    /usr/bin/python3 scripts/listen.py ws://TOKEN@127.0.0.1:8080/sub/topic

The token travels as the URL's user name, as hookbot's printed URLs carry it
(Basic authorization with an empty password). Needs Debian's python3-websockets.
"""
import asyncio
import base64
import sys
import urllib.parse

import websockets


async def listen(url):
    parts = urllib.parse.urlsplit(url)
    headers = {}
    if parts.username:
        credentials = base64.b64encode(f"{parts.username}:".encode()).decode()
        headers["Authorization"] = "Basic " + credentials
        parts = parts._replace(netloc=parts.netloc.rsplit("@", 1)[1])
    async with websockets.connect(urllib.parse.urlunsplit(parts), extra_headers=headers,
                                  max_size=None) as ws:
        print(f"subscribed to {parts.path}", file=sys.stderr, flush=True)
        async for message in ws:
            if isinstance(message, bytes):
                message = message.decode("utf-8", "backslashreplace")
            print(message, flush=True)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: listen.py ws://TOKEN@HOST:PORT/sub/TOPIC")
    try:
        asyncio.run(listen(sys.argv[1]))
    except KeyboardInterrupt:
        pass
