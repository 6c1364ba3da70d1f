"""Change since the last meeting: each metric's value at the previous meeting snapshot, and the
problems table's rows (name, value, target, gap, change, open 督办事项) built from it. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from charts.figures import metric_name
from metrics import wording
from metrics.vocab import Status

if TYPE_CHECKING:
    from metrics.engine import MetricResult
    from ui.state import View


def last_meeting_values(view: View) -> dict[str, float | None]:
    """Each metric's value at the last snapshot that differs from the data on screen (the previous
    meeting's freeze), by metric id (ui.book.comparison → metrics.compare); {} when there is none."""
    from ui.book import comparison

    found = comparison(view)
    return {} if found is None else found[1].values_before()


def target_text(m: MetricResult, lang: str) -> str:
    """The target as every meeting surface shows it; an office-set one names the plan's value too:
    ``≥ 80%（居委会调整；计划 90%）``."""
    from i18n import t

    text = wording.target(m, lang)
    if m.target_source != "office":
        return text
    plan = wording.target(m, lang, goal=m.plan_target)
    return t("meeting.target.office", lang, target=text, plan=plan)


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


def problem_rows(problems: Iterable[Any], before: Mapping[str, float | None], open_items: Mapping[str, int],
                 lang: str) -> list[ProblemRow]:
    """The problems (already in severity order) as table rows; ``before`` holds each metric's value at
    the last meeting (missing: "—"), ``open_items`` its open 督办事项 count."""
    return [ProblemRow(m.id, metric_name(m, lang), Status(m.status), wording.value(m, lang), target_text(m, lang),
                       wording.gap(m, lang), wording.change(m, before.get(m.id), m.value, lang),
                       wording.improved(m, before.get(m.id), m.value), int(open_items.get(m.id, 0)))
            for m in problems]


def improvements(metrics: Iterable[Any], before: Mapping[str, float | None], lang: str) -> list[ProblemRow]:
    """The metrics that moved towards their target since the last meeting, with the change."""
    moved = [m for m in metrics if wording.improved(m, before.get(m.id), m.value)]
    return problem_rows(moved, before, {}, lang)
