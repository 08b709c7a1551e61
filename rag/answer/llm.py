"""LLM backends through llama-index's LLM classes: OpenAI-compatible servers, Ollama, local GGUF."""

from __future__ import annotations

from dataclasses import dataclass
from typing import get_args

from rag.errors import BackendError, ConfigError
from rag.settings import Settings

CONNECT_TIMEOUT = 3.0  # an unreachable server is reported within seconds, not after llm_timeout
LLM_KINDS: tuple[str, ...] = get_args(Settings.model_fields["llm"].annotation)
OLLAMA_URL = "http://127.0.0.1:11434"
SERVER_KINDS = ("openai", "ollama")  # reached over HTTP, so probed; llamacpp runs in this process


@dataclass(frozen=True)
class Backend:
    kind: str  # openai | ollama | llamacpp
    llm: object  # a llama_index.core.llms.LLM
    where: str  # URL or model path, for messages


def probe(settings: Settings, kind: str) -> None:
    """Raise BackendError naming the URL unless the server answers within CONNECT_TIMEOUT."""
    import httpx

    url = _url(settings, kind)
    path = "/models" if kind == "openai" else "/api/tags"
    headers = {"Authorization": f"Bearer {settings.llm_api_key.get_secret_value()}"} if settings.llm_api_key else {}
    try:
        response = httpx.get(url.rstrip("/") + path, timeout=CONNECT_TIMEOUT, headers=headers)
    except httpx.HTTPError as exc:
        raise BackendError(f"LLM server at {url} is unreachable ({type(exc).__name__}: {exc or 'no answer'})") from None
    if response.status_code >= 400:
        raise BackendError(f"LLM server at {url} answered {response.status_code} to {path}")


def _url(settings: Settings, kind: str) -> str:
    if kind == "ollama":
        return settings.llm_url or OLLAMA_URL
    if not settings.llm_url:
        raise ConfigError("llm=openai needs llm_url (RAG_LLM_URL), e.g. http://127.0.0.1:8080/v1")
    return settings.llm_url


def build(settings: Settings, kind: str) -> Backend:
    """The llama-index LLM for `kind`; servers are probed first so a dead one fails fast."""
    if kind == "llamacpp":
        return _llamacpp(settings)
    probe(settings, kind)
    if kind == "ollama":
        from llama_index.llms.ollama import Ollama

        llm = Ollama(model=settings.llm_model, base_url=_url(settings, kind), request_timeout=settings.llm_timeout,
                     temperature=settings.llm_temperature)
        return Backend(kind, llm, _url(settings, kind))
    from llama_index.llms.openai_like import OpenAILike

    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else "not-needed"
    llm = OpenAILike(model=settings.llm_model, api_base=settings.llm_url, api_key=key, is_chat_model=True,
                     timeout=settings.llm_timeout, max_retries=0, max_tokens=settings.llm_max_tokens,
                     temperature=settings.llm_temperature, context_window=8192)
    return Backend(kind, llm, settings.llm_url or "")


def _llamacpp(settings: Settings) -> Backend:
    path = settings.llm_model_path
    if path is None or not path.is_file():
        raise ConfigError(f"llm=llamacpp needs llm_model_path (RAG_LLM_MODEL_PATH) to name a GGUF file, got {path}")
    with path.open("rb") as fh:
        if fh.read(4) != b"GGUF":  # llama.cpp's own message for this is a bare ValueError
            raise ConfigError(f"llm_model_path {path} is not a GGUF model file (it does not start with 'GGUF')")
    try:
        from llama_index.llms.llama_cpp import LlamaCPP
    except ImportError:
        raise ConfigError("llm=llamacpp needs llama-cpp-python: bash scripts/setup.sh --llamacpp") from None
    _llama_cpp_logs_to_logging()
    try:
        llm = LlamaCPP(model_path=str(path), temperature=settings.llm_temperature,
                       max_new_tokens=settings.llm_max_tokens, context_window=4096, verbose=False)
    except ValueError as exc:  # a GGUF llama.cpp cannot load (truncated, an architecture it does not know)
        raise ConfigError(f"llm_model_path {path}: llama.cpp could not load it ({exc})") from None
    return Backend("llamacpp", llm, str(path))


_llama_log: list = []  # the C callback must outlive every model, or llama.cpp calls freed memory


def _llama_cpp_logs_to_logging() -> None:
    """llama.cpp prints some lines to stderr even with verbose=False (e.g. "llama_kv_cache_iswa: …");
    send all of them to the `llama_cpp` logger instead, shown with `rag --verbose`."""
    if _llama_log:
        return
    import ctypes
    import logging

    import llama_cpp

    log = logging.getLogger("llama_cpp")

    @llama_cpp.llama_log_callback
    def to_logging(level: int, text: bytes, user_data) -> None:
        log.debug(text.decode("utf-8", "replace").rstrip())

    _llama_log.append(to_logging)
    llama_cpp.llama_log_set(to_logging, ctypes.c_void_p(0))


def configured(settings: Settings) -> tuple[str, ...]:
    """The answerers this setup can use (what the web chat offers): the offline one always; an LLM only where the operator set one
    up (RAG_LLM names it, or its own setting is there: llm_model_path for llamacpp, llm_url for openai
    unless that URL is Ollama's); `auto` only with such an LLM to choose. Anything else would let a
    web user make the server connect where the operator never pointed it (ollama's default port)."""
    kinds = {"extractive", settings.llm}
    if settings.llm_model_path:
        kinds.add("llamacpp")
    if settings.llm_url and settings.llm != "ollama":
        kinds.add("openai")
    if kinds & {"llamacpp", "openai"}:
        kinds.add("auto")  # auto tries only llamacpp and openai, by those same settings
    return tuple(k for k in LLM_KINDS if k in kinds)


def choose(settings: Settings, requested: str) -> tuple[Backend | None, str | None]:
    """(backend or None for the offline answerer, notice). `auto` falls back with a notice."""
    if requested == "extractive":
        return None, None
    if requested != "auto":
        return build(settings, requested), None
    candidates = (["llamacpp"] if settings.llm_model_path else []) + (["openai"] if settings.llm_url else [])
    reasons = []
    for kind in candidates:
        try:
            return build(settings, kind), None
        except (BackendError, ConfigError) as exc:
            reasons.append(str(exc))
    why = "; ".join(reasons) if reasons else "no LLM is configured (set llm_url or llm_model_path)"
    return None, f"answered offline: {why}"
