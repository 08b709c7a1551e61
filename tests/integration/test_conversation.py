"""Follow-up questions are rewritten into standalone ones, shown, and used for retrieval."""

from typer.testing import CliRunner

from rag.cli.main import app


def test_conversation_keeps_history_and_answers_the_follow_up(sample_rag):
    chat = sample_rag.conversation()
    first = chat.send("Where is Russia's 201st military base?")
    follow = chat.send("And how many troops are based there?")
    assert first.rewritten is None and follow.question == "And how many troops are based there?"
    assert follow.rewritten == "How many troops are based at Russia's 201st military base?"
    assert "7,000" in follow.text
    assert len(chat.turns) == 2
    fresh = sample_rag.conversation()
    assert fresh.send("And how many troops are based there?").rewritten is None  # no history, nothing to lean on


def test_terminal_chat_shows_the_rewritten_question(sample_rag, monkeypatch):
    monkeypatch.setenv("RAG_INDEX_DIR", str(sample_rag.settings.index_dir))
    result = CliRunner().invoke(app, ["chat"], input="Where is Russia's 201st military base?\n"
                                                     "And how many troops are based there?\n\n")
    assert result.exit_code == 0
    assert "(asked as: How many troops are based at Russia's 201st military base?)" in result.stdout
    assert "7,000" in result.stdout


