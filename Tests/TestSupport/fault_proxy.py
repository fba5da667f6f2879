"""An HTTP proxy that injects faults between Lockmaster and a real registry, for tests.

Usage: fault_proxy.py PORT UPSTREAM_PORT RATE SEED STATS_FILE
Each request is, with probability RATE, answered by a fault instead of (or after) the registry:
reset (mid-request for uploads), 500, 502, 503, 429 with Retry-After, a stall past the client's
timeout, or a truncated answer. Counts of faults are written to STATS_FILE as JSON after each one.
"""
import http.client, http.server, json, random, socket, struct, sys, threading, time

port, upstream, rate, seed, stats_file = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
rng = random.Random(seed)
lock = threading.Lock()
stats = {"requests": 0, "faults": 0}
FAULTS = ["reset", "500", "502", "503", "429", "stall", "truncate"]
WEIGHTS = [3, 2, 2, 2, 1, 1, 3]


def count(fault):
    with lock:
        stats["faults"] += 1
        stats[fault] = stats.get(fault, 0) + 1
        json.dump(stats, open(stats_file, "w"))


class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reset(self):
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def handle_any(self):
        with lock:
            stats["requests"] += 1
            fault = rng.choices(FAULTS, WEIGHTS)[0] if rng.random() < rate else None
        length = int(self.headers.get("Content-Length") or 0)
        if fault == "reset":
            count(fault)
            self.rfile.read(length // 2)  # mid-body for uploads
            return self.reset()
        body = self.rfile.read(length) if length else b""
        if fault in ("500", "502", "503", "429"):
            count(fault)
            payload = json.dumps({"errors": [{"code": "UNAVAILABLE", "message": "injected " + fault}]}).encode()
            self.send_response(int(fault))
            if fault == "429":
                self.send_header("Retry-After", "1")
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            return
        if fault == "stall":
            count(fault)
            time.sleep(3)
            return self.reset()
        connection = http.client.HTTPConnection("127.0.0.1", upstream, timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "keep-alive", "transfer-encoding")}
        connection.request(self.command, self.path, body=body if body or length else None, headers=headers)
        response = connection.getresponse()
        data = response.read()
        connection.close()
        self.send_response(response.status)
        for key, value in response.getheaders():
            if key.lower() not in ("connection", "keep-alive", "transfer-encoding", "content-length"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if fault == "truncate" and self.command != "HEAD" and len(data) > 1:
            count(fault)
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            return self.reset()
        if fault == "truncate":
            count(fault)
            return self.reset()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_HEAD = do_PUT = do_POST = do_PATCH = do_DELETE = handle_any


json.dump(stats, open(stats_file, "w"))
server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Proxy)
server.daemon_threads = True
server.serve_forever()
