"""One settings object: defaults, rag.toml, RAG_* environment, and the README lists every field."""

from pathlib import Path

import pytest

from rag.errors import ConfigError
from rag.settings import Settings, load_settings

README = Path(__file__).resolve().parents[2] / "README.md"


def test_precedence_toml_then_env_then_overrides(tmp_path, monkeypatch):
    toml = tmp_path / "rag.toml"
    toml.write_text("top_k = 7\nchunk_size = 300\nanswer_threshold = 0.5\n")
    monkeypatch.setenv("RAG_CHUNK_SIZE", "256")
    s = load_settings(toml, answer_threshold=0.2)
    assert (s.top_k, s.chunk_size, s.answer_threshold) == (7, 256, 0.2)


def test_rag_toml_in_working_dir_is_picked_up(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "rag.toml").write_text('collection = "mine"\n')
    assert load_settings().collection == "mine"


@pytest.mark.parametrize("toml,message", [
    ("top_k = 0\n", "top_k in "),
    ("chunk_size = 100\nchunk_overlap = 100\n", "rag.toml (100) must be smaller than chunk_size in "),
    ("unknown_knob = 1\n", "unknown_knob"),
    ("max_file_mb = inf\n", "max_file_mb in "),
    ("top_k = [\n", "rag.toml"),
])
def test_bad_settings_name_the_field(tmp_path, toml, message):
    path = tmp_path / "rag.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_settings(path)


def test_a_bad_value_is_named_where_the_user_set_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match=r"--retriever: .*got 'sparse'"):  # a command-line flag
        load_settings(retriever="sparse")
    monkeypatch.setenv("RAG_PORT", "70000")
    with pytest.raises(ConfigError, match=r"RAG_PORT: .*65535"):  # an environment variable
        load_settings()
    monkeypatch.delenv("RAG_PORT")
    monkeypatch.setenv("RAG_CHUNK_OVERLAP", "300")  # a rule across two settings names both as set
    with pytest.raises(ConfigError, match=r"RAG_CHUNK_OVERLAP \(300\) must be smaller than chunk_size \(256\)"):
        load_settings()


def test_missing_config_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="settings file not found"):
        load_settings(tmp_path / "nope.toml")


def test_readme_documents_every_setting():
    readme = README.read_text()
    for name in Settings.model_fields:
        assert f"RAG_{name.upper()}" in readme, f"README does not document RAG_{name.upper()}"


def test_ci_runs_the_readme_test_command():
    ci = (README.parent / ".ci" / "run").read_text().strip().splitlines()[-1]
    assert ci in README.read_text()


def test_the_readme_quality_table_is_the_reference_runs():
    """The README's figures come from the committed reference reports (issue 24 #2): a newcomer who runs
    `rag eval suite` gets what the README says."""
    import json
    import re

    text = README.read_text()
    reference = README.parent / "eval" / "reference"
    rows = re.findall(r"^\| ((?:sample|dev|heldout|news|time)[\w+-]*) \| (.+) \|$", text, re.M)
    assert len(rows) == 9
    keys = ["key_fact_accuracy", "false_decline", "declined_unanswerable", "assertion_precision",
            "assertion_coverage", "unanswerable_no_short", "citation_source_precision"]
    for name, cells in rows:
        summary = json.loads((reference / "suite" / name / "summary.json").read_text())["summary"]
        expected = ["—" if summary.get(k) is None else f"{summary[k]:.3f}" for k in keys]
        assert [c.strip() for c in cells.split("|")] == expected, name
    defaults = json.loads((reference / "defaults" / "summary.json").read_text())["summary"]
    sample = json.loads((reference / "suite" / "sample" / "summary.json").read_text())["summary"]
    assert defaults["key_fact_accuracy"] == sample["key_fact_accuracy"]


def test_the_readme_states_the_shipped_thresholds():
    import json

    shipped = json.loads((README.parent / "rag" / "answer" / "ranker.json").read_text())
    text = README.read_text()
    assert f"threshold chosen with the model, {shipped['threshold']:.2f})" in text
    assert f"`rag/answer/ranker.json`, {shipped['threshold']:.2f})" in text
    assert f"its threshold ({shipped['assert_threshold']:.2f}, chosen out of fold" in text


def test_the_readmes_answer_record_has_every_field_the_json_has():
    import json
    import re

    from rag.records import Answer, Citation, answer_record

    block = re.search(r"### The answer record.*?```json\n(.*?)```", README.read_text(), re.S).group(1)
    shown = json.loads(block.replace("…", ""))
    assert set(shown) == set(answer_record(Answer("q", "a", False)))
    citation = Citation(1, "news.jsonl#a17", "t", "2021", "p", "c", "q", 0, 1, url="https://x.example/")
    assert set(shown["citations"][0]) == set(answer_record(Answer("q", "a", False, citations=(citation,)))["citations"][0])
