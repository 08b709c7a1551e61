"""What the CLI prints is shown by a terminal, never acted on: no escape sequence or control character
from an article, a file name or an LLM's tokens reaches it."""

from __future__ import annotations

import json

import pytest

from rag.cli.common import echo, echo_json, show_error, terminal_safe
from rag.errors import LoadError

ATTACKS = {
    "osc title": ("a\x1b]0;OWNED\x07b", "ab"),
    "osc clipboard, ST-terminated": ("a\x1b]52;c;cm0gLXJmIH4=\x1b\\b", "ab"),
    "osc hyperlink": ("\x1b]8;;http://evil.test\x1b\\link\x1b]8;;\x1b\\", "link"),
    "clear screen": ("x\x1b[2Jy", "xy"),
    "colour": ("\x1b[31mred\x1b[0m", "red"),
    "dcs": ("a\x1bPq#0;2;0;0;0\x1b\\b", "ab"),
    "unterminated osc ends at the line": ("a\x1b]0;OWNED\nb", "a\nb"),
    "8-bit csi": ("a\x9b2Jb", "a2Jb"),
    "c0": ("a\x00\x07\x08\r\x0b\x0c\x7fb", "ab"),
    "lone esc at the end": ("a\x1b", "a"),
    "newline and tab stay": ("a\tb\nc", "a\tb\nc"),
    "other text stays": ("Душанбе — “21,000” ⚠ [1]", "Душанбе — “21,000” ⚠ [1]"),
}


@pytest.mark.parametrize("attack", ATTACKS)
def test_terminal_safe_drops_what_a_terminal_would_act_on(attack):
    text, shown = ATTACKS[attack]
    assert terminal_safe(text) == shown


def test_streamed_tokens_are_safe_even_when_a_sequence_is_split_between_them(capsys):
    for token in ["The metro \x1b", "]0;OWN", "ED\x07 has \x1b[", "2J nine \x9b", "31m stations."]:
        echo(token, nl=False)
    out = capsys.readouterr().out
    assert not any(c in out for c in "\x1b\x07\x9b") and out.startswith("The metro ") and "nine" in out


def test_json_keeps_the_data_exact_and_escaped(capsys):
    record = {"title": "a\x1b]0;OWNED\x07 \x9b31m \x7f"}
    echo_json(record)
    out = capsys.readouterr().out
    assert not any(c in out for c in "\x1b\x07\x9b\x7f") and json.loads(out) == record


def test_an_error_naming_a_hostile_file_is_one_safe_line(capsys):
    show_error(LoadError("corpus/\x1b]0;OWNED\x07x.txt: empty file"))
    err = capsys.readouterr().err
    assert err == "error: corpus/x.txt: empty file\n"
