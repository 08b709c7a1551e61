"""What the web server refuses before Gradio sees the request."""

from __future__ import annotations

import ipaddress
import math
import re
import time
from collections import deque
from pathlib import Path
from urllib.parse import unquote

# /gradio_api/file=http://... (and the older /file/http://...) makes Gradio fetch that URL itself
# and stream it back: a proxy for anyone who can reach the chat; /proxy=... is Gradio's relay for
# Spaces. The chat needs neither, so a scheme in any file route, and the relay, are refused, with or
# without the /gradio_api prefix.
_REMOTE_FILE = re.compile(r"/(?:file[=/]\s*[a-z][a-z0-9+.-]*:|proxy=)", re.IGNORECASE)


# Gradio's upload route stores whatever is posted and serves it back to whoever names its path;
# a read-only server has no use for it (uploads are what read-only turns off).
_UPLOAD = re.compile(r"/upload(?:_progress)?/?$")
# The routes that name an event handler: /gradio_api/call/NAME (and call/v2, run, api). Gradio answers
# an unknown NAME with a 500 and a traceback in the log, not a 404.
_ENDPOINT = re.compile(r"/gradio_api/(?:call/(?:v2/)?|run/|api/)([^/]*)")
_LOGIN = re.compile(r"/login/?$")
MAX_FAILURES = 5  # logins one client may get wrong within WINDOW_S; then every try is refused
WINDOW_S = 60.0  # until its oldest failure is this old (so at most 5 guesses a minute)


async def refuse(send, status: int, text: str, headers: tuple[tuple[bytes, bytes], ...] = ()) -> None:
    """Answer a request with `status` and one plain line, without passing it to Gradio."""
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), *headers]})
    await send({"type": "http.response.body", "body": text.encode()})


def _path(scope) -> str:
    return scope.get("path", "") if scope["type"] == "http" else ""


class RefuseRemoteFiles:
    """ASGI middleware: 403 for file routes that name a URL instead of a path."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if _REMOTE_FILE.search(unquote(unquote(_path(scope)))):
            await refuse(send, 403, "File not allowed.")
            return
        await self.app(scope, receive, send)


class RefuseUploads:
    """ASGI middleware for a read-only server: 403 for the upload routes; nothing is stored."""

    def __init__(self, app, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send) -> None:
        if _UPLOAD.search(_path(scope)):
            await _discard_body(receive, self.limit)
            await refuse(send, 403, "This server is read-only: it takes no uploads.")
            return
        await self.app(scope, receive, send)


async def _discard_body(receive, limit: int) -> None:
    """Read and drop a request body of up to `limit` bytes (the upload size limit): a client still
    sending when the answer comes sees a broken connection, not the 403 that says why."""
    seen = 0
    while seen <= limit:
        message = await receive()
        if message["type"] != "http.request":
            return
        seen += len(message.get("body", b""))
        if not message.get("more_body"):
            return


class KnownEndpoints:
    """ASGI middleware: 404 for a call to an endpoint name the app does not have."""

    def __init__(self, app, names: frozenset[str]) -> None:
        self.app, self.names = app, names

    async def __call__(self, scope, receive, send) -> None:
        called = _ENDPOINT.search(_path(scope))
        if called and unquote(called[1]) not in self.names:
            await refuse(send, 404, f"No endpoint named {unquote(called[1])!r}; GET /gradio_api/info lists them.")
            return
        await self.app(scope, receive, send)


class LoginLimit:
    """ASGI middleware: at most MAX_FAILURES wrong logins per client in WINDOW_S; beyond that every
    login from that client, right or wrong, gets 429 until the oldest failure is WINDOW_S old."""

    def __init__(self, app) -> None:
        self.app = app
        self.failures: dict[str, deque[float]] = {}  # client -> times of its recent tries

    async def __call__(self, scope, receive, send) -> None:
        if not (_LOGIN.search(_path(scope)) and scope.get("method") == "POST"):
            await self.app(scope, receive, send)
            return
        client, now = _client(scope), time.monotonic()
        tries = self._recent(client, now)
        if len(tries) >= MAX_FAILURES:
            wait = max(1, math.ceil(tries[0] + WINDOW_S - now))
            await refuse(send, 429, f"Too many failed logins; try again in {wait} s.",
                         ((b"retry-after", str(wait).encode()),))
            return
        tries.append(now)  # counted before Gradio answers, so a burst sent at once is counted whole
        answered: list[int] = []

        async def watch(message) -> None:
            if message["type"] == "http.response.start":
                answered.append(message["status"])
            await send(message)

        await self.app(scope, receive, watch)
        if answered and answered[0] == 200:  # logged in: earlier typos no longer count
            self.failures.pop(client, None)

    def _recent(self, client: str, now: float) -> deque[float]:
        if len(self.failures) > 10_000:  # forget clients whose failures have all aged out
            self.failures = {c: t for c, t in self.failures.items() if t and now - t[-1] < WINDOW_S}
        tries = self.failures.setdefault(client, deque())
        while tries and now - tries[0] >= WINDOW_S:
            tries.popleft()
        return tries


def _client(scope) -> str:
    """Who is trying: the client address, an IPv6 one by its /64 (one machine's usual share)."""
    host = (scope.get("client") or ("?", 0))[0]
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    return str(ipaddress.ip_network(f"{address}/64", strict=False)) if address.version == 6 else host


def forget_uploaded_copies(paths: list[Path]) -> None:
    """Delete Gradio's own copies of uploaded files once we have kept ours: files in its upload
    folder can be fetched by anyone who can name them, another session included."""
    from gradio.utils import get_upload_folder

    folder = Path(get_upload_folder()).resolve()
    for path in paths:
        resolved = path.resolve()
        if folder in resolved.parents:  # never anything outside Gradio's folder, whatever a client sent
            resolved.unlink(missing_ok=True)
            if resolved.parent != folder and not any(resolved.parent.iterdir()):
                resolved.parent.rmdir()
