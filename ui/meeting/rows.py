""""Which ones?": the ledger rows (or checklist items) that explain why a metric falls short, newest
first, in the columns the metric names (``MetricSpec.shortfall_columns``), numbers with their units and
thousands separators, shown a page of ``SHORTFALL_ROWS`` at a time."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from i18n import t
from metrics import wording
from metrics.vocab import Kind

if TYPE_CHECKING:
    from metrics.engine import MetricResult
    from metrics.registry import MetricSpec

SHORTFALL_ROWS = 8  # evidence rows on one page of a metric slide: what a projector shows at >= 24 px
SHORTFALL_COLUMNS = 6  # ledger columns when the metric names none (the Excel row number comes on top)


@dataclass(frozen=True)
class Shortfall:
    """The rows that explain why a metric falls short, as display strings (all of them; a slide shows
    one page)."""

    title: str
    table: pd.DataFrame

    @property
    def total(self) -> int:
        return len(self.table)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / SHORTFALL_ROWS))

    def page(self, k: int) -> tuple[pd.DataFrame, str]:
        """Page ``k`` (1-based, clamped) and its caption 「第 1–8 条 / 共 24 条」."""
        k = min(max(k, 1), self.pages)
        first = (k - 1) * SHORTFALL_ROWS
        rows = self.table.iloc[first:first + SHORTFALL_ROWS]
        caption = t("meeting.shortfall.page", self.lang, first=first + 1, last=first + len(rows), n=self.total)
        return rows.reset_index(drop=True), caption

    lang: str = "zh"


def shortfall(result: MetricResult, rows: pd.DataFrame | None, lang: str) -> Shortfall | None:
    """What answers "which ones?": for a ratio the rows not counted in its numerator (``计入分子``
    False; all its rows when it has no such column), for a zero metric its events, for a checklist the
    missing items; for counts and sums the number itself is the answer (None). ``rows`` is
    ``metrics.engine.evidence`` (PII already masked)."""
    how = Kind(result.kind).rules.shortfall
    if how == "items":
        missing = list(result.missing or [name for name, ok in (result.items or []) if not ok])
        if not missing:
            return None
        table = pd.DataFrame({t("meeting.shortfall.item", lang): [str(x) for x in missing]})
        return Shortfall(t("meeting.shortfall.missing", lang, n=len(missing)), table, lang)
    if how is None or rows is None or not len(rows):
        return None
    if how == "rows" and "计入分子" in rows.columns:
        rows = rows[~rows["计入分子"].fillna(False).astype(bool)]
        key = "meeting.shortfall.not_counted"
    else:
        key = f"meeting.shortfall.{how}"
    if not len(rows):
        return None
    return Shortfall(t(key, lang, n=len(rows)), slide_table(result, rows, lang), lang)


def _spec(metric_id: str) -> MetricSpec | None:
    from metrics.registry import BY_ID

    return BY_ID.get(metric_id)


def _units(spec: MetricSpec | None) -> dict[str, str]:
    from ledgers.registry import LEDGERS

    units: dict[str, str] = {}
    for key in spec.ledgers if spec is not None else ():
        ledger = LEDGERS.get(key)
        units.update({c.name: c.unit for c in (ledger.columns if ledger else ()) if c.unit})
    return units


def newest_first(rows: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Rows by their first date column (of ``columns``, else of the frame), newest first, undated last;
    the Excel order is kept among equal dates."""
    dated = [c for c in columns + list(rows.columns)
             if c in rows.columns and pd.api.types.is_datetime64_any_dtype(rows[c])]
    if not dated:
        return rows
    return rows.sort_values(dated[0], ascending=False, na_position="last", kind="stable")


def slide_table(result: MetricResult, rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The Excel row first, then the metric's own columns (or the ledger's first columns that hold
    anything); dates as dates, yes/no in words, numbers with separators and their unit."""
    from ui import data

    spec = _spec(result.id)
    wanted = [c for c in (spec.shortfall_columns if spec is not None else ()) if c in rows.columns]
    rows = newest_first(rows.drop(columns=["计入分子"], errors="ignore"), wanted)
    frame = data.evidence_for_display(rows, lang)
    row_col, file_col, sheet_col = (t(f"ui.report.{c}", lang) for c in ("row", "file", "sheet"))
    own = wanted or [c for c in frame.columns if c not in (row_col, file_col, sheet_col)
                     and not frame[c].map(_blank).all()][:SHORTFALL_COLUMNS]
    cols = ([row_col] if row_col in frame.columns else []) + own
    units = _units(spec)
    yes, no = t("meeting.shortfall.yes", lang), t("meeting.shortfall.no", lang)

    def text(v: Any, unit: str | None) -> str:
        if _blank(v):
            return ""
        if pd.api.types.is_bool(v):
            return yes if v else no
        if isinstance(v, numbers.Real):
            if unit is None:  # the Excel row number: a name, not a quantity
                return f"{float(v):.0f}" if float(v).is_integer() else str(v)
            return f"{wording.num(float(v))} {wording.unit_label(unit, lang, float(v))}".strip()
        return str(v)

    out = pd.DataFrame({c: [text(v, None if c == row_col else units.get(c, "")) for v in frame[c]] for c in cols})
    return out.reset_index(drop=True)


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or (not isinstance(v, str) and bool(pd.isna(v)))
