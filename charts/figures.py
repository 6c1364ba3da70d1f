"""One figure builder per metric kind, plus the sparkline, the status summary and year on year.

Every builder takes a metrics result (``metrics.engine.MetricResult``, read by attribute only) and
returns a ``plotly.graph_objects.Figure`` stamped with ``charts.template.TEMPLATE``. Everything a
reader needs is printed on the figure (values, targets, status words) because the PDF has no hover.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from types import SimpleNamespace
from typing import Any, Protocol

import pandas as pd
import plotly.graph_objects as go

from charts.palette import STATUS_STYLE, STATUSES
from charts.template import GRID, INK, MUTED, PREVIOUS, STRETCH, TARGET, apply
from i18n import t
from metrics import wording
from metrics.registry import BY_ID, MetricSpec
from metrics.vocab import RISK_BAND, RISK_SHARE, Kind, Status, count_statuses

BAND_OPACITY = 0.22


class Charted(wording.Measure, Protocol):
    """What the builders read of a metric beyond what wording reads (id, kind, unit, op):
    a ``metrics.engine.MetricResult`` has all of it."""

    @property
    def name(self) -> str: ...
    @property
    def name_en(self) -> str: ...
    @property
    def status(self) -> Status | str: ...
    @property
    def value(self) -> float | None: ...
    @property
    def target(self) -> float | None: ...
    @property
    def paced(self) -> bool: ...
    @property
    def expected(self) -> float | None: ...
    @property
    def numerator(self) -> float | None: ...
    @property
    def denominator(self) -> float | None: ...
    @property
    def items(self) -> Sequence[tuple[str, bool]]: ...
    @property
    def missing(self) -> Sequence[str]: ...


# ---------------------------------------------------------------- formatting (shared with pages)


# The one wording of values and targets (metrics.wording), under the names the builders and older
# callers use.
_num = wording.num
format_value = wording.value
format_target = wording.target
unit_label = wording.unit_label


def status_label(status: str, lang: str = "zh") -> str:
    """Icon and word, e.g. "✔ 达标": a status is never told by colour alone."""
    return Status(status).label(lang)


def metric_name(result: Charted, lang: str = "zh") -> str:
    return (result.name_en or result.name) if lang == "en" else result.name


def _title(result: Charted, lang: str, subtitle: str | None = None) -> dict[str, Any]:
    """Id and name, then the value and status in the status's text colour: the headline of the chart,
    kept in the title so it never collides with the plot's own labels. The status colour is the title
    font's colour (the id and name are ink), so a surface can recolour it through the layout."""
    style = STATUS_STYLE[result.status]
    # value and status on a line of their own: a narrow chart wraps nothing, so on one line the
    # status word was what got cut (「3 次 ▲需关」)
    text = (f"<span style='color:{INK}'>{result.id} {metric_name(result, lang)}</span><br>"
            f"<b>{_value_status(result, lang)}</b>")
    title: dict[str, Any] = {"text": text, "font": {"color": style.text_color}}
    if subtitle:
        title["subtitle"] = {"text": subtitle, "font": {"size": 15, "color": MUTED}}
    return title


TITLE_LINE = 26  # px a title's second line (value and status) takes


def _value_status(result: Charted, lang: str) -> str:
    style = STATUS_STYLE[result.status]
    return t("ui.chart.value_status", lang, value=format_value(result, lang), icon=style.icon,
             status=t(f"status.{result.status}", lang))


# ---------------------------------------------------------------- the dispatcher


def metric_figure(
    result: Charted,
    hist: pd.DataFrame | None = None,
    lang: str = "zh",
    *,
    prev_hist: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
    results: Iterable[Charted] | None = None,
    as_of: dt.date | None = None,
) -> go.Figure:
    """The chart of one metric against its target, by kind.

    ``hist`` is ``metrics.engine.history`` for the year (month_end, value, status); ``prev_hist`` the
    same for the year before (drawn as a year-on-year overlay on paced counts); ``events`` the
    evidence rows of a zero metric (its timeline); ``results`` lets 绿化率 find its companion target;
    ``as_of`` is D (else the last month end of ``hist``, which the engine ends at D).
    """
    if as_of is not None and getattr(result, "as_of", None) is None:
        hist = _with_as_of(hist, as_of)
    if result.value is None and not (result.items or result.missing):
        return _no_data(result, lang)
    build = BUILDERS[_chart(result)]
    fig = build(result, lang, hist=hist, prev_hist=prev_hist, events=events, results=results)
    fig.update_layout(margin={"t": (fig.layout.margin.t or 48) + TITLE_LINE})  # the title's second line
    return fig


def _chart(result: Charted) -> str:
    """The builder's name: the registry's spec says it (its kind's chart, or the pace for paced counts)."""
    spec = BY_ID.get(result.id)
    if spec is not None:
        return spec.chart
    return "paced" if result.paced else Kind(result.kind).chart


def _with_as_of(hist: pd.DataFrame | None, as_of: dt.date) -> pd.DataFrame:
    """``hist`` cut at D and ending at D, so the builders read D from it (MetricResult has no date)."""
    day = pd.Timestamp(as_of)
    if hist is None or not len(hist):
        return pd.DataFrame({"month_end": [day], "value": [None], "status": ["no_data"]})
    frame = hist.assign(month_end=pd.to_datetime(hist["month_end"]))
    frame = frame[frame["month_end"] <= day]
    if not len(frame) or frame["month_end"].max() < day:
        frame = pd.concat([frame, pd.DataFrame({"month_end": [day], "value": [None], "status": ["no_data"]})],
                          ignore_index=True)
    return frame


def _no_data(result: Charted, lang: str) -> go.Figure:
    fig = go.Figure()
    style = STATUS_STYLE["no_data"]
    fig.add_annotation(text=status_label("no_data", lang), x=0.5, y=0.5, xref="paper", yref="paper",
                       showarrow=False, font={"size": 22, "color": style.text_color})
    fig.update_layout(title=f"{result.id} {metric_name(result, lang)}", xaxis={"visible": False},
                      yaxis={"visible": False})
    return apply(fig, height=200)


# ---------------------------------------------------------------- ratio: bullet bar


def _spec(result: Charted) -> MetricSpec | None:
    return BY_ID.get(result.id)


def _companion(result: Charted, results: Iterable[Charted] | None) -> tuple[MetricSpec, float] | None:
    """The spec's companion (绿化率: B15's 20 % basic goal and T08's 38 % for the year share a chart)
    and its target: as set in ``results``, else its plan target."""
    spec = _spec(result)
    if spec is None or spec.companion is None:
        return None
    other = BY_ID[spec.companion]
    target = other.default_target
    for r in results or ():
        if r.id == other.id and r.target is not None:
            target = r.target
    return other, target


def _target_key(spec: MetricSpec | None) -> str:
    """"Target", or "basic target" / "annual target" beside a companion's."""
    role = spec.target_role if spec is not None else ""
    return f"ui.chart.{role}_target" if role else "ui.chart.target"


def ratio_figure(result: Charted, lang: str = "zh", *, companion: tuple[MetricSpec, float] | None = None
                 ) -> go.Figure:
    """A horizontal bullet: the value bar in its status colour on a 0–100 % track, the target line
    and the at-risk band (5 points under the target); 绿化率 also carries its companion target."""
    assert result.value is not None  # metric_figure draws a metric without a value as "no data"
    value = result.value * 100
    target = result.target * 100 if result.target is not None else None
    style = STATUS_STYLE[result.status]
    fig = go.Figure()
    fig.add_bar(name="track", x=[100], y=[""], orientation="h", marker={"color": "#F0F2F4"},
                hoverinfo="skip", showlegend=False, width=0.7)
    fig.add_bar(name="value", x=[value], y=[""], orientation="h", width=0.42,
                marker={"color": style.color}, text=[_bar_text(result, lang, value >= 18)],
                textposition="inside" if value >= 18 else "none", insidetextanchor="start",
                textfont={"size": 18, "color": "#FFFFFF"}, showlegend=False)
    fig.update_layout(barmode="overlay", margin={"t": 80, "b": 40})
    fig.update_xaxes(range=[0, 100])
    if target is not None:
        _band(fig, max(0.0, target - RISK_BAND * 100), target, lang)
        label_key = _target_key(_spec(result)) if companion is not None else "ui.chart.target"
        _target_line(fig, target, t(label_key, lang, target=format_target(result, lang)), name="target")
    if companion is not None:
        other, other_target = companion
        shown = SimpleNamespace(id=other.id, kind=other.kind, unit=other.unit, op=result.op, target=other_target)
        _target_line(fig, other_target * 100, t(_target_key(other), lang, target=format_target(shown, lang)),
                     name=other.target_role, color=STRETCH, dash="dash", row=1)
        fig.update_layout(margin={"t": 120})
    fig.update_layout(title=_title(result, lang), bargap=0.2)
    fig.update_xaxes(range=[0, 100], ticksuffix="%", dtick=20, showgrid=True)
    fig.update_yaxes(visible=False)
    return apply(fig, height=220)


def _axis_end(fig: go.Figure) -> float:
    """The x-axis maximum the builder set (100 for percentages); the x of a target is judged against it."""
    rng = fig.layout.xaxis.range
    return float(rng[1]) if rng else 100.0


def _bar_text(result: Charted, lang: str, show: bool) -> str:
    """The value and icon inside the bar (the word is in the title), empty when the bar is too short."""
    return f"{format_value(result, lang)} {STATUS_STYLE[result.status].icon}" if show else ""


def _band(fig: go.Figure, x0: float, x1: float, lang: str, *, horizontal: bool = True) -> None:
    style = STATUS_STYLE["at_risk"]
    kwargs: dict[str, Any] = {"fillcolor": style.color, "opacity": BAND_OPACITY, "line_width": 0,
                              "layer": "below", "name": "band"}
    if horizontal:
        fig.add_shape(type="rect", x0=x0, x1=x1, y0=0, y1=1, xref="x", yref="paper", **kwargs)
    else:
        fig.add_shape(type="rect", y0=x0, y1=x1, x0=0, x1=1, yref="y", xref="paper", **kwargs)


def _target_line(fig: go.Figure, x: float, label: str, *, name: str, color: str = TARGET,
                 dash: str = "solid", row: int = 0, horizontal: bool = True, above: bool = False) -> None:
    """A target as a line across the plot with its label printed beside it (no hover needed)."""
    line = {"color": color, "width": 3, "dash": dash}
    font = {"size": 15, "color": color}
    if horizontal:
        fig.add_shape(type="line", x0=x, x1=x, y0=0, y1=1, xref="x", yref="paper", line=line, name=name)
        # a second target's label sits one row higher so two close targets never overlap
        # labels near either end of the axis grow inwards, so "目标 = 100%" is never cut at the edge
        anchor = "right" if x >= 0.85 * _axis_end(fig) else ("left" if x <= 0.15 * _axis_end(fig) else "center")
        fig.add_annotation(x=x, y=1.0, yshift=4 + 24 * row, xref="x", yref="paper", text=label,
                           showarrow=False, yanchor="bottom", xanchor=anchor, font=font,
                           bgcolor="rgba(255,255,255,0.85)", name=name)
    else:
        fig.add_shape(type="line", y0=x, y1=x, x0=0, x1=1, yref="y", xref="paper", line=line, name=name)
        # at the left end, on the side of the line away from the latest value's label (``above``), so the
        # two never meet whatever the month: the value's label sits on its own side of the line
        fig.add_annotation(y=x, x=0.0, yref="y", xref="paper", text=label, showarrow=False,
                           xanchor="left", yanchor="bottom" if above else "top", yshift=3 if above else -3,
                           xshift=10,  # clear of the y axis's tick labels just left of the plot
                           font=font, bgcolor="rgba(255,255,255,0.85)", name=name)


# ---------------------------------------------------------------- unpaced count and sum: bar


def amount_figure(result: Charted, lang: str = "zh") -> go.Figure:
    """A horizontal bar of the count or total against the target line, with the at-risk band
    (80 %–100 % of the target)."""
    assert result.value is not None  # metric_figure draws a metric without a value as "no data"
    value = float(result.value)
    target = float(result.target) if result.target is not None else None
    style = STATUS_STYLE[result.status]
    top = max(value, target or 0.0) * 1.18 or 1.0
    fig = go.Figure()
    wide = value >= top * 0.18
    fig.add_bar(name="value", x=[value], y=[""], orientation="h", width=0.5, marker={"color": style.color},
                text=[_bar_text(result, lang, wide)], textposition="inside" if wide else "none",
                insidetextanchor="start", textfont={"size": 18, "color": "#FFFFFF"}, showlegend=False)
    fig.update_xaxes(range=[0, top])
    if target:
        _band(fig, target * RISK_SHARE, target, lang)
        _target_line(fig, target, t("ui.chart.target", lang, target=format_target(result, lang)),
                     name="target")
    fig.update_layout(title=_title(result, lang), margin={"t": 80, "b": 56})
    fig.update_xaxes(range=[0, top], showgrid=True)
    fig.update_yaxes(visible=False)
    return apply(fig, height=220)


# ---------------------------------------------------------------- paced count: cumulative line


def _year_bounds(year: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    return pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)


def _as_of(result: Charted, hist: pd.DataFrame | None) -> pd.Timestamp:
    as_of = getattr(result, "as_of", None)
    if as_of is not None:
        return pd.Timestamp(as_of)
    if hist is not None and len(hist):
        return pd.Timestamp(pd.to_datetime(hist["month_end"]).max())
    return pd.Timestamp(dt.date.today())


def _hist_points(hist: pd.DataFrame | None, until: pd.Timestamp | None = None) -> pd.DataFrame:
    if hist is None or not len(hist):
        return pd.DataFrame({"month_end": pd.Series(dtype="datetime64[ns]"), "value": []})
    frame = hist.assign(month_end=pd.to_datetime(hist["month_end"])).sort_values("month_end")
    frame = frame[frame["value"].notna()]
    if until is not None:
        frame = frame[frame["month_end"] <= until]
    return frame


def paced_count_figure(result: Charted, hist: pd.DataFrame | None, lang: str = "zh", *,
                       prev_hist: pd.DataFrame | None = None, year: int | None = None) -> go.Figure:
    """The count so far as a cumulative line over the year against the pace line that rises evenly
    from 0 on 1 January to the annual target on 31 December; the at-risk band lies between 80 % of
    the pace and the pace. The earlier year, when given, is drawn in grey for comparison."""
    as_of = _as_of(result, hist)
    year = year or getattr(result, "year", None) or as_of.year
    start, end = _year_bounds(year)
    target = float(result.target or 0)
    style = STATUS_STYLE[result.status]
    fig = go.Figure()
    # the band first so it lies under the lines; two traces because plotly fills between traces
    fig.add_scatter(name="band_low", x=[start, end], y=[0, target * RISK_SHARE], mode="lines",
                    line={"width": 0}, hoverinfo="skip", showlegend=False)
    fig.add_scatter(name=t("ui.chart.band", lang), x=[start, end], y=[0, target], mode="lines",
                    line={"width": 0}, fill="tonexty", meta="band",
                    fillcolor=_rgba(STATUS_STYLE["at_risk"].color, BAND_OPACITY), hoverinfo="skip")
    fig.add_scatter(name=t("ui.chart.pace", lang), x=[start, end], y=[0, target], mode="lines",
                    line={"color": TARGET, "width": 3, "dash": "dash"}, meta="pace")
    prev = _hist_points(prev_hist)
    if len(prev):
        shifted = prev["month_end"].map(lambda d: _same_day(d, year))
        fig.add_scatter(name=t("ui.chart.this_year", lang, year=year - 1), meta="previous",
                        x=[start, *shifted], y=[0, *prev["value"]], mode="lines",
                        line={"color": PREVIOUS, "width": 2, "dash": "dot"})
    points = _hist_points(hist, until=as_of)
    points = points[points["month_end"] >= start]
    xs = [start, *points["month_end"], as_of]
    ys = [0, *points["value"], result.value]
    fig.add_scatter(name=t("ui.chart.actual", lang), x=xs, y=ys, mode="lines+markers", meta="actual",
                    line={"color": style.color, "width": 4}, marker={"size": 8, "color": style.color})
    expected = result.expected
    subtitle = t("ui.chart.stretch_target", lang, target=format_target(result, lang))
    if expected is not None:
        # events are whole: the subtitle says how many are due by now (rounded up), the hover the exact pace
        date = f"{as_of.month}/{as_of.day}"
        fig.add_scatter(name="expected", x=[as_of], y=[expected], mode="markers", showlegend=False,
                        marker={"symbol": "line-ew-open", "size": 22, "color": TARGET, "line": {"width": 3}},
                        hovertemplate=t("ui.chart.expected_exact", lang, date=date, value=f"{expected:.1f}",
                                        unit=wording.unit_label(result.unit, lang, expected)) + "<extra></extra>")
        due = math.ceil(expected - 1e-9)
        subtitle += " · " + t("ui.chart.expected", lang, date=date, value=wording.amount(result, due, lang))
    # legend under the plot: the title and its subtitle take the top
    fig.update_layout(title=_title(result, lang, subtitle), margin={"t": 96, "b": 24},
                      legend={"y": -0.14, "yanchor": "top", "x": 0.0, "xanchor": "left"})
    top = max(target, float(result.value or 0), *ys, *prev["value"]) * 1.15 or 1
    # counts are whole: integer ticks only, never 0.5 次
    fig.update_yaxes(range=[0, top], rangemode="tozero", tickformat=",d", dtick=max(1, math.ceil(top / 5)))
    # a week of room before 1 January keeps the "1" tick clear of the y axis's "0"; months as 1–12,
    # level (「1J」 was a rotated "1月" at 1366 px), the axis title saying they are months
    fig.update_xaxes(range=[start - pd.Timedelta(days=8), end], dtick="M1", tickformat="%-m", tickangle=0,
                     title={"text": t("ui.chart.month_axis", lang), "standoff": 4})
    return apply(fig, height=380)


def _same_day(day: pd.Timestamp, year: int) -> pd.Timestamp:
    """The same month end in ``year`` (29 Feb falls back to 28 Feb)."""
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


def _rgba(hex_color: str, alpha: float) -> str:
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


# ---------------------------------------------------------------- zero: event timeline


def _event_dates(events: pd.DataFrame, spec: MetricSpec | None) -> tuple[pd.Series, pd.Series]:
    """The dates and the labels of the evidence rows: the spec's event columns (date, label), else the
    first date column and no label."""
    date_col, label_col = spec.event_columns if spec is not None and spec.event_columns else (None, None)
    if date_col not in events.columns:
        date_col = next((c for c in events.columns if not str(c).startswith("_")
                         and pd.api.types.is_datetime64_any_dtype(events[c])), None)
    if date_col is None:
        return pd.Series(dtype="datetime64[ns]"), pd.Series(dtype=object)
    label_col = label_col if label_col in events.columns else None
    dates = pd.to_datetime(events[date_col])
    labels = events[label_col].fillna("—").astype(str) if label_col else pd.Series(["●"] * len(events))
    keep = dates.notna().to_numpy()
    return dates[keep].reset_index(drop=True), labels[keep].reset_index(drop=True)


def zero_window_start(result: Charted, as_of: pd.Timestamp, year: int) -> pd.Timestamp:
    """The left end of a zero metric's timeline: D − n years for a rolling window (the spec's
    ``window_years``: B02's three years), else 1 January of Y. Metrics counting problems still open at D
    (found in any year) reach back further: to the earliest event they are given."""
    spec = _spec(result)
    years = spec.window_years if spec is not None else 0
    if years:
        day = pd.Timestamp(as_of)
        return _same_day(day, day.year - years)
    return pd.Timestamp(year, 1, 1)


def zero_figure(result: Charted, lang: str = "zh", *, events: pd.DataFrame | None = None,
                hist: pd.DataFrame | None = None) -> go.Figure:
    """A timeline of the events that must not happen: one marker per event at its date, labelled by
    its category; with none, a plain "no events" strip over the year."""
    as_of = _as_of(result, hist)
    year = getattr(result, "year", None) or as_of.year
    start = zero_window_start(result, as_of, year)
    style = STATUS_STYLE[result.status]
    fig = go.Figure()
    dates, labels = (_event_dates(events, _spec(result)) if events is not None and len(events)
                     else (pd.Series(dtype="datetime64[ns]"), pd.Series(dtype=object)))
    if len(dates):
        start = min(start, dates.min() - pd.Timedelta(days=15))
        fig.add_scatter(name="events", x=list(dates), y=list(labels), mode="markers+text",
                        marker={"symbol": "x", "size": 16, "color": STATUS_STYLE["behind"].color,
                                "line": {"width": 1, "color": STATUS_STYLE["behind"].text_color}},
                        text=[f"{d.month}/{d.day}" for d in dates], textposition="top center",
                        textfont={"size": 14, "color": INK}, cliponaxis=False, showlegend=False)
        fig.update_yaxes(type="category", automargin=True, tickfont={"size": 16})
    elif result.value and len(_hist_points(hist)):
        # no rows to place (e.g. the PDF passes no evidence): the count at each month end instead
        points = _hist_points(hist)
        fig.add_bar(name="monthly", x=list(points["month_end"]), y=list(points["value"]),
                    marker={"color": [STATUS_STYLE.get(s, style).color for s in points["status"]]},
                    text=[_num(v) for v in points["value"]], textposition="outside", cliponaxis=False,
                    showlegend=False)
        fig.update_yaxes(rangemode="tozero", dtick=1, range=[0, float(points["value"].max()) * 1.3 + 0.5])
    else:
        fig.add_scatter(name="none", x=[start, as_of], y=[0, 0], mode="lines", showlegend=False,
                        line={"color": style.color, "width": 6})
        fig.update_yaxes(visible=False, range=[-1, 1])
    fig.add_shape(type="line", x0=as_of, x1=as_of, y0=0, y1=1, xref="x", yref="paper", name="as_of",
                  line={"color": MUTED, "width": 2, "dash": "dot"})
    fig.update_xaxes(range=[start, as_of + pd.Timedelta(days=20)],
                     tickformat="%Y-%m" if start.year < year else ("%-m月" if lang == "zh" else "%b"))
    subtitle = t("ui.chart.target", lang, target=format_target(result, lang))
    if getattr(_spec(result), "window_years", 0):
        subtitle += " · " + t("ui.chart.window", lang, start=(start + pd.Timedelta(days=1)).date().isoformat(),
                              end=as_of.date().isoformat())
    fig.update_layout(title=_title(result, lang, subtitle), margin={"t": 100})
    rows = max(1, labels.nunique()) if len(dates) else 1
    return apply(fig, height=200 + 36 * rows)


# ---------------------------------------------------------------- checklist: items by name


def checklist_figure(result: Charted, lang: str = "zh") -> go.Figure:
    """Each required item by name, ticked (✔ present) or crossed (✖ missing), in plan order."""
    items: Sequence[tuple[str, bool]] = list(result.items)
    if not items and result.missing:
        items = [(name, False) for name in result.missing]
    if not items:
        return _no_data(result, lang)
    names = [name for name, _ in items]
    fig = go.Figure()
    for present, status, key in ((True, "met", "ui.chart.present"), (False, "behind", "ui.chart.missing")):
        style = STATUS_STYLE[status]
        chosen = [name for name, ok in items if bool(ok) is present]
        fig.add_bar(name=key.rsplit(".", 1)[1], x=[1] * len(chosen), y=chosen, orientation="h",
                    marker={"color": style.color if present else "#FFFFFF",
                            "line": {"color": style.color, "width": 3}},
                    text=[f"{style.icon} {t(key, lang)}"] * len(chosen), textposition="inside",
                    insidetextanchor="middle",
                    textfont={"size": 17, "color": "#FFFFFF" if present else style.text_color},
                    showlegend=False, width=0.7)
    fig.update_yaxes(categoryorder="array", categoryarray=list(reversed(names)), tickfont={"size": 17},
                     automargin=True)
    fig.update_xaxes(visible=False, range=[0, 1])
    fig.update_layout(title=_title(result, lang), barmode="overlay", margin={"t": 64})
    return apply(fig, height=130 + 46 * len(items))


# ---------------------------------------------------------------- sparkline, summary, year on year


def sparkline(hist: pd.DataFrame | None, kind: str | None = None) -> go.Figure:
    """A small month-end trend: the line in grey, each month's dot in its status colour."""
    fig = go.Figure()
    points = _hist_points(hist)
    if len(points):
        scale = 100 if kind is not None and Kind(kind).fraction else 1
        colors = [STATUS_STYLE.get(s, STATUS_STYLE["no_data"]).color
                  for s in (points["status"] if "status" in points else ["no_data"] * len(points))]
        fig.add_scatter(x=list(points["month_end"]), y=list(points["value"] * scale), mode="lines+markers",
                        line={"color": GRID if len(points) > 1 else "#FFFFFF", "width": 2},
                        marker={"color": colors, "size": 7}, showlegend=False, name="trend",
                        hoverinfo="skip")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    if len(points):  # padded range: the dots at the extremes are drawn whole, a flat line sits mid-height
        values = points["value"] * scale
        low, high = float(values.min()), float(values.max())
        pad = (high - low) * 0.2 or max(abs(high) * 0.1, 1.0)
        fig.update_yaxes(range=[low - pad, high + pad])
    fig.update_layout(margin={"l": 8, "r": 8, "t": 6, "b": 6})
    return apply(fig, height=64)


def status_summary(results: Iterable[Charted], lang: str = "zh") -> go.Figure:
    """How many metrics stand in each status: one bar per status, with icon, word and count."""
    counts = status_counts(results)
    labels = [status_label(s, lang) for s in STATUSES]
    fig = go.Figure()
    fig.add_bar(x=labels, y=[counts[s] for s in STATUSES], name="statuses",
                marker={"color": [STATUS_STYLE[s].color for s in STATUSES]},
                text=[str(counts[s]) for s in STATUSES], textposition="outside",
                textfont={"size": 20, "color": INK}, cliponaxis=False, showlegend=False)
    fig.update_layout(title=t("ui.chart.summary_title", lang), margin={"t": 64})
    fig.update_yaxes(visible=False, range=[0, max(counts.values() or [1]) * 1.25 + 1])
    fig.update_xaxes(tickfont={"size": 18})
    return apply(fig, height=300)


status_counts = count_statuses  # the one count of results per status (metrics.vocab)


def has_year_on_year(prev_hist: pd.DataFrame | None) -> bool:
    """True when the earlier year has at least one month-end value to compare with."""
    return prev_hist is not None and len(_hist_points(prev_hist)) > 0


def year_on_year(result: Charted, hist: pd.DataFrame | None, prev_hist: pd.DataFrame | None,
                 lang: str = "zh", *, year: int | None = None) -> go.Figure:
    """This year's month-end values beside the same months of the year before, with the target."""
    as_of = _as_of(result, hist)
    year = year or getattr(result, "year", None) or as_of.year
    scale = 100 if Kind(result.kind).fraction else 1
    fig = go.Figure()
    months = list(range(1, 13))
    # the latest value's label goes away from the target line, the target's label to the other side
    latest = _hist_points(hist)
    latest = latest[latest["month_end"].dt.year == year]["value"]
    below = (result.target is not None and len(latest) > 0 and float(latest.iloc[-1]) < float(result.target))
    value_side = "bottom center" if below else "top center"
    for frame, y, color, dash, meta in ((prev_hist, year - 1, PREVIOUS, "dot", "previous"),
                                        (hist, year, STATUS_STYLE[result.status].color, "solid", "current")):
        points = _hist_points(frame)
        points = points[points["month_end"].dt.year == y]
        fig.add_scatter(name=t("ui.chart.this_year", lang, year=y), meta=meta,
                        x=list(points["month_end"].dt.month), y=list(points["value"] * scale),
                        mode="lines+markers+text" if meta == "current" else "lines+markers",
                        # only the latest value is printed: twelve labels on a line crowd each other
                        text=[""] * (len(points) - 1) + [_short(v * 1.0, scale) for v in points["value"][-1:]]
                        if meta == "current" else None,
                        textposition=value_side, textfont={"size": 13, "color": INK},
                        line={"color": color, "width": 3 if meta == "current" else 2, "dash": dash},
                        marker={"size": 7, "color": color})
    if result.target is not None:
        target = result.target * scale
        _target_line(fig, target, t("ui.chart.target", lang, target=format_target(result, lang)),
                     name="target", horizontal=False, above=below)
    fig.update_xaxes(tickvals=months, ticktext=[f"{m}月" if lang == "zh" else
                                                dt.date(2000, m, 1).strftime("%b") for m in months],
                     range=[0.6, 12.4])
    values = [*_hist_points(hist)["value"], *_hist_points(prev_hist)["value"], result.target or 0]
    top = max(float(v) for v in values) * scale if values else 1.0
    fig.update_yaxes(range=[0, top * 1.18 or 1.0], ticksuffix="%" if scale == 100 else "")
    fig.update_layout(title=t("ui.chart.yoy_title", lang, name=f"{result.id} {metric_name(result, lang)}"),
                      margin={"t": 84})
    return apply(fig, height=270)


def _short(value: float, scale: int) -> str:
    return f"{value * scale:.0f}%" if scale == 100 else _num(value)


# ---------------------------------------------------------------- the builders by chart name


def _ratio(result: Charted, lang: str, *, results: Iterable[Charted] | None = None, **_: Any) -> go.Figure:
    return ratio_figure(result, lang, companion=_companion(result, results))


def _paced(result: Charted, lang: str, *, hist: pd.DataFrame | None = None, prev_hist: pd.DataFrame | None = None,
           **_: Any) -> go.Figure:
    return paced_count_figure(result, hist, lang, prev_hist=prev_hist)


def _zero(result: Charted, lang: str, *, events: pd.DataFrame | None = None, hist: pd.DataFrame | None = None,
          **_: Any) -> go.Figure:
    return zero_figure(result, lang, events=events, hist=hist)


# Kind.chart / MetricSpec.chart name the builder; metric_figure looks it up here.
BUILDERS: dict[str, Callable[..., go.Figure]] = {
    "ratio": _ratio, "paced": _paced, "zero": _zero,
    "amount": lambda result, lang, **_: amount_figure(result, lang),
    "checklist": lambda result, lang, **_: checklist_figure(result, lang),
}
