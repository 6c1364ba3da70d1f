"""The store of one community: snapshots of uploads, the ledger book, target overrides, column mappings
and action items, in SQLite (the data folder's file, WAL) or PostgreSQL (``DASHBOARD_DATABASE_URL``)
through ``store.engine``. Every method runs one transaction of its own (a write is all of it or none
of it) and every query names the Store's community; on PostgreSQL row-level security checks it again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import operator
import os
import secrets as _secrets
import time
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, delete, func, insert, select, update

import settings
from ledgers import privacy
from ledgers.registry import SheetMapping
from store import sqlite
from store.book import Confirm, Proposal, VersionInfo, diff_ledger, ledger_order, merge_reports, report_part
from store.communities import Community, resolve
from store.engine import DB_NAME as DB_NAME  # re-exported: the file name callers and tests know
from store.engine import is_postgres, open_engine, scoped, upsert
from store.frames import FORMAT, decode_frame, encode_frame
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
from store.schema import (
    action_items,
    book,
    book_log,
    ledger_versions,
    mappings,
    snapshot_files,
    snapshot_ledgers,
    snapshots,
    targets,
)
from store.versions import VERSION_COLUMNS, add_version, collect_garbage, set_current, version_info

log = logging.getLogger(__name__)

SECRET_NAME = "secret.key"


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


S, SF, SL, V = snapshots, snapshot_files, snapshot_ledgers, ledger_versions


class Store(MeetingRecords):
    """One community's records in the dashboard's database; cheap to create, safe to share between threads.

    ``engine``: an engine from ``store.engine.open_engine`` (default: ``DASHBOARD_DATABASE_URL``, else
    the SQLite file in ``data_dir``). ``community``: a name (made if missing) or an id; None is the
    install's one community, made as 「本社区」 on first open.
    """

    def __init__(self, data_dir: Path | str | None = None, *, secret: bytes | str | None = None,
                 engine: Engine | None = None, community: str | int | None = None) -> None:
        self.data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path = self.data_dir / DB_NAME
        self._secret = secret.encode("utf-8") if isinstance(secret, str) else secret
        if engine is None:
            configured = settings.from_env()
            engine = open_engine(configured.database_url, self.data_dir, owner_url=configured.database_owner_url)
        self.engine = engine
        if not is_postgres(engine):  # the file the engine opens (integrity_check, the WAL checkpoint)
            self.path = Path(str(engine.url.database))
        self.community: Community = resolve(engine, community)
        self.community_id = self.community.id

    # ------------------------------------------------------------------------------ connections

    def _read(self) -> AbstractContextManager[Connection]:
        """One read transaction: a consistent view even while someone writes."""
        return scoped(self.engine, [self.community_id], write=False)

    def _write(self) -> AbstractContextManager[Connection]:
        return scoped(self.engine, [self.community_id], write=True)

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
        """The database's own verdict: ``"ok"`` when sound (SQLite's integrity_check; PostgreSQL checks
        its pages itself, so there it is ``"ok"`` once a query answers)."""
        if is_postgres(self.engine):
            with self._read() as conn:
                conn.execute(select(1))
            return "ok"
        with sqlite.connect(self.path) as raw:
            return "; ".join(r[0] for r in raw.execute("PRAGMA integrity_check"))

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
        created = _now()
        cid = self.community_id

        with self._write() as conn:
            # Checked inside the write lock, so two identical uploads at once still make one snapshot.
            found = conn.execute(select(S.c.id).where(S.c.community_id == cid, S.c.files_digest == files_digest,
                                                      S.c.data_digest == data_digest).order_by(S.c.id.desc())).scalar()
            if found is not None:
                info = self._snapshot_info(conn, int(found))
                assert info is not None
                return replace(info, duplicate=True)
            sid = int(conn.execute(insert(S).values(
                community_id=cid, created_at=_iso(created), label=label, files_digest=files_digest,
                data_digest=data_digest, report_json=json.dumps(report, ensure_ascii=False, default=str),
                rows_json=json.dumps(rows, ensure_ascii=False), problems=problems, remasked=remasked,
            ).returning(S.c.id)).scalar_one())
            conn.execute(insert(SF), [{"snapshot_id": sid, "community_id": cid, "position": i, "name": f.name,
                                       "sha256": f.sha256, "size": f.size} for i, f in enumerate(file_infos)])
            _fault("after_files")
            for i, (ledger, n, blob) in enumerate(encoded):
                vid = add_version(conn, cid, ledger, blob, n, file_infos, report_part(report, ledger), _iso(created))
                conn.execute(insert(SL).values(snapshot_id=sid, community_id=cid, ledger=ledger, position=i,
                                               version_id=vid))
            _fault("after_frames")
        return SnapshotInfo(id=sid, created_at=created, label=label, files=tuple(file_infos), rows=rows,
                            problems=problems, duplicate=False, remasked=remasked)

    def _snapshot_info(self, conn: Connection, sid: int) -> SnapshotInfo | None:
        row = conn.execute(select(S.c.id, S.c.created_at, S.c.label, S.c.rows_json, S.c.problems, S.c.remasked,
                                  S.c.kind).where(S.c.id == sid, S.c.community_id == self.community_id)).first()
        if row is None:
            return None
        files = tuple(FileInfo(name, sha, size) for name, sha, size in conn.execute(
            select(SF.c.name, SF.c.sha256, SF.c.size).where(SF.c.snapshot_id == sid,
                                                            SF.c.community_id == self.community_id)
            .order_by(SF.c.position)))
        return SnapshotInfo(id=row[0], created_at=datetime.fromisoformat(row[1]), label=row[2], files=files,
                            rows=json.loads(row[3]), problems=row[4], remasked=row[5], kind=SnapshotKind(row[6]))

    def snapshots(self) -> list[SnapshotInfo]:
        """Every kept snapshot, newest first."""
        with self._read() as conn:
            ids = conn.execute(select(S.c.id).where(S.c.community_id == self.community_id)
                               .order_by(S.c.id.desc())).scalars().all()
            return [info for sid in ids if (info := self._snapshot_info(conn, int(sid))) is not None]

    def snapshot(self, snapshot_id: int | SnapshotInfo) -> SnapshotInfo:
        """One snapshot's description; StoreError ``store.error.no_snapshot`` if it is not there."""
        sid = _snapshot_id(snapshot_id)
        with self._read() as conn:
            info = self._snapshot_info(conn, sid)
        if info is None:
            raise StoreError("store.error.no_snapshot", id=sid)
        return info

    def latest_snapshot_id(self) -> int | None:
        """The newest snapshot's id, or None when nothing has been uploaded yet."""
        with self._read() as conn:
            newest = conn.execute(select(func.max(S.c.id)).where(S.c.community_id == self.community_id)).scalar()
        return None if newest is None else int(newest)

    def load_snapshot(self, snapshot_id: int | SnapshotInfo) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
        """(frames, report dict) exactly as saved: ledger order, columns and dtypes as the reader
        made them (Contract 1)."""
        sid = _snapshot_id(snapshot_id)
        with self._read() as conn:
            head = conn.execute(select(S.c.report_json, S.c.kind).where(
                S.c.id == sid, S.c.community_id == self.community_id)).first()
            rows = conn.execute(select(SL.c.ledger, V.c.format, V.c.data, V.c.report_json)
                                .join(V, V.c.id == SL.c.version_id)
                                .where(SL.c.snapshot_id == sid, SL.c.community_id == self.community_id)
                                .order_by(SL.c.position)).all()
        if head is None:
            raise StoreError("store.error.no_snapshot", id=sid)
        frames: dict[str, pd.DataFrame] = {}
        for ledger, fmt, blob, _ in rows:
            if fmt != FORMAT:
                raise StoreError("store.error.unreadable_snapshot", id=sid)
            frames[ledger] = decode_frame(bytes(blob))
        if SnapshotKind(head[1]).whole_upload:  # the upload's own report, exactly as it was
            return frames, json.loads(head[0])
        return frames, merge_reports([json.loads(r[3]) for r in rows])

    def delete_snapshot(self, snapshot_id: int | SnapshotInfo) -> bool:
        """Remove a snapshot (its files and frames go with it). False if it was not there."""
        sid = _snapshot_id(snapshot_id)
        with self._write() as conn:
            gone = conn.execute(delete(S).where(S.c.id == sid, S.c.community_id == self.community_id)).rowcount > 0
            collect_garbage(conn, self.community_id)  # its own versions, unless the book or another snapshot holds them
        if gone:
            self._checkpoint()
        return gone

    def _checkpoint(self) -> None:
        """SQLite: copy the WAL into the database and empty it: the deleted rows' old pages stay readable
        in the ``-wal`` file until then (secure_delete zeroes them only in the database file)."""
        if is_postgres(self.engine):
            return
        with sqlite.connect(self.path) as raw:
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")

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

    def _book_rows(self, *columns: Any) -> Any:
        """SELECT ``columns`` FROM the community's book JOIN its current versions."""
        return (select(*columns).select_from(book).join(V, V.c.id == book.c.version_id)
                .where(book.c.community_id == self.community_id))

    def _current_versions(self) -> dict[str, tuple[int, str]]:
        with self._read() as conn:
            rows = conn.execute(self._book_rows(book.c.ledger, book.c.version_id, V.c.data_digest)).all()
        return {ledger: (int(vid), dig) for ledger, vid, dig in rows}

    def _version_frame(self, version_id: int) -> pd.DataFrame:
        with self._read() as conn:
            row = conn.execute(select(V.c.format, V.c.data).where(
                V.c.id == version_id, V.c.community_id == self.community_id)).first()
        if row is None or row[0] != FORMAT:
            raise StoreError("store.error.no_version", id=version_id)
        return decode_frame(bytes(row[1]))

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
        cid = self.community_id
        with self._write() as conn:
            ids = []
            for k in chosen:
                blob, _, rows, part = proposal.encoded[k]
                d = proposal.diffs[k]
                ids.append(add_version(conn, cid, k, blob, rows, _files_of(proposal.files, part), part, at,
                                       d.dates_after))
            _fault("after_versions")
            for n, (k, vid) in enumerate(zip(chosen, ids, strict=True)):
                previous = set_current(conn, cid, k, vid, at, by, "accept")
                if previous != proposal.diffs[k].base_version:
                    raise StoreError("store.error.book_moved", ledger=k)
                if n == 0:
                    _fault("mid_book")
        return [v for v in self.book() if v.ledger in set(chosen)]

    def book(self) -> list[VersionInfo]:
        """The current version of every ledger the book holds, in the registry's order."""
        with self._read() as conn:
            rows = conn.execute(self._book_rows(*VERSION_COLUMNS, book.c.accepted_at, book.c.accepted_by)).all()
        by_ledger = {r[1]: version_info(r, r[7], r[8], current=True) for r in rows}
        return [by_ledger[k] for k in ledger_order(list(by_ledger))]

    def load_book(self) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
        """(frames, report) of the book as it is now; empty when nothing was ever accepted."""
        with self._read() as conn:  # one read: a consistent book even while someone accepts
            rows = conn.execute(self._book_rows(book.c.ledger, V.c.format, V.c.data, V.c.report_json)).all()
        return self._frames_and_report([tuple(r) for r in rows])

    def _frames_and_report(self, rows: list[tuple[Any, ...]]) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
        by_ledger = {r[0]: r for r in rows}
        frames, parts = {}, []
        for ledger in ledger_order(list(by_ledger)):
            _, fmt, blob, report_json = by_ledger[ledger]
            if fmt != FORMAT:
                raise StoreError("store.error.unreadable_snapshot", id=ledger)
            frames[ledger] = decode_frame(bytes(blob))
            parts.append(json.loads(report_json))
        return frames, merge_reports(parts)

    def _frozen(self, conn: Connection, snapshot_id: int | None = None) -> list[tuple[int, str, str]]:
        """(snapshot id, ledger, data digest) of what snapshots froze, newest snapshot first."""
        query = (select(SL.c.snapshot_id, SL.c.ledger, V.c.data_digest).join(V, V.c.id == SL.c.version_id)
                 .where(SL.c.community_id == self.community_id))
        if snapshot_id is not None:
            query = query.where(SL.c.snapshot_id == snapshot_id)
        return [(int(s), str(k), str(d)) for s, k, d in conn.execute(query.order_by(SL.c.snapshot_id.desc()))]

    def baseline(self, content_id: str, *, before: int | None = None) -> SnapshotInfo | None:
        """The snapshot to compare with: the newest (older than snapshot ``before`` when given) whose
        ledgers differ from ``content_id`` (a ``book_id()``), so a meeting snapshot just taken of the
        very book on screen is passed over for the one before it. None when there is none."""
        with self._read() as conn:
            by_snapshot: dict[int, list[tuple[str, str]]] = {}
            for sid, ledger, dig in self._frozen(conn):
                by_snapshot.setdefault(sid, []).append((ledger, dig))
            for sid, pairs in by_snapshot.items():  # newest first
                if (before is None or sid < before) and _content_id(pairs) != content_id:
                    return self._snapshot_info(conn, sid)
        return None

    def snapshot_content_id(self, snapshot_id: int | SnapshotInfo) -> str:
        """``book_id()`` of the ledgers a snapshot froze."""
        with self._read() as conn:
            frozen = self._frozen(conn, _snapshot_id(snapshot_id))
        return _content_id((ledger, dig) for _, ledger, dig in frozen)

    def book_id(self) -> str:
        """A short digest of the current versions' contents: changes whenever the book does, and
        equal books (even in two data folders) have equal ids, so caches keyed on it stay right."""
        with self._read() as conn:
            rows = conn.execute(self._book_rows(book.c.ledger, V.c.data_digest)).all()
        return _content_id((str(k), str(d)) for k, d in rows)

    def history(self, ledger: str) -> list[VersionInfo]:
        """Every version of one ledger that was ever current or frozen, newest first."""
        log_at = select(func.max(book_log.c.at)).where(book_log.c.version_id == V.c.id).scalar_subquery()
        log_by = (select(book_log.c.by).where(book_log.c.version_id == V.c.id)
                  .order_by(book_log.c.id.desc()).limit(1).scalar_subquery())
        with self._read() as conn:
            cur = conn.execute(select(book.c.version_id).where(book.c.community_id == self.community_id,
                                                               book.c.ledger == ledger)).scalar()
            rows = conn.execute(select(*VERSION_COLUMNS, log_at, log_by).where(
                V.c.ledger == ledger, V.c.community_id == self.community_id).order_by(V.c.id.desc())).all()
        return [version_info(r, r[7], r[8], current=r[0] == cur) for r in rows]

    def rollback(self, ledger: str, version_id: int, *, by: str | None = None) -> VersionInfo:
        """Make an earlier version of ``ledger`` current again (undo); logged like an accept."""
        with self._write() as conn:
            found = conn.execute(select(V.c.ledger).where(V.c.id == int(version_id),
                                                          V.c.community_id == self.community_id)).scalar()
            if found != ledger:
                raise StoreError("store.error.no_version", id=version_id)
            set_current(conn, self.community_id, ledger, int(version_id), _iso(_now()), by, "rollback")
        return next(v for v in self.book() if v.ledger == ledger)

    def take_snapshot(self, label: str | None = None, *,
                      kind: SnapshotKind = SnapshotKind.BOOK) -> SnapshotInfo | None:
        """Freeze the whole book under a name: the snapshot refers to the current versions, it copies
        no rows. ``kind="meeting"`` takes one only if this month (Shanghai) has no meeting snapshot
        yet, else returns None; checked inside the write lock, so two sessions make one."""
        created = _now()
        cid = self.community_id
        with self._write() as conn:
            if kind.once_a_month and conn.execute(select(S.c.id).where(
                    S.c.community_id == cid, S.c.kind == SnapshotKind.MEETING.value,
                    func.substr(S.c.created_at, 1, 7) == f"{created:%Y-%m}").limit(1)).first():
                return None
            rows = conn.execute(self._book_rows(book.c.ledger, V.c.id, V.c.rows, V.c.files_json, V.c.data_digest)
                                ).all()
            if not rows:
                raise StoreError("store.error.no_rows")
            order = ledger_order([r[0] for r in rows])
            by_ledger = {r[0]: r for r in rows}
            files = _unique_files(json.loads(by_ledger[k][3]) for k in order)
            data_digest = hashlib.sha256("\n".join(f"{k}:{by_ledger[k][4]}" for k in order).encode()).hexdigest()
            counts = {k: int(by_ledger[k][2]) for k in order}
            sid = int(conn.execute(insert(S).values(
                community_id=cid, created_at=_iso(created), label=label, files_digest=_files_digest(files),
                data_digest=data_digest, report_json="{}", rows_json=json.dumps(counts, ensure_ascii=False),
                problems=0, remasked=0, kind=kind.value).returning(S.c.id)).scalar_one())
            if files:
                conn.execute(insert(SF), [{"snapshot_id": sid, "community_id": cid, "position": i, "name": f.name,
                                           "sha256": f.sha256, "size": f.size} for i, f in enumerate(files)])
            conn.execute(insert(SL), [{"snapshot_id": sid, "community_id": cid, "ledger": k, "position": i,
                                       "version_id": by_ledger[k][1]} for i, k in enumerate(order)])
        return self.snapshot(sid)

    # ---------------------------------------------------------------------------------- targets

    def targets(self) -> dict[str, TargetSetting]:
        """Office overrides: metric id -> TargetSetting(value, enabled). Metrics not here use the plan."""
        return {r.metric_id: TargetSetting(value=r.value, enabled=r.enabled) for r in self.target_records().values()}

    def target_records(self) -> dict[str, TargetRecord]:
        """The overrides with the time each was last changed (for "office-set on …")."""
        c = targets.c
        with self._read() as conn:
            rows = conn.execute(select(c.metric_id, c.value, c.enabled, c.updated_at)
                                .where(c.community_id == self.community_id).order_by(c.metric_id)).all()
        return {m: TargetRecord(m, v, bool(e), datetime.fromisoformat(u)) for m, v, e, u in rows}

    def _old_target(self, conn: Connection, metric_id: str) -> tuple[float | None, bool] | None:
        c = targets.c
        row = conn.execute(select(c.value, c.enabled).where(c.community_id == self.community_id,
                                                            c.metric_id == metric_id)).first()
        return None if row is None else (row[0], bool(row[1]))

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
            old = self._old_target(conn, metric_id)
            log_change(conn, self.community_id, metric_id, (None, True) if old is None else old,
                       (value, bool(enabled)), reason, now)
            upsert(conn, targets, {"community_id": self.community_id, "metric_id": metric_id, "value": value,
                                   "enabled": int(bool(enabled)), "updated_at": _iso(now)},
                   ["community_id", "metric_id"], ["value", "enabled", "updated_at"])
        return TargetRecord(metric_id, value, bool(enabled), now)

    def reset_target(self, metric_id: str, *, reason: str = "") -> bool:
        """Back to the plan's value and switched on (logged). False if there was no override."""
        with self._write() as conn:
            old = self._old_target(conn, metric_id)
            if old is not None:
                log_change(conn, self.community_id, metric_id, old, (None, True), reason, _now())
            return conn.execute(delete(targets).where(targets.c.community_id == self.community_id,
                                                      targets.c.metric_id == metric_id)).rowcount > 0

    # --------------------------------------------------------------------------------- mappings

    def mappings(self) -> dict[str, SheetMapping]:
        """Remembered hand mappings: header signature -> {"ledger": key, "columns": {src: canonical}},
        in the shape ``ledgers.reader.load_files(mappings=...)`` takes."""
        c = mappings.c
        with self._read() as conn:
            rows = conn.execute(select(c.signature, c.ledger, c.columns_json)
                                .where(c.community_id == self.community_id).order_by(c.signature)).all()
        return {sig: {"ledger": ledger, "columns": json.loads(cols)} for sig, ledger, cols in rows}

    def save_mapping(self, signature: str, ledger: str, columns: Mapping[str, str]) -> None:
        """Remember (or replace) the mapping for sheets whose headers have this signature."""
        if not signature or not ledger:
            raise StoreError("store.error.bad_mapping")
        cols = {str(k): str(v) for k, v in columns.items()}
        with self._write() as conn:
            upsert(conn, mappings, {"community_id": self.community_id, "signature": signature, "ledger": ledger,
                                    "columns_json": json.dumps(cols, ensure_ascii=False), "updated_at": _iso(_now())},
                   ["community_id", "signature"], ["ledger", "columns_json", "updated_at"])

    def delete_mapping(self, signature: str) -> bool:
        """Forget a mapping. False if there was none."""
        with self._write() as conn:
            return conn.execute(delete(mappings).where(mappings.c.community_id == self.community_id,
                                                       mappings.c.signature == signature)).rowcount > 0

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
            item_id = int(conn.execute(insert(action_items).values(
                community_id=self.community_id, metric_id=metric_id, what=what, who=who, due=due_d.isoformat(),
                meeting_date=meeting_d.isoformat(), status="open", created_at=_iso(now),
            ).returning(action_items.c.id)).scalar_one())
        return ActionItem(item_id, metric_id, what, who, due_d, meeting_d, "open", now, None,
                          overdue=due_d < _now().date())

    def action_items(self, metric_id: str | None = None, status: str | None = None, *,
                     as_of: date | None = None) -> list[ActionItem]:
        """Action items, open ones first then by due date. ``status`` "open" | "done" | "overdue"
        filters; ``overdue`` means open and due before ``as_of`` (default: today in Shanghai)."""
        if status not in (None, "overdue", *ACTION_STATUSES):
            raise StoreError("store.error.bad_status", status=status)
        today = as_of or _now().date()
        c = action_items.c
        query = select(c.id, c.metric_id, c.what, c.who, c.due, c.meeting_date, c.status, c.created_at,
                       c.done_at).where(c.community_id == self.community_id)
        if metric_id is not None:
            query = query.where(c.metric_id == metric_id)
        if status is not None:
            query = query.where(c.status == ("open" if status == "overdue" else status))
        with self._read() as conn:
            rows = conn.execute(query.order_by(c.status == "done", c.due, c.id)).all()
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
            return conn.execute(update(action_items).where(*self._item(item_id)).values(
                status=status, done_at=done_at)).rowcount > 0

    def delete_action_item(self, item_id: int) -> bool:
        """Remove an action item entered by mistake. False if there was none."""
        with self._write() as conn:
            return conn.execute(delete(action_items).where(*self._item(item_id))).rowcount > 0
