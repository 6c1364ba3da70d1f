"""The street grid from stored results: rows per community, cells per metric, the attention order."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from hub.grid import CommunityInfo, ResultRow, column, grid, street_counts
from metrics.vocab import Status

D = dt.date(2026, 11, 20)
A, B, C, E = (CommunityInfo(1, "甲社区", 1200), CommunityInfo(2, "乙社区", 800),
              CommunityInfo(3, "丙社区", 3000), CommunityInfo(4, "丁社区", None))
COLS = ("B04", "B08", "B12")


def r(cid: int, mid: str, status: Status, value: float | None = 1.0, target: float | None = 1.0) -> ResultRow:
    return ResultRow(cid, mid, value, status, target, D)


RESULTS = [
    r(1, "B04", Status.MET), r(1, "B08", Status.AT_RISK), r(1, "B12", Status.BEHIND),
    r(2, "B04", Status.BEHIND), r(2, "B08", Status.BEHIND), r(2, "B12", Status.MET),
    r(3, "B04", Status.MET), r(3, "B08", Status.MET),  # B12 switched off in 丙社区
]


def test_rows_are_sorted_by_what_needs_attention():
    rows = grid([A, B, C, E], RESULTS, COLS)
    # 丁 never reported: first; 乙 has 2 behind; 甲 1 behind 1 at risk; 丙 none
    assert [row.community.name for row in rows] == ["丁社区", "乙社区", "甲社区", "丙社区"]


@pytest.mark.parametrize(("community", "behind", "at_risk", "no_data", "problems", "reported"), [
    (A, 1, 1, 0, 2, True),
    (B, 2, 0, 0, 2, True),
    (C, 0, 0, 0, 0, True),
    (E, 0, 0, 3, 0, False),  # nothing reported: all three metrics without data
])
def test_problem_counts_per_community(community, behind, at_risk, no_data, problems, reported):
    row = next(x for x in grid([A, B, C, E], RESULTS, COLS) if x.community == community)
    assert (row.counts[Status.BEHIND], row.counts[Status.AT_RISK], row.counts[Status.NO_DATA]) == (
        behind, at_risk, no_data)
    assert (row.problems, row.reported) == (problems, reported)


def test_a_switched_off_metric_is_no_cell_status_and_not_counted():
    row = next(x for x in grid([C], RESULTS, COLS))
    assert [c.status for c in row.cells] == [Status.MET, Status.MET, None]
    assert sum(row.counts.values()) == 2


def test_ties_fall_back_to_the_name():
    same = [r(1, "B04", Status.BEHIND), r(2, "B04", Status.BEHIND)]
    assert [x.community.name for x in grid([A, B], same, ("B04",))] == ["乙社区", "甲社区"]  # 乙 < 甲 in code points


def test_street_counts_add_every_cell():
    counts = street_counts(grid([A, B, C, E], RESULTS, COLS))
    assert counts == {Status.MET: 4, Status.ON_TRACK: 0, Status.AT_RISK: 1, Status.BEHIND: 3, Status.NO_DATA: 3}


@pytest.mark.parametrize(("mid", "value", "target", "value_text", "target_text"), [
    ("B08", 0.851, 0.9, "85.1%", "≥ 90%"),  # a ratio
    ("B03", 2 / 3, 1.0, "2/3", "= 3/3"),  # a checklist (3 items) words its items from the catalogue's size
    ("B04", 3.0, 4.0, "3 次", "≥ 4 次"),
    ("B12", 2.0, 0.0, "2 个", "= 0 个"),
    ("B08", None, 0.9, "—", "≥ 90%"),
])
def test_cells_word_values_with_the_one_wording(mid, value, target, value_text, target_text):
    row = grid([A], [r(1, mid, Status.BEHIND, value, target)], (mid,))[0]
    assert (row.cells[0].value_text(), row.cells[0].target_text()) == (value_text, target_text)


def test_column_lists_one_metric_in_row_order():
    rows = grid([A, B, C], RESULTS, COLS)
    got = [(c.name, cell.status) for c, cell in column(rows, "B12")]
    assert got == [("乙社区", Status.MET), ("甲社区", Status.BEHIND), ("丙社区", None)]


def test_as_of_is_the_newest_result_date():
    rows = grid([A], [ResultRow(1, "B04", 1, Status.MET, 4, dt.date(2026, 10, 1)), r(1, "B08", Status.MET)], COLS)
    assert rows[0].as_of == D


@pytest.mark.parametrize(("community", "shown"), [
    (A, 1200),
    (E, None),  # households not known: an empty cell, never the text "None"
])
def test_the_problem_table_shows_known_households_and_an_empty_cell_otherwise(community, shown):
    from ui.street import problems_frame

    frame = problems_frame(grid([community], RESULTS, COLS), "zh")
    cell = frame["户数"].iloc[0]
    assert str(frame["户数"].dtype) == "Int64"
    assert (cell is pd.NA) if shown is None else (cell == shown)
