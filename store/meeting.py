"""The meeting's own records in the store: editing 督办事项, check-ins per metric per meeting, and the
log of target changes. A mixin of ``store.db.Store`` (its connection, write lock and clock)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from store.engine import upsert
from store.models import StoreError
from store.schema import action_items, check_ins, target_log


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


def log_change(conn: Connection, community_id: int, metric_id: str, old: tuple[float | None, bool | None],
               new: tuple[float | None, bool | None], reason: str, at: datetime) -> None:
    """Write a target change inside the caller's transaction; nothing when nothing changed."""
    if old == new:
        return
    conn.execute(insert(target_log).values(
        community_id=community_id, metric_id=metric_id, at=at.isoformat(), old_value=old[0], new_value=new[0],
        old_enabled=None if old[1] is None else int(old[1]), new_enabled=None if new[1] is None else int(new[1]),
        reason=(reason or "").strip()))


class MeetingRecords:
    """Methods the Store gains for the meeting (``_read``, ``_write``, ``community_id`` are the Store's)."""

    community_id: int

    def _read(self) -> AbstractContextManager[Connection]:  # pragma: no cover - the Store's
        raise NotImplementedError

    def _write(self) -> AbstractContextManager[Connection]:  # pragma: no cover - the Store's
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
            return conn.execute(update(action_items).where(*self._item(item_id)).values(
                what=what, who=(who or "").strip(), due=_day(due, "due").isoformat())).rowcount > 0

    def _item(self, item_id: int) -> tuple[Any, ...]:
        return action_items.c.id == int(item_id), action_items.c.community_id == self.community_id

    def mark_action_done(self, item_id: int, on: date | str) -> bool:
        """Close a 督办事项 as done on a given day (the day it was done, not the day it was typed in)."""
        day = _day(on, "done_at")
        done_at = datetime(day.year, day.month, day.day, tzinfo=self._clock().tzinfo)
        with self._write() as conn:
            return conn.execute(update(action_items).where(*self._item(item_id)).values(
                status="done", done_at=done_at.isoformat())).rowcount > 0

    # -------------------------------------------------------------------------------- check-ins

    def save_check_in(self, metric_id: str, meeting_date: date | str, note: str, owner: str = "",
                      status: str = "") -> CheckIn:
        """A metric's note at a meeting; a second one at the same meeting replaces the first."""
        note = (note or "").strip()
        if not metric_id or not note:
            raise StoreError("store.error.bad_check_in")
        day, now = _day(meeting_date, "meeting_date"), self._clock()
        with self._write() as conn:
            upsert(conn, check_ins, {"community_id": self.community_id, "metric_id": metric_id,
                                     "meeting_date": day.isoformat(), "note": note, "owner": (owner or "").strip(),
                                     "status": status, "created_at": now.isoformat()},
                   ["community_id", "metric_id", "meeting_date"], ["note", "owner", "status", "created_at"])
        return CheckIn(metric_id, day, note, (owner or "").strip(), status, now)

    def check_ins(self, metric_id: str | None = None) -> list[CheckIn]:
        """Check-ins, newest meeting first."""
        c = check_ins.c
        query = select(c.metric_id, c.meeting_date, c.note, c.owner, c.status, c.created_at).where(
            c.community_id == self.community_id)
        if metric_id is not None:
            query = query.where(c.metric_id == metric_id)
        with self._read() as conn:
            rows = conn.execute(query.order_by(c.meeting_date.desc(), c.id.desc())).all()
        return [CheckIn(m, date.fromisoformat(d), n, o, s, datetime.fromisoformat(c)) for m, d, n, o, s, c in rows]

    # ------------------------------------------------------------------------------ target log

    def log_target_change(self, metric_id: str, old: tuple[float | None, bool | None],
                          new: tuple[float | None, bool | None], reason: str = "") -> None:
        """Write down a target change: (value, enabled) before and after, and why."""
        with self._write() as conn:
            log_change(conn, self.community_id, metric_id, old, new, reason, self._clock())

    def target_log(self) -> list[TargetChange]:
        """Every logged target change, oldest first."""
        c = target_log.c
        with self._read() as conn:
            rows = conn.execute(select(c.metric_id, c.at, c.old_value, c.new_value, c.old_enabled, c.new_enabled,
                                       c.reason).where(c.community_id == self.community_id).order_by(c.at, c.id)).all()
        return [TargetChange(m, datetime.fromisoformat(a), ov, nv, None if oe is None else bool(oe),
                             None if ne is None else bool(ne), r) for m, a, ov, nv, oe, ne, r in rows]
