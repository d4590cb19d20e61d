#!/usr/bin/env python3
"""What an idle SSE or WebSocket client costs 07-feed-server in memory (the README's number).

usage: python3 lessons/07-pull-push/idle_memory.py build/bin/07-feed-server [N [build/bin/05-chat-server]]

Starts the server on a free loopback port with --rate 0, opens N streams of one mode (N = 1000
by default; SSE: up to the `retry:` line; WebSocket: the 101 handshake), reads the server's
VmRSS from /proc before and after, and prints the growth per client; then the same for the
other mode on a fresh server. Given lesson 05's server too, the same for its WebSocket clients
(the baseline the lesson compares with, measured the same way). Linux only (/proc). Every socket has a 10 s timeout, and the
server is stopped (SIGTERM) on the way out, even after an error.
"""
import base64
import os
import socket
import subprocess
import sys
import time

server_bin = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
chat05_bin = sys.argv[3] if len(sys.argv) > 3 else None


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def read_until(sock, marker, limit=4096):
    data = b""
    while marker not in data:
        chunk = sock.recv(limit)
        if not chunk:
            raise RuntimeError("closed early: %r" % data)
        data += chunk
        if len(data) > limit:
            raise RuntimeError("too long: %r" % data[:200])
    return data


def open_sse(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(b"GET /sse HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
    data = read_until(s, b"retry: ")
    assert data.startswith(b"HTTP/1.1 200"), data[:100]
    return s


def open_ws(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    data = read_until(s, b"\r\n\r\n")
    assert data.startswith(b"HTTP/1.1 101"), data[:100]
    return s


def measure(opener, name, command=None):
    command = command or [server_bin, "--port", "0", "--rate", "0", "--quiet"]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()  # "listening on 127.0.0.1:PORT"
        port = int(line.rsplit(":", 1)[1])
        warm = [opener(port) for _ in range(10)]  # first-use allocations out of the way
        for s in warm:
            s.close()
        time.sleep(0.5)  # ok-sleep: let the server finish closing the warm-up connections
        before = rss_kib(server.pid)
        socks = [opener(port) for _ in range(n)]
        time.sleep(0.5)  # ok-sleep: the last heads are read; the server is idle
        after = rss_kib(server.pid)
        print(f"{name}: {n} idle clients: RSS {before} KiB -> {after} KiB, "
              f"{(after - before) * 1024 / n:.0f} bytes per client")
        for s in socks:
            s.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


measure(open_sse, "sse")
measure(open_ws, "ws")
if chat05_bin:
    measure(open_ws, "lesson05-ws", [chat05_bin, "--port", "0", "--quiet"])
