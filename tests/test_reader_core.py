"""The ledger reader on messy office files the tests write themselves (ledgers.md "must handle")."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
import xlsxwriter

from ledgers.privacy import id_checksum_ok
from ledgers.reader import SourceFile, load_files
from ledgers.registry import LEDGERS
from tests.support.workbooks import ACT, act_row, first_sheet

SECRET = b"test-secret"


def xlsx(path: Path, sheets: dict[str, list[list[Any]]], *, hidden: tuple[str, ...] = (),
         merges: dict[str, list[str]] | None = None) -> Path:
    """A workbook written with openpyxl (formulas stay formulas without cached values)."""
    wb = openpyxl.Workbook()
    wb.remove(first_sheet(wb))
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        for rng in (merges or {}).get(name, []):
            ws.merge_cells(rng)
        if name in hidden:
            ws.sheet_state = "hidden"
    wb.save(path)
    return path


def xlsx_strings(path: Path, sheets: dict[str, list[list]]) -> Path:
    """A workbook written with xlsxwriter where every str is written as a string (never a formula)."""
    wb = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                if isinstance(v, str):
                    ws.write_string(i, j, v)
                elif v is not None:
                    ws.write(i, j, v)
    wb.close()
    return path


def load(*sources, **kw):
    return load_files(list(sources), in_process=True, secret=SECRET, **kw)


def probs(result, code: str | None = None) -> list:
    return [p for p in result.report.problems if code is None or p.code == code]


# --- registry walk -------------------------------------------------------------------------------

_SAMPLE = {"date": dt.date(2026, 3, 5), "text": "甲乙", "int": 3, "number": 12.5, "percent": 0.85, "yesno": "是"}


def _sample(col):
    if col.type == "category":
        return next(iter(col.categories), "热线咨询")
    return _SAMPLE[col.type]


@pytest.mark.parametrize("key", list(LEDGERS))
@pytest.mark.parametrize("named", [True, False], ids=["by-name", "by-headers"])
def test_registry_round_trip(tmp_path, key, named):
    spec = LEDGERS[key]
    assert spec.name and spec.name_en and spec.aliases and spec.required
    assert len({c.name for c in spec.columns}) == len(spec.columns)
    headers = [c.name for c in spec.columns]
    row = [_sample(c) for c in spec.columns]
    path = xlsx(tmp_path / "book.xlsx", {spec.name if named else "Sheet1": [headers, row]})
    res = load(path)
    assert list(res.frames) == [key], res.report.problems
    frame = res.frames[key]
    assert len(frame) == 1 and frame["_row"].tolist() == [2] and frame["_file"].tolist() == ["book.xlsx"]
    assert not [p for p in res.report.problems if p.severity != "info"]
    for col in spec.columns:
        dtype = frame[col.name].dtype
        expected = {"date": "datetime64[ns]", "int": "float64", "number": "float64", "percent": "float64",
                    "yesno": "boolean"}.get(col.type, "object")
        assert str(dtype) == expected, (col.name, dtype)
        if col.pii:
            assert frame[col.name + "_key"].str.len().tolist() == [64]
            assert frame[col.name].iloc[0] != "甲乙"
        elif col.type == "percent":
            assert frame[col.name].iloc[0] == pytest.approx(0.85)
        elif col.type == "yesno":
            assert bool(frame[col.name].iloc[0]) is True
    assert res.report.sheets[0].recognised_by == ("sheet_name" if named else "headers")


def test_registry_order_and_count():
    assert len(LEDGERS) == 19
    assert list(LEDGERS)[:3] == ["activities", "households", "fire_equipment"]
    assert list(LEDGERS)[-1] == "targets"


# --- dates, numbers, yes/no, categories ----------------------------------------------------------

@pytest.mark.parametrize("cell, expected", [
    (dt.date(2026, 3, 5), "2026-03-05"),
    (dt.datetime(2026, 3, 5, 14, 30), "2026-03-05"),
    (46086, "2026-03-05"),
    ("2026-03-05", "2026-03-05"),
    ("2026/3/5", "2026-03-05"),
    ("2026.3.5", "2026-03-05"),
    ("2026年3月5日", "2026-03-05"),
    ("２０２６年３月５日", "2026-03-05"),
    ("2026年3月", "2026-03-01"),
    ("26.3.5", None),
    ("2026年13月5日", None),
    ("3月5日", None),
    ("2026-02-30", None),
])
def test_dates(tmp_path, cell, expected):
    good = act_row(1)
    path = xlsx(tmp_path / "活动.xlsx", {"活动台账": [ACT, good, [cell, "测试", "文体", 1, 2]]})
    res = load(path)
    frame = res.frames["activities"]
    if expected:
        assert frame["活动日期"].iloc[1] == pd.Timestamp(expected)
        assert not probs(res, "bad_date")
    else:
        assert len(frame) == 1  # required date unreadable: the row is skipped, the good one kept
        (p,) = probs(res, "bad_date")
        assert (p.file, p.sheet, p.row, p.column, p.severity) == ("活动.xlsx", "活动台账", 3, "活动日期", "error")
        assert "第 3 行" in p.message and "活动日期" in p.message and "未导入" in p.message
        assert res.report.sheets[0].skipped == 1


@pytest.mark.parametrize("cell, expected", [
    ("３人", 3), ("5 人", 5), ("1.5万", 15000), ("1,200", 1200), ("12人", 12), ("3户", 3), ("１２", 12),
    (7, 7), (7.0, 7), ("1，200人", 1200), ("十二", None), ("12人左右", None),
])
def test_numbers(tmp_path, cell, expected):
    path = xlsx(tmp_path / "a.xlsx", {"活动台账": [ACT, [dt.date(2026, 3, 1), "a", "文体", 1, cell]]})
    res = load(path)
    frame = res.frames["activities"]
    assert len(frame) == 1  # 参与人数 is optional: an unreadable value leaves the row in, blank
    if expected is None:
        assert pd.isna(frame["参与人数"].iloc[0])
        (p,) = probs(res, "bad_number")
        assert (p.row, p.column, p.severity) == (2, "参与人数", "warning") and "按空白处理" in p.message
    else:
        assert frame["参与人数"].iloc[0] == expected


FAC = ["设施名称", "设施类别", "面积（平方米）", "利用率", "状态"]


@pytest.mark.parametrize("area, rate, state, exp_area, exp_rate, exp_state, codes", [
    ("90㎡", "12%", "完好", 90, 0.12, "正常", []),
    ("400 ㎡", 0.85, "在用", 400, 0.85, "正常", []),
    ("1,200平方米", "85%", "破损", 1200, 0.85, "损坏", []),
    (55.5, 85, "关闭", 55.5, 0.85, "停用", ["percent_points"]),
    ("大", "高", "正常", None, None, "正常", ["bad_number", "bad_number"]),
])
def test_area_percent_and_category_synonyms(tmp_path, area, rate, state, exp_area, exp_rate, exp_state, codes):
    path = xlsx(tmp_path / "f.xlsx", {"设施台账": [FAC, ["活动室", "老年人活动室", area, rate, state]]})
    res = load(path)
    frame = res.frames["facilities"]
    got = frame.iloc[0]
    assert (pd.isna(got["面积"]) and exp_area is None) or got["面积"] == pytest.approx(exp_area)
    assert (pd.isna(got["利用率"]) and exp_rate is None) or got["利用率"] == pytest.approx(exp_rate)
    assert got["状态"] == exp_state
    assert sorted(p.code for p in res.report.problems if p.severity != "info") == sorted(codes)


YES = ["是", "有", "√", "✓", "Y", "y", "1", 1, True, "TRUE", "已", "已参加"]
NO = ["否", "无", "×", "✗", "N", "0", 0, False, "FALSE", "未", "未参加"]


def test_yes_no_variants(tmp_path):
    header = ["户号", "调查日期", "参加文化活动", "知晓消防知识", "参与垃圾分类"]
    rows = [[f"{i}号", dt.date(2026, 1, 1), v, v, "是"] for i, v in enumerate(YES + NO + ["也许"])]
    res = load(xlsx(tmp_path / "h.xlsx", {"入户调查": [header, *rows]}))
    frame = res.frames["households"]
    assert frame["参加文化活动"].tolist() == [True] * len(YES) + [False] * len(NO)
    bad = probs(res, "bad_yesno")
    assert {(p.row, p.column) for p in bad} == {(len(rows) + 1, "参加文化活动"), (len(rows) + 1, "知晓消防知识")}
    assert all(p.severity == "error" for p in bad) and res.report.sheets[0].skipped == 1


@pytest.mark.parametrize("ledger, header, value, expected, code, severity", [
    ("volunteers", ["姓名", "队伍", "状态"], ["张三", "治安巡逻队", "在职"], "在册", None, None),
    ("volunteers", ["姓名", "队伍", "状态"], ["张三", "舞蹈队", "在册"], "其他", "unknown_category", "warning"),
    ("volunteers", ["姓名", "队伍", "状态"], ["张三", "治安巡逻队", "休假"], None, "unknown_category", "error"),
    ("incidents", ["发生日期", "事件类别", "等级"], [dt.date(2026, 1, 1), "火灾", "特大"], None, "unknown_category",
     "warning"),
])
def test_categories(tmp_path, ledger, header, value, expected, code, severity):
    spec = LEDGERS[ledger]
    res = load(xlsx(tmp_path / "c.xlsx", {spec.name: [header, value]}))
    found = probs(res, code) if code else []
    if code:
        (p,) = found
        assert p.severity == severity and p.row == 2
        assert "不在可选类别中" in p.message
    frame = res.frames[ledger]
    if severity == "error":
        assert frame.empty
    elif ledger == "volunteers":
        col = "状态" if expected in ("在册",) else "队伍"
        assert frame[col].iloc[0] == expected
    else:
        assert frame["等级"].iloc[0] is None


# --- layout: titles, merged headers, totals, blanks, hidden, duplicates --------------------------

def test_title_rows_and_merged_two_row_header(tmp_path):
    rows: list[list[Any]] = [
        ["桃园社区2026年文体活动台账"],
        [],
        ["单位：户"],
        ["活动日期", "活动名称", "活动类别", "参与", None, "地点"],
        [None, None, None, "户数", "人数", None],
        [dt.date(2026, 3, 5), "广场舞", "文体", "12户", "30人", "广场"],
        [dt.date(2026, 3, 6), "讲座", "科普", 5, 9, "活动室"],
    ]
    merges = {"Sheet1": ["A1:F1", "D4:E4", "A4:A5", "B4:B5", "C4:C5", "F4:F5"]}
    res = load(xlsx(tmp_path / "桃园.xlsx", {"Sheet1": rows}, merges=merges))
    frame = res.frames["activities"]
    assert frame["参与户数"].tolist() == [12, 5] and frame["参与人数"].tolist() == [30, 9]
    assert frame["_row"].tolist() == [6, 7]
    (above,) = probs(res, "rows_above_header")
    assert "桃园社区2026年文体活动台账" in above.message and above.params["header"] == 5
    assert res.report.sheets[0].header_row == 5
    # the header spans rows 4-5: the report names both, not only the last
    assert "表头在第 4–5 行" in above.message and "rows 4–5" in above.text("en")


def test_one_row_header_below_a_title_names_one_row(tmp_path):
    res = load(xlsx(tmp_path / "t.xlsx", {"活动台账": [["桃园社区活动台账"], ACT, act_row(1)]}))
    (above,) = probs(res, "rows_above_header")
    assert "表头在第 2 行，" in above.message and "Header found on row 2;" in above.text("en")


def test_two_row_header_without_merge_info_in_csv(tmp_path):
    text = "桃园社区活动台账\n活动日期,活动名称,活动类别,参与,\n,,,户数,人数\n2026-03-05,广场舞,文体,12,30\n"
    res = load(SourceFile("活动.csv", text.encode("utf-8")))
    frame = res.frames["activities"]
    assert frame[["参与户数", "参与人数"]].iloc[0].tolist() == [12, 30]


def test_totals_notes_and_blank_rows(tmp_path):
    rows = [ACT, act_row(1), [], act_row(2), [None] * 5, act_row(3), ["合计", None, None, 9, 30],
            [None, "小 计", None, 1, 2], ["备注：本表按月更新"], ["填表人：李四", None, "日期：2026-03-31"]]
    res = load(xlsx(tmp_path / "t.xlsx", {"活动台账": rows}))
    frame = res.frames["activities"]
    assert frame["_row"].tolist() == [2, 4, 6]
    assert [p.row for p in probs(res, "total_row")] == [7, 8]
    assert [p.row for p in probs(res, "note_row")] == [9, 10]
    assert "李四" not in probs(res, "note_row")[1].message
    (blank,) = probs(res, "blank_rows")
    assert blank.params["count"] == 2 and "3、5" in blank.message
    sheet = res.report.sheets[0]
    assert (sheet.rows, sheet.skipped, sheet.dropped) == (3, 0, 6)


def test_hidden_sheet_is_read_and_reported(tmp_path):
    path = xlsx(tmp_path / "h.xlsx", {"活动台账": [ACT, act_row(1)], "调解台账": [["受理日期", "调解结果"],
                                                                               [dt.date(2026, 1, 2), "成功"]]},
                hidden=("调解台账",))
    res = load(path)
    assert len(res.frames["mediation"]) == 1 and len(res.frames["activities"]) == 1
    (p,) = probs(res, "sheet_hidden")
    assert p.sheet == "调解台账" and p.severity == "info"
    assert [s.hidden for s in res.report.sheets] == [False, True]


def test_padded_fullwidth_and_duplicate_headers(tmp_path):
    header = [" 活动日期 ", "活动名称\u3000", "活动类别", "参与户数 ", "活动名称", "备注", None, "家长电话"]
    row = [dt.date(2026, 3, 5), " 广场舞 ", "文体", "１２", "重复", "无", "孤儿值", "13812345678"]
    res = load(xlsx(tmp_path / "d.xlsx", {"活动台账": [header, row]}))
    frame = res.frames["activities"]
    assert frame["活动名称"].iloc[0] == "广场舞" and frame["参与户数"].iloc[0] == 12
    assert frame["活动名称(E)"].iloc[0] == "重复" and frame["备注"].iloc[0] == "无"
    assert frame["列G"].iloc[0] == "孤儿值"
    assert "家长电话" not in frame.columns  # a personal extra column is not loaded raw
    (dup,) = probs(res, "duplicate_column")
    assert dup.severity == "warning" and dup.column == "活动名称"
    assert {p.code for p in res.report.problems} >= {"unnamed_column", "pii_extra_column"}


# --- formulas, IDs, phones, text ------------------------------------------------------------------

def test_formula_without_cached_value_is_reported_not_zero(tmp_path):
    rows = [ACT, act_row(1), [dt.date(2026, 3, 2), "b", "文体", 3, "=D3*3"], ["=TODAY()", "c", "文体", 1, 1]]
    res = load(xlsx(tmp_path / "f.xlsx", {"活动台账": rows}))
    frame = res.frames["activities"]
    assert frame["_row"].tolist() == [2, 3]
    assert pd.isna(frame["参与人数"].iloc[1])  # not 0
    found = {(p.row, p.column, p.severity) for p in probs(res, "formula_no_value")}
    assert found == {(3, "参与人数", "warning"), (4, "活动日期", "error")}


def _id(prefix17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return prefix17 + "10X98765432"[sum(int(c) * w for c, w in zip(prefix17, weights, strict=True)) % 11]


def test_id_numbers(tmp_path):
    good = _id("31010119900101123")
    assert id_checksum_ok(pd.Series([good])).all()
    good_x = next(_id(f"3101011990010{n:04d}") for n in range(1000) if _id(f"3101011990010{n:04d}")[-1] == "X")
    bad_check = good[:-1] + str((int(good[-1]) + 1) % 10) if good[-1] != "X" else good[:-1] + "0"
    header = ["姓名", "身份证号", "登记日期", "参加社保"]
    d = dt.date(2026, 1, 1)
    rows: list[list[Any]] = [header, ["张三", good, d, "是"], ["李四", 310101199001011234, d, "是"], ["王五", bad_check, d, "否"],
            ["赵六", good_x.lower(), d, "是"], ["钱七", good[:17], d, "是"], ["孙八", good + "1", d, "是"],
            ["周九", "'" + good, d, "是"]]
    res = load(xlsx(tmp_path / "e.xlsx", {"就业援助台账": rows}))
    frame = res.frames["employment"]
    assert len(frame) == 7  # ID is optional: doubtful IDs are warned about, never cost the row
    assert frame["身份证号"].iloc[0] == good[:3] + "*" * 11 + good[-4:]
    assert frame["身份证号"].iloc[1] is None  # lost digits: blank, reported
    (lost,) = probs(res, "id_lost_digits")
    assert (lost.row, lost.column, lost.severity) == (3, "身份证号", "error")
    assert {(p.code, p.row) for p in res.report.problems if p.code.startswith("id_") and p.code != "id_lost_digits"} \
        >= {("id_checksum", 4), ("id_lowercase_x", 5), ("id_length", 6), ("id_length", 7)}
    assert frame["身份证号_key"].iloc[3] == hmac.new(SECRET, good_x.encode(), hashlib.sha256).hexdigest()
    for p in res.report.problems:  # raw IDs never appear in a message
        assert good not in p.message and good_x not in p.message and good_x.lower() not in p.message


def test_phones_names_and_placeholders(tmp_path):
    header = ["姓名", "队伍", "状态", "联系电话"]
    rows: list[list[Any]] = [header, ["张三", "治安巡逻队", "在册", "138-1234-5678"], ["欧阳娜娜", "扶贫帮困", "在册", "13812345678"],
            ["NA", "文明劝导", "在册", "021-6234 5678"], ["无", "文明劝导", "在册", "1381234567"],
            [None, "文明劝导", "在册", 13912345678], ["null", "文明劝导", "退出", None]]
    res = load(xlsx(tmp_path / "v.xlsx", {"志愿者名册": rows}))
    frame = res.frames["volunteers"]
    assert frame["姓名"].tolist() == ["张*", "欧阳**", "NA", "无", None, "null"]
    assert frame["联系电话"].tolist()[:2] == ["138****5678", "138****5678"]
    assert frame["联系电话_key"].iloc[0] == frame["联系电话_key"].iloc[1]  # dashes normalised away
    assert frame["联系电话"].iloc[4] == "139****5678"
    (odd,) = probs(res, "phone_length")
    assert (odd.row, odd.severity, odd.params["n"]) == (5, "warning", 10) and "1381234567" not in odd.message
    assert frame["姓名_key"].iloc[0] == hmac.new(SECRET, "张三".encode(), hashlib.sha256).hexdigest()
    joined = "".join(p.message for p in res.report.problems)
    assert "张三" not in joined and "13812345678" not in joined


def test_formula_like_text_and_control_characters_stay_text(tmp_path):
    header = ["发生日期", "事件类别", "描述", "处理结果"]
    rows: list[list[Any]] = [header, [dt.date(2026, 1, 1), "其他", '=HYPERLINK("http://x.cn","点我")', "@SUM(A1:A2)"],
            [dt.date(2026, 1, 2), "火灾", "厨房\x07起火\x00，电话13812345678", "+cmd|' /C calc'!A0"]]
    res = load(xlsx_strings(tmp_path / "i.xlsx", {"事件台账": rows}))
    frame = res.frames["incidents"]
    assert frame["描述"].tolist() == ['=HYPERLINK("http://x.cn","点我")', "厨房起火,电话138****5678"]  # NFKC folds full-width punctuation
    assert frame["处理结果"].tolist() == ["@SUM(A1:A2)", "+cmd|' /C calc'!A0"]


# --- files: xls, csv encodings, hints, combining, mapping, missing/empty ------------------------

def test_legacy_xls(tmp_path):
    xlwt = pytest.importorskip("xlwt")
    wb = xlwt.Workbook()
    ws = wb.add_sheet("调解台账")
    datefmt = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for j, h in enumerate(["受理日期", "纠纷类型", "当事人", "调解结果"]):
        ws.write(0, j, h)
    ws.write(1, 0, dt.date(2026, 3, 5), datefmt)
    for j, v in enumerate(["邻里", "张三", "成功"], start=1):
        ws.write(1, j, v)
    ws.write(2, 0, "2026/3/6")
    for j, v in enumerate(["家庭", "李四", "调解中"], start=1):
        ws.write(2, j, v)
    path = tmp_path / "old.xls"
    wb.save(str(path))
    res = load(path)
    frame = res.frames["mediation"]
    assert frame["受理日期"].tolist() == [pd.Timestamp("2026-03-05"), pd.Timestamp("2026-03-06")]
    assert frame["当事人"].tolist() == ["张*", "李*"] and frame["调解结果"].tolist() == ["成功", "调解中"]


CSV_TEXT = "受理日期,纠纷类型,当事人,调解结果\n2026-03-05,邻里,{name},成功\n2026年3月6日,物业,李四,转交\n"


@pytest.mark.parametrize("encoding, name", [
    ("gbk", "张三"), ("gb18030", "䶮明"), ("utf-8-sig", "张三"), ("utf-8", "张三"), ("utf-16", "张三"),
])
def test_csv_encodings(tmp_path, encoding, name):
    text = CSV_TEXT.format(name=name)
    if encoding == "utf-16":
        text = text.replace(",", "\t")  # Excel's "Unicode text" export
    if encoding == "gb18030":
        with pytest.raises(UnicodeEncodeError):
            name.encode("gbk")
    res = load(SourceFile("桃园社区调解台账.csv", text.encode(encoding)))
    frame = res.frames["mediation"]
    assert frame["调解结果"].tolist() == ["成功", "转交"]
    assert frame["当事人_key"].iloc[0] == hmac.new(SECRET, name.encode(), hashlib.sha256).hexdigest()
    assert res.report.sheets[0].recognised_by == "file_name"


def test_file_name_is_a_hint(tmp_path):
    text = "日期,结果\n2026-03-05,成功\n"  # synonyms only: the file name says which ledger
    res = load(SourceFile("桃园社区调解台账.csv", text.encode()))
    assert res.frames["mediation"]["调解结果"].tolist() == ["成功"]
    assert res.report.sheets[0].recognised_by == "file_name"


def test_sheet_name_containing_a_ledger_name(tmp_path):
    res = load(xlsx(tmp_path / "x.xlsx", {"2026调解台账": [["日期", "结果"], [dt.date(2026, 1, 1), "成功"]]}))
    assert len(res.frames["mediation"]) == 1


def test_same_ledger_in_several_files_is_combined(tmp_path):
    a = xlsx(tmp_path / "一月.xlsx", {"活动台账": [ACT, act_row(1), act_row(2)]})
    b = SourceFile("二月活动.csv", "活动日期,活动名称,活动类别\n2026-02-01,讲座,科普\n".encode())
    res = load(a, b)
    frame = res.frames["activities"]
    assert frame["_file"].tolist() == ["一月.xlsx", "一月.xlsx", "二月活动.csv"]
    assert res.report.to_dict()["ledgers"]["活动台账"]["rows"] == 3


def test_unknown_sheet_then_mapping(tmp_path):
    rows: list[list[Any]] = [["统计时间", "小区面积", "绿地"], [dt.date(2026, 6, 30), "52,000㎡", "18,200"]]
    path = xlsx(tmp_path / "u.xlsx", {"Sheet1": rows, "活动台账": [ACT, act_row(1)]})
    res = load(path)
    (unknown,) = res.report.unknown_sheets
    assert unknown.headers == ["统计时间", "小区面积", "绿地"] and unknown.sheet == "Sheet1"
    assert len(res.frames["activities"]) == 1 and "greening" not in res.frames
    mapping = {unknown.signature: {"ledger": "greening",
                                   "columns": {"统计时间": "统计日期", "小区面积": "小区总面积", "绿地": "绿化面积"}}}
    again = load(path, mappings=mapping)
    got = again.frames["greening"].iloc[0]
    assert (got["小区总面积"], got["绿化面积"]) == (52000, 18200)
    assert not again.report.unknown_sheets and probs(again, "mapping_applied")
    assert load(path).report.unknown_sheets[0].signature == unknown.signature  # stable


def test_missing_required_column_other_sheets_load(tmp_path):
    path = xlsx(tmp_path / "m.xlsx", {"消防器材台账": [["位置", "器材类型", "应配数量"], ["1号楼", "灭火器", 4]],
                                      "活动台账": [ACT, act_row(1)]})
    res = load(path)
    (p,) = probs(res, "missing_required")
    assert p.sheet == "消防器材台账" and "实配数量" in p.message and "检查日期" in p.message and p.severity == "error"
    assert "fire_equipment" not in res.frames and len(res.frames["activities"]) == 1
    assert res.report.unknown_sheets[0].ledger_guess == "fire_equipment"


def test_headers_only_empty_sheet_and_empty_workbook(tmp_path):
    path = xlsx(tmp_path / "e.xlsx", {"活动台账": [ACT], "空表": [], "调解台账": [["受理日期", "调解结果"],
                                                                             [dt.date(2026, 1, 1), "成功"]]})
    res = load(path, SourceFile("空.xlsx", _empty_xlsx()))
    (ho,) = probs(res, "headers_only")
    assert ho.sheet == "活动台账" and ho.file == "e.xlsx"
    assert [p.sheet for p in probs(res, "sheet_empty")] == ["空表"]
    (wb,) = probs(res, "workbook_empty")
    assert wb.file == "空.xlsx" and "空.xlsx" in wb.message
    assert len(res.frames["mediation"]) == 1 and len(res.frames["activities"]) == 0
    assert list(res.frames["activities"].columns[:5]) == ACT


def _empty_xlsx() -> bytes:
    import io

    wb = openpyxl.Workbook()
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_report_to_dict_shape(tmp_path):
    res = load(xlsx(tmp_path / "r.xlsx", {"活动台账": [ACT, act_row(1), ["bad", "x", "文体", 1, 1]]}))
    d = res.report.to_dict()
    assert d["ledgers"]["活动台账"] == {"key": "activities", "rows": 1, "skipped": 1, "sheets": 1}
    (p,) = d["problems"]
    assert set(p) >= {"file", "sheet", "row", "column", "message", "severity", "code"}
    assert d["sheets"][0]["status"] == "loaded"
    assert res.report.problems[0].text("en").startswith("File 'r.xlsx'")


def test_repeated_problems_are_capped_with_a_summary(tmp_path):
    rows = [ACT] + [["待定", f"a{i}", "文体", 1, 1] for i in range(120)] + [act_row(1)]
    res = load(xlsx(tmp_path / "cap.xlsx", {"活动台账": rows}))
    listed = probs(res, "bad_date")
    assert len(listed) == 50 and [p.row for p in listed[:2]] == [2, 3]
    (more,) = probs(res, "more_same")
    assert more.params["count"] == 70 and more.column == "活动日期" and "70" in more.message
    assert res.report.sheets[0].skipped == 120 and len(res.frames["activities"]) == 1


def test_empty_frame_has_the_contract_columns():
    from ledgers.reader import empty_frame

    frame = empty_frame("volunteers")
    assert list(frame.columns) == ["姓名", "姓名_key", "队伍", "加入日期", "状态", "联系电话", "联系电话_key",
                                   "_file", "_sheet", "_row"]
    assert str(frame["加入日期"].dtype) == "datetime64[ns]" and len(frame) == 0


def test_a_workbook_is_read_without_the_read_ahead_thread_when_none_can_start(tmp_path, monkeypatch):
    # near the child's memory cap (after a file that hit it) a thread's stack may not fit:
    # "can't start new thread" must not cost the next file
    import threading

    def no_thread(self):
        raise RuntimeError("can't start new thread")

    path = xlsx(tmp_path / "a.xlsx", {"活动台账": [ACT, act_row(1), act_row(2)], "楼栋台账": [["楼号"], ["1号楼"]]})
    monkeypatch.setattr(threading.Thread, "start", no_thread)
    res = load(path)
    assert len(res.frames["activities"]) == 2 and not probs(res, "parse_failed")
    assert [s.sheet for s in res.report.sheets] == ["活动台账", "楼栋台账"]
