"""Draft synthetic gold questions from indexed articles with templates (no LLM needed).

Each draft turns a fact-bearing sentence into a question whose answer is a span of that sentence:
a quantity ("21,000 students ..." -> "How many students ...?"), a year, or the person who said it.
Drafts are marked synthetic: review them before trusting them as gold.
"""

from __future__ import annotations

import re
from typing import Callable, Iterator

from rag.lexicon.sentences import sentence_spans
from rag.records import Article, Chunk

_QUANTITY = re.compile(r"(?<!No\. )\b(?:about |some |up to |more than |nearly |over )?(\d{1,3}(?:,\d{3})+|\d+)\s+([a-z][a-z-]*(?:s|men|people)(?: [a-z-]+)*?)\b(?= (?:from|were|are|was|is|of|in|at|to|had|have|will)\b)")
_YEAR = re.compile(r"\bin ((?:19|20)\d{2})\b")
_SAID = re.compile(r"^[\"“]?(.*?[a-z].*?)[,.]?[\"”],?\s*((?:[A-Z][a-z]+ ){0,5}[A-Z][a-z]+) said\.?$")


def drafts(article: Article, per_article: int = 5) -> list[dict]:
    """Up to `per_article` question drafts from one article, in text order."""
    out = []
    for start, end in sentence_spans(article.text):
        sentence = article.text[start:end]
        for question, answer in _questions(sentence):
            out.append({"question": question, "answerable": True, "gold_sources": [article.source],
                        "evidence": [sentence], "reference": answer, "key_facts": [answer],
                        "kind": "synthetic", "synthetic": True})
            break
        if len(out) >= per_article:
            break
    return out


def _questions(sentence: str) -> Iterator[tuple[str, str]]:
    if len(sentence.split()) < 6 or len(sentence) > 300:
        return
    if m := _QUANTITY.search(sentence):
        rest = sentence[m.end():].rstrip(" .\"”")
        yield f"How many {m.group(2)}{rest}?", m.group(1)
    if len(_YEAR.findall(sentence)) == 1 and (m := _YEAR.search(sentence)):
        clause = " ".join((sentence[:m.start()] + sentence[m.end():]).split()).rstrip(" .,\"”")
        yield f"In what year: {_lower_first(clause)}?", m.group(1)
    if m := _SAID.match(sentence):
        quote = m.group(1).strip(" “\"”,")
        yield f"Who said: “{quote}”?", m.group(2).split()[-1]  # the surname is the key fact


def _lower_first(text: str) -> str:
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def passages(chunks_of: Callable[[str], list[Chunk]], articles: list[Article], per_article: int) -> list[tuple[Article, str]]:
    """(article, chunk text) pairs to draft questions from: the first `per_article` chunks of each."""
    return [(a, c.text) for a in articles for c in chunks_of(a.source)[:per_article]]


def llm_drafts(pieces: list[tuple[Article, str]], llm, per_chunk: int = 1) -> list[dict]:
    """Questions an LLM drafts for each (article, passage), through llama-index's DatasetGenerator;
    the passage is the evidence. Marked synthetic: the model may ask what the passage cannot answer."""
    from llama_index.core.callbacks import CallbackManager

    # DatasetGenerator is deprecated for RagDatasetGenerator, which llama-index-core 0.14 no longer ships.
    from llama_index.core.evaluation import DatasetGenerator
    from llama_index.core.schema import TextNode

    out = []
    for article, passage in pieces:
        gen = DatasetGenerator([TextNode(text=passage)], llm=llm, num_questions_per_chunk=per_chunk,
                               callback_manager=CallbackManager([]))
        for question in gen.generate_questions_from_nodes(num=per_chunk)[:per_chunk]:
            question = re.sub(r"^\s*(?:\d+[.)]|[-*•])\s*", "", question).strip()
            if len(question.split()) >= 3:
                out.append({"question": question, "answerable": True, "gold_sources": [article.source],
                            "evidence": [passage], "reference": "", "key_facts": [],
                            "kind": "synthetic-llm", "synthetic": True})
    return out
