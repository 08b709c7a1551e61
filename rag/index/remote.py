"""The client for a Chroma server: which URL, which credentials, and what is safe to send where.

Chroma 1.x's server has no working authentication of its own, so a server off loopback belongs behind
an authenticating reverse proxy (README, Security). This client sends that proxy's bearer token, and
refuses to send it in clear text off loopback unless the user says the network is private.
"""

from __future__ import annotations

import functools
import ipaddress
import logging
from urllib.parse import urlparse

from rag.errors import StoreError
from rag.index.place import Place

log = logging.getLogger("rag.index")


def is_loopback(host: str) -> bool:
    """True for localhost (any case: host names are) and loopback addresses: traffic that never leaves
    this machine. The web chat's access rules ask this too (rag.web.access)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def server_target(place: Place) -> tuple[str, int, bool, dict[str, str]]:
    """(host, port, ssl, headers) for chromadb.HttpClient; refuses a token bound for a clear-text hop."""
    url = urlparse(place.chroma_url or "")
    if url.scheme not in ("http", "https") or not url.hostname:
        raise StoreError(f"chroma_url {place.chroma_url!r}: expected http://HOST:PORT or https://HOST:PORT")
    if url.username or url.password:  # the URL is shown in messages and logs; a secret must not be in it
        raise StoreError("chroma_url must not hold credentials: put the proxy's token in RAG_CHROMA_TOKEN")
    try:
        port = url.port or (443 if url.scheme == "https" else 8000)
    except ValueError:
        raise StoreError(f"chroma_url {place.chroma_url!r}: the port is not a number from 0 to 65535") from None
    loopback = is_loopback(url.hostname)
    headers = {}
    if place.token is not None:
        if url.scheme == "http" and not loopback and not place.allow_http:
            raise StoreError(f"chroma_token is not sent in clear text to {url.hostname}: use an https:// URL "
                             "(TLS at the reverse proxy), or set RAG_CHROMA_ALLOW_HTTP=true if that network "
                             "is private and trusted")
        headers["Authorization"] = f"Bearer {place.token.get_secret_value()}"
    elif not loopback:
        warn_unauthenticated(place.chroma_url)
    return url.hostname, port, url.scheme == "https", headers


def check_admitted(place: Place, headers: dict[str, str]) -> None:
    """Ask the server's heartbeat first: chromadb's client reports a proxy's 401 as a bare ValueError,
    so a refused token would read as a server that is down. Raises httpx.HTTPStatusError on 401/403."""
    import httpx

    try:
        response = httpx.get(f"{place.chroma_url.rstrip('/')}/api/v2/heartbeat", headers=headers, timeout=10)
    except httpx.HTTPError:
        return  # unreachable: chromadb's client says so in its own words
    if response.status_code in (401, 403):
        response.raise_for_status()


@functools.cache  # once per process and URL: the client reopens after each ingest
def warn_unauthenticated(url: str) -> None:
    log.warning("the Chroma server at %s is reached without a token: anyone who can reach it can read or "
                "delete the index. Put it behind an authenticating proxy and set RAG_CHROMA_TOKEN "
                "(README, Security)", url)
