"""The ledger book: an upload proposes new versions ledger by ledger, accepting makes them current,
snapshots freeze versions, undo goes back; schema-1 databases open as books."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from pathlib import Path

import pandas as pd
import pytest

from store.book import Caution, Change, Confirm, row_changes
from store.db import Store
from store.models import SnapshotKind, StoreError
from tests.support.postgres import count, open_db
from tests.support.store import (
    FakeReport,
    FakeResult,
    assert_frames_equal,
    ledger_frames,
    sample_report,
    upload,
)

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def store(tmp_path: Path, db_url: str) -> Store:
    """The store on SQLite and on PostgreSQL (the db_url fixture is parametrized)."""
    return Store(tmp_path / "data", secret=b"test-secret", engine=open_db(db_url, tmp_path / "data"))


def _only(ledger: str, variant: int = 1, rows: int = 3) -> tuple[FakeResult, list[tuple[str, bytes]]]:
    frames = ledger_frames(variant, rows)
    return FakeResult({ledger: frames[ledger]}, FakeReport(sample_report(variant))), [
        (f"{ledger}{variant}-{rows}.xlsx", f"{ledger} {variant} {rows}".encode())]


def _versions(store: Store) -> int:
    return count(store, "ledger_versions")


def test_first_upload_fills_the_book(store: Store) -> None:
    result, files = upload(0, rows=5)
    proposal = store.propose(result, files)
    assert store.book() == []  # proposing writes nothing
    assert {k: d.change for k, d in proposal.diffs.items()} == dict.fromkeys(
        ["activities", "households", "volunteers"], Change.NEW)
    accepted = store.accept(proposal, by="test")
    assert [v.ledger for v in accepted] == ["activities", "households", "volunteers"]  # registry order
    frames, report = store.load_book()
    assert_frames_equal({k: result.frames[k] for k in frames}, frames)
    assert report["problems"] and all(v.accepted_by == "test" and v.rows == 5 for v in store.book())
    assert store.book()[0].files[0].name == "活动台账0.xlsx"


def test_an_upload_of_one_ledger_keeps_the_others(store: Store) -> None:
    store.accept(store.propose(*upload(0, rows=5)))
    before = {v.ledger: v.id for v in store.book()}
    proposal = store.propose(*_only("households", variant=1, rows=6))
    assert list(proposal.diffs) == ["households"]
    store.accept(proposal)
    after = {v.ledger: v.id for v in store.book()}
    assert after["activities"] == before["activities"] and after["volunteers"] == before["volunteers"]
    assert after["households"] != before["households"]
    assert len(store.load_book()[0]["households"]) == 6


def test_the_same_files_again_make_no_new_version(store: Store) -> None:
    store.accept(store.propose(*upload(0, rows=5)))
    count = _versions(store)
    proposal = store.propose(*upload(0, rows=5))
    assert {d.change for d in proposal.diffs.values()} == {Change.UNCHANGED} and proposal.acceptable == []
    assert store.accept(proposal) == [] and _versions(store) == count


def test_empty_frames_replace_nothing(store: Store) -> None:
    store.accept(store.propose(*upload(0, rows=5)))
    frames = ledger_frames(1, 0)  # headers only: the reader gives a frame without rows
    proposal = store.propose(FakeResult(frames), [("empty.xlsx", b"e")])
    assert proposal.diffs == {}
    assert [v.rows for v in store.book()] == [5, 5, 5]


def test_a_big_shrink_needs_the_warning_confirmed(store: Store) -> None:
    store.accept(store.propose(*_only("activities", variant=0, rows=400)))
    proposal = store.propose(*_only("activities", variant=0, rows=10))
    diff = proposal.diffs["activities"]
    assert (diff.rows_before, diff.rows_after) == (400, 10) and Caution.FEWER_ROWS in diff.warnings
    with pytest.raises(StoreError) as err:
        store.accept(proposal)
    assert err.value.key == "store.error.confirm_shrink"
    assert store.book()[0].rows == 400
    store.accept(proposal, confirm=["activities"])
    assert store.book()[0].rows == 10


def test_an_older_newest_date_is_a_warning(store: Store) -> None:
    store.accept(store.propose(*_only("activities", variant=5, rows=8)))  # months 6..12 of 2026
    proposal = store.propose(*_only("activities", variant=0, rows=8))  # months 1..8
    diff = proposal.diffs["activities"]
    (_, newest_before), (_, newest_after) = diff.dates_before, diff.dates_after
    assert newest_before is not None and newest_after is not None
    assert newest_before > newest_after and diff.warnings == (Caution.OLDER,)


def _acts(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["活动日期", "活动名称", "参与人数"])


@pytest.mark.parametrize(("before", "after", "key", "expected"), [
    # same key, one value changed; one new row
    (_acts(("d1", "读书会", 5), ("d2", "义诊", 9)), _acts(("d1", "读书会", 6), ("d2", "义诊", 9), ("d3", "x", 1)),
     ("活动日期", "活动名称"), (1, 0, 1, ("活动日期", "活动名称"))),
    # one row gone
    (_acts(("d1", "读书会", 5), ("d2", "义诊", 9)), _acts(("d2", "义诊", 9)),
     ("活动日期", "活动名称"), (0, 1, 0, ("活动日期", "活动名称"))),
    # no key: a changed row is one removed and one added
    (_acts(("d1", "读书会", 5), ("d2", "义诊", 9)), _acts(("d1", "读书会", 6), ("d2", "义诊", 9)),
     (), (1, 1, 0, ())),
    # a key column missing from the frames: by content
    (_acts(("d1", "读书会", 5)), _acts(("d1", "读书会", 5)), ("地点",), (0, 0, 0, ())),
    # the same key twice matches in order
    (_acts(("d1", "读书会", 5), ("d1", "读书会", 6)), _acts(("d1", "读书会", 5), ("d1", "读书会", 7)),
     ("活动日期", "活动名称"), (0, 0, 1, ("活动日期", "活动名称"))),
])
def test_row_changes(before, after, key, expected) -> None:
    assert row_changes(before, after, key) == expected


def test_rollback_and_history(store: Store) -> None:
    first = store.accept(store.propose(*_only("activities", variant=0, rows=4)))[0]
    second = store.accept(store.propose(*_only("activities", variant=1, rows=7)))[0]
    history = store.history("activities")
    assert [(v.id, v.rows, v.current) for v in history] == [(second.id, 7, True), (first.id, 4, False)]
    assert history[1].files[0].name == "activities0-4.xlsx"
    back = store.rollback("activities", first.id, by="test")
    assert back.id == first.id and back.rows == 4 and len(store.load_book()[0]["activities"]) == 4
    with pytest.raises(StoreError):
        store.rollback("households", first.id)


def test_a_snapshot_freezes_the_book_without_copying_rows(store: Store) -> None:
    store.accept(store.propose(*upload(0, rows=5)))
    count = _versions(store)
    frozen = store.take_snapshot("十一月例会")
    assert frozen.kind is SnapshotKind.BOOK and frozen.label == "十一月例会" and _versions(store) == count
    book_frames, _ = store.load_book()
    store.accept(store.propose(*_only("activities", variant=2, rows=9)))
    frames, report = store.load_snapshot(frozen.id)
    assert_frames_equal(book_frames, frames)
    assert len(report["problems"]) == 1
    assert len(store.load_book()[0]["activities"]) == 9


def test_a_meeting_snapshot_is_taken_once_a_month(store: Store) -> None:
    store.accept(store.propose(*upload(0)))
    first = store.take_snapshot("例会", kind=SnapshotKind.MEETING)
    assert first is not None and first.kind is SnapshotKind.MEETING
    assert store.take_snapshot("例会", kind=SnapshotKind.MEETING) is None
    assert len(store.snapshots()) == 1


def test_an_empty_book_cannot_be_frozen(store: Store) -> None:
    with pytest.raises(StoreError) as err:
        store.take_snapshot("x")
    assert err.value.key == "store.error.no_rows"


def test_a_proposal_made_before_someone_else_accepted_is_refused(store: Store) -> None:
    store.accept(store.propose(*_only("activities", variant=0)))
    mine = store.propose(*_only("activities", variant=1))
    store.accept(store.propose(*_only("activities", variant=2)))
    with pytest.raises(StoreError) as err:
        store.accept(mine)
    assert err.value.key == "store.error.book_moved"
    assert len(store.history("activities")) == 2  # nothing of mine was kept


def test_two_sessions_accepting_different_ledgers_at_once_both_land(tmp_path: Path) -> None:
    data = tmp_path / "data"
    Store(data, secret=b"test-secret").accept(Store(data, secret=b"test-secret").propose(*upload(0)))
    proposals = {k: Store(data, secret=b"test-secret").propose(*_only(k, variant=3, rows=2000))
                 for k in ("activities", "households")}
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(k: str) -> None:
        try:
            barrier.wait(timeout=30)
            Store(data, secret=b"test-secret").accept(proposals[k])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(k,)) for k in proposals]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    assert not errors
    assert {v.ledger: v.rows for v in Store(data, secret=b"test-secret").book()} == {
        "activities": 2000, "households": 2000, "volunteers": 3}


def test_a_database_written_by_schema_1_opens_as_a_book(tmp_path: Path) -> None:
    """The fixture was written by the store before the book (two snapshots: a whole upload of five
    rows labelled 三月例会, then an upload of the activity ledger alone)."""
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(FIXTURES / "store_v1.sqlite3", data / "dashboard.sqlite3")
    store = Store(data, secret=b"test-secret")
    assert store.integrity_check() == "ok"
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 3  # 3: communities (store.engine.SCHEMA_VERSION)
        assert not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'snapshot_frames'").fetchone()
    old = [s for s in store.snapshots()]
    assert [(s.id, s.label, s.kind, sorted(s.rows)) for s in old] == [
        (2, None, SnapshotKind.UPLOAD, ["activities"]),
        (1, "三月例会", SnapshotKind.UPLOAD, ["activities", "households", "volunteers"])]
    frames, report = store.load_snapshot(1)
    assert_frames_equal(upload(0, rows=5)[0].frames, frames)
    assert report == sample_report(0)
    # the book: the newest version of each ledger, so the partial upload did not drop the other two
    assert {v.ledger: v.rows for v in store.book()} == {"activities": 4, "households": 5, "volunteers": 5}
    book_frames, _ = store.load_book()
    assert_frames_equal({"activities": ledger_frames(1, 4)["activities"]}, {"activities": book_frames["activities"]})
    # and the upgraded database takes new work
    store.accept(store.propose(*_only("volunteers", variant=2)), confirm=Confirm.ALL)
    assert {v.ledger: v.rows for v in store.book()}["volunteers"] == 3


def test_the_baseline_is_the_newest_snapshot_that_differs(store: Store) -> None:
    store.accept(store.propose(*upload(0)))
    assert store.baseline(store.book_id()) is None  # no snapshot yet
    first = store.take_snapshot("十月例会")
    assert store.baseline(store.book_id()) is None  # the only snapshot is the book itself
    store.accept(store.propose(*_only("activities", variant=4)))
    second = store.take_snapshot("十一月例会")  # the meeting freezes the book on screen
    assert first is not None and second is not None
    assert store.snapshot_content_id(second) == store.book_id()
    base = store.baseline(store.book_id())
    assert base is not None and base.id == first.id  # passed over the freeze of the book itself
    assert store.baseline(store.snapshot_content_id(first), before=first.id) is None
