"""#18 item 14: a deleted snapshot's bytes are gone from the database and its ``-wal`` file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from store.db import Store
from tests.support.store import upload

MARKER = "GATES-DELETED-7731"


def _on_disk(data_dir: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(data_dir.iterdir()) if p.is_file())


def test_deleted_snapshot_leaves_no_bytes_in_the_database_or_wal(tmp_path: Path) -> None:
    store = Store(tmp_path / "data", secret=b"test-secret")
    info = store.save_snapshot(*upload(0), label=MARKER)
    other = sqlite3.connect(store.path)  # another session's connection, open the whole time
    assert other.execute("SELECT count(*) FROM snapshots").fetchone()[0] == 1
    assert MARKER.encode() in _on_disk(tmp_path / "data")
    assert store.delete_snapshot(info.id)
    assert MARKER.encode() not in _on_disk(tmp_path / "data")
    other.close()
