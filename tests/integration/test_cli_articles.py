"""A new user's CLI report (issue 24): `rag articles` and `rag show`, outlets by the names readers use,
JSON on stdout whatever happens with --json, and a resumed batch's progress."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from helpers import CORPUS
from typer.main import get_command
from typer.testing import CliRunner

from rag.cli.main import app

runner = CliRunner()
TROOPS = "How many Russian troops are in Tajikistan?"
EXTRA = {  # one outlet in three spellings, and an outlet known by its first word
    "tass-a.txt": ("TASS", "Russia and Tajikistan hold joint border exercises"),
    "tass-b.txt": ("Itar-Tass", "Tajik border guards receive Russian equipment"),
    "tass-c.txt": ("Itar Tass", "Dushanbe hosts CSTO security talks"),
    "yonhap.txt": ("Yonhap News Agency", "Seoul sends aid to Central Asian flood victims"),
}


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    """The sample corpus and EXTRA, ingested once; tests only read it."""
    root = tmp_path_factory.mktemp("articles")
    corpus = root / "corpus"
    shutil.copytree(CORPUS, corpus)
    for name, (publisher, title) in EXTRA.items():
        (corpus / name).write_text(f"{title}\n\nPublisher {publisher}\nPublication Date 3 March 2020\n\n"
                                   f"{title}, officials said on Tuesday. About 300 people took part in the "
                                   "events, which were planned for a year.\n", encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(corpus)], env={"RAG_INDEX_DIR": str(root / "index")})
    assert result.exit_code == 0, result.output
    return root / "index"


@pytest.fixture(autouse=True)
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no stray rag.toml
    return tmp_path


def invoke(index_dir, *args):
    return runner.invoke(app, [str(a) for a in args], env={"RAG_INDEX_DIR": str(index_dir)})


def test_articles_lists_each_article_with_its_outlet_and_human_date(index):
    text = invoke(index, "articles")
    assert text.exit_code == 0
    lines = {line.split()[0]: line for line in text.stdout.splitlines()[1:]}
    assert len(lines) == 9 and text.stdout.split()[:5] == ["file", "date", "outlet", "chunks", "title"]
    for name in ("tass-a.txt", "tass-b.txt", "tass-c.txt"):  # one outlet, however it was spelled
        assert re.match(rf"{name} +3 March 2020 +TASS +\d+ +{EXTRA[name][1]}$", lines[name]), lines[name]
    assert "Itar" not in text.stdout and "24 April (year not given)" in lines["001_4ecbdd51a9200624.txt"]
    rows = json.loads(invoke(index, "articles", "--json").stdout)
    assert {r["outlet"] for r in rows if r["source"].startswith("tass-")} == {"TASS"}
    assert {r["publisher"] for r in rows if r["source"].startswith("tass-")} == {"TASS", "Itar-Tass", "Itar Tass"}
    first = next(r for r in rows if r["source"] == "001_4ecbdd51a9200624.txt")
    assert (first["date"], first["date_precision"]) == ("--04-24", "month-day")
    stats = json.loads(invoke(index, "stats", "--json").stdout)
    assert sum(r["chunks"] for r in rows) == stats["chunks"] and len(rows) == stats["documents"]


def test_articles_and_show_on_no_index_say_what_stats_says(here):
    said = invoke(here / "index", "stats").stderr
    for args in (["articles"], ["show", "x.txt"]):
        result = invoke(here / "index", *args)
        assert result.exit_code == 2 and result.stderr == said and result.stdout == ""
    assert not (here / "index").exists()


def test_every_citation_quotes_the_text_rag_show_prints(index):
    record = json.loads(invoke(index, "ask", TROOPS, "--json").stdout)
    assert record["citations"]
    for c in record["citations"]:
        article = json.loads(invoke(index, "show", c["source"], "--json").stdout)
        assert article["text"][c["start"]:c["end"]] == c["quote"]
        assert (article["title"], article["date"]) == (c["title"], c["date"])
    shown = invoke(index, "show", "003_daad56808568b6dc.txt").stdout.splitlines()
    assert shown[:2] == ["Putin and Rahmon agree to bolster Tajik-Afghan border security",
                         "Radio Free Europe/Radio Liberty · 27 February 2017 · 003_daad56808568b6dc.txt"]


def test_show_takes_the_path_ingested_and_names_an_unknown_article(index):
    by_path = invoke(index, "show", index.parent / "corpus" / "tass-b.txt", "--json")
    assert json.loads(by_path.stdout)["outlet"] == "TASS"
    unknown = invoke(index, "show", "nope.txt")
    assert unknown.exit_code == 2 and unknown.stderr.count("\n") == 1
    assert "'nope.txt' is not an indexed article" in unknown.stderr and "rag articles" in unknown.stderr


def test_a_publisher_is_found_by_its_first_word(index):
    record = json.loads(invoke(index, "ask", "Who sent aid to flood victims?", "--publisher", "Yonhap", "--json").stdout)
    assert {c["source"] for c in record["citations"] + record["closest"]} == {"yonhap.txt"}
    refused = invoke(index, "ask", TROOPS, "--publisher", "Radio Free Europe/Radio Liberty Extra")
    assert refused.exit_code == 2 and "No article matches these filters" in refused.stderr


@pytest.mark.parametrize("args", [
    ["ask", TROOPS, "--since", "2022", "--until", "2010"], ["ask", TROOPS, "--publisher", "Nowhere Daily"],
    ["stats"], ["articles"], ["show", "nope.txt"], ["eval", "--gold", "nope.jsonl"],
    ["eval", "compare", "nope-a", "nope-b"], ["eval", "suite", "--suite", "nope.json"],
])
def test_with_json_an_error_is_json_on_stdout_too(here, index, args):
    target = here / "index" if args[0] in ("stats", "articles") else index  # stats, articles: no index
    result = invoke(target, *args, "--json")
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1
    assert json.loads(result.stdout) == {"error": result.stderr.strip().removeprefix("error: ")}


def test_every_json_option_is_one_the_error_handler_sees():
    """rag.cli.common.friendly prints {"error"} for the parameter `as_json`: a --json named otherwise would not."""
    def commands(cmd, path=()):
        yield path, cmd
        for name, sub in getattr(cmd, "commands", {}).items():
            yield from commands(sub, (*path, name))
    named = {path: [p.name for p in cmd.params if "--json" in getattr(p, "opts", ())]
             for path, cmd in commands(get_command(app))}
    assert {p for p, names in named.items() if names} >= {("ask",), ("stats",), ("articles",), ("show",), ("eval", "compare")}
    assert all(names in ([], ["as_json"]) for names in named.values()), named


def test_a_resumed_batch_counts_only_what_it_answers(index, here):
    questions = here / "q.txt"
    questions.write_text(f"{TROOPS}\nWho sent aid to flood victims?\n")
    first = invoke(index, "batch", questions, "-o", "a.jsonl")
    assert "2 answered, 0 already in" in first.stdout and " 2/2 " in first.stderr
    again = invoke(index, "batch", questions, "-o", "a.jsonl")
    assert "0 answered, 2 already in" in again.stdout
    assert " 0/0 " in again.stderr and "(2 already answered)" in again.stderr and "2/2" not in again.stderr

