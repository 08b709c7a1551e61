"""The chat's "Try" questions: made from the indexed articles in a generic way, kept only when the
offline answerer gives the answer the article states, none when none holds (issue 24 #1)."""

from __future__ import annotations

from pathlib import Path

from rag.records import ANSWERED, DECLINED, PASSAGES, Answer, ArticleSummary
from rag.service import examples
from rag.service.examples import (
    Candidate,
    Examples,
    example_questions,
    gives,
    questions_from,
    spread,
)

LIBRARY = ("About 12,000 books are stored in the new Riverton library, the town council said on Monday. "
           "The building cost 3 million euros.")


def asked(title: str, text: str = "") -> list[str]:
    return [c.question for c in questions_from(title, text)]


def test_a_count_that_is_the_subject_becomes_how_many():
    assert asked("Riverton opens a new library", LIBRARY) == ["How many books are stored in the new Riverton library?"]
    # after "said that", and cut where its clause ends
    said = "He said that 300 workers were building the dam, while others waited."
    assert asked("Dam works", said) == ["How many workers were building the dam?"]


def test_a_count_that_is_the_object_becomes_how_many_with_the_subject_asked_about():
    assert asked("Ferry news", "The city will buy up to six ferries for the harbour next year.")[0] == \
        "How many ferries will the city buy?"


def test_someone_doing_something_becomes_who():
    text = "The Harbour Trust has restored the old lighthouse on Gull Point, its director said."
    assert asked("Lighthouse", text) == ["Who has restored the old lighthouse on Gull Point?"]
    assert asked("Mayor", "Ana Ruiz was elected mayor of Lindfield on Sunday.") == ["Who was elected mayor of Lindfield on Sunday?"]


def test_no_question_where_the_grammar_does_not_say_who_or_how_many():
    for text in ("He has restored the old lighthouse on Gull Point.",  # a pronoun: who is not in the sentence
                 "Lindfield is a town of quiet streets and old churches.",  # being, not doing
                 "The museum has paintings from every decade of the century.",  # having, not doing
                 "Autumn is a quiet season. Leaves turn and fall in the parks.",
                 "The report said 25 per cent of the roads were closed.",  # a share, not a count of things
                 "The council has approved a plan that the mayor, the board and the residents had asked for.",
                 ("The council has approved the plan for new lanes along the old harbour road and the market "
                  "street in the quiet northern district of the town.")):  # too long
        assert asked("Notes", text) == [], text


def test_a_title_cut_short_is_not_read_and_counts_come_first():
    text = "The Harbour Trust has restored the lighthouse. Some 40 volunteers repainted the tower over the winter."
    assert asked("The Harbour Trust has restored the…", text) == [
        "How many volunteers repainted the tower over the winter?", "Who has restored the lighthouse?"]


def test_the_answer_given_must_be_the_one_the_sentence_states():
    count = Candidate("How many books are stored in the library?", "12,000")
    assert gives("About 12,000 books", count) and gives("twelve thousand", count)
    assert not gives("3 million euros", count) and not gives(None, count)
    who = Candidate("Who is taking legal action?", "A former student of a Melbourne school")
    assert not gives("Melbourne", who)  # a name after "of" is not who did it
    assert gives("The Harbour Trust", Candidate("Who has restored the lighthouse?", "The Harbour Trust"))


def test_articles_are_tried_spread_over_the_catalog():
    assert spread(list(range(10)), 3) == [0, 3, 6, 1, 2, 4, 5, 7, 8, 9]
    assert spread([1, 2], 5) == [1, 2]


class FakeRag:
    """A catalog, article texts, and an offline answerer that answers the questions it is told to."""

    def __init__(self, articles: dict[str, tuple[str, str]], answers: dict[str, str]):
        self.articles, self.answers, self.asked, self.options = articles, answers, [], []

    def catalog(self):
        return [ArticleSummary(s, title, "", "", 1) for s, (title, _) in self.articles.items()]

    def article_texts(self, sources):
        return {s: self.articles[s][1] for s in sources}

    def ask(self, question, options=None):
        self.asked.append(question)
        self.options.append(options)
        short = self.answers.get(question)
        return Answer(question, short or "", abstained=short is None, status=ANSWERED if short else DECLINED,
                      short_answer=short)


def test_examples_are_questions_the_offline_answerer_answers_as_the_article_does():
    rag = FakeRag({"library.txt": ("Riverton opens a new library", LIBRARY),
                   "ferry.txt": ("Ferries", "The city will buy up to six ferries for the harbour next year."),
                   "trust.txt": ("Lighthouse", "The Harbour Trust has restored the old lighthouse on Gull Point.")},
                  {"How many books are stored in the new Riverton library?": "About 12,000 books",
                   "How many ferries will the city buy?": "two ferries",  # not what the article says: left out
                   "Who has restored the old lighthouse on Gull Point?": "The Harbour Trust"})
    assert example_questions(rag) == ["How many books are stored in the new Riverton library?",
                                      "Who has restored the old lighthouse on Gull Point?"]
    assert {o.llm for o in rag.options} == {"extractive"}  # the cheap offline check, whatever the chat's answerer


def test_no_examples_when_none_can_be_made_or_answered():
    assert example_questions(FakeRag({"essay.txt": ("Autumn", "Autumn is a quiet season.")}, {})) == []
    unanswered = FakeRag({"library.txt": ("Library", LIBRARY)}, {})
    assert example_questions(unanswered) == [] and len(unanswered.asked) == 1
    assert example_questions(FakeRag({}, {})) == []


def test_the_questions_asked_to_find_examples_are_bounded():
    many = {f"a{i:03}.txt": (f"Note {i}", f"About {i + 10} boats were moored in harbour {i}.") for i in range(200)}
    rag = FakeRag(many, {})
    assert example_questions(rag) == [] and len(rag.asked) == examples.ASKS


def test_examples_are_made_again_only_when_the_catalog_changes():
    rag = FakeRag({"library.txt": ("Library", LIBRARY)},
                  {"How many books are stored in the new Riverton library?": "About 12,000 books",
                   "How many volunteers repainted the tower?": "Some 40 volunteers"})
    made = Examples(rag)
    assert made.now() == made.now() == ["How many books are stored in the new Riverton library?"]
    assert len(rag.asked) == 1
    rag.articles["tower.txt"] = ("Tower", "Some 40 volunteers repainted the tower.")
    assert made.now() == ["How many books are stored in the new Riverton library?",
                          "How many volunteers repainted the tower?"]
    del rag.articles["library.txt"], rag.articles["tower.txt"]
    assert made.now() == []


def test_the_maker_knows_no_word_of_the_sample_corpus():
    source = Path(examples.__file__).read_text(encoding="utf-8")
    for name in ("tajik", "russia", "lavrov", "putin", "rahmon", "dushanbe", "afghan", "201st", "troops"):
        assert name not in source.casefold(), name


def test_passages_are_no_answer():
    rag = FakeRag({"library.txt": ("Library", LIBRARY)}, {})
    rag.ask = lambda q, o=None: Answer(q, "…", abstained=False, status=PASSAGES)
    assert example_questions(rag) == []


def test_an_index_that_cannot_answer_shows_no_examples_and_is_tried_again():
    from rag.errors import StoreError

    rag = FakeRag({"library.txt": ("Library", LIBRARY)},
                  {"How many books are stored in the new Riverton library?": "About 12,000 books"})
    answer = rag.ask

    def broken(question, options=None):
        raise StoreError("no index")

    rag.ask = broken
    made = Examples(rag)
    assert made.now() == []
    rag.ask = answer
    assert made.now() == ["How many books are stored in the new Riverton library?"]
