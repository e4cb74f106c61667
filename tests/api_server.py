#!/usr/bin/env python3
"""api_server.py: a tiny stand-in for an Octopus server's GET /api, for the CLI's tests.

Answers GET /api with 200 {"Version": ...} only when X-Octopus-ApiKey matches the key in
KEYFILE, 401 otherwise; writes the port it listens on (127.0.0.1, chosen by the OS) to
PORTFILE once it is ready.
"""
import json
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from http_base import QuietHandler, serve  # noqa: E402


def main():
    portfile, version, keyfile = sys.argv[1:4]
    with open(keyfile) as f:
        key = f.read().strip()

    class Handler(QuietHandler):
        def do_GET(self):
            if self.path.rstrip("/") != "/api":
                self.answer_json(404, {"ErrorMessage": "not found"})
            elif self.headers.get("X-Octopus-ApiKey") != key:
                self.answer_json(401, {"ErrorMessage":
                                       "You must be logged in to perform this action."})
            else:
                self.answer_json(200, {"Application": "Octopus Deploy", "Version": version,
                                       "ApiVersion": "3.0.0"})

        def answer_json(self, status, body):
            self.answer(status, "application/json", json.dumps(body))

    serve(Handler, portfile)


if __name__ == "__main__":
    main()
