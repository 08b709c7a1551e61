"""Chroma's own failures, turned into errors that say what to do."""

from __future__ import annotations

import functools

from rag.errors import RagError, StoreError


def _guarded(method, gated: bool):
    """Chroma's own failures (server gone, unreadable files) become a StoreError that says what to do.
    A `gated` method runs as a reader of the object's `_gate`: its client is not closed under it."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            if not gated:
                return method(self, *args, **kwargs)
            with self._gate.reading():
                return method(self, *args, **kwargs)
        except RagError:
            raise
        except _store_failures() as exc:
            raise StoreError(failure(self.place, exc)) from None
    return wrapper


@functools.cache
def _store_failures() -> tuple[type[BaseException], ...]:
    """What Chroma raises when the store, not our call, is at fault: its own errors, the HTTP
    client's (server gone), sqlite's and the operating system's (unreadable files)."""
    import sqlite3

    import httpx
    from chromadb.errors import ChromaError

    return ChromaError, httpx.HTTPError, sqlite3.Error, OSError, ConnectionError, TimeoutError


def guard_public(cls):
    """Wrap every public method of a store class (properties are reached through them), except
    those in its `UNGUARDED` (context managers); all but those in its `UNGATED` (the ones that
    reopen the client) run as readers of its `_gate`."""
    for name, value in list(vars(cls).items()):
        if callable(value) and not name.startswith("_") and name not in cls.UNGUARDED:
            setattr(cls, name, _guarded(value, gated=name not in cls.UNGATED))
    return cls


def failure(place, exc: Exception) -> str:
    """What to tell the user when Chroma fails underneath us."""
    why = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else 'no detail'}"
    status = _http_status(exc)
    if status == 404:
        return incomplete(place.location, why)
    if place.chroma_url and status in (401, 403):
        hint = "check RAG_CHROMA_TOKEN" if place.token is not None else "set RAG_CHROMA_TOKEN to its token"
        return f"the Chroma server at {place.chroma_url} refused the request (HTTP {status}): {hint}"
    if place.chroma_url:
        return (f"the Chroma server at {place.chroma_url} failed or cannot be reached ({why}); start it "
                "and run the command again: an interrupted ingest resumes where it stopped")
    return f"the index at {place.index_dir} cannot be read ({why}); check it with `rag doctor`"


def incomplete(location: str, detail: str) -> str:
    """A collection of the index was deleted (on a server, by anyone who reached it): only a rebuild helps."""
    return (f"the index at {location} is incomplete ({detail}): a collection was deleted; rebuild it from its "
            "files with `rag ingest --rebuild FOLDER`")


def _http_status(exc: Exception) -> int | None:
    """The HTTP status behind a Chroma failure: its own error types carry one, as does the HTTP client's."""
    import httpx
    from chromadb.errors import ChromaError

    if isinstance(exc, httpx.HTTPStatusError):
        return exc.response.status_code
    return exc.code() if isinstance(exc, ChromaError) and exc.code() in (401, 403, 404) else None
