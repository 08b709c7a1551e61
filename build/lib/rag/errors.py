"""One exception family. Every message says what went wrong and what to do."""

import re


class RagError(Exception):
    """Base class: the CLI and UI show its message on one line, never a traceback."""

    def said_as(self, names: dict[str, str]) -> str:
        """The message with each setting or field named as the user typed it (a flag, a label)."""
        text = str(self)
        for field, name in names.items():
            text = re.sub(rf"\b{re.escape(field)}\b", name, text)
        return text


class ConfigError(RagError):
    """A setting or the settings file is invalid."""


class LoadError(RagError):
    """A file could not be turned into an article; the message names the file."""


class IndexMismatchError(RagError):
    """The index was built with other settings (model, chunking) than the current ones."""


class IndexBusyError(RagError):
    """Another process is writing to the same index."""


class StoreError(RagError):
    """The vector store could not be opened or reached."""


class InputError(RagError):
    """A question or question file is malformed."""


class BackendError(RagError):
    """The configured LLM backend is unreachable, timed out, or failed; the message names it."""
