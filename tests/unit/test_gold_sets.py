"""The eval harness end to end: the gold set is valid, a run and a small sweep write reports with plots."""


import pytest
from helpers import CORPUS, ROOT

from rag.errors import InputError
from rag.eval.gold import load_gold
from rag.eval.run import parse_sweep
from rag.ingest.load import SourceFile, load_file
from rag.ingest.metadata import build_article

GOLD = ROOT / "eval" / "gold.jsonl"


def test_gold_set_is_complete_and_its_evidence_is_verbatim():
    items = load_gold(GOLD)
    texts = {p.name: build_article(load_file(SourceFile(p, CORPUS), 10**7)).text for p in CORPUS.iterdir()}
    assert len(items) >= 60 and sum(not i.answerable for i in items) >= 12
    assert {"number", "date", "who", "where", "paraphrase", "followup"} <= {i.kind for i in items}
    for item in items:
        assert all(s in texts for s in item.gold_sources), item.id
        for ev in item.evidence:
            assert any(ev in texts[s] for s in item.gold_sources), (item.id, ev)
        if item.answerable:
            assert item.key_facts and item.reference and item.evidence, item.id


def test_gold_errors_name_line_and_field(tmp_path):
    bad = tmp_path / "g.jsonl"
    bad.write_text('{"id": "a", "question": "Q?", "answerable": true, "gold_sources": []}\n')
    with pytest.raises(InputError, match=r"g.jsonl:1: an answerable question needs 'gold_sources'"):
        load_gold(bad)
    bad.write_text('{"id": "a", "question": "Q?", "answerable": "maybe"}\n')
    with pytest.raises(InputError, match=r"g.jsonl:1: field 'answerable' must be true or false"):
        load_gold(bad)


def test_csv_gold_sets_are_read(tmp_path):
    path = tmp_path / "g.csv"
    path.write_text("id,question,answerable,gold_sources,key_facts,reference\n"
                    "c1,How many troops?,true,003_daad56808568b6dc.txt;004_d3314de6100c5788.txt,7000,About 7000\n"
                    "c2,Population?,false,,,\n")
    items = load_gold(path)
    assert items[0].gold_sources == ("003_daad56808568b6dc.txt", "004_d3314de6100c5788.txt") and not items[1].answerable


def test_bad_sweep_spec_is_refused():
    with pytest.raises(InputError, match="expected SETTING=V1,V2"):
        parse_sweep(["nonsense=1,2"])
    assert parse_sweep(["top_k=3,5", "answer_threshold=0.2"]) == {"top_k": [3, 5], "answer_threshold": [0.2]}


def test_chunk_relevance_counts_unretrieved_evidence_chunks():
    from rag.eval.gold import GoldItem
    from rag.eval.run import score_item
    from rag.records import Answer, Chunk, Hit

    text = "Intro line here.\n\nThe base hosts 7,000 troops. They arrived in 2004."
    item = GoldItem("x", "How many troops?", True, ("a.txt",), ("The base hosts 7,000 troops.",), "7,000", ("7,000",))
    ev = text.index("The base")
    chunks = [("c1", 0, 16), ("c2", ev, ev + 20), ("c3", ev + 10, len(text))]  # c2 and c3 both hold evidence
    hit = Hit(Chunk("c2", "a.txt", 1, text[ev:ev + 20], ev, ev + 20), 0.8, "t", None, None)
    row = score_item(item, Answer("q", "The base hosts 7,000 troops. [1]", False, hits=(hit,)), 5,
                     lambda s: text, lambda s: chunks)
    assert (row["chunk_hit"], row["chunk_recall"], row["chunk_mrr"]) == (1.0, 0.5, 1.0)
    assert row["evidence_recall"] == 0.0  # c2 alone stops mid-sentence


def test_the_held_out_dev_set_marks_outcomes_and_its_evidence_is_verbatim():
    folder = ROOT / "eval" / "dev-corpus"
    items = load_gold(ROOT / "eval" / "gold-dev-heldout.jsonl")
    texts = {p.name: build_article(load_file(SourceFile(p, folder), 10**7)).text for p in folder.iterdir()}
    assert len(items) == 70 and {i.expected for i in items} == {"answered", "declined"}
    for item in items:
        assert item.expected == ("answered" if item.answerable else "declined"), item.id
        assert all(any(ev in texts[s] for s in item.gold_sources) for ev in item.evidence), item.id


def test_an_expected_outcome_is_one_of_the_three(tmp_path):
    bad = tmp_path / "g.jsonl"
    bad.write_text('{"id": "a", "question": "Q?", "answerable": false, "expected": "maybe"}\n')
    with pytest.raises(InputError, match=r"g.jsonl:1: field 'expected' must be one of answered, passages, declined"):
        load_gold(bad)
    bad.write_text('{"id": "a", "question": "Q?", "answerable": false}\n')
    assert load_gold(bad)[0].expected == "declined"


@pytest.mark.parametrize("gold, folders", [("gold-news.jsonl", ["news-corpus"]), ("gold-time.jsonl", ["../corpus", "dev-corpus"])])
def test_the_time_differ_and_copies_sets_are_verbatim_and_name_their_copies(gold, folders):
    """Issue 26's gold: evidence is in its article as loaded, and a same_story group names indexed files."""
    texts = {p.name: build_article(load_file(SourceFile(p, p.parent), 10**7)).text
             for f in folders for p in (ROOT / "eval" / f).iterdir() if p.suffix == ".txt"}
    items = load_gold(ROOT / "eval" / gold)
    assert {"time", "latest", "differ", "unanswerable"} <= {i.kind for i in items}
    for item in items:
        assert all(s in texts for s in item.gold_sources + item.same_story), item.id
        assert all(any(" ".join(ev.split()) in " ".join(texts[s].split()) for s in item.gold_sources)
                   for ev in item.evidence), item.id


def test_wrong_facts_and_same_story_are_read_and_checked(tmp_path):
    g = tmp_path / "g.jsonl"
    g.write_text('{"question": "q?", "gold_sources": ["a.txt"], "key_facts": ["300"], "wrong_facts": ["450"], '
                 '"same_story": ["a.txt", "b.txt"]}\n{"question": "r?", "gold_sources": ["a.txt"], "wrong_facts": "450"}\n')
    with pytest.raises(InputError, match=r"g.jsonl:2: field 'wrong_facts' must be a list of strings"):
        load_gold(g)
    g.write_text(g.read_text().splitlines()[0])
    item = load_gold(g)[0]
    assert item.wrong_facts == ("450",) and item.same_story == ("a.txt", "b.txt")
