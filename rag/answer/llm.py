"""LLM backends through llama-index's LLM classes: OpenAI-compatible servers, Ollama, local GGUF."""

from __future__ import annotations

from dataclasses import dataclass

from rag.errors import BackendError, ConfigError
from rag.settings import Settings

CONNECT_TIMEOUT = 3.0  # an unreachable server is reported within seconds, not after llm_timeout
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


def ollama(settings: Settings) -> Backend:
    """An Ollama server's model; the server is probed first so a dead one fails fast."""
    probe(settings, "ollama")
    from llama_index.llms.ollama import Ollama

    url = _url(settings, "ollama")
    return Backend("ollama", Ollama(model=settings.llm_model, base_url=url, request_timeout=settings.llm_timeout,
                                    temperature=settings.llm_temperature), url)


def openai(settings: Settings) -> Backend:
    """Any OpenAI-compatible server's model (llama.cpp's server, vLLM, a hosted API), probed first."""
    probe(settings, "openai")
    from llama_index.llms.openai_like import OpenAILike

    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else "not-needed"
    llm = OpenAILike(model=settings.llm_model, api_base=settings.llm_url, api_key=key, is_chat_model=True,
                     timeout=settings.llm_timeout, max_retries=0, max_tokens=settings.llm_max_tokens,
                     temperature=settings.llm_temperature, context_window=8192)
    return Backend("openai", llm, settings.llm_url or "")


def llamacpp(settings: Settings) -> Backend:
    """A local GGUF model run in this process by llama.cpp."""
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
