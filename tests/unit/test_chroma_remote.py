"""Where the Chroma server's token may be sent, and the warning for a server reached without one."""

import logging
from pathlib import Path

import pytest
from pydantic import SecretStr

from rag.errors import StoreError
from rag.index.place import Place
from rag.index.remote import server_target

pytestmark = pytest.mark.unit
TOKEN = SecretStr("t0ken-9c1e")


def place(url: str, token: SecretStr | None = None, allow_http: bool = False) -> Place:
    return Place(Path("index"), "news", url, token, allow_http)


def test_the_token_goes_as_a_bearer_header_over_tls_or_on_loopback():
    assert server_target(place("https://chroma.example.org", TOKEN)) == (
        "chroma.example.org", 443, True, {"Authorization": "Bearer t0ken-9c1e"})
    assert server_target(place("http://127.0.0.1:8000", TOKEN))[3] == {"Authorization": "Bearer t0ken-9c1e"}
    assert server_target(place("http://[::1]:8000", TOKEN))[:3] == ("::1", 8000, False)


def test_the_token_is_never_sent_in_clear_off_loopback_unless_the_network_is_declared_private():
    with pytest.raises(StoreError, match="not sent in clear text to 10.0.0.5: use an https:// URL"):
        server_target(place("http://10.0.0.5:8000", TOKEN))
    assert server_target(place("http://10.0.0.5:8000", TOKEN, allow_http=True))[3]["Authorization"]


def test_a_server_off_loopback_without_a_token_is_warned_about_once(caplog):
    caplog.set_level(logging.WARNING, logger="rag.index")
    for _ in range(3):
        assert server_target(place("http://chroma-warn-test.internal:8000"))[3] == {}
    assert caplog.text.count("reached without a token") == 1
    caplog.clear()
    server_target(place("http://localhost:8000"))
    server_target(place("https://chroma-warn-test-2.internal", TOKEN))
    assert "without a token" not in caplog.text


def test_the_token_stays_out_of_reprs_and_a_bad_url_is_named():
    assert "t0ken" not in repr(place("https://h", TOKEN))
    with pytest.raises(StoreError, match="chroma_url 'ftp://h': expected http://HOST:PORT"):
        server_target(place("ftp://h"))
    with pytest.raises(StoreError, match="must not hold credentials: put the proxy's token in RAG_CHROMA_TOKEN"):
        server_target(place("https://user:t0ken@h"))
    with pytest.raises(StoreError, match="the port is not a number"):
        server_target(place("http://h:99999"))
