"""A collection's row as an article's fields: which of its keys (a JSON object's, a CSV header's columns)
holds the id, title, date, outlet, url and text, by the common names news exports use or by a field map
(`--fields text=body`), and the Row that results, or the RowFailure that says why none does. Pure."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

FIELD_CHARS = 1_000_000  # the most one field may hold: a long read is 100,000 characters
NAME_CHARS = 200  # an id longer than this names no article
URL_CHARS = 2048

ALIASES = {  # field -> the names it goes by, folded (lower case, letters and digits): first found wins
    "id": ("id", "guid"),  # "_id" folds to "id"
    "title": ("title", "headline"),
    "date": ("published", "date", "publishedat", "pubdate", "publishdate", "datepublished"),
    "outlet": ("publisher", "source", "outlet", "site", "publication", "sitename"),
    "url": ("url", "link"),
    "text": ("text", "content", "body", "article", "maintext"),
}


@dataclass(frozen=True)
class Row:
    """One article of a collection, as its row gives it (values as written, stripped)."""

    line: int  # where the row starts in the file, 1-based
    id: str  # its id field, else its number: the line (JSONL) or the data row (CSV, 1 = under the header)
    text: str
    title: str | None = None
    date: str | None = None  # as written; None when the row has no date
    outlet: str | None = None
    url: str | None = None

    @property
    def digest(self) -> str:
        """The row's content hash: what it says, whatever its place in the file or its id."""
        said = json.dumps([self.title, self.date, self.outlet, self.url, self.text], ensure_ascii=False)
        return hashlib.sha256(b"row\x00" + said.encode()).hexdigest()


@dataclass(frozen=True)
class RowFailure:
    line: int
    reason: str
    id: str | None = None  # the name its row has, when it can be told
    kind: str = "row"  # row | no-text (no text field at all) | header (a CSV header that cannot be read)


Item = Row | RowFailure


class Names:
    """Which key of a row holds each field: the field map's column, else the first common name."""

    def __init__(self, fields: Mapping[str, str]) -> None:
        self.fields = dict(fields)
        self._seen: dict[tuple[str, ...], dict[str, str]] = {}  # rows of one collection share their keys

    def of(self, keys: Iterable[str]) -> dict[str, str]:
        keys = tuple(keys)
        if keys not in self._seen:
            if len(self._seen) > 256:  # keys that differ row by row must not grow without bound
                self._seen.clear()
            self._seen[keys] = self._resolve(keys)
        return self._seen[keys]

    def _resolve(self, keys: tuple[str, ...]) -> dict[str, str]:
        folded = {}
        for key in keys:
            folded.setdefault(_fold(key), key)
        out = {}
        for field, aliases in ALIASES.items():
            named = self.fields.get(field)
            # the name the map gives, then the common ones: one map (the setting) serves collections of
            # several sources, each under its own names
            spellings = (_fold(named or ""), *aliases)
            found = named if named in keys else next((folded[a] for a in spellings if a in folded), None)
            if found is not None:
                out[field] = found
        return out

    def looked_for(self, field: str) -> str:
        named = self.fields.get(field)
        return ", ".join([repr(named)] * bool(named) + list(ALIASES[field]))


def _fold(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def make_row(values: Mapping[str, object], line: int, number: str, names: Names) -> Item:
    """A Row from one row's values by key, or the RowFailure that says what is wrong with it."""
    keys = names.of(values)
    got = {field: _scalar(values.get(key)) for field, key in keys.items()}
    name = (got.pop("id", None) or "").strip() or number
    if len(name) > NAME_CHARS or re.search(r"[\x00-\x1f\x7f-\x9f]", name):
        return RowFailure(line, f"field {keys['id']!r} is no usable id (over {NAME_CHARS} characters, or "
                                "control characters)", number)
    big = next((field for field, value in got.items() if value is not None and len(value) > FIELD_CHARS), None)
    if big:
        return RowFailure(line, f"field {keys[big]!r} is {len(got[big] or ''):,} characters, over the "
                                f"{FIELD_CHARS:,} a field may hold", name)
    if "text" not in keys:
        fields = ", ".join(list(values)[:20]) or "none"
        return RowFailure(line, f"no text field (looked for {names.looked_for('text')}; its fields: {fields}): "
                                "name it with --fields text=FIELD", name, "no-text")
    got = {field: value.strip() or None for field, value in got.items() if value is not None}
    if not got.get("text"):
        return RowFailure(line, f"field {keys['text']!r} (its text) is empty or not text", name)
    if len(got.get("url") or "") > URL_CHARS:
        return RowFailure(line, f"field {keys['url']!r} is over {URL_CHARS:,} characters: no url", name)
    return Row(line, name, **got)  # type: ignore[arg-type]


def _scalar(value: object) -> str | None:
    """A value as text: strings, numbers, a list of strings (paragraphs); an object by its name
    ({"name": "BBC News"}, as news APIs give a source) or its MongoDB form ({"$oid": …}, {"$date": …})."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return "\n\n".join(value)
    if isinstance(value, dict):
        return _scalar(next((value[k] for k in ("name", "$oid", "$date", "$numberLong") if k in value), None))
    return None
