"""Follow-up questions are rewritten into standalone ones, shown, and used for retrieval."""

from typer.testing import CliRunner

from rag.cli import app
from rag.conversation import Conversation, is_follow_up, rewrite


def test_rewrite_only_follow_ups():
    assert rewrite("How many troops?", []) == "How many troops?"
    assert rewrite("Who is the president of Tajikistan?", ["Where is the base?"]) == "Who is the president of Tajikistan?"
    assert rewrite("And how many troops are based there?", ["Where is Russia's 201st military base?"]) == (
        "How many troops are based there? (following up on: Where is Russia's 201st military base?)")
    assert is_follow_up("what about Kyrgyzstan?") and is_follow_up("Who leads it?")


def test_conversation_keeps_history_and_answers_the_follow_up(sample_rag):
    chat = sample_rag.conversation()
    first = chat.send("Where is Russia's 201st military base?")
    follow = chat.send("And how many troops are based there?")
    assert first.rewritten is None and follow.question == "And how many troops are based there?"
    assert "201st military base" in follow.rewritten and "7,000" in follow.text
    assert len(chat.turns) == 2
    chat.clear()
    assert chat.send("And how many troops are based there?").rewritten is None  # no history, nothing to lean on


def test_terminal_chat_shows_the_rewritten_question(sample_rag, monkeypatch):
    monkeypatch.setenv("RAG_INDEX_DIR", str(sample_rag.settings.index_dir))
    result = CliRunner().invoke(app, ["chat"], input="Where is Russia's 201st military base?\n"
                                                     "And how many troops are based there?\n\n")
    assert result.exit_code == 0
    assert "(asked as: How many troops are based there? (following up on: Where is Russia's 201st" in result.stdout
    assert "7,000" in result.stdout


def test_conversation_with_any_answer_function():
    seen = []
    from rag.records import Answer

    chat = Conversation(lambda q: iter([seen.append(q) or Answer(q, "a", False)]))
    chat.send("Who leads Tajikistan?")
    chat.send("And since when?")
    assert seen == ["Who leads Tajikistan?", "Since when? (following up on: Who leads Tajikistan?)"]
