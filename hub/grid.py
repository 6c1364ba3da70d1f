"""The street grid: communities × metrics as statuses, from stored results only (never from ledgers).

A row is one community with one cell per catalogue metric; rows are sorted by what needs attention:
a community that has reported nothing first, then the most 未达标, then 需关注, then 无数据, then by name.
Everything here is pure: the page, the street PDF and the bench call the same functions.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from metrics import wording
from metrics.registry import BY_ID, METRICS, MetricSpec
from metrics.vocab import Kind, Operator, Status, Theme, count_statuses

# The statuses a street counts as problems, worst first: the order of the grid's sort.
PROBLEMS: tuple[Status, ...] = (Status.BEHIND, Status.AT_RISK, Status.NO_DATA)


@dataclass(frozen=True)
class ResultRow:
    """One stored metric result of one community (a row of the ``results`` table).

    It reads as a ``metrics.wording.Measure`` (kind, unit and op come from the catalogue), so the
    grid, the charts and the PDF word its value and target with the one wording.
    """

    community_id: int
    metric_id: str
    value: float | None
    status: Status
    target: float | None
    as_of: dt.date | None = None

    @property
    def spec(self) -> MetricSpec:
        return BY_ID[self.metric_id]

    @property
    def id(self) -> str:
        return self.metric_id

    @property
    def kind(self) -> Kind:
        return self.spec.kind

    @property
    def unit(self) -> str:
        return self.spec.unit

    @property
    def op(self) -> Operator:
        return self.spec.op

    @property
    def name(self) -> str:
        return self.spec.name_zh

    @property
    def name_en(self) -> str:
        return self.spec.name_en

    @property
    def theme(self) -> Theme:
        return self.spec.theme

    @property
    def denominator(self) -> float | None:
        """A checklist's item count, so its value words as 3/5 like everywhere else."""
        return float(self.spec.checklist_size) if self.spec.checklist_size else None

    @property
    def numerator(self) -> float | None:
        size = self.denominator
        if size is None or self.value is None or math.isnan(self.value):
            return None
        return float(round(self.value * size))


class CommunityLike(Protocol):
    """What the grid reads of a community (``store.communities.Community`` and CommunityInfo are one)."""

    @property
    def id(self) -> int: ...

    @property
    def name(self) -> str: ...

    @property
    def households(self) -> int | None: ...


@dataclass(frozen=True)
class CommunityInfo:
    """What the grid shows of a community beside its cells (store.communities.Community has these)."""

    id: int
    name: str
    households: int | None = None


@dataclass(frozen=True)
class GridCell:
    metric_id: str
    status: Status | None  # None: the metric is switched off in that community (shown as —)
    result: ResultRow | None = None

    def value_text(self, lang: str = "zh") -> str:
        return wording.value(self.result, lang) if self.result is not None else wording.NONE

    def target_text(self, lang: str = "zh") -> str:
        return wording.target(self.result, lang) if self.result is not None else wording.NONE

    def title(self, lang: str = "zh") -> str:
        """The cell's tooltip: id, value, target and status word."""
        if self.status is None or self.result is None:
            return f"{self.metric_id} {wording.NONE}"
        return (f"{self.metric_id} {self.result.name if lang == 'zh' else self.result.name_en}："
                f"{self.value_text(lang)}（{self.target_text(lang)}）{self.status.label(lang)}")


@dataclass(frozen=True)
class GridRow:
    community: CommunityLike
    cells: tuple[GridCell, ...]
    as_of: dt.date | None
    counts: dict[Status, int] = field(default_factory=dict)

    @property
    def reported(self) -> bool:
        """Whether the community has any stored result at all (an upload or an imported package)."""
        return any(c.result is not None for c in self.cells)

    @property
    def problems(self) -> int:
        """未达标 and 需关注 together: the number the street follows up."""
        return self.counts.get(Status.BEHIND, 0) + self.counts.get(Status.AT_RISK, 0)

    def attention(self) -> tuple[int, int, int, int, str]:
        """The sort key: not reported first, then more 未达标, 需关注, 无数据; ties by name."""
        behind, at_risk, no_data = (-self.counts.get(s, 0) for s in PROBLEMS)
        return (0 if not self.reported else 1, behind, at_risk, no_data, self.community.name)


def metric_ids() -> tuple[str, ...]:
    """The grid's columns: every catalogue metric, theme by theme (the pages' order), catalogue order within."""
    return tuple(m.id for theme in Theme for m in METRICS if m.theme is theme)


def grid(communities: Iterable[CommunityLike], results: Iterable[ResultRow],
         columns: Sequence[str] | None = None) -> list[GridRow]:
    """One row per community (every community, reported or not), sorted by what needs attention."""
    by_community: dict[int, dict[str, ResultRow]] = {}
    for r in results:
        by_community.setdefault(r.community_id, {})[r.metric_id] = r
    columns = tuple(columns) if columns is not None else metric_ids()
    rows = []
    for c in communities:
        own = by_community.get(c.id, {})
        cells = tuple(_cell(m, own) for m in columns)
        counts = count_statuses(r for r in own.values() if r.metric_id in columns)
        if not own:  # nothing reported: every metric is without data
            counts[Status.NO_DATA] = len(columns)
        dates = [r.as_of for r in own.values() if r.as_of is not None]
        rows.append(GridRow(c, cells, max(dates) if dates else None, counts))
    return sorted(rows, key=GridRow.attention)


def _cell(metric_id: str, own: Mapping[str, ResultRow]) -> GridCell:
    r = own.get(metric_id)
    if r is None:
        return GridCell(metric_id, Status.NO_DATA if not own else None)
    return GridCell(metric_id, Status(r.status), r)


def street_counts(rows: Iterable[GridRow]) -> dict[Status, int]:
    """How many cells of the whole street stand in each status."""
    total = dict.fromkeys(Status, 0)
    for row in rows:
        for status, n in row.counts.items():
            total[status] += n
    return total


def column(rows: Iterable[GridRow], metric_id: str) -> list[tuple[CommunityLike, GridCell]]:
    """One metric across the street: (community, cell) of every row, in the rows' order."""
    out = []
    for row in rows:
        cell = next((c for c in row.cells if c.metric_id == metric_id), None)
        if cell is not None:
            out.append((row.community, cell))
    return out
