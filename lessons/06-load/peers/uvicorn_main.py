"""Runs an ASGI app (FastAPI) on uvicorn the way uvicorn.run() does, one process, its defaults,
with two additions for scripts: --port 0 picks a free port, and the first line on stdout is
`listening on HOST:PORT` once uvicorn accepts connections (tests wait for it, never sleep)."""

import argparse
import socket

import uvicorn


class AnnouncingServer(uvicorn.Server):
    """uvicorn.Server that says where it listens once its sockets are open."""

    def __init__(self, config, sock):
        super().__init__(config)
        self.sock = sock

    async def startup(self, sockets=None):
        await super().startup(sockets=sockets)
        host, port = self.sock.getsockname()[:2]
        print(f"listening on {host}:{port}", flush=True)


def main(app, description):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000, help="0 = any free port")
    args = parser.parse_args()
    # We bind the socket ourselves, so that port 0 gets a real port we can print.
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    server = AnnouncingServer(uvicorn.Config(app), sock)
    server.run(sockets=[sock])
