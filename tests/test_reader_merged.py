"""Cells merged vertically in data rows (位置 1号楼 over 灭火器 and 烟感): the merged value fills each row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from ledgers.reader import load_files

SECRET = b"test-secret"
D = dt.date(2026, 3, 1)

FIRE = ["位置", "器材类型", "应配数量", "实配数量", "检查日期"]
ACTS = ["活动日期", "活动名称", "活动类别", "参与人数"]
BLDG = ["楼号", "公共走道数", "已装走道灯数", "建立党小组", "楼组长"]


def xlsx(path: Path, sheet: str, rows: list[list], merges: list[str]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    for rng in merges:
        ws.merge_cells(rng)
    wb.save(path)
    return path


def load(path: Path, **kw):
    return load_files([path], secret=SECRET, in_process=True, **kw)


def merged_problems(res) -> list:
    return [p for p in res.report.problems if p.code == "merged_cells_filled"]


# name: (sheet, rows, merges, ledger, column, expected values, expected messages)
Case = tuple[str, list[list[Any]], list[str], str, str, list[Any], list[str]]
CASES: dict[str, Case] = {
    # name: (sheet, rows, merges, ledger, column, expected values, expected messages (zh fragments))
    "text_required": (
        "消防器材台账",
        [FIRE, ["1号楼", "灭火器", 4, 4, D], [None, "烟感", 6, 5, D], ["2号楼", "灭火器", 4, 3, D], [None, "烟感", 6, 6, D]],
        ["A2:A3", "A4:A5"], "fire_equipment", "位置", ["1号楼", "1号楼", "2号楼", "2号楼"],
        ["第 2–3 行「位置」为合并单元格，已按合并的值「1号楼」填入每一行",
         "第 4–5 行「位置」为合并单元格，已按合并的值「2号楼」填入每一行"]),
    "date": (
        "活动台账",
        [ACTS, [D, "广场舞", "文体", 30], [None, "科普讲座", "科普", 20], [dt.date(2026, 3, 2), "普法", "法制", 15]],
        ["A2:A3"], "activities", "活动日期",
        [pd.Timestamp(D), pd.Timestamp(D), pd.Timestamp("2026-03-02")],
        ["第 2–3 行「活动日期」为合并单元格，已按合并的值「2026-03-01"]),
    "number": (
        "活动台账",
        [ACTS, [D, "广场舞", "文体", 30], [D, "科普讲座", "科普", None], [D, "普法", "法制", "15人"]],
        ["D2:D3"], "activities", "参与人数", [30.0, 30.0, 15.0],
        ["第 2–3 行「参与人数」为合并单元格，已按合并的值「30」填入每一行"]),
    "pii_masked": (
        "楼栋台账",
        [BLDG, ["1号楼", 6, 6, "是", "张三丰"], ["2号楼", 4, 3, "否", None], ["3号楼", 4, 4, "是", "李四"]],
        ["E2:E3"], "buildings", "楼组长", ["张**", "张**", "李*"],
        ["第 2–3 行「楼组长」为合并单元格，已按合并的值「张**」填入每一行"]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_vertical_merge_fills_rows(tmp_path, case):
    sheet, rows, merges, ledger, column, values, messages = CASES[case]
    res = load(xlsx(tmp_path / f"{case}.xlsx", sheet, rows, merges))
    frame = res.frames[ledger]
    assert frame[column].tolist() == values
    assert frame["_row"].tolist() == list(range(2, 2 + len(values)))
    assert not [p for p in res.report.problems if p.code == "required_blank"]
    got = merged_problems(res)
    assert len(got) == len(messages)
    for p, fragment in zip(got, messages, strict=True):
        assert p.severity == "info" and p.column == column
        assert fragment in p.message and p.message.startswith(f"文件「{case}.xlsx」工作表「{sheet}」：")
        assert "Rows 2–3" in p.text("en") or "Rows 4–5" in p.text("en")
    if case == "pii_masked":
        assert not any("张三丰" in p.message or "张三丰" in p.text("en") for p in res.report.problems)
        assert frame["楼组长_key"].iloc[0] == frame["楼组长_key"].iloc[1]


def test_horizontal_merge_in_data_row_unchanged(tmp_path):
    rows: list[list[Any]] = [ACTS, [D, "广场舞", "文体", 30], [D, "科普讲座", None, 20]]
    res = load(xlsx(tmp_path / "h.xlsx", "活动台账", rows, ["B3:C3"]))
    frame = res.frames["activities"]
    assert frame["活动名称"].tolist() == ["广场舞"]  # 活动类别 of row 3 is not made 科普讲座
    assert [p.row for p in res.report.problems if p.code == "required_blank"] == [3]
    assert not merged_problems(res)


def test_merged_title_above_header_unchanged(tmp_path):
    rows: list[list[Any]] = [["桃园社区2026年消防器材台账", None, None, None, None], FIRE,
            ["1号楼", "灭火器", 4, 4, D], [None, "烟感", 6, 5, D]]
    res = load(xlsx(tmp_path / "t.xlsx", "消防器材台账", rows, ["A1:E1", "A3:A4"]))
    assert res.frames["fire_equipment"]["位置"].tolist() == ["1号楼", "1号楼"]
    above = [p for p in res.report.problems if p.code == "rows_above_header"]
    assert len(above) == 1 and above[0].params["text"] == "桃园社区2026年消防器材台账"
    got = merged_problems(res)
    assert len(got) == 1 and "第 3–4 行「位置」" in got[0].message


def test_totals_row_merged_with_data_rows_still_dropped(tmp_path):
    rows: list[list[Any]] = [FIRE, ["1号楼", "灭火器", 4, 4, D], [None, "烟感", 6, 5, D], [None, "合计", 10, 9, None],
            [None, None, None, None, None], ["2号楼", "灭火器", 4, 3, D]]
    res = load(xlsx(tmp_path / "s.xlsx", "消防器材台账", rows, ["A2:A4", "E2:E5"]))
    frame = res.frames["fire_equipment"]
    assert frame["位置"].tolist() == ["1号楼", "1号楼", "2号楼"]
    assert frame["_row"].tolist() == [2, 3, 6]
    assert [p.row for p in res.report.problems if p.code == "total_row"] == [4]
    assert not [p for p in res.report.problems if p.severity == "error"]
    # row 5 holds nothing but the merged date: it stays a blank row, not a record missing its values
    assert [p.params["rows"] for p in res.report.problems if p.code == "blank_rows"] == ["5"]
    assert [p.params["last"] for p in merged_problems(res)] == [4, 4]


def test_child_process_gives_the_same_frames(tmp_path):
    sheet, rows, merges, *_ = CASES["text_required"]
    path = xlsx(tmp_path / "c.xlsx", sheet, rows, merges)
    here = load(path)
    child = load_files([path], secret=SECRET)
    pd.testing.assert_frame_equal(here.frames["fire_equipment"], child.frames["fire_equipment"])
    assert [p.message for p in merged_problems(here)] == [p.message for p in merged_problems(child)]
    assert len(merged_problems(child)) == 2


def test_legacy_xls_merge(tmp_path):
    xlwt = pytest.importorskip("xlwt")
    wb = xlwt.Workbook()
    ws = wb.add_sheet("消防器材台账")
    for j, h in enumerate(FIRE):
        ws.write(0, j, h)
    ws.write_merge(1, 2, 0, 0, "1号楼")
    for i, row in enumerate([["灭火器", 4, 4, "2026-03-01"], ["烟感", 6, 5, "2026-03-01"]], start=1):
        for j, v in enumerate(row, start=1):
            ws.write(i, j, v)
    path = tmp_path / "old.xls"
    wb.save(str(path))
    res = load(path)
    assert res.frames["fire_equipment"]["位置"].tolist() == ["1号楼", "1号楼"]
    assert len(merged_problems(res)) == 1
