"""Pure text helpers shared by answering and citation checks: sentences, terms, numbers."""

from __future__ import annotations

import re
from functools import lru_cache

_ABBREV = {"mr", "mrs", "ms", "dr", "st", "no", "gen", "col", "lt", "sgt", "capt", "gov", "sen", "rep",
           "u.s", "u.k", "u.n", "n.w", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
           "oct", "nov", "dec", "inc", "corp", "co", "ltd", "vs", "etc", "e.g", "i.e", "approx"}
# A sentence also ends before markup ("<script>", "![img]"): planted markup must not glue an
# instruction to the real sentence after it, or dropping the instruction drops the fact too.
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9А-ЯЁ]|<[A-Za-z/!]|!\[)|\n\s*\n|\n(?=\S)")
_WORD = re.compile(r"[A-Za-zÀ-ÿА-Яа-яЁё]+(?:['’][A-Za-z]+)?|\d+(?:[.,]\d+)*(?:st|nd|rd|th)?")
STOPWORDS = frozenset("""
a an the and or but if then than so of to in on at by for from with without about as into onto over under
is are was were be been being am do does did doing have has had having will would shall should can could
may might must this that these those it its it's he she they them his her their there here we our you your
i me my what which who whom whose when where why how many much also not no yes any some all each both more
most other such only own same too very just up down out off again further once during before after above
below between through while until because per via said says say told according one ones its
""".split())
QUESTION_WORDS = frozenset("what which who whom whose when where why how many much does did do is are was were".split())


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in `text`; abbreviations like "U.S." do not end one."""
    spans, start = [], 0
    for m in _BOUNDARY.finditer(text):
        word = text[max(0, m.start() - 6):m.start() + 1].split()[-1].lower().rstrip(".") if m.group().startswith(".") else ""
        if word in _ABBREV or re.fullmatch(r"[a-z]", word):
            continue
        _add_span(text, start, m.end(), spans)
        start = m.end()
    _add_span(text, start, len(text), spans)
    return spans


def _add_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    piece = text[start:end]
    lead = len(piece) - len(piece.lstrip())
    trail = len(piece.rstrip())
    if trail > lead:
        spans.append((start + lead, start + trail))


def words(text: str) -> list[str]:
    """Lower-cased word and number tokens; "21,000" becomes "21000"."""
    return [w.lower().replace(",", "").replace("’", "'") for w in _WORD.findall(text)]


def fold(word: str) -> str:
    """Lower-cased, hyphens and apostrophes dropped: Al-Jazeera and "Al Jazeera" meet as aljazeera."""
    return re.sub(r"[-'’\s]", "", word.lower())


@lru_cache(maxsize=1)
def _snowball():
    import Stemmer  # PyStemmer: the Snowball stemmer BM25 uses too

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The word's Snowball stem: troops/troop, stationed/station, attacks/attacking."""
    if word.isdigit() or len(word) <= 3:
        return word
    return _snowball().stemWord(word.replace("'", ""))


def content_terms(text: str) -> set[str]:
    """Stemmed content words of `text` (stopwords and question words removed)."""
    return {stem(w) for w in words(text) if w not in STOPWORDS and w not in QUESTION_WORDS and len(w) > 1}


def numbers(text: str) -> set[str]:
    return {w for w in words(text) if w[0].isdigit()}


_UNITS = {w: n for n, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve thirteen "
                                     "fourteen fifteen sixteen seventeen eighteen nineteen".split())}
_UNITS.update({w: 10 * n for n, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)})
_SCALES = {"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9}


def quantities(text: str) -> set[float]:
    """The values a text states, whether in digits or words, with their scale: "7,000" and "seven
    thousand" are 7000, "7,000 million" is 7e9, "six thousands" 6000. A lone "one" is left out: it is
    more often a pronoun ("one of them") than a count."""
    out: set[float] = set()
    group: list[float] = []  # [value so far, sum of completed thousands-groups] while a number is read
    pronoun = False  # the group is the word "one" alone so far
    for w in words(text) + [""]:
        w = w[:-1] if w[:-1] in _SCALES else w  # "thousands" reads as "thousand"
        if group and w in _SCALES:
            value, done = group
            group = [0.0, done + value * _SCALES[w]] if _SCALES[w] >= 1e3 else [value * _SCALES[w], done]
            pronoun = False
        elif group and w in _UNITS:
            group[0] += _UNITS[w]
            pronoun = False
        else:
            if group and not pronoun:
                out.add(sum(group))
            group = [_number(w), 0.0] if w[:1].isdigit() else [float(_UNITS[w]), 0.0] if w in _UNITS else []
            pronoun = w == "one"
    return out


def _number(token: str) -> float:
    try:
        return float(token.rstrip("stndrh"))
    except ValueError:
        return float("nan")


_NEGATIONS = frozenset("no not never none nobody nothing neither nor without cannot".split())


def negated(text: str) -> bool:
    """Does the sentence deny what it states ("No troops are stationed", "did not", "isn't")?"""
    return any(w in _NEGATIONS or w.endswith("n't") for w in words(text))


_INSTRUCTION = re.compile(
    r"\b(ignore|disregard|forget|override) (all |any )?(the |your )?(previous|prior|above|earlier|preceding|original) "
    r"(instructions|prompts?|rules|guidance|guidelines|directions|directives|messages|context)"
    r"|\b(system prompt|you are now|new instructions|act as|reply (only )?with|respond (only )?with|do not cite)\b", re.I)


def is_instruction(sentence: str) -> bool:
    """A sentence addressed to a language model rather than to a reader of the news (prompt injection)."""
    return bool(_INSTRUCTION.search(sentence))


def balance_quotes(text: str) -> str:
    """A sentence whose double quotation marks pair up: a quotation it opens and a later sentence
    closes is closed at its end; one closed here but opened earlier is opened at its start."""
    opens, closes = text.count("“"), text.count("”")
    text = text + "”" * (opens - closes) if opens > closes else "“" * (closes - opens) + text
    if text.count('"') % 2:
        text = text + '"' if text.lstrip().startswith('"') else '"' + text
    return text


def as_quote(text: str) -> str:
    """A passage shown as a quotation: balanced, in curly quotes unless it opens with its own."""
    text = balance_quotes(text.strip())
    return text if text[:1] in "“\"" else f"“{text}”"
