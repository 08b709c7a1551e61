"""The numbers a text states: as tokens ("21,000" is 21000, as `words` reads it) and as values, in
digits or in words ("seven thousand" is 7000), for checking that a sentence states what its source does."""

from __future__ import annotations

from rag.lexicon.words import words

_UNITS = {w: n for n, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve thirteen "
                                     "fourteen fifteen sixteen seventeen eighteen nineteen".split())}
_UNITS.update({w: 10 * n for n, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)})
_SCALES = {"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9}


def numbers(text: str) -> set[str]:
    """The number tokens of `text` as `words` writes them: "21000", "3.5", "21st"."""
    return {w for w in words(text) if w[0].isdigit()}


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
