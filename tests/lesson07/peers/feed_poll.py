"""Python's standard http.client as a poller of 07-feed-server: short polls and a long poll on
one keep-alive connection, events published from other connections. Prints one
`PASS poll: ...` line and exits 0, or `FAIL poll: why` and exits 1.

    python3 feed_poll.py HOST PORT
"""

import http.client
import json
import sys
import threading

TIMEOUT = 10  # seconds, for every connect and read


def publish(host, port, text):
    conn = http.client.HTTPConnection(host, port, timeout=TIMEOUT)
    conn.request("POST", "/publish", body=text.encode("utf-8"),
                 headers={"Content-Type": "text/plain; charset=utf-8"})
    answer = conn.getresponse()
    body = answer.read()
    conn.close()
    if answer.status != 202:
        raise RuntimeError(f"publish answered {answer.status}: {body!r}")
    return json.loads(body)["id"]


def get_events(conn, target):
    conn.request("GET", target)
    answer = conn.getresponse()
    body = answer.read()  # the whole body (Content-Length): the connection can go on
    if answer.status != 200:
        raise RuntimeError(f"{target} answered {answer.status}: {body!r}")
    if answer.getheader("Connection", "").lower() != "keep-alive":
        raise RuntimeError(f"{target} did not keep the connection: {answer.getheaders()}")
    return json.loads(body)


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    conn = http.client.HTTPConnection(host, port, timeout=TIMEOUT)
    conn.connect()
    sock = conn.sock

    start = get_events(conn, "/events")  # the newest event, if any
    after = start[-1]["id"] if start else 0
    first = publish(host, port, "from python: short")
    events = get_events(conn, f"/events?after={after}")
    texts = [event["text"] for event in events]
    if "from python: short" not in texts or events[-1]["id"] != first:
        raise RuntimeError(f"the short poll missed the event: {events}")

    # A long poll, answered when another connection publishes (a timer thread, 0.3 s later).
    timer = threading.Timer(0.3, publish, (host, port, "from python: long"))
    timer.start()
    events = get_events(conn, f"/events?after={first}&wait=8")
    timer.join()
    if [event["text"] for event in events] != ["from python: long"]:
        raise RuntimeError(f"the long poll got {events}")

    if conn.sock is not sock:
        raise RuntimeError("http.client opened a new connection: keep-alive was not honoured")
    conn.close()
    print(f"PASS poll: 3 requests on one connection, events {first} and {events[0]['id']} received")


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # noqa: BLE001 - any failure is reported as a FAIL line
        print(f"FAIL poll: {error}")
        sys.exit(1)
