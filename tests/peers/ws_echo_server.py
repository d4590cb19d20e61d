#!/usr/bin/python3
"""A real third-party WebSocket echo server: Python's `websockets` library (python3-websockets).

    /usr/bin/python3 ws_echo_server.py [--port PORT] [--max-message BYTES] [--page FILE]
                                       [--corrupt] [--refuse-upgrades]

Binds 127.0.0.1 (port 0 = any free port, the default) and prints `listening on 127.0.0.1:PORT`
as its first stdout line. Any WebSocket upgrade, on any path, is accepted and every message is
echoed with its type (text as text, binary as binary). Pings are answered by the library.

A plain `GET /` (no upgrade) returns pages/echo_page.html (or --page FILE), a small page that
follows the lesson 04 page contract (#status, #message, #send, #log with .received), so the
browser peer can be checked without any lesson binary.

--corrupt makes it a broken server on purpose, for the self-tests that prove the peers notice:
text comes back reversed, binary with its first byte inverted. --refuse-upgrades answers every
WebSocket handshake with 403 Forbidden, for clients' handshake-failure tests.

One stdout line per event, for tests that want to see what arrived:
    open PATH | text N | binary N | close CODE REASON | refused PATH
(N is the message's length in bytes; a close line is printed once the handshake is done.)
SIGTERM or SIGINT: closes every connection (1001) and exits 0.
"""

import argparse
import asyncio
import functools
import http
import pathlib
import signal
import sys

import websockets

PAGE = pathlib.Path(__file__).parent / "pages" / "echo_page.html"


def say(line):
    print(line, flush=True)


def corrupted(message):
    if isinstance(message, str):
        return message[::-1]
    return bytes([message[0] ^ 0xFF]) + message[1:] if message else message


async def echo(ws, corrupt):
    say(f"open {ws.path}")
    try:
        async for message in ws:
            kind = "text" if isinstance(message, str) else "binary"
            size = len(message.encode()) if kind == "text" else len(message)
            say(f"{kind} {size}")
            await ws.send(corrupted(message) if corrupt else message)
    except websockets.ConnectionClosedError:
        pass  # the peer broke the protocol or vanished; the close line below says how
    # websockets answered the peer's close frame for us (same code and reason).
    await ws.wait_closed()
    say(f"close {ws.close_code} {ws.close_reason}")


def page_server(page, refuse_upgrades):
    """A process_request hook: answers plain HTTP requests, lets WebSocket upgrades through."""
    def serve(path, request_headers):
        if request_headers.get("Upgrade", "").lower() == "websocket":
            if refuse_upgrades:
                say(f"refused {path}")
                return http.HTTPStatus.FORBIDDEN, [("Content-Type", "text/plain")], b"upgrade refused\n"
            return None
        if path == "/":
            body = page.read_bytes()
            return http.HTTPStatus.OK, [("Content-Type", "text/html; charset=utf-8")], body
        return http.HTTPStatus.NOT_FOUND, [("Content-Type", "text/plain")], b"not found\n"
    return serve


async def main_async(args):
    stop = asyncio.get_running_loop().create_future()
    for signum in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(signum, stop.set_result, None)
    handler = functools.partial(echo, corrupt=args.corrupt)
    async with websockets.serve(handler, "127.0.0.1", args.port, max_size=args.max_message,
                                process_request=page_server(args.page, args.refuse_upgrades), ping_interval=None,
                                close_timeout=2) as server:
        bound = server.sockets[0].getsockname()[1]
        say(f"listening on 127.0.0.1:{bound}")
        await stop
    # Leaving the block closed the server: every connection got a 1001 close.
    return 0


def main():
    parser = argparse.ArgumentParser(description="Python websockets echo server")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--max-message", type=int, default=16 * 1024 * 1024,
                        help="largest message accepted, in bytes (default 16 MiB)")
    parser.add_argument("--page", type=pathlib.Path, default=PAGE, help="the HTML served at GET /")
    parser.add_argument("--corrupt", action="store_true", help="echo wrong data on purpose")
    parser.add_argument("--refuse-upgrades", action="store_true", help="answer handshakes with 403")
    args = parser.parse_args()
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
