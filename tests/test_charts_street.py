"""The street's distribution figure: one metric across communities, households beside each value."""

from __future__ import annotations

import datetime as dt

from charts.palette import STATUS_MARKER
from charts.street import distribution
from hub.grid import ResultRow
from metrics.vocab import Status

D = dt.date(2026, 11, 20)


def row(cid: int, value: float | None, status: Status, target: float = 0.9) -> ResultRow:
    return ResultRow(cid, "B08", value, status, target, D)


POINTS = [("甲社区", 1200, row(1, 0.95, Status.MET)), ("乙社区", 800, row(2, 0.87, Status.AT_RISK)),
          ("丙社区", 3000, row(3, 0.70, Status.BEHIND)), ("丁社区", 500, row(4, None, Status.NO_DATA)),
          ("戊社区", None, row(5, 0.92, Status.MET))]


def test_each_status_is_one_trace_with_its_own_shape_and_the_values_in_percent():
    fig = distribution("B08", POINTS)
    traces = {tr.name: tr for tr in fig.data}
    assert set(traces) == {"✔ 达标", "▲ 需关注", "✖ 未达标"}
    assert list(traces["✔ 达标"].x) == [1200] and list(traces["✔ 达标"].y) == [95.0]
    assert traces["✖ 未达标"].marker.symbol == STATUS_MARKER[Status.BEHIND]
    assert list(traces["▲ 需关注"].text) == ["乙社区"]


def test_the_target_line_is_drawn_at_the_target_with_its_wording():
    fig = distribution("B08", POINTS)
    line = next(s for s in fig.layout.shapes if s.name == "target")
    assert (line.y0, line.y1) == (90.0, 90.0)
    label = next(a for a in fig.layout.annotations if a.name == "target")
    assert label.text == "目标 ≥ 90%"


def test_communities_without_a_value_or_households_are_named_not_dropped():
    fig = distribution("B08", POINTS)
    note = next(a for a in fig.layout.annotations if a.name == "left_out")
    assert "丁社区" in note.text and "戊社区" in note.text


def test_no_order_by_value_the_x_axis_is_households():
    fig = distribution("B08", POINTS, "en")
    assert fig.layout.xaxis.title.text == "Households"
    assert fig.layout.title.text.startswith("B08 ") and fig.layout.title.text.endswith("（%）")


def test_different_targets_draw_no_single_line():
    pts = [("甲社区", 100, row(1, 0.95, Status.MET, 0.9)), ("乙社区", 200, row(2, 0.95, Status.MET, 0.95))]
    assert not [s for s in distribution("B08", pts).layout.shapes if s.name == "target"]


def test_names_are_printed_beside_the_points_that_fall_short_only():
    traces = {tr.name: tr for tr in distribution("B08", POINTS).data}
    assert traces["✔ 达标"].mode == "markers" and list(traces["✔ 达标"].text) == ["甲社区"]  # on hover
    assert traces["✖ 未达标"].mode == "markers+text" and traces["▲ 需关注"].mode == "markers+text"
