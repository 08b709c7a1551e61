"""Who may reach the web chat and what it lets them change: decided before the server starts."""

from __future__ import annotations

from dataclasses import dataclass

from rag.answer.answerers import configured as answerers  # noqa: F401 - the chat offers these
from rag.errors import ConfigError, InputError
from rag.index.remote import is_loopback  # one test of "this machine only", for the chat and the store
from rag.settings import Settings

DEFAULT_USER = "newsrag"
BLANK = "is empty or blank: a login needs a password"  # said alike of the variable and the file


@dataclass(frozen=True)
class Access:
    login: tuple[str, str] | None  # (user, password) the chat asks for, or None
    summary: str  # what the server exposes, printed at start (never the password)


def password(settings: Settings) -> str | None:
    """The login password from RAG_WEB_PASSWORD or the file RAG_WEB_PASSWORD_FILE names (one, not both)."""
    if settings.web_password is not None and settings.web_password_file:
        raise ConfigError("both RAG_WEB_PASSWORD and RAG_WEB_PASSWORD_FILE are set; keep one")
    if settings.web_password_file is None:
        if settings.web_password is None:
            return None
        if not settings.web_password.get_secret_value().strip():  # " " would be a login anyone can guess
            raise ConfigError(f"RAG_WEB_PASSWORD {BLANK}; set one, or unset RAG_WEB_PASSWORD")
        return settings.web_password.get_secret_value()
    try:
        lines = settings.web_password_file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{settings.web_password_file}: cannot read the password file "
                          f"({getattr(exc, 'strerror', None) or exc}); set RAG_WEB_PASSWORD_FILE to a readable file") from None
    if not lines or not lines[0].strip():
        raise ConfigError(f"{settings.web_password_file}: the password file {BLANK}; put it on the file's first line")
    return lines[0].strip()


def access(settings: Settings) -> Access:
    """The login and the start-up summary; ConfigError for half-configured auth, or a network
    host without a password unless no_auth says so explicitly."""
    secret = password(settings)
    if settings.auth_user and not secret:
        raise ConfigError("RAG_AUTH_USER is set but no password: set RAG_WEB_PASSWORD_FILE (or RAG_WEB_PASSWORD), "
                          "or unset RAG_AUTH_USER")
    local = is_loopback(settings.host)
    if not local and not secret and not settings.no_auth:
        raise ConfigError(f"--host {settings.host} exposes the web chat to the network, and no password is set: set "
                          "RAG_WEB_PASSWORD_FILE (or RAG_WEB_PASSWORD), or pass --no-auth to serve it without a login")
    login = (settings.auth_user or DEFAULT_USER, secret) if secret else None
    who = "this machine only" if local else "the network"
    gate = f"login required (user {login[0]})" if login else "no login"
    writes = "read-only (no upload, delete, re-index or batch)" if settings.read_only else "upload, delete and re-index allowed"
    return Access(login, f"Serving to {who}: {gate}; {writes}.")


def offered(llm: str, kinds: tuple[str, ...]) -> str:
    """`llm` if this server offers it; else InputError, before anything is loaded or contacted."""
    if llm not in kinds:
        raise InputError(f"the answerer {llm!r} is not offered by this server; choose one of: {', '.join(kinds)}")
    return llm
