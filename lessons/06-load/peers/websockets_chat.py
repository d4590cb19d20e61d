"""A broadcast chat with Python's websockets (10.x), as its "Broadcasting messages" guide
writes it: a set of connections, each message relayed to all of them (the sender too) with
websockets.broadcast(), which writes to every connection without waiting for any. No greeting:
06-loadgen joins with --join probe.

    python3 websockets_chat.py --port 0   # then: 06-loadgen broadcast ws://127.0.0.1:PORT/ws --join probe
"""

import argparse
import asyncio

import websockets

CONNECTIONS = set()


async def handler(websocket):
    CONNECTIONS.add(websocket)
    try:
        async for message in websocket:
            websockets.broadcast(CONNECTIONS, message)
    finally:
        CONNECTIONS.remove(websocket)


async def main(host, port):
    async with websockets.serve(handler, host, port) as server:
        print("listening on %s:%d" % server.sockets[0].getsockname()[:2], flush=True)
        await asyncio.Future()  # run forever


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="websockets broadcast chat (any path)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 = any free port")
    args = parser.parse_args()
    try:
        asyncio.run(main(args.host, args.port))
    except KeyboardInterrupt:
        pass
