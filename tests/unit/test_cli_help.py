"""The `rag` CLI through typer's CliRunner: exit codes, messages, batch format and resume."""

import itertools
import re

from typer.testing import CliRunner

from rag.cli.main import app

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


COMMANDS = ["ingest", "ask", "chat", "batch", "stats", "articles", "show", "plugins", "doctor", "serve", "timeline", "eval"]


def test_help_teaches_each_command():
    for command in COMMANDS[:-1]:
        result = invoke(command, "--help")
        assert result.exit_code == 0 and len(re.sub(r"\s+", " ", result.stdout)) > 200
        assert "Example: rag " in result.stdout, command
        assert "list[" not in result.stdout and "<str>" not in result.output.split("Options")[-1], command
        assert "<bool>" not in result.stdout, command


def test_the_command_list_shows_each_summary_whole():
    assert "<bool>" not in invoke("--help").stdout  # --verbose and --help are flags, not typed values
    listing = invoke("--help").stdout.split("Commands")[1]
    summaries = re.findall(r"│ (\w+) +(.*?)(?=\n│ \w+  |\n╰)", listing, re.S)
    assert len(summaries) == 12
    for name, text in summaries:
        text = re.sub(r"[│\s]+", " ", text).strip()
        assert text.endswith("."), (name, text)  # one whole sentence, not a paragraph cut off


def test_no_paragraph_of_a_help_is_cut_mid_sentence():
    """A line break written inside a docstring's paragraph shows as a sentence cut in two ("...
    RAG_WEB_PASSWORD)," then "never a flag..."); rich wraps each paragraph itself, at 80 columns here."""
    for command in [[], *([c] for c in COMMANDS), ["eval", "suite"], ["eval", "compare"], ["eval", "generate"]]:
        out = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "80"}).stdout
        text = [line.strip() for line in out.split("╭")[0].splitlines()]  # the summary and paragraphs
        cut = [(a, b) for a, b in itertools.pairwise(text) if a and b and len(a) + 1 + len(b.split()[0]) <= 78]
        assert cut == [], command  # a wrapped line never had room for the next word


def test_errors_name_the_flags_the_user_typed(tmp_path):
    result = invoke("ask", "How many troops?", "--since", "2022", "--until", "2010")
    assert result.exit_code == 2
    assert "the date range is reversed: --since 2022 is after --until 2010" in result.output
    assert "date_from" not in result.output


def test_an_answerer_nobody_provides_is_named_with_the_choices(tmp_path, monkeypatch):
    monkeypatch.setenv("RAG_INDEX_DIR", str(tmp_path / "index"))
    result = invoke("ask", "How many troops?", "--llm", "gpt")
    assert result.exit_code == 2
    assert "--llm must be one of extractive, llamacpp, openai, ollama, auto, got 'gpt'" in result.output


def test_serve_names_a_busy_port_and_a_bad_host():
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = invoke("serve", "--port", port)
        assert result.exit_code == 2 and f"Port {port} is in use; choose another with --port" in result.output
    result = invoke("serve", "--host", "bad host")
    assert result.exit_code == 2 and "host 'bad host' is not a name or address" in result.output
