"""All or nothing: a process killed in the middle of save_snapshot leaves the database exactly as it
was before, and sound."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from store.db import Store
from tests.support.store import assert_frames_equal, upload

ROOT = Path(__file__).resolve().parents[1]

# The child saves variant 1 (new files) into the same data folder; the fault fires mid-transaction.
# 40,000 rows make ~2.7 MB of frames, more than SQLite's 2 MB page cache, so uncommitted pages are
# already in the WAL file when the child dies: recovery has to ignore them, not merely never see them.
BIG = 40_000
CHILD = f"""
import sys
from store.db import Store
from tests.support.store import upload
store = Store(sys.argv[1], secret=b"test-secret")
store.save_snapshot(*upload(1, rows={BIG}))
print("committed")
"""


def _dump(db: Path) -> dict[str, list[tuple]]:
    """Every row of every table, to compare before and after byte for byte."""
    with sqlite3.connect(db) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                                             " AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in tables}


def _child(data_dir: Path, fault: str, **extra_env: str) -> subprocess.Popen:
    env = dict(os.environ, DASHBOARD_FAULT=fault, PYTHONPATH=str(ROOT), **extra_env)
    return subprocess.Popen([sys.executable, "-c", CHILD, str(data_dir)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.fixture
def before(tmp_path: Path):
    data = tmp_path / "data"
    store = Store(data, secret=b"test-secret")
    result, files = upload(0, rows=50)
    info = store.save_snapshot(result, files)
    store.set_target("B05c", None, False)
    return data, info, result, _dump(store.path)


def _assert_untouched(data: Path, info, result, dump) -> None:
    store = Store(data, secret=b"test-secret")  # reopen: recovery happens here
    assert store.integrity_check() == "ok"
    assert _dump(store.path) == dump
    assert [s.id for s in store.snapshots()] == [info.id]
    frames, report = store.load_snapshot(info.id)
    assert_frames_equal(result.frames, frames)
    assert report == result.report.to_dict()
    # and the database still takes the upload that was interrupted
    again = store.save_snapshot(*upload(1, rows=50))
    assert not again.duplicate and again.id != info.id
    assert store.integrity_check() == "ok"


@pytest.mark.parametrize("point", ["after_files", "after_frames"])
def test_process_exit_mid_transaction(before, point: str) -> None:
    data, info, result, dump = before
    proc = _child(data, point)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 70, err.decode()
    assert b"committed" not in out
    _assert_untouched(data, info, result, dump)


def test_sigkill_while_the_write_lock_is_held(before, tmp_path: Path) -> None:
    data, info, result, dump = before
    marker = tmp_path / "in-transaction"
    wal = Path(str(data / "dashboard.sqlite3") + "-wal")
    wal_before = wal.stat().st_size if wal.exists() else 0
    proc = _child(data, "after_frames:hang", DASHBOARD_FAULT_MARKER=str(marker))
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "child never reached the fault point"
            time.sleep(0.05)
        # the frames are written into the WAL but not committed: kill it now, no cleanup at all
        assert wal.stat().st_size > wal_before + 500_000
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    _assert_untouched(data, info, result, dump)


def test_an_exception_mid_transaction_rolls_back(before, monkeypatch: pytest.MonkeyPatch) -> None:
    data, info, result, dump = before
    monkeypatch.setenv("DASHBOARD_FAULT", "after_frames:raise")
    with pytest.raises(RuntimeError, match="injected fault"):
        Store(data, secret=b"test-secret").save_snapshot(*upload(1))
    monkeypatch.delenv("DASHBOARD_FAULT")
    _assert_untouched(data, info, result, dump)


# ---------------------------------------------------------------- the ledger book: propose, accept

CHILD_ACCEPT = f"""
import os, sys
from store.db import Store
from tests.support.store import upload
store = Store(sys.argv[1], secret=b"test-secret")
proposal = store.propose(*upload(1, rows={BIG}))
if sys.argv[2] == "after_propose":
    os._exit(70)  # proposed, never accepted
store.accept(proposal)
print("committed")
"""


@pytest.fixture
def book_before(tmp_path: Path):
    data = tmp_path / "data"
    store = Store(data, secret=b"test-secret")
    result, files = upload(0, rows=50)
    store.accept(store.propose(result, files))
    return data, store.load_book(), _dump(store.path)


def _accept_child(data_dir: Path, point: str, **extra_env: str) -> subprocess.Popen:
    env = dict(os.environ, DASHBOARD_FAULT=point, PYTHONPATH=str(ROOT), **extra_env)
    return subprocess.Popen([sys.executable, "-c", CHILD_ACCEPT, str(data_dir), point], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _assert_old_book(data: Path, book, dump) -> None:
    store = Store(data, secret=b"test-secret")
    assert store.integrity_check() == "ok"
    assert _dump(store.path) == dump
    frames, report = store.load_book()
    assert_frames_equal(book[0], frames)  # every ledger the old version: not one of them new
    assert report == book[1]
    store.accept(store.propose(*upload(1, rows=50)))  # and the book still takes the upload
    assert {len(f) for f in store.load_book()[0].values()} == {50}


@pytest.mark.parametrize("point", ["after_propose", "after_versions", "mid_book"])
def test_book_is_old_after_a_kill_before_or_during_accept(book_before, point: str) -> None:
    data, book, dump = book_before
    proc = _accept_child(data, point)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 70, err.decode()
    assert b"committed" not in out
    _assert_old_book(data, book, dump)


def test_book_is_old_after_sigkill_mid_accept(book_before, tmp_path: Path) -> None:
    data, book, dump = book_before
    marker = tmp_path / "in-accept"
    proc = _accept_child(data, "mid_book:hang", DASHBOARD_FAULT_MARKER=str(marker))
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "child never reached the fault point"
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)  # one ledger of three already points at its new version
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    _assert_old_book(data, book, dump)


def test_book_is_new_after_an_accept_that_returned(book_before) -> None:
    data, book, _ = book_before
    proc = _accept_child(data, "none")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0 and b"committed" in out, err.decode()
    frames, _ = Store(data, secret=b"test-secret").load_book()
    assert {len(f) for f in frames.values()} == {BIG}
