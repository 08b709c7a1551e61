"""Outlets: one outlet in any spelling, for listings and filters, with aliases users can add."""

from __future__ import annotations

import pytest

from rag.errors import ConfigError, InputError
from rag.lexicon.outlets import load_aliases, outlet, same_outlet
from rag.records import AskOptions, Filters
from rag.web.corpus import outlet_choices

TROOPS = "How many Russian troops are stationed in Tajikistan?"


def test_spellings_of_one_outlet_are_one_outlet():
    aliases = load_aliases()
    assert {outlet(s, aliases) for s in ("Itar-Tass", "Itar Tass", "ITAR TASS", "TASS", "tass")} == {"TASS"}
    assert outlet("  Dushanbe   Evening ", aliases) == "Dushanbe Evening"  # unknown: kept as spelled
    stored = {"Itar-Tass", "Itar Tass", "TASS", "GDC"}
    assert same_outlet(("itar tass",), stored, aliases) == ("Itar Tass", "Itar-Tass", "TASS")
    assert same_outlet(("gdc",), stored, aliases) == ("GDC",)


def test_a_users_alias_file_adds_outlets_and_a_broken_one_is_named(tmp_path):
    mine = tmp_path / "outlets.toml"
    mine.write_text('"Asia-Plus" = ["Asia Plus Media", "AP Tajikistan"]\n')
    assert outlet("asia plus media", load_aliases(mine)) == "Asia-Plus"
    mine.write_text('"Asia-Plus" = "Asia Plus Media"\n')
    with pytest.raises(ConfigError, match="outlets.toml.*must list its other spellings"):
        load_aliases(mine)


def test_the_outlet_list_has_each_outlet_once(sample_memory):
    choices = outlet_choices(sample_memory.catalog())
    assert choices.count("TASS") == 1 and not {"Itar-Tass", "Itar Tass"} & set(choices)
    assert {r.publisher for r in sample_memory.catalog()} >= {"Itar-Tass", "TASS"}  # as published, for display


def test_an_outlet_filter_ignores_case_and_spelling(sample_memory):
    tass = {r.source for r in sample_memory.catalog() if r.outlet == "TASS"}
    hits = sample_memory.ask(TROOPS, AskOptions(top_k=10, filters=Filters(publishers=("itar-tass",)))).hits
    assert hits and {h.chunk.source for h in hits} <= tass and len({h.chunk.source for h in hits}) > 1


@pytest.mark.parametrize("filters, message", [
    (Filters(publishers=("BBC",)), r"No article matches these filters \(outlet: BBC\)"),
    (Filters(date_from="2030"), r"No article matches these filters \(date_from: 2030\)"),
    (Filters(sources=("nope.txt",)), r"No article matches these filters \(file: nope.txt\)"),
    (Filters(date_from="2022", date_to="2010"), "the date range is reversed: date_from 2022 is after date_to 2010"),
])
def test_filters_no_article_passes_are_an_error_not_a_decline(sample_memory, filters, message):
    with pytest.raises(InputError, match=message):
        sample_memory.ask(TROOPS, AskOptions(filters=filters))


def test_the_catalog_names_one_outlet_for_three_spellings(tmp_path):
    """Issue 24: a listing showed TASS, Itar-Tass and Itar Tass as three outlets. Rag.catalog folds
    them (`outlet`); what showed three was a table of the spellings published (`publisher`)."""
    from fakes import memory_rag

    for n, spelling in enumerate(["TASS", "Itar-Tass", "Itar Tass"]):
        (tmp_path / f"{n}.txt").write_text(f"Border talks in Dushanbe, part {n}\n\nPublisher {spelling}\n\n"
                                           f"Officials met in Dushanbe on Tuesday for talks, part {n}.\n")
    rag = memory_rag(tmp_path)
    rag.ingest([tmp_path])
    assert sorted(r.publisher for r in rag.catalog()) == ["Itar Tass", "Itar-Tass", "TASS"]
    assert {r.outlet for r in rag.catalog()} == {"TASS"}


def test_the_web_corpus_table_shows_one_outlet_for_every_spelling():
    """Issue 24 #8: the Corpus tab showed TASS, Itar-Tass and Itar Tass as three outlets."""
    from dataclasses import replace

    from rag.lexicon.outlets import load_aliases, outlet
    from rag.records import ArticleSummary
    from rag.web.corpus import corpus_rows

    aliases = load_aliases()
    rows = [ArticleSummary(f"{n}.txt", "T", spelling, "2017", 1) for n, spelling in enumerate(("TASS", "Itar-Tass", "Itar Tass"))]
    rows = [replace(r, outlet=outlet(r.publisher, aliases)) for r in rows]
    assert {row[2] for row in corpus_rows(rows)} == {"TASS"}
