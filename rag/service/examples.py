"""Example questions made from the indexed articles (the web chat's "Try" questions), so that another corpus gets
questions it can answer (fixed sample questions went unanswered on any other corpus).

`questions_from` is pure: English news grammar, no word of any particular corpus. From an article's
title and first sentences it makes simple questions whose answer the sentence states:

- a count that is the subject: "About 12,000 books are kept in the library." → "How many books are
  kept in the library?" (also after "said that ...");
- a count that is the object: "The city will buy six ferries." → "How many ferries will the city buy?";
- someone who did something: "The council has approved a new budget." → "Who has approved a new budget?"

`example_questions` keeps a question only when the offline answerer gives the answer the sentence
states (the count, or a name from the subject), one question an article; when none holds, there are
none, and the chat shows no examples rather than questions the articles cannot answer.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from rag.errors import RagError
from rag.lexicon.numbers import quantities
from rag.lexicon.sentences import sentence_spans
from rag.lexicon.words import STOPWORDS, words
from rag.records import ANSWERED, AskOptions

SHOWN = 3  # examples on an empty chat
ASKS = 30  # questions asked at most to find them (about 30 ms each offline)
PER_ARTICLE = 3  # questions tried from each article
MAX_WORDS = 16  # a longer question is no simple example

_NUM = (r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
        r"fifteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundreds|thousands|dozens)"
        r"(?:\s+(?:hundreds?|thousands?|millions?|billions?))?")
_ABOUT = r"(?:(?:about|some|nearly|almost|around|roughly|more than|over|up to|at least|fewer than|less than)\s+)?"
_AUX = r"(?:has|have|had|will|would|can|could|is|are|was|were)"
_ADVERB = r"(?:(?:\w+ly|soon|also|now|already|still)\s+)?"
_SUBJECT = r"(?P<subject>[A-Z][^,;:()\"“”]*?)"
# a count that is the subject, at the start of a sentence or of a reported clause ("said that 21,000 ...")
_COUNTED = re.compile(rf"(?:^|\bthat\s+){_ABOUT}(?P<count>{_NUM})\s+(?P<rest>[a-z].*)", re.IGNORECASE)
# a count that is the object: "The city will buy up to six ferries"
_OBJECT = re.compile(rf"^{_SUBJECT}\s+(?P<aux>will|would|can|could|has|have|had)\s+(?P<adverb>{_ADVERB})"
                     rf"(?P<verb>[a-z]+)\s+{_ABOUT}(?P<count>{_NUM})\s+(?P<thing>[a-z]+)\b")
# someone doing something: "The council has approved a new budget"
_DOING = re.compile(rf"^{_SUBJECT}\s+(?P<aux>{_AUX})\s+(?P<adverb>{_ADVERB})(?P<verb>[a-z][a-z-]+)\s+(?P<rest>.*)")
_FINITE = re.compile(rf"\b(?:{_AUX}|[a-z]+ed)\b")
# where a clause ends: punctuation, a dash, a word that starts another clause, "that" before a verb
_END = re.compile(r"\s*(?:[,;:()\[\]“”\"—–…]|\.\.\.|\s-{1,2}\s|--|\b(?:while|whereas|because|although|though|which|"
                  rf"who|but|after|before|as|when|according|so that)\b|\bthat\s+(?={_AUX}\b)).*", re.DOTALL)
_DATELINE = re.compile(r"^[A-Z][A-Z .'-]+,?\s[^–—-]{0,40}?\s?[–—-]+\s+")  # "PARIS, April 24 (Agency) – "
_NOT_COUNTED = {"per", "percent", "cent", "years", "year", "months", "days", "weeks", "hours", "minutes"}
_PRONOUNS = {"he", "she", "it", "they", "we", "i", "you", "this", "that", "these", "those", "there", "one", "his",
             "her", "its", "their", "our", "my", "your", "some", "many", "most", "all", "both", "each", "what", "which"}
_NOT_DOING = {"said", "says", "told", "added", "noted", "stressed", "stated", "claimed", "be", "been", "being", "not", "to"}
# past participles that do not end in -ed/-en/-wn: "has sent", "had made"
_PARTICIPLES = {"made", "sent", "won", "left", "built", "set", "put", "cut", "lost", "paid", "held", "led",
                "met", "kept", "become", "come", "run", "begun", "brought", "bought", "fought", "sought",
                "taught", "thought", "found", "done", "gone", "struck", "spent", "sold", "hit", "shot",
                "read", "split", "spread", "let", "bet", "quit"}


@dataclass(frozen=True)
class Candidate:
    question: str
    expected: str  # what the sentence says the answer is: the count, or the subject


def questions_from(title: str, text: str) -> list[Candidate]:
    """Simple questions an article's title and sentences answer, each with the answer its sentence
    states: counts first (the offline answerer is surest of them), the shortest of a kind first.
    A title cut short ("…") is left out: it is the first sentence, cut."""
    sentences = [text[s:e] for s, e in sentence_spans(text)]
    if not title.rstrip().endswith(("…", "...")):
        sentences.insert(0, title)
    sentences = [_DATELINE.sub("", " ".join(s.split())) for s in sentences]
    out: list[Candidate] = []
    for make in (_counted, _object_count, _who):
        made = sorted((c for c in map(make, sentences) if c), key=lambda c: len(c.question.split()))
        out += [c for c in made if c.question not in {x.question for x in out}]
    return out


def _clause(text: str) -> str:
    """`text` up to where its clause ends, without a dangling "under" or "the" at its end."""
    kept = _END.sub("", text).rstrip(" .!?").split()
    while kept and kept[-1].lower() in STOPWORDS:
        kept.pop()
    return " ".join(kept)


def _asked(question: str, expected: str) -> Candidate | None:
    """The question, unless it is long or still holds a "that" clause ("a plan that the mayor?")."""
    short = 4 <= len(question.split()) <= MAX_WORDS
    return Candidate(question + "?", expected) if short and not re.search(r"\bthat\b", question) else None


def _subject(text: str) -> str | None:
    """The subject as a question names it ("the council"), or None when it is a pronoun or long."""
    text = text.strip()
    first = text.split()[0] if text else ""
    if not text or first.lower() in _PRONOUNS or len(text.split()) > 10:
        return None
    return first.lower() + text[len(first):] if first in ("The", "A", "An") else text


def _counted(sentence: str) -> Candidate | None:
    m = _COUNTED.search(sentence)
    rest = _clause(m.group("rest")) if m else ""
    first = rest.split()[0].lower() if rest else ""
    if not first or first in _NOT_COUNTED or first in STOPWORDS or not _FINITE.search(rest):
        return None
    return _asked(f"How many {rest}", m.group("count"))


def _object_count(sentence: str) -> Candidate | None:
    m = _OBJECT.match(sentence)
    if not m or m.group("thing") in _NOT_COUNTED or m.group("thing") in STOPWORDS or m.group("verb") in _NOT_DOING:
        return None
    subject = _subject(m.group("subject"))
    question = f"How many {m.group('thing')} {m.group('aux')} {subject} {m.group('adverb')}{m.group('verb')}"
    return _asked(question, m.group("count")) if subject else None


def _who(sentence: str) -> Candidate | None:
    m = _DOING.match(sentence)
    if not m or not _subject(m.group("subject")):
        return None
    aux, verb, rest = m.group("aux"), m.group("verb"), _clause(m.group("rest"))
    if verb in _NOT_DOING or not rest or rest.lower().startswith("that "):
        return None
    if aux in ("is", "are", "was", "were") and not re.search(r"(?:ed|en|ing)$", verb):
        return None  # "is a country": not something someone does
    if aux in ("has", "have", "had") and not (re.search(r"(?:ed|en|wn)$", verb) or verb in _PARTICIPLES):
        return None  # "has weapons": a possession, not a deed
    aux = {"are": "is", "were": "was", "have": "has"}.get(aux, aux)  # "Who has ...", whoever did it
    return _asked(f"Who {aux} {m.group('adverb')}{verb} {rest}", m.group("subject"))


def gives(short_answer: str | None, candidate: Candidate) -> bool:
    """Whether a short answer is what the sentence said: the same count, or names from the subject."""
    if not short_answer:
        return False
    if candidate.question.startswith("How many"):
        return bool(quantities(short_answer) & quantities(candidate.expected))
    head = re.split(r"\s(?:of|in|at|from|for|with|on|to|by|said|says)\s", candidate.expected)[0]  # not "a student of [X school]"
    said = {w for w in words(short_answer) if w not in STOPWORDS}
    return bool(said) and said <= set(words(head))


def spread(items: list, n: int) -> list:
    """`items` reordered so that any first `n` of them are spread evenly over the list."""
    if len(items) <= n:
        return list(items)
    first = sorted({i * len(items) // n for i in range(n)})
    return [items[i] for i in first] + [x for i, x in enumerate(items) if i not in set(first)]


def example_questions(rag, catalog: list | None = None, shown: int = SHOWN) -> list[str]:
    """Up to `shown` questions, each from another article, that the offline answerer answers as the
    article does; articles are tried spread over the catalog, at most ASKS questions asked."""
    offline = AskOptions(llm="extractive")  # cheap and always there; the chat's answerer may be an LLM
    out: list[str] = []
    asks = ASKS
    articles = spread(rag.catalog() if catalog is None else catalog, 10)
    for batch in (articles[i:i + 10] for i in range(0, len(articles), 10)):
        texts = rag.article_texts([a.source for a in batch])
        for article in batch:
            for candidate in questions_from(article.title, texts.get(article.source, ""))[:min(PER_ARTICLE, asks)]:
                asks -= 1
                answer = rag.ask(candidate.question, offline)
                if answer.status == ANSWERED and gives(answer.short_answer, candidate):
                    out.append(candidate.question)
                    break
            if len(out) == shown or not asks:
                return out
    return out


class Examples:
    """The example questions for the index as it is now, made once for each state of the catalog: a
    page load asks, and an upload, deletion or re-index (here or by the CLI) changes the catalog."""

    def __init__(self, rag) -> None:
        self.rag = rag
        self._lock = threading.Lock()
        self._made: tuple[tuple, list[str]] | None = None

    def now(self) -> list[str]:
        """The questions; none while the index cannot answer (missing, or a model not installed): the
        chat then says why when a question is asked, and the examples are tried again next time."""
        try:
            catalog = self.rag.catalog()
            key = tuple(catalog)
            with self._lock:  # one page makes them; the others wait and reuse them
                if self._made is None or self._made[0] != key:
                    self._made = key, example_questions(self.rag, catalog)
                return list(self._made[1])
        except RagError:
            return []
