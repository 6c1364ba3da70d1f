"""Chart builders, one table row per metric kind: the figure's structure, not its pixels."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import pytest

from charts import figures
from charts.palette import STATUS_STYLE
from charts.template import TEMPLATE

AS_OF = dt.date(2026, 11, 20)


@dataclass
class Result:
    """The attributes of metrics.engine.MetricResult that the charts read."""

    id: str
    kind: str
    value: float | None
    target: float | None
    status: str
    op: str = ">="
    name: str = "测试指标"
    name_en: str = "Test metric"
    unit: str = ""
    paced: bool = False
    expected: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    items: list[tuple[str, bool]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    target_source: str = "plan"
    year: int = 2026
    as_of: dt.date = AS_OF


def hist(year: int = 2026, values: list[float] | None = None, status: str = "met") -> pd.DataFrame:
    months = pd.date_range(f"{year}-01-31", periods=12, freq="ME")
    values = values if values is not None else [float(i) for i in range(1, 13)]
    return pd.DataFrame({"month_end": months[: len(values)], "value": values,
                         "status": [status] * len(values)})


def shapes(fig: go.Figure, name: str) -> list[Any]:
    return [s for s in fig.layout.shapes if s.name == name]


def traces(fig: go.Figure, meta: str) -> list[Any]:
    return [tr for tr in fig.data if tr.meta == meta or tr.name == meta]


def annotations_text(fig: go.Figure) -> str:
    return " | ".join(a.text for a in fig.layout.annotations)


RATIO = Result("B07a", "ratio", 0.87, 0.90, "at_risk", name="消防器材配备率", name_en="Fire equipment")
AMOUNT = Result("B09a", "sum", 420.0, 400.0, "met", unit="㎡", name="文体活动场所面积")
COUNT_UNPACED = Result("T13", "count", 85.0, 100.0, "at_risk", unit="人")
PACED = Result("B04", "count", 3.0, 4.0, "on_track", paced=True, expected=3.5, unit="次")
ZERO = Result("B02", "zero", 1.0, 0.0, "behind", op="=")
ZERO_NONE = Result("B06", "zero", 0.0, 0.0, "met", op="=")
CHECK = Result("T03", "checklist", 0.75, 1.0, "at_risk", numerator=3, denominator=4,
               items=[("总工会", True), ("供电局", True), ("自来水公司", False), ("电信局", True)],
               missing=["自来水公司"])


@pytest.mark.parametrize(
    ("result", "kwargs", "expect"),
    [
        # ratio: a value bar in the status colour, the target line at 90 and the band 85–90
        (RATIO, {}, {"target": 90.0, "band": (85.0, 90.0), "value_color": STATUS_STYLE["at_risk"].color}),
        # sum: value bar, target at 400, band 320–400 (80 % of target)
        (AMOUNT, {}, {"target": 400.0, "band": (320.0, 400.0), "value_color": STATUS_STYLE["met"].color}),
        # unpaced count behaves like a sum
        (COUNT_UNPACED, {}, {"target": 100.0, "band": (80.0, 100.0),
                             "value_color": STATUS_STYLE["at_risk"].color}),
    ],
)
def test_bar_kinds_have_target_line_and_band(result: Result, kwargs: dict, expect: dict) -> None:
    fig = figures.metric_figure(result, None, "zh", **kwargs)
    (target,) = shapes(fig, "target")
    assert target.x0 == target.x1 == pytest.approx(expect["target"])
    (band,) = shapes(fig, "band")
    assert (band.x0, band.x1) == pytest.approx(expect["band"])
    (bar,) = traces(fig, "value")
    assert bar.marker.color == expect["value_color"]
    # the status is printed as icon and word, so it survives greyscale and the PDF
    style = STATUS_STYLE[result.status]
    assert style.icon in bar.text[0]
    assert f"{style.icon} {figures.t('status.' + result.status, 'zh')}" in fig.layout.title.text
    assert fig.layout.template == TEMPLATE


@pytest.mark.parametrize(("rid", "own", "other", "other_name"),
                         [("B15", 20.0, 38.0, "stretch"), ("T08", 38.0, 20.0, "basic")])
def test_greening_shows_basic_and_stretch_targets(rid: str, own: float, other: float, other_name: str) -> None:
    result = Result(rid, "ratio", 0.31, own / 100, "met" if rid == "B15" else "behind", name="绿化率")
    fig = figures.metric_figure(result, None, "zh")
    assert shapes(fig, "target")[0].x0 == pytest.approx(own)
    assert shapes(fig, other_name)[0].x0 == pytest.approx(other)
    text = annotations_text(fig)
    assert "基本目标" in text and "年度目标" in text


def test_greening_companion_takes_office_target_from_results() -> None:
    b15 = Result("B15", "ratio", 0.31, 0.20, "met")
    t08 = Result("T08", "ratio", 0.31, 0.40, "behind")
    fig = figures.metric_figure(b15, None, "zh", results=[b15, t08])
    assert shapes(fig, "stretch")[0].x0 == pytest.approx(40.0)


def test_paced_count_has_cumulative_line_pace_line_and_band() -> None:
    fig = figures.metric_figure(PACED, hist(values=[0, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]), "zh",
                                prev_hist=hist(2025, values=[1, 1, 2, 2, 2, 3, 3, 4, 4, 4, 5, 5]))
    (pace,) = traces(fig, "pace")
    assert list(pace.y) == [0, 4.0]
    assert pd.Timestamp(pace.x[0]) == pd.Timestamp("2026-01-01")
    assert pd.Timestamp(pace.x[-1]) == pd.Timestamp("2026-12-31")
    (actual,) = traces(fig, "actual")
    # only months up to the as-of date, then the value at D itself
    assert all(pd.Timestamp(x) <= pd.Timestamp(AS_OF) for x in actual.x)
    assert actual.y[-1] == 3.0 and actual.line.color == STATUS_STYLE["on_track"].color
    (band,) = traces(fig, "band")
    assert band.fill == "tonexty" and list(band.y) == [0, 4.0]
    (prev,) = traces(fig, "previous")
    assert all(pd.Timestamp(x).year == 2026 for x in prev.x[1:])  # shifted onto this year's axis
    # 3.5 events are due by the pace: the subtitle says 4 (whole events, rounded up), the hover 3.5
    assert "截至11/20 应达 4 次" in fig.layout.title.subtitle.text
    (mark,) = traces(fig, "expected")
    assert "按进度应达 3.5 次" in mark.hovertemplate
    # counts are whole: integer ticks, months 1–12 level, value and status on the title's second line
    assert fig.layout.yaxis.tickformat == ",d" and fig.layout.yaxis.dtick >= 1
    assert fig.layout.xaxis.tickformat == "%-m" and fig.layout.xaxis.tickangle == 0
    assert "<br>" in fig.layout.title.text and "4 次" not in fig.layout.title.text.split("<br>")[0]


def test_zero_with_events_is_a_timeline() -> None:
    events = pd.DataFrame({"发生日期": pd.to_datetime(["2024-05-02", "2026-03-09"]),
                           "事件类别": ["火灾", "火灾"], "_row": [3, 9]})
    fig = figures.metric_figure(ZERO, None, "zh", events=events)
    (ev,) = traces(fig, "events")
    assert [pd.Timestamp(x) for x in ev.x] == list(events["发生日期"])
    assert list(ev.y) == ["火灾", "火灾"]
    assert "未达标" in fig.layout.title.text and "= 0" in fig.layout.title.subtitle.text


def test_zero_without_events_says_so() -> None:
    fig = figures.metric_figure(ZERO_NONE, None, "en", events=pd.DataFrame())
    assert traces(fig, "none")
    assert "Met" in fig.layout.title.text


def test_zero_without_rows_falls_back_to_month_end_counts() -> None:
    result = Result("B12", "zero", 2.0, 0.0, "behind", op="=")
    fig = figures.metric_figure(result, hist(values=[0, 1, 2], status="behind"), "zh")
    (bars,) = traces(fig, "monthly")
    assert list(bars.y) == [0, 1, 2]


def test_as_of_cuts_history_for_results_without_a_date() -> None:
    result = Result("B04", "count", 2.0, 4.0, "on_track", paced=True, expected=1.5)
    object.__setattr__(result, "as_of", None)
    fig = figures.metric_figure(result, hist(values=[0, 1, 1, 1, 2, 2, 9, 9]), "zh", as_of=dt.date(2026, 6, 15))
    (actual,) = traces(fig, "actual")
    assert pd.Timestamp(actual.x[-1]) == pd.Timestamp("2026-06-15") and 9 not in list(actual.y)


def test_checklist_names_each_item_ticked_or_missing() -> None:
    fig = figures.metric_figure(CHECK, None, "zh")
    (present,) = traces(fig, "present")
    (missing,) = traces(fig, "missing")
    assert list(present.y) == ["总工会", "供电局", "电信局"]
    assert list(missing.y) == ["自来水公司"]
    assert "缺少" in missing.text[0] and "已具备" in present.text[0]
    assert list(fig.layout.yaxis.categoryarray) == ["电信局", "自来水公司", "供电局", "总工会"]


def test_no_data_is_never_drawn_as_zero() -> None:
    fig = figures.metric_figure(Result("B17", "ratio", None, 0.8, "no_data"), None, "zh")
    assert not fig.data
    assert "无数据" in annotations_text(fig)


def test_language_switch_changes_labels() -> None:
    zh = figures.metric_figure(RATIO, None, "zh")
    en = figures.metric_figure(RATIO, None, "en")
    assert "消防器材配备率" in zh.layout.title.text and "Fire equipment" in en.layout.title.text
    assert "目标" in annotations_text(zh) and "Target" in annotations_text(en)


def test_sparkline_colours_each_month_by_status() -> None:
    h = hist(values=[0.8, 0.9]).assign(status=["at_risk", "met"])
    fig = figures.sparkline(h, "ratio")
    (line,) = fig.data
    assert list(line.marker.color) == [STATUS_STYLE["at_risk"].color, STATUS_STYLE["met"].color]
    assert list(line.y) == pytest.approx([80.0, 90.0])
    assert not figures.sparkline(None).data


def test_status_summary_counts_every_status() -> None:
    fig = figures.status_summary([RATIO, AMOUNT, PACED, ZERO, CHECK], "zh")
    (bars,) = fig.data
    assert list(bars.y) == [1, 1, 2, 1, 0]
    assert bars.x[0] == "✔ 达标"


def test_year_on_year_overlays_the_earlier_year() -> None:
    assert not figures.has_year_on_year(None)
    prev = hist(2025, values=[0.85] * 12)
    assert figures.has_year_on_year(prev)
    fig = figures.year_on_year(RATIO, hist(values=[0.8, 0.86, 0.87]), prev, "zh")
    assert len(traces(fig, "previous")[0].x) == 12
    assert list(traces(fig, "current")[0].y) == pytest.approx([80.0, 86.0, 87.0])
    assert shapes(fig, "target")[0].y0 == pytest.approx(90.0)


@pytest.mark.parametrize(("result", "value", "target"), [
    (RATIO, "87.0%", "≥ 90%"), (AMOUNT, "420 ㎡", "≥ 400 ㎡"), (CHECK, "3/4", "= 4/4"),
    (ZERO, "1 起", "= 0 起"), (PACED, "3 次", "≥ 4 次"),
])
def test_format_value_and_target(result: Result, value: str, target: str) -> None:
    assert figures.format_value(result, "zh") == value
    assert figures.format_target(result, "zh") == target


CJK = __import__("re").compile(r"[\u3400-\u9fff]")


@pytest.mark.parametrize("spec", __import__("metrics.registry", fromlist=["METRICS"]).METRICS,
                         ids=lambda s: s.id)
def test_english_values_and_targets_carry_no_chinese_unit(spec: Any) -> None:
    """Every registry unit (人, 次, 起, 个, 项, ㎡) has an English form on screen and in the PDF."""
    from report import format as report_format

    size = spec.checklist_size or None
    for value in (1.0, 14.0):
        result = Result(spec.id, spec.kind, value if spec.kind != "ratio" else 0.5, spec.default_target, "met",
                        op=spec.op, unit=spec.unit, paced=spec.paced,
                        numerator=size, denominator=size)
        for text in (figures.format_value(result, "en"), figures.format_target(result, "en"),
                     report_format.format_value(result, "en"), report_format.format_target(result, "en")):
            assert not CJK.search(text), (spec.id, text)


def test_units_read_in_english_with_number() -> None:
    assert figures.format_value(COUNT_UNPACED, "en") == "85 people"
    assert figures.format_value(ZERO, "en") == "1 event"
    assert figures.format_value(ZERO_NONE, "en") == "0 events"
    assert figures.format_value(PACED, "en") == "3 times"
    assert figures.format_target(COUNT_UNPACED, "en") == "≥ 100 people"
    assert figures.format_value(COUNT_UNPACED, "zh") == "85 人"


@pytest.mark.parametrize(("target", "size", "text"), [(1.0, 3, "= 3/3"), (0.6, 5, "≥ 3/5"), (0.8, 5, "≥ 4/5")])
def test_checklist_targets_are_items_not_percent(target: float, size: int, text: str) -> None:
    result = Result("T01", "checklist", 0.8, target, "met", numerator=4, denominator=size)
    assert figures.format_target(result, "zh") == text
    assert figures.format_value(result, "zh") == f"4/{size}"


@pytest.mark.parametrize(("values", "value_side", "label_anchor"), [
    ([0.30, 0.31], "bottom center", "bottom"),  # under the target (T08: 31% against ≥ 38%)
    ([0.95, 0.97], "top center", "top"),  # over it
])
def test_year_on_year_value_and_target_labels_sit_on_opposite_sides(values, value_side, label_anchor) -> None:
    result = Result("T08", "ratio", values[-1], 0.38 if values[0] < 0.5 else 0.90, "behind")
    fig = figures.year_on_year(result, hist(values=values), hist(2025, values=[0.3] * 12), "zh")
    current = traces(fig, "current")[0]
    assert current.textposition == value_side
    label = next(a for a in fig.layout.annotations if a.name == "target")
    # the target's label at the left end, on the far side of the line from the latest value's label
    assert label.xanchor == "left" and label.x == 0.0 and label.yanchor == label_anchor


def test_b02_timeline_spans_its_three_year_window() -> None:
    fig = figures.metric_figure(ZERO_NONE.__class__("B02", "zero", 0.0, 0.0, "met", op="="), None, "zh",
                                events=pd.DataFrame())
    start, end = (pd.Timestamp(x) for x in fig.layout.xaxis.range)
    assert start == pd.Timestamp("2023-11-20") and end > pd.Timestamp(AS_OF)
    assert "2023-11-21" in fig.layout.title.subtitle.text
    (line,) = traces(fig, "none")
    assert pd.Timestamp(line.x[0]) == start


def test_other_zero_timelines_span_the_year_or_their_events() -> None:
    fig = figures.metric_figure(ZERO_NONE, None, "zh", events=pd.DataFrame())
    assert pd.Timestamp(fig.layout.xaxis.range[0]) == pd.Timestamp("2026-01-01")
    found = pd.DataFrame({"巡查日期": pd.to_datetime(["2024-07-01", "2026-02-03"]), "问题类别": ["六乱", "无证犬"]})
    fig = figures.metric_figure(Result("B12", "zero", 2.0, 0.0, "behind", op="=", unit="个"), None, "zh",
                                events=found)
    assert pd.Timestamp(fig.layout.xaxis.range[0]) < pd.Timestamp("2024-07-01")
