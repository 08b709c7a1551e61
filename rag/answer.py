"""Answer: the Answerer interface and the offline extractive answerer (no LLM needed)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator, Protocol

from rag.cite import Evidence, compose
from rag.embed import Embedder
from rag.question import QuestionInfo, analyze, mentions
from rag.records import Answer, Hit
from rag.text import QUESTION_WORDS, STOPWORDS, is_instruction, numbers, sentence_spans, stem, words

DECLINE = "The indexed articles do not answer this question."
SIM_FLOOR = 0.40  # the chosen sentence must be at least this similar to the question
KEEP_RATIO = 0.85  # further sentences must score within this ratio of the best...
TIE_RATIO = 0.95  # ...and add a question word the chosen ones miss, unless all but tied with the best
SHORTLIST = 12  # sentences embedded per question (the rest are ranked out lexically)
SAME_FACT = 0.85  # sentences from two articles this similar, with the same numbers, state one fact (measured: a reprinted fact 0.93, two different facts about the same base 0.79)


class Answerer(Protocol):
    name: str

    def answer(self, question: str, hits: list[Hit]) -> Answer: ...

    def stream(self, question: str, hits: list[Hit]) -> Iterator[str]: ...


class CorpusStats(Protocol):
    def has_word(self, word: str) -> bool: ...

    def idf(self, word: str) -> float: ...


@dataclass(frozen=True)
class Candidate:
    hit: Hit
    start: int  # offsets in the article text
    end: int
    text: str

    @property
    def is_headline(self) -> bool:
        return self.hit.chunk.ordinal == 0 and self.start == self.hit.chunk.start


def candidates(hits: list[Hit]) -> list[Candidate]:
    """Sentences of the retrieved chunks, once each (chunks overlap); fragments skipped."""
    seen, out = set(), []
    for hit in hits:
        for s, e in sentence_spans(hit.chunk.text):
            text = hit.chunk.text[s:e]
            key = (hit.chunk.source, hit.chunk.start + s)
            if key not in seen and len(text.split()) >= 5 and not is_instruction(text):
                seen.add(key)
                out.append(Candidate(hit, hit.chunk.start + s, hit.chunk.start + e, text))
    return out


class ExtractiveAnswerer:
    """Quotes the retrieved sentences that answer the question, cited; declines when none does."""

    name = "extractive"

    def __init__(self, embedder: Embedder, corpus: CorpusStats | None = None, min_score: float = 0.30,
                 max_sentences: int = 3, articles: Callable[[list[str]], dict[str, str]] | None = None) -> None:
        self.embedder, self.corpus, self.articles = embedder, corpus, articles
        self.min_score, self.max_sentences = min_score, max_sentences

    def answer(self, question: str, hits: list[Hit]) -> Answer:
        info = analyze(question)
        reason = self._missing(info, hits)
        if reason is not None:
            return decline(question, hits, reason)
        texts = self.articles(sorted({h.chunk.source for h in hits})) if self.articles else {}
        fitting = [c for c in candidates(hits) if not c.is_headline and _fits(info, c, texts)]
        scored = self._score(info, fitting)
        if not scored or scored[0][1] < SIM_FLOOR:
            return decline(question, hits, "no passage states what the question asks")
        groups = merge_same_facts(select(scored, self.max_sentences, info.text), scored)
        text, citations = compose(groups)
        return Answer(question, text, abstained=False, citations=tuple(citations), hits=tuple(hits), answerer=self.name)

    def stream(self, question: str, hits: list[Hit]) -> Iterator[str]:
        yield self.answer(question, hits).text

    def _missing(self, info: QuestionInfo, hits: list[Hit]) -> str | None:
        if not hits or max(h.score for h in hits) < self.min_score:
            return "nothing in them is relevant enough"
        if info.head and self.corpus and not self.corpus.has_word(info.head):
            return f"none of them mentions “{info.head}”"
        return None

    def _score(self, info: QuestionInfo, cands: list[Candidate]) -> list[tuple[float, float, Candidate, object]]:
        """(score, similarity, candidate, vector), best first: lexical shortlist, then embeddings."""
        weights = {w: self.corpus.idf(w) if self.corpus else 1.0 for w in _terms(info.text)}
        lexical = sorted(((_coverage(weights, c) + 0.3 * c.hit.score - 0.15 * c.is_headline, c) for c in cands),
                         key=lambda t: -t[0])[:SHORTLIST]
        if not lexical:
            return []
        vecs = self.embedder.embed([info.text] + [c.text for _, c in lexical])
        out = []
        for (lex, cand), vec in zip(lexical, vecs[1:]):
            sim = float(vec @ vecs[0])
            out.append((0.5 * sim + 0.5 * lex, sim, cand, vec))
        return sorted(out, key=lambda t: -t[0])


def _fits(info: QuestionInfo, cand: Candidate, articles: dict[str, str]) -> bool:
    """Every name of the question is in the sentence's article and every number in its passage
    (a year may also be the article's date), and the sentence holds the kind of fact asked for."""
    article = articles.get(cand.hit.chunk.source) or cand.hit.chunk.text
    year = (cand.hit.date or "")[:4]

    def found(entity: str) -> bool:
        context = cand.hit.chunk.text if entity[0].isdigit() else article
        return mentions(entity, context) or entity == year

    return info.type_ok(cand.text) and all(found(e) for e in info.entities)


def _terms(text: str) -> set[str]:
    return {w for w in words(text) if w not in STOPWORDS and w not in QUESTION_WORDS and len(w) > 1}


def _coverage(weights: dict[str, float], cand: Candidate) -> float:
    """IDF-weighted share of the question's words in the sentence (70%) and its passage (30%)."""
    total = sum(weights.values())
    if not total:
        return 0.0
    sent = {stem(w) for w in words(cand.text)}
    ctx = {stem(w) for w in words(cand.hit.chunk.text)}
    in_sent = sum(wt for w, wt in weights.items() if stem(w) in sent)
    in_ctx = sum(wt for w, wt in weights.items() if stem(w) in ctx)
    return (0.7 * in_sent + 0.3 * in_ctx) / total


def select(scored: list, limit: int, question: str) -> list:
    """The best sentence, plus close runners-up that cover a question word the chosen ones miss."""
    best = scored[0][0]
    wanted = {stem(w) for w in _terms(question)}
    chosen: list = []
    covered: set[str] = set()
    for item in scored:
        if len(chosen) == limit or item[0] < best * KEEP_RATIO:
            break
        adds = (wanted & {stem(w) for w in words(item[2].text)}) - covered
        if (not chosen or adds or item[0] >= best * TIE_RATIO) and not any(_same_fact(item, c) for c in chosen):
            chosen.append(item)
            covered |= adds
    return chosen


def _same_fact(a, b) -> bool:
    return float(a[3] @ b[3]) >= SAME_FACT and numbers(a[2].text) == numbers(b[2].text)


def merge_same_facts(chosen: list, scored: list) -> list[list[Evidence]]:
    """Each chosen sentence with the same fact as stated by other articles, to cite them all."""
    groups = []
    for item in chosen:
        group = [_evidence(item[2])]
        sources = {item[2].hit.chunk.source}
        for other in scored:
            if other[2].hit.chunk.source not in sources and _same_fact(item, other):
                group.append(_evidence(other[2]))
                sources.add(other[2].hit.chunk.source)
        groups.append(group)
    return groups


def _evidence(c: Candidate) -> Evidence:
    return Evidence(c.hit, c.start, c.end, c.text)


def decline(question: str, hits: list[Hit], reason: str) -> Answer:
    return Answer(question, f"{DECLINE[:-1]}: {reason}.", abstained=True, hits=tuple(hits), answerer="extractive")
