"""#18 items 3 and 11: a CSV is checked while it is read — no silent loss, no bare 「Error」.

An unclosed quote used to swallow every row after it without a word; a field over the csv module's
limit failed as 「无法读取文件：Error」; a line of a million commas took 1.6 GB. Each now gets a
problem naming the file and the row (and the column, for a long field).
"""

from __future__ import annotations

import pytest

from ledgers.reader import SourceFile, load_files

HEADER = "活动日期,活动名称,活动类型"


def _csv(n: int, edit: dict[int, str] | None = None) -> bytes:
    """``n`` activity rows after the header; ``edit`` replaces data row k (1-based)."""
    rows = [f"2026-01-{i % 28 + 1:02d},读书会{i},文体" for i in range(1, n + 1)]
    for k, text in (edit or {}).items():
        rows[k - 1] = text
    return ("\n".join([HEADER, *rows]) + "\n").encode()


UNCLOSED = [
    # (edit, rows loaded, problem row, first and last swallowed text line): hand-counted — the header
    # is text line 1, data row k is text line k + 1 and sheet row k + 1; a record the quote closes in
    # still loads (rows 1–4, the merged 5–9, 10–28 = 24)
    ("open_to_the_end", {5: '2026-01-05,"读书会坏,文体'}, 28, 4, 6, 7, 29),
    ("closed_rows_later", {5: '2026-01-05,"读书会坏,文体', 9: '2026-01-09,读书会9",文体'}, 28, 24, 6, 7, 10),
]


@pytest.mark.parametrize("edit, n, loaded, row, first, last", [c[1:] for c in UNCLOSED], ids=[c[0] for c in UNCLOSED])
def test_an_unclosed_quote_reports_the_rows_it_swallowed(edit, n, loaded, row, first, last):
    res = load_files([SourceFile("活动.csv", _csv(n, edit))], in_process=True)
    assert len(res.frames["activities"]) == loaded
    (p,) = [p for p in res.report.problems if p.code == "csv_unclosed_quote"]
    assert p.row == row and p.severity == "error"
    assert f"第 {row} 行" in p.message and f"文本第 {first}–{last} 行" in p.message
    assert f"后面 {last - first + 1} 行" in p.message and "文件「活动.csv」" in p.message


def test_a_quoted_line_break_inside_a_field_is_not_reported():
    data = _csv(3, {2: '2026-01-02,"读书会\n第二场",文体'})
    res = load_files([SourceFile("活动.csv", data)], in_process=True)
    assert len(res.frames["activities"]) == 3
    assert not [p for p in res.report.problems if p.code == "csv_unclosed_quote"]


REFUSED = [
    ("long_field", _csv(3, {2: "2026-01-02," + "长" * 140_000 + ",文体"}), "csv_field_too_long",
     "第 3 行第 B 列的内容超过 131,072 个字符"),
    ("long_field_third_column", _csv(2, {1: '2026-01-02,a,"' + "x" * 131_073 + '"'}), "csv_field_too_long",
     "第 2 行第 C 列"),
    ("a_million_commas", (HEADER + "\n" + "," * 1_000_000 + "\n").encode(), "csv_too_wide",
     "第 2 行有 1,000,001 列，超过上限 2000 列"),
    ("too_many_cells", (HEADER + "\n" + ("," * 1999 + "\n") * 10_001).encode(), "csv_too_large",
     "超过 20,000,000 个单元格"),
]


@pytest.mark.parametrize("data, code, words", [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_an_oversized_csv_is_refused_naming_where(data, code, words):
    res = load_files([SourceFile("大.csv", data), SourceFile("好.csv", _csv(2))], in_process=True)
    bad = [p for p in res.report.problems if p.file == "大.csv"]
    assert [p.code for p in bad] == [code] and words in bad[0].message and "Error" not in bad[0].message
    assert len(res.frames["activities"]) == 2
