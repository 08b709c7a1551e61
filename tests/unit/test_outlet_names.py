"""Outlets by the names news readers use (issue 24): a short name, or the first words of one outlet's
name; first words two outlets share are refused, naming both; the packaged names mean one outlet each."""

from __future__ import annotations

import tomllib

import pytest

from rag.errors import InputError
from rag.lexicon.outlets import PACKAGED, fold, load_aliases, outlet, same_outlet
from rag.records import AskOptions, Filters

STORED = {"Yonhap News Agency", "Radio Free Europe/Radio Liberty", "Radio Ozodi", "Itar-Tass", "TASS",
          "The Associated Press", "AP Tajikistan", "Kyodo News Agency"}


@pytest.mark.parametrize("typed, found", [
    ("Yonhap", ("Yonhap News Agency",)),  # the report's example
    ("yonhap news", ("Yonhap News Agency",)),
    ("KYODO", ("Kyodo News Agency",)),
    ("Radio Free", ("Radio Free Europe/Radio Liberty",)),  # first words of a spelling the alias file knows
    ("RFE/RL", ("Radio Free Europe/Radio Liberty",)),
    ("itar tass", ("Itar-Tass", "TASS")),
    ("AP", ("The Associated Press",)),  # a known short name names its outlet only, never "AP Tajikistan"
    ("AP Tajikistan", ("AP Tajikistan",)),
    ("Yon", ()),  # first words, not first letters
    ("News Agency", ()),  # the start of a name, not any part of it
])
def test_an_outlet_is_found_by_its_first_words_or_a_short_name(typed, found):
    assert same_outlet((typed,), STORED, load_aliases()) == found


def test_first_words_two_outlets_share_are_refused_naming_both():
    with pytest.raises(InputError) as caught:
        same_outlet(("radio",), STORED, load_aliases())
    assert "'Radio Free Europe/Radio Liberty' or 'Radio Ozodi'" in str(caught.value)
    assert "give more of its name" in str(caught.value)


def test_the_names_a_news_reader_expects_are_packaged():
    aliases = load_aliases()
    for short, name in [("Yonhap News Agency", "Yonhap"), ("UPI", "United Press International"),
                        ("Kyodo", "Kyodo News"), ("EFE", "Agencia EFE"), ("ANSA", "ANSA"),
                        ("Anadolu", "Anadolu Agency"), ("PTI", "Press Trust of India"), ("CNN", "CNN"),
                        ("NYT", "The New York Times"), ("New York Times", "The New York Times"),
                        ("RFE/RL", "Radio Free Europe/Radio Liberty"), ("AP", "Associated Press"),
                        ("AFP", "Agence France-Presse"), ("ITAR-TASS", "TASS")]:
        assert outlet(short, aliases) == name, short


def test_each_packaged_spelling_names_one_outlet():
    """A spelling listed under two outlets would silently name the last one read."""
    seen: dict[str, str] = {}
    for shown, others in tomllib.loads(PACKAGED.read_text(encoding="utf-8")).items():
        for spelling in (shown, *others):
            assert seen.setdefault(fold(spelling), shown) == shown, (spelling, seen[fold(spelling)], shown)
    assert "abc" not in seen  # American or Australian: a short name that names no one outlet


def test_a_filter_by_first_words_answers_from_that_outlet(sample_memory):
    rfe = {r.source for r in sample_memory.catalog() if r.outlet == "Radio Free Europe/Radio Liberty"}
    options = AskOptions(top_k=10, filters=Filters(publishers=("radio free",)))
    hits = sample_memory.ask("How many Russian troops are stationed in Tajikistan?", options).hits
    assert hits and {h.chunk.source for h in hits} == rfe
