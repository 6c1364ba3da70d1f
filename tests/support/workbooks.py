"""Workbooks the tests write themselves: the activities ledger's header, its rows, and an office-style mess."""

from __future__ import annotations

import datetime as dt
import io

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
