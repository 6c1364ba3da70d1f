"""Metric results and action items built by hand for the tests of the surfaces (slides, the PDF's
HTML, charts): the real ``MetricResult``, ``Results`` and ``ActionItem``, with only the fields a
test cares about given."""

from __future__ import annotations

import datetime as dt
from typing import Any

from metrics.engine import MetricResult, Results
from metrics.vocab import Kind, Operator, Status, Theme
from store.meeting import CheckIn
from store.models import ActionItem

AS_OF = dt.date(2026, 11, 20)


def metric(id_: str, theme: str = "safety", kind: str = "ratio", status: str = "met", *, op: str = ">=",
           **fields: Any) -> MetricResult:
    """A result of metric ``id_``: a ratio at 93 % of a 90 % target unless ``fields`` say otherwise."""
    base: dict[str, Any] = {"name": f"指标{id_}", "name_en": f"Metric {id_}", "unit": "", "value": 0.93,
                            "target": 0.9, "source": "测试台账"}
    base.update(fields)
    return MetricResult(id=id_, theme=Theme(theme), kind=Kind(kind), status=Status(status), op=Operator(op), **base)


def results(*metrics: MetricResult, year: int = 2026, as_of: dt.date = AS_OF) -> Results:
    return Results(year, as_of, list(metrics))


def action_item(id_: int, metric_id: str, what: str, who: str, due: dt.date, meeting: dt.date, status: str = "open",
                overdue: bool = False) -> ActionItem:
    """An action item raised at the ``meeting`` of that date (created then, done at it when done)."""
    created = dt.datetime.combine(meeting, dt.time(10))
    return ActionItem(id_, metric_id, what, who, due, meeting, status, created,
                      created if status == "done" else None, overdue=overdue)


def check_in(meeting: dt.date, status: str, note: str = "", owner: str = "", metric_id: str = "B08") -> CheckIn:
    """A metric's note at the meeting of that date, with the status it had then."""
    return CheckIn(metric_id, meeting, note, owner, status, dt.datetime.combine(meeting, dt.time(10)))
