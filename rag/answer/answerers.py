"""Answerers: who writes the answer. The offline extractive answerer and the LLM backends register
here; a package adds one through the entry point group `newsrag.answerers`, either as an LLM the
generative answerer writes with (`llm`) or as an answerer of its own (`make`). The CLI's `--llm`
help, the settings' check and the web chat's choices come from this registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rag.answer.answerer import Answerer, ExtractiveAnswerer
from rag.answer.llm import Backend, llamacpp, ollama, openai
from rag.answer.rank import load_model
from rag.errors import BackendError, ConfigError
from rag.records import AskOptions
from rag.registry import Registry
from rag.settings import Settings


def _always(settings: Settings) -> bool:
    return True


@dataclass(frozen=True)
class AnswererKind:
    name: str
    summary: str
    llm: Callable[[Settings], Backend] | None = None  # the LLM the generative answerer writes with
    make: Callable[[Settings, AskOptions], Answerer] | None = None  # or an answerer of its own
    set_up: Callable[[Settings], bool] = _always  # whether the operator set it up: the web chat offers only these


def _extractive(settings: Settings, o: AskOptions) -> Answerer:
    return ExtractiveAnswerer(o.answer_threshold, o.max_answer_sentences, load_model().assert_threshold)


OFFLINE = "answered offline: "  # how `auto`'s notice begins when no LLM answered
AUTO = "auto"  # not an answerer: the first LLM that is set up and answers, else the offline one
ANSWERERS: Registry[AnswererKind] = Registry("newsrag.answerers", "answerer", AnswererKind)
ANSWERERS.register(AnswererKind("extractive", "offline, quotes the sentences that answer (the default)", make=_extractive))
ANSWERERS.register(AnswererKind("llamacpp", "a local GGUF model at llm_model_path", llm=llamacpp,
                                set_up=lambda s: bool(s.llm_model_path)))
ANSWERERS.register(AnswererKind("openai", "any OpenAI-compatible server at llm_url", llm=openai,
                                set_up=lambda s: bool(s.llm_url) and s.llm != "ollama"))
ANSWERERS.register(AnswererKind("ollama", "an Ollama server at llm_url, else 127.0.0.1:11434", llm=ollama,
                                set_up=lambda s: False))  # only when RAG_LLM names it: its URL has a default
ANSWERERS.register(AnswererKind(AUTO, "the first LLM set up that answers, else offline", set_up=lambda s: False))


def kinds() -> tuple[str, ...]:
    return ANSWERERS.names()


def configured(settings: Settings) -> tuple[str, ...]:
    """The answerers this setup can use (what the web chat offers): the offline one; the one
    RAG_LLM names; each other one its own settings set up; `auto` only with an LLM for it to try.
    Anything else would let a web user make the server connect where the operator never pointed it."""
    entries = ANSWERERS.entries()
    usable = [k for k, e in entries.items() if k == settings.llm or e.set_up(settings)]
    if any(e.llm and e.set_up(settings) for e in entries.values()):  # what `auto` would try
        usable.append(AUTO)
    return tuple(k for k in entries if k in usable)


def choose(settings: Settings, requested: str) -> tuple[Backend | None, str | None]:
    """(LLM backend, or None for an answerer that needs none, notice). `auto` tries each LLM set up
    (llm_model_path, llm_url, a plug-in's own settings) and falls back offline with a notice."""
    kind = ANSWERERS.get(requested)
    if kind.name != AUTO:
        return (kind.llm(settings) if kind.llm else None), None
    reasons = []
    for candidate in ANSWERERS.entries().values():
        if candidate.llm and candidate.set_up(settings):
            try:
                return candidate.llm(settings), None
            except (BackendError, ConfigError) as exc:
                reasons.append(str(exc))
    why = "; ".join(reasons) if reasons else "no LLM is configured (set llm_url or llm_model_path)"
    return None, OFFLINE + why
