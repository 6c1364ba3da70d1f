"""The overview's rows: one metric each, as display strings from the one wording (pure, no streamlit)."""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from metrics import wording
from metrics.vocab import Status, Theme


@dataclass(frozen=True)
class OverviewRow:
    id: str
    theme: Theme
    value: str
    target: str
    gap: str  # "" when met or without data
    status: Status
    target_source: str

    def value_html(self) -> str:
        return f"<span class='value'>{html.escape(self.value)}</span>"

    def gap_html(self) -> str:
        return f"<br><span class='muted'>{html.escape(self.gap)}</span>" if self.gap else ""


def rows(metrics: Iterable[Any], lang: str) -> list[OverviewRow]:
    """Every metric given, in the order given, worded as the slides, the PDF and the CLI word it."""
    return [OverviewRow(m.id, Theme(m.theme), wording.value(m, lang), wording.target(m, lang),
                        wording.gap(m, lang), Status(m.status), m.target_source) for m in metrics]
