"""The web chat over HTTP on a free loopback port: API answers, concurrency, and what it refuses to serve."""

import threading
import urllib.error
import urllib.request

import pytest
from helpers import free_port
from helpers import web_chat as chat

from rag.settings import load_settings
from rag.web.app import launch


def serve(**overrides):
    """The web chat as `rag serve` starts it (same options, same guards), on a free loopback port."""
    settings = load_settings(port=free_port(), **overrides)
    return launch(settings, prevent_thread_lock=True, quiet=True), f"http://127.0.0.1:{settings.port}/"


@pytest.fixture(scope="module")
def running_app(tmp_path_factory):
    from helpers import CORPUS, make_rag

    index = tmp_path_factory.mktemp("web-index")
    make_rag(index).ingest([CORPUS])
    demo, url = serve(index_dir=index, upload_dir=tmp_path_factory.mktemp("uploads"))
    yield url, index
    demo.close()


def test_answers_over_the_api_with_citations(running_app):
    html = chat(running_app[0], "How many students from Tajikistan study in Russia?")
    assert "21,000" in html and 'class="cite" href="#src-1-1"' in html and "002_3e4b70f7a6e2aa7f.txt" in html


def test_fifty_simultaneous_chats_are_all_answered(running_app):
    questions = ["How many students from Tajikistan study in Russia?", "How many Russian troops are stationed in Tajikistan?"]
    results: dict[int, str] = {}
    gate = threading.Barrier(50)

    def run(i: int) -> None:
        from gradio_client import Client

        client = Client(running_app[0], verbose=False)
        gate.wait()  # all fifty ask at once
        results[i] = client.predict(questions[i % 2], "extractive", 5, "hybrid", [], "", "", 3, api_name="/ask")[0]

    threads = [threading.Thread(target=run, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert len(results) == 50
    assert all(("21,000" if i % 2 == 0 else "7,000") in results[i] for i in range(50))


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


PROBES = ["/etc/passwd", "../../../../etc/passwd", "..%2F..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd",
          "..%252F..%252Fetc%252Fpasswd", "..\\..\\etc\\passwd", "/proc/self/environ", "file:///etc/passwd",
          "INDEX/chroma.sqlite3", "INDEX/inputs.json", "INDEX/../uploads", ".env", "rag.toml", "pyproject.toml",
          "ROOT/app.py", "http://127.0.0.1:PORT/gradio_api/info", "http://evil.test/x.png", "HTTP%3A//evil.test/x"]


@pytest.mark.parametrize("path", PROBES)
def test_file_route_serves_nothing_outside_the_app(running_app, path):
    from helpers import ROOT

    url, index = running_app
    port = url.rsplit(":", 1)[1].strip("/")
    target = path.replace("INDEX", str(index)).replace("ROOT", str(ROOT)).replace("PORT", port)
    status, body = fetch(f"{url}gradio_api/file={target}")
    assert status in (403, 404), (status, body[:200])
    assert b"root:" not in body and b"SQLite" not in body and b"[project]" not in body and b'"inputs":' not in body


ROUTES = ["gradio_api/file=", "gradio_api/file/", "file=", "file/", "gradio_api/proxy=", "proxy=",
          "gradio_api/file=%20", "GRADIO_API/FILE/"]


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("scheme", ["http://", "HTTPS://", "http%3A//", "http%253A//"])
def test_no_file_route_relays_a_url_and_none_is_fetched(running_app, route, scheme):
    import http.server

    hits = []

    class Beacon(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"RELAYED")

        def log_message(self, *args):
            pass

    beacon = http.server.HTTPServer(("127.0.0.1", 0), Beacon)  # on loopback: tests never reach outside
    threading.Thread(target=beacon.serve_forever, daemon=True).start()
    try:
        status, body = fetch(f"{running_app[0]}{route}{scheme}127.0.0.1:{beacon.server_address[1]}/secret.png")
    finally:
        beacon.shutdown()
    assert status in (403, 404) and b"RELAYED" not in body and hits == []


def upload_request(url: str, name: str, data: bytes) -> urllib.request.Request:
    """A multipart POST to Gradio's upload route, as the browser sends it."""
    boundary = "xyzzy"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\n"
            f"Content-Type: text/plain\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return urllib.request.Request(url + "gradio_api/upload", data=body, method="POST",
                                  headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})


def test_another_sessions_upload_cannot_be_fetched(running_app):
    import json

    from gradio_client import Client

    url = running_app[0]
    status, reply = fetch(upload_request(url, "visit.txt", b"Notes\n\nThe minister met the delegation in Khorog."))
    path = json.loads(reply)[0]  # where Gradio put it: the uploading session knows this path
    assert fetch(f"{url}gradio_api/file={path}")[0] == 200  # until the upload is indexed, Gradio serves it
    file_data = {"path": path, "orig_name": "visit.txt", "meta": {"_type": "gradio.FileData"}}
    assert "Indexed: visit.txt" in Client(url, verbose=False).predict([file_data], api_name="/index")[1]
    status, body = fetch(f"{url}gradio_api/file={path}")  # another session trying the same path
    assert status in (403, 404) and b"Khorog" not in body


def test_uploads_over_the_size_limit_are_refused_by_the_server(running_app):
    status, reply = fetch(upload_request(running_app[0], "big.txt", b"A" * 21_000_000))  # max_file_mb is 20
    assert status == 413 and b"maximum allowed size" in reply


def test_foreign_origin_gets_no_cors_allowance(running_app):
    request = urllib.request.Request(running_app[0] + "gradio_api/info", headers={"Origin": "http://evil.test"})
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.headers.get("access-control-allow-origin") not in ("*", "http://evil.test")


@pytest.fixture(scope="module")
def guarded_app(running_app):
    """The same index served with a login and a queue of one."""
    demo, url = serve(index_dir=running_app[1], queue_size=1, concurrency=1, auth_user="ana", web_password="s3cret")
    yield url
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


def _endpoints(url: str) -> set[str]:
    import json

    status, body = fetch(url + "gradio_api/info")
    assert status == 200
    return set(json.loads(body)["named_endpoints"])


def test_read_only_serves_no_upload_delete_or_reindex_in_the_page_or_the_api(running_app):
    import json

    writes = {"/remove", "/index", "/again"}
    assert writes <= _endpoints(running_app[0])  # the normal chat has them
    demo, url = serve(index_dir=running_app[1], read_only=True)
    try:
        assert not writes & _endpoints(url)
        call = urllib.request.Request(url + "gradio_api/call/remove", data=json.dumps({"data": ["001_4ecbdd51a9200624.txt"]}).encode(),
                                      headers={"Content-Type": "application/json"}, method="POST")
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(call, timeout=10)
        status, page = fetch(url + "config")
        page = page.replace(b'": "', b'":"')
        assert b'"elem_id":"read-only"' in page
        assert not any(b'"elem_id":"%s"' % e in page for e in (b"upload", b"index-upload", b"delete", b"reindex"))
    finally:
        demo.close()
    from helpers import make_rag

    assert make_rag(running_app[1]).article("001_4ecbdd51a9200624.txt") is not None
