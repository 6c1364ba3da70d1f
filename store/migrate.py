"""Schema 1 → 2, inside the opening transaction: each old snapshot (an upload kept whole, frames
copied into it) becomes a freeze of ledger versions, and the book starts from them.

The book takes, per ledger, the version of the newest old snapshot that held that ledger: an office
that uploaded only its activity ledger last time gets back the other ledgers of the upload before,
which the old "latest snapshot" view had silently dropped.
"""

from __future__ import annotations

import json
import sqlite3

from store.book import report_part
from store.models import FileInfo
from store.versions import add_version, set_current


def before_schema(conn: sqlite3.Connection, version: int) -> None:
    """Changes the CREATE IF NOT EXISTS statements cannot make to an existing table."""
    if version == 1:
        conn.execute("ALTER TABLE snapshots ADD COLUMN kind TEXT NOT NULL DEFAULT 'upload'")


def after_schema(conn: sqlite3.Connection, version: int) -> int:
    """Move schema 1's frames into versions; the number of snapshots moved."""
    if version != 1:
        return 0
    snapshots = conn.execute("SELECT id, created_at, report_json FROM snapshots ORDER BY id").fetchall()
    current: dict[str, tuple[int, str]] = {}
    for sid, created, report_json in snapshots:
        files = [FileInfo(n, s, z) for n, s, z in conn.execute(
            "SELECT name, sha256, size FROM snapshot_files WHERE snapshot_id = ? ORDER BY position", (sid,))]
        report = json.loads(report_json)
        frames = conn.execute("SELECT ledger, position, rows, data FROM snapshot_frames WHERE snapshot_id = ?"
                              " ORDER BY position", (sid,)).fetchall()
        for ledger, position, rows, blob in frames:
            vid = add_version(conn, ledger, bytes(blob), int(rows), files, report_part(report, ledger), created)
            conn.execute("INSERT INTO snapshot_ledgers (snapshot_id, ledger, position, version_id)"
                         " VALUES (?, ?, ?, ?)", (sid, ledger, position, vid))
            current[ledger] = (vid, created)
    for ledger, (vid, created) in current.items():
        set_current(conn, ledger, vid, created, None, "migrate")
    conn.execute("DROP TABLE snapshot_frames")
    return len(snapshots)
