"""The office password and the snapshot history through AppTest (``at.secrets``): what is locked, what
the unlock form does, deleting one snapshot, protect_viewing, and that the password leaves no trace."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from streamlit.testing.v1 import AppTest

from ui.escape import md

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "桃园Office-2026"


pytestmark = pytest.mark.usefixtures("app_sandbox")


def app(*, password: str | None = PASSWORD, protect_viewing: bool | None = None, page: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    if password is not None:
        at.secrets["password"] = password
    if protect_viewing is not None:
        at.secrets["protect_viewing"] = protect_viewing
    at.run()
    if page:
        at.switch_page(page).run()
    ok(at)
    return at


def ok(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]


def pw_fields(at: AppTest) -> list[Any]:
    return [w for w in at.text_input if (w.key or "").startswith("auth_pw_")]


def unlock(at: AppTest, where: str, given: str) -> None:
    at.text_input(key=f"auth_pw_{where}").input(given)
    next(b for b in at.button if b.form_id == f"auth_unlock_{where}").click().run()
    ok(at)


def keys(elements: Any) -> set[str]:
    return {e.key for e in elements if e.key}


def store() -> Any:
    from store.db import Store, default_data_dir

    return Store(default_data_dir())


def activities(n: int) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["活动日期", "活动名称", "活动类别", "参与人数"])
    for i in range(n):
        ws.append([f"2026-{i % 12 + 1:02d}-05", f"活动{i}", "文体", 20 + i])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def two_snapshots(tmp_path: Path) -> list[int]:
    """Snapshots #1 (5 activities) and #2 (9 activities), saved straight into the store."""
    from ledgers.reader import load_files

    s = store()
    ids = []
    for n, label in ((5, "四月例会"), (9, "五月例会")):
        path = tmp_path / f"活动台账{n}.xlsx"
        path.write_bytes(activities(n))
        ids.append(s.save_snapshot(load_files([path], secret=s.secret), [path], label=label).id)
    return ids


def walk(node: Any) -> Iterator[Any]:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from walk(child)


# ---------------------------------------------------------------- no password: all open


def test_without_secrets_everything_is_open() -> None:
    at = app(password=None, page="pages/data.py")
    assert at.file_uploader(key="uploader") is not None
    assert not pw_fields(at)
    assert any("未设置管理密码" in c.value for c in at.caption)
    assert not any("已锁定" in c.value for c in at.sidebar.caption)
    at.switch_page("pages/targets.py").run()
    assert {"target_save", "target_restore"} <= keys(at.button) and not pw_fields(at)
    at.switch_page("pages/dashboard.py").run()
    assert len(at.session_state["_view"].results.metrics) == 46 and not pw_fields(at)


# ---------------------------------------------------------------- the data page


def test_data_page_shows_the_unlock_form_instead_of_the_uploader() -> None:
    at = app(page="pages/data.py")
    assert not at.get("file_uploader"), "no uploader while locked"
    assert any("上传台账需要管理密码" in c.value for c in at.caption)
    assert any("已锁定" in c.value for c in at.sidebar.caption)
    unlock(at, "upload", "wrong-password")
    assert [e.value for e in at.error] == ["密码不正确"]
    assert not at.get("file_uploader") and not at.session_state.get("auth_unlocked")
    unlock(at, "upload", PASSWORD)
    assert at.file_uploader(key="uploader") is not None and not at.error
    assert at.session_state["auth_unlocked"] is True
    # the sidebar says so and can lock again
    assert any("已解锁" in c.value for c in at.sidebar.caption)
    at.sidebar.button(key="auth_lock").click().run()
    assert not at.get("file_uploader") and pw_fields(at)


def test_full_width_password_from_a_chinese_ime_unlocks() -> None:
    at = app(password="pass123", page="pages/data.py")
    unlock(at, "upload", "ｐａｓｓ１２３")
    assert at.file_uploader(key="uploader") is not None


def test_english_wrong_password_message() -> None:
    at = app(page="pages/data.py")
    at.sidebar.segmented_control(key="lang").set_value("en").run()
    unlock(at, "upload", "nope")
    assert [e.value for e in at.error] == ["Wrong password"]
    assert any("Uploading ledgers needs the office password" in c.value for c in at.caption)


# ---------------------------------------------------------------- the targets page


def test_targets_editing_is_blocked_until_unlocked() -> None:
    at = app(page="pages/targets.py")
    assert not {"target_save", "target_restore"} & keys(at.button)
    assert "target_metric" not in keys(at.selectbox)
    assert any("修改目标、停用指标或恢复计划值需要管理密码" in c.value for c in at.caption)
    assert at.dataframe, "the table is still there to read"
    unlock(at, "targets", PASSWORD)
    at.selectbox(key="target_metric").set_value("B04").run()
    at.number_input(key="target_value_B04").set_value(20.0)
    at.button(key="target_save").click().run()
    ok(at)
    assert store().targets()["B04"].value == 20
    at.toggle(key="target_enabled_B04").set_value(False)
    at.button(key="target_save").click().run()
    assert at.session_state["_view"].results.get("B04") is None
    at.button(key="target_restore").click().run()
    assert "B04" not in store().targets()


# ---------------------------------------------------------------- history: picker and delete


def test_history_lists_newest_first_and_opens_the_latest(tmp_path: Path) -> None:
    first, second = two_snapshots(tmp_path)
    at = app(password=None)
    assert at.sidebar.radio(key="source").value == "snapshot"
    picker = at.sidebar.selectbox(key="snapshot_id")
    assert picker.value == second and picker.options[0].startswith(f"#{second} ")
    assert "1 个文件" in picker.options[0] and "最新" in picker.options[0] and "五月例会" in picker.options[0]
    assert picker.options[1].startswith(f"#{first} ") and "最新" not in picker.options[1]
    assert at.session_state["_view"].dataset.snapshot_id == second
    # the closed picker may cut the line in a narrow sidebar: label and file names are spelt out below it
    assert any("五月例会" in c.value and md("活动台账9.xlsx") in c.value for c in at.sidebar.caption)
    picker.set_value(first).run()
    assert at.session_state["_view"].dataset.snapshot_id == first


def test_deleting_a_snapshot_needs_the_password_and_a_confirmation(tmp_path: Path) -> None:
    first, second = two_snapshots(tmp_path)
    kept = store().load_snapshot(first)[0]["activities"]
    at = app()
    at.sidebar.button(key="snapshot_delete").click().run()
    # locked: the password form, no confirm button, nothing deleted
    assert "snapshot_delete_confirm" not in keys(at.sidebar.button)
    assert "auth_pw_snapshot_delete" in keys(at.sidebar.text_input)
    unlock(at, "snapshot_delete", "guess")
    assert [e.value for e in at.sidebar.error] == ["密码不正确"]
    assert "snapshot_delete_confirm" not in keys(at.sidebar.button)
    unlock(at, "snapshot_delete", PASSWORD)
    # unlocked: the confirmation names the snapshot; still nothing deleted
    assert any(f"确定删除快照 #{second}" in w.value for w in at.sidebar.warning)
    confirm = at.sidebar.button(key="snapshot_delete_confirm")
    assert confirm.label == f"确认删除快照 #{second}"
    assert [s.id for s in store().snapshots()] == [second, first]
    confirm.click().run()
    ok(at)
    # only that one is gone; the view falls back to the latest remaining, with a message
    assert [s.id for s in store().snapshots()] == [first]
    assert store().load_snapshot(first)[0]["activities"].equals(kept)
    assert at.sidebar.selectbox(key="snapshot_id").value == first
    assert at.session_state["_view"].dataset.snapshot_id == first
    assert any(f"已删除快照 #{second}" in s.value and f"#{first}" in s.value for s in at.sidebar.success)
    # the last one: back to the sample
    at.sidebar.button(key="snapshot_delete").click().run()
    at.sidebar.button(key="snapshot_delete_confirm").click().run()
    ok(at)
    assert store().snapshots() == []
    assert at.session_state["_view"].dataset.kind == "sample"
    assert at.sidebar.radio(key="source").value == "sample"
    assert any("示例数据" in s.value for s in at.sidebar.success)


def test_deleting_an_older_snapshot_keeps_the_latest(tmp_path: Path) -> None:
    first, second = two_snapshots(tmp_path)
    at = app(password=None)
    at.sidebar.selectbox(key="snapshot_id").set_value(first).run()
    at.sidebar.button(key="snapshot_delete").click().run()
    assert not pw_fields(at), "no password configured: confirmation only"
    at.sidebar.button(key="snapshot_delete_confirm").click().run()
    assert [s.id for s in store().snapshots()] == [second]
    assert at.session_state["_view"].dataset.snapshot_id == second


def test_cancel_deletes_nothing(tmp_path: Path) -> None:
    ids = two_snapshots(tmp_path)
    at = app(password=None)
    at.sidebar.button(key="snapshot_delete").click().run()
    at.sidebar.button(key="snapshot_delete_cancel").click().run()
    assert "snapshot_delete_confirm" not in keys(at.sidebar.button)
    assert sorted(s.id for s in store().snapshots()) == sorted(ids)


# ---------------------------------------------------------------- protect_viewing


def test_protect_viewing_shows_only_the_unlock_form() -> None:
    at = app(protect_viewing=True)
    assert "_view" not in at.session_state, "no data was read"
    assert [w.key for w in at.text_input] == ["auth_pw_view"]
    shown = " ".join(e.value for e in [*at.markdown, *at.caption, *at.title] if isinstance(e.value, str))
    assert "请输入密码查看看板" in shown
    for word in ("消防", "志愿", "达标", "桃园社区2"):
        assert word not in shown
    assert not at.page_link and not at.dataframe and not at.get("plotly_chart")
    unlock(at, "view", "wrong")
    assert [e.value for e in at.error] == ["密码不正确"] and "_view" not in at.session_state
    unlock(at, "view", PASSWORD)
    assert len(at.session_state["_view"].results.metrics) == 46
    assert any("创建指标总览" in title.value for title in at.title)


def test_protect_viewing_as_text_in_secrets_and_locking_again() -> None:
    at = app(protect_viewing="true")  # type: ignore[arg-type]  # a TOML string works as well
    unlock(at, "view", PASSWORD)
    at.sidebar.button(key="auth_lock").click().run()
    assert "auth_pw_view" in keys(at.text_input) and not at.page_link


# ---------------------------------------------------------------- no trace of the password


def protos(at: AppTest) -> list[bytes]:
    return [node.proto.SerializeToString() for node in walk(at._tree) if getattr(node, "proto", None) is not None]


def test_the_password_leaves_no_trace_after_unlocking() -> None:
    at = app(protect_viewing=True)
    assert len(protos(at)) >= 5  # the walk reaches the elements
    # a wrong try is not kept either: the field is empty again
    unlock(at, "view", "wrong-" + PASSWORD)
    assert at.text_input(key="auth_pw_view").value == ""
    assert "wrong-" not in repr(at.session_state.to_dict())
    assert not any(PASSWORD.encode("utf-8") in p for p in protos(at))
    unlock(at, "view", PASSWORD)
    at.switch_page("pages/data.py").run()
    at.switch_page("pages/targets.py").run()
    ok(at)
    assert not any(PASSWORD.encode("utf-8") in p for p in protos(at))
    state = at.session_state.to_dict()
    assert state["auth_unlocked"] is True
    assert not [k for k, v in state.items() if PASSWORD in repr(v)]
    raw = at._session_state._state  # widget values too, keyed or not
    for part in (raw._old_state, raw._new_session_state, raw._new_widget_state):
        assert PASSWORD not in repr(dict(part) if hasattr(part, "keys") else part)


def test_deleting_a_snapshot_of_the_book_leaves_the_book() -> None:
    at = app(password=None, page="pages/data.py")
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    at.file_uploader(key="uploader").set_value(("活动台账.xlsx", activities(7), xlsx)).run()
    ok(at)
    assert store().snapshots() == [] and store().book() == []  # a preview first: nothing stored
    at.button(key="book-accept-all").click().run()
    at.button(key="book-snapshot").click().run()
    ok(at)
    (frozen,) = store().snapshots()
    at.sidebar.radio(key="source").set_value("snapshot").run()
    assert at.session_state["_view"].dataset.snapshot_id == frozen.id
    at.sidebar.button(key="snapshot_delete").click().run()
    at.sidebar.button(key="snapshot_delete_confirm").click().run()
    ok(at)
    assert store().snapshots() == []
    assert [(v.ledger, v.rows) for v in store().book()] == [("activities", 7)]
    assert at.session_state["_view"].dataset.kind == "book"
