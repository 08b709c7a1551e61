"""The web chat over HTTP on a free loopback port: API answers, concurrency, and what it refuses to serve."""

import threading
import urllib.error
import urllib.request

import pytest
from conftest import free_port
from conftest import web_chat as chat

from rag.settings import load_settings
from rag.web import build


@pytest.fixture(scope="module")
def running_app(tmp_path_factory):
    from conftest import CORPUS, make_rag

    index = tmp_path_factory.mktemp("web-index")
    make_rag(index).ingest([CORPUS])
    settings = load_settings(index_dir=index, upload_dir=tmp_path_factory.mktemp("uploads"))
    demo = build(settings)
    port = free_port()
    demo.queue(max_size=settings.queue_size, default_concurrency_limit=settings.concurrency).launch(
        server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True, ssr_mode=False,
        allowed_paths=[], blocked_paths=[str(index)])
    yield f"http://127.0.0.1:{port}/", index
    demo.close()


def test_answers_over_the_api_with_citations(running_app):
    html = chat(running_app[0], "How many students from Tajikistan study in Russia?")
    assert "21,000" in html and 'class="cite" href="#src-1-1"' in html and "002_3e4b70f7a6e2aa7f.txt" in html


def test_eight_simultaneous_chats_are_all_answered(running_app):
    questions = ["How many students from Tajikistan study in Russia?", "How many Russian troops are stationed in Tajikistan?"] * 4
    results: dict[int, str] = {}

    def run(i: int, q: str) -> None:
        results[i] = chat(running_app[0], q)

    threads = [threading.Thread(target=run, args=(i, q)) for i, q in enumerate(questions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert len(results) == 8
    assert all(("21,000" if i % 2 == 0 else "7,000") in results[i] for i in range(8))


@pytest.mark.parametrize("path", ["/etc/passwd", "../../../../etc/passwd", "..%2F..%2F..%2Fetc%2Fpasswd",
                                  "%2Fetc%2Fpasswd", "INDEX/chroma.sqlite3", ".env", "rag.toml"])
def test_file_route_serves_nothing_outside_the_app(running_app, path):
    url, index = running_app
    target = path.replace("INDEX", str(index))
    try:
        with urllib.request.urlopen(f"{url}gradio_api/file={target}", timeout=5) as response:
            body = response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        status, body = exc.code, exc.read()
    assert status in (403, 404) and b"root:" not in body and b"SQLite" not in body


def test_foreign_origin_gets_no_cors_allowance(running_app):
    request = urllib.request.Request(running_app[0] + "gradio_api/info", headers={"Origin": "http://evil.test"})
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.headers.get("access-control-allow-origin") not in ("*", "http://evil.test")


@pytest.fixture(scope="module")
def guarded_app(running_app):
    """The same index served with a login and a queue of one."""
    settings = load_settings(index_dir=running_app[1], queue_size=1, concurrency=1,
                             auth_user="ana", auth_password="s3cret")
    demo = build(settings)
    port = free_port()
    demo.queue(max_size=1, default_concurrency_limit=1).launch(
        server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True, ssr_mode=False,
        auth=("ana", "s3cret"))
    yield f"http://127.0.0.1:{port}/"
    demo.close()


def test_login_is_required_when_configured(guarded_app):
    from gradio_client import Client

    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(guarded_app + "gradio_api/info", timeout=5)
    assert info.value.code == 401
    with pytest.raises(Exception, match="credentials were not provided"):
        Client(guarded_app, verbose=False)


def test_a_full_queue_says_so_and_admitted_chats_are_answered(guarded_app):
    from gradio_client import Client

    client = Client(guarded_app, auth=("ana", "s3cret"), verbose=False)
    results: list[str] = []

    def run() -> None:
        try:
            results.append(client.predict("How many Russian troops are stationed in Tajikistan?", "extractive", 5,
                                          "hybrid", [], "", "", 3, api_name="/ask")[0])
        except Exception as exc:  # gradio_client's QueueError
            results.append(f"error: {exc}")

    threads = [threading.Thread(target=run) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    answered = [r for r in results if "7,000" in r]
    busy = [r for r in results if "Queue is full" in r]
    assert len(results) == 6 and answered and busy and len(answered) + len(busy) == 6
