"""Deck assembly: which slides a meeting shows, in which order, and the ledgers' freshness rows.

Pure functions of Results (tested without streamlit).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from metrics.vocab import Theme

THEMES = tuple(Theme)  # slide order: the vocabulary's
ATTENTION = ("behind", "at_risk")  # metrics that get a slide of their own, worst first


@dataclass(frozen=True)
class Slide:
    """One slide: the summary, a theme (its metrics) or one metric needing attention."""

    kind: str  # "summary" | "theme" | "metric"
    key: str  # "summary", a theme id or a metric id
    metric_ids: tuple[str, ...] = ()


def slides(results: Any) -> list[Slide]:
    """Summary first, then one slide per theme (catalogue order), then each behind / at-risk metric
    (behind before at risk, catalogue order within each)."""
    metrics = list(results.metrics)
    deck = [Slide("summary", "summary")]
    deck += [Slide("theme", th, tuple(m.id for m in metrics if m.theme == th)) for th in THEMES]
    for status in ATTENTION:
        deck += [Slide("metric", m.id, (m.id,)) for m in metrics if m.status == status]
    return deck


def clamp_slide(raw: Any, n: int) -> int:
    """The 1-based slide number from a query parameter; anything odd means the first slide."""
    try:
        k = int(str(raw).strip())
    except (TypeError, ValueError):
        return 1
    return min(max(k, 1), max(n, 1))


@dataclass(frozen=True)
class Freshness:
    key: str
    name: str
    newest: dt.date
    stale: bool


def freshness(newest: Mapping[str, dt.date], stale: set[str], lang: str) -> list[Freshness]:
    """Each dated ledger's newest row date; ``stale`` is ui.data.stale_ledgers (the 未更新 badge's set),
    so the slide and the pages flag the same ledgers. Stale ones first, then by name order of the registry."""
    from ledgers.registry import LEDGERS

    rows = []
    for key, day in newest.items():
        spec = LEDGERS.get(key)
        name = (spec.name_en if lang == "en" else spec.name) if spec is not None else key
        rows.append(Freshness(key, name, day, key in stale))
    order = list(LEDGERS)
    return sorted(rows, key=lambda r: (not r.stale, order.index(r.key) if r.key in order else len(order)))
