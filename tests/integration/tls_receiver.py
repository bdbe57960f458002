#!/usr/bin/env python3
"""An OTLP/HTTP receiver over TLS for check-tls.sh, made of Python's own ssl
and http.server (no libotel code): it answers every POST with 200 and an
empty body, and appends one JSON line per request to LOG: the path, the
body's size and the common name of the client certificate (mTLS), if any.

    tls_receiver.py PORT_FILE CERT KEY LOG [CLIENT_CA]

With CLIENT_CA, a client must present a certificate that CA signed.
PORT_FILE receives the port once the server listens.
"""
import http.server
import json
import os
import ssl
import sys


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        size = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(size)
        peer = self.connection.getpeercert() or {}
        names = [value for rdn in peer.get("subject", ()) for key, value in rdn if key == "commonName"]
        with open(LOG, "a", encoding="utf-8") as log:
            log.write(json.dumps({"path": self.path, "bytes": size,
                                  "client": names[0] if names else ""}) + "\n")
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


port_file, cert, key, LOG = sys.argv[1:5]
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
if len(sys.argv) > 5:
    context.verify_mode = ssl.CERT_REQUIRED
    context.load_verify_locations(sys.argv[5])
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.socket = context.wrap_socket(server.socket, server_side=True)
with open(port_file + ".tmp", "w", encoding="utf-8") as f:
    f.write(str(server.server_address[1]))
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
