"""`rag timeline` and the web chat's Timeline tab on real files, a real index and the real model (issue 26,
part 4): the dated facts about a topic across articles, in date order, each with its source."""

from __future__ import annotations

import json

import pytest
from helpers import free_port, make_rag
from typer.testing import CliRunner

from rag.cli.main import app

STORIES = {  # a plant's story told over four years by three outlets, and one story on another topic
    "courier-2020.txt": "Valve plant takes on staff\n\nValley Courier, 3 March 2020\n\n"
                        "The Harlow valve plant employs 300 workers after a year of steady orders, its manager said.\n\n"
                        "The town council approved a new bus route to the industrial estate.\n",
    "ledger-2021.txt": "Valve plant grows again\n\nNorthern Ledger, 14 June 2021\n\n"
                       "The Harlow valve plant now employs 450 workers, its busiest year since it opened.\n",
    "courier-2022.txt": "Valve plant sends staff home\n\nValley Courier, 9 September 2022\n\n"
                        "The Harlow valve plant sent 200 workers home on Wednesday as orders for its valves dried up.\n",
    "gazette-2023.txt": "Harlow looks back\n\nHarlow Gazette, 2 January 2023\n\n"
                        "The Harlow valve plant opened in 1998 with 120 workers on the old railway yard.\n",
    "library.txt": "Reading room opens\n\nValley Courier, 5 May 2021\n\n"
                   "The town library opened a new reading room for children, with two thousand picture books.\n",
    "lighthouse.txt": "Old light shines again\n\nVolunteers have restored the lamp of the old lighthouse on the point, "
                      "and the lighthouse will shine again each night.\n",  # no date anywhere
}
TOPIC = "workers at the Harlow valve plant"
ORDER = [("1998", "gazette-2023.txt"), ("2020-03-03", "courier-2020.txt"), ("2021-06-14", "ledger-2021.txt"),
         ("2022-09-07", "courier-2022.txt")]  # 9 September 2022 was a Friday: "on Wednesday" is the 7th


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("plant") / "news"
    folder.mkdir()
    for name, text in STORIES.items():
        (folder / name).write_text(text, encoding="utf-8")
    where = folder.parent / "index"
    assert len(make_rag(where).ingest([folder]).added) == len(STORIES)
    return where


def timeline(index, *args):
    return CliRunner().invoke(app, ["timeline", *map(str, args)], env={"RAG_INDEX_DIR": str(index)})


def listed(result) -> list[tuple[str, str]]:
    """(date, file) of each line `rag timeline` printed."""
    assert result.exit_code == 0, result.output
    return [(line.split("  ")[0], line.rsplit("[", 1)[1].rstrip("]")) for line in result.stdout.splitlines()]


def test_lists_the_dated_facts_of_a_topic_in_date_order_with_their_sources(index):
    result = timeline(index, TOPIC)
    assert listed(result) == ORDER  # the library's story is not about the plant; each date is the sentence's own
    assert result.stdout.splitlines()[2] == ("2021-06-14  Northern Ledger  The Harlow valve plant now employs 450 "
                                             "workers, its busiest year since it opened.  [ledger-2021.txt]")


def test_json_gives_each_entry_its_date_sentence_and_citation(index):
    result = timeline(index, TOPIC, "--json")
    record = json.loads(result.stdout)
    assert record["topic"] == TOPIC and [(e["date"], e["source"]) for e in record["entries"]] == ORDER
    first = record["entries"][0]
    assert first == {"date": "1998", "text": "The Harlow valve plant opened in 1998 with 120 workers on the old railway yard.",
                     "source": "gazette-2023.txt", "title": "Harlow looks back", "publisher": "Harlow Gazette"}


def test_since_and_until_keep_the_entries_dated_in_the_range(index):
    assert listed(timeline(index, TOPIC, "--since", "2020-06", "--until", "2022")) == ORDER[2:]
    assert listed(timeline(index, TOPIC, "--until", "2020")) == ORDER[:2]


def test_publisher_keeps_the_entries_of_that_outlet(index):
    assert listed(timeline(index, TOPIC, "--publisher", "valley courier")) == [ORDER[1], ORDER[3]]


@pytest.mark.parametrize("args, said", [
    (["Mars rover landing"], "nothing in the articles is about 'Mars rover landing': try a broader topic"),
    ([TOPIC, "--since", "2022", "--until", "2020"], "the date range is reversed: --since 2022 is after --until 2020"),
    ([TOPIC, "--since", "2024"], f"no dated sentence about {TOPIC!r} falls in the range --since 2024"),
    ([TOPIC, "--publisher", "Nowhere Daily"], "No article matches these filters (outlet: Nowhere Daily)"),
    (["  "], "the topic is empty"),
    (["restoring the old lighthouse"], "'restoring the old lighthouse' name no date, and their articles are undated"),
    ([TOPIC, "--since", "2021-02-30"], "--since: '2021-02-30' is not a valid date"),
])
def test_bad_input_is_one_line_naming_it_and_exit_2(index, args, said):
    result = timeline(index, *args)
    assert result.exit_code == 2 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and said in result.stderr, result.stderr
    assert "Traceback" not in result.output


def test_a_timeline_of_the_sample_corpus_spans_its_years_in_order(sample_rag):
    entries = sample_rag.timeline("Russian troops in Tajikistan")
    years = [e.date[:4] for e in entries]
    assert len(set(years)) >= 2 and years == sorted(years)
    articles = {e.source: sample_rag.article(e.source).text for e in entries}
    assert all(articles[e.source][e.start:e.end] == e.text for e in entries)  # offsets point at the sentence


def test_the_progress_callback_counts_up_to_the_sentences_read(sample_rag):
    seen = []
    sample_rag.timeline("Russian troops in Tajikistan", progress=lambda done, total: seen.append((done, total)))
    assert len(seen) >= 2 and seen[-1][0] == seen[-1][1] and [d for d, _ in seen] == sorted({d for d, _ in seen})


def test_the_web_timeline_tab_lists_the_entries_and_names_a_topic_that_matches_nothing(index, tmp_path):
    from gradio_client import Client

    from rag.settings import load_settings
    from rag.web.app import launch

    settings = load_settings(index_dir=index, upload_dir=tmp_path / "uploads", port=free_port())
    demo = launch(settings, prevent_thread_lock=True, quiet=True)
    try:
        client = Client(f"http://127.0.0.1:{settings.port}/", verbose=False)
        html = client.predict(TOPIC, "", "", "", api_name="/timeline")
        assert html.count('<tr class="entry">') == 4 and "4 dated facts" in html
        assert html.index("1998") < html.index("3 March 2020") < html.index("14 June 2021") < html.index("7 September 2022")
        assert "ledger-2021.txt" in html and "Northern Ledger" in html and "library.txt" not in html
        only = client.predict(TOPIC, "2021", "2021", "Northern Ledger", api_name="/timeline")
        assert only.count('<tr class="entry">') == 1 and "ledger-2021.txt" in only
        refused = client.predict("Mars rover landing", "", "", "", api_name="/timeline")
        assert 'role="alert"' in refused and "nothing in the articles is about &#x27;Mars rover landing&#x27;" in refused
        reversed_ = client.predict(TOPIC, "2022", "2020", "", api_name="/timeline")
        assert "the date range is reversed: Since 2022 is after Until 2020" in reversed_
    finally:
        demo.close()
