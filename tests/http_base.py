"""http_base.py: what the tests' stand-in HTTP servers share (imported, not run).

QuietHandler answers with a body and its length and logs nothing; serve() listens on
127.0.0.1 on a port the OS chooses and writes that port to PORTFILE once it is ready (by
rename, so a reader never sees half a number).
"""
import os
from http.server import BaseHTTPRequestHandler, HTTPServer


class QuietHandler(BaseHTTPRequestHandler):
    def answer(self, status, ctype, text):
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def serve(handler, portfile):
    server = HTTPServer(("127.0.0.1", 0), handler)
    with open(portfile + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(portfile + ".tmp", portfile)
    server.serve_forever()
