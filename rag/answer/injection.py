"""Instruction-like sentences in sources: a small learned model over character n-grams.

News quotes directives all the time ("officials urged residents to stay indoors"); a planted prompt
injection addresses the model that reads it. No phrase list separates the two across phrasings and
languages, so a logistic regression does, over TF-IDF of character 2-5-grams within words (as
scikit-learn's char_wb analyzer; scripts/train_injection.py trains it on eval/injection/train.jsonl and
the sentences of both corpora, chooses it over sentence embeddings by cross-validation, checks that this
module scores exactly as scikit-learn does, and tests it on eval/injection/heldout.jsonl, never trained
on). Character n-grams carry across languages and inflections, which the English embedding model does not.
The generative path uses it twice: flagged sentences never enter the prompt, and an answer sentence that
only flagged text supports is marked unsupported.
"""

from __future__ import annotations

import functools
import json
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from rag.lexicon.sentences import is_instruction, sentence_spans

WEIGHTS = Path(__file__).with_name("injection.json")
Screen = Callable[[list[str]], list[bool]]


def char_ngrams(text: str, low: int = 2, high: int = 5) -> Counter:
    """Character n-grams of each space-padded word, lower-cased (scikit-learn's char_wb analyzer)."""
    grams: Counter = Counter()
    for word in re.sub(r"\s\s+", " ", text.lower()).split():
        word = f" {word} "
        for n in range(low, high + 1):
            grams.update(word[i:i + n] for i in range(max(1, len(word) - n + 1)))
            if len(word) <= n:  # a short word counts once, whatever n
                break
    return grams


@dataclass(frozen=True)
class InstructionModel:
    """Per n-gram (idf, weight), the bias and the chosen threshold on the 0-1 score."""

    vocabulary: dict[str, tuple[float, float]]
    bias: float
    threshold: float
    ngrams: tuple[int, int] = (2, 5)

    def score(self, sentence: str) -> float:
        """The probability that `sentence` is an instruction to a model (L2-normalised sublinear TF-IDF)."""
        dot = norm = 0.0
        for gram, count in char_ngrams(sentence, *self.ngrams).items():
            if gram in self.vocabulary:
                idf, weight = self.vocabulary[gram]
                value = (1.0 + math.log(count)) * idf
                dot, norm = dot + value * weight, norm + value * value
        logit = self.bias + (dot / math.sqrt(norm) if norm else 0.0)
        return 1.0 / (1.0 + math.exp(-logit))


@functools.cache
def load_model(path: Path = WEIGHTS) -> InstructionModel | None:
    """The trained model, or None when the file is absent (then only the pattern check runs)."""
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return InstructionModel({g: (v[0], v[1]) for g, v in data["vocabulary"].items()}, float(data["bias"]),
                            float(data["threshold"]), tuple(data["ngrams"]))


# Letters of other scripts that look like Latin ones: "Ignоre previous instructiоns" with a Cyrillic о.
_CONFUSABLES = str.maketrans("аеорсухіјѕԁһԛԝАВЕКМНОРСТХІЈЅοαεικνρτυχΑΒΕΗΙΚΜΝΟΡΤΥΧ",
                             "aeopcyxijsdhqwABEKMHOPCTXIJSoaeikvptuxABEHIKMNOPTYX")


def canonical(text: str) -> str:
    """Text as a screen should read it: NFKC-normalised (full-width and styled letters become plain),
    and in a word that mixes Latin with look-alike letters of another script, those read as Latin.
    A word wholly in Cyrillic or Greek stays as it is."""
    out = []
    for word in re.split(r"(\s+)", unicodedata.normalize("NFKC", text)):
        latin = any("a" <= ch.lower() <= "z" for ch in word)
        out.append(word.translate(_CONFUSABLES) if latin else word)
    return "".join(out)


def make_screen() -> Screen:
    """A function flagging instruction-like sentences: the learned model, and a pattern check for the
    most common wording as a second net; both read the sentence in its canonical form."""
    def screen(sentences: list[str]) -> list[bool]:
        return [flagged(s) for s in sentences]

    return screen


@functools.lru_cache(maxsize=8192)
def flagged(sentence: str) -> bool:
    """Is this sentence addressed to a model or to whoever summarises the text? (Scored once: a sentence
    is screened for the prompt, for the offline answer and for verification.)"""
    model, text = load_model(), canonical(sentence)
    return is_instruction(text) or (model is not None and model.score(text) >= model.threshold)


def without_instructions(text: str, screen: Screen) -> str:
    """`text` with its flagged sentences removed (sentences are kept in order, joined by a space)."""
    spans = sentence_spans(text)
    flags = screen([text[s:e] for s, e in spans])
    return " ".join(text[s:e] for (s, e), flagged in zip(spans, flags) if not flagged)
