"""Workbooks the tests write themselves: the activities ledger's header, its rows, and an office-style mess."""

from __future__ import annotations

import datetime as dt
import io

import xlsxwriter
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

ACT = ["活动日期", "活动名称", "活动类别", "参与户数", "参与人数"]


def act_row(i: int = 1) -> list:
    return [dt.date(2026, 3, i), f"活动{i}", "文体", 3, 10]


def first_sheet(wb: Workbook) -> Worksheet:
    """The worksheet a new openpyxl workbook starts with (``wb.active`` types it as optional)."""
    ws = wb.active
    assert isinstance(ws, Worksheet)
    return ws


def messy_activities() -> bytes:
    """An office-style activities workbook: title and blank rows, synonyms, text dates, a totals row."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["桃园社区2026年文体活动台账"])
    ws.append([])
    ws.append(["日期", "活动内容", "类型", "参加人数 ", "合作单位"])
    dates = ["2026/1/8", "2026年2月3日", "2026.3.5", "2026-03-28", "2026/4/18", "2026/5/9", "2026/6/2",
             "2026/7/15", "2026/8/1", "2026/9/9", "2026/10/10", "2026/11/11"]
    for i, day in enumerate(dates):
        ws.append([day, f"广场舞比赛{i + 1}", "文体", f"{20 + i}人", "供电局、电信局"])
    ws.append(["合计", "", "", "294", ""])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def sheets_of_many_sizes() -> bytes:
    """A workbook whose biggest sheet is not its first: a note sheet, two sheets of the same ledger
    (small, then big, each with a bad row), a blank sheet and a fire-equipment sheet in between."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf)
    header = ["活动日期", "活动名称", "活动类别", "参与人数"]

    def activities(ws, n: int, tag: str) -> None:
        ws.write_row(0, 0, header)
        for i in range(n):
            ws.write_row(i + 1, 0, [f"2026-{i % 12 + 1:02d}-{i % 28 + 1:02d}", f"{tag}活动{i}", "文体", i % 40])
        ws.write_row(n + 1, 0, ["不是日期", f"{tag}坏行", "文体", 3])  # one problem per sheet

    wb.add_worksheet("说明").write_column(0, 0, ["本台账由社区填写", "联系人：居委会"])
    activities(wb.add_worksheet("文体活动"), 3, "小")
    wb.add_worksheet("空白")
    fire = wb.add_worksheet("消防器材台账")
    fire.write_row(0, 0, ["位置", "器材类型", "应配数量", "实配数量", "检查日期"])
    for i in range(40):
        fire.write_row(i + 1, 0, [f"{i % 9 + 1}号楼", "灭火器", 4, 3 + i % 2, "2026-06-01"])
    activities(wb.add_worksheet("活动台账二"), 400, "大")
    wb.close()
    return buf.getvalue()
