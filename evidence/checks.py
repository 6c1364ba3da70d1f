"""The checks an assessor makes on material, and the completeness view: per plan item, which of the four
forms are present, missing or outside the window, gaps first. Watermarks are not detected (out of scope).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from evidence.intake import FileKind
from evidence.items import PLAN_ITEMS, Form, PlanItem
from i18n import t

MIN_SHORT_SIDE = 1000  # px: an assessor's "clear enough" for a printed photo
MIN_BYTES_PER_PIXEL = 0.08  # a phone's JPEG is 0.2–0.6; chat apps' re-compression lands near 0.05


def months_before(day: dt.date, months: int) -> dt.date:
    """``day`` moved back ``months`` calendar months (the 31st becomes the month's last day)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


@dataclass(frozen=True)
class Window:
    """The assessment window: material dated from ``start`` to ``end``, both inclusive."""

    start: dt.date
    end: dt.date

    @classmethod
    def before(cls, assessment: dt.date, *, months: int = 12, gap_months: int = 1) -> Window:
        """The default: the 12 months ending one month before the assessment date."""
        end = months_before(assessment, gap_months)
        return cls(months_before(end, months) + dt.timedelta(days=1), end)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end


@dataclass(frozen=True)
class Finding:
    key: str
    fields: dict[str, Any]

    def text(self, lang: str = "zh") -> str:
        return t(self.key, lang, **self.fields)


def photo_findings(f: Any, window: Window) -> list[Finding]:
    """What an assessor would send back about one stored file (an ``EvidenceFile``)."""
    if f.kind is FileKind.ATTACHMENT:
        return [Finding("binder.check.attachment", {})]
    if f.kind is not FileKind.PHOTO:
        return []
    found = []
    if f.taken is None:
        found.append(Finding("binder.check.no_date", {}))
    elif f.taken not in window:
        found.append(Finding("binder.check.outside", {"date": f.taken.isoformat(), "start": window.start.isoformat(),
                                                      "end": window.end.isoformat()}))
    short = min(f.width, f.height)
    if short < MIN_SHORT_SIDE:
        found.append(Finding("binder.check.small", {"short": short, "need": MIN_SHORT_SIDE}))
    bpp = f.size / max(1, f.width * f.height)
    if f.suffix == ".jpg" and bpp < MIN_BYTES_PER_PIXEL:
        found.append(Finding("binder.check.mush", {"bpp": f"{bpp:.3f}", "need": MIN_BYTES_PER_PIXEL}))
    return found


class State(IntEnum):
    """A form's state for one item; the lower, the more it needs doing (gaps sort first)."""

    MISSING = 0
    OUTSIDE = 1  # only material outside the window
    FLAGGED = 2  # material that an assessor would send back (too small, mushy, undated)
    DRAFT = 3  # the note exists only as the automatic draft
    PRESENT = 4

    @property
    def gap(self) -> bool:
        return self is not State.PRESENT

    def word(self, lang: str = "zh") -> str:
        return t(f"binder.state.{self.name.lower()}", lang)


@dataclass(frozen=True)
class ItemCompleteness:
    item: PlanItem
    states: dict[Form, State]

    @property
    def gaps(self) -> int:
        return sum(s.gap for s in self.states.values())

    @property
    def sort_key(self) -> tuple[int, int, int]:
        return (-self.gaps, min(self.states.values()), PLAN_ITEMS.index(self.item))


def _uploaded_state(files: list[Any], window: Window) -> State:
    if not files:
        return State.MISSING
    dated = [f for f in files if f.kind is not FileKind.PHOTO or f.taken is None or f.taken in window]
    if not dated:
        return State.OUTSIDE
    if all(photo_findings(f, window) for f in dated):
        return State.FLAGGED
    return State.PRESENT


def completeness(files: list[Any], notes: dict[str, Any], results: Any, window: Window) -> list[ItemCompleteness]:
    """Every plan item with the state of its four forms, items with the most gaps first."""
    rows = []
    for item in PLAN_ITEMS:
        mine = [f for f in files if f.item == item.id]
        has_data = results is not None and any(
            (r := results.get(mid)) is not None and r.value is not None for mid in item.metric_ids)
        states = {
            Form.RULES: _uploaded_state([f for f in mine if f.form is Form.RULES], window),
            Form.NOTE: State.PRESENT if item.id in notes else State.DRAFT,
            Form.PHOTO: _uploaded_state([f for f in mine if f.form is Form.PHOTO], window),
            Form.TABLE: State.PRESENT if has_data else State.MISSING,
        }
        rows.append(ItemCompleteness(item, states))
    return sorted(rows, key=lambda row: row.sort_key)
