"""A webhook receiver for tests, on loopback: it checks every signature and timestamp, processes each
delivery id once (the idempotency key), and can be told to fail or to be slow."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from chiso.api.webhooks import verify


class Receiver:
    def __init__(self, fail_first: int = 0, delay: float = 0.0):
        self.secret = ""
        self.fail_first = fail_first
        self.delay = delay
        self.received: list[dict] = []  # every request that reached us, in order
        self.processed: dict[str, dict] = {}  # delivery id -> body, once each
        self.refused: list[str] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):  # noqa: N802 (the http.server name)
                import time

                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if receiver.delay:
                    time.sleep(receiver.delay)
                why = verify(receiver.secret, self.headers.get("X-ChiSo-Timestamp"), body,
                             self.headers.get("X-ChiSo-Signature"))
                key = self.headers.get("X-ChiSo-Delivery")
                with receiver.lock:
                    receiver.received.append({"key": key, "event": self.headers.get("X-ChiSo-Event"), "ok": not why})
                    failing = receiver.fail_first > 0
                    if failing:
                        receiver.fail_first -= 1
                    elif why:
                        receiver.refused.append(why)
                    elif key not in receiver.processed:
                        receiver.processed[key] = json.loads(body)
                self.send_response(500 if failing else 401 if why else 200)
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/chiso-events"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
