"""The meeting's own records in the store: editing 督办事项, check-ins per metric per meeting, and the
log of target changes. A mixin of ``store.db.Store`` (its connection, write lock and clock)."""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from store.models import StoreError

SCHEMA = """
CREATE TABLE IF NOT EXISTS check_ins (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    metric_id    TEXT NOT NULL,
    meeting_date TEXT NOT NULL,
    note         TEXT NOT NULL,
    owner        TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT '',   -- the metric's status at that meeting
    created_at   TEXT NOT NULL,
    UNIQUE (metric_id, meeting_date)
);
CREATE TABLE IF NOT EXISTS target_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    metric_id   TEXT NOT NULL,
    at          TEXT NOT NULL,
    old_value   REAL,
    new_value   REAL,
    old_enabled INTEGER,
    new_enabled INTEGER,
    reason      TEXT NOT NULL DEFAULT ''
)
"""


@dataclass(frozen=True)
class CheckIn:
    """A metric's note at one meeting (Power BI Goals style), with its optional owner (分管委员)."""

    metric_id: str
    meeting_date: date
    note: str
    owner: str
    status: str
    created_at: datetime


@dataclass(frozen=True)
class TargetChange:
    """One change of a metric's target: when, old → new (None: the plan's), on/off, and why."""

    metric_id: str
    at: datetime
    old_value: float | None
    new_value: float | None
    old_enabled: bool | None
    new_enabled: bool | None
    reason: str


def _day(value: date | str, field: str) -> date:
    try:
        return value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        raise StoreError("store.error.bad_date", field=field, value=value) from None


def log_change(conn: sqlite3.Connection, metric_id: str, old: tuple[float | None, bool | None],
               new: tuple[float | None, bool | None], reason: str, at: datetime) -> None:
    """Write a target change inside the caller's transaction; nothing when nothing changed."""
    if old == new:
        return
    conn.execute("INSERT INTO target_log (metric_id, at, old_value, new_value, old_enabled, new_enabled, reason)"
                 " VALUES (?, ?, ?, ?, ?, ?, ?)",
                 (metric_id, at.isoformat(), old[0], new[0], None if old[1] is None else int(old[1]),
                  None if new[1] is None else int(new[1]), (reason or "").strip()))


class MeetingRecords:
    """Methods the Store gains for the meeting (``_connect``, ``_write`` and ``_now`` are the Store's)."""

    def _connect(self) -> AbstractContextManager[sqlite3.Connection]:  # pragma: no cover - the Store's
        raise NotImplementedError

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:  # pragma: no cover - the Store's
        raise NotImplementedError

    @staticmethod
    def _clock() -> datetime:
        from store.db import _now

        return _now()

    # ----------------------------------------------------------------------------- action items

    def update_action_item(self, item_id: int, *, what: str, who: str, due: date | str) -> bool:
        """Change what, who and the due date of a 督办事项. False if there is no such item."""
        what = (what or "").strip()
        if not what:
            raise StoreError("store.error.bad_action")
        with self._write() as conn:
            return conn.execute("UPDATE action_items SET what = ?, who = ?, due = ? WHERE id = ?",
                                (what, (who or "").strip(), _day(due, "due").isoformat(), int(item_id))).rowcount > 0

    def mark_action_done(self, item_id: int, on: date | str) -> bool:
        """Close a 督办事项 as done on a given day (the day it was done, not the day it was typed in)."""
        day = _day(on, "done_at")
        done_at = datetime(day.year, day.month, day.day, tzinfo=self._clock().tzinfo)
        with self._write() as conn:
            return conn.execute("UPDATE action_items SET status = 'done', done_at = ? WHERE id = ?",
                                (done_at.isoformat(), int(item_id))).rowcount > 0

    # -------------------------------------------------------------------------------- check-ins

    def save_check_in(self, metric_id: str, meeting_date: date | str, note: str, owner: str = "",
                      status: str = "") -> CheckIn:
        """A metric's note at a meeting; a second one at the same meeting replaces the first."""
        note = (note or "").strip()
        if not metric_id or not note:
            raise StoreError("store.error.bad_check_in")
        day, now = _day(meeting_date, "meeting_date"), self._clock()
        with self._write() as conn:
            conn.execute("INSERT INTO check_ins (metric_id, meeting_date, note, owner, status, created_at)"
                         " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(metric_id, meeting_date) DO UPDATE SET"
                         " note = excluded.note, owner = excluded.owner, status = excluded.status,"
                         " created_at = excluded.created_at",
                         (metric_id, day.isoformat(), note, (owner or "").strip(), status, now.isoformat()))
        return CheckIn(metric_id, day, note, (owner or "").strip(), status, now)

    def check_ins(self, metric_id: str | None = None) -> list[CheckIn]:
        """Check-ins, newest meeting first."""
        sql = "SELECT metric_id, meeting_date, note, owner, status, created_at FROM check_ins"
        args: tuple[Any, ...] = ()
        if metric_id is not None:
            sql, args = sql + " WHERE metric_id = ?", (metric_id,)
        with self._connect() as conn:
            rows = conn.execute(sql + " ORDER BY meeting_date DESC, id DESC", args).fetchall()
        return [CheckIn(m, date.fromisoformat(d), n, o, s, datetime.fromisoformat(c)) for m, d, n, o, s, c in rows]

    # ------------------------------------------------------------------------------ target log

    def log_target_change(self, metric_id: str, old: tuple[float | None, bool | None],
                          new: tuple[float | None, bool | None], reason: str = "") -> None:
        """Write down a target change: (value, enabled) before and after, and why."""
        with self._write() as conn:
            log_change(conn, metric_id, old, new, reason, self._clock())

    def target_log(self) -> list[TargetChange]:
        """Every logged target change, oldest first."""
        with self._connect() as conn:
            rows = conn.execute("SELECT metric_id, at, old_value, new_value, old_enabled, new_enabled, reason"
                                " FROM target_log ORDER BY at, id").fetchall()
        return [TargetChange(m, datetime.fromisoformat(a), ov, nv, None if oe is None else bool(oe),
                             None if ne is None else bool(ne), r) for m, a, ov, nv, oe, ne, r in rows]
