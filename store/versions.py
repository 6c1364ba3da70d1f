"""SQL for ledger versions: find-or-insert a version, read one back, set the book's current version of
a ledger. Every function runs inside the caller's transaction, for one community, and never commits."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from store.book import VersionInfo, date_range
from store.engine import upsert
from store.frames import FORMAT, decode_frame
from store.models import FileInfo
from store.schema import book, book_log, ledger_versions, snapshot_ledgers

V = ledger_versions
VERSION_COLUMNS = (V.c.id, V.c.ledger, V.c.created_at, V.c.rows, V.c.files_json, V.c.first_date, V.c.last_date)


def digest(blob: bytes) -> str:
    return hashlib.sha256(blob).hexdigest()


def dates_of(ledger: str, blob: bytes) -> tuple[date | None, date | None]:
    from metrics.registry import STARRED_DATES

    return date_range(decode_frame(blob), STARRED_DATES.get(ledger))


def find_version(conn: Connection, community_id: int, ledger: str, data_digest: str) -> int | None:
    found = conn.execute(select(V.c.id).where(V.c.community_id == community_id, V.c.ledger == ledger,
                                              V.c.data_digest == data_digest).order_by(V.c.id).limit(1)).scalar()
    return None if found is None else int(found)


def add_version(conn: Connection, community_id: int, ledger: str, blob: bytes, rows: int,
                files: Sequence[FileInfo], report: dict[str, Any], created: str,
                dates: tuple[date | None, date | None] | None = None) -> int:
    """The version holding exactly these rows: the existing one when the same rows were kept before
    (a re-upload makes no new version), else a new one."""
    data_digest = digest(blob)
    found = find_version(conn, community_id, ledger, data_digest)
    if found is not None:
        return found
    first, last = dates if dates is not None else dates_of(ledger, blob)
    return int(conn.execute(insert(V).values(
        community_id=community_id, ledger=ledger, created_at=created, data_digest=data_digest, format=FORMAT,
        rows=rows, files_json=json.dumps([[f.name, f.sha256, f.size] for f in files], ensure_ascii=False),
        report_json=json.dumps(report, ensure_ascii=False, default=str),
        first_date=first.isoformat() if first else None, last_date=last.isoformat() if last else None,
        data=blob).returning(V.c.id)).scalar_one())


def set_current(conn: Connection, community_id: int, ledger: str, version_id: int, at: str, by: str | None,
                action: str) -> int | None:
    """Make ``version_id`` the book's current version of ``ledger`` and log it; the previous id."""
    row = conn.execute(select(book.c.version_id).where(book.c.community_id == community_id,
                                                       book.c.ledger == ledger)).scalar()
    previous = None if row is None else int(row)
    upsert(conn, book, {"community_id": community_id, "ledger": ledger, "version_id": version_id,
                        "accepted_at": at, "accepted_by": by},
           ["community_id", "ledger"], ["version_id", "accepted_at", "accepted_by"])
    conn.execute(insert(book_log).values(community_id=community_id, at=at, by=by, action=action, ledger=ledger,
                                         version_id=version_id, previous_id=previous))
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


def collect_garbage(conn: Connection, community_id: int) -> int:
    """Drop versions nothing refers to any more (a deleted snapshot's own rows): they hold PII."""
    mine = V.c.community_id == community_id
    return conn.execute(delete(V).where(
        mine,
        V.c.id.not_in(select(book.c.version_id).where(book.c.community_id == community_id)),
        V.c.id.not_in(select(snapshot_ledgers.c.version_id).where(snapshot_ledgers.c.community_id == community_id)),
        V.c.id.not_in(select(book_log.c.version_id).where(book_log.c.community_id == community_id)),
        V.c.id.not_in(select(book_log.c.previous_id).where(book_log.c.community_id == community_id,
                                                           book_log.c.previous_id.is_not(None))),
    )).rowcount
