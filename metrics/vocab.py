"""The words of the domain, each defined once and carrying its rules: Status, Operator, Theme, Kind.

Every member is a ``StrEnum``, so it is also its plain string (``Status.MET == "met"``): JSON, the
store and older callers read the same values as before. Words come from the i18n catalogue
(``status.*``, ``theme.*``), which is imported late because ``i18n.metrics`` imports the registry.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

EPS = 1e-9
RISK_BAND = 0.05  # metrics.md: a ratio within 5 percentage points under its target is at risk
RISK_SHARE = 0.8  # metrics.md: a count or total at or above 80 % of what is due is at risk


def _t(key: str, lang: str) -> str:
    from i18n import t  # late: i18n.metrics imports the registry, which imports this module

    return t(key, lang)


# ---------------------------------------------------------------- status


@dataclass(frozen=True)
class StatusStyle:
    color: str  # fill for bars, badges, markers (Okabe–Ito, safe for colour-vision deficiencies)
    text_color: str  # darker variant for text on white (contrast >= 4.5:1)
    icon: str  # a glyph WenQuanYi Micro Hei carries: a status is never told by colour alone
    projector_text: str  # darker still for slides: passes AAA (>= 7:1) on white at the back of the room


class Status(StrEnum):
    """The five statuses of metrics.md, in display order (best first, no data last)."""

    MET = "met"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BEHIND = "behind"
    NO_DATA = "no_data"

    @property
    def style(self) -> StatusStyle:
        return _STATUS_STYLES[self]

    @property
    def icon(self) -> str:
        return self.style.icon

    @property
    def color(self) -> str:
        return self.style.color

    @property
    def text_color(self) -> str:
        return self.style.text_color

    def word(self, lang: str = "zh") -> str:
        return _t(f"status.{self.value}", lang)

    def label(self, lang: str = "zh") -> str:
        """Icon and word, e.g. "✔ 达标"."""
        return f"{self.icon} {self.word(lang)}"


_STATUS_STYLES: dict[Status, StatusStyle] = {
    Status.MET: StatusStyle("#009E73", "#00684C", "✔", "#00513B"),
    Status.ON_TRACK: StatusStyle("#0072B2", "#005A8C", "→", "#004A73"),
    Status.AT_RISK: StatusStyle("#E69F00", "#8A5A00", "▲", "#6B4500"),
    Status.BEHIND: StatusStyle("#D55E00", "#A33F00", "✖", "#8A3300"),
    Status.NO_DATA: StatusStyle("#999999", "#595959", "○", "#484848"),
}


def count_statuses(results: Iterable[Any]) -> dict[Status, int]:
    """How many results stand in each status, every status present (in display order)."""
    counts = dict.fromkeys(Status, 0)
    for r in results:
        counts[Status(r.status)] += 1
    return counts


# ---------------------------------------------------------------- operator


class Operator(StrEnum):
    """How a value is held against its target. ``=`` is the plan's "every one" (100 %, all items, no
    events): a value cannot pass it, so for shares and counts it is met at or above the target."""

    GE = ">="
    EQ = "="
    LE = "<="

    @classmethod
    def _missing_(cls, value: object) -> Operator | None:
        return {"==": cls.EQ, "≥": cls.GE, "≤": cls.LE}.get(str(value))

    @property
    def symbol(self) -> str:
        return {Operator.GE: "≥", Operator.EQ: "=", Operator.LE: "≤"}[self]

    def met(self, value: float, target: float) -> bool:
        """True when ``value`` satisfies the target (boundaries inclusive)."""
        if self is Operator.LE:
            return value <= target + EPS
        return value >= target - EPS


# ---------------------------------------------------------------- theme


class Theme(StrEnum):
    """The five themes of the plan, in the order the pages, slides and PDF show them."""

    SAFETY = "safety"
    CULTURE = "culture"
    ENVIRONMENT = "environment"
    SERVICE = "service"
    PARTY = "party"

    def word(self, lang: str = "zh") -> str:
        return _t(f"theme.{self.value}", lang)

    @property
    def icon(self) -> str:
        """A Material icon from Streamlit's own font (emoji would be tofu without an emoji font)."""
        return _THEME_ICONS[self]


_THEME_ICONS: dict[Theme, str] = {
    Theme.SAFETY: ":material/local_fire_department:", Theme.CULTURE: ":material/theater_comedy:",
    Theme.ENVIRONMENT: ":material/park:", Theme.SERVICE: ":material/volunteer_activism:",
    Theme.PARTY: ":material/flag:",
}


# ---------------------------------------------------------------- kind


@dataclass(frozen=True)
class Judged:
    """What a status rule needs to know about one metric at D."""

    value: float
    target: float
    op: Operator
    expected: float | None = None  # pace due by D (paced counts)
    paced: bool = False
    present: int | None = None  # checklist items present
    size: int = 0  # checklist items required


def needed(target: float, size: int | float) -> int:
    """Items a checklist needs to meet ``target`` (a fraction of ``size``), at most all of them."""
    return min(int(size), math.ceil(target * size - 1e-9))


def _zero_status(j: Judged) -> Status:
    return Status.MET if Operator.LE.met(j.value, j.target) else Status.BEHIND


def _ratio_status(j: Judged) -> Status:
    if j.op.met(j.value, j.target):
        return Status.MET
    return Status.AT_RISK if j.value >= j.target - RISK_BAND - EPS else Status.BEHIND


def _checklist_status(j: Judged) -> Status:
    if j.op.met(j.value, j.target):
        return Status.MET
    size = j.size or 1
    present = j.present if j.present is not None else int(round(j.value * size))
    short = needed(j.target, size) - present
    return Status.AT_RISK if size >= 2 and short == 1 else Status.BEHIND


def _amount_status(j: Judged) -> Status:
    if j.op.met(j.value, j.target):
        return Status.MET
    if j.paced and j.expected is not None:
        if j.value >= j.expected - EPS:
            return Status.ON_TRACK
        return Status.AT_RISK if j.value >= RISK_SHARE * j.expected - EPS else Status.BEHIND
    return Status.AT_RISK if j.value >= RISK_SHARE * j.target - EPS else Status.BEHIND


@dataclass(frozen=True)
class KindRules:
    fraction: bool  # the value is a share 0–1 (worded as % or items)
    status: Callable[[Judged], Status]
    chart: str  # the name of the figure builder in charts.figures.BUILDERS
    # what answers "which ones?" when it falls short: "items" missing, evidence "rows" not counted in
    # the numerator, the "events" themselves (drawn on its timeline), or nothing (the number says it)
    shortfall: str | None = None
    year_on_year: bool = True  # a month-by-month line beside last year's says something

    @property
    def timeline(self) -> bool:
        return self.shortfall == "events"


class Kind(StrEnum):
    """What sort of number a metric is; each kind owns its status rule and its chart."""

    COUNT = "count"
    RATIO = "ratio"
    ZERO = "zero"
    CHECKLIST = "checklist"
    SUM = "sum"

    @property
    def rules(self) -> KindRules:
        return _KIND_RULES[self]

    @property
    def fraction(self) -> bool:
        return self.rules.fraction

    @property
    def chart(self) -> str:
        return self.rules.chart

    def default_op(self, target: float) -> Operator:
        """The plan's "no …" and "100 %" / "all of" are ``=``; everything else is "at least"."""
        if self is Kind.ZERO or (self.fraction and target == 1.0):
            return Operator.EQ
        return Operator.GE

    def status(self, judged: Judged) -> Status:
        if judged.op is Operator.LE:  # "at most" has no at-risk band, whatever the kind
            return _zero_status(judged)
        return self.rules.status(judged)

    def tolerance(self) -> float:
        """How far a reported value may stray from the ledger's before a warning."""
        return 5e-4 if self.fraction else 1e-6


_KIND_RULES: dict[Kind, KindRules] = {
    Kind.COUNT: KindRules(fraction=False, status=_amount_status, chart="amount"),
    Kind.SUM: KindRules(fraction=False, status=_amount_status, chart="amount"),
    Kind.RATIO: KindRules(fraction=True, status=_ratio_status, chart="ratio", shortfall="rows"),
    Kind.ZERO: KindRules(fraction=False, status=_zero_status, chart="zero", shortfall="events", year_on_year=False),
    Kind.CHECKLIST: KindRules(fraction=True, status=_checklist_status, chart="checklist", shortfall="items",
                              year_on_year=False),
}
