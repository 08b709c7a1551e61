"""Who may reach the web chat: decided, and refused in words, before the server starts."""

import pytest

from rag.errors import ConfigError
from rag.settings import Settings
from rag.web.access import access


def settings(**kw) -> Settings:
    return Settings(_toml_file=None, **kw)


def test_a_network_host_without_a_password_is_refused_unless_no_auth_says_so():
    with pytest.raises(ConfigError, match=r"--host 0.0.0.0 exposes the web chat.*RAG_WEB_PASSWORD_FILE.*--no-auth"):
        access(settings(host="0.0.0.0"))
    open_on_purpose = access(settings(host="0.0.0.0", no_auth=True))
    assert open_on_purpose.login is None and "Serving to the network: no login" in open_on_purpose.summary


def test_loopback_needs_no_password_and_says_it_serves_this_machine_only():
    for host in ("127.0.0.1", "localhost", "::1"):
        assert access(settings(host=host)).summary.startswith("Serving to this machine only: no login")


def test_a_login_user_without_a_password_is_an_error_not_an_open_chat():
    with pytest.raises(ConfigError, match="RAG_AUTH_USER is set but no password"):
        access(settings(auth_user="ana"))


def test_the_password_comes_from_a_file_and_is_never_in_the_summary(tmp_path):
    file = tmp_path / "pw"
    file.write_text("correct horse\n")
    got = access(settings(host="0.0.0.0", web_password_file=file, read_only=True))
    assert got.login == ("newsrag", "correct horse")
    assert "login required (user newsrag)" in got.summary and "read-only" in got.summary
    assert "correct horse" not in got.summary


@pytest.mark.parametrize("content, message", [(None, "cannot read the password file"), ("\n", "password file is empty")])
def test_an_unusable_password_file_is_named(tmp_path, content, message):
    file = tmp_path / "pw"
    if content is not None:
        file.write_text(content)
    with pytest.raises(ConfigError, match=message) as caught:
        access(settings(host="0.0.0.0", web_password_file=file))
    assert str(file) in str(caught.value)


def test_a_password_set_twice_is_refused():
    with pytest.raises(ConfigError, match="keep one"):
        access(settings(web_password="a", web_password_file="/etc/hostname"))
