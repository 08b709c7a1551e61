"""One benchmark measurement per process (called by bench_scale.py): prints one JSON line.

    python scripts/bench_children.py KIND ARGS...
"""

from __future__ import annotations

import hashlib
import json
import resource
import statistics
import sys
import time
from pathlib import Path

MODEL = "all-MiniLM-L6-v2"
QUESTIONS = [
    "How many students from Tajikistan study in Russia?", "How many Russian troops are stationed in Tajikistan?",
    "When did Putin visit Dushanbe?", "What did Russia promise to build on the Tajik-Afghan border?",
    "How many tanks will Russia station in Tajikistan?", "What is the capital of Australia?",
    "How do I set up a network bridge on Debian?", "What does VACUUM do in PostgreSQL?",
    "How are kernel modules loaded at boot?", "What is a generator in Python?",
    "How does Perl handle regular expressions with the /x modifier?", "What does the rsync --delete option do?",
    "How can I limit the memory of a cgroup?", "Which signal does kill send by default?",
    "How do I create an index concurrently in PostgreSQL?", "What is the difference between a list and a tuple?",
    "How does the kernel schedule real-time tasks?", "What is an APT pinning priority?",
    "How do I mount a filesystem read-only?", "What does the sticky bit do on a directory?",
]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def model_path() -> str:
    from rag.embed import resolve_model_path

    return str(resolve_model_path(MODEL))


def embedder():
    from rag.embed import make_embedder
    from rag.settings import load_settings

    s = load_settings()
    return make_embedder(s.embedding_model, s.embedding_backend, s.embed_batch_size, s.model_cache.expanduser())


def over_window(texts: list[str]) -> int:
    """How many texts the model would silently truncate (by the embedder's own window check)."""
    fits = embedder().fits
    return sum(not fits(t) for t in texts)


def chunk_texts(folder: str, limit: int):
    """The chunk texts ingestion makes of the folder's files, in order, up to `limit`."""
    from rag.ingest.chunk import chunk_article
    from rag.ingest.load import load_file
    from rag.ingest.walk import discover
    from rag.ingest.metadata import build_article

    fits, count = embedder().fits, 0
    for f in discover([Path(folder)])[0]:
        for c in chunk_article(build_article(load_file(f, 20_000_000)), 256, 20, fits):
            yield c.text
            count += 1
        if count >= limit:
            return


def ours(index: str, **overrides):
    from rag.service import Rag
    from rag.settings import load_settings

    return Rag(load_settings(index_dir=Path(index), **overrides))


def ingest_ours(folder: str, index: str) -> dict:
    rag = ours(index)
    report = rag.ingest([Path(folder)])
    texts = rag.index.store.chunks.get(include=["documents"])["documents"]
    return {"files": len(report.added), "chunks": len(texts), "over_window": over_window(texts),
            "peak_rss_mb": peak_rss_mb()}


def stock_embed():
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    return HuggingFaceEmbedding(model_name=model_path(), device="cpu")


def stock_store(index: str):
    import chromadb
    from llama_index.vector_stores.chroma import ChromaVectorStore

    client = chromadb.PersistentClient(path=index, settings=chromadb.Settings(anonymized_telemetry=False))
    return ChromaVectorStore(chroma_collection=client.get_or_create_collection("stock"))


def ingest_stock(folder: str, index: str) -> dict:
    from llama_index.core import SimpleDirectoryReader, StorageContext, VectorStoreIndex
    from llama_index.core.node_parser import SentenceSplitter

    docs = SimpleDirectoryReader(folder).load_data()
    store = stock_store(index)
    VectorStoreIndex.from_documents(docs, storage_context=StorageContext.from_defaults(vector_store=store),
                                    embed_model=stock_embed(),
                                    transformations=[SentenceSplitter(chunk_size=256, chunk_overlap=20)])
    return {"files": len(docs), **stock_chunks(store), "peak_rss_mb": peak_rss_mb()}


def stock_chunks(store) -> dict:
    """Chunk count, and how many of the texts stock embeds (metadata included) the model truncates."""
    from llama_index.core.schema import MetadataMode
    from llama_index.core.vector_stores.utils import metadata_dict_to_node

    got = store._collection.get(include=["documents", "metadatas"])
    nodes = [metadata_dict_to_node(m, text=t) for t, m in zip(got["documents"], got["metadatas"])]
    return {"chunks": len(nodes), "over_window": over_window([n.get_content(MetadataMode.EMBED) for n in nodes])}


def stock_retriever(index: str):
    from llama_index.core import VectorStoreIndex

    return VectorStoreIndex.from_vector_store(stock_store(index), embed_model=stock_embed()).as_retriever(
        similarity_top_k=5)


def cold_ours(index: str, question: str) -> dict:
    return {"ok": not ours(index).ask(question).abstained}


def cold_stock(index: str, question: str) -> dict:
    return {"ok": bool(stock_retriever(index).retrieve(question))}


def timed(fn, items) -> list[float]:
    out = []
    for item in items:
        started = time.perf_counter()
        fn(item)
        out.append((time.perf_counter() - started) * 1000)
    return out


def warm_ours(index: str) -> dict:
    """With the embedding cache emptied before each question: no sentence vector is reused."""
    from rag.embed import base as embed

    rag = ours(index)
    rag.ask(QUESTIONS[0])

    def ask(q: str) -> None:
        embed._CACHE.data.clear()
        rag.ask(q)

    def retrieve(q: str) -> None:
        embed._CACHE.data.clear()
        rag.retriever.retrieve(q, rag.settings.top_k)

    answers, hits = timed(ask, QUESTIONS * 2), timed(retrieve, QUESTIONS * 2)
    return {"answer_p50_ms": statistics.median(answers), "answer_p95_ms": pct(answers, 0.95),
            "retrieve_p50_ms": statistics.median(hits), "retrieve_p95_ms": pct(hits, 0.95),
            "peak_rss_mb": peak_rss_mb()}


def warm_stock(index: str) -> dict:
    retriever = stock_retriever(index)
    retriever.retrieve(QUESTIONS[0])
    hits = timed(retriever.retrieve, QUESTIONS * 2)
    return {"retrieve_p50_ms": statistics.median(hits), "retrieve_p95_ms": pct(hits, 0.95),
            "peak_rss_mb": peak_rss_mb()}


class Precomputed:
    """Our embedder, answering from vectors computed elsewhere for texts it has them for."""

    def __init__(self, inner, vectors: str) -> None:
        import numpy as np

        self.inner, self.name, self.backend = inner, inner.name, inner.backend
        self.known = {}
        for part in vectors.split(","):  # several files: one per machine or per half
            data = np.load(part)
            self.known.update(zip(data["keys"].tolist(), data["vectors"]))
        self.dimensions, self.fits, self.embed = inner.dimensions, inner.fits, inner.embed

    def encode(self, texts: list[str]):
        import numpy as np

        keys = [text_key(t) for t in texts]
        todo = [t for t, k in zip(texts, keys) if k not in self.known]
        fresh = dict(zip(todo, self.inner.encode(todo))) if todo else {}
        out = [self.known[k].astype(np.float32) if k in self.known else fresh[t] for t, k in zip(texts, keys)]
        return np.stack(out) / np.linalg.norm(np.stack(out), axis=1, keepdims=True)


def text_key(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def build_ours(folder: str, index: str, n: str, vectors: str | None = None) -> dict:
    """Ingest the corpus's files in order until the index holds at least `n` chunks."""
    rag = ours(index)
    if vectors:
        rag._embedder = Precomputed(rag.embedder, vectors)
    todo = sorted(Path(folder).iterdir())
    rag.ingest([])  # creates the index; files already in it are skipped by their hash below
    while rag.index.store.counts()[1] < int(n) and todo:
        take = max(10, min(1000, (int(n) - rag.index.store.counts()[1]) // 8))  # ~6 chunks a file; few big ingests
        batch, todo = todo[:take], todo[take:]
        rag.ingest(batch)
    return {"chunks": rag.index.store.counts()[1], "peak_rss_mb": peak_rss_mb()}


def build_stock(index: str) -> dict:
    """The same chunks and vectors as ours, in a stock ChromaVectorStore through VectorStoreIndex."""
    from llama_index.core import StorageContext, VectorStoreIndex
    from llama_index.core.schema import TextNode

    rag, store = ours(index), stock_store(str(Path(index) / "stock"))
    offset, total = 0, 0
    while True:
        got = rag.index.store.chunks.get(limit=5000, offset=offset, include=["documents", "metadatas", "embeddings"])
        if not got["ids"]:
            return {"chunks": total}
        nodes = [TextNode(id_=i, text=t, metadata={"source": m["source"]}, embedding=list(map(float, v)))
                 for i, t, m, v in zip(got["ids"], got["documents"], got["metadatas"], got["embeddings"])]
        VectorStoreIndex(nodes, storage_context=StorageContext.from_defaults(vector_store=store),
                         embed_model=stock_embed())
        offset, total = offset + len(got["ids"]), total + len(got["ids"])


def dump_chunks(folder: str, out: str, n: str) -> dict:
    """The texts our ingestion would embed for the first files making `n` chunks (for embedding elsewhere)."""
    count = 0
    with open(out, "w") as fh:
        for text in chunk_texts(folder, int(n)):
            fh.write(json.dumps({"key": text_key(text), "text": text}) + "\n")
            count += 1
    return {"chunks": count}


def web_rss(index: str) -> dict:
    """Peak RSS of a real web chat process over 20 questions asked through its API."""
    import os
    import socket
    import subprocess

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "RAG_INDEX_DIR": index, "RAG_PORT": str(port)}
    started = time.perf_counter()
    proc = subprocess.Popen([str(Path(sys.executable).parent / "rag"), "serve"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        from gradio_client import Client

        client = _connect(Client, f"http://127.0.0.1:{port}/")
        ready = time.perf_counter() - started
        for q in QUESTIONS:
            client.predict(q, "extractive", 5, "hybrid", [], "", "", 3, api_name="/ask")
        status = Path(f"/proc/{proc.pid}/status").read_text()
        hwm = next(line for line in status.splitlines() if line.startswith("VmHWM"))
        return {"peak_rss_mb": int(hwm.split()[1]) / 1024, "ready_s": ready}
    finally:
        proc.terminate()
        proc.wait(30)


def _connect(client_cls, url: str):
    deadline = time.time() + 120
    while True:  # the page first, cheaply, then the API client
        try:
            import urllib.request

            urllib.request.urlopen(url, timeout=2).close()
            break
        except OSError:
            if time.time() > deadline:
                raise
            time.sleep(0.2)
    while True:
        try:
            return client_cls(url, verbose=False)
        except Exception:
            if time.time() > deadline:
                raise
            time.sleep(1)


KINDS = {"ingest-ours": ingest_ours, "ingest-stock": ingest_stock, "cold-ours": cold_ours,
         "cold-stock": cold_stock, "warm-ours": warm_ours, "warm-stock": warm_stock, "build-ours": build_ours,
         "build-stock": build_stock, "dump-chunks": dump_chunks, "web-rss": web_rss}

if __name__ == "__main__":
    print(json.dumps(KINDS[sys.argv[1]](*sys.argv[2:])))
