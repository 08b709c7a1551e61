"""The one settings object: defaults < rag.toml < RAG_* environment < explicit overrides."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any, Callable, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

from rag.errors import ConfigError

DEFAULT_MODEL = "all-MiniLM-L6-v2"


class Settings(BaseSettings):
    """Every knob of the product. Each field is documented in the README."""

    model_config = SettingsConfigDict(env_prefix="RAG_", extra="forbid", frozen=True)

    index_dir: Path = Field(Path("index"), description="Folder of the persisted Chroma store.")
    chroma_url: str | None = Field(None, description="Chroma server URL (e.g. http://127.0.0.1:8000); replaces index_dir.")
    chroma_token: SecretStr | None = Field(None, description="Bearer token for the authenticating proxy in front of a Chroma server (RAG_CHROMA_TOKEN or rag.toml); never logged.")
    chroma_allow_http: bool = Field(False, description="Send chroma_token over plain http:// to a non-loopback host; only on a private network you trust (https:// otherwise).")
    index_backend: str = Field("chroma", description="Where the index lives: chroma (default) or memory (this process only), or one a plug-in adds (`rag plugins`).")
    collection: str = Field("news", min_length=3, max_length=60, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9]$")
    embedding_model: str = Field(DEFAULT_MODEL, description="all-MiniLM-L6-v2 (packaged) or a sentence-transformers model folder.")
    embedding_backend: Literal["torch", "onnx", "onnx-int8", "static"] = Field(
        "onnx-int8", description="How the model runs: torch, onnx (same vectors), onnx-int8 (quantized, the default) or static (token vectors distilled from it: for archives, much faster, weaker).")
    model_cache: Path = Field(Path("~/.cache/newsrag"), description="Where ONNX exports of the embedding model are kept.")
    embedding_threads: int = Field(0, ge=0, le=1024, description="Cores the model may use (0: all of them). `rag ingest --workers N` gives each worker its share.")
    embed_batch_size: int = Field(8, ge=1, le=4096, description="Texts per model call (8 measured fastest here).")
    chunk_size: int = Field(256, ge=32, le=2048, description="Chunk size in cl100k_base tokens.")
    chunk_overlap: int = Field(20, ge=0, le=1024)
    top_k: int = Field(5, ge=1, le=100)
    retriever: Literal["dense", "bm25", "hybrid"] = Field("hybrid", description="Chunk ranking: dense, bm25 or hybrid (fused).")
    answer_threshold: float | None = Field(
        None, ge=0.0, le=1.0, description="Decline unless a sentence scores this (the ranker's 0-1 score); empty: the threshold chosen with the model.")
    max_answer_sentences: int = Field(3, ge=1, le=10)
    max_file_mb: float = Field(20.0, gt=0, le=100_000)
    gold_set: Path = Field(Path("eval/gold.jsonl"), description="Gold questions for `rag eval` and the web chat's Eval tab.")
    llm: str = Field(
        "extractive", description="Answerer: extractive (offline), openai (any OpenAI-compatible server), ollama, llamacpp, auto, or one a plug-in adds (`rag plugins`).")
    llm_url: str | None = Field(None, description="Base URL of the LLM server, e.g. http://127.0.0.1:8080/v1 or http://127.0.0.1:11434.")
    llm_model: str = Field("default", description="Model name the server knows.")
    llm_api_key: SecretStr | None = Field(None, description="API key, if the server wants one.")
    llm_model_path: Path | None = Field(None, description="GGUF file for llm=llamacpp.")
    llm_timeout: float = Field(60.0, gt=0, le=3600, description="Seconds an answer may take; connecting gives up after 3.")
    llm_max_tokens: int = Field(400, ge=16, le=8192)
    llm_temperature: float = Field(0.1, ge=0.0, le=2.0)
    host: str = Field("127.0.0.1", description="Web chat interface; 0.0.0.0 exposes it to the network.")
    port: int = Field(7860, ge=0, le=65535)
    auth_user: str | None = Field(None, description="Web chat login user (default `newsrag` when a password is set).")
    web_password: SecretStr | None = Field(None, description="Web chat login password; a password file is safer (RAG_WEB_PASSWORD_FILE). Never a command-line flag.")
    web_password_file: Path | None = Field(None, description="File whose first line is the web chat login password.")
    no_auth: bool = Field(False, description="Serve on a non-loopback host without a login (`rag serve --no-auth`); refused otherwise.")
    read_only: bool = Field(False, description="Web chat without upload, delete and re-index, in the page and in its API (`rag serve --read-only`); for shared deployments.")
    outlet_aliases: Path | None = Field(None, description="A TOML file of outlet spellings to treat as one outlet, added to rag/lexicon/outlets.toml (e.g. \"TASS\" = [\"ITAR-TASS\"]).")
    upload_dir: Path = Field(Path("uploads"), description="Where articles uploaded in the web chat are kept.")
    collection_fields: str = Field("", description="Columns of article collections (.jsonl, .csv) under other names than the common ones: FIELD=COLUMN,... (e.g. title=headline,text=body); `rag ingest --fields` adds to it.")
    queue_size: int = Field(100, ge=1, le=10000, description="Web chat requests that may wait (50 users at once are all answered); more are told the server is busy.")
    concurrency: int = Field(8, ge=1, le=256, description="Web chat answers computed at once.")

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1_000_000)

    @field_validator("collection_fields")
    @classmethod
    def _fields(cls, spec: str) -> str:
        field_map(spec)  # a mistake is named where the setting is read, not at the first ingest
        return spec

    @field_validator("host")
    @classmethod
    def _bare_host(cls, host: str) -> str:
        """[::1] means ::1: brackets belong in a URL, not in the address the web chat binds."""
        host = host.strip()
        return host[1:-1] if host.startswith("[") and host.endswith("]") else host

    @model_validator(mode="after")
    def _overlap_below_size(self) -> "Settings":
        if self.chunk_overlap >= self.chunk_size:
            raise ValueError(f"chunk_overlap ({self.chunk_overlap}) must be smaller than chunk_size ({self.chunk_size})")
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_file = init_settings.init_kwargs.pop("_toml_file", None)  # type: ignore[attr-defined]
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if toml_file is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=toml_file))
        return tuple(sources)


ROW_FIELDS = ("id", "title", "date", "outlet", "url", "text")  # what one row of an article collection gives


def field_map(spec: str) -> dict[str, str]:
    """`title=headline,text=body` as {field: column}; ValueError names what is wrong. `publisher` is `outlet`."""
    out: dict[str, str] = {}
    for part in filter(str.strip, spec.split(",")):
        field, eq, column = (x.strip() for x in part.partition("="))
        field = "outlet" if field.lower() == "publisher" else field.lower()
        if not eq or not column:
            raise ValueError(f"{part.strip()!r} is not FIELD=COLUMN (e.g. text=body)")
        if field not in ROW_FIELDS:
            raise ValueError(f"unknown field {field!r} in {part.strip()!r}: use {', '.join(ROW_FIELDS)}")
        out[field] = column
    return out


def load_settings(config: Path | None = None, **overrides: Any) -> Settings:
    """Build settings once at an entry point; `config` defaults to ./rag.toml when present."""
    toml = config if config is not None else Path("rag.toml")
    if config is not None and not config.is_file():
        raise ConfigError(f"{config}: settings file not found")
    clean = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(_toml_file=toml if toml.is_file() else None, **clean)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, lambda field: _named(field, set(clean), toml))) from None
    except ValueError as exc:  # a malformed TOML file
        raise ConfigError(f"{toml}: {exc}") from None


def _describe(exc: ValidationError, named: Callable[[str], str]) -> str:
    parts = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err["loc"])
        if not field:  # a cross-field rule: its message names the fields
            message = err["msg"].removeprefix("Value error, ")
            parts.append(re.sub(r"\w+", lambda m: named(m[0]) if m[0] in Settings.model_fields else m[0], message))
            continue
        parts.append(f"{named(field)}: {err['msg']} (got {err.get('input')!r})")
    return "invalid settings: " + "; ".join(parts)


def _named(field: str, flags: set[str], toml: Path) -> str:
    """A setting named where the user set it: the command-line flag, the variable, the settings-file key."""
    if field in flags:
        return "--" + field.replace("_", "-")
    variable = f"RAG_{field.upper()}"
    if any(k.upper() == variable for k in os.environ):  # pydantic-settings matches variables in any case
        return variable
    try:
        if field in tomllib.loads(toml.read_text(encoding="utf-8")):
            return f"{field} in {toml}"
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        pass
    return field
