"""A peer impostor for the tests: answers every sync request itself, with
well-formed JSON but no replica's signature (the proxy of issue 14 that
said "pushed: 1" for operations the real peer never got)."""
import http.server
import json
import signal

# The test runner starts children with SIGTERM blocked: unblock it, or
# ServerProcess.stop() would wait forever.
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path == "/v1/sync":
            body = {"cursor": 0, "more": False, "ops": [], "vector": {}}
        else:
            body = {"accepted": 1, "results": [{"code": "accepted", "index": 0}]}
        data = json.dumps(body, separators=(",", ":"), sort_keys=True).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
server.serve_forever()
