"""Web chat entry point: `python app.py` (same as `rag serve`)."""

from rag.errors import RagError
from rag.settings import load_settings
from rag.web.app import launch

if __name__ == "__main__":
    try:
        launch(load_settings())
    except RagError as exc:
        raise SystemExit(f"error: {exc}") from None
