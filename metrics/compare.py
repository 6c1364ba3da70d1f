"""What changed between two books (e.g. the last meeting's snapshot and the current ledgers): every
metric's value and status before and now, and the change in the one wording (▲ 3 次, ▼ 2.1 个百分点,
状态 需关注 → 未达标). Pure pandas, like the engine; surfaces only format what this returns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from metrics import wording
from metrics.engine import MetricResult, Results, TargetSetting, compute_all, default_period
from metrics.vocab import Status


@dataclass(frozen=True)
class MetricChange:
    """One metric in two books: its result before (None when the earlier book lacked it) and now."""

    before: MetricResult | None
    after: MetricResult

    @property
    def id(self) -> str:
        return self.after.id

    @property
    def value_before(self) -> float | None:
        return None if self.before is None else self.before.value

    @property
    def status_before(self) -> str | None:
        return None if self.before is None else self.before.status

    @property
    def value_changed(self) -> bool:
        return not _same(self.value_before, self.after.value)

    @property
    def status_changed(self) -> bool:
        return self.status_before is not None and self.status_before != self.after.status

    @property
    def changed(self) -> bool:
        return self.value_changed or self.status_changed

    @property
    def improved(self) -> bool | None:
        return wording.improved(self.after, self.value_before, self.after.value)

    def value_text(self, lang: str = "zh") -> str:
        """▲ 3 次 / ▼ 2.1 个百分点 / 持平 / — (the one wording's ``change``)."""
        return wording.change(self.after, self.value_before, self.after.value, lang)

    def status_text(self, lang: str = "zh") -> str:
        """「状态 需关注 → 未达标」 when the status moved, else ""."""
        if not self.status_changed or self.status_before is None:
            return ""
        from i18n import t

        return t("book.compare.status", lang, before=Status(self.status_before).word(lang),
                 after=Status(self.after.status).word(lang))

    def text(self, lang: str = "zh") -> str:
        """The change and, when it moved, the status: 「▲ 3 次；状态 需关注 → 未达标」."""
        parts = [self.value_text(lang), self.status_text(lang)]
        return ("；" if lang == "zh" else "; ").join(p for p in parts if p)


@dataclass(frozen=True)
class Comparison:
    """Every metric of the later book against the earlier one, in the catalogue's order."""

    before: Results
    after: Results
    changes: tuple[MetricChange, ...]

    def __getitem__(self, metric_id: str) -> MetricChange:
        for c in self.changes:
            if c.id == metric_id:
                return c
        raise KeyError(metric_id)

    @property
    def changed(self) -> list[MetricChange]:
        return [c for c in self.changes if c.changed]

    def values_before(self) -> dict[str, float | None]:
        return {c.id: c.value_before for c in self.changes}


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)), abs(float(b)))


def compare_results(before: Results, after: Results) -> Comparison:
    """Pair two computed results metric by metric."""
    earlier = {m.id: m for m in before.metrics}
    return Comparison(before, after, tuple(MetricChange(earlier.get(m.id), m) for m in after.metrics))


def compare_books(before: Mapping[str, pd.DataFrame], after: Mapping[str, pd.DataFrame], *,
                  year: int | None = None, as_of: dt.date | None = None,
                  targets: Mapping[str, TargetSetting] | None = None,
                  after_results: Results | None = None) -> Comparison:
    """Both books computed for the same year and targets. The later book is judged at ``as_of``;
    the earlier one at its own data's as-of date (its last day, no later than ``as_of``), so a
    month-old snapshot is not judged behind pace for days it could not yet hold.
    ``after_results``: the later book's results when the caller has them already."""
    goals = dict(targets) if targets is not None else None
    now = after_results or compute_all(dict(after), year=year, as_of=as_of, targets=goals)
    own = default_period(dict(before), now.year)[1]
    then = compute_all(dict(before), year=now.year, as_of=min(own, now.as_of), targets=goals)
    return compare_results(then, now)


def change_cells(comparison: Comparison | None, lang: str = "zh") -> dict[str, str]:
    """Metric id -> the change column's text ("" when nothing moved or there is nothing to compare)."""
    if comparison is None:
        return {}
    return {c.id: c.text(lang) if c.changed else "" for c in comparison.changes}

