"""The blank template: every ledger a sheet, explained headers, drop-downs, and it reads back cleanly."""

from __future__ import annotations

import io

import openpyxl
import pytest

from ledgers.reader import SourceFile, load_files
from ledgers.registry import LEDGERS
from ledgers.template import template_workbook


@pytest.fixture(scope="module")
def book():
    return openpyxl.load_workbook(io.BytesIO(template_workbook()))


def test_one_sheet_per_ledger_in_order(book):
    assert book.sheetnames == [spec.name for spec in LEDGERS.values()]
    assert len(book.sheetnames) == 19


@pytest.mark.parametrize("key", list(LEDGERS))
def test_headers_comments_and_validations(book, key):
    spec = LEDGERS[key]
    ws = book[spec.name]
    headers = [c.value for c in ws[1]]
    assert headers == [c.name + ("*" if c.required else "") for c in spec.columns]
    for cell, col in zip(ws[1], spec.columns, strict=True):
        text = cell.comment.text
        assert text.startswith(col.name) and ("必填" if col.required else "选填") in text
        for syn in col.synonyms:
            assert syn in text
    lists = {next(iter(dv.sqref.ranges)).min_col: dv for dv in ws.data_validations.dataValidation if dv.type == "list"}
    for j, col in enumerate(spec.columns, start=1):
        if col.type == "yesno":
            assert lists[j].formula1 == '"是,否"'
        elif col.type == "category" and col.categories:
            assert lists[j].formula1 == '"' + ",".join(col.categories) + '"'
        else:
            assert j not in lists


def test_date_columns_are_formatted_and_ids_are_text(book):
    ws = book["就业援助台账"]

    def fmt(col: int) -> str:  # openpyxl groups equal neighbouring columns into one dimension
        return next(d.number_format for d in ws.column_dimensions.values() if d.min <= col <= d.max)

    assert fmt(4) == "yyyy-mm-dd"  # 登记日期
    assert fmt(2) == "@"  # 身份证号 stays text: no digits lost to a float


def test_template_reads_back_as_headers_only():
    res = load_files([SourceFile("模板.xlsx", template_workbook())], in_process=True)
    assert {s.status for s in res.report.sheets} == {"headers_only"}
    assert {s.ledger for s in res.report.sheets} == set(LEDGERS)
    assert {p.code for p in res.report.problems} == {"headers_only"}
