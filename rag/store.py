"""Store: chunks and article records in Chroma, with a manifest that refuses mismatched settings."""

from __future__ import annotations

import fcntl
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from urllib.parse import urlparse

import numpy as np

from rag.dates import date_bounds
from rag.errors import IndexBusyError, IndexMismatchError, StoreError
from rag.filters import to_where
from rag.records import Article, Chunk, Filters, Hit
from rag.settings import Settings

SCHEMA_VERSION = 1
_MANIFEST_KEYS = ("schema_version", "embedding_model", "embedding_backend", "embedding_dimensions", "chunk_size",
                  "chunk_overlap", "tokenizer")


def manifest_for(settings: Settings, dimensions: int, tokenizer: str) -> dict:
    """What the index must agree with: model and backend (int8 vectors differ slightly), dimensions,
    chunking, tokenizer, schema."""
    return {
        "schema_version": SCHEMA_VERSION, "embedding_model": settings.embedding_model,
        "embedding_backend": settings.embedding_backend,
        "embedding_dimensions": dimensions, "chunk_size": settings.chunk_size,
        "chunk_overlap": settings.chunk_overlap, "tokenizer": tokenizer,
    }


class ChromaStore:
    """A Chroma PersistentClient in `index_dir`, or a Chroma server at `chroma_url`."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._client = None
        self._rows: tuple[str, list[dict]] | None = None  # (revision, article_rows) for listings

    @property
    def location(self) -> str:
        return self.settings.chroma_url or str(self.settings.index_dir)

    @property
    def client(self):
        if self._client is None:
            self._client = self._connect()
        return self._client

    def _connect(self):
        import chromadb

        opts = chromadb.Settings(anonymized_telemetry=False)
        try:
            if self.settings.chroma_url:
                url = urlparse(self.settings.chroma_url)
                if url.scheme not in ("http", "https") or not url.hostname:
                    raise StoreError(f"chroma_url {self.settings.chroma_url!r}: expected http://HOST:PORT")
                port = url.port or (443 if url.scheme == "https" else 8000)
                return chromadb.HttpClient(host=url.hostname, port=port, ssl=url.scheme == "https", settings=opts)
            self.settings.index_dir.mkdir(parents=True, exist_ok=True)
            return chromadb.PersistentClient(path=str(self.settings.index_dir), settings=opts)
        except StoreError:
            raise
        except Exception as exc:  # chromadb raises many types for an unreachable or broken store
            raise StoreError(f"cannot open the index at {self.location}: {exc}") from None

    # -- collections and manifest ------------------------------------------------------------
    def _names(self) -> tuple[str, str]:
        return self.settings.collection, f"{self.settings.collection}-articles"

    def manifest(self) -> dict | None:
        """The manifest the index was built with, or None when there is no index yet."""
        chunks_name, _ = self._names()
        if chunks_name not in {c.name for c in self.client.list_collections()}:
            return None
        meta = self.client.get_collection(chunks_name, embedding_function=None).metadata or {}
        found = {k: meta.get(k) for k in _MANIFEST_KEYS}
        found["embedding_backend"] = found["embedding_backend"] or "torch"  # indexes from before backends
        return found

    def check(self, manifest: dict, create: bool) -> bool:
        """Refuse an index built with other settings; create it when asked. True if it exists."""
        found = self.manifest()
        if found is None:
            if create:
                self._create(manifest)
            return create
        diffs = [f"{k}={found.get(k)!r} (settings: {manifest[k]!r})" for k in _MANIFEST_KEYS if found.get(k) != manifest[k]]
        if diffs:
            raise IndexMismatchError(
                f"the index at {self.location} was built with other settings: {', '.join(diffs)}. "
                "Use the settings it was built with, or rebuild it: rag ingest --rebuild PATH"
            )
        return True

    def _create(self, manifest: dict) -> None:
        chunks_name, articles_name = self._names()
        conf = {"hnsw": {"space": "cosine"}}
        self.client.get_or_create_collection(articles_name, embedding_function=None, configuration=conf)
        # The manifest goes on last: a half-created index has none and is simply recreated.
        self.client.get_or_create_collection(chunks_name, embedding_function=None, configuration=conf, metadata=manifest)

    def drop(self) -> None:
        """Delete both collections (for --rebuild)."""
        existing = {c.name for c in self.client.list_collections()}
        for name in self._names():
            if name in existing:
                self.client.delete_collection(name)

    @property
    def chunks(self):
        return self.client.get_collection(self._names()[0], embedding_function=None)

    @property
    def articles(self):
        return self.client.get_collection(self._names()[1], embedding_function=None)

    # -- writing ---------------------------------------------------------------------------
    @contextmanager
    def writing(self) -> Iterator[None]:
        """One writer at a time on a local index: a second gets IndexBusyError at once."""
        if self.settings.chroma_url:
            yield
            return
        self.settings.index_dir.mkdir(parents=True, exist_ok=True)
        lock_path = self.settings.index_dir / ".rag-write.lock"
        with open(lock_path, "a+") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise IndexBusyError(
                    f"the index at {self.location} is busy: another process is writing to it; try again when it finishes"
                ) from None
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def write_articles(self, batch: list[tuple[Article, list[Chunk], np.ndarray]]) -> None:
        """Replace these articles' chunks. Their records are removed first and written last, so a
        record means 'its vectors are stored'; a crash in between leaves them to be redone."""
        if not batch:
            return
        sources = [article.source for article, _, _ in batch]
        self.articles.delete(ids=sources)
        ids, vecs, docs, metas, records = [], [], [], [], []
        for article, chunks, vectors in batch:
            lo, hi = date_bounds(article.date, article.date_precision)
            base = {"source": article.source, "title": article.title, "date": article.date or "",
                    "publisher": article.publisher or "", "date_from": lo, "date_to": hi}
            ids += [c.id for c in chunks]
            vecs += list(vectors)
            docs += [c.text for c in chunks]
            metas += [{**base, "ordinal": c.ordinal, "start": c.start, "end": c.end} for c in chunks]
            records.append(_article_meta(article, len(chunks), lo, hi))
        step = self.client.get_max_batch_size()
        for i in range(0, len(ids), step):
            self.chunks.upsert(ids=ids[i:i + step], embeddings=vecs[i:i + step], documents=docs[i:i + step],
                               metadatas=metas[i:i + step])
        stale = set(self.chunks.get(where={"source": {"$in": sources}}, include=[])["ids"]) - set(ids)
        if stale:
            self.chunks.delete(ids=sorted(stale))
        self.articles.upsert(ids=sources, embeddings=[_centroid(v) for _, _, v in batch],
                             documents=[a.text for a, _, _ in batch], metadatas=records)

    def revision(self) -> str:
        """Which state of the chunks this is: the collection's id (new after a rebuild) and a counter
        bumped by every ingest that changes them. Derived indexes (BM25) follow it."""
        chunks = self.chunks
        return f"{chunks.id}:{int((chunks.metadata or {}).get('revision', 0))}"

    def bump_revision(self) -> str:
        chunks = self.chunks
        meta = dict(chunks.metadata or {})
        meta["revision"] = int(meta.get("revision", 0)) + 1
        chunks.modify(metadata=meta)
        return f"{chunks.id}:{meta['revision']}"

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
        by_id = {i: (d, m, e) for i, d, m, e in zip(got["ids"], got["documents"], got["metadatas"], got["embeddings"])}
        return [_hit(i, by_id[i][0], by_id[i][1], 1.0 - float(np.asarray(by_id[i][2]) @ vector))
                for i in ids if i in by_id]

    def delete_article(self, source: str) -> None:
        self.articles.delete(ids=[source])
        self.chunks.delete(where={"source": source})

    # -- reading ---------------------------------------------------------------------------
    def chunk_ids(self, source: str) -> list[str]:
        return self.chunks.get(where={"source": source}, include=[])["ids"]

    def vectors_for(self, ids: list[str]) -> dict[str, np.ndarray]:
        """Stored embeddings for those of `ids` already in the index (to skip re-embedding)."""
        if not ids:
            return {}
        got = self.chunks.get(ids=ids, include=["embeddings"])
        return {i: np.asarray(v, dtype=np.float32) for i, v in zip(got["ids"], got["embeddings"])}

    def article_hashes(self) -> dict[str, tuple[str, str]]:
        """source -> (content hash, root) for every completely stored article."""
        got = self.articles.get(include=["metadatas"])
        return {i: (m["content_hash"], m.get("root", "")) for i, m in zip(got["ids"], got["metadatas"])}

    def list_articles(self, with_text: bool = False) -> list[Article]:
        include = ["metadatas", "documents"] if with_text else ["metadatas"]
        got = self.articles.get(include=include)
        texts = got.get("documents") or [""] * len(got["ids"])
        arts = [_article_from(i, m, t or "") for i, m, t in zip(got["ids"], got["metadatas"], texts)]
        return sorted(arts, key=lambda a: a.source)

    def article_rows(self) -> list[dict]:
        """One row per article for listings: source, title, publisher, date, chunks. Kept until the
        index's revision changes (16k articles take 1.6 s to list, and every page load lists them)."""
        revision = self.revision()
        if self._rows is None or self._rows[0] != revision:
            got = self.articles.get(include=["metadatas"])
            rows = [{"source": i, "title": m["title"], "publisher": m["publisher"], "date": m["date"],
                     "chunks": m["chunks"]} for i, m in zip(got["ids"], got["metadatas"])]
            self._rows = (revision, sorted(rows, key=lambda r: r["source"]))
        return self._rows[1]

    def get_article(self, source: str) -> Article | None:
        got = self.articles.get(ids=[source], include=["metadatas", "documents"])
        if not got["ids"]:
            return None
        return _article_from(got["ids"][0], got["metadatas"][0], got["documents"][0] or "")

    def article_texts(self, sources: list[str]) -> dict[str, str]:
        got = self.articles.get(ids=sources, include=["documents"])
        return dict(zip(got["ids"], got["documents"]))

    def counts(self) -> tuple[int, int]:
        return self.articles.count(), self.chunks.count()

    def size_bytes(self) -> int | None:
        if self.settings.chroma_url:
            return None
        return sum(f.stat().st_size for f in Path(self.settings.index_dir).rglob("*") if f.is_file())

    def query(self, vector: np.ndarray, k: int, filters: Filters | None = None) -> list[Hit]:
        """Top-k chunks by cosine similarity (score = 1 - cosine distance). No count() first: Chroma
        returns fewer when it holds fewer, and counting 100k chunks took twice as long as the query."""
        res = self.chunks.query(query_embeddings=[vector], n_results=k, where=to_where(filters),
                                include=["documents", "metadatas", "distances"])
        return [_hit(i, d, m, dist) for i, d, m, dist in
                zip(res["ids"][0], res["documents"][0], res["metadatas"][0], res["distances"][0])]


def _centroid(vectors: np.ndarray) -> np.ndarray:
    centroid = vectors.mean(axis=0)
    return centroid / (np.linalg.norm(centroid) or 1.0)


def _article_meta(article: Article, n_chunks: int, lo: int, hi: int) -> dict:
    return {"title": article.title, "date": article.date or "", "date_precision": article.date_precision or "",
            "date_evidence": article.date_evidence or "", "publisher": article.publisher or "",
            "content_hash": article.content_hash, "root": article.root, "chunks": n_chunks,
            "date_from": lo, "date_to": hi}


def _article_from(source: str, m: dict, text: str) -> Article:
    return Article(source=source, title=m["title"], text=text, content_hash=m["content_hash"],
                   date=m["date"] or None, date_precision=m["date_precision"] or None,
                   date_evidence=m["date_evidence"] or None, publisher=m["publisher"] or None,
                   root=m.get("root", ""))


def _hit(cid: str, text: str, m: dict, distance: float) -> Hit:
    chunk = Chunk(cid, m["source"], int(m["ordinal"]), text, int(m["start"]), int(m["end"]))
    return Hit(chunk, 1.0 - float(distance), m["title"], m["date"] or None, m["publisher"] or None)
