"""The overview's rows: one metric each, as display strings from the one wording (pure, no streamlit)."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from i18n import t
from metrics import wording
from metrics.vocab import Kind, Status, Theme
from ui.escape import md


@dataclass(frozen=True)
class OverviewRow:
    id: str
    theme: Theme
    value: str
    target: str
    gap: str  # "" when met or without data
    status: Status
    target_source: str
    name: str = ""

    def value_html(self) -> str:
        return f"<span class='value'>{html.escape(self.value)}</span>"

    def gap_html(self) -> str:
        return f"<br><span class='muted'>{html.escape(self.gap)}</span>" if self.gap else ""


def rows(metrics: Iterable[Any], lang: str) -> list[OverviewRow]:
    """Every metric given, in the order given, worded as the slides, the PDF and the CLI word it."""
    return [OverviewRow(m.id, Theme(m.theme), wording.value(m, lang), wording.target_noted(m, lang),
                        wording.gap(m, lang), Status(m.status), m.target_source,
                        _name(m, lang)) for m in metrics]


def discuss_line(row: OverviewRow, lang: str) -> str:
    """One line of the 需要讨论 block: B08 调解成功率 · 85.0% · 目标 ≥ 90% · 差 5.0 个百分点 (markdown-safe)."""
    parts = [f"**{md(row.id)} {md(row.name)}**", md(row.value), f"{md(t('ui.overview.col.target', lang))} {md(row.target)}"]
    if row.gap:
        parts.append(md(row.gap))
    return " · ".join(parts)


def _name(m: Any, lang: str) -> str:
    english = getattr(m, "name_en", None)
    return str(english if lang == "en" and english else m.name)


def stale_since(m: Any, stale: set[str], newest: Mapping[str, dt.date]) -> dt.date | None:
    """The newest row's date of the stale ledger behind ``m`` (the oldest, when several are), or None.

    A ledger of events (fires, cases) that stays silent is the good news a zero metric counts, not a
    sign it was not kept: those metrics (B02, B06 …) are never flagged for it (#13 item 9)."""
    from metrics.registry import BY_ID, LEDGER_NAMES

    spec = BY_ID.get(m.id)
    if spec is None or m.source == LEDGER_NAMES["indicators"]:
        return None  # a directly reported value has its own date
    if Kind(m.kind) is Kind.ZERO and not spec.still_open:
        return None
    dates = [newest[k] for k in spec.ledgers if k in stale and k in newest]
    return min(dates) if dates else None


def missing_ledgers(m: Any, frames: Mapping[str, Any]) -> list[str]:
    """The ledgers a 无数据 metric lacks, by name (absent or without rows); its source when all are present."""
    from metrics.registry import BY_ID, LEDGER_NAMES

    spec = BY_ID.get(m.id)
    keys = spec.ledgers if spec is not None else ()
    names = [LEDGER_NAMES[k] for k in keys if frames.get(k) is None or not len(frames[k])]
    return names or ([str(m.source)] if getattr(m, "source", "") else [])
