"""The web chat (Gradio): chat, corpus, batch and eval tabs over `rag.service`."""
