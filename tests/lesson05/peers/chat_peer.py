#!/usr/bin/python3
"""A chat peer on Python's `websockets` (Debian's python3-websockets), for 05-chat-server.

    /usr/bin/python3 chat_peer.py ws://127.0.0.1:PORT/ws NAME OTHER COUNT [--timeout SECONDS]

Takes the name NAME, waits until OTHER is in the room, sends COUNT messages "NAME K <payload>"
(the payload holds non-ASCII text and markup), and waits until it has received all COUNT of its
own and all COUNT of OTHER's, each sender's in order and with the text verbatim. Then it closes
with 1000. Prints `PASS chat: ...` and exits 0, or `FAIL chat: why` and exits 1.
"""

import argparse
import asyncio
import json
import sys

import websockets

PAYLOAD = 'grüße 日本 🎉 <img src=x onerror=alert(1)> "q" \\ end'


async def chat(url, name, other, count):
    async with websockets.connect(url, max_size=1 << 20) as ws:
        hello = json.loads(await ws.recv())
        if hello.get("type") != "hello":
            raise AssertionError(f"first event is not a hello: {hello}")
        await ws.send(json.dumps({"type": "nick", "name": name}))
        present = other in hello["users"]
        renamed = False
        sent = False
        got = {name: 0, other: 0}
        while got[name] < count or got[other] < count:
            event = json.loads(await ws.recv())
            kind = event.get("type")
            if kind == "rename" and event["to"] == name:
                renamed = True
            if kind == "rename" and event["to"] == other:
                present = True
            if kind == "error":
                raise AssertionError(f"server error: {event['text']}")
            if kind == "message" and event["from"] in got:
                sender = event["from"]
                expected = f"{sender} {got[sender]} {PAYLOAD}"
                if event["text"] != expected:
                    raise AssertionError(f"expected {expected!r}, got {event['text']!r}")
                got[sender] += 1
            if renamed and present and not sent:
                sent = True
                for k in range(count):
                    await ws.send(f"{name} {k} {PAYLOAD}")  # plain text: a chat message as it stands
        await ws.close(1000, "done")
        return got


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("name")
    parser.add_argument("other")
    parser.add_argument("count", type=int)
    parser.add_argument("--timeout", type=float, default=20)
    args = parser.parse_args()
    try:
        got = asyncio.run(asyncio.wait_for(chat(args.url, args.name, args.other, args.count), args.timeout))
    except Exception as error:  # noqa: BLE001 - every failure is reported as the one FAIL line
        print(f"FAIL chat: {type(error).__name__}: {error}", flush=True)
        return 1
    print(f"PASS chat: received {got[args.name]} own and {got[args.other]} from {args.other}, in order", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
