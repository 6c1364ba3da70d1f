"""The embedded database (SQLite, WAL): snapshots of uploads, target overrides, column mappings and
action items. Every method opens its own connection, so threads and Streamlit reruns never share one,
and every write is one ``BEGIN IMMEDIATE … COMMIT`` transaction: all of it lands, or none of it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import operator
import os
import secrets as _secrets
import sqlite3
import time
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager, suppress
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

import settings
from ledgers import privacy
from ledgers.registry import SheetMapping
from store import migrate, sqlite
from store.book import Confirm, Proposal, VersionInfo, diff_ledger, ledger_order, merge_reports, report_part
from store.frames import FORMAT, decode_frame, encode_frame
from store.meeting import SCHEMA as MEETING_SCHEMA
from store.meeting import MeetingRecords, log_change
from store.models import (
    ACTION_STATUSES,
    SHANGHAI,
    ActionItem,
    FileInfo,
    LoadedLedgers,
    ReportLike,
    SnapshotInfo,
    SnapshotKind,
    StoreError,
    TargetRecord,
    TargetSetting,
    UploadedFile,
)
from store.pii import remask_frames, scrub_json
from store.versions import VERSION_COLUMNS, add_version, collect_garbage, set_current, version_info

log = logging.getLogger(__name__)

DB_NAME = "dashboard.sqlite3"
SECRET_NAME = "secret.key"
SCHEMA_VERSION = 2  # 1: snapshots held their frames; 2: the ledger book (store/migrate.py)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS snapshots (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at   TEXT NOT NULL,
    label        TEXT,
    files_digest TEXT NOT NULL,     -- SHA-256 over the sorted file SHA-256s
    data_digest  TEXT NOT NULL,     -- SHA-256 over the stored frames
    report_json  TEXT NOT NULL,
    rows_json    TEXT NOT NULL,
    problems     INTEGER NOT NULL,
    remasked     INTEGER NOT NULL DEFAULT 0,
    kind         TEXT NOT NULL DEFAULT 'upload'   -- upload | book | meeting
);
CREATE INDEX IF NOT EXISTS snapshots_files ON snapshots(files_digest);
CREATE TABLE IF NOT EXISTS snapshot_files (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    name        TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    size        INTEGER NOT NULL,
    PRIMARY KEY (snapshot_id, position)
);
-- the ledger book: every kept version of every ledger, the current one per ledger, what happened
CREATE TABLE IF NOT EXISTS ledger_versions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    ledger      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    data_digest TEXT NOT NULL,      -- SHA-256 of the encoded frame: the same rows are one version
    format      TEXT NOT NULL,
    rows        INTEGER NOT NULL,
    files_json  TEXT NOT NULL,      -- [[name, sha256, size], ...] of the files it was read from
    report_json TEXT NOT NULL,      -- this ledger's part of the import report
    first_date  TEXT,
    last_date   TEXT,
    data        BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS ledger_versions_digest ON ledger_versions(ledger, data_digest);
CREATE TABLE IF NOT EXISTS book (
    ledger      TEXT PRIMARY KEY,
    version_id  INTEGER NOT NULL REFERENCES ledger_versions(id),
    accepted_at TEXT NOT NULL,
    accepted_by TEXT
);
CREATE TABLE IF NOT EXISTS book_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,
    by          TEXT,
    action      TEXT NOT NULL CHECK (action IN ('accept', 'rollback', 'migrate')),
    ledger      TEXT NOT NULL,
    version_id  INTEGER NOT NULL REFERENCES ledger_versions(id),
    previous_id INTEGER REFERENCES ledger_versions(id)
);
CREATE INDEX IF NOT EXISTS book_log_ledger ON book_log(ledger);
-- a snapshot is a freeze of ledger versions (an old upload, or the book at a meeting): no row copies
CREATE TABLE IF NOT EXISTS snapshot_ledgers (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
    ledger      TEXT NOT NULL,
    position    INTEGER NOT NULL,
    version_id  INTEGER NOT NULL REFERENCES ledger_versions(id),
    PRIMARY KEY (snapshot_id, ledger)
);
CREATE TABLE IF NOT EXISTS targets (
    metric_id  TEXT PRIMARY KEY,
    value      REAL,
    enabled    INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS mappings (
    signature    TEXT PRIMARY KEY,
    ledger       TEXT NOT NULL,
    columns_json TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS action_items (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    metric_id    TEXT NOT NULL,
    what         TEXT NOT NULL,
    who          TEXT NOT NULL,
    due          TEXT NOT NULL,
    meeting_date TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('open', 'done')),
    created_at   TEXT NOT NULL,
    done_at      TEXT
);
CREATE INDEX IF NOT EXISTS action_items_metric ON action_items(metric_id);
""" + MEETING_SCHEMA


def _sql(statement: str) -> str:
    """A statement of the schema without its comment lines (a chunk may be comments only)."""
    return "\n".join(line for line in statement.splitlines() if not line.strip().startswith("--")).strip()


def _data_digest(encoded: Iterable[tuple[str, int, bytes]]) -> str:
    """One hash of every ledger's encoded frame, in ledger order: the same data gives the same digest."""
    data_hash = hashlib.sha256()
    for ledger, _, blob in sorted(encoded, key=lambda e: e[0]):
        data_hash.update(ledger.encode("utf-8") + b"\0" + hashlib.sha256(blob).digest())
    return data_hash.hexdigest()


def default_data_dir() -> Path:
    """``$DASHBOARD_DATA_DIR`` if set, else ``./data`` (git-ignored)."""
    return settings.from_env().data_dir


def default_key_dir() -> Path:
    """Where the PII key lives unless configured: outside the data folder, so a copy or backup of
    the folder alone cannot reverse a masked phone (``$DASHBOARD_KEY_DIR``, else
    ``$XDG_CONFIG_HOME/shequ-dashboard``, else ``~/.config/shequ-dashboard``)."""
    configured = settings.from_env()
    if configured.key_dir is not None:
        return configured.key_dir
    return (configured.config_home or Path.home() / ".config") / "shequ-dashboard"


def key_beside_data(data_dir: Path) -> bool:
    """Whether a key file sits in the data folder (installs from before the key moved out)."""
    return (Path(data_dir) / SECRET_NAME).is_file()


_warned: set[str] = set()


def secret_key(data_dir: Path, configured: str | bytes | None = None) -> bytes:
    """The key for the PII hashes: ``configured`` (the app passes st.secrets), else
    ``$DASHBOARD_SECRET``, else ``secret.key`` in ``default_key_dir()``, made on first use with mode
    0600. A key an older install left in the data folder is still used (with a warning in the log):
    it must stay the same across runs, because the ``<col>_key`` columns of stored snapshots were made
    with it, and a new key would make last month's volunteers look like different people.
    """
    if configured:
        return configured.encode("utf-8") if isinstance(configured, str) else bytes(configured)
    env = settings.from_env().secret
    if env:
        return env.encode("utf-8")
    if key_beside_data(data_dir):
        legacy = Path(data_dir) / SECRET_NAME
        if str(legacy) not in _warned:
            _warned.add(str(legacy))
            log.warning("The PII key %s sits in the data folder: a copy of the folder can reverse masked "
                        "phones and IDs. Move it to %s (or set DASHBOARD_SECRET) and back it up apart.",
                        legacy, default_key_dir() / SECRET_NAME)
        return _read_key(legacy)
    folder = default_key_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / SECRET_NAME
    try:
        # O_EXCL: two processes starting at once cannot both write a key; the loser reads the winner's.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_key(path)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(_secrets.token_hex(32) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return _read_key(path)


def _read_key(path: Path) -> bytes:
    text = ""
    for _ in range(100):  # a process that just created the file may not have written it yet
        text = path.read_text(encoding="ascii", errors="replace").strip()
        if text:
            break
        time.sleep(0.02)
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) < 16:
        # Never carry on with an empty or mangled key: every <col>_key would change meaning.
        raise StoreError("store.error.bad_secret", path=str(path))
    if (path.stat().st_mode & 0o077) != 0:
        path.chmod(0o600)  # someone loosened it; the key is as private as the data
    return key


def _now() -> datetime:
    return datetime.now(SHANGHAI)


def _iso(t: datetime) -> str:
    return t.isoformat(timespec="microseconds")


def _fault(point: str) -> None:
    """Fault injection for the crash tests: ``DASHBOARD_FAULT=<point>[:raise|:hang]``.

    Plain ``<point>`` ends the process on the spot (os._exit, no cleanup, like a power cut);
    ``:raise`` raises; ``:hang`` touches ``$DASHBOARD_FAULT_MARKER`` and waits to be killed.
    """
    spec = settings.from_env().fault
    if not spec:
        return
    where, _, how = spec.partition(":")
    if where != point:
        return
    if how == "raise":
        raise RuntimeError(f"injected fault at {point}")
    if how == "hang":
        marker = settings.from_env().fault_marker
        if marker:
            Path(marker).touch()
        while True:
            time.sleep(1)
    os._exit(70)


def _file_entries(files: Iterable[UploadedFile]) -> list[FileInfo]:
    out = []
    for f in files:
        if isinstance(f, tuple | list):
            name, data = f
        elif isinstance(f, Path):
            name, data = f.name, f.read_bytes()
        else:  # ledgers.reader.SourceFile or anything with name and data
            name, data = f.name, f.data
        data = bytes(data)
        out.append(FileInfo(name=privacy.mask_file_name(str(name)), sha256=hashlib.sha256(data).hexdigest(), size=len(data)))
    return out


def _files_digest(files: list[FileInfo]) -> str:
    # The set of contents decides, not the names or the order they were picked in.
    return hashlib.sha256("\n".join(sorted(f.sha256 for f in files)).encode()).hexdigest()


def _content_id(pairs: Iterable[tuple[str, str]]) -> str:
    """Which rows a set of ledger versions holds: equal contents, equal ids (in any data folder)."""
    rows = sorted([str(ledger), str(dig)] for ledger, dig in pairs)
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()[:16]


def _files_of(files: Iterable[FileInfo], part: Mapping[str, Any]) -> list[FileInfo]:
    """The files one ledger was read from (its report part's sheets), else all the upload's files."""
    names = {s.get("file") for s in part.get("sheets") or []}
    return [f for f in files if f.name in names] or list(files)


def _unique_files(lists: Iterable[list[list[Any]]]) -> list[FileInfo]:
    seen: dict[str, FileInfo] = {}
    for entries in lists:
        for name, sha, size in entries:
            seen.setdefault(sha, FileInfo(name, sha, int(size)))
    return list(seen.values())


def _report_dict(report: ReportLike | Mapping[str, Any] | None) -> dict[str, Any]:
    if report is None:
        return {}
    if isinstance(report, Mapping):
        return dict(report)
    return report.to_dict()


def _inserted_id(cur: sqlite3.Cursor) -> int:
    """The id of the row an INSERT just made (sqlite3 types it Optional for statements that are not)."""
    assert cur.lastrowid is not None
    return cur.lastrowid


def _snapshot_id(snapshot_id: int | SnapshotInfo) -> int:
    return operator.index(snapshot_id)


def _date(value: date | str, field: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise StoreError("store.error.bad_date", field=field, value=value) from None


class Store(MeetingRecords):
    """The dashboard's database in ``data_dir``; cheap to create, safe to share between threads."""

    def __init__(self, data_dir: Path | str | None = None, *, secret: bytes | str | None = None) -> None:
        self.data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path = self.data_dir / DB_NAME
        self._secret = secret.encode("utf-8") if isinstance(secret, str) else secret
        self._init_schema()

    # ------------------------------------------------------------------------------ connections

    def _connect(self) -> AbstractContextManager[sqlite3.Connection]:
        return sqlite.connect(self.path)

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        return sqlite.write(self.path)

    def _init_schema(self) -> None:
        try:
            with self._connect() as conn:
                # WAL: readers never block the writer, and a crash mid-write leaves the last
                # committed state intact (the unfinished transaction is simply not in the log).
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("BEGIN IMMEDIATE")
                try:
                    version = conn.execute("PRAGMA user_version").fetchone()[0]
                    if version > SCHEMA_VERSION:
                        raise StoreError("store.error.newer_schema", version=version)
                    migrate.before_schema(conn, version)
                    # Statement by statement: executescript() would COMMIT the open transaction first.
                    for statement in _SCHEMA.split(";"):
                        if _sql(statement):
                            conn.execute(statement)
                    if moved := migrate.after_schema(conn, version):
                        log.info("store upgraded from schema %d: %d snapshots now freeze ledger versions",
                                 version, moved)
                    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            raise StoreError("store.error.unreadable", path=str(self.path)) from exc
        with suppress(OSError):
            self.path.chmod(0o600)

    @property
    def key_beside_data(self) -> bool:
        """Whether the PII key sits in the data folder (the page warns: a copy of it reverses masks)."""
        return self._secret is None and not settings.from_env().secret and key_beside_data(self.data_dir)

    @property
    def secret(self) -> bytes:
        if self._secret is None:  # the key file is outside the data folder unless an old install left it there
            self._secret = secret_key(self.data_dir)
        return self._secret

    def integrity_check(self) -> str:
        """SQLite's own verdict on the file: ``"ok"`` when sound."""
        with self._connect() as conn:
            return "; ".join(r[0] for r in conn.execute("PRAGMA integrity_check"))

    # -------------------------------------------------------------------------------- snapshots

    def save_snapshot(self, result: LoadedLedgers, files: Iterable[UploadedFile], *,
                      label: str | None = None) -> SnapshotInfo:
        """Keep an accepted upload: the cleaned frames, the import report, the files' names and
        SHA-256s (not their bytes: they hold raw PII). One transaction; on any failure nothing
        is written and earlier snapshots are untouched.

        ``result`` is a ``LoadResult`` (``.frames``, ``.report``); ``files`` are ``(name, bytes)``
        pairs, ``SourceFile``s or Paths. The same set of files with the same resulting frames as a
        stored snapshot returns that snapshot (``duplicate=True``) and writes nothing.
        """
        file_infos = _file_entries(files)
        if not file_infos:
            raise StoreError("store.error.no_files")
        frames: Mapping[str, pd.DataFrame] = result.frames
        if not frames:
            # An upload where nothing was recognised must not become the "latest" and blank the board.
            raise StoreError("store.error.no_rows")
        safe_frames, remasked = remask_frames(frames, self.secret)
        report, scrubbed = scrub_json(_report_dict(getattr(result, "report", None)))
        remasked += scrubbed
        if remasked:
            # Counts only: the values themselves never reach a log.
            log.warning("store re-masked %d personal-data values before writing", remasked)

        # Encode everything before the transaction: the write lock is held only for the INSERTs.
        encoded = [(ledger, int(len(df)), encode_frame(df)) for ledger, df in safe_frames.items()]
        data_digest = _data_digest(encoded)
        files_digest = _files_digest(file_infos)
        rows = {ledger: n for ledger, n, _ in encoded}
        problems = len(report.get("problems", []) or [])
        report_json = json.dumps(report, ensure_ascii=False, default=str)
        created = _now()

        with self._write() as conn:
            # Checked inside the write lock, so two identical uploads at once still make one snapshot.
            row = conn.execute(
                "SELECT id FROM snapshots WHERE files_digest = ? AND data_digest = ? ORDER BY id DESC",
                (files_digest, data_digest)).fetchone()
            if row is not None:
                info = self._snapshot_info(conn, row[0])
                assert info is not None
                return replace(info, duplicate=True)
            cur = conn.execute(
                "INSERT INTO snapshots (created_at, label, files_digest, data_digest, report_json,"
                " rows_json, problems, remasked) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (_iso(created), label, files_digest, data_digest, report_json,
                 json.dumps(rows, ensure_ascii=False), problems, remasked))
            sid = _inserted_id(cur)
            conn.executemany(
                "INSERT INTO snapshot_files (snapshot_id, position, name, sha256, size) VALUES (?, ?, ?, ?, ?)",
                [(sid, i, f.name, f.sha256, f.size) for i, f in enumerate(file_infos)])
            _fault("after_files")
            for i, (ledger, n, blob) in enumerate(encoded):
                vid = add_version(conn, ledger, blob, n, file_infos, report_part(report, ledger), _iso(created))
                conn.execute("INSERT INTO snapshot_ledgers (snapshot_id, ledger, position, version_id)"
                             " VALUES (?, ?, ?, ?)", (sid, ledger, i, vid))
            _fault("after_frames")
        return SnapshotInfo(id=sid, created_at=created, label=label, files=tuple(file_infos), rows=rows,
                            problems=problems, duplicate=False, remasked=remasked)

    def _snapshot_info(self, conn: sqlite3.Connection, sid: int) -> SnapshotInfo | None:
        row = conn.execute("SELECT id, created_at, label, rows_json, problems, remasked, kind FROM snapshots"
                           " WHERE id = ?", (sid,)).fetchone()
        if row is None:
            return None
        files = tuple(FileInfo(name, sha, size) for name, sha, size in conn.execute(
            "SELECT name, sha256, size FROM snapshot_files WHERE snapshot_id = ? ORDER BY position", (sid,)))
        return SnapshotInfo(id=row[0], created_at=datetime.fromisoformat(row[1]), label=row[2], files=files,
                            rows=json.loads(row[3]), problems=row[4], remasked=row[5], kind=SnapshotKind(row[6]))

    def snapshots(self) -> list[SnapshotInfo]:
        """Every kept snapshot, newest first."""
        with self._connect() as conn:
            conn.execute("BEGIN")  # one read transaction: a consistent list even while someone writes
            ids = [r[0] for r in conn.execute("SELECT id FROM snapshots ORDER BY id DESC")]
            out = [info for sid in ids if (info := self._snapshot_info(conn, sid)) is not None]
            conn.execute("COMMIT")
        return out

    def snapshot(self, snapshot_id: int | SnapshotInfo) -> SnapshotInfo:
        """One snapshot's description; StoreError ``store.error.no_snapshot`` if it is not there."""
        sid = _snapshot_id(snapshot_id)
        with self._connect() as conn:
            info = self._snapshot_info(conn, sid)
        if info is None:
            raise StoreError("store.error.no_snapshot", id=sid)
        return info

    def latest_snapshot_id(self) -> int | None:
        """The newest snapshot's id, or None when nothing has been uploaded yet."""
        with self._connect() as conn:
            row = conn.execute("SELECT max(id) FROM snapshots").fetchone()
        return None if row[0] is None else int(row[0])

    def load_snapshot(self, snapshot_id: int | SnapshotInfo) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
        """(frames, report dict) exactly as saved: ledger order, columns and dtypes as the reader
        made them (Contract 1)."""
        sid = _snapshot_id(snapshot_id)
        with self._connect() as conn:
            conn.execute("BEGIN")
            head = conn.execute("SELECT report_json, kind FROM snapshots WHERE id = ?", (sid,)).fetchone()
            rows = conn.execute("SELECT s.ledger, v.format, v.data, v.report_json FROM snapshot_ledgers s"
                                " JOIN ledger_versions v ON v.id = s.version_id WHERE s.snapshot_id = ?"
                                " ORDER BY s.position", (sid,)).fetchall()
            conn.execute("COMMIT")
        if head is None:
            raise StoreError("store.error.no_snapshot", id=sid)
        frames: dict[str, pd.DataFrame] = {}
        for ledger, fmt, blob, _ in rows:
            if fmt != FORMAT:
                raise StoreError("store.error.unreadable_snapshot", id=sid)
            frames[ledger] = decode_frame(blob)
        if SnapshotKind(head[1]).whole_upload:  # the upload's own report, exactly as it was
            return frames, json.loads(head[0])
        return frames, merge_reports([json.loads(r[3]) for r in rows])

    def delete_snapshot(self, snapshot_id: int | SnapshotInfo) -> bool:
        """Remove a snapshot (its files and frames go with it). False if it was not there."""
        sid = _snapshot_id(snapshot_id)
        with self._write() as conn:
            gone = conn.execute("DELETE FROM snapshots WHERE id = ?", (sid,)).rowcount > 0
            collect_garbage(conn)  # its own versions, unless the book or another snapshot holds them
        if gone:
            self._checkpoint()
        return gone

    def _checkpoint(self) -> None:
        """Copy the WAL into the database and empty it: the deleted rows' old pages stay readable in
        the ``-wal`` file until then (secure_delete zeroes them only in the database file)."""
        with self._connect() as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # ------------------------------------------------------------------------------ ledger book

    def propose(self, result: LoadedLedgers, files: Iterable[UploadedFile]) -> Proposal:
        """Compare what an upload read with the book, ledger by ledger, and write nothing.

        Only ledgers that loaded rows are proposed: a file that could not be read, a sheet missing a
        required column or holding headers only gives no frame (or an empty one) and so replaces
        nothing. A ledger whose rows equal its current version is ``Change.UNCHANGED``.
        """
        file_infos = tuple(_file_entries(files))
        frames = {k: f for k, f in dict(result.frames).items() if isinstance(f, pd.DataFrame) and len(f)}
        safe_frames, remasked = remask_frames(frames, self.secret) if frames else ({}, 0)
        report, scrubbed = scrub_json(_report_dict(getattr(result, "report", None)))
        current = self._current_versions()
        proposal = Proposal({}, file_infos, report, remasked + scrubbed)
        for ledger in ledger_order(list(safe_frames)):
            frame = safe_frames[ledger]
            blob = encode_frame(frame)
            digest = hashlib.sha256(blob).hexdigest()
            base = current.get(ledger)
            before = self._version_frame(base[0]) if base is not None else None
            proposal.diffs[ledger] = diff_ledger(ledger, before, frame, same_data=base is not None and base[1] == digest,
                                                 base_version=base[0] if base else None)
            proposal.encoded[ledger] = (blob, digest, len(frame), report_part(report, ledger))
        return proposal

    def _current_versions(self) -> dict[str, tuple[int, str]]:
        with self._connect() as conn:
            return {ledger: (int(vid), dig) for ledger, vid, dig in conn.execute(
                "SELECT b.ledger, b.version_id, v.data_digest FROM book b JOIN ledger_versions v ON v.id = b.version_id")}

    def _version_frame(self, version_id: int) -> pd.DataFrame:
        with self._connect() as conn:
            row = conn.execute("SELECT format, data FROM ledger_versions WHERE id = ?", (version_id,)).fetchone()
        if row is None or row[0] != FORMAT:
            raise StoreError("store.error.no_version", id=version_id)
        return decode_frame(row[1])

    def accept(self, proposal: Proposal, ledgers: Iterable[str] | None = None, *, by: str | None = None,
               confirm: Iterable[str] | Confirm = ()) -> list[VersionInfo]:
        """Make the proposed versions of ``ledgers`` (default: every changed one) current, in one
        transaction: the book afterwards is the old one or the new one, never a mix.

        A ledger with a shrink warning needs its key in ``confirm`` (or ``Confirm.ALL``), else
        ``StoreError("store.error.confirm_shrink")`` and nothing is written. A ledger someone else
        changed since the proposal was made is refused (``store.error.book_moved``): propose again.
        """
        chosen = [k for k in (proposal.acceptable if ledgers is None else list(ledgers))
                  if k in proposal.diffs and proposal.diffs[k].change.acceptable]
        confirmed = set(proposal.diffs) if confirm is Confirm.ALL else set(confirm)
        for k in chosen:
            if proposal.diffs[k].needs_confirmation and k not in confirmed:
                raise StoreError("store.error.confirm_shrink", ledger=k)
        at = _iso(_now())
        with self._write() as conn:
            ids = []
            for k in chosen:
                blob, _, rows, part = proposal.encoded[k]
                d = proposal.diffs[k]
                ids.append(add_version(conn, k, blob, rows, _files_of(proposal.files, part), part, at, d.dates_after))
            _fault("after_versions")
            for n, (k, vid) in enumerate(zip(chosen, ids, strict=True)):
                previous = set_current(conn, k, vid, at, by, "accept")
                if previous != proposal.diffs[k].base_version:
                    raise StoreError("store.error.book_moved", ledger=k)
                if n == 0:
                    _fault("mid_book")
        return [v for v in self.book() if v.ledger in set(chosen)]

    def book(self) -> list[VersionInfo]:
        """The current version of every ledger the book holds, in the registry's order."""
        with self._connect() as conn:
            rows = conn.execute(f"SELECT {VERSION_COLUMNS}, b.accepted_at, b.accepted_by FROM book b"
                                " JOIN ledger_versions v ON v.id = b.version_id").fetchall()
        by_ledger = {r[1]: version_info(r, r[7], r[8], current=True) for r in rows}
        return [by_ledger[k] for k in ledger_order(list(by_ledger))]

    def load_book(self) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
        """(frames, report) of the book as it is now; empty when nothing was ever accepted."""
        with self._connect() as conn:
            conn.execute("BEGIN")  # one read: a consistent book even while someone accepts
            rows = conn.execute("SELECT b.ledger, v.format, v.data, v.report_json FROM book b"
                                " JOIN ledger_versions v ON v.id = b.version_id").fetchall()
            conn.execute("COMMIT")
        return self._frames_and_report(rows)

    def _frames_and_report(self, rows: list[tuple[Any, ...]]) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
        by_ledger = {r[0]: r for r in rows}
        frames, parts = {}, []
        for ledger in ledger_order(list(by_ledger)):
            _, fmt, blob, report_json = by_ledger[ledger]
            if fmt != FORMAT:
                raise StoreError("store.error.unreadable_snapshot", id=ledger)
            frames[ledger] = decode_frame(blob)
            parts.append(json.loads(report_json))
        return frames, merge_reports(parts)

    def baseline(self, content_id: str, *, before: int | None = None) -> SnapshotInfo | None:
        """The snapshot to compare with: the newest (older than snapshot ``before`` when given) whose
        ledgers differ from ``content_id`` (a ``book_id()``), so a meeting snapshot just taken of the
        very book on screen is passed over for the one before it. None when there is none."""
        with self._connect() as conn:
            conn.execute("BEGIN")
            rows = conn.execute("SELECT s.snapshot_id, s.ledger, v.data_digest FROM snapshot_ledgers s"
                                " JOIN ledger_versions v ON v.id = s.version_id ORDER BY s.snapshot_id DESC").fetchall()
            by_snapshot: dict[int, list[tuple[str, str]]] = {}
            for sid, ledger, dig in rows:
                by_snapshot.setdefault(int(sid), []).append((ledger, dig))
            for sid, pairs in by_snapshot.items():  # newest first
                if (before is None or sid < before) and _content_id(pairs) != content_id:
                    info = self._snapshot_info(conn, sid)
                    conn.execute("COMMIT")
                    return info
            conn.execute("COMMIT")
        return None

    def snapshot_content_id(self, snapshot_id: int | SnapshotInfo) -> str:
        """``book_id()`` of the ledgers a snapshot froze."""
        with self._connect() as conn:
            pairs = conn.execute("SELECT s.ledger, v.data_digest FROM snapshot_ledgers s JOIN ledger_versions v"
                                 " ON v.id = s.version_id WHERE s.snapshot_id = ?", (_snapshot_id(snapshot_id),)).fetchall()
        return _content_id(pairs)

    def book_id(self) -> str:
        """A short digest of the current versions' contents: changes whenever the book does, and
        equal books (even in two data folders) have equal ids, so caches keyed on it stay right."""
        with self._connect() as conn:
            rows = conn.execute("SELECT b.ledger, v.data_digest FROM book b"
                                " JOIN ledger_versions v ON v.id = b.version_id").fetchall()
        return _content_id(rows)

    def history(self, ledger: str) -> list[VersionInfo]:
        """Every version of one ledger that was ever current or frozen, newest first."""
        with self._connect() as conn:
            current = conn.execute("SELECT version_id FROM book WHERE ledger = ?", (ledger,)).fetchone()
            rows = conn.execute(
                f"SELECT {VERSION_COLUMNS}, (SELECT max(at) FROM book_log l WHERE l.version_id = v.id),"
                " (SELECT by FROM book_log l WHERE l.version_id = v.id ORDER BY l.id DESC LIMIT 1)"
                " FROM ledger_versions v WHERE v.ledger = ? ORDER BY v.id DESC", (ledger,)).fetchall()
        cur = current[0] if current else None
        return [version_info(r, r[7], r[8], current=r[0] == cur) for r in rows]

    def rollback(self, ledger: str, version_id: int, *, by: str | None = None) -> VersionInfo:
        """Make an earlier version of ``ledger`` current again (undo); logged like an accept."""
        with self._write() as conn:
            row = conn.execute("SELECT ledger FROM ledger_versions WHERE id = ?", (int(version_id),)).fetchone()
            if row is None or row[0] != ledger:
                raise StoreError("store.error.no_version", id=version_id)
            set_current(conn, ledger, int(version_id), _iso(_now()), by, "rollback")
        return next(v for v in self.book() if v.ledger == ledger)

    def take_snapshot(self, label: str | None = None, *,
                      kind: SnapshotKind = SnapshotKind.BOOK) -> SnapshotInfo | None:
        """Freeze the whole book under a name: the snapshot refers to the current versions, it copies
        no rows. ``kind="meeting"`` takes one only if this month (Shanghai) has no meeting snapshot
        yet, else returns None; checked inside the write lock, so two sessions make one."""
        created = _now()
        with self._write() as conn:
            if kind.once_a_month and conn.execute("SELECT 1 FROM snapshots WHERE kind = 'meeting' AND"
                                                  " substr(created_at, 1, 7) = ?", (f"{created:%Y-%m}",)).fetchone():
                return None
            rows = conn.execute("SELECT b.ledger, v.id, v.rows, v.files_json, v.data_digest FROM book b"
                                " JOIN ledger_versions v ON v.id = b.version_id").fetchall()
            if not rows:
                raise StoreError("store.error.no_rows")
            order = ledger_order([r[0] for r in rows])
            by_ledger = {r[0]: r for r in rows}
            files = _unique_files(json.loads(by_ledger[k][3]) for k in order)
            data_digest = hashlib.sha256("\n".join(f"{k}:{by_ledger[k][4]}" for k in order).encode()).hexdigest()
            counts = {k: int(by_ledger[k][2]) for k in order}
            cur = conn.execute(
                "INSERT INTO snapshots (created_at, label, files_digest, data_digest, report_json, rows_json,"
                " problems, remasked, kind) VALUES (?, ?, ?, ?, '{}', ?, 0, 0, ?)",
                (_iso(created), label, _files_digest(files), data_digest,
                 json.dumps(counts, ensure_ascii=False), kind.value))
            sid = int(cur.lastrowid or 0)
            conn.executemany("INSERT INTO snapshot_files (snapshot_id, position, name, sha256, size) VALUES (?, ?, ?, ?, ?)",
                             [(sid, i, f.name, f.sha256, f.size) for i, f in enumerate(files)])
            conn.executemany("INSERT INTO snapshot_ledgers (snapshot_id, ledger, position, version_id) VALUES (?, ?, ?, ?)",
                             [(sid, k, i, by_ledger[k][1]) for i, k in enumerate(order)])
        return self.snapshot(sid)

    # ---------------------------------------------------------------------------------- targets

    def targets(self) -> dict[str, TargetSetting]:
        """Office overrides: metric id -> TargetSetting(value, enabled). Metrics not here use the plan."""
        return {r.metric_id: TargetSetting(value=r.value, enabled=r.enabled) for r in self.target_records().values()}

    def target_records(self) -> dict[str, TargetRecord]:
        """The overrides with the time each was last changed (for "office-set on …")."""
        with self._connect() as conn:
            rows = conn.execute("SELECT metric_id, value, enabled, updated_at FROM targets"
                                " ORDER BY metric_id").fetchall()
        return {m: TargetRecord(m, v, bool(e), datetime.fromisoformat(u)) for m, v, e, u in rows}

    def set_target(self, metric_id: str, value: float | None, enabled: bool = True, *,
                   reason: str = "") -> TargetRecord:
        """Override one metric's target (``value`` None keeps the plan's value) and/or switch it off;
        a change is logged (store.meeting: when, old → new, ``reason``) for the minutes."""
        if not metric_id or not isinstance(metric_id, str):
            raise StoreError("store.error.bad_metric", metric=metric_id)
        if value is not None:
            try:
                value = float(value)
            except (TypeError, ValueError):
                raise StoreError("store.error.bad_target", metric=metric_id, value=value) from None
            if not math.isfinite(value):
                raise StoreError("store.error.bad_target", metric=metric_id, value=value)
        now = _now()
        with self._write() as conn:
            old = conn.execute("SELECT value, enabled FROM targets WHERE metric_id = ?", (metric_id,)).fetchone()
            log_change(conn, metric_id, (None, True) if old is None else (old[0], bool(old[1])),
                       (value, bool(enabled)), reason, now)
            conn.execute(
                "INSERT INTO targets (metric_id, value, enabled, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(metric_id) DO UPDATE SET value = excluded.value,"
                " enabled = excluded.enabled, updated_at = excluded.updated_at",
                (metric_id, value, int(bool(enabled)), _iso(now)))
        return TargetRecord(metric_id, value, bool(enabled), now)

    def reset_target(self, metric_id: str, *, reason: str = "") -> bool:
        """Back to the plan's value and switched on (logged). False if there was no override."""
        with self._write() as conn:
            old = conn.execute("SELECT value, enabled FROM targets WHERE metric_id = ?", (metric_id,)).fetchone()
            if old is not None:
                log_change(conn, metric_id, (old[0], bool(old[1])), (None, True), reason, _now())
            return conn.execute("DELETE FROM targets WHERE metric_id = ?", (metric_id,)).rowcount > 0

    # --------------------------------------------------------------------------------- mappings

    def mappings(self) -> dict[str, SheetMapping]:
        """Remembered hand mappings: header signature -> {"ledger": key, "columns": {src: canonical}},
        in the shape ``ledgers.reader.load_files(mappings=...)`` takes."""
        with self._connect() as conn:
            rows = conn.execute("SELECT signature, ledger, columns_json FROM mappings ORDER BY signature")
            return {sig: {"ledger": ledger, "columns": json.loads(cols)} for sig, ledger, cols in rows}

    def save_mapping(self, signature: str, ledger: str, columns: Mapping[str, str]) -> None:
        """Remember (or replace) the mapping for sheets whose headers have this signature."""
        if not signature or not ledger:
            raise StoreError("store.error.bad_mapping")
        cols = {str(k): str(v) for k, v in columns.items()}
        with self._write() as conn:
            conn.execute(
                "INSERT INTO mappings (signature, ledger, columns_json, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(signature) DO UPDATE SET ledger = excluded.ledger,"
                " columns_json = excluded.columns_json, updated_at = excluded.updated_at",
                (signature, ledger, json.dumps(cols, ensure_ascii=False), _iso(_now())))

    def delete_mapping(self, signature: str) -> bool:
        """Forget a mapping. False if there was none."""
        with self._write() as conn:
            return conn.execute("DELETE FROM mappings WHERE signature = ?", (signature,)).rowcount > 0

    # ----------------------------------------------------------------------------- action items

    def add_action_item(self, metric_id: str, what: str, who: str, due: date | str,
                        meeting_date: date | str) -> ActionItem:
        """Record a 督办事项 agreed in a meeting; it starts open."""
        what, who = (what or "").strip(), (who or "").strip()
        if not metric_id or not what:
            raise StoreError("store.error.bad_action")
        due_d, meeting_d = _date(due, "due"), _date(meeting_date, "meeting_date")
        now = _now()
        with self._write() as conn:
            cur = conn.execute(
                "INSERT INTO action_items (metric_id, what, who, due, meeting_date, status, created_at)"
                " VALUES (?, ?, ?, ?, ?, 'open', ?)",
                (metric_id, what, who, due_d.isoformat(), meeting_d.isoformat(), _iso(now)))
            item_id = _inserted_id(cur)
        return ActionItem(item_id, metric_id, what, who, due_d, meeting_d, "open", now, None,
                          overdue=due_d < _now().date())

    def action_items(self, metric_id: str | None = None, status: str | None = None, *,
                     as_of: date | None = None) -> list[ActionItem]:
        """Action items, open ones first then by due date. ``status`` "open" | "done" | "overdue"
        filters; ``overdue`` means open and due before ``as_of`` (default: today in Shanghai)."""
        if status not in (None, "overdue", *ACTION_STATUSES):
            raise StoreError("store.error.bad_status", status=status)
        today = as_of or _now().date()
        sql = ("SELECT id, metric_id, what, who, due, meeting_date, status, created_at, done_at"
               " FROM action_items")
        where, args = [], []
        if metric_id is not None:
            where.append("metric_id = ?")
            args.append(metric_id)
        if status is not None:
            where.append("status = ?")
            args.append("open" if status == "overdue" else status)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY status = 'done', due, id"
        with self._connect() as conn:
            rows = conn.execute(sql, args).fetchall()
        items = []
        for i, m, what, who, due, meet, st, created, done in rows:
            due_d = date.fromisoformat(due)
            items.append(ActionItem(i, m, what, who, due_d, date.fromisoformat(meet), st,
                                    datetime.fromisoformat(created),
                                    datetime.fromisoformat(done) if done else None,
                                    overdue=st == "open" and due_d < today))
        if status == "overdue":
            items = [it for it in items if it.overdue]
        return items

    def set_action_status(self, item_id: int, status: str) -> bool:
        """Mark an action item "open" or "done". False if there is no such item."""
        if status not in ACTION_STATUSES:
            raise StoreError("store.error.bad_status", status=status)
        done_at = _iso(_now()) if status == "done" else None
        with self._write() as conn:
            return conn.execute("UPDATE action_items SET status = ?, done_at = ? WHERE id = ?",
                                (status, done_at, int(item_id))).rowcount > 0

    def delete_action_item(self, item_id: int) -> bool:
        """Remove an action item entered by mistake. False if there was none."""
        with self._write() as conn:
            return conn.execute("DELETE FROM action_items WHERE id = ?", (int(item_id),)).rowcount > 0

