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
