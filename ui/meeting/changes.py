"""Change since the last meeting: each metric's value at the previous snapshot (the book's compare),
the problems table's rows (name, value, target, gap, change, open 督办事项) built from it, and how many
meetings in a row a metric has been behind. Pure apart from ``last_meeting_values``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from charts.figures import metric_name
from metrics import wording
from metrics.vocab import Status

if TYPE_CHECKING:
    from metrics.engine import MetricResult
    from store.meeting import CheckIn
    from ui.state import View


def last_meeting_values(view: View) -> dict[str, float | None]:
    """Each metric's value at the previous snapshot (the book's compare, metrics.compare, against the
    newest snapshot that differs from the data on screen — a meeting's own snapshot once it has one),
    by metric id; empty for the sample or when there is nothing earlier (then every change reads "—")."""
    from ui import book

    found = book.comparison(view)
    return {} if found is None else found[1].values_before()


def target_text(m: MetricResult, lang: str) -> str:
    """The target as every meeting surface shows it (an office-set one names the plan's value too)."""
    return wording.target_noted(m, lang)


@dataclass(frozen=True)
class ProblemRow:
    """One line of the problems table (slide 1 and the PDF's page 2)."""

    id: str
    name: str
    status: Status
    value: str
    target: str
    gap: str
    change: str
    improved: bool | None
    open_items: int
    streak: int = 0  # meetings in a row behind, this one included (flagged from STREAK on)


def problem_rows(problems: Iterable[Any], before: Mapping[str, float | None], open_items: Mapping[str, int],
                 lang: str, streaks: Mapping[str, int] | None = None) -> list[ProblemRow]:
    """The problems (already in severity order) as table rows; ``before`` holds each metric's value at
    the last meeting (missing: "—"), ``open_items`` its open 督办事项 count, ``streaks`` how many
    meetings in a row it has been behind."""
    return [ProblemRow(m.id, metric_name(m, lang), Status(m.status), wording.value(m, lang), target_text(m, lang),
                       wording.gap(m, lang), wording.change(m, before.get(m.id), m.value, lang),
                       wording.improved(m, before.get(m.id), m.value), int(open_items.get(m.id, 0)),
                       int((streaks or {}).get(m.id, 0)))
            for m in problems]


def improvements(metrics: Iterable[Any], before: Mapping[str, float | None], lang: str) -> list[ProblemRow]:
    """The metrics that moved towards their target since the last meeting, with the change."""
    moved = [m for m in metrics if wording.improved(m, before.get(m.id), m.value)]
    return problem_rows(moved, before, {}, lang)


STREAK = 3  # 「连续 3 次例会未达标」: this meeting and the two before it


def behind_streak(status: str, check_ins: Iterable[CheckIn], meeting: dt.date) -> int:
    """How many meetings in a row, this one included, the metric has been 未达标: this meeting's
    status, then the statuses its check-ins recorded at earlier meetings, newest first, until one
    was not behind."""
    if status != Status.BEHIND:
        return 0
    n = 1
    for c in sorted((c for c in check_ins if c.meeting_date < meeting), key=lambda c: c.meeting_date, reverse=True):
        if c.status != Status.BEHIND:
            break
        n += 1
    return n
