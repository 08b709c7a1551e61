"""The web chat (Gradio). It only calls Rag; no answering logic lives here."""

from __future__ import annotations

from rag.errors import RagError
from rag.render import answer_markdown
from rag.service import Rag
from rag.settings import Settings

EXAMPLES = [
    "How many students from Tajikistan study in Russia?",
    "How many Russian troops are stationed in Tajikistan?",
    "What did Lavrov say about the Tajik-Afghan border?",
]


def build(settings: Settings):
    """The Gradio app over one shared Rag (one model load for all sessions)."""
    import gradio as gr

    rag = Rag(settings)

    def respond(message: str, history: list) -> str:
        try:
            return answer_markdown(rag.ask(message))
        except RagError as exc:
            return f"**Error:** {exc}"

    return gr.ChatInterface(
        respond, title="News RAG", examples=EXAMPLES, cache_examples=False, flagging_mode="never", api_name="ask",
        description="Answers come only from the indexed articles, with numbered sources you can check.",
        chatbot=gr.Chatbot(sanitize_html=True, render_markdown=True, height=520),
    )


def launch(settings: Settings) -> None:
    demo = build(settings)
    demo.queue(max_size=64, default_concurrency_limit=8)
    blocked = [str(settings.index_dir.resolve()), ".env", "rag.toml"]
    demo.launch(server_name=settings.host, server_port=settings.port, share=False,
                allowed_paths=[], blocked_paths=blocked, show_error=False, footer_links=[])
