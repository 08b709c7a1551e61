"""Bytes to text: UTF-8 first, then the most plausible legacy encoding. Readers of text formats use it."""

from __future__ import annotations

import re

from rag.errors import LoadError


def decode_text(data: bytes) -> str:
    """Bytes to str: UTF-8 first, then the most plausible legacy encoding (cp1251, latin-1, ...)."""
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LoadError("binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    western = _western(data) if len(data) <= SHORT_TEXT else None
    if western is not None:
        return western
    from charset_normalizer import from_bytes

    matches = from_bytes(data)
    best = _likeliest(list(matches))
    if best is None:
        raise LoadError("undecodable text (not UTF-8 or a known encoding)")
    text = str(best)
    if control_ratio(text) > 0.05:
        raise LoadError("binary file, not text")
    return text


# Legacy code pages by how common they are on the web (W3Techs), for readings detection cannot separate.
_COMMON = ("cp1252", "latin_1", "cp1251", "cp1250", "cp1256", "cp1254", "iso8859_2", "iso8859_15", "koi8_r")
_RANK = {encoding: i for i, encoding in enumerate(_COMMON)}


def _likeliest(matches: list):
    """The best reading; but among readings as clean as it, one in a cased script whose letters are
    mostly lower case (as prose is), in the commonest code page. The wrong Cyrillic table swaps the
    cases (cp1251 read as KOI8-R gives "ОПНЬКХ" for "прошли"); a short cp1251 text ties with Hebrew
    (cp1255), Greek (cp1253) and Mac Cyrillic readings (the last differs only in capitals: "ѕодписали"
    for "Подписали"), and cp1251 is the commonest: Hypothesis found all four. The cost: a short Hebrew
    or Greek legacy text that ties with a Cyrillic reading is read as Cyrillic; longer texts rarely tie."""
    if not matches:
        return None
    tied = [m for m in matches if m.chaos <= matches[0].chaos]
    return min(tied, key=lambda m: (_lower_share(str(m)) < 0.5, _RANK.get(m.encoding, len(_RANK))))


def _lower_share(text: str) -> float:
    """Share of lower-case letters among letters that have a case (0 for a caseless script)."""
    letters = [c for c in text if c.lower() != c.upper()]
    return sum(c.islower() for c in letters) / len(letters) if letters else 0.0


SHORT_TEXT = 4096  # bytes: below this, statistical detection guesses ("Café" read as "Cafť" in mac_latin2)
_WESTERN_MARKS = set("“”‘’‚„–—…•€™«»°§©®±·¿¡\u00a0")


def _western(data: bytes) -> str | None:
    """A short text as Windows-1252, the commonest legacy encoding of Western news, when it reads
    as Western text: words of ASCII letters with a few accented ones (Russian in cp1251 would read
    as words of nothing but accented letters, Polish in cp1250 as symbols in words); else None."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    accented = [c for c in text if ord(c) > 127 and c not in _WESTERN_MARKS]
    if not all(c.isalpha() and ord(c) <= 0x17F for c in accented):
        return None
    words = re.findall(r"[^\W\d_]{3,}", text)
    foreign = [w for w in words if not re.search("[A-Za-z]", w)]
    return None if len(foreign) > 0.25 * len(words) else text


def control_ratio(text: str) -> float:
    sample = text[:20000]
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    return bad / max(1, len(sample))
