"""The web chat (Gradio): chat, corpus, batch and eval tabs over `rag.service`.

Gradio phones home unless told not to: at start it asks api.gradio.app for its latest version and
sends analytics to huggingface.co, and its run-history pages call the Hugging Face Hub for a browser.
The product runs offline, so the switches are set here, in the package every web module belongs
to, before any of them imports gradio (Gradio reads them when the app is built). They override
the environment: an operator's GRADIO_ANALYTICS_ENABLED=True must not make the chat phone home."""

import os

OFFLINE = {
    "GRADIO_ANALYTICS_ENABLED": "False",  # version check (api.gradio.app) and analytics (huggingface.co)
    "HF_HUB_DISABLE_TELEMETRY": "1",  # huggingface_hub's telemetry, which Gradio's analytics go through
    "GRADIO_RUN_HISTORY": "False",  # run history can save runs to, and list buckets on, the Hub
}
os.environ.update(OFFLINE)
