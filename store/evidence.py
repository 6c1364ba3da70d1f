"""The evidence store: uploaded photos and documents under the data folder by content hash (the same
content is kept once), their metadata and the edited 情况说明 in SQLite, in tables of their own.

The tables live in the dashboard's database file beside the ledger book but are created and versioned
here (``evidence_meta.schema``), so the book's schema and migrations never have to know about them.
Blobs: ``<data>/evidence/<sha[:2]>/<sha><suffix>``. Caps: one file (intake) and one community in total.
"""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from evidence.intake import MAX_FILE_BYTES, FileKind, IntakeError, Prepared, prepare
from evidence.items import BY_ITEM, Form
from ledgers.privacy import mask_file_name, scrub_text
from store import sqlite
from store.models import SHANGHAI

DB_NAME = "dashboard.sqlite3"  # the dashboard's database (store/db.py); our tables only
MAX_COMMUNITY_BYTES = 2 * 1024**3
SCHEMA_VERSION = 1

_SCHEMA = {1: """
CREATE TABLE IF NOT EXISTS evidence_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS evidence_files (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    community   TEXT NOT NULL DEFAULT '',
    item        TEXT NOT NULL,            -- B01…T15
    form        TEXT NOT NULL,            -- rules | photo
    sha256      TEXT NOT NULL,
    suffix      TEXT NOT NULL,
    kind        TEXT NOT NULL,            -- photo | pdf | attachment
    name        TEXT NOT NULL,            -- the original name, no path
    caption     TEXT NOT NULL DEFAULT '',
    size        INTEGER NOT NULL,
    width       INTEGER NOT NULL DEFAULT 0,
    height      INTEGER NOT NULL DEFAULT 0,
    pages       INTEGER NOT NULL DEFAULT 0,
    taken       TEXT,                     -- EXIF DateTimeOriginal, YYYY-MM-DD
    gps_removed INTEGER NOT NULL DEFAULT 0,
    converted   TEXT NOT NULL DEFAULT '',
    row_key     TEXT,                     -- a ledger row: "activities|2026-03-23|广场舞展演"
    row_place   TEXT,                     -- its _file / _sheet / _row when attached from the page
    added_at    TEXT NOT NULL,
    UNIQUE (community, item, form, sha256)
);
CREATE INDEX IF NOT EXISTS evidence_files_item ON evidence_files(community, item);
CREATE TABLE IF NOT EXISTS evidence_notes (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    community TEXT NOT NULL DEFAULT '',
    item      TEXT NOT NULL,
    text      TEXT NOT NULL,
    saved_at  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS evidence_notes_item ON evidence_notes(community, item);
"""}


def evidence_folder(data_dir: Path, community_id: int | None) -> Path:
    """Where a community's 迎检材料 live: the data folder itself (a single install: None), or in a hub
    a folder of its own in it, so one community's files and notes are never another's."""
    folder = Path(data_dir)
    return folder if community_id is None else folder / "communities" / str(int(community_id))


@dataclass(frozen=True)
class EvidenceFile:
    id: int
    item: str
    form: Form
    sha256: str
    suffix: str
    kind: FileKind
    name: str
    caption: str
    size: int
    width: int
    height: int
    pages: int
    taken: date | None
    gps_removed: bool
    converted: str
    row_key: str | None
    added_at: str

    @property
    def label(self) -> str:
        return self.caption or Path(self.name).stem


@dataclass(frozen=True)
class Note:
    item: str
    text: str
    saved_at: datetime


_FILE_COLUMNS = ("id, item, form, sha256, suffix, kind, name, caption, size, width, height, pages, taken,"
                 " gps_removed, converted, row_key, added_at")


def _file(row: tuple[Any, ...]) -> EvidenceFile:
    (fid, item, form, sha, suffix, kind, name, caption, size, width, height, pages, taken, gps, converted,
     row_key, added) = row
    return EvidenceFile(fid, item, Form(form), sha, suffix, FileKind(kind), name, caption, size, width, height,
                        pages, date.fromisoformat(taken) if taken else None, bool(gps), converted, row_key, added)


@dataclass(frozen=True)
class Added:
    """What ``add`` did: the stored file, and whether the same content was already kept for the item."""

    file: EvidenceFile
    duplicate: bool
    notes: tuple[str, ...] = ()


class EvidenceStore:
    """Photos, documents and notes of one data folder (and one community in hub mode)."""

    def __init__(self, data_dir: Path | str, *, community: str = "", max_file_bytes: int = MAX_FILE_BYTES,
                 max_community_bytes: int = MAX_COMMUNITY_BYTES) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path = self.data_dir / DB_NAME
        self.blob_dir = self.data_dir / "evidence"
        self.community = community
        self.max_file_bytes, self.max_community_bytes = max_file_bytes, max_community_bytes
        self._migrate()

    def _connect(self) -> AbstractContextManager[sqlite3.Connection]:
        return sqlite.connect(self.path)

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        return sqlite.write(self.path)

    def _migrate(self) -> None:
        """Apply each schema step above the stored version, each in one transaction."""
        with self._write() as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS evidence_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            row = conn.execute("SELECT value FROM evidence_meta WHERE key = 'schema'").fetchone()
            version = int(row[0]) if row else 0
            for step in range(version + 1, SCHEMA_VERSION + 1):
                for statement in _SCHEMA[step].split(";"):
                    if statement.strip():
                        conn.execute(statement)
            conn.execute("INSERT OR REPLACE INTO evidence_meta (key, value) VALUES ('schema', ?)",
                         (str(SCHEMA_VERSION),))
        self.path.chmod(0o600)  # as private as the ledger book beside it

    # ---------------------------------------------------------------- files

    def blob_path(self, sha256: str, suffix: str) -> Path:
        return self.blob_dir / sha256[:2] / f"{sha256}{suffix}"

    def used_bytes(self) -> int:
        with self._connect() as conn:
            row = conn.execute("SELECT COALESCE(SUM(size), 0) FROM (SELECT DISTINCT sha256, size FROM evidence_files"
                               " WHERE community = ?)", (self.community,)).fetchone()
        return int(row[0])

    def add(self, item: str, form: Form, name: str, data: bytes, *, caption: str = "",
            row_key: str | None = None, row_place: str | None = None) -> Added:
        """Check, clean and keep one upload for ``item``; raises ``IntakeError`` (nothing stored)."""
        if item not in BY_ITEM:
            raise IntakeError("binder.error.unknown_item", item=item)
        prepared = prepare(name, data, max_bytes=self.max_file_bytes, photo=form is Form.PHOTO)
        existing = self._same_content(item, form, prepared.sha256)
        if existing is not None:
            return Added(existing, duplicate=True)
        used = self.used_bytes()
        if not self._has_blob(prepared.sha256) and used + len(prepared.data) > self.max_community_bytes:
            raise IntakeError("binder.error.quota", name=prepared.name, used=f"{used / 2**20:.0f}",
                              cap=f"{self.max_community_bytes / 2**20:.0f}")
        self._keep_blob(prepared)
        with self._write() as conn:
            cur = conn.execute(
                "INSERT INTO evidence_files (community, item, form, sha256, suffix, kind, name, caption, size,"
                " width, height, pages, taken, gps_removed, converted, row_key, row_place, added_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                # names, phones and IDs in a file name or caption are masked before they are kept
                (self.community, item, form.value, prepared.sha256, prepared.suffix, prepared.kind.value,
                 mask_file_name(prepared.name), mask_file_name(caption), len(prepared.data), prepared.width, prepared.height, prepared.pages,
                 prepared.taken.isoformat() if prepared.taken else None, int(prepared.gps_removed),
                 prepared.converted_from, row_key, row_place, datetime.now(SHANGHAI).isoformat(timespec="seconds")))
            fid = cur.lastrowid
        stored = self.file(int(fid or 0))
        assert stored is not None
        return Added(stored, duplicate=False, notes=prepared.notes)

    def _same_content(self, item: str, form: Form, sha: str) -> EvidenceFile | None:
        with self._connect() as conn:
            row = conn.execute(f"SELECT {_FILE_COLUMNS} FROM evidence_files WHERE community = ? AND item = ?"
                               " AND form = ? AND sha256 = ?", (self.community, item, form.value, sha)).fetchone()
        return _file(row) if row else None

    def _has_blob(self, sha: str) -> bool:
        return any(self.blob_dir.glob(f"{sha[:2]}/{sha}*"))

    def _keep_blob(self, prepared: Prepared) -> None:
        path = self.blob_path(prepared.sha256, prepared.suffix)
        if path.exists():
            return  # same content, stored once
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_suffix(path.suffix + ".part")
        tmp.write_bytes(prepared.data)
        tmp.chmod(0o600)
        tmp.replace(path)

    def files(self, item: str | None = None) -> list[EvidenceFile]:
        """Files of ``item`` (or all), by item, then taken date, then upload order."""
        where, args = ("AND item = ?", (item,)) if item else ("", ())
        with self._connect() as conn:
            rows = conn.execute(f"SELECT {_FILE_COLUMNS} FROM evidence_files WHERE community = ? {where}"
                                " ORDER BY item, COALESCE(taken, '9999'), id", (self.community, *args)).fetchall()
        return [_file(r) for r in rows]

    def file(self, file_id: int) -> EvidenceFile | None:
        with self._connect() as conn:
            row = conn.execute(f"SELECT {_FILE_COLUMNS} FROM evidence_files WHERE id = ? AND community = ?",
                               (file_id, self.community)).fetchone()
        return _file(row) if row else None

    def read(self, f: EvidenceFile) -> bytes:
        return self.blob_path(f.sha256, f.suffix).read_bytes()

    def delete(self, file_id: int) -> bool:
        """Forget one file; its blob goes when no other row (any item or community) refers to it."""
        f = self.file(file_id)
        if f is None:
            return False
        with self._write() as conn:
            conn.execute("DELETE FROM evidence_files WHERE id = ?", (file_id,))
            left = conn.execute("SELECT COUNT(*) FROM evidence_files WHERE sha256 = ?", (f.sha256,)).fetchone()[0]
        if not left:
            self.blob_path(f.sha256, f.suffix).unlink(missing_ok=True)
        return True

    # ---------------------------------------------------------------- notes

    def save_note(self, item: str, text: str) -> Note:
        """Keep the committee's edited 情况说明 with the item and the date (earlier versions stay)."""
        if item not in BY_ITEM:
            raise IntakeError("binder.error.unknown_item", item=item)
        now = datetime.now(SHANGHAI).replace(microsecond=0)
        text = scrub_text(text)  # a phone or ID typed into the note is masked before it is kept
        with self._write() as conn:
            conn.execute("INSERT INTO evidence_notes (community, item, text, saved_at) VALUES (?, ?, ?, ?)",
                         (self.community, item, text, now.isoformat()))
        return Note(item, text, now)

    def notes(self) -> dict[str, Note]:
        """The latest edited note of every item that has one."""
        with self._connect() as conn:
            rows = conn.execute("SELECT item, text, saved_at FROM evidence_notes WHERE id IN (SELECT MAX(id)"
                                " FROM evidence_notes WHERE community = ? GROUP BY item)", (self.community,)).fetchall()
        return {item: Note(item, text, datetime.fromisoformat(at)) for item, text, at in rows}
