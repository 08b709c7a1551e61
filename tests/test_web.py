"""The web chat on a free loopback port, asked through gradio_client (a real HTTP round trip)."""

import socket
import threading

import pytest

from rag.settings import load_settings
from rag.web import build


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def running_app(sample_rag):
    demo = build(load_settings(index_dir=sample_rag.settings.index_dir))
    port = free_port()
    demo.queue().launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    yield f"http://127.0.0.1:{port}/"
    demo.close()


def test_web_chat_answers_with_citations(running_app):
    from gradio_client import Client

    client = Client(running_app, verbose=False)
    reply = client.predict("How many students from Tajikistan study in Russia?", api_name="/ask")
    assert "21,000" in reply and "002\\_3e4b70f7a6e2aa7f.txt" in reply and "**[1]**" in reply
    declined = client.predict("What is the capital of Australia?", api_name="/ask")
    assert "do not answer" in declined
