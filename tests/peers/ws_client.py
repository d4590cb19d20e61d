#!/usr/bin/python3
"""A real third-party WebSocket client: Python's `websockets` library (Debian's python3-websockets).

    /usr/bin/python3 ws_client.py ws://127.0.0.1:PORT/ws SCENARIO [--timeout SECONDS]

Connects to an echo server and runs one scenario against it:

    text        several text messages, non-ASCII UTF-8 included, echoed in order
    binary      one binary message holding all 256 byte values, echoed exactly
    large       a 1 MiB binary and a 1 MiB text message, echoed exactly
    fragmented  a text and a binary message sent as several fragments, each echoed as one message,
                and one with a ping between its fragments (answered, message still whole)
    ping        a ping with a payload; the pong carries the same payload
    close       a clean close 1000 with a reason; the server's close code is observed

Prints `PASS SCENARIO: what was checked` and exits 0, or `FAIL SCENARIO: why` and exits 1.
Every step is bounded by --timeout (whole scenario, default 10 s).
Run it with /usr/bin/python3: the pyenv python3 on PATH does not see Debian's modules.
"""

import argparse
import asyncio
import sys

import websockets

MIB = 1024 * 1024  # the size of the "large" messages
MAX_MESSAGE = 16 * MIB  # what we accept from the server (the library's default is 1 MiB)

TEXTS = [
    "hello",
    "second message",
    "grüße aus Köln",  # 2-byte UTF-8
    "日本語のテキスト",  # 3-byte UTF-8
    "emoji 🎉🚀",  # 4-byte UTF-8
    "",  # an empty message is a message too
    "<img src=x onerror=alert(1)>",
]


class Failure(Exception):
    """A scenario's check did not hold; the message says which."""


def describe(data):
    if isinstance(data, str):
        return f"text of {len(data.encode())} bytes starting {data[:40]!r}"
    return f"binary of {len(data)} bytes starting {data[:16].hex(' ')}"


def difference(sent, got):
    """Says where two messages first differ."""
    if type(sent) is not type(got):
        return f"sent {describe(sent)} but received {describe(got)}"
    index = next((i for i, (a, b) in enumerate(zip(sent, got)) if a != b), min(len(sent), len(got)))
    return (f"sent {describe(sent)} but received {describe(got)}; first difference at "
            f"{'character' if isinstance(sent, str) else 'byte'} {index}")


async def expect_echo(ws, sent, timeout):
    """Receives one message and checks it is `sent`, with the same type (text or binary)."""
    try:
        got = await asyncio.wait_for(ws.recv(), timeout)
    except asyncio.TimeoutError:
        raise Failure(f"no echo of {describe(sent)} within {timeout} s") from None
    if type(got) is not type(sent) or got != sent:
        raise Failure(difference(sent, got))


async def scenario_text(ws, timeout):
    for text in TEXTS:
        await ws.send(text)
    for text in TEXTS:
        await expect_echo(ws, text, timeout)
    return f"{len(TEXTS)} text messages (UTF-8 of 1 to 4 bytes a character) echoed in order"


async def scenario_binary(ws, timeout):
    data = bytes(range(256))
    await ws.send(data)
    await expect_echo(ws, data, timeout)
    return "256 bytes 00..ff echoed as one binary message"


def large_text():
    """Exactly 1 MiB of UTF-8 mixing 1-, 2-, 3- and 4-byte characters."""
    unit = "aé€🎉"  # 1 + 2 + 3 + 4 = 10 bytes
    text = unit * (MIB // 10)
    text += "x" * (MIB - len(text.encode()))
    assert len(text.encode()) == MIB
    return text


async def scenario_large(ws, timeout):
    data = bytes((i * 7 + 3) & 0xFF for i in range(MIB))
    await ws.send(data)
    await expect_echo(ws, data, timeout)
    text = large_text()
    await ws.send(text)
    await expect_echo(ws, text, timeout)
    return "1 MiB binary and 1 MiB text (1048576 UTF-8 bytes) echoed exactly"


async def scenario_fragmented(ws, timeout):
    # websockets sends an iterable as one message: the first item in a frame with its opcode,
    # the rest in continuation frames, FIN on the last.
    text_parts = ["frag", "mented ", "grüße ", "🎉"]
    await ws.send(text_parts)
    await expect_echo(ws, "".join(text_parts), timeout)
    binary_parts = [bytes([i]) * 100 for i in range(5)]
    await ws.send(binary_parts)
    await expect_echo(ws, b"".join(binary_parts), timeout)

    # RFC 6455 5.4: a control frame may come between the fragments of a message.
    pong = None

    async def with_ping_inside():
        nonlocal pong
        yield "before "
        pong = await ws.ping(b"mid-message")
        yield "after"
    await ws.send(with_ping_inside())
    await expect_echo(ws, "before after", timeout)
    try:
        await asyncio.wait_for(pong, timeout)
    except asyncio.TimeoutError:
        raise Failure("no pong for the ping sent between two fragments") from None
    return ("a text message in 4 fragments and a binary one in 5 each echoed as one message; "
            "a ping between fragments answered")


async def scenario_ping(ws, timeout):
    payload = b"ping-payload-42"
    # The waiter completes only when a pong carrying this same payload arrives.
    waiter = await ws.ping(payload)
    try:
        await asyncio.wait_for(waiter, timeout)
    except asyncio.TimeoutError:
        raise Failure(f"no pong with payload {payload!r} within {timeout} s") from None
    # The connection still carries messages after the ping.
    await ws.send("after ping")
    await expect_echo(ws, "after ping", timeout)
    return f"pong carried the ping's payload {payload!r}; messages still echoed"


async def scenario_close(ws, timeout):
    await ws.send("before close")
    await expect_echo(ws, "before close", timeout)
    await asyncio.wait_for(ws.close(1000, "bye"), timeout)
    if ws.close_code != 1000:
        raise Failure(f"expected the server's close code 1000, got {ws.close_code} ({ws.close_reason!r})")
    return f"closing handshake done: sent 1000 'bye', server answered {ws.close_code} {ws.close_reason!r}"


SCENARIOS = {
    "text": scenario_text,
    "binary": scenario_binary,
    "large": scenario_large,
    "fragmented": scenario_fragmented,
    "ping": scenario_ping,
    "close": scenario_close,
}


async def run(url, name, timeout):
    async with websockets.connect(url, max_size=MAX_MESSAGE, open_timeout=timeout,
                                  close_timeout=timeout, ping_interval=None) as ws:
        detail = await SCENARIOS[name](ws, timeout)
        if name != "close":
            await asyncio.wait_for(ws.close(), timeout)
        return detail


def main():
    parser = argparse.ArgumentParser(description="Python websockets client for echo scenarios")
    parser.add_argument("url")
    parser.add_argument("scenario", choices=sorted(SCENARIOS))
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds for the whole scenario")
    args = parser.parse_args()
    try:
        detail = asyncio.run(asyncio.wait_for(run(args.url, args.scenario, args.timeout), args.timeout))
    except Failure as failure:
        print(f"FAIL {args.scenario}: {failure}", flush=True)
        return 1
    except asyncio.TimeoutError:
        print(f"FAIL {args.scenario}: did not finish within {args.timeout} s", flush=True)
        return 1
    except (OSError, websockets.WebSocketException) as error:
        print(f"FAIL {args.scenario}: {type(error).__name__}: {error}", flush=True)
        return 1
    print(f"PASS {args.scenario}: {detail}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
