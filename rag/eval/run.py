"""Run the eval: answer each gold question, score retrieval and answers, aggregate, sweep."""

from __future__ import annotations

import hashlib
import itertools
import json
import tempfile
from pathlib import Path
from typing import Callable

from rag.answer.verify import SUPPORT_THRESHOLD, is_supported, support_score
from rag.errors import InputError
from rag.eval.gold import GoldItem, load_gold
from rag.eval.metrics import (
    covered,
    has_fact,
    hit_at_k,
    key_fact_accuracy,
    mean,
    ndcg_at_k,
    percentile,
    recall_at_k,
    reciprocal_rank,
    story_cited_once,
    token_f1,
    unique_in_order,
)
from rag.eval.outcomes import assertion_metrics
from rag.records import Answer, AskOptions
from rag.service import Rag
from rag.settings import Settings

RETRIEVAL_KEYS = ["article_hit", "article_recall", "article_mrr", "article_ndcg",
                  "chunk_hit", "chunk_recall", "chunk_mrr", "chunk_ndcg", "evidence_recall"]
ANSWER_KEYS = ["key_fact_accuracy", "token_f1", "false_decline", "citation_precision", "citation_recall",
               "citation_source_precision", "grounded", "story_cited_once", "judge_faithful"]


Judge = Callable[[str, str, list[str]], bool]  # (question, answer, cited quotes) -> faithful?


def llm_judge(llm) -> Judge:
    """llama-index's FaithfulnessEvaluator with the given LLM: is the answer backed by its quotes?"""
    from llama_index.core.evaluation import FaithfulnessEvaluator

    evaluator = FaithfulnessEvaluator(llm=llm)

    def judge(question: str, answer: str, quotes: list[str]) -> bool:
        return bool(evaluator.evaluate(query=question, response=answer, contexts=quotes).passing)

    return judge


def evaluate(rag: Rag, gold: list[GoldItem], progress: Callable[[], None] | None = None,
             judge: Judge | None = None) -> list[dict]:
    """One result row per gold question: the answer, what was retrieved, and its metric values."""
    rows = []
    texts: dict[str, str] = {}
    spans: dict[str, list[tuple[str, int, int]]] = {}
    answers: dict[str, Answer] = {}
    undeclined = AskOptions(answer_threshold=0.0)  # what a declined question would have been answered
    for item in gold:
        # A follow-up is asked as a user asks it: in a chat, after the question it follows (and
        # rewritten by the same rewriter the chat uses).
        turns = [answers[item.follows]] if item.follows in answers else []
        answer = answers[item.id] = rag.conversation(turns=turns).send(item.question)
        row = score_item(item, answer, rag.settings.top_k, lambda s: _text(rag, s, texts),
                         lambda s: _chunk_spans(rag, s, spans))
        if item.answerable:
            would = rag.ask(answer.rewritten or item.question, undeclined).text if answer.abstained else answer.text
            row["correct_if_answered"] = key_fact_accuracy(would, item.key_facts, item.wrong_facts)
        if judge and not answer.abstained:
            row["judge_faithful"] = float(judge(item.question, answer.text, [c.quote for c in answer.citations]))
        rows.append(row)
        if progress:
            progress()
    return rows


def _text(rag: Rag, source: str, cache: dict[str, str]) -> str:
    if source not in cache:
        article = rag.article(source)
        cache[source] = article.text if article else ""
    return cache[source]


def _chunk_spans(rag: Rag, source: str, cache: dict[str, list[tuple[str, int, int]]]) -> list[tuple[str, int, int]]:
    """(chunk id, start, end) of every indexed chunk of one article."""
    if source not in cache:
        cache[source] = [(c.id, c.start, c.end) for c in rag.chunks_of(source)]
    return cache[source]


ChunkSpans = Callable[[str], list[tuple[str, int, int]]]


def score_item(item: GoldItem, answer: Answer, k: int, article_text: Callable[[str], str],
               chunk_spans: ChunkSpans = lambda source: []) -> dict:
    """Metric values for one question (pure given the article texts)."""
    hits = list(answer.hits)
    row = {"id": item.id, "kind": item.kind, "answerable": item.answerable, "question": item.question,
           "answer": answer.text, "abstained": answer.abstained, "latency_ms": answer.latency_ms,
           "status": answer.status, "short_answer": answer.short_answer, "expected": item.expected,
           "short_right": bool(answer.short_answer and item.answerable and item.key_facts
                               and key_fact_accuracy(answer.short_answer, item.key_facts, item.wrong_facts)),
           "confidence": round(answer.confidence, 4),
           "retrieved": [{"chunk_id": h.chunk.id, "source": h.chunk.source, "start": h.chunk.start,
                          "end": h.chunk.end, "score": round(h.score, 4)} for h in hits],
           "citations": [{"marker": c.marker, "source": c.source, "quote": c.quote} for c in answer.citations]}
    if item.answerable:
        row.update(_retrieval_metrics(item, hits, k, article_text, chunk_spans))
        row.update(_answer_metrics(item, answer))
    else:
        row["declined"] = float(answer.abstained)
    return row


def _evidence_spans(item: GoldItem, article_text: Callable[[str], str]) -> list[list[tuple[str, int, int]]]:
    """For each evidence sentence, where it sits in each gold article that holds it."""
    out = []
    for ev in item.evidence:
        spans = []
        for source in item.gold_sources:
            at = article_text(source).find(ev)
            if at >= 0:
                spans.append((source, at, at + len(ev)))
        out.append(spans)
    return out


def _retrieval_metrics(item: GoldItem, hits: list, k: int, article_text: Callable[[str], str],
                       chunk_spans: ChunkSpans) -> dict:
    gold = set(item.gold_sources)
    articles = unique_in_order([h.chunk.source for h in hits])
    evidence = _evidence_spans(item, article_text)
    spans = [span for spans in evidence for span in spans]
    # Relevant: every indexed chunk (retrieved or not) of a gold article overlapping an evidence sentence.
    relevant_chunks = {cid for source in gold for cid, cs, ce in chunk_spans(source)
                       if any(s == source and cs < e and st < ce for s, st, e in spans)}
    chunk_ids = [h.chunk.id for h in hits]

    def found(spans_of_one: list[tuple[str, int, int]]) -> float:
        return float(any(covered((st, e), [(h.chunk.start, h.chunk.end) for h in hits[:k] if h.chunk.source == s])
                         for s, st, e in spans_of_one))

    return {
        "article_hit": hit_at_k(articles, gold, k), "article_recall": recall_at_k(articles, gold, k),
        "article_mrr": reciprocal_rank(articles, gold), "article_ndcg": ndcg_at_k(articles, gold, k),
        "chunk_hit": hit_at_k(chunk_ids, relevant_chunks, k), "chunk_recall": recall_at_k(chunk_ids, relevant_chunks, k),
        "chunk_mrr": reciprocal_rank(chunk_ids, relevant_chunks),
        "chunk_ndcg": ndcg_at_k(chunk_ids, relevant_chunks, k),
        "evidence_recall": mean([found(e) for e in evidence]) if evidence else None,
    }


def _answer_metrics(item: GoldItem, answer: Answer) -> dict:
    if answer.abstained:
        return {"key_fact_accuracy": 0.0, "token_f1": 0.0, "false_decline": 1.0}
    quotes = {c.marker: c.quote for c in answer.citations}
    sources = {c.marker: c.source for c in answer.citations}
    claims = [(s.text, s.markers) for s in answer.sentences if s.markers]
    per_cite = [is_supported(claim, [quotes[m]]) for claim, marks in claims for m in marks if m in quotes]
    per_claim = [support_score(claim, [quotes[m] for m in marks if m in quotes]) for claim, marks in claims]
    cited_sources = [sources[m] for _, marks in claims for m in marks if m in sources]
    return {
        "key_fact_accuracy": key_fact_accuracy(answer.text, item.key_facts, item.wrong_facts),
        "key_facts_found": [f for f in item.key_facts if has_fact(answer.text, f)],
        "token_f1": token_f1(answer.text, item.reference), "false_decline": 0.0,
        "citation_precision": mean([float(x) for x in per_cite]),
        "citation_recall": mean([float(s >= SUPPORT_THRESHOLD) for s in per_claim]),
        "citation_source_precision": mean([float(s in item.gold_sources) for s in cited_sources]),
        "grounded": mean(per_claim),
        "story_cited_once": story_cited_once(item.same_story, [(c.source, bool(c.also_reported_by))
                                                                for c in answer.citations]),
    }


def summarize(rows: list[dict]) -> dict:
    """Means over the questions each metric applies to, decline rates, latency p50/p95."""
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    out: dict = {"questions": len(rows), "answerable": len(answerable), "unanswerable": len(unanswerable)}
    for key in RETRIEVAL_KEYS + ANSWER_KEYS:
        values = [r[key] for r in answerable if r.get(key) is not None and r.get(key) == r.get(key)]
        out[key] = round(mean(values), 4) if values else None
    out["declined_unanswerable"] = round(mean([r["declined"] for r in unanswerable]), 4) if unanswerable else None
    out.update(assertion_metrics(rows))
    latencies = [r["latency_ms"] for r in rows]
    out["latency_p50_ms"] = round(percentile(latencies, 50), 1)
    out["latency_p95_ms"] = round(percentile(latencies, 95), 1)
    return out


def tradeoff(rows: list[dict], thresholds: list[float]) -> list[dict]:
    """What each decline threshold would give: the answer is declined when its confidence is below
    it (the one decline decision), so every row's outcome at any threshold is known."""
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    out = []
    for t in thresholds:
        out.append({
            "threshold": t,
            "accuracy": mean([float(r["confidence"] >= t and bool(r.get("correct_if_answered"))) for r in answerable]),
            "answerable_declined": mean([float(r["confidence"] < t) for r in answerable]),
            "unanswerable_answered": mean([float(r["confidence"] >= t) for r in unanswerable]),
        })
    return out


def wrong_answers(rows: list[dict], gold: dict[str, GoldItem]) -> list[dict]:
    """Every question answered wrongly or declined wrongly: what was asked, expected and said."""
    out = []
    for r in rows:
        item = gold.get(r["id"])
        wrong = (r["answerable"] and r.get("key_fact_accuracy") != 1.0) or (not r["answerable"] and not r["abstained"])
        if item and wrong:
            expected = (item.reference or " / ".join(item.key_facts)) if item.answerable else "a decline"
            out.append({"id": r["id"], "question": r["question"], "expected": expected, "said": r["answer"],
                        "status": r.get("status"),
                        "cited": sorted({c["source"] for c in r["citations"]}), "confidence": r.get("confidence")})
    return out


def load_suite(path: Path) -> list[dict]:
    """The gold sets of a suite file (read and checked), each with the corpus folders it is asked against."""
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: not a readable suite file ({exc})") from None
    base = path.resolve().parent.parent  # paths in the suite are relative to the repository root
    for n, e in enumerate(entries if isinstance(entries, list) else [None]):
        if not isinstance(e, dict) or not {"name", "gold", "corpora"} <= set(e):
            raise InputError(f"{path}: entry {n} needs name, gold and corpora")
    return [{"name": e["name"], "items": load_gold(base / e["gold"]), "corpora": [base / c for c in e["corpora"]]}
            for e in entries]


def run_suite(base: Settings, entries: list[dict], progress: Callable[[], None] | None = None) -> list[tuple[dict, list[dict]]]:
    """Each gold set against a fresh index of its corpora (one index per distinct set of corpora)."""
    out, rags = [], {}
    with tempfile.TemporaryDirectory(prefix="rag-suite-") as tmp:
        for entry in entries:
            key = tuple(str(c) for c in entry["corpora"])
            if key not in rags:
                settings = base.model_copy(update={"index_dir": Path(tmp) / f"i{len(rags)}", "chroma_url": None})
                rags[key] = Rag(settings)
                rags[key].ingest(entry["corpora"])
            out.append((entry, evaluate(rags[key], entry["items"], progress)))
    return out


def parse_sweep(specs: list[str]) -> dict[str, list]:
    """['top_k=3,5', 'chunk_size=128,256'] -> {'top_k': [3, 5], ...}; names must be settings."""
    grid: dict[str, list] = {}
    for spec in specs:
        name, _, values = spec.partition("=")
        name = name.strip()
        if name not in Settings.model_fields or not values.strip():
            raise InputError(f"--sweep {spec!r}: expected SETTING=V1,V2 with a setting name such as top_k or chunk_size")
        grid[name] = [_value(v.strip()) for v in values.split(",") if v.strip()]
    return grid


def _value(text: str):
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text


def sweep(base: Settings, grid: dict[str, list], corpus: Path, gold: list[GoldItem],
          progress: Callable[[], None] | None = None, judge: Judge | None = None) -> list[tuple[dict, list[dict]]]:
    """Every combination in `grid`: each distinct chunking gets its own temp index of `corpus`."""
    runs = []
    with tempfile.TemporaryDirectory(prefix="rag-sweep-") as tmp:
        for combo in itertools.product(*grid.values()):
            params = dict(zip(grid.keys(), combo))
            settings = _with(base, params, Path(tmp))
            rag = Rag(settings)
            rag.ingest([corpus])
            runs.append((params, evaluate(rag, gold, progress, judge)))
    return runs


def _with(base: Settings, params: dict, tmp: Path) -> Settings:
    data = {**base.model_dump(), **params}
    model = f"{data['embedding_model']}:{data['embedding_backend']}"
    index_key = f"cs{data['chunk_size']}-co{data['chunk_overlap']}-{hashlib.sha256(model.encode()).hexdigest()[:10]}"
    data.update(index_dir=tmp / index_key, chroma_url=None)
    try:
        return Settings(**data)
    except ValueError as exc:
        raise InputError(f"sweep values {params}: {exc}") from None
