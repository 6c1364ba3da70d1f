"""The one plotly template every figure names explicitly.

`import streamlit` swaps plotly's default template for its own, which static export (the PDF) does
not know; so no figure relies on the default: each sets ``template=TEMPLATE`` itself.
"""

from __future__ import annotations

import plotly.graph_objects as go

from charts.palette import CJK_FONT_STACK, STATUS_STYLE

INK = "#1F2328"  # body text: near-black reads on a washed-out projector
MUTED = "#57606A"  # axis titles, notes
GRID = "#D8DEE4"
TARGET = "#1F2328"  # target lines are black, never a status colour, so they never read as a status
STRETCH = "#6F42C1"  # a second (stretch) target on one chart, e.g. 绿化率 38 %
PREVIOUS = "#8C959F"  # the earlier year in year-on-year overlays

BASE_FONT_SIZE = 16  # projector-readable at 1920×1080 without crowding a theme page

TEMPLATE = go.layout.Template(
    layout=go.Layout(
        font={"family": CJK_FONT_STACK, "size": BASE_FONT_SIZE, "color": INK},
        title={"font": {"family": CJK_FONT_STACK, "size": BASE_FONT_SIZE + 4, "color": INK}, "x": 0.0,
               "xanchor": "left"},
        paper_bgcolor="#FFFFFF",
        plot_bgcolor="#FFFFFF",
        colorway=[s.color for s in STATUS_STYLE.values()],
        margin={"l": 16, "r": 24, "t": 48, "b": 40},
        xaxis={"gridcolor": GRID, "linecolor": GRID, "zerolinecolor": GRID, "automargin": True,
               "tickfont": {"size": BASE_FONT_SIZE - 2}, "title": {"font": {"color": MUTED}}},
        yaxis={"gridcolor": GRID, "linecolor": GRID, "zerolinecolor": GRID, "automargin": True,
               "tickfont": {"size": BASE_FONT_SIZE - 2}, "title": {"font": {"color": MUTED}}},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "right", "x": 1.0,
                "font": {"size": BASE_FONT_SIZE - 2}},
        hoverlabel={"font": {"family": CJK_FONT_STACK, "size": BASE_FONT_SIZE}},
        separators=".,",
    )
)


def apply(fig: go.Figure, *, height: int) -> go.Figure:
    """Stamp the template and a fixed height on ``fig`` (fixed so the PDF lays out like the screen)."""
    fig.update_layout(template=TEMPLATE, height=height)
    return fig
