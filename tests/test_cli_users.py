"""`cli.py users add/list/passwd`: the hub's first administrator and its accounts from the command
line; the password comes from standard input (or the keyboard), never from an argument, and is
never printed."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import cli


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from store.communities import ensure_community
    from store.engine import open_engine

    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DASHBOARD_HUB", "1")
    engine = open_engine(None, tmp_path / "data")
    ensure_community(engine, "桃园社区")
    return engine


def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *argv: str,
        stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_first_admin_then_a_clerk_then_the_list(hub, monkeypatch, capsys) -> None:
    from store.users import verify

    code, out, _ = run(monkeypatch, capsys, "users", "add", "jiedao", "--role", "street_admin", stdin="街道Admin-2026\n")
    assert code == 0 and out.strip() == "已开设账号 jiedao（街道管理员）。"
    code, out, _ = run(monkeypatch, capsys, "users", "add", "TaoYuan", "--role", "clerk", "--community", "桃园社区",
                       stdin="桃园Clerk-2026\n")
    assert code == 0 and out.strip() == "已开设账号 taoyuan（居委会录入员）。"
    assert verify(hub, "jiedao", "街道Admin-2026").community_id is None
    assert verify(hub, "taoyuan", "桃园Clerk-2026") is not None
    code, out, _ = run(monkeypatch, capsys, "users", "list")
    assert code == 0
    assert out.splitlines() == ["jiedao\t街道管理员\t全街道\t正常", "taoyuan\t居委会录入员\t桃园社区\t正常"]
    assert "Admin-2026" not in out and "argon2" not in out


def test_passwd_sets_a_new_password(hub, monkeypatch, capsys) -> None:
    from store.users import verify

    run(monkeypatch, capsys, "users", "add", "jiedao", "--role", "street_admin", stdin="街道Admin-2026\n")
    code, out, _ = run(monkeypatch, capsys, "users", "passwd", "JieDao", stdin="街道New-2027\n")
    assert code == 0 and out.strip() == "已为 jiedao 重置密码。"
    assert verify(hub, "jiedao", "街道Admin-2026") is None and verify(hub, "jiedao", "街道New-2027") is not None


@pytest.mark.parametrize(("argv", "stdin", "message"), [
    (("users", "add", "lily", "--role", "clerk"), "桃园Clerk-2026\n", "居委会的用户必须属于一个已有的社区。"),
    (("users", "add", "lily", "--role", "clerk", "--community", "梅林社区"), "桃园Clerk-2026\n",
     "没有名为 梅林社区 的社区（已有：桃园社区）。"),
    (("users", "add", "lily", "--role", "member", "--community", "桃园社区"), "short\n", "密码至少 8 个字符。"),
    (("users", "add", "lily", "--role", "mayor"), "桃园Clerk-2026\n", "无效的选项"),
    (("users", "passwd", "nobody"), "桃园Clerk-2026\n", "没有这个用户。"),
])
def test_refusals_are_one_chinese_line_and_change_nothing(hub, monkeypatch, capsys, argv, stdin, message) -> None:
    from store.users import list_users

    code, out, err = run(monkeypatch, capsys, *argv, stdin=stdin)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1
    assert "Clerk-2026" not in out + err
    assert list_users(hub) == []


def test_a_password_is_no_argument(hub, monkeypatch, capsys) -> None:
    code, _, err = run(monkeypatch, capsys, "users", "add", "lily", "--role", "street_admin", "--password", "x")
    assert code == 2 and "无法识别的参数" in err
