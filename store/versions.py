"""SQL for ledger versions, shared by the store and the migration: find-or-insert a version, read
one back, set the book's current version of a ledger. Every function runs inside the caller's
transaction and never commits."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from store.book import VersionInfo, date_range
from store.frames import FORMAT, decode_frame
from store.models import FileInfo

VERSION_COLUMNS = "v.id, v.ledger, v.created_at, v.rows, v.files_json, v.first_date, v.last_date"


def digest(blob: bytes) -> str:
    return hashlib.sha256(blob).hexdigest()


def dates_of(ledger: str, blob: bytes) -> tuple[date | None, date | None]:
    from metrics.registry import STARRED_DATES

    return date_range(decode_frame(blob), STARRED_DATES.get(ledger))


def find_version(conn: sqlite3.Connection, ledger: str, data_digest: str) -> int | None:
    row = conn.execute("SELECT id FROM ledger_versions WHERE ledger = ? AND data_digest = ? ORDER BY id LIMIT 1",
                       (ledger, data_digest)).fetchone()
    return None if row is None else int(row[0])


def add_version(conn: sqlite3.Connection, ledger: str, blob: bytes, rows: int, files: Sequence[FileInfo],
                report: dict[str, Any], created: str,
                dates: tuple[date | None, date | None] | None = None) -> int:
    """The version holding exactly these rows: the existing one when the same rows were kept before
    (a re-upload makes no new version), else a new one."""
    data_digest = digest(blob)
    found = find_version(conn, ledger, data_digest)
    if found is not None:
        return found
    first, last = dates if dates is not None else dates_of(ledger, blob)
    cur = conn.execute(
        "INSERT INTO ledger_versions (ledger, created_at, data_digest, format, rows, files_json, report_json,"
        " first_date, last_date, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (ledger, created, data_digest, FORMAT, rows,
         json.dumps([[f.name, f.sha256, f.size] for f in files], ensure_ascii=False),
         json.dumps(report, ensure_ascii=False, default=str),
         first.isoformat() if first else None, last.isoformat() if last else None, blob))
    return int(cur.lastrowid or 0)


def set_current(conn: sqlite3.Connection, ledger: str, version_id: int, at: str, by: str | None,
                action: str) -> int | None:
    """Make ``version_id`` the book's current version of ``ledger`` and log it; the previous id."""
    row = conn.execute("SELECT version_id FROM book WHERE ledger = ?", (ledger,)).fetchone()
    previous = None if row is None else int(row[0])
    conn.execute("INSERT INTO book (ledger, version_id, accepted_at, accepted_by) VALUES (?, ?, ?, ?)"
                 " ON CONFLICT(ledger) DO UPDATE SET version_id = excluded.version_id,"
                 " accepted_at = excluded.accepted_at, accepted_by = excluded.accepted_by",
                 (ledger, version_id, at, by))
    conn.execute("INSERT INTO book_log (at, by, action, ledger, version_id, previous_id) VALUES (?, ?, ?, ?, ?, ?)",
                 (at, by, action, ledger, version_id, previous))
    return previous


def version_info(row: Sequence[Any], accepted_at: str | None = None, accepted_by: str | None = None,
                 current: bool = False) -> VersionInfo:
    vid, ledger, created, rows, files_json, first, last = row[:7]
    return VersionInfo(
        id=int(vid), ledger=ledger, created_at=datetime.fromisoformat(created), rows=int(rows),
        files=tuple(FileInfo(n, s, int(z)) for n, s, z in json.loads(files_json)),
        first_date=date.fromisoformat(first) if first else None,
        last_date=date.fromisoformat(last) if last else None,
        accepted_at=datetime.fromisoformat(accepted_at) if accepted_at else None,
        accepted_by=accepted_by, current=current)


def collect_garbage(conn: sqlite3.Connection) -> int:
    """Drop versions nothing refers to any more (a deleted snapshot's own rows): they hold PII."""
    return conn.execute(
        "DELETE FROM ledger_versions WHERE id NOT IN (SELECT version_id FROM book)"
        " AND id NOT IN (SELECT version_id FROM snapshot_ledgers)"
        " AND id NOT IN (SELECT version_id FROM book_log)"
        " AND id NOT IN (SELECT previous_id FROM book_log WHERE previous_id IS NOT NULL)").rowcount
