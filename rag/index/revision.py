"""An index's revision: which state of its chunks a reader has seen, kept in the chunk collection's
metadata. It is the collection's id (new after a rebuild), a counter bumped by every ingest that
changes the chunks, and the token of the ingest that bumped it last.

Ingests on several machines (rag ingest --workers, --part) may bump at once and write the same
counter; the token is new each time, so the revision a writer leaves behind is one no reader saw
before that writer finished, and every reader catches up with it."""

from __future__ import annotations

import uuid


def revision_of(chunks, meta: dict | None = None) -> str:
    """The revision of a chunk collection (its handle, fetched fresh), or of `meta` about to be written."""
    meta = chunks.metadata or {} if meta is None else meta
    return f"{chunks.id}:{int(meta.get('revision', 0))}:{meta.get('revision_token', '')}"


def bump(chunks) -> str:
    """Mark the chunks changed; returns the new revision."""
    meta = dict(chunks.metadata or {})
    meta["revision"] = int(meta.get("revision", 0)) + 1
    meta["revision_token"] = uuid.uuid4().hex[:12]
    chunks.modify(metadata=meta)
    return revision_of(chunks, meta)
