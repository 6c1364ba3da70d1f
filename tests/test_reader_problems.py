"""Problems render themselves: one wording on the screen, in the PDF's HTML and in the CLI's JSON;
the parsing child records codes and parameters only."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from i18n import t
from ledgers.report import Category, Code, ImportReport, Problem, Severity, flatten

ROOT = Path(__file__).resolve().parent.parent
ACTIVITIES = ROOT / "sample_data" / "桃园社区活动台账2025-2026.xlsx"
TWO_ROWS = "表头在第 3–4 行"  # the sample's activity sheet: a title, then 参与 over 户数 | 人数


def _p(code: str, params: dict, *, row: int | None = None, column: str | None = None,
       severity: str = "error") -> Problem:
    return Problem(file="a.xlsx", sheet="表1", row=row, column=column, severity=Severity(severity), code=code,
                   params=params)


@pytest.mark.parametrize("problem, lang, with_place, expected", [
    (_p("bad_number", {"value": "十二", "consequence": "skipped"}, row=7, column="参与人数"), "zh", True,
     "文件「a.xlsx」工作表「表1」第 7 行「参与人数」列：「十二」不是数字，该行未导入"),
    (_p("bad_number", {"value": "十二", "consequence": "skipped"}, row=7, column="参与人数"), "zh", False,
     "「十二」不是数字，该行未导入"),
    (_p("bad_number", {"value": "十二", "consequence": "blank"}, row=7, column="参与人数"), "en", True,
     "File 'a.xlsx', sheet '表1', row 7, column '参与人数': '十二' is not a number; the value was left blank"),
    (_p("rows_above_header", {"header": 4, "top": 3, "text": "标题"}, severity="info"), "zh", False,
     "表头在第 3–4 行，上方的标题/说明行已跳过：标题"),
    (_p("rows_above_header", {"header": 4, "top": 4, "text": "标题"}, severity="info"), "zh", False,
     "表头在第 4 行，上方的标题/说明行已跳过：标题"),
    (_p("rows_above_header", {"header": 5, "top": 4, "text": "T"}, severity="info"), "en", False,
     "Header found on rows 4–5; title/note rows above were skipped: T"),
    # the message names its rows and columns itself: no row/column prefix
    (_p("merged_cells_filled", {"first": 2, "last": 3, "columns": "位置", "value": "1号楼"}, row=2,
        column="位置", severity="info"), "zh", True,
     "文件「a.xlsx」工作表「表1」：第 2–3 行「位置」为合并单元格，已按合并的值「1号楼」填入每一行"),
])
def test_a_problem_words_itself(problem, lang, with_place, expected):
    assert problem.text(lang, with_place=with_place) == expected


@pytest.mark.parametrize("stored, with_place, expected", [
    # an old saved report: a message as text and no code the catalogue knows
    ({"file": "a.xlsx", "sheet": "S", "message": "文件「a.xlsx」工作表「S」：身份证号重复", "severity": "warning"},
     False, "身份证号重复"),
    ({"file": "a.xlsx", "sheet": "S", "message": "文件「a.xlsx」工作表「S」：身份证号重复", "severity": "warning"},
     True, "文件「a.xlsx」工作表「S」：身份证号重复"),
    # a known code whose parameters went missing: the stored text, not a crash
    ({"file": "b.csv", "code": "bad_number", "message": "“十二”不是数字", "severity": "bogus"}, False, "“十二”不是数字"),
])
def test_a_stored_problem_without_its_parameters_shows_its_text(stored, with_place, expected):
    problem = Problem.from_dict(stored)
    assert problem.text("zh", with_place=with_place) == expected
    assert problem.severity in (Severity.WARNING, Severity.INFO)


def test_dict_form_round_trips_and_keeps_the_chinese_message():
    problem = _p("bad_date", {"value": "待定", "consequence": "skipped"}, row=13, column="活动日期")
    d = problem.to_dict()
    assert d["severity"] == "error" and d["code"] == "bad_date" and d["message"] == problem.text("zh")
    assert json.loads(json.dumps(d, ensure_ascii=False)) == d
    back = Problem.from_dict(d)
    assert back.text("en") == problem.text("en") and back.severity is Severity.ERROR


def test_flatten_orders_by_file_sheet_row_then_severity():
    report = ImportReport(problems=[
        _p("required_blank", {"consequence": "skipped"}, row=9),
        _p("percent_points", {"value": "85", "pct": "85%"}, row=3, severity="warning"),
        _p("bad_number", {"value": "x", "consequence": "skipped"}, row=3),
        _p("sheet_hidden", {}, severity="info"),
    ])
    got = [(p.row, p.severity.value) for p in flatten(report)]
    assert got == [(None, "info"), (3, "error"), (3, "warning"), (9, "error")]
    assert [p.to_dict() for p in flatten(report.to_dict())] == [p.to_dict() for p in flatten(report)]


@pytest.fixture(scope="module")
def sample_report() -> dict:
    from ledgers.reader import load_files

    return load_files([ACTIVITIES], in_process=True).report.to_dict()


def test_the_two_row_header_reads_the_same_on_every_surface(sample_report):
    from report.html import build_html
    from ui.data import problem_groups, problems_table

    (above,) = [p for p in sample_report["problems"] if p["code"] == "rows_above_header"]
    assert TWO_ROWS in above["message"]  # the CLI's JSON and the store carry the dict form
    lines = [line for g in problem_groups(sample_report) for line in g.serious + g.notes]
    assert any(TWO_ROWS in line for line in lines)
    assert problems_table(sample_report)[t("ui.report.message")].str.contains(TWO_ROWS).any()
    html = build_html([], year=2026, as_of=dt.date(2026, 11, 20), figures={}, plotlyjs="", community="桃园社区",
                      sources=[], report=sample_report)
    assert TWO_ROWS in html and "表头在第 4 行" not in html


def test_the_parsing_child_records_codes_and_renders_nothing(monkeypatch):
    # read_file is what the worker child runs: wording a problem there would fail here
    import ledgers.report
    from ledgers.reader import read_file

    def no_wording(*_args: object, **_kw: object) -> str:
        raise AssertionError("a problem was worded while reading")

    monkeypatch.setattr(ledgers.report, "_t", no_wording)
    result = read_file("a.xlsx", str(ACTIVITIES), None, None, b"k")
    assert {p.code for p in result.problems} >= {Code.ROWS_ABOVE_HEADER}
    assert all(p.fallback == "" and isinstance(p.code, Code) for p in result.problems)
    with pytest.raises(AssertionError, match="worded"):
        result.problems[0].text("zh")  # the guard above is live: wording goes through _t


_NOT_CODES = ("reader.loc.", "reader.severity.", "reader.consequence.", "reader.rows_above_header.")


def test_every_code_has_a_message_and_every_message_a_code():
    from i18n.reader import MESSAGES

    messages = {k for k in MESSAGES if not k.startswith(_NOT_CODES)}
    assert messages == {code.key for code in Code}
    assert {f"reader.severity.{s.value}" for s in Severity} <= set(MESSAGES)
    for code in Code:
        zh, en = MESSAGES[code.key]
        assert zh and en and code.category in Category


@pytest.mark.parametrize("code, category", [
    ("zip_bomb", Category.FILE), ("sheet_unknown", Category.SHEET), ("duplicate_column", Category.HEADER),
    ("total_row", Category.ROWS), ("bad_date", Category.VALUE), ("id_checksum", Category.PERSONAL),
    ("no_such_code", None),
])
def test_a_problem_knows_its_category(code, category):
    problem = Problem.from_dict({"file": "a.xlsx", "code": code, "severity": "info"})
    assert problem.category is category
    assert problem.code == code and isinstance(problem.code, Code) is (category is not None)
