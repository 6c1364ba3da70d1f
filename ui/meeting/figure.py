"""The builder's chart, adjusted for the back of the room."""

from __future__ import annotations

import plotly.graph_objects as go

from ui import projector as look


def projector_figure(fig: go.Figure, *, height: int = 620, status: str | None = None) -> go.Figure:
    """Large type for the back of the room (ticks, legend, labels >= 22 px) and, given the metric's
    ``status``, its AAA colour for the title's status; charts has no projector variant, so the
    builder's figure is adjusted here."""
    margin = fig.layout.margin
    # bigger type needs more room above the plot for the title and target labels the builder placed
    fig.update_layout(height=height, font={"size": 24}, title={"font": {"size": 28}},
                      legend={"font": {"size": 22}},
                      margin={"l": 24, "r": 48, "t": (margin.t or 48) + 56, "b": max(margin.b or 40, 64)})
    title = fig.layout.title
    if status is not None:  # the title's value and status word in the slide's AAA colour
        title.font.color = look.STATUS_TEXT[status]
    if title.subtitle and title.subtitle.text:
        title.subtitle.font.size = 22
        title.subtitle.font.color = look.MUTED
    fig.update_xaxes(tickfont={"size": 22}, title_font={"size": 22}, ticklabelstandoff=8)
    fig.update_yaxes(tickfont={"size": 22}, title_font={"size": 22}, ticklabelstandoff=8)
    for note in fig.layout.annotations or ():
        note.font.size = max(note.font.size or 0, 22)
    for trace in fig.data:
        if "textfont" not in trace:
            continue
        size = trace.textfont.size
        trace.textfont.size = 22 if isinstance(size, tuple) or size is None else max(size, 22)
        fill = getattr(getattr(trace, "marker", None), "color", None)
        if isinstance(fill, str) and fill.startswith("#") and isinstance(trace.textfont.color, str):
            # text inside a status-coloured bar: whichever of white and ink reads better on it
            trace.textfont.color = max(("#FFFFFF", look.INK), key=lambda c: look.contrast(c, fill))
    return fig
