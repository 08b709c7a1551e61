"""What the web server refuses before Gradio sees the request."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

# /gradio_api/file=http://... (and the older /file/http://...) makes Gradio fetch that URL itself
# and stream it back: a proxy for anyone who can reach the chat; /proxy=... is Gradio's relay for
# Spaces. The chat needs neither, so a scheme in any file route, and the relay, are refused, with or
# without the /gradio_api prefix.
_REMOTE_FILE = re.compile(r"/(?:file[=/]\s*[a-z][a-z0-9+.-]*:|proxy=)", re.IGNORECASE)


class RefuseRemoteFiles:
    """ASGI middleware: 403 for file routes that name a URL instead of a path."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and _REMOTE_FILE.search(unquote(unquote(scope.get("path", "")))):
            await send({"type": "http.response.start", "status": 403,
                        "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
            await send({"type": "http.response.body", "body": b"File not allowed."})
            return
        await self.app(scope, receive, send)


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
