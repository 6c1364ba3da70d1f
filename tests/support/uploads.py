"""Uploads the book tests send: the eight files of issue 12 (seven broken, one good activity ledger)
and a mediation ledger with a few more rows than the sample's."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook

from tests.support.workbooks import ACT, act_row

OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")


def _book(*sheets: tuple[str, list[list]]) -> bytes:
    wb = Workbook()
    for i, (title, rows) in enumerate(sheets):
        ws = wb.active if i == 0 else wb.create_sheet(title)
        assert ws is not None
        ws.title = title
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def good_activities(rows: int = 6) -> bytes:
    """活动台账 with ``rows`` activities in March 2026, beside a 说明 sheet holding only notes."""
    return _book(("说明", [["本台账由居委会填写"], ["每月 5 日前更新"]]),
                 ("活动台账", [ACT, *(act_row(i) for i in range(1, rows + 1))]))


def eight_files() -> list[tuple[str, bytes]]:
    """The upload of issue 12: seven files that must replace nothing and one activity ledger."""
    blank = Workbook()
    buf = io.BytesIO()
    blank.save(buf)
    return [
        ("志愿者名册.xlsx", "这其实是一个文本文件，只是改了扩展名".encode()),  # renamed text
        ("设施台账.xlsx", b"PK\x03\x04" + b"\x00garbage" * 40),  # a zip cut short
        ("就业援助台账.xlsx", OLE_MAGIC + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le")),
        ("治安工作台账.xlsx", _book(("治安工作台账", [["日期", "工作类型", "内容"]]))),  # headers only
        ("入户调查.csv", b""),  # empty CSV
        ("空白.xlsx", buf.getvalue()),  # a workbook with nothing in it
        ("调解台账.xlsx", _book(("调解台账", [["受理日期", "纠纷类型"], [dt.date(2026, 3, 2), "邻里"]]))),
        ("活动台账.xlsx", good_activities()),
    ]


def mediation_plus(extra: int = 5) -> tuple[str, bytes]:
    """The sample's 调解台账.csv (GBK, as an office PC saves it) with ``extra`` more settled disputes,
    dated inside its own range so the as-of date of the book does not move."""
    from pathlib import Path

    path = Path(__file__).parents[2] / "sample_data" / "调解台账.csv"
    lines = path.read_bytes().decode("gbk").splitlines()
    footer = [i for i, line in enumerate(lines) if line.strip(",") and not line[:1].isdigit()][-1]
    new = [f"2026-10-{10 + i:02d},邻里,新增{i}号,成功,2026-10-{20 + i:02d}" for i in range(extra)]
    return path.name, "\r\n".join([*lines[:footer], *new, *lines[footer:]]).encode("gbk") + b"\r\n"
