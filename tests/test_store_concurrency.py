"""Two imports at once: both snapshots whole, none mixed; the same upload twice at once is kept once;
two accepts of one ledger from the same book: one lands, the other is told the book moved; a meeting
snapshot taken by two sessions at once is one. On SQLite and on PostgreSQL (the db_url fixture)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from store.book import Confirm
from store.db import Store
from store.models import SnapshotKind, StoreError
from tests.support.postgres import open_db
from tests.support.store import assert_frames_equal, ledger_frames, upload


@pytest.fixture
def opened(tmp_path: Path, db_url: str):
    """A Store maker on this test's database (every call a new Store, as a new session makes)."""
    data = tmp_path / "data"
    engine = open_db(db_url, data)
    return lambda: Store(data, secret=b"test-secret", engine=engine)


def _run_together(*jobs) -> list:
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)
    errors: list[BaseException] = []

    def run(i: int, job) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = job()
        except BaseException as exc:  # surfaced in the main thread below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    return results


@pytest.mark.parametrize("shared", [True, False], ids=["one Store", "a Store per thread"])
def test_two_threads_importing_at_once(opened, shared: bool) -> None:
    store = opened()
    uploads = {v: upload(v, rows=3000) for v in (1, 2)}

    def job(v: int):
        s = store if shared else opened()
        return [s.save_snapshot(*upload(v * 10 + k, rows=300)).id for k in range(4)] + [
            s.save_snapshot(*uploads[v]).id]

    ids_1, ids_2 = _run_together(lambda: job(1), lambda: job(2))
    assert len(set(ids_1) | set(ids_2)) == 10
    assert store.integrity_check() == "ok"
    for v, ids in ((1, ids_1), (2, ids_2)):
        frames, report = store.load_snapshot(ids[-1])
        result, files = uploads[v]
        assert_frames_equal(result.frames, frames)
        assert report == result.report.to_dict()
        assert [f.name for f in store.snapshot(ids[-1]).files] == [name for name, _ in files]


def test_same_upload_twice_at_once_is_kept_once(opened) -> None:
    store = opened()
    a, b = _run_together(lambda: store.save_snapshot(*upload(0, rows=2000)),
                         lambda: store.save_snapshot(*upload(0, rows=2000)))
    assert a.id == b.id and sorted([a.duplicate, b.duplicate]) == [False, True]
    assert len(store.snapshots()) == 1


def test_reading_while_another_thread_writes(opened) -> None:
    store = opened()
    first = store.save_snapshot(*upload(0, rows=500))
    expected = upload(0, rows=500)[0].frames

    def read_many():
        for _ in range(10):
            frames, _ = store.load_snapshot(first.id)
            assert_frames_equal(expected, frames)
            assert store.snapshots()[-1].id == first.id
        return True

    def write_many():
        return [store.save_snapshot(*upload(v, rows=500)).id for v in range(1, 6)]

    ok, ids = _run_together(read_many, write_many)
    assert ok and len(ids) == 5


def test_one_ledger_accepted_by_two_sessions_at_once_lands_once(opened) -> None:
    store = opened()
    store.accept(store.propose(*upload(0)), confirm=Confirm.ALL)
    frames = ledger_frames(1, rows=2000)
    proposals = [opened().propose(*_activities(frames, v)) for v in (1, 2)]

    def accept(i: int):
        try:
            return opened().accept(proposals[i], confirm=Confirm.ALL)[0].id
        except StoreError as exc:
            return exc.key

    outcomes = _run_together(lambda: accept(0), lambda: accept(1))
    assert sorted(outcomes, key=str).count("store.error.book_moved") == 1
    landed = next(o for o in outcomes if isinstance(o, int))
    assert next(v.id for v in store.book() if v.ledger == "activities") == landed
    assert len(store.history("activities")) == 2  # the loser's version was not kept


def _activities(frames, variant: int):
    from tests.support.store import FakeResult

    frame = frames["activities"].copy()
    frame["活动名称"] = [f"{name}-{variant}" for name in frame["活动名称"]]
    return FakeResult({"activities": frame}), [(f"活动台账-{variant}.xlsx", f"v{variant}".encode())]


def test_a_meeting_snapshot_taken_twice_at_once_is_one(opened) -> None:
    store = opened()
    store.accept(store.propose(*upload(0)), confirm=Confirm.ALL)
    taken = _run_together(lambda: opened().take_snapshot("例会", kind=SnapshotKind.MEETING),
                          lambda: opened().take_snapshot("例会", kind=SnapshotKind.MEETING))
    assert sorted(x is None for x in taken) == [False, True]
    assert [s.kind for s in store.snapshots()] == [SnapshotKind.MEETING]
