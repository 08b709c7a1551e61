"""Question analysis: what kind of fact is asked for, its content words, its names, its parts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rag.lexicon.words import STOPWORDS, content_terms, fold, words

_WH = r"(?:who|whom|whose|what|which|when|where|why|how(?: many| much| long| old| far| big| large)?|by how (?:much|many)|(?:in|for|from|to) how many|(?:in|on|at|by|from|for|to) (?:which|what) \w+)"
_MONEY = r"\b(money|cost|costs|price|paid|pay|raise|raised|spend|spent|worth|fund|funds|budget|fine|fined|salary|compensation)\b"
_ORG_NOUNS = r"(company|companies|firm|organisation|organization|group|party|agency|team|club|airline|bank|union|body|newspaper|network)"
_PLACE_NOUNS = r"(city|country|countries|town|region|province|state|area|village|suburb|island|capital|building|port|street|location)"
_TYPES = [  # (pattern on the lower-cased question, type); first match wins
    (rf"^how much\b.*{_MONEY}|^(what|how much) (is|was|were|are) the (cost|price|value|budget|bill)\b", "money"),
    (r"^(how many|how much|how old|how large|how big|how long|how far|by how (?:much|many)|what percentage|what proportion|"
     r"what share)\b|^(what|which) (is|was|are|were) the (population|number|amount|size|total|percentage|share|"
     r"toll|death toll|age|score|margin)\b", "quantity"),
    (r"^(when|since when|in what year|in which year|what year|what date|on what date|on which day|what day|"
     r"what time|at what time|how soon)\b", "date"),
    (r"^(what|how) (did|does|do|has|have) .{0,60}\b(say|tell|state|announce|declare|describe)\b"
     r"(?! .{0,12}\b(is|are|was|were)\b)", "statement"),
    (r"^(who|whom|whose)\b|^what (is|was|were|are) the names? of\b|^(which|what) (man|woman|person|official|minister|leader|player|politician|senator|"
     r"spokesman|spokeswoman|president|premier|captain|coach|judge|officer|member)\b", "person"),
    (rf"^(where|in (which|what) {_PLACE_NOUNS}|(which|what) {_PLACE_NOUNS})\b", "place"),
    (rf"^(which|what) {_ORG_NOUNS}\b", "org"),
    (r"^(why|for what reason|what (was|is|were|are) the (reason|cause)|what (caused|prompted|led))\b", "reason"),
]
_PART_WH = re.compile(rf"^(?P<a>{_WH})(?:,| and| or)\s+(?P<b>{_WH})\s+(?P<rest>.+)$", re.I)
_SECOND_CLAUSE = re.compile(rf",?\s+and\s+(?={_WH}\b)", re.I)
_ASKED = {"quantity": "how many", "money": "how much", "date": "when", "person": "who", "place": "where",
          "org": "which organisation", "reason": "why", "statement": "what was said"}


@dataclass(frozen=True)
class QuestionInfo:
    text: str
    kind: str | None  # quantity | money | date | statement | person | place | org | reason | None
    terms: frozenset[str]  # stemmed content words
    entities: tuple[str, ...]  # capitalised words and numbers the question names

    @property
    def asked(self) -> str:
        """The part's wh-word, for part-by-part declines ("where, not when")."""
        wh = re.match(r"\s*(\w+(?: many| much)?)", self.text.lower())
        return _ASKED.get(self.kind or "", wh.group(1) if wh else "this")


def analyze(question: str) -> QuestionInfo:
    """Pure analysis of one (standalone) question."""
    q = re.sub(r"^(?:and|but|so|also|then)\b[\s,]*", "", " ".join(question.split()), flags=re.I)
    q = q[:1].upper() + q[1:]
    lower = q.lower()
    kind = next((k for pattern, k in _TYPES if re.search(pattern, lower)), None)
    return QuestionInfo(q, kind, frozenset(content_terms(q)), _entities(q))


def parts(question: str) -> list[str]:
    """A multi-part question as its parts: "Where and when did X happen?" -> where..., when...;
    "Who won and by how much?" -> "Who won?", "By how much? (who won)". One part otherwise."""
    q = " ".join(question.split()).rstrip("?").strip()
    m = _PART_WH.match(q)
    if m:
        rest = m.group("rest")
        return [f"{m.group('a').capitalize()} {rest}?", f"{m.group('b').capitalize()} {rest}?"]
    pieces = _SECOND_CLAUSE.split(q)
    if len(pieces) == 2 and all(len(p.split()) >= 2 for p in pieces) and re.match(_WH, pieces[0], re.I):
        first, second = pieces
        # The second clause often leans on the first ("and by how much?"): keep the first as context.
        context = "" if len(second.split()) >= 4 and not re.match(r"(?:in|for|from|to|by) ", second, re.I) else f" ({first})"
        return [f"{first}?", f"{second[:1].upper()}{second[1:]}{context}?"]
    return [question]


def _entities(question: str) -> tuple[str, ...]:
    tokens = re.findall(r"[A-Za-zА-Яа-я][\w’'-]*|\d[\d,.]*(?:st|nd|rd|th)?", question)
    out = []
    for i, tok in enumerate(tokens):
        word = re.sub(r"['’]s$", "", tok).rstrip(".,")
        if word[0].isdigit() or (i > 0 and word[0].isupper() and word.lower() not in STOPWORDS):
            out.append(word)
    return tuple(dict.fromkeys(out))


def mentions(entity: str, text: str) -> bool:
    """Is `entity` in `text`? Names match on their first five letters (Russia/Russian, Tajik/Tajikistan),
    ignoring hyphens and apostrophes (Al-Jazeera/Al Jazeera, O'Neill/ONeill); numbers match exactly,
    ordinals by their number (201st/201)."""
    if entity[0].isdigit():
        return _cardinal(entity.replace(",", "")) in _numbers_in(text)
    return fold(entity)[:5] in _prefixes_in(text)


def _cardinal(number: str) -> str:
    return re.sub(r"(st|nd|rd|th)$", "", number)


# An article is checked for every question name by every one of its candidate sentences:
# its words are read once per text, not once per check.
@lru_cache(maxsize=1024)
def _numbers_in(text: str) -> frozenset[str]:
    return frozenset(_cardinal(w) for w in words(text))


@lru_cache(maxsize=1024)
def _prefixes_in(text: str) -> frozenset[str]:
    """The first 1-5 letters of every word, with hyphens and apostrophes folded; "Al-Jazeera" and
    "Al Jazeera" also as "aljazeera": a name matches however it is joined."""
    joined = [fold(t) for t in re.findall(r"[^\W_]+(?:[-'’\s][^\W_]+)+?", text)]
    plain = [fold(w) for w in words(text)]
    folded = joined + plain + [a + b for a, b in zip(plain, plain[1:])]
    return frozenset(w[:k] for w in folded for k in range(1, 6))
