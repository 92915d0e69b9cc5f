"""`assistant users add`: an account that can log in, and a clear refusal for every bad form."""

import pytest

from assistant.accounts.service import authenticate
from assistant.cli import main
from assistant.db import Database


def run(capsys, url, *argv):
    code = main(["--database-url", url, "users", "add", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def url(tmp_path):
    return f"sqlite:///{tmp_path / 'users.db'}"


def test_a_new_account_can_log_in(capsys, url):
    code, out, _ = run(capsys, url, "chen", "--role", "staff", "--password", "window-pass-9", "--window", "B02", "--display-name", "陈红")
    assert code == 0 and "user chen (staff) created" in out
    db = Database(url)
    try:
        with db.session() as s:
            user = authenticate(s, name="chen", password="window-pass-9")
            assert user is not None and user.window == "B02" and user.display_name == "陈红"
            assert authenticate(s, name="chen", password="wrong-pass-9") is None
    finally:
        db.dispose()


def test_password_from_the_environment(capsys, url, monkeypatch):
    monkeypatch.setenv("ASSISTANT_NEW_PASSWORD", "from-env-pass")
    assert run(capsys, url, "env", "--role", "curator")[0] == 0


@pytest.mark.parametrize("argv,message", [
    (["dup", "--role", "staff", "--password", "another-pass"], "user 'dup' already exists"),
    (["short", "--role", "staff", "--password", "1234567"], "at least 8 characters"),
    (["<b>x</b>", "--role", "staff", "--password", "long-enough"], "a login name is 1-120 ASCII letters"),
    (["a b", "--role", "staff", "--password", "long-enough"], "a login name is 1-120 ASCII letters"),
    (["n" * 121, "--role", "staff", "--password", "long-enough"], "a login name is 1-120 ASCII letters"),
    (["w", "--role", "staff", "--password", "long-enough", "--window", "A05; drop"], "a window is like A05"),
])
def test_bad_accounts_are_refused_with_a_message(capsys, url, argv, message):
    assert run(capsys, url, "dup", "--role", "staff", "--password", "first-pass-1")[0] == 0
    code, _, err = run(capsys, url, *argv)
    assert code == 1 and message in err and "Traceback" not in err


def test_unknown_role_is_a_usage_error(capsys, url):
    with pytest.raises(SystemExit) as exc:
        main(["--database-url", url, "users", "add", "x", "--role", "boss", "--password", "long-enough"])
    assert exc.value.code == 2 and "invalid choice: 'boss'" in capsys.readouterr().err
