"""What a red team found on loopback, each tried again against a real server: phoning home at start,
an answerer a web user could switch on, IPv6 hosts, login guessing, uploads to a read-only
server, a lone surrogate in a question, unknown endpoint names."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from helpers import CORPUS, ROOT, free_port, make_rag, serving

from rag.settings import load_settings
from rag.web.app import launch

VENV_BIN = Path(sys.executable).parent
QUESTION = "How many Russian troops are stationed in Tajikistan?"


def fetch(request, timeout: float = 30) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def post(url: str, body: bytes, kind: str = "application/json") -> urllib.request.Request:
    return urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": kind})


def call(url: str, name: str, data: list) -> tuple[int, str]:
    """POST /gradio_api/call/NAME then read its event stream: (status of the POST, events or body).
    json.dumps writes a lone surrogate as the escape a browser would send."""
    status, body = fetch(post(f"{url}gradio_api/call/{name}", json.dumps({"data": data}).encode()))
    if status != 200:
        return status, body.decode("utf-8", "replace")
    return status, fetch(f"{url}gradio_api/call/{name}/{json.loads(body)['event_id']}", timeout=120)[1].decode()


def ask_data(question: str = QUESTION, llm: str = "extractive") -> list:
    return [question, llm, 5, "hybrid", [], "", "", 3]


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("redteam-index")
    make_rag(folder).ingest([CORPUS])
    return folder


def serve(index: Path, **overrides):
    """The web chat in this process as `rag serve` starts it, with no LLM configured whatever the
    environment says; (app, url)."""
    settings = load_settings(port=free_port(), index_dir=index, **overrides)
    settings = settings.model_copy(update={"llm": "extractive", "llm_url": None, "llm_model_path": None})
    demo = launch(settings, prevent_thread_lock=True, quiet=True)
    return demo, f"http://{'[::1]' if settings.host == '::1' else '127.0.0.1'}:{settings.port}/"


@pytest.fixture(scope="module")
def read_only(index, tmp_path_factory):
    demo, url = serve(index, read_only=True, upload_dir=tmp_path_factory.mktemp("uploads"))
    yield url
    demo.close()


# 1. Offline at start-up ------------------------------------------------------------------------

RECORDER = '''
import ipaddress, os, socket
_log, _connect, _resolve = os.environ["OUTBOUND_LOG"], socket.socket.connect, socket.getaddrinfo

def _note(line):
    with open(_log, "a") as f:
        f.write(line + "\\n")

def _local(host):
    host = host.decode() if isinstance(host, bytes) else host
    if host in (None, "", "localhost"):
        return True
    try:
        return ipaddress.ip_address(str(host).strip("[]").split("%")[0]).is_loopback
    except ValueError:
        return False

def connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _local(address[0]):
        _note(f"connect {address[0]}")
        raise ConnectionRefusedError("outbound connections are recorded and refused")
    return _connect(self, address)

def getaddrinfo(host, *args, **kwargs):
    if not _local(host):
        _note(f"resolve {host}")
        raise socket.gaierror(socket.EAI_NONAME, "outbound lookups are recorded and refused")
    return _resolve(host, *args, **kwargs)

socket.socket.connect, socket.getaddrinfo = connect, getaddrinfo
_note("recorder loaded")
'''


@pytest.mark.parametrize("entry", ["rag serve", "python app.py"])
def test_the_chat_reaches_nothing_but_loopback_from_start_to_answer(index, tmp_path, entry):
    (tmp_path / "sitecustomize.py").write_text(RECORDER)  # loaded by every Python that starts
    log, port = tmp_path / "outbound.log", free_port()
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "OUTBOUND_LOG": str(log), "RAG_INDEX_DIR": str(index),
           "RAG_UPLOAD_DIR": str(tmp_path / "uploads"), "RAG_PORT": str(port),
           "GRADIO_ANALYTICS_ENABLED": "True", "GRADIO_RUN_HISTORY": "True"}  # the product must override these
    for name in ("HF_HUB_DISABLE_TELEMETRY", "DO_NOT_TRACK", "RAG_LLM", "RAG_LLM_URL", "RAG_LLM_MODEL_PATH"):
        env.pop(name, None)
    argv = [str(VENV_BIN / "rag"), "serve"] if entry == "rag serve" else [sys.executable, "app.py"]
    url = f"http://127.0.0.1:{port}/"
    with serving(argv, url, entry, 120, env=env, cwd=ROOT):
        assert fetch(url)[0] == 200 and fetch(url + "config")[0] == 200
        status, events = call(url, "ask", ask_data())
        assert status == 200 and "7,000" in events
        # run history would make the server call the Hub with a local token for a loopback browser
        assert fetch(url + "gradio_api/run-history/buckets")[0] == 404
        time.sleep(2)  # Gradio's version check and analytics run in threads of their own
    lines = log.read_text().splitlines()
    assert lines[0] == "recorder loaded"
    assert lines[1:] == [], f"{entry} tried to reach outside: {sorted(set(lines[1:]))}"


# 2. Only the answerers the operator configured ----------------------------------------------------

@pytest.fixture
def llm_stand_in(monkeypatch):
    """A loopback HTTP server where the default Ollama URL points: every request it gets is kept."""
    import http.server

    from rag.answer import llm

    hits: list[str] = []

    class StandIn(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # http.server's name for it
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"<html><title>LLM-STAND-IN</title></html>")

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), StandIn)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setattr(llm, "OLLAMA_URL", f"http://127.0.0.1:{server.server_address[1]}")
    yield hits
    server.shutdown()


@pytest.mark.parametrize("kind", ["ollama", "openai", "llamacpp", "auto"])
def test_a_web_user_cannot_switch_on_an_answerer_the_operator_never_set_up(read_only, llm_stand_in, kind):
    status, events = call(read_only, "ask", ask_data(llm=kind))
    refusal = events.split("event: error", 1)[-1]  # names the value and what the server offers instead
    assert status == 200 and "event: error" in events and kind in refusal and "extractive" in refusal
    status, shown = call(read_only, "answerer_status", [kind])  # the Settings panel's status line
    assert "event: error" in shown or status in (400, 404, 422)
    assert llm_stand_in == [] and "LLM-STAND-IN" not in events + shown


def test_the_page_offers_only_the_offline_answerer_when_no_llm_is_configured(read_only):
    config = json.loads(fetch(read_only + "config")[1])
    answerer = next(c["props"] for c in config["components"] if c.get("props", {}).get("label") == "Answerer")
    assert [value for _, value in answerer["choices"]] == ["extractive"]


# 3a. IPv6 ------------------------------------------------------------------------------------------

def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _ipv6_loopback(), reason="this machine has no IPv6 loopback (::1)")
@pytest.mark.parametrize("host", ["::1", "[::1]"])
def test_the_chat_serves_on_ipv6_loopback(index, host):
    demo, url = serve(index, host=host)
    try:
        assert url.startswith("http://[::1]:")
        assert fetch(url + "gradio_api/info")[0] == 200
        assert "7,000" in call(url, "ask", ask_data())[1]
    finally:
        demo.close()


# 3b. A blank password, as `rag serve` meets it -----------------------------------------------------

@pytest.mark.parametrize("where", ["variable", "file"])
def test_rag_serve_refuses_a_blank_password_alike_from_the_variable_and_the_file(tmp_path, where):
    blank = tmp_path / "pw"
    blank.write_text(" \n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_WEB_PASSWORD")}
    env.update({"RAG_WEB_PASSWORD": " "} if where == "variable" else {"RAG_WEB_PASSWORD_FILE": str(blank)})
    result = subprocess.run([str(VENV_BIN / "rag"), "serve", "--port", str(free_port())], check=False, env=env,
                            capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert result.returncode != 0
    assert "is empty or blank: a login needs a password" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


# 3c. Login guessing -------------------------------------------------------------------------------

def login(url: str, password: str) -> urllib.request.Request:
    from urllib.parse import urlencode

    return post(url + "login", urlencode({"username": "newsrag", "password": password}).encode(),
                "application/x-www-form-urlencoded")


def test_a_burst_of_wrong_logins_is_refused_and_the_right_one_works_after_the_window(index, monkeypatch):
    from rag.web import guard

    monkeypatch.setattr(guard, "MAX_FAILURES", 3)
    monkeypatch.setattr(guard, "WINDOW_S", 2.0)
    demo, url = serve(index, web_password="right-one")
    try:
        statuses: list[int] = []
        threads = [threading.Thread(target=lambda: statuses.append(fetch(login(url, "wrong"))[0])) for _ in range(40)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert statuses.count(400) <= 3 and statuses.count(429) >= 37, statuses
        status, body = fetch(login(url, "right-one"))  # locked out: even the right password waits
        assert status == 429 and b"Too many failed logins" in body
        time.sleep(2.1)
        assert fetch(login(url, "right-one"))[0] == 200
    finally:
        demo.close()


# 3d. Uploads to a read-only server ------------------------------------------------------------------

def upload(url: str, names: list[str], data: bytes) -> urllib.request.Request:
    boundary = "xyzzy"
    parts = b"".join((f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{n}\"\r\n"
                      f"Content-Type: image/png\r\n\r\n").encode() + data + b"\r\n" for n in names)
    return post(url + "gradio_api/upload", parts + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}")


def test_a_read_only_server_takes_no_upload_and_serves_none_back(read_only):
    from gradio.utils import get_upload_folder

    names = [f"{uuid.uuid4().hex}-{i}.png" for i in range(30)]
    status, body = fetch(upload(read_only, names, b"\x89PNG\r\n\x1a\n" + b"A" * 600_000))  # 18 MB in all
    assert status == 403 and b"read-only" in body
    assert not [p for p in Path(get_upload_folder()).rglob("*.png") if p.name in names]  # nothing was stored
    for name in names[:3]:
        assert fetch(f"{read_only}gradio_api/file={get_upload_folder()}/{name}")[0] in (403, 404)
    page = fetch(read_only + "config")[1].replace(b'": "', b'":"')
    assert b'"elem_id":"batch-file"' not in page  # the batch tab needs an upload, so it is not offered


# 3e. A lone surrogate ---------------------------------------------------------------------------

def test_a_lone_surrogate_in_a_question_is_answered_not_a_bare_error(read_only):
    status, events = call(read_only, "ask", ask_data("How many Russian \ud800 troops are stationed in Tajikistan?"))
    assert status == 200 and "event: complete" in events and "event: error" not in events
    assert "7,000" in events


# 3f. Unknown endpoint names ----------------------------------------------------------------------

@pytest.mark.parametrize("route", ["call/nosuch", "call/v2/nosuch", "run/nosuch", "api/nosuch", "call/nosuch/abc"])
def test_an_unknown_endpoint_name_is_a_404(read_only, route):
    request = read_only + "gradio_api/" + route
    status, body = fetch(request if route.endswith("/abc") else post(request, b'{"data": []}'))
    assert status == 404 and b"Internal Server Error" not in body
    assert call(read_only, "ask", ask_data())[0] == 200  # a known name still answers
