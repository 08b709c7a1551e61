"""Follow-ups rewritten into standalone questions without an LLM: pronouns and ellipsis are
filled from the previous (already standalone) question.

"Where are Russian troops in Tajikistan based?" then "And how many are there?" becomes
"How many Russian troops are in Tajikistan?"; "What about Kyrgyzstan?" swaps the name.
"""

from __future__ import annotations

import re

_FOLLOW_UP = re.compile(
    r"^(and|but|so|also|then|what about|how about)\b|\b(there|it|its|they|them|their|he|she|his|her|him|"
    r"that|this|those|these|the same)\b(?! (is|are|was|were) (a|an|the)\b)", re.I)
_LEADING = re.compile(r"^(?:and|but|so|also|then)\b[\s,]*", re.I)
_AUX = r"(?:is|are|was|were|did|does|do|has|have|had|will|would|can|could)"
_PLACE = re.compile(r"\b((?:in|at|near|on|inside) (?:the )?[A-Z][\w'’-]*(?: [A-Z][\w'’-]*)*)")
_NAME = re.compile(r"(?<!^)(?<![.?!] )\b([A-Z][\w'’-]*(?: (?:of |de |al-)?[A-Z][\w'’-]*)*)")
_PRONOUN = re.compile(r"\b(he|she|him|they|them|it|his|her|its|their)\b", re.I)
_POSSESSIVE = {"his", "her", "its", "their"}


def is_follow_up(question: str) -> bool:
    """Does the question lean on an earlier one ("and how many are there?", "who leads it?")?"""
    return bool(_FOLLOW_UP.search(question)) or len(question.split()) <= 3


def rewrite(question: str, previous: list[str]) -> str:
    """A standalone question: the follow-up with what it leans on spelled out from the last question."""
    if not previous or not is_follow_up(question):
        return question
    prev = re.sub(r"\s*\([^)]*\)$", "", previous[-1].strip().rstrip("?"))  # never nest an earlier rewrite
    core = _LEADING.sub("", question.strip()).rstrip("?").strip()
    about = re.match(r"^(?:what|how) about (.+)$", core, re.I)
    asks = re.search(r"\b(who|whom|whose|what|when|where|why|how|which)\b", core, re.I)
    if about or (len(core.split()) <= 3 and not asks):
        return _swap(prev, about.group(1) if about else core)
    if len(core.split()) <= 3 and not _PRONOUN.search(core) and not re.search(r"\bthere\b", core, re.I):
        return _sentence(f"{core} ({prev[:1].lower()}{prev[1:]})")  # "Since when?": the question it asks about
    subject, place = _subject(prev), _place(prev)
    text = _fill_there(core, place, subject)
    text = _fill_count(text, subject)
    text = _PRONOUN.sub(lambda m: _referent(m.group(1), subject), text, count=1) if subject else text
    return _sentence(text)


def _swap(prev: str, new: str) -> str:
    """The previous question about `new` instead: its last name (or noun) replaced."""
    names = [m for m in _NAME.finditer(prev)]
    if names:
        last = names[-1]
        return _sentence(prev[:last.start()] + new + prev[last.end():])
    return _sentence(f"{prev} ({new})")


def _subject(prev: str) -> str | None:
    """What the previous question is about: "who is X" -> X; "who leads Y" -> "the person who leads Y";
    "where are Russian troops based" -> "Russian troops"."""
    m = re.match(rf"^who ({_AUX}) (.+)$", prev, re.I)
    if m and not re.match(r"^[a-z]+(ed|en|ing)\b", m.group(2)):  # "who is X" names X; "who was arrested" does not
        return m.group(2)
    if m:
        return f"the person who {m.group(1)} {m.group(2)}"
    m = re.match(r"^who (\w+ .+)$", prev, re.I)
    if m:
        return f"the person who {m.group(1)}"
    m = re.match(r"^how (?:many|much) (.+?) (?:is|are|was|were)\b", prev, re.I)
    if m:  # "How many Russian troops are in X?" is about Russian troops
        return m.group(1)
    m = re.match(rf"^(?:what|when|where|why|how(?: many| much)?(?: \w+)?|which \w+) ({_AUX}) (.+)$", prev, re.I)
    if m:
        phrase = re.split(r"\b(?:in|at|on|to|from|for|with|by|about|near|inside|after|before|during)\b", m.group(2))[0].split()
        if m.group(1).lower() in ("did", "does", "do", "will", "would", "can", "could") and len(phrase) > 1:
            caps = next((i for i, w in enumerate(phrase) if not w[:1].isupper()), len(phrase))
            # "did China issue the rules" -> China; "does the base have" -> the base
            phrase = phrase[:caps] if caps else phrase[:-1]
        while len(phrase) > 1 and re.search(r"(ed|ing)$", phrase[-1]) and phrase[-1].islower():
            phrase = phrase[:-1]  # "are Russian troops based" -> Russian troops
        if phrase:
            return " ".join(phrase)
    names = _NAME.findall(prev)
    return names[0] if names else None


def _place(prev: str) -> str | None:
    m = _PLACE.search(prev)
    return m.group(1) if m else None


def _fill_there(text: str, place: str | None, subject: str | None) -> str:
    """"are there" -> "are in Tajikistan" (or "at the base" when the question was about a thing)."""
    if not re.search(r"\bthere\b", text, re.I):
        return text
    target = place or (f"at {subject}" if subject and not subject.startswith("the person") else None)
    return re.sub(r"\bthere\b", target, text, count=1, flags=re.I) if target else text


def _fill_count(text: str, subject: str | None) -> str:
    """"how many are ..." -> "how many Russian troops are ..." (the counted thing was left out)."""
    if subject and re.match(rf"^how (many|much) {_AUX}\b", text, re.I) and not subject.startswith("the person"):
        words = text.split(" ", 2)
        return f"{words[0]} {words[1]} {re.sub(r'^(the|a|an) ', '', subject)} {words[2]}"
    return text


def _referent(pronoun: str, subject: str) -> str:
    return f"{subject}'s" if pronoun.lower() in _POSSESSIVE else subject


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text[:1].upper() + text[1:] + "?"
