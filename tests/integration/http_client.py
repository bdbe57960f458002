#!/usr/bin/env python3
"""Python's standard HTTP client against the services, as requests and urllib3 use it.

  http_client.py head PORT PATH...
      On one kept-alive connection, HEAD then GET for each path; prints per path
      "HEAD-status HEAD-Content-Length HEAD-body-bytes GET-status GET-body-bytes
      same-headers", where same-headers says whether HEAD's headers (but Date and
      X-Trace-Id) were GET's. A body sent after a HEAD would break the GET after it.
  http_client.py post-before-read PORT PATH BYTES [chunked]
      Writes a body of BYTES spaces whole before it reads; prints the status and body.
  http_client.py stuck-listener 0
      Listens on a free port of 127.0.0.1 and prints it, with its accept queue
      full and never served, so that a new connection hangs in connect (its SYN
      is dropped); until killed.
"""
import http.client
import socket
import sys
import time

VARYING = {"date", "x-trace-id"}


def headers_of(response):
    return sorted((k.lower(), v) for k, v in response.getheaders() if k.lower() not in VARYING)


def head(port, paths):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for path in paths:
        conn.request("HEAD", path)
        h = conn.getresponse()
        h_body = h.read()
        conn.request("GET", path)
        g = conn.getresponse()
        g_body = g.read()
        same = headers_of(h) == headers_of(g)
        print(h.status, h.getheader("Content-Length"), len(h_body), g.status, len(g_body),
              "same" if same else "differ")


def post_before_read(port, path, size, chunked):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json"}
    if chunked:
        piece = b" " * 65536
        body = (piece for _ in range(size // len(piece)))
        conn.request("POST", path, body=body, headers=headers, encode_chunked=True)
    else:
        conn.request("POST", path, body=b" " * size, headers=headers)
    r = conn.getresponse()
    print(r.status, r.read().decode())


def stuck_listener():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(3):  # the queue holds one; the others' SYNs wait too
        c = socket.socket()
        c.setblocking(False)
        try:
            c.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        fillers.append(c)
    print(port, flush=True)
    while True:
        time.sleep(60)


def main():
    cmd, port = sys.argv[1], int(sys.argv[2])
    try:
        if cmd == "stuck-listener":
            stuck_listener()
        elif cmd == "head":
            head(port, sys.argv[3:])
        else:
            post_before_read(port, sys.argv[3], int(sys.argv[4]), sys.argv[5:] == ["chunked"])
    except OSError as e:  # a reset or a broken pipe: what the client would meet
        print("error", type(e).__name__)


main()
