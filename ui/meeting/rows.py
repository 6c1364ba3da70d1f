""""Which ones?": the ledger rows (or checklist items) that explain why a metric falls short."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from i18n import t
from metrics.vocab import Kind

SHORTFALL_ROWS = 8  # evidence rows on a metric slide: what a projector shows at >= 24 px
SHORTFALL_COLUMNS = 6  # ledger columns of those rows (the Excel row number comes on top)


@dataclass(frozen=True)
class Shortfall:
    """The rows that explain why a metric falls short, as a metric slide shows them."""

    title: str
    table: pd.DataFrame  # display strings, at most SHORTFALL_ROWS rows
    more: int  # rows not shown


def shortfall(result: Any, rows: pd.DataFrame | None, lang: str) -> Shortfall | None:
    """What answers "which ones?": for a ratio the rows not counted in its numerator (``计入分子``
    False; all its rows when it has no such column), for a zero metric its events, for a checklist the
    missing items; for counts and sums the number itself is the answer (None). ``rows`` is
    ``metrics.engine.evidence`` (PII already masked)."""
    from ui import data

    how = Kind(result.kind).rules.shortfall
    if how == "items":
        missing = list(result.missing or [name for name, ok in (result.items or []) if not ok])
        if not missing:
            return None
        col = t("meeting.shortfall.item", lang)
        table = pd.DataFrame({col: [str(x) for x in missing]})
        return Shortfall(t("meeting.shortfall.missing", lang, n=len(missing)), table.head(SHORTFALL_ROWS),
                         max(0, len(missing) - SHORTFALL_ROWS))
    if how is None or rows is None or not len(rows):
        return None
    if how == "rows" and "计入分子" in rows.columns:
        rows = rows[~rows["计入分子"].fillna(False).astype(bool)]
        key = "meeting.shortfall.not_counted"
    else:
        key = f"meeting.shortfall.{how}"
    if not len(rows):
        return None
    total = len(rows)
    shown = data.evidence_for_display(rows.drop(columns=["计入分子"], errors="ignore").head(SHORTFALL_ROWS), lang)
    return Shortfall(t(key, lang, n=total), _slide_columns(shown, lang), total - len(shown))


def _slide_columns(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The Excel row first, then the ledger's first columns that hold anything; yes/no in words."""
    row_col, file_col, sheet_col = (t(f"ui.report.{c}", lang) for c in ("row", "file", "sheet"))
    own = [c for c in frame.columns if c not in (row_col, file_col, sheet_col)
           and not frame[c].map(_blank).all()]
    cols = ([row_col] if row_col in frame.columns else []) + own[:SHORTFALL_COLUMNS]
    yes, no = t("meeting.shortfall.yes", lang), t("meeting.shortfall.no", lang)

    def text(v: Any) -> str:
        if _blank(v):
            return ""
        if pd.api.types.is_bool(v):
            return yes if v else no
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v)

    return frame[cols].map(text).reset_index(drop=True)


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or (not isinstance(v, str) and bool(pd.isna(v)))
