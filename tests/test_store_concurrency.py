"""Two imports at once: both snapshots whole, none mixed; the same upload twice at once is kept once."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from store.db import Store
from tests.support.store import assert_frames_equal, upload


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
def test_two_threads_importing_at_once(tmp_path: Path, shared: bool) -> None:
    data = tmp_path / "data"
    store = Store(data, secret=b"test-secret")
    uploads = {v: upload(v, rows=3000) for v in (1, 2)}

    def job(v: int):
        s = store if shared else Store(data, secret=b"test-secret")
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


def test_same_upload_twice_at_once_is_kept_once(tmp_path: Path) -> None:
    store = Store(tmp_path / "data", secret=b"test-secret")
    a, b = _run_together(lambda: store.save_snapshot(*upload(0, rows=2000)),
                         lambda: store.save_snapshot(*upload(0, rows=2000)))
    assert a.id == b.id and sorted([a.duplicate, b.duplicate]) == [False, True]
    assert len(store.snapshots()) == 1


def test_reading_while_another_thread_writes(tmp_path: Path) -> None:
    store = Store(tmp_path / "data", secret=b"test-secret")
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
