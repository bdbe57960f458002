#!/usr/bin/env python3
"""Creates articles at a steady pace and reports how fast each create was answered.

  create_load.py SECONDS RATE IDS_FILE PORT...
      For SECONDS, one thread per PORT (articles processes on 127.0.0.1), each on
      one kept-alive connection, creates RATE articles a second; writes the id of
      every article created (201) to IDS_FILE, one per line, and prints one JSON
      line: {"created", "failed", "p50_ms", "p99_ms", "max_ms"}.
"""
import http.client
import json
import sys
import threading
import time


def run(port, seconds, rate, ids, latencies, failures, lock):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = json.dumps({"title": "steady", "body": "x"})
    start = time.monotonic()
    n = 0
    while time.monotonic() - start < seconds:
        due = start + n / rate
        n += 1
        wait = due - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        t0 = time.monotonic()
        try:
            conn.request("POST", "/api/articles", body, {"Content-Type": "application/json"})
            r = conn.getresponse()
            answer = r.read()
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            with lock:
                failures.append(port)
            continue
        ms = (time.monotonic() - t0) * 1000
        with lock:
            if r.status == 201:
                ids.append(json.loads(answer)["id"])
                latencies.append(ms)
            else:
                failures.append(r.status)


def main():
    seconds, rate, ids_file = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
    ports = [int(p) for p in sys.argv[4:]]
    ids, latencies, failures, lock = [], [], [], threading.Lock()
    threads = [threading.Thread(target=run, args=(p, seconds, rate, ids, latencies, failures, lock))
               for p in ports]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with open(ids_file, "w") as f:
        f.writelines(f"{i}\n" for i in ids)
    latencies.sort()
    pick = lambda q: round(latencies[min(len(latencies) - 1, int(q * len(latencies)))], 2) if latencies else None
    print(json.dumps({"created": len(ids), "failed": len(failures), "p50_ms": pick(0.5),
                      "p99_ms": pick(0.99), "max_ms": round(latencies[-1], 2) if latencies else None}))


if __name__ == "__main__":
    main()
