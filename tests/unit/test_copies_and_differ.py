"""Syndicated copies (issue 26 #5) and reports that differ (#3): the pure parts."""

from hypothesis import given, settings
from hypothesis import strategies as st

from rag.answer.cite import Evidence, compose
from rag.answer.differ import differing, reported
from rag.records import ArticleSummary, Chunk, Hit
from rag.retrieve.copies import collapse, copies_by_source, copy_groups

WORDS = st.lists(st.from_regex(r"[a-z]{2,9}", fullmatch=True), min_size=120, max_size=240, unique=True)


def _story(ws: list[str]) -> str:
    """Sentences of 12 words (a story's words are its own: two drawn stories share none)."""
    return ". ".join(" ".join(ws[i:i + 12]) for i in range(0, len(ws), 12)) + "."


@settings(max_examples=40, deadline=None)
@given(WORDS, st.integers(0, 4))
def test_a_lightly_edited_copy_is_a_copy_and_another_story_is_not(ws, cut):
    half = len(ws) // 2
    a, b = ws[:half], ws[half:]  # two stories with no word in common
    story = _story(a)
    sentences = story.split(". ")
    edited = "A new headline.\n\nOther Outlet, 4 May 2021\n\n" + ". ".join(s for i, s in enumerate(sentences) if i != cut)
    other = _story(b) + " " + sentences[0] + "."  # another story that shares one sentence
    groups = copy_groups({"a.txt": story, "a-reprint.txt": edited, "b.txt": other})
    assert ["a-reprint.txt", "a.txt"] in groups
    assert all("b.txt" not in g for g in groups)  # one shared sentence makes no copy


def test_an_article_alone_or_empty_has_no_copies():
    assert copy_groups({"a.txt": "One short story.", "b.txt": "", "c.txt": "Another, quite different one."}) == []


def _hit(source: str, text: str, score: float, date: str | None = "2021-06-14", publisher: str = "Ledger") -> Hit:
    return Hit(Chunk(f"{source}#{score}", source, 0, text, 0, len(text)), score, "t", date, publisher)


def test_a_story_is_found_once_and_names_its_other_outlets():
    catalog = [ArticleSummary("a.txt", "t", "Ledger", "2021-06-14", 1), ArticleSummary("b.txt", "t", "Post", "2021-06-16", 1),
               ArticleSummary("c.txt", "t", "Courier", "2020-03-03", 1)]
    copies = copies_by_source([["a.txt", "b.txt"]], catalog)
    found = [_hit("b.txt", "x", 0.9, "2021-06-16", "Post"), _hit("a.txt", "x", 0.89), _hit("c.txt", "y", 0.8, "2020-03-03"),
             _hit("b.txt", "z", 0.7, "2021-06-16", "Post"), _hit("a.txt", "w", 0.6)]
    hits = collapse(found, copies)
    assert [h.chunk.id for h in hits] == ["a.txt#0.89", "c.txt#0.8", "a.txt#0.6"]  # the original stands for its reprint
    assert [(c.source, c.publisher, c.date) for c in hits[0].also] == [("b.txt", "Post", "2021-06-16")]
    assert hits[1].also == ()
    assert [h.chunk.source for h in collapse(found[:1], copies)] == ["b.txt"]  # a reprint found alone is cited
    citations = compose([[Evidence(hits[0], 0, 1, "x")]])[1]
    assert citations[0].also_reported_by == hits[0].also  # the citation carries the other outlets


def _group(source: str, sentence: str, date: str, publisher: str) -> list[Evidence]:
    return [Evidence(_hit(source, sentence, 0.9, date, publisher), 0, len(sentence), sentence)]


QUESTION = "How many people does the plant employ?"


def test_different_numbers_from_different_articles_differ_newest_first_and_same_values_merge():
    groups = [_group("c.txt", "The plant employs 300 people.", "2020-03-03", "Courier"),
              _group("a.txt", "The plant now employs 450 people.", "2021-06-14", "Ledger"),
              _group("d.txt", "The plant has 450 people on its payroll.", "2021-07-01", "Gazette")]
    order = differing("quantity", QUESTION, groups)
    assert order == [[1, 2], [0]]  # 450 (reported again in July) before 300
    sentences, citations = compose(groups)
    values = reported("quantity", QUESTION, sentences, citations, order, groups)
    assert [(v.value, v.markers, v.where) for v in values] == [
        ("450 people", (2, 3), "Ledger, 14 June 2021"), ("300 people", (1,), "Courier, 3 March 2020")]


def test_agreeing_sources_or_one_articles_history_do_not_differ():
    same = [_group("a.txt", "The plant employs 450 people.", "2021", "A"), _group("b.txt", "It has 450 people.", "2021", "B")]
    assert differing("quantity", QUESTION, same) is None
    one = [_group("a.txt", "The plant employs 450 people.", "2021", "A"), _group("a.txt", "It had 300 people.", "2021", "A")]
    assert differing("quantity", QUESTION, one) is None  # one article's history is not a disagreement
    assert differing("reason", QUESTION, same + one) is None  # a reason is not a value to compare


def test_two_names_differ_only_when_both_are_the_one_asked_about():
    question = "Who is the mayor of Orrin Falls?"
    mayors = [_group("a.txt", "Orrin Falls mayor Jonas Abara called the news a blow.", "2022-11-09", "Courier"),
              _group("b.txt", "Orrin Falls mayor Petra Lindqvist said the plant had helped.", "2020-03-03", "Courier")]
    assert differing("person", question, mayors) == [[0], [1]]
    mentioned = [mayors[0], _group("c.txt", "The plant manager, Dana Whitcombe, met workers in Orrin Falls.", "2021", "Ledger")]
    assert differing("person", question, mentioned) is None  # a name merely mentioned is no rival answer


def test_only_a_value_plainly_of_the_asked_for_thing_is_a_rival_and_each_article_gives_one():
    """From a new user's run: a cost was set against a headcount, workers sent home against the workforce,
    and two figures of one article (evacuated, missing) against each other."""
    employs = _group("a.txt", "The plant now employs 450 people.", "2021-06-14", "Ledger")
    sent_home = _group("b.txt", "The company has sent 200 workers home on reduced pay.", "2022-11-09", "Courier")
    assert differing("quantity", QUESTION, [employs, sent_home]) is None  # "200 workers" is not the count asked
    assert differing("quantity", QUESTION, [employs, sent_home], min_fit=0.75) == [[1], [0]]  # but it may be a rival
    missing = "How many people were missing after the flood?"
    flood = [_group("n.txt", "The toll has risen to 16, with six still missing.", "2018-08-08", "Northwire"),
             _group("n.txt", "More than 3,100 people have been evacuated.", "2018-08-08", "Northwire"),
             _group("h.txt", "At least 14 people have died and nine are missing.", "2018-08-07", "Harbour Times")]
    assert differing("quantity", missing, flood) is None  # Northwire's answer is its first sentence, not its second
    cost = [_group("a.txt", "The new line cost 62 million dollars.", "2021", "A"),
            _group("c.txt", "The plant employs 300 people.", "2020", "C")]
    assert differing("money", "How much did the new line cost?", cost) is None


def test_a_sentences_years_follow_its_markers():
    group = [_group("a.txt", "About 7,000 troops.", "2021-04-30", "GDC")[0], _group("b.txt", "About 7,000 troops.", "2017-02-27", "RFE")[0]]
    sentences, citations = compose([group])
    assert sentences[0].markers == (1, 2) and sentences[0].years == ("2021", "2017")
