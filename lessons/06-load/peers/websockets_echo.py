"""Echo over WebSocket with Python's websockets (10.x), as its "Getting started" page writes it:
one coroutine per connection, `async for message in websocket`, send it back.

    python3 websockets_echo.py --port 0   # then: 06-loadgen echo ws://127.0.0.1:PORT/ws
"""

import argparse
import asyncio

import websockets


async def echo(websocket):
    async for message in websocket:
        await websocket.send(message)


async def main(host, port):
    async with websockets.serve(echo, host, port) as server:
        print("listening on %s:%d" % server.sockets[0].getsockname()[:2], flush=True)
        await asyncio.Future()  # run forever


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="websockets echo server (any path)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 = any free port")
    args = parser.parse_args()
    try:
        asyncio.run(main(args.host, args.port))
    except KeyboardInterrupt:
        pass
