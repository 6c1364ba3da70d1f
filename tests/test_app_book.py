"""The data page's preview → accept flow through AppTest: nothing changes before accepting, a big
shrink needs its warning ticked, discarding keeps the book, and undo brings a version back."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.uploads import eight_files
from ui import data

ROOT = Path(__file__).resolve().parent.parent
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


pytestmark = pytest.mark.usefixtures("app_sandbox")


def store():
    from store.db import Store

    return Store()


def data_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    return at.switch_page("pages/data.py").run()


def ok(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]


def upload(at: AppTest, files: list[tuple[str, bytes]]) -> None:
    at.file_uploader(key=_uploader_key(at)).set_value([(name, blob, XLSX) for name, blob in files]).run()
    ok(at)


def _uploader_key(at: AppTest) -> str:
    return str(next(u.key for u in at.get("file_uploader")))


def ledgers() -> dict[str, int]:
    return {v.ledger: v.rows for v in store().book()}


def test_preview_then_accept_then_a_shrink_needs_confirming() -> None:
    at = data_page()
    upload(at, [(p.name, p.read_bytes()) for p in data.sample_files()])
    assert ledgers() == {}, "nothing is stored before accepting"
    assert any("12 个文件：" in s.value for s in [*at.success, *at.warning])
    preview = at.dataframe[0].value
    assert "活动台账" in preview.to_csv() and "— → 99" in preview.to_csv()
    at.button(key="book-accept-all").click().run()
    ok(at)
    assert len(ledgers()) == 16 and ledgers()["activities"] == 99
    assert at.session_state["_view"].dataset.kind == "book"

    upload(at, eight_files())
    assert any(w.value == "8 个文件：1 个已导入，7 个未导入" for w in [*at.warning, *at.error])
    assert any("少了一半以上" in w.value for w in at.warning)
    at.button(key="book-accept-all").click().run()
    assert any("请先勾选确认" in e.value for e in at.error)
    assert ledgers()["activities"] == 99  # refused: unchanged
    at.checkbox(key="book-confirm-activities").check().run()
    at.button(key="book-accept-all").click().run()
    ok(at)
    assert ledgers()["activities"] == 6 and len(ledgers()) == 16
    assert any("已更新台账：活动台账（6 行）" in s.value for s in at.success)

    # undo: the history lists both versions, rolling back brings the 99 rows back
    at.selectbox(key="book-history-ledger").set_value("activities").run()
    old = min(v.id for v in store().history("activities"))
    at.button(key=f"book-rollback-{old}").click().run()
    ok(at)
    assert ledgers()["activities"] == 99
    assert at.session_state["_view"].results.get("B04").value > 6


def test_discarding_keeps_the_book() -> None:
    at = data_page()
    upload(at, eight_files())
    at.button(key="book-discard").click().run()
    ok(at)
    assert ledgers() == {} and any("已放弃" in i.value for i in at.info)
    assert not [b for b in at.button if b.key == "book-accept-all"]


def test_the_overview_shows_what_changed_since_the_snapshot() -> None:
    from tests.support.uploads import mediation_plus

    at = data_page()
    upload(at, [(p.name, p.read_bytes()) for p in data.sample_files()])
    at.button(key="book-accept-all").click().run()
    at.button(key="book-snapshot").click().run()
    ok(at)
    upload(at, [mediation_plus(5)])
    assert "调解台账" in at.dataframe[0].value.to_csv() and "新增 5 行" in at.dataframe[0].value.to_csv()
    at.button(key="book-accept-all").click().run()
    at.switch_page("pages/dashboard.py").run()
    ok(at)
    assert any("与快照 #1" in c.value for c in at.caption)
    cells = [m.value for m in at.markdown if "class='change'" in m.value]
    moved = [c for c in cells if "▲" in c or "▼" in c]
    assert len(cells) == 46 and len(moved) == 1 and "个百分点" in moved[0]


def test_the_meeting_view_freezes_the_book_once_a_month_and_shows_the_change() -> None:
    from store.models import SnapshotKind
    from tests.support.uploads import mediation_plus

    s = store()
    data.accept_upload(data.handle_upload([(p.name, p.read_bytes()) for p in data.sample_files()], s), s)
    s.take_snapshot("十月例会")
    data.accept_upload(data.handle_upload([mediation_plus(5)], s), s)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("pages/meeting.py").run()
    ok(at)
    kinds = [x.kind for x in store().snapshots()]
    assert kinds == [SnapshotKind.MEETING, SnapshotKind.BOOK]
    html = " ".join(h.proto.body for h in at.get("html"))
    assert "B08" in html and "▲ 2.7 个百分点" in html  # against 十月例会, not the freeze just taken
    at.switch_page("pages/meeting.py").run()
    assert len(store().snapshots()) == 2


def test_rolling_back_needs_the_password_like_uploads() -> None:
    from tests.support.uploads import good_activities

    s = store()
    for rows in (8, 5):
        data.accept_upload(data.handle_upload([("活动台账.xlsx", good_activities(rows))], s), s,
                           confirm=["activities"])
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.secrets["password"] = "桃园-2026"
    at.run()
    at.switch_page("pages/data.py").run()
    ok(at)
    assert not [b for b in at.button if str(b.key).startswith("book-rollback-")]
    at.text_input(key="auth_pw_rollback").input("桃园-2026")
    next(b for b in at.button if b.form_id == "auth_unlock_rollback").click().run()
    old = min(v.id for v in store().history("activities"))
    at.button(key=f"book-rollback-{old}").click().run()
    ok(at)
    assert ledgers() == {"activities": 8}


def test_a_re_upload_of_the_same_files_says_so_and_offers_nothing() -> None:
    at = data_page()
    mediation = next((p.name, p.read_bytes()) for p in data.sample_files() if p.suffix == ".csv")
    upload(at, [mediation])
    at.button(key="book-accept-all").click().run()
    upload(at, [mediation])
    ok(at)
    assert any("完全相同" in i.value for i in at.info)
    assert not [b for b in at.button if b.key == "book-accept-all"]
    assert len(store().history("mediation")) == 1


def test_accepting_some_ledgers_leaves_the_others_out() -> None:
    from tests.support.uploads import good_activities, mediation_plus

    at = data_page()
    upload(at, [("活动台账.xlsx", good_activities(4)), mediation_plus(0)])
    at.checkbox(key="book-pick-mediation").uncheck().run()
    at.button(key="book-accept").click().run()
    ok(at)
    assert ledgers() == {"activities": 4}
    assert any("已更新台账：活动台账（4 行）" in s.value for s in at.success)
