"""The Chroma store: chunks and article records, with a manifest that refuses mismatched settings."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator

import numpy as np

from rag.errors import IndexMismatchError, StoreError
from rag.index.filters import to_where
from rag.index.gate import Gate
from rag.index.guard import failure, guard_public, incomplete
from rag.index.lock import WriteLock
from rag.index.manifest import collection_names, mismatch, read_manifest
from rag.index.place import Place
from rag.index.probe import probe
from rag.index.remote import check_admitted, server_target
from rag.index.revision import bump, revision_of
from rag.index.rows import article_from, centroid, hits_from, rows_of
from rag.records import Article, Chunk, Filters, Hit


@guard_public
class ChromaStore:
    """A Chroma PersistentClient in `index_dir`, or a Chroma server at `chroma_url`. Shared by threads:
    the client is closed (to see another process's writes) only when no method is using it."""

    UNGUARDED = ("writing",)  # a context manager: its body's calls are guarded one by one
    UNGATED = ("close", "follow")  # they close the client, so they wait for readers instead of being one

    def __init__(self, place: Place) -> None:
        self.place = place
        self._client = None
        self._handles: dict[str, object] = {}  # collection name -> handle, fetched once per client
        self._seen: str | None = None  # the revision this process's client last caught up with
        self._reopen = threading.Lock()
        self._opening = threading.Lock()  # chromadb's per-path client cache is not safe to fill from two threads
        self._gate = Gate()

    @property
    def location(self) -> str:
        return self.place.location

    @property
    def client(self):
        with self._opening:
            if self._client is None:
                self._client = self._connect()
            return self._client

    def _connect(self):
        import chromadb

        opts = chromadb.Settings(anonymized_telemetry=False)
        try:
            if self.place.chroma_url:
                host, port, ssl, headers = server_target(self.place)
                check_admitted(self.place, headers)
                return chromadb.HttpClient(host=host, port=port, ssl=ssl, headers=headers, settings=opts)
            self.place.index_dir.mkdir(parents=True, exist_ok=True)
            if WriteLock(self.place.index_dir).interrupted():
                self._probe()
            return chromadb.PersistentClient(path=str(self.place.index_dir), settings=opts)
        except StoreError:
            raise
        except Exception as exc:  # chromadb raises many types for an unreachable or broken store
            raise StoreError(f"cannot open the index: {failure(self.place, exc)}") from None

    def _probe(self) -> None:
        """After a writer was killed, open the index in a child first: a half-flushed vector file
        crashes the process that loads it, and that must not be this one."""
        result = probe(self.place.index_dir, self.place.collection)
        if not result.ok:
            raise StoreError(f"the index at {self.location} was left damaged by an interrupted ingest "
                             f"({result.detail}); repair it with `rag doctor --repair`")

    def close(self) -> None:
        """Forget the client (Chroma keeps one per path per process) once no reader is using it."""
        with self._gate.exclusive(), self._opening:
            self._handles = {}
            if self._client is not None:
                self._client.clear_system_cache()
                self._client = None

    # -- collections and manifest ------------------------------------------------------------
    def _names(self) -> tuple[str, str]:
        return collection_names(self.place.collection)

    def manifest(self) -> dict | None:
        """The manifest the index was built with, or None when there is no index yet."""
        if not self.place.chroma_url and not (self.place.index_dir / "chroma.sqlite3").is_file():
            return None  # reading never creates an index (opening Chroma's client would)
        chunks_name, articles_name = self._names()
        names = {c.name for c in self.client.list_collections()}
        chunks, articles = chunks_name in names, articles_name in names
        if chunks != articles and (chunks or self.articles.count()):  # one deleted; empty articles: a cut-short create
            raise StoreError(incomplete(self.location, f"{articles_name if chunks else chunks_name!r} is missing"))
        if not chunks:
            return None
        return read_manifest(self._collection(chunks_name, fresh=True).metadata)

    def check(self, manifest: dict, create: bool) -> bool:
        """Refuse an index built with other settings; create it when asked. True if it exists."""
        found = self.manifest()
        if found is None:
            if create:
                self._create(manifest)
            return create
        problem = mismatch(found, manifest, self.location)
        if problem:
            raise IndexMismatchError(problem)
        return True

    def _create(self, manifest: dict) -> None:
        chunks_name, articles_name = self._names()
        conf = {"hnsw": {"space": "cosine"}}  # the manifest goes on last: a half-created index has none
        self._handles = {}
        self.client.get_or_create_collection(articles_name, embedding_function=None, configuration=conf)
        self.client.get_or_create_collection(chunks_name, embedding_function=None, configuration=conf, metadata=manifest)

    def drop(self) -> None:
        """Delete both collections (for --rebuild)."""
        existing = {c.name for c in self.client.list_collections()}
        self._handles = {}
        for name in set(self._names()) & existing:
            self.client.delete_collection(name)

    @property
    def chunks(self):
        return self._collection(self._names()[0])

    @property
    def articles(self):
        return self._collection(self._names()[1])

    def _collection(self, name: str, fresh: bool = False):
        """The collection's handle, fetched once (an HTTP round trip on a server); `fresh` fetches it
        again, for its metadata. A handle of a collection since rebuilt elsewhere is dropped."""
        handle = self._handles.get(name)
        if handle is None or fresh:
            got = self.client.get_collection(name, embedding_function=None)
            if handle is not None and got.id != handle.id:
                self._handles = {}
            handle = self._handles[name] = got
        return handle

    # -- writing ---------------------------------------------------------------------------
    @contextmanager
    def writing(self) -> Iterator[bool]:
        """One writer at a time on a local index: a second gets IndexBusyError at once. Yields True
        when the previous writer was interrupted (then the write should sweep up after it)."""
        if self.place.chroma_url:
            yield False
            return
        with WriteLock(self.place.index_dir).hold() as interrupted:
            # A client opened before the lock may hold another process's old vector index in
            # memory; writing through it would persist that old index over the other's work.
            self.close()
            if interrupted:
                self._probe()
            yield interrupted

    def write_articles(self, batch: list[tuple[Article, list[Chunk], np.ndarray]]) -> None:
        """Replace these articles' chunks. Their records are removed first and written last, so a
        record means 'its vectors are stored'; a crash in between leaves them to be redone."""
        if not batch:
            return
        sources = [article.source for article, _, _ in batch]
        self.articles.delete(ids=sources)
        ids, vecs, docs, metas, records = [], [], [], [], []
        for article, chunks, vectors in batch:
            chunk_metas, record = rows_of(article, chunks)
            ids += [c.id for c in chunks]
            vecs += list(vectors)
            docs += [c.text for c in chunks]
            metas += chunk_metas
            records.append(record)
        step = self.client.get_max_batch_size()
        for i in range(0, len(ids), step):
            self.chunks.upsert(ids=ids[i:i + step], embeddings=vecs[i:i + step], documents=docs[i:i + step],
                               metadatas=metas[i:i + step])
        stale = set(self.chunks.get(where={"source": {"$in": sources}}, include=[])["ids"]) - set(ids)
        if stale:
            self.chunks.delete(ids=sorted(stale))
        self.articles.upsert(ids=sources, embeddings=[centroid(v) for _, _, v in batch],
                             documents=[a.text for a, _, _ in batch], metadatas=records)

    def revision(self) -> str:
        """Which state of the chunks this is (rag.index.revision); derived indexes (BM25) follow it."""
        return revision_of(self._collection(self._names()[0], fresh=True))  # another process may have bumped it

    @property
    def seen(self) -> str | None:
        return self._seen

    def bump_revision(self) -> str:
        self._seen = bump(self._collection(self._names()[0], fresh=True))  # our own write: the client has it
        return self._seen

    def follow(self) -> str:
        """Catch up with another process's ingest; returns the current revision. Chroma's local
        client keeps its vector index in memory and never sees vectors another process adds (its
        queries miss them, or fail on them), so after an outside change the client is opened again."""
        revision = self.revision()
        with self._reopen:
            if self._seen not in (None, revision) and not self.place.chroma_url:
                self.close()
                revision = self.revision()
            self._seen = revision
        return revision

    def chunk_id_list(self, page: int = 20000) -> list[str]:
        """The id of every chunk, read in pages."""
        out: list[str] = []
        while True:
            got = self.chunks.get(limit=page, offset=len(out), include=[])["ids"]
            out += got
            if len(got) < page:
                return out

    def texts_of(self, ids: list[str], page: int = 2000) -> Iterator[dict[str, str]]:
        """{id: text} of those chunks, a page at a time."""
        for i in range(0, len(ids), page):
            got = self.chunks.get(ids=ids[i:i + page], include=["documents"])
            yield dict(zip(got["ids"], got["documents"]))

    def ids_matching(self, filters: Filters | None) -> set[str] | None:
        """Ids of the chunks that pass `filters` (None: no filter, every chunk)."""
        where = to_where(filters)
        return None if where is None else set(self.chunks.get(where=where, include=[])["ids"])

    def hits(self, ids: list[str], vector: np.ndarray) -> list[Hit]:
        """Those chunks as hits in the order given, scored by cosine similarity to `vector`."""
        if not ids:
            return []
        got = self.chunks.get(ids=ids, include=["documents", "metadatas", "embeddings"])
        at = {i: n for n, i in enumerate(got["ids"])}
        rows = [n for i in ids if (n := at.get(i)) is not None]
        return hits_from(*([got[k][n] for n in rows] for k in ("ids", "documents", "metadatas")),
                         [float(np.asarray(got["embeddings"][n]) @ vector) for n in rows])

    def delete_article(self, source: str) -> None:
        """Chunks first, record last: a crash in between leaves a record that the next prune redoes."""
        self.chunks.delete(where={"source": source})
        self.articles.delete(ids=[source])

    def chunks_of(self, source: str) -> list[Chunk]:
        """The article's chunks in order."""
        got = self.chunks.get(where={"source": source}, include=["documents", "metadatas"])
        hits = hits_from(got["ids"], got["documents"], got["metadatas"], [0.0] * len(got["ids"]))
        return sorted((h.chunk for h in hits), key=lambda c: c.ordinal)

    def vectors_for(self, ids: list[str]) -> dict[str, np.ndarray]:
        """Stored embeddings for those of `ids` already in the index (to skip re-embedding)."""
        if not ids:
            return {}
        got = self.chunks.get(ids=ids, include=["embeddings"])
        return {i: np.asarray(v, dtype=np.float32) for i, v in zip(got["ids"], got["embeddings"])}

    def article_metadata(self) -> dict[str, dict]:
        """source -> the stored record's metadata, for every completely stored article."""
        got = self.articles.get(include=["metadatas"])
        return dict(zip(got["ids"], got["metadatas"]))

    def list_articles(self, with_text: bool = False) -> list[Article]:
        include = ["metadatas", "documents"] if with_text else ["metadatas"]
        got = self.articles.get(include=include)
        texts = got.get("documents") or [""] * len(got["ids"])
        arts = [article_from(i, m, t or "") for i, m, t in zip(got["ids"], got["metadatas"], texts)]
        return sorted(arts, key=lambda a: a.source)

    def get_article(self, source: str) -> Article | None:
        return next(iter(self.get_articles([source])), None)

    def get_articles(self, sources: list[str]) -> list[Article]:
        """Those articles (with their text) the index holds."""
        if not sources:
            return []
        got = self.articles.get(ids=sources, include=["metadatas", "documents"])
        return [article_from(i, m, t or "") for i, m, t in zip(got["ids"], got["metadatas"], got["documents"])]

    def article_texts(self, sources: list[str]) -> dict[str, str]:
        if not sources:
            return {}
        got = self.articles.get(ids=sources, include=["documents"])
        return dict(zip(got["ids"], got["documents"]))

    def counts(self) -> tuple[int, int]:
        return self.articles.count(), self.chunks.count()

    def query(self, vector: np.ndarray, k: int, filters: Filters | None = None) -> list[Hit]:
        """Top-k chunks by cosine similarity (score = 1 - cosine distance). No count() first: Chroma
        returns fewer when it holds fewer, and counting 100k chunks took twice as long as the query."""
        res = self.chunks.query(query_embeddings=[vector], n_results=k, where=to_where(filters),
                                include=["documents", "metadatas", "distances"])
        return hits_from(res["ids"][0], res["documents"][0], res["metadatas"][0],
                         [1.0 - d for d in res["distances"][0]])  # Chroma's cosine distance

