"""A reverse proxy on loopback that admits only requests bearing its token, as nginx would in front of
`chroma run` (README, Security); with no token it admits all. It records every request, so a test can
see what a client really sent (to Chroma, or the prompt sent to an LLM server)."""

from __future__ import annotations

import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "content-length", "host"}


class TokenProxy:
    """`with TokenProxy(upstream, token) as proxy:` serves proxy.url until the block ends."""

    def __init__(self, upstream: str, token: str | None) -> None:
        self.upstream = urlparse(upstream)
        self.token = token
        self.requests: list[tuple[str, str, bytes, bool]] = []  # method, path, body, admitted
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def __enter__(self) -> "TokenProxy":
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self):
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def relay(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                admitted = proxy.token is None or self.headers.get("Authorization") == f"Bearer {proxy.token}"
                proxy.requests.append((self.command, self.path, body, admitted))
                if not admitted:
                    return self.reply(401, b'{"detail": "missing or wrong bearer token"}', [])
                upstream = http.client.HTTPConnection(proxy.upstream.hostname, proxy.upstream.port, timeout=120)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP | {"authorization"}}
                upstream.request(self.command, self.path, body=body or None, headers=headers)
                response = upstream.getresponse()
                self.reply(response.status, response.read(), response.getheaders())  # streams arrive whole
                upstream.close()

            def reply(self, status: int, body: bytes, headers: list[tuple[str, str]]) -> None:
                self.send_response(status)
                kept = [(k, v) for k, v in headers if k.lower() not in HOP_BY_HOP]
                for key, value in kept or [("Content-Type", "application/json")]:
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = relay

            def log_message(self, *args) -> None:
                pass

        return Handler
