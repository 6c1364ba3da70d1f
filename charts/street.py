"""The street's figures: one metric across every community, with the target line and each
community's households beside its value (comparison with context, never a ranking).

Builders read stored results by attribute (``hub.grid.ResultRow``: value, status, target and the
catalogue's kind, unit, op) and return a ``go.Figure`` stamped with ``charts.template.TEMPLATE``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go

from charts.figures import _target_line
from charts.palette import STATUS_MARKER, STATUS_STYLE
from charts.template import MUTED, apply
from i18n import t
from metrics import wording
from metrics.registry import BY_ID
from metrics.vocab import Status

# (community name, households or None, stored result or None) — one point of the distribution
Point = tuple[str, int | None, Any]


# How a printed name takes room, measured at the narrowest screen the street page is read on
# (1366 px with the sidebar open: ~780 × 230 px of plot): 13 px per character at font size 12, 18 px
# a line, 8 px from its marker. Counts tie often (24 communities, values 0–9), so names would print
# over each other or over a neighbour's marker; a name that finds no free place is left to the
# hover, never overlapped.
_PLOT_PX = (780.0, 230.0)
_CHAR_PX, _LINE_PX, _OFFSET_PX, _MARKER_PX = 13.0, 18.0, 8.0, 12.0
_PLACES = ("middle right", "middle left")
Box = tuple[float, float, float, float]


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def label_places(points: Sequence[tuple[float, float, str]], x_max: float, y_max: float,
                 markers: Sequence[tuple[float, float]] = ()) -> list[str | None]:
    """Where each point's name is printed — right or left of its marker — or None (named on hover
    only), so that no printed name covers another or any of the ``markers``. The caller gives the
    points that matter most first."""
    width, height = _PLOT_PX
    half = _MARKER_PX / 2
    placed: list[Box] = [(x / (x_max or 1.0) * width - half, y / (y_max or 1.0) * height - half,
                          x / (x_max or 1.0) * width + half, y / (y_max or 1.0) * height + half) for x, y in markers]
    out: list[str | None] = []
    for x, y, name in points:
        px, py = x / (x_max or 1.0) * width, y / (y_max or 1.0) * height
        size = len(name) * _CHAR_PX
        place = None
        for where, left in zip(_PLACES, (px + _OFFSET_PX, px - _OFFSET_PX - size), strict=True):
            box = (left, py - _LINE_PX / 2, left + size, py + _LINE_PX / 2)
            if left >= 0 and not any(_overlaps(box, other) for other in placed):
                place = where
                placed.append(box)
                break
        out.append(place)
    return out


def _printed_names(drawn: Sequence[Point], scale: float) -> dict[int, str | None]:
    """Per drawn point (by position): where its name prints. Met points are named on hover only; the
    others are placed worst status first, so a 未达标 community keeps its name before a 需关注 one."""
    order = sorted((i for i, (_, _, r) in enumerate(drawn) if Status(r.status) is not Status.MET),
                   key=lambda i: -list(Status).index(Status(drawn[i][2].status)))
    x_max = max((float(hh or 0) for _, hh, _ in drawn), default=1.0) * 1.05
    y_max = max((r.value * scale for _, _, r in drawn), default=1.0) * 1.1
    places = label_places([(float(drawn[i][1] or 0), drawn[i][2].value * scale, drawn[i][0]) for i in order],
                          x_max, y_max, [(float(hh or 0), r.value * scale) for _, hh, r in drawn])
    return dict(zip(order, places, strict=True))


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
    printed = _printed_names(drawn, scale)
    fig = go.Figure()
    for status in Status:
        mine = [i for i, (_, _, r) in enumerate(drawn) if Status(r.status) is status]
        if not mine:
            continue
        style = STATUS_STYLE[status]
        fig.add_scatter(
            x=[drawn[i][1] for i in mine], y=[drawn[i][2].value * scale for i in mine],
            name=status.label(lang), text=[drawn[i][0] for i in mine],
            # names printed beside the points that need a word, where they overlap no other name; the
            # met ones, and those that found no room, say theirs on hover
            textposition=[printed.get(i) or _PLACES[0] for i in mine],
            texttemplate=["%{text}" if printed.get(i) else "" for i in mine],
            mode="markers" if status is Status.MET else "markers+text",
            textfont={"size": 12, "color": style.text_color}, cliponaxis=False,
            marker={"color": style.color, "symbol": STATUS_MARKER[status], "size": 12,
                    "line": {"color": style.text_color, "width": 2}},
            customdata=[[wording.value(drawn[i][2], lang), wording.target(drawn[i][2], lang)] for i in mine],
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
    fig.update_layout(title={"text": f"{spec.id} {spec.name(lang)}（{unit}）"},
                      margin={"t": 72, "b": 96 if left_out else 56, "r": 96}, showlegend=True)
    fig.update_xaxes(title={"text": t("hub.chart.households", lang)}, rangemode="tozero", showgrid=True)
    # the unit is in the title: a rotated CJK axis title reads as an arrow
    fig.update_yaxes(rangemode="tozero", ticksuffix="%" if scale == 100 else "")
    return apply(fig, height=height)
