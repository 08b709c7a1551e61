"""The registries: what the CLI, the settings' check, the web chat and the README offer comes from them."""

from pathlib import Path

import pytest

from rag.answer.answerers import ANSWERERS, AnswererKind, configured
from rag.cli.plugins import markdown_table
from rag.errors import ConfigError, InputError
from rag.ingest.readers import READERS, Reader, kind_of, suffixes
from rag.records import AskOptions
from rag.registry import Registry
from rag.service.options import check_options
from rag.settings import Settings

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_table_is_the_registries():
    assert markdown_table() in README.read_text(encoding="utf-8")


def test_an_unknown_name_is_refused_naming_the_choices():
    with pytest.raises(ConfigError, match=r"unknown reader 'docx': choose one of text, html, pdf"):
        READERS.get("docx")
    with pytest.raises(InputError, match=r"llm must be one of extractive, llamacpp, openai, ollama, auto, got 'gpt'"):
        check_options(AskOptions(llm="gpt", max_answer_sentences=3, answer_threshold=0.3))


def test_a_registered_reader_adds_its_suffix_and_a_second_of_one_name_is_refused():
    registry = Registry("newsrag.test-readers", "reader", Reader)
    registry.register(Reader("eml", (".eml",), lambda data: ("text", {})))
    with pytest.raises(ConfigError, match=r"reader 'eml' is already provided by built-in"):
        registry.register(Reader("eml", (".msg",), lambda data: ("text", {})), "plug-in other")
    with pytest.raises(ConfigError, match=r"must be a Reader, got str"):
        registry.register("eml")
    assert suffixes()[".htm"] == "html" and kind_of(Path("a/B.PDF")) == "pdf"
    with pytest.raises(Exception, match=r"unsupported file type '.eml' \(use .txt .md .html .pdf .jsonl .csv\)"):
        kind_of(Path("letter.eml"))


def test_the_web_chat_offers_only_answerers_the_operator_set_up(tmp_path):
    model = tmp_path / "m.gguf"
    assert configured(Settings()) == ("extractive",)
    assert configured(Settings(llm_url="http://127.0.0.1:8080/v1")) == ("extractive", "openai", "auto")
    assert configured(Settings(llm="ollama")) == ("extractive", "ollama")  # auto never tries Ollama
    assert configured(Settings(llm_model_path=model)) == ("extractive", "llamacpp", "auto")
    assert isinstance(ANSWERERS.get("extractive"), AnswererKind)
