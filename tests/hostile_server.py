#!/usr/bin/env python3
"""hostile_server.py: an Octopus stand-in that misbehaves on purpose, for the CLI's tests.

Usage: hostile_server.py PORTFILE MODE. Every request is answered the MODE way:
  500        HTTP 500 with a JSON ErrorMessage
  html       HTTP 200 with an HTML page (a proxy's login page)
  short      HTTP 200 with the two bytes "ok"
  echokey    HTTP 400 whose ErrorMessage repeats the X-Octopus-ApiKey it was sent
  escape     HTTP 500 whose ErrorMessage holds terminal escapes
  badversion HTTP 200 {"Version": "2024.1.99999999999"}
Writes the port it listens on (127.0.0.1, chosen by the OS) to PORTFILE once ready.
"""
import json
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from http_base import QuietHandler, serve  # noqa: E402


def main():
    portfile, mode = sys.argv[1:3]

    class Handler(QuietHandler):
        def do_GET(self):
            self.reply()

        def do_PUT(self):
            self.reply()

        def reply(self):
            key = self.headers.get("X-Octopus-ApiKey") or ""
            if mode == "500":
                self.answer(500, "application/json",
                            json.dumps({"ErrorMessage": "the database is gone"}))
            elif mode == "html":
                self.answer(200, "text/html",
                            "<html><body><form>Sign in to the proxy</form></body></html>")
            elif mode == "short":
                self.answer(200, "text/plain", "ok")
            elif mode == "echokey":
                self.answer(400, "application/json",
                            json.dumps({"ErrorMessage": "The API key %s is not valid." % key}))
            elif mode == "escape":
                self.answer(500, "application/json",
                            json.dumps({"ErrorMessage": "boom\x1b]0;pwned\x07\x1b[2J done"}))
            else:
                self.answer(200, "application/json",
                            json.dumps({"Version": "2024.1.99999999999"}))

    serve(Handler, portfile)


if __name__ == "__main__":
    main()
