"""SQLite files written before communities (schema 1 and 2, ``PRAGMA user_version``) become schema 3
in place, in one ``BEGIN IMMEDIATE`` transaction on a plain sqlite3 connection: all of it, or none.

- Schema 1 → 2: each old snapshot (an upload kept whole, frames copied into it) becomes a freeze of
  ledger versions, and the book starts from the newest old snapshot holding each ledger, so an office
  that uploaded only its activity ledger last time gets back the other ledgers of the upload before.
- Schema 2 → 3: every table gains ``community_id`` (the install's one community, 「本社区」) and keys
  that include it: each table is renamed away, made anew from ``store.schema`` and copied back with
  its ids (and its AUTOINCREMENT counter), then the old one is dropped (``secure_delete`` zeroes it).
  The file is then stamped at Alembic's baseline revision, so Alembic takes it from there.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.schema import CreateIndex, CreateTable

from store import sqlite
from store.book import report_part
from store.frames import FORMAT
from store.models import SHANGHAI, StoreError
from store.schema import LEGACY_TABLES, metadata
from store.versions import dates_of, digest

BASELINE = "r01_baseline"
DEFAULT_COMMUNITY = "本社区"

# Schema 2's tables exactly as the schema-2 code made them (needed to bring a schema-1 file to 2).
_V2_SCHEMA = """
CREATE TABLE IF NOT EXISTS ledger_versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT, ledger TEXT NOT NULL, created_at TEXT NOT NULL,
    data_digest TEXT NOT NULL, format TEXT NOT NULL, rows INTEGER NOT NULL, files_json TEXT NOT NULL,
    report_json TEXT NOT NULL, first_date TEXT, last_date TEXT, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS book (
    ledger TEXT PRIMARY KEY, version_id INTEGER NOT NULL REFERENCES ledger_versions(id),
    accepted_at TEXT NOT NULL, accepted_by TEXT);
CREATE TABLE IF NOT EXISTS book_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, by TEXT,
    action TEXT NOT NULL CHECK (action IN ('accept', 'rollback', 'migrate')), ledger TEXT NOT NULL,
    version_id INTEGER NOT NULL REFERENCES ledger_versions(id), previous_id INTEGER REFERENCES ledger_versions(id));
CREATE TABLE IF NOT EXISTS snapshot_ledgers (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE, ledger TEXT NOT NULL,
    position INTEGER NOT NULL, version_id INTEGER NOT NULL REFERENCES ledger_versions(id),
    PRIMARY KEY (snapshot_id, ledger));
CREATE TABLE IF NOT EXISTS action_items (
    id INTEGER PRIMARY KEY AUTOINCREMENT, metric_id TEXT NOT NULL, what TEXT NOT NULL, who TEXT NOT NULL,
    due TEXT NOT NULL, meeting_date TEXT NOT NULL, status TEXT NOT NULL CHECK (status IN ('open', 'done')),
    created_at TEXT NOT NULL, done_at TEXT);
CREATE TABLE IF NOT EXISTS check_ins (
    id INTEGER PRIMARY KEY AUTOINCREMENT, metric_id TEXT NOT NULL, meeting_date TEXT NOT NULL,
    note TEXT NOT NULL, owner TEXT NOT NULL DEFAULT '', status TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL, UNIQUE (metric_id, meeting_date));
CREATE TABLE IF NOT EXISTS target_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT, metric_id TEXT NOT NULL, at TEXT NOT NULL, old_value REAL,
    new_value REAL, old_enabled INTEGER, new_enabled INTEGER, reason TEXT NOT NULL DEFAULT '')
"""


def prepare(path: Path, target: int) -> tuple[int, str | None]:
    """Open ``path`` (WAL), convert a schema 1/2 file to ``target``; (user_version, Alembic revision)."""
    conn = sqlite.open_raw(path)  # foreign keys stay off while tables are rebuilt; checked at the end
    try:
        # WAL: readers never block the writer, and a crash mid-write leaves the last committed state.
        conn.execute("PRAGMA journal_mode = WAL")
        version = _user_version(conn)
        if version > target:
            raise StoreError("store.error.newer_schema", version=version)
        if version in (1, 2):
            conn.execute("BEGIN IMMEDIATE")
            try:
                version = _user_version(conn)  # another process may have converted it meanwhile
                if version in (1, 2):
                    _convert(conn, version, target)
                    version = target
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        return version, _revision(conn)
    finally:
        conn.close()


def _user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _revision(conn: sqlite3.Connection) -> str | None:
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'alembic_version'").fetchone():
        return None
    row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    return None if row is None else str(row[0])


def _convert(conn: sqlite3.Connection, version: int, target: int) -> None:
    if version == 1:
        _one_to_two(conn)
    _two_to_three(conn)
    conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL,"
                 " CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))")
    conn.execute("INSERT INTO alembic_version (version_num) VALUES (?)", (BASELINE,))
    if broken := conn.execute("PRAGMA foreign_key_check").fetchall():
        raise StoreError("store.error.unreadable", path=f"foreign keys: {broken[:3]}")
    conn.execute(f"PRAGMA user_version = {int(target)}")


# ------------------------------------------------------------------------------------ schema 1 → 2

def _one_to_two(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE snapshots ADD COLUMN kind TEXT NOT NULL DEFAULT 'upload'")
    for statement in _V2_SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)
    current: dict[str, tuple[int, str]] = {}
    for sid, created, report_json in conn.execute("SELECT id, created_at, report_json FROM snapshots ORDER BY id"
                                                  ).fetchall():
        files = [[n, s, z] for n, s, z in conn.execute(
            "SELECT name, sha256, size FROM snapshot_files WHERE snapshot_id = ? ORDER BY position", (sid,))]
        report = json.loads(report_json)
        frames = conn.execute("SELECT ledger, position, rows, data FROM snapshot_frames WHERE snapshot_id = ?"
                              " ORDER BY position", (sid,)).fetchall()
        for ledger, position, rows, blob in frames:
            vid = _v2_version(conn, ledger, bytes(blob), int(rows), files, report_part(report, ledger), created)
            conn.execute("INSERT INTO snapshot_ledgers (snapshot_id, ledger, position, version_id)"
                         " VALUES (?, ?, ?, ?)", (sid, ledger, position, vid))
            current[ledger] = (vid, created)
    for ledger, (vid, created) in current.items():
        conn.execute("INSERT OR REPLACE INTO book (ledger, version_id, accepted_at) VALUES (?, ?, ?)",
                     (ledger, vid, created))
        conn.execute("INSERT INTO book_log (at, by, action, ledger, version_id) VALUES (?, NULL, 'migrate', ?, ?)",
                     (created, ledger, vid))
    conn.execute("DROP TABLE snapshot_frames")


def _v2_version(conn: sqlite3.Connection, ledger: str, blob: bytes, rows: int, files: list[list[Any]],
                report: dict[str, Any], created: str) -> int:
    """Schema 2's find-or-insert of a version: identical frames are one version."""
    data_digest = digest(blob)
    row = conn.execute("SELECT id FROM ledger_versions WHERE ledger = ? AND data_digest = ? ORDER BY id LIMIT 1",
                       (ledger, data_digest)).fetchone()
    if row is not None:
        return int(row[0])
    first, last = dates_of(ledger, blob)
    cur = conn.execute(
        "INSERT INTO ledger_versions (ledger, created_at, data_digest, format, rows, files_json, report_json,"
        " first_date, last_date, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (ledger, created, data_digest, FORMAT, rows, json.dumps(files, ensure_ascii=False),
         json.dumps(report, ensure_ascii=False, default=str),
         first.isoformat() if first else None, last.isoformat() if last else None, blob))
    return int(cur.lastrowid or 0)


# ------------------------------------------------------------------------------------ schema 2 → 3

def _two_to_three(conn: sqlite3.Connection) -> None:
    dialect = sqlite_dialect.dialect()
    for table in LEGACY_TABLES:
        conn.execute(f'ALTER TABLE "{table.name}" RENAME TO "legacy_{table.name}"')
    for table in metadata.sorted_tables:
        conn.execute(str(CreateTable(table).compile(dialect=dialect)))
        for index in table.indexes:
            conn.execute(str(CreateIndex(index).compile(dialect=dialect)))
    conn.execute("INSERT INTO communities (id, name, created_at) VALUES (1, ?, ?)",
                 (DEFAULT_COMMUNITY, datetime.now(SHANGHAI).isoformat(timespec="microseconds")))
    for table in LEGACY_TABLES:
        old = f"legacy_{table.name}"
        present = {r[1] for r in conn.execute(f'PRAGMA table_info("{old}")')}
        columns = ", ".join(f'"{c.name}"' for c in table.columns if c.name in present)
        conn.execute(f'INSERT INTO "{table.name}" (community_id, {columns}) SELECT 1, {columns} FROM "{old}"')
        # keep AUTOINCREMENT's high-water mark: a deleted snapshot's id is never handed out again
        conn.execute("UPDATE sqlite_sequence SET seq = (SELECT seq FROM sqlite_sequence WHERE name = ?)"
                     " WHERE name = ? AND EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = ?)",
                     (old, table.name, old))
        if not conn.execute("SELECT 1 FROM sqlite_sequence WHERE name = ?", (table.name,)).fetchone():
            conn.execute("INSERT INTO sqlite_sequence (name, seq) SELECT ?, seq FROM sqlite_sequence WHERE name = ?",
                         (table.name, old))
    for table in reversed(LEGACY_TABLES):
        conn.execute(f'DROP TABLE "legacy_{table.name}"')
