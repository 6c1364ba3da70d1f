"""The street's distribution figure: one metric across communities, households beside each value."""

from __future__ import annotations

import datetime as dt

import pytest

from charts.palette import STATUS_MARKER
from charts.street import distribution, label_places
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


# label_places at x_max 1000, y_max 10 maps x 100 → 78 px, y 1 → 23 px (plot of 780 × 230 px);
# a 3-character name is 39 px wide and 18 px tall, printed 8 px from its marker.
@pytest.mark.parametrize(("points", "expected"), [
    # far apart: both to the right
    ([(100, 1, "甲社区"), (600, 8, "乙社区")], ["middle right", "middle right"]),
    # same value, 23 px apart: the second's name covers the first's on either side: hover only
    # (first 86–125 px; second right 109–148, left 54–93)
    ([(100, 5, "甲社区"), (130, 5, "乙社区")], ["middle right", None]),
    # same value, the second 31 px to the left: its right (211–250) meets the first's (242–281), its left
    # (156–195) is free
    ([(300, 5, "甲社区"), (260, 5, "乙社区")], ["middle right", "middle left"]),
    # 50 px apart: the second's name starts (136 px) after the first's ends (125 px)
    ([(100, 5, "甲社区"), (164, 5, "乙社区")], ["middle right", "middle right"]),
    # three on one spot: the first right, the second left, the third has no room and is hover-only
    ([(500, 5, "甲社区"), (500, 5, "乙社区"), (500, 5, "丙社区")], ["middle right", "middle left", None]),
    # one value apart (23 px > 18 px): no overlap
    ([(300, 4, "甲社区"), (300, 5, "乙社区")], ["middle right", "middle right"]),
])
def test_printed_names_never_overlap(points, expected):
    assert label_places(points, 1000, 10) == expected


@pytest.mark.parametrize(("markers", "expected"), [
    ([], "middle right"),
    ([(150, 5)], "middle left"),       # a marker at 117 px (111–123) sits in the right box (86–125)
    ([(150, 5), (50, 5)], None),       # and one at 39 px (33–45) in the left box (31–70)
    ([(150, 6)], "middle right"),      # a value higher (138 px, 132–144) clears the name (106–124)
])
def test_a_name_does_not_cover_another_communitys_marker(markers, expected):
    assert label_places([(100, 5, "甲社区")], 1000, 10, markers) == [expected]


def test_tied_counts_print_each_name_once_at_most_and_the_rest_on_hover():
    pts = [(f"社区{i}", 2000 + 10 * i, row(i, 6.0, Status.BEHIND, 0.0)) for i in range(6)]
    trace = distribution("B12", pts).data[0]
    printed = [tt for tt in trace.texttemplate if tt]
    assert len(printed) == 2  # right of the first, left of a later one; four on hover
    assert list(trace.text) == [f"社区{i}" for i in range(6)]  # every name still on hover
