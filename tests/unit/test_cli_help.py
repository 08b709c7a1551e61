"""The `rag` CLI through typer's CliRunner: exit codes, messages, batch format and resume."""

import re

from typer.testing import CliRunner

from rag.cli.main import app

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_help_teaches_each_command():
    for command in ["ingest", "ask", "chat", "batch", "stats", "doctor", "serve"]:
        result = invoke(command, "--help")
        assert result.exit_code == 0 and len(re.sub(r"\s+", " ", result.stdout)) > 200
        assert "Example: rag " in result.stdout, command
        assert "list[" not in result.stdout and "<str>" not in result.output.split("Options")[-1], command
        assert "<bool>" not in result.stdout, command


def test_the_command_list_shows_each_summary_whole():
    assert "<bool>" not in invoke("--help").stdout  # --verbose and --help are flags, not typed values
    listing = invoke("--help").stdout.split("Commands")[1]
    summaries = re.findall(r"│ (\w+) +(.*?)(?=\n│ \w+  |\n╰)", listing, re.S)
    assert len(summaries) == 8
    for name, text in summaries:
        text = re.sub(r"[│\s]+", " ", text).strip()
        assert text.endswith("."), (name, text)  # one whole sentence, not a paragraph cut off


def test_errors_name_the_flags_the_user_typed(tmp_path):
    result = invoke("ask", "How many troops?", "--since", "2022", "--until", "2010")
    assert result.exit_code == 2
    assert "the date range is reversed: --since 2022 is after --until 2010" in result.output
    assert "date_from" not in result.output


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
