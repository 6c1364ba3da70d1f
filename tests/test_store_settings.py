"""Targets, column mappings, action items and the secret key: round trips through the database."""

from __future__ import annotations

import stat
import threading
from datetime import date
from pathlib import Path

import pytest

from store.db import SECRET_NAME, Store, secret_key
from store.models import StoreError, TargetSetting
from tests.support.postgres import open_db


@pytest.fixture
def store(tmp_path: Path, db_url: str) -> Store:
    """The store on SQLite and on PostgreSQL (the db_url fixture is parametrized)."""
    return Store(tmp_path / "data", secret=b"test-secret", engine=open_db(db_url, tmp_path / "data"))


def test_targets_round_trip(store: Store) -> None:
    assert store.targets() == {}
    rec = store.set_target("B07a", 0.9, True)
    store.set_target("B05c", None, False)  # switched off, plan value kept
    again = Store(store.data_dir, engine=store.engine)
    assert again.targets() == {"B07a": TargetSetting(0.9, True), "B05c": TargetSetting(None, False)}
    records = again.target_records()
    assert records["B07a"].updated_at == rec.updated_at and rec.updated_at.utcoffset() is not None
    later = store.set_target("B07a", 0.95, True)  # change: overwrites, newer time
    assert store.targets()["B07a"].value == 0.95
    assert store.target_records()["B07a"].updated_at == later.updated_at >= rec.updated_at
    assert store.reset_target("B07a") is True and store.reset_target("B07a") is False
    assert set(store.targets()) == {"B05c"}


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "abc"])
def test_target_value_must_be_a_number(store: Store, bad) -> None:
    with pytest.raises(StoreError) as err:
        store.set_target("B07a", bad, True)
    assert err.value.key == "store.error.bad_target"
    assert store.targets() == {}


def test_target_accepts_numeric_text(store: Store) -> None:
    store.set_target("A01", "12", True)  # type: ignore[arg-type]  # text from elsewhere is read too
    assert store.targets()["A01"] == TargetSetting(12.0, True)


def test_mappings_round_trip(store: Store) -> None:
    assert store.mappings() == {}
    store.save_mapping("sig-1", "volunteers", {"名字": "姓名", "组别": "队伍"})
    store.save_mapping("sig-2", "mediation", {"日期": "受理日期"})
    store.save_mapping("sig-1", "staff", {"名字": "姓名"})  # remapped: replaces
    assert Store(store.data_dir, engine=store.engine).mappings() == {
        "sig-1": {"ledger": "staff", "columns": {"名字": "姓名"}},
        "sig-2": {"ledger": "mediation", "columns": {"日期": "受理日期"}},
    }
    assert store.delete_mapping("sig-2") is True
    assert list(store.mappings()) == ["sig-1"]
    with pytest.raises(StoreError):
        store.save_mapping("", "staff", {})


def test_action_items(store: Store) -> None:
    meeting = date(2026, 3, 10)
    a = store.add_action_item("B07a", "补齐3号楼消防器材", "王主任", date(2026, 3, 31), meeting)
    b = store.add_action_item("C02", "联系绿化队", "综治组", "2026-04-15", meeting)
    c = store.add_action_item("B07a", "复查灭火器", "李*", date(2026, 3, 20), meeting)
    assert a.status == "open" and a.done_at is None

    april = date(2026, 4, 1)
    items = store.action_items(as_of=april)
    assert [i.id for i in items] == [c.id, a.id, b.id]  # open ones by due date
    assert [i.overdue for i in items] == [True, True, False]
    assert [i.id for i in store.action_items("B07a", as_of=april)] == [c.id, a.id]
    assert [i.id for i in store.action_items(status="overdue", as_of=april)] == [c.id, a.id]
    # due on the as-of day itself is not yet overdue
    assert not store.action_items("C02", as_of=date(2026, 4, 15))[0].overdue

    assert store.set_action_status(c.id, "done") is True
    done = [i for i in store.action_items(as_of=april) if i.id == c.id][0]
    assert done.status == "done" and done.done_at is not None and not done.overdue
    assert [i.id for i in store.action_items(as_of=april)] == [a.id, b.id, c.id]  # done ones last
    assert [i.id for i in store.action_items(status="done")] == [c.id]
    assert [i.id for i in store.action_items(status="open", as_of=april)] == [a.id, b.id]
    assert store.set_action_status(c.id, "open") and store.action_items(status="done") == []
    assert store.set_action_status(999, "done") is False
    round_trip = Store(store.data_dir, engine=store.engine).action_items("C02")[0]
    assert (round_trip.what, round_trip.who, round_trip.due, round_trip.meeting_date) == (
        "联系绿化队", "综治组", date(2026, 4, 15), meeting)
    assert store.delete_action_item(b.id) and len(store.action_items()) == 2


def test_action_item_refusals(store: Store) -> None:
    with pytest.raises(StoreError) as err:
        store.set_action_status(1, "cancelled")
    assert err.value.key == "store.error.bad_status"
    with pytest.raises(StoreError):
        store.action_items(status="whatever")
    with pytest.raises(StoreError) as err:
        store.add_action_item("B07a", "x", "y", "31/03/2026", date(2026, 3, 1))
    assert err.value.key == "store.error.bad_date"
    with pytest.raises(StoreError):
        store.add_action_item("B07a", "  ", "y", date(2026, 3, 31), date(2026, 3, 1))


def test_secret_file_is_created_once_with_mode_0600(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("DASHBOARD_SECRET", raising=False)
    monkeypatch.setenv("DASHBOARD_KEY_DIR", str(tmp_path / "keys"))
    data = tmp_path / "data"
    key = secret_key(data)
    path = tmp_path / "keys" / SECRET_NAME  # outside the data folder (#18 item 5)
    assert len(key) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert secret_key(data) == key  # stable across runs
    assert Store(data).secret == key
    path.chmod(0o644)
    assert secret_key(data) == key and stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_damaged_secret_file_is_refused(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("DASHBOARD_SECRET", raising=False)
    tmp_path.joinpath(SECRET_NAME).write_text("not hex\n")
    with pytest.raises(StoreError) as err:
        secret_key(tmp_path)
    assert err.value.key == "store.error.bad_secret"


def test_secret_from_configuration_wins(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DASHBOARD_SECRET", "from-env")
    assert secret_key(tmp_path) == b"from-env"
    assert secret_key(tmp_path, "from-st-secrets") == b"from-st-secrets"
    assert not (tmp_path / SECRET_NAME).exists()


def test_secret_made_by_two_threads_at_once_is_one_key(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("DASHBOARD_SECRET", raising=False)
    monkeypatch.setenv("DASHBOARD_KEY_DIR", str(tmp_path / "keys"))
    keys: list[bytes] = []
    barrier = threading.Barrier(4)

    def make() -> None:
        barrier.wait()
        keys.append(secret_key(tmp_path / "d"))

    threads = [threading.Thread(target=make) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(keys) == 4 and len(set(keys)) == 1


def test_data_files_are_private(tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600


def test_a_damaged_database_is_reported_not_overwritten(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "dashboard.sqlite3").write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError) as err:
        Store(data)
    assert err.value.key == "store.error.unreadable"
    assert (data / "dashboard.sqlite3").read_bytes().startswith(b"this is not")
