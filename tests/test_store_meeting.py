"""The meeting's records in the store: editing and closing 督办事项, check-ins, the target-change log."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from store.db import Store
from store.models import StoreError
from tests.support.postgres import open_db


@pytest.fixture
def store(tmp_path: Path, db_url: str) -> Store:
    """The store on SQLite and on PostgreSQL (the db_url fixture is parametrized)."""
    return Store(tmp_path / "data", engine=open_db(db_url, tmp_path / "data"))


def test_edit_and_close_an_action_item(store: Store) -> None:
    item = store.add_action_item("B08", "补充调解员", "", date(2026, 11, 10), date(2026, 10, 28))
    assert store.update_action_item(item.id, what=" 补充两名调解员 ", who="调解委员会", due="2026-12-01")
    (got,) = store.action_items(as_of=date(2026, 11, 20))
    assert (got.what, got.who, got.due, got.overdue) == ("补充两名调解员", "调解委员会", date(2026, 12, 1), False)
    assert store.mark_action_done(item.id, date(2026, 11, 18))
    (got,) = Store(store.data_dir, engine=store.engine).action_items()  # a fresh store reads the same
    assert got.status == "done" and got.done_at is not None and got.done_at.date() == date(2026, 11, 18)
    assert got.done_at.utcoffset() == timedelta(hours=8)  # Shanghai time
    assert not store.update_action_item(999, what="x", who="", due="2026-12-01")
    with pytest.raises(StoreError):
        store.update_action_item(item.id, what="  ", who="", due="2026-12-01")
    with pytest.raises(StoreError):
        store.mark_action_done(item.id, "not a date")
    assert store.delete_action_item(item.id) and store.action_items() == []


def test_check_ins_one_per_metric_per_meeting_newest_first(store: Store) -> None:
    store.save_check_in("B08", date(2026, 9, 25), "已约谈当事人", "王委员", "behind")
    store.save_check_in("B08", date(2026, 10, 28), "调解员到位", "", "behind")
    store.save_check_in("B08", "2026-10-28", "调解员已到位，下周回访", "李委员", "at_risk")  # replaces
    store.save_check_in("T15", date(2026, 10, 28), "开工", "", "behind")
    got = store.check_ins("B08")
    assert [(c.meeting_date, c.note, c.owner, c.status) for c in got] == [
        (date(2026, 10, 28), "调解员已到位，下周回访", "李委员", "at_risk"),
        (date(2026, 9, 25), "已约谈当事人", "王委员", "behind")]
    assert len(store.check_ins()) == 3
    with pytest.raises(StoreError):
        store.save_check_in("B08", date(2026, 11, 1), "   ")


def test_target_changes_are_logged_in_order(store: Store) -> None:
    store.log_target_change("B08", (None, True), (0.8, True), "街道同意下调")
    store.log_target_change("B08", (0.8, True), (0.8, False), "")
    log = Store(store.data_dir, engine=store.engine).target_log()
    assert [(c.metric_id, c.old_value, c.new_value, c.old_enabled, c.new_enabled, c.reason) for c in log] == [
        ("B08", None, 0.8, True, True, "街道同意下调"), ("B08", 0.8, 0.8, True, False, "")]
    assert log[0].at.utcoffset() == timedelta(hours=8)  # Shanghai time


def test_setting_a_target_logs_old_and_new_with_the_reason(store: Store) -> None:
    store.set_target("B08", 0.8, reason="街道同意下调")
    store.set_target("B08", 0.8)  # the same again: nothing to log
    store.set_target("B08", 0.8, False)
    store.reset_target("B08", reason="恢复计划")
    store.reset_target("B08")  # nothing to reset: nothing logged
    assert [(c.old_value, c.new_value, c.old_enabled, c.new_enabled, c.reason) for c in store.target_log()] == [
        (None, 0.8, True, True, "街道同意下调"), (0.8, 0.8, True, False, ""), (0.8, None, False, True, "恢复计划")]
