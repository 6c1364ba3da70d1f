"""settings.py: every setting documented in the README, typed values, and fail closed in the app."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from streamlit.runtime.secrets import Secrets
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.util import patch_config_options

import settings
from settings import Settings, SettingsError, load
from ui import keys

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "桃园Office-2026"


def readme_table() -> dict[str, str]:
    """The README's settings table: setting name -> where it is set."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    return {m.group(1): m.group(2) for m in re.finditer(r"^\| `([^`]+)` \| ([^|]+) \|", section, re.M)}


def test_every_setting_is_in_the_readme_table_and_nothing_else() -> None:
    table = readme_table()
    assert set(table) == {s.name for s in settings.SETTINGS}
    for s in settings.SETTINGS:
        assert ("secrets.toml" in table[s.name]) == (s.source is settings.Source.SECRETS), s.name


def test_no_module_reads_the_environment_or_secrets_for_a_setting_itself() -> None:
    names = [s.name for s in settings.SETTINGS if s.source is settings.Source.ENV]
    offenders = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith((".venv/", "tests/", "bench/")) or rel == "settings.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value in names:
                offenders.append(f"{rel}: {node.value}")
            if isinstance(node, ast.Attribute) and node.attr == "secrets" and rel != "ui/state.py":
                offenders.append(f"{rel}: st.secrets")
    assert not offenders


@pytest.mark.parametrize(("environ", "secrets", "expected"), [
    ({}, {}, Settings()),
    ({"DASHBOARD_DATA_DIR": "/srv/board"}, {}, Settings(data_dir=Path("/srv/board"))),
    ({"DASHBOARD_DATA_DIR": ""}, {}, Settings()),  # empty: the default, as before
    ({"DASHBOARD_PARSER_CHILDREN": "3"}, {}, Settings(parser_children=3)),
    ({"LEDGERS_SPLIT_MB": "0"}, {}, Settings(split_mb=0)),
    ({"LEDGERS_SPLIT_MB": "40"}, {}, Settings(split_mb=40)),
    ({"LEDGERS_IN_PROCESS": "1"}, {}, Settings(ledgers_in_process=True)),
    ({"REPORT_CHROMIUM": ""}, {}, Settings(chromium="")),  # set but empty: no PDF
    ({}, {"password": "pw"}, Settings(password="pw")),
    ({}, {"password": "pw", "protect_viewing": True}, Settings(password="pw", protect_viewing=True)),
    ({}, {"password": "pw", "protect_viewing": "true"}, Settings(password="pw", protect_viewing=True)),
    ({}, {"auth": {"password": "pw", "protect_viewing": "是"}}, Settings(password="pw", protect_viewing=True)),
    ({}, {"allowed_hosts": ["Board.Office.LAN"]}, Settings(allowed_hosts=("board.office.lan",))),
    ({}, {"allowed_hosts": "a.lan, b.lan"}, Settings(allowed_hosts=("a.lan", "b.lan"))),
    ({"DASHBOARD_DATABASE_URL": "postgresql+psycopg://app:pw@db/board"}, {},
     Settings(database_url="postgresql+psycopg://app:pw@db/board")),
    ({"DASHBOARD_DATABASE_URL": ""}, {}, Settings()),  # empty: the SQLite file, as before
    ({"DASHBOARD_DATABASE_OWNER_URL": "postgresql+psycopg://owner@db/board"}, {},
     Settings(database_owner_url="postgresql+psycopg://owner@db/board")),
    ({"DASHBOARD_HUB": "1"}, {}, Settings(hub=True)),
    ({"DASHBOARD_HUB": "否"}, {}, Settings(hub=False)),
])
def test_values_are_read_and_typed(environ: dict[str, str], secrets: dict[str, Any], expected: Settings) -> None:
    assert load(environ, secrets) == expected


@pytest.mark.parametrize(("environ", "secrets", "key", "named"), [
    ({}, {"protect_viewing": "maybe", "password": "pw"}, "settings.error.not_flag", "protect_viewing"),
    ({}, {"protect_viewing": 2, "password": "pw"}, "settings.error.not_flag", "protect_viewing"),
    ({}, {"password": 123456}, "settings.error.not_text", "password"),
    ({}, {"pasword": "pw"}, "settings.error.unknown", "pasword"),
    ({}, {"auth": {"pasword": "pw"}}, "settings.error.unknown", "auth.pasword"),
    ({}, {"auth": "pw"}, "settings.error.unknown", "auth"),
    ({}, {"protect_viewing": True}, "settings.error.protect_without_password", ""),
    ({}, {"allowed_hosts": 5}, "settings.error.not_hosts", "allowed_hosts"),
    ({"DASHBOARD_HUB": "maybe"}, {}, "settings.error.not_flag", "DASHBOARD_HUB"),
    ({"DASHBOARD_PARSER_CHILDREN": "two"}, {}, "settings.error.not_count", "DASHBOARD_PARSER_CHILDREN"),
    ({"DASHBOARD_PARSER_CHILDREN": "0"}, {}, "settings.error.not_count", "DASHBOARD_PARSER_CHILDREN"),
    ({"LEDGERS_SPLIT_MB": "-1"}, {}, "settings.error.not_megabytes", "LEDGERS_SPLIT_MB"),
    ({"LEDGERS_SPLIT_MB": "16MB"}, {}, "settings.error.not_megabytes", "LEDGERS_SPLIT_MB"),
    ({"LEDGERS_IN_PROCESS": "sometimes"}, {}, "settings.error.not_flag", "LEDGERS_IN_PROCESS"),
])
def test_wrong_values_raise_naming_the_setting(environ: dict[str, str], secrets: dict[str, Any], key: str,
                                               named: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load(environ, secrets)
    assert caught.value.key == key
    assert named in caught.value.text("zh") and named in caught.value.text("en")


def test_repr_never_shows_the_password_or_the_key() -> None:
    shown = repr(load({"DASHBOARD_SECRET": "k3y-k3y", "DASHBOARD_DATABASE_URL": "postgresql+psycopg://app:Pg-s3cret@db/x",
                       "DASHBOARD_DATABASE_OWNER_URL": "postgresql+psycopg://own:0wn-s3cret@db/x"},
                      {"password": PASSWORD}))
    assert PASSWORD not in shown and "k3y-k3y" not in shown
    assert "Pg-s3cret" not in shown and "0wn-s3cret" not in shown


# ---------------------------------------------------------------- fail closed in the app


pytestmark = pytest.mark.usefixtures("app_sandbox")


def stopped(at: AppTest) -> None:
    """Only the stop message: no metric, no file, no form, no sidebar data, no navigation."""
    assert not at.exception, [e.message for e in at.exception]
    assert [t.value for t in at.title] == ["看板没有启动：设置有误"]
    assert len(at.error) == 1
    assert not at.text_input and not at.button and not at.page_link and not at.dataframe
    assert keys.VIEW not in at.session_state


def run_with_secrets_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, page: str | None) -> AppTest:
    path = tmp_path / "secrets.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(st, "secrets", Secrets())  # a fresh one that parses this file
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    if page:
        at.switch_page(page)
    with patch_config_options({"secrets.files": [str(path)]}):
        at.run()
    return at


@pytest.mark.parametrize("page", [None, "pages/data.py", "pages/safety.py"])
def test_a_secrets_file_that_does_not_parse_stops_the_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          page: str | None) -> None:
    at = run_with_secrets_file(tmp_path, monkeypatch, f'password = "{PASSWORD}"\nprotect_viewing = yes\n', page)
    stopped(at)
    assert "密钥文件无法读取" in at.error[0].value and "protect_viewing = true" in at.error[0].value


def test_a_good_secrets_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run_with_secrets_file(tmp_path, monkeypatch, f'password = "{PASSWORD}"\nprotect_viewing = true\n', None)
    assert [w.key for w in at.text_input] == ["auth_pw_view"]  # locked, as configured


@pytest.mark.parametrize(("secrets", "named"), [
    ({"password": PASSWORD, "protect_viewing": "maybe"}, "protect_viewing"),
    ({"password": 123456}, "password"),
    ({"pasword": PASSWORD}, "pasword"),
    ({"protect_viewing": True}, "password"),
])
def test_a_wrong_value_stops_the_app(secrets: dict[str, Any], named: str) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in secrets.items():
        at.secrets[key] = value
    at.switch_page("pages/targets.py")  # the targets page said 「未设置管理密码」 with a working 保存
    at.run()
    stopped(at)
    assert named in at.error[0].value


def test_a_wrong_environment_value_stops_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DASHBOARD_PARSER_CHILDREN", "two")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    stopped(at)
    assert "DASHBOARD_PARSER_CHILDREN" in at.error[0].value


def test_the_cli_stops_on_a_wrong_setting_naming_it(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    import cli

    monkeypatch.setenv("DASHBOARD_PARSER_CHILDREN", "two")
    assert cli.main(["metrics", str(ROOT / "sample_data")]) == 2
    assert capsys.readouterr().err.strip() == "设置 DASHBOARD_PARSER_CHILDREN 必须是正整数，现在是 'two'。"
