"""The street's figures: one metric across every community, with the target line and each
community's households beside its value (comparison with context, never a ranking).

Builders read stored results by attribute (``hub.grid.ResultRow``: value, status, target and the
catalogue's kind, unit, op) and return a ``go.Figure`` stamped with ``charts.template.TEMPLATE``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go

from charts.figures import _target_line, metric_name
from charts.palette import STATUS_MARKER, STATUS_STYLE
from charts.template import MUTED, apply
from i18n import t
from metrics import wording
from metrics.registry import BY_ID
from metrics.vocab import Status

# (community name, households or None, stored result or None) — one point of the distribution
Point = tuple[str, int | None, Any]


def _scale(metric_id: str) -> float:
    return 100.0 if BY_ID[metric_id].kind.fraction else 1.0


def distribution(metric_id: str, points: Sequence[Point], lang: str = "zh", *, height: int = 360) -> go.Figure:
    """One metric in every community: x the community's households, y its value, the target as a
    line across; each point in its status's colour and shape with the community's name beside it.
    Communities without a value (or without a household count) are named under the plot."""
    spec = BY_ID[metric_id]
    scale = _scale(metric_id)
    drawn = [(name, hh, r) for name, hh, r in points
             if r is not None and r.value is not None and hh is not None]
    fig = go.Figure()
    for status in Status:
        mine = [(name, hh, r) for name, hh, r in drawn if Status(r.status) is status]
        if not mine:
            continue
        style = STATUS_STYLE[status]
        fig.add_scatter(
            x=[hh for _, hh, _ in mine], y=[r.value * scale for _, _, r in mine],
            name=status.label(lang), text=[name for name, _, _ in mine], textposition="middle right",
            # names printed beside the points that need a word; the met ones say theirs on hover
            mode="markers" if status is Status.MET else "markers+text",
            textfont={"size": 12, "color": style.text_color}, cliponaxis=False,
            marker={"color": style.color, "symbol": STATUS_MARKER[status], "size": 12,
                    "line": {"color": style.text_color, "width": 2}},
            customdata=[[wording.value(r, lang), wording.target(r, lang)] for _, _, r in mine],
            hovertemplate="%{text}<br>%{customdata[0]}（%{customdata[1]}）<br>"
                          + t("hub.chart.households_hover", lang) + "<extra></extra>")
    targets = {r.target for _, _, r in points if r is not None and r.target is not None}
    if len(targets) == 1:  # one target for the whole street: one line; several: each point's own
        goal = next(iter(targets))
        sample = next(r for _, _, r in points if r is not None and r.target is not None)
        _target_line(fig, goal * scale, t("ui.chart.target", lang, target=wording.target(sample, lang)),
                     name="target", horizontal=False, above=True)
    left_out = [name for name, hh, r in points if r is None or r.value is None or hh is None]
    if left_out:
        fig.add_annotation(x=0, y=-0.22, xref="paper", yref="paper", showarrow=False, xanchor="left",
                           yanchor="top", font={"size": 13, "color": MUTED}, name="left_out",
                           text=t("hub.chart.left_out", lang, names="、".join(left_out)))
    unit = "%" if scale == 100 else wording.unit_label(spec.unit, lang)
    fig.update_layout(title={"text": f"{spec.id} {metric_name(_named(spec), lang)}（{unit}）"},
                      margin={"t": 72, "b": 96 if left_out else 56, "r": 96}, showlegend=True)
    fig.update_xaxes(title={"text": t("hub.chart.households", lang)}, rangemode="tozero", showgrid=True)
    # the unit is in the title: a rotated CJK axis title reads as an arrow
    fig.update_yaxes(rangemode="tozero", ticksuffix="%" if scale == 100 else "")
    return apply(fig, height=height)


def _named(spec: Any) -> Any:
    """The spec as metric_name reads it (name, name_en)."""
    from types import SimpleNamespace

    return SimpleNamespace(name=spec.name_zh, name_en=spec.name_en)
