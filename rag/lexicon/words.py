"""Words and terms: one tokenizer and one stemmer for the keyword index, the ranker and verification.

`words` are the text's tokens as written (lower-cased): "O'Neill" stays "o'neill" for readers of
names and negations. `terms` are what BM25 indexes and searches: each word split at its apostrophes,
one-letter pieces and stop words dropped, Snowball-stemmed. `content_terms` are the terms a question
and a sentence are compared on: the same terms, with the longer stop-word list. Because one list
holds the other, every content term is an index term, and its IDF is the index's own.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Bump when `terms` changes: a keyword index stores the version it was built with and is rebuilt
# when it differs (rag.index.keyword), so no index is ever searched with other terms than it holds.
TERMS_VERSION = 2

# A number is one token with its thousands separators ("21,000" -> 21000; "2017,2018" is two), its
# decimals and an ordinal suffix; any other letters after it start a new word ("1990s" -> 1990, s).
_NUMBER = r"\d+(?:,\d{3}(?!\d))*(?:\.\d+)?(?:(?:st|nd|rd|th)(?![^\W_]))?"
# A word starts with a letter of any script and may hold digits ("G20", "MH17") and inner
# apostrophes ("O'Neill", "don't"); hyphens and other marks separate words.
_WORD = r"[^\W\d_][^\W_]*(?:'[^\W\d_][^\W_]*)*"
_TOKEN = re.compile(rf"{_NUMBER}|{_WORD}")
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "‘": "'"})

# What BM25 leaves out (bm25s's English list, which it used before): only words with no meaning of
# their own, so "may" (the month, the name) and "can" stay searchable.
SEARCH_STOPWORDS = frozenset("""
a an and are as at be but by for if in into is it no not of on or such that the their then there these
they this to was will with
""".split())
# What a question and a sentence are not compared on: the search list plus pronouns, auxiliaries,
# question words and reporting verbs ("said", "according"), which every news sentence has.
STOPWORDS = SEARCH_STOPWORDS | frozenset("""
or so than about above after again all also am any because been before being below between both can
could did do does doing down during each from further had has have having he her here his how i it's
its just many may me might more most much must my off once one ones only onto other our out over own
per said same say says shall she should some them those through told too under until up very via we
were what when where which while who whom whose why without would yes you your according
""".split())
QUESTION_WORDS = frozenset("what which who whom whose when where why how many much does did do is are was were".split())
NEGATIONS = frozenset("no not never none nobody nothing neither nor without cannot".split())


def words(text: str) -> list[str]:
    """Lower-cased word and number tokens, apostrophes straightened; "21,000" becomes "21000"."""
    if not text.isascii():  # most news is ASCII: skip the Unicode work (the index reads every chunk)
        text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES)
    return [w.replace(",", "") if w[0].isdigit() else w for w in _TOKEN.findall(text.casefold())]


def _pieces(word: str) -> list[str]:
    # "o'neill" -> neill, "russia's" -> russia: the apostrophe's one-letter side is no word ("Neill"
    # finds O'Neill); a one-digit number is ("7 troops").
    if "'" not in word:
        return [word] if len(word) > 1 or word.isdigit() else []
    return [p for p in word.split("'") if len(p) > 1 or p.isdigit()]


@lru_cache(maxsize=1)
def _snowball():
    import Stemmer  # PyStemmer: Snowball's English stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The stem of one lower-case word: troops/troop, stationed/station; numbers as they are."""
    if word[:1].isdigit():
        return word
    return _snowball().stemWord(word.replace("'", ""))


def terms(text: str) -> list[str]:
    """What the keyword index holds and searches for `text`, in order, repeats kept."""
    return [stem(p) for w in words(text) for p in _pieces(w) if p not in SEARCH_STOPWORDS]


def content_words(text: str) -> list[str]:
    """The words (unstemmed, split at apostrophes) a question and a sentence are compared on."""
    return [p for w in words(text) for p in _pieces(w) if p not in STOPWORDS]


def content_terms(text: str) -> set[str]:
    """Stemmed content words of `text`: its terms without stop words and question words."""
    return {stem(w) for w in content_words(text)}


def fold(text: str) -> str:
    """Lower-cased with every mark and space dropped: "Al-Jazeera" and "Al Jazeera" meet as
    aljazeera, "O’Neill" and "ONeill" as oneill, "U.S." and "US" as us."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).casefold())


def negated(text: str) -> bool:
    """Does the sentence deny what it states ("No troops are stationed", "did not", "isn't")?"""
    return any(w in NEGATIONS or w.endswith("n't") for w in words(text))
