"""The red team's findings that are decided before the web chat starts: which answerers it offers,
blank passwords, IPv6 hosts, and the switches that keep Gradio from phoning home."""

import os

import pytest

from rag.errors import ConfigError, InputError
from rag.settings import Settings
from rag.web.access import access, answerers, offered


def settings(**kw) -> Settings:
    base = {"llm": "extractive", "llm_url": None, "llm_model_path": None}  # whatever the environment says
    return Settings(_toml_file=None, **{**base, **kw})


@pytest.mark.parametrize("configured, offers", [
    ({}, ("extractive",)),
    ({"llm": "ollama"}, ("extractive", "ollama")),
    ({"llm": "ollama", "llm_url": "http://127.0.0.1:11434"}, ("extractive", "ollama")),  # not an OpenAI URL
    ({"llm_url": "http://127.0.0.1:8080/v1"}, ("extractive", "openai", "auto")),
    ({"llm": "openai", "llm_url": "http://127.0.0.1:8080/v1"}, ("extractive", "openai", "auto")),
    ({"llm_model_path": "/models/m.gguf"}, ("extractive", "llamacpp", "auto")),
    ({"llm": "auto"}, ("extractive", "auto")),  # auto with nothing to choose answers offline
])
def test_the_chat_offers_the_offline_answerer_and_only_the_llms_the_operator_set_up(configured, offers):
    assert answerers(settings(**configured)) == offers


@pytest.mark.parametrize("value", ["ollama", "openai", "llamacpp", "auto", "", None, ["ollama"]])
def test_an_answerer_the_server_does_not_offer_is_refused_in_words(value):
    with pytest.raises(InputError, match=r"is not offered by this server; choose one of: extractive$"):
        offered(value, ("extractive",))
    assert offered("extractive", ("extractive",)) == "extractive"


@pytest.mark.parametrize("blank", [" ", "   ", "\t", ""])
def test_a_blank_password_is_refused_from_the_variable_as_from_the_file(tmp_path, blank):
    file = tmp_path / "pw"
    file.write_text(blank + "\n")
    with pytest.raises(ConfigError) as from_variable:
        access(settings(host="0.0.0.0", web_password=blank))
    with pytest.raises(ConfigError) as from_file:
        access(settings(host="0.0.0.0", web_password_file=file))
    said = "is empty or blank: a login needs a password"
    assert said in str(from_variable.value) and said in str(from_file.value)
    assert "RAG_WEB_PASSWORD" in str(from_variable.value) and str(file) in str(from_file.value)


def test_a_password_with_spaces_inside_is_a_password():
    assert access(settings(web_password=" two words ")).login == ("newsrag", " two words ")


@pytest.mark.parametrize("host", ["::1", "[::1]", " [::1] "])
def test_an_ipv6_host_is_kept_bare_and_bracketed_only_in_urls(host):
    from rag.web.app import url_host

    bare = settings(host=host).host
    assert bare == "::1" and url_host(bare) == "[::1]" and url_host("127.0.0.1") == "127.0.0.1"
    assert access(settings(host=host)).summary.startswith("Serving to this machine only")


def test_importing_the_web_chat_switches_off_gradio_phoning_home(monkeypatch):
    import importlib

    import rag.web

    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "True")  # an operator's setting does not turn it back on
    importlib.reload(rag.web)
    assert os.environ["GRADIO_ANALYTICS_ENABLED"] == "False"
    assert os.environ["GRADIO_RUN_HISTORY"] == "False" and os.environ["HF_HUB_DISABLE_TELEMETRY"] == "1"
