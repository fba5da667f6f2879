#!/usr/bin/env python3
"""A loopback HTTP server that records every request it receives (method, path, headers) as one
JSON line, for the hostile-branch tests. Modes:
  record         answer 404 to everything (a listener nothing should reach)
  redirect URL   a registry that asks for Basic credentials, then redirects every read to URL
  link-cycle     a registry whose tag list's Link header points back at itself
  http-realm URL a registry whose Bearer token realm is URL (plain http, another host)
  endless-tags   a registry whose tag list always has one more page
  big-manifest   a registry with tag 0.1.0 whose manifest is 5 MiB
"""
import json, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, log, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3]
target = sys.argv[4] if len(sys.argv) > 4 else ""


class Handler(BaseHTTPRequestHandler):
    def handle_one(self):
        with open(log, "a") as out:
            out.write(json.dumps({"method": self.command, "path": self.path, "headers": dict(self.headers)}) + "\n")
        if mode == "redirect":
            if "Authorization" not in self.headers:
                return self.answer(401, {"WWW-Authenticate": 'Basic realm="canary"'})
            return self.answer(307, {"Location": target})
        if mode == "link-cycle" and "/tags/list" in self.path:
            return self.answer(200, {"Content-Type": "application/json", "Link": '<%s>; rel="next"' % self.path}, b'{"tags":["0.1.0"]}')
        if mode == "endless-tags" and "/tags/list" in self.path:
            page = int(self.path.rsplit("last=", 1)[1]) + 1 if "last=" in self.path else 1
            next_page = "/v2/p/tags/list?n=1000&last=%d" % page
            return self.answer(200, {"Content-Type": "application/json", "Link": '<%s>; rel="next"' % next_page}, b'{"tags":["0.1.%d"]}' % page)
        if mode == "big-manifest":
            if "/tags/list" in self.path:
                return self.answer(200, {"Content-Type": "application/json"}, b'{"tags":["0.1.0"]}')
            if "/manifests/" in self.path:
                return self.answer(200, {"Content-Type": "application/vnd.oci.image.manifest.v1+json"}, b" " * (5 << 20))
        if mode == "http-realm":
            return self.answer(401, {"WWW-Authenticate": 'Bearer realm="%s",service="canary"' % target})
        self.answer(404, {})

    def answer(self, status, headers, body=b""):
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_HEAD = do_PUT = do_POST = do_PATCH = handle_one

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
