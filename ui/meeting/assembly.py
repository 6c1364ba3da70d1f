"""Deck assembly: which slides a meeting shows, in which order, and the ledgers' freshness rows.

Pure functions of Results (tested without streamlit).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from metrics.vocab import Kind, Operator, Status, Theme

if TYPE_CHECKING:
    from metrics.engine import MetricResult, Results

THEMES = tuple(Theme)  # appendix order: the vocabulary's
ATTENTION = (Status.BEHIND, Status.AT_RISK)  # metrics that get a slide of their own, worst first


class SlideKind(StrEnum):
    """What a slide shows. The deck leads with what is behind: the problems, one slide per problem
    metric, what improved, then the theme tables as an appendix the presenter may skip."""

    SUMMARY = "summary"
    METRIC = "metric"
    IMPROVED = "improved"
    THEME = "theme"


@dataclass(frozen=True)
class Slide:
    """One slide: the problems summary, one problem metric, what improved, or a theme (its metrics)."""

    kind: SlideKind
    key: str  # "summary", a metric id, "improved" or a theme id
    metric_ids: tuple[str, ...] = ()


def shortfall_share(m: MetricResult) -> float:
    """How far a metric is from its target relative to the target (0 when met or unknown): the
    order of the problem slides within a status."""
    v, goal = getattr(m, "value", None), getattr(m, "target", None)
    if v is None or goal is None or v != v or goal != goal:
        return 0.0
    at_most = Kind(m.kind) is Kind.ZERO or Operator(getattr(m, "op", None) or ">=") is Operator.LE
    short = (v - goal) if at_most else (goal - v)
    return max(short, 0.0) / max(abs(goal), 1.0 if at_most else 1e-9)


def problems(results: Results) -> list[Any]:
    """The 未达标 and 需关注 metrics, most severe first: behind before at risk, then the larger share
    short of its target, then catalogue order."""
    metrics = list(results.metrics)
    found = [(ATTENTION.index(Status(m.status)), -shortfall_share(m), i, m)
             for i, m in enumerate(metrics) if m.status in ATTENTION]
    return [m for *_, m in sorted(found, key=lambda x: x[:3])]


def slides(results: Results) -> list[Slide]:
    """Problems first (one summary slide, then one slide per problem metric, most severe first), then
    what improved since the last meeting, then one slide per theme (the appendix)."""
    metrics = list(results.metrics)
    deck = [Slide(SlideKind.SUMMARY, "summary", tuple(m.id for m in problems(results)))]
    deck += [Slide(SlideKind.METRIC, m.id, (m.id,)) for m in problems(results)]
    deck.append(Slide(SlideKind.IMPROVED, "improved"))
    deck += [Slide(SlideKind.THEME, th, tuple(m.id for m in metrics if m.theme == th)) for th in THEMES]
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
