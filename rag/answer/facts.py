"""Facts in a sentence: the span that answers a kind of question (a number, a date, a name).

`short_answer(kind, sentence, question)` finds the span; a sentence holds the kind of fact
asked for when it has one. Pure and shared by the ranker's features and the answer's opening.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rag.answer.reldates import resolve
from rag.lexicon.calendar import MONTH, WEEKDAY, year_of
from rag.lexicon.words import STOPWORDS, fold, stem, words

MONTHS = MONTH + r"\.?"  # "Feb. 27"
DAYS = WEEKDAY
NUMWORD = (r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
            r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
            r"a hundred|hundreds|a thousand|thousands|dozens|a dozen|millions|half|a quarter|a third)")
_SCALE = r"(?:\s?(?:hundred|thousand|million|billion|trillion|m|bn|per cent|percent|%))*"
_NUMBER = rf"(?:(?:about|around|some|nearly|almost|more than|over|up to|at least|less than|fewer than|just over|just under)\s)?(?:\d[\d,.]*{_SCALE}|{NUMWORD}{_SCALE})"
_UNIT = r"(?:\s(?:of\s)?(?:[a-z][a-z-]+)){0,1}"  # the counted noun: "7,000 troops", "dozens of people"
_MONEY = re.compile(rf"(?:[$£€¥]|US\$|A\$|AUD\s?|USD\s?)\s?\d[\d,.]*{_SCALE}|\d[\d,.]*{_SCALE}\s(?:dollars|pounds|euros|roubles|rubles|yen|cents)", re.I)
_QUANTITY = re.compile(rf"\b{_NUMBER}{_UNIT}(?![\w-])(?!\s?(?:st|nd|rd|th)\b)", re.I)
_YEAR = re.compile(r"^(1[89]|20)\d{2}$")
_RELATIVE = (r"(?:yesterday|today|tonight|this (?:morning|afternoon|evening|week|month|year)|"
             r"last (?:night|week|month|year|weekend|" + DAYS + r")|next (?:week|month|year|" + DAYS + r")|"
             r"(?:on |late |early )?" + DAYS + r"(?: (?:morning|afternoon|evening|night))?|"
             r"earlier this (?:week|month|year)|overnight)")
_DATE = re.compile(
    rf"\b(?:(?:on |in |since |until |by )?(?:{DAYS},? )?\d{{1,2}}(?:st|nd|rd|th)? {MONTHS}(?:,? \d{{4}})?"
    rf"|(?:on |in |since |until |by )?{MONTHS} \d{{1,2}}(?:st|nd|rd|th)?(?:,? \d{{4}})?"
    rf"|(?:in |since |until |by )?(?:{MONTHS} )?(?:1[89]|20)\d{{2}}s?"
    rf"|{_RELATIVE})\b", re.I)
_NAME = r"[A-Z][\w'’.-]*(?:\s(?:(?:de|van|von|al|bin|du|la|le)\s)?[A-Z][\w'’.-]*)*"
_TITLES = r"(?:Mr|Mrs|Ms|Dr|Sir|Senator|Sen\.|President|Prime Minister|Minister|Premier|Judge|Justice|Captain|Coach|Chief|General|Gen\.|Colonel|Inspector|Superintendent|Professor|Pope|King|Queen|Prince|Princess)"
_NAMED = re.compile(rf"(?:{_TITLES}\s)?{_NAME}")
_PLACE = re.compile(rf"\b(?:in|at|near|from|to|into|outside|across|off|around|towards|inside) (?:the )?(?P<name>{_NAME})")
_REASON = re.compile(r"\b(because|since|after|due to|owing to|as a result|following|over|amid|in protest|"
                     r"in order to|to (?:help|protect|prevent|stop|avoid|ensure|support|counter)|so that|"
                     r"blamed|caused|led to|prompted|reason|result of)\b", re.I)
_SAID = re.compile(r"[\"“”]|\b(said|says|told|stated|stressed|noted|added|announced|declared|described)\b")
_LEADING_WORDS = {"The", "A", "An", "But", "And", "In", "On", "At", "He", "She", "It", "They", "This", "That",
                  "Mr", "Mrs", "Ms", "We", "I", "There", "If", "When", "While", "After", "Before", "As"}


_PREPOSITION = re.compile(r"^(?:on|in|at) ", re.I)  # "on 27 February": the date is the answer, not its preposition
_HOW_MANY = re.compile(r"\bhow many\s+(?:more\s+|of (?:the|these|those)\s+)?(.*)", re.I)


@dataclass(frozen=True)
class Span:
    """A typed short answer: the words, and how well the words around them fit the question
    (1.0: the counted noun or a question name sits at the span; 0.5: of the right type, nothing more)."""

    text: str
    fit: float


def short_answer(kind: str | None, sentence: str, question: str = "", date: str | None = None) -> str | None:
    """The words of `sentence` that answer a `kind` question, or None when it holds no such fact."""
    span = typed_span(kind, sentence, question, date)
    return span.text if span else None


def typed_span(kind: str | None, sentence: str, question: str = "", date: str | None = None) -> Span | None:
    """The best span of the asked-for type in `sentence` (its article dated `date`), found by patterns,
    or None: cheap, for the ranker's features over every candidate (rag.answer.spans reads entities for
    the short answer itself). A span names something the question does not, and never ends on a
    function word or a comma."""
    finder = FINDERS.get(kind or "")
    if finder is None:
        return None
    return best(finder(sentence, question, date), question)


def best(spans: list[Span], question: str) -> Span | None:
    """The best-fitting span the question does not already name (the first of equals)."""
    fresh = [sp for sp in spans if sp.text and is_new(sp.text, question)]
    return max(fresh, key=lambda sp: sp.fit) if fresh else None


def known(kind: str | None) -> bool:
    """Can `holds` tell whether a sentence has this kind of fact?"""
    return kind in FINDERS or kind in ("reason", "statement")


def holds(kind: str | None, sentence: str, question: str = "") -> float:
    """1.0 when the sentence holds the kind of fact asked for, 0.5 when the kind is unknown, else 0."""
    if kind in ("reason", "statement"):
        return float(bool((_REASON if kind == "reason" else _SAID).search(sentence)))
    if kind not in FINDERS:
        return 0.5
    return float(typed_span(kind, sentence, question) is not None)


def trim(span: str) -> str:
    """A span without trailing function words, commas or stops ("5 from" -> "5", "Dozens of" -> "Dozens");
    a number word stays ("one")."""
    tokens = span.strip(" ,.;:").split()
    while tokens and tokens[-1].lower().strip(",.;:") in STOPWORDS and not re.fullmatch(NUMWORD, tokens[-1], re.I):
        tokens.pop()
    return " ".join(tokens).strip(" ,.;:")


def is_new(span: str, question: str) -> bool:
    """A span the question does not already name (answering "Who met Putin?" with "Putin" is no answer;
    "U.S." is the "US" it names)."""
    named = asked(question)
    names = [w for w in re.findall(r"[\w'’.-]+", span.replace(".", "")) if w[:1].isupper() or w[:1].isdigit()]
    return not names or any(fold(w)[:5] not in named for w in names)  # "tens of thousands" names nothing


@lru_cache(maxsize=256)
def asked(question: str) -> frozenset[str]:
    # Every span of every candidate sentence is checked against the same question.
    return frozenset(fold(w)[:5] for w in re.findall(r"[\w'’-]+", question.replace(".", "")))


_CLAUSE_BREAK = re.compile(r"[,;:()–—]\s|\s[–—-]\s|\s(?:while|whereas|but|although|though)\s", re.I)


def _stems5(text: str) -> list[str]:
    return [fold(w)[:5] for w in re.findall(r"[\w'’-]+", text)]


def near_question(sentence: str, start: int, end: int, question: str, reach: int = 3) -> float:
    """How well a span's surroundings fit the question: mostly the share of the question's names and
    words in the span's clause (so "10,000 Tajik students was financed by the Russian budget" answers a
    question about the budget, not "21,000 students … in Russia" before the comma), and partly those
    right beside it, each counting 1 / (1 + its distance in words), so that of two names in one clause
    the one beside "Tajik" answers "Who is Tajikistan's foreign minister?"."""
    words_ = [t for t in re.findall(r"[\w'’-]+", question)[1:] if t.lower() not in STOPWORDS and len(t) > 2]
    wanted = set(_stems5(" ".join(words_)))
    # What the question says happened (its lower-case words): the names are checked as constraints already.
    predicate = set(_stems5(" ".join(t for t in words_ if not t[0].isupper()))) or wanted
    if not wanted:
        return 0.0
    breaks = [0] + [m.end() for m in _CLAUSE_BREAK.finditer(sentence)] + [len(sentence)]
    lo = max(b for b in breaks if b <= start)
    hi = min((b for b in breaks if b >= end), default=len(sentence))
    clause = len(set(_stems5(sentence[lo:hi])) & predicate) / len(predicate)
    best: dict[str, float] = {w: 1.0 for w in set(_stems5(sentence[start:end])) & wanted}
    beside = [*enumerate(reversed(_stems5(sentence[:start])[-reach:]), 1), *enumerate(_stems5(sentence[end:])[:reach], 1)]
    for distance, w in beside:
        if w in wanted:
            best[w] = max(best.get(w, 0.0), 1.0 / (1 + distance))
    return 0.7 * clause + 0.3 * sum(best.values()) / len(wanted)


def counted_noun(question: str) -> str | None:
    """What a "how many" question counts, as a stem: "How many Russian troops are in X?" -> troop.
    The words up to the first function word; of those, the first plural one, else the first."""
    m = _HOW_MANY.search(question.split(" (", 1)[0])  # not in the context a short part carries: "By how much? (How many jobs…)"
    tokens: list[str] = []
    for w in re.findall(r"[\w'’-]+", m.group(1) if m else ""):
        if w.lower() in STOPWORDS or len(tokens) == 3:
            break
        tokens.append(w)
    head = next((w for w in tokens if w.endswith("s") and not w[0].isupper()), tokens[0] if tokens else None)
    return stem(head.lower()) if head else None


def _quantity(sentence: str, question: str, date: str | None = None) -> list[Span]:
    text = re.sub(r"\bNo\.\s*\d+", lambda m: " " * len(m.group(0)), sentence)  # "base No. 201" counts nothing
    noun = counted_noun(question)
    out = []
    for m in _QUANTITY.finditer(text):
        span = trim(m.group(0))
        if not span or _YEAR.match(_first_number(span)) or _is_date_number(span, text):
            continue
        following = [stem(w) for w in words(text[m.start():m.end() + 40])[:5]]
        fit = 1.0 if noun and noun in following else 0.75 if len(span.split()) > 1 else 0.5
        out.append(Span(with_noun(span, text, m.start(), noun), fit))
    return out


def _first_number(span: str) -> str:
    return next((w for w in span.split() if w[:1].isdigit()), "x")


def with_noun(span: str, text: str, start: int, noun: str | None) -> str:
    """"7,000 Russian" -> "7,000 Russian troops" when the counted noun follows within two words."""
    if not noun:
        return span
    tail = text[start + len(span):].split()[:2]
    for i, w in enumerate(tail):
        if stem(w.strip(",.;:").lower()) == noun:
            return trim(" ".join([span, *tail[:i + 1]]))
    return span


def _is_date_number(span: str, sentence: str) -> bool:
    at = sentence.find(span)
    around = sentence[max(0, at - 12):at + len(span) + 12]
    return bool(re.search(rf"{MONTHS}\s\d|\d\s{MONTHS}", around)) and len(span.split()) <= 2


def _money(sentence: str, question: str, date: str | None = None) -> list[Span]:
    spans = [Span(trim(m.group(0)), 1.0) for m in _MONEY.finditer(sentence)]
    return spans or _quantity(sentence, question, date)


def _date(sentence: str, question: str, date: str | None = None) -> list[Span]:
    # A date the question already gives ("what happened in 2001?") answers nothing.
    out = []
    for m in _DATE.finditer(sentence):
        span = trim(m.group(0))
        if span and fold(span) not in fold(question):
            out.append(Span(dated(span, date), 1.0 if re.search(r"\d", span) else 0.75))
    return out


def placed(kind: str | None, span: str) -> bool:
    """Can a reader place the span? A date answer must be on a calendar: "today" or "on Wednesday" in
    an undated article (left as written by `dated`) is not one, and is never asserted."""
    return kind != "date" or bool(re.search(r"\d", span))


_DAY_MONTH = re.compile(rf"(?:{DAYS},? )?(?:\d{{1,2}}(?:st|nd|rd|th)? {MONTHS}|{MONTHS} \d{{1,2}}(?:st|nd|rd|th)?)")


def dated(span: str, date: str | None, keep: bool = False) -> str:
    """A relative date takes the date it means ("yesterday" -> "26 February 2017"; with `keep`, both:
    "Wednesday (19 May 2021)"); a day and month without a year take the article's year ("on February 27"
    -> "February 27, 2017")."""
    meant = resolve(span, date)
    if meant:
        return f"{span} ({meant})" if keep else meant
    bare = _PREPOSITION.sub("", span) if re.search(r"\d", span) else span
    year = year_of(date)
    if year and _DAY_MONTH.fullmatch(bare):
        return f"{bare}, {year}" if bare[-1].isdigit() else f"{bare} {year}"
    return bare


def _names(pattern: re.Pattern, sentence: str, question: str) -> list[Span]:
    out = []
    for m in pattern.finditer(sentence):
        span = (m.groupdict().get("name") or m.group(0)).strip(" ,.")
        while span.split() and span.split()[0] in _LEADING_WORDS and len(span.split()) > 1:
            span = span.split(" ", 1)[1]  # "The Democrats" -> "Democrats"
        start = sentence.find(span, m.start())
        if not span or (start == 0 and len(span.split()) == 1) or span.split()[0] in _LEADING_WORDS:
            continue  # a capital that opens the sentence is no name by itself
        if _DATE.fullmatch(span) or re.fullmatch(MONTHS + "|" + DAYS, span):
            continue
        out.append(Span(trim(span), 0.5 + 0.5 * near_question(sentence, start, start + len(span), question)))
    return out


_PERSON_NAME = re.compile(rf"(?<!\bin )(?<!\bat )(?<!\bfrom )(?<!\bto )(?:{_TITLES}\s{_NAME}|[A-Z][\w'’.-]*(?:\s(?:(?:de|van|von|al|bin|du|la|le)\s)?[A-Z][\w'’.-]*)+)")


def _person(sentence: str, question: str, date: str | None = None) -> list[Span]:
    # A person is a full name or a titled one ("Senator Greig"); a lone capital is too often a place.
    return _names(_PERSON_NAME, sentence, question)


def _place(sentence: str, question: str, date: str | None = None) -> list[Span]:
    return _names(_PLACE, sentence, question) or _names(_NAMED, sentence, question)


def _org(sentence: str, question: str, date: str | None = None) -> list[Span]:
    return _names(_NAMED, sentence, question)


FINDERS = {"quantity": _quantity, "money": _money, "date": _date, "person": _person, "place": _place,
            "org": _org}
