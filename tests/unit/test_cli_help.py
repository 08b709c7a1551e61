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


def test_errors_name_the_flags_the_user_typed(tmp_path):
    result = invoke("ask", "How many troops?", "--since", "2022", "--until", "2010")
    assert result.exit_code == 2
    assert "the date range is reversed: --since 2022 is after --until 2010" in result.output
    assert "date_from" not in result.output
