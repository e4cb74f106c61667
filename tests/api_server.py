#!/usr/bin/env python3
"""api_server.py: a tiny stand-in for an Octopus server's GET /api, for the CLI's tests.

Answers GET /api with 200 {"Version": ...} only when X-Octopus-ApiKey matches the key in
KEYFILE, 401 otherwise; writes the port it listens on (127.0.0.1, chosen by the OS) to
PORTFILE once it is ready.
"""
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer


def main():
    portfile, version, keyfile = sys.argv[1:4]
    with open(keyfile) as f:
        key = f.read().strip()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path.rstrip("/") != "/api":
                self.answer(404, {"ErrorMessage": "not found"})
            elif self.headers.get("X-Octopus-ApiKey") != key:
                self.answer(401, {"ErrorMessage": "You must be logged in to perform this action."})
            else:
                self.answer(200, {"Application": "Octopus Deploy", "Version": version,
                                  "ApiVersion": "3.0.0"})

        def answer(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    with open(portfile + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(portfile + ".tmp", portfile)
    server.serve_forever()


if __name__ == "__main__":
    main()
