"""The reader's typing on Arrow and numpy (#17): text normalised by Arrow exactly as ``norm_text``
does, masks and HMAC keys as the one-value functions give them, cells factorized without pandas —
and the reader's child reading a workbook without ever loading pandas."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pytest
import xlsxwriter

from ledgers import arrowgrid, clean, privacy, sheet, worker
from ledgers.reader import SourceFile, load_files

# --- text normalisation --------------------------------------------------------------------------


@pytest.mark.parametrize("text, normed", [
    ("　全角：冒号　", "全角:冒号"),  # ideographic spaces trimmed, the full-width colon folded
    ("面积12㎡", "面积12㎡"),  # ㎡ kept (NFKC alone would write m2)
    ("１２㎡，朝南", "12㎡,朝南"),
    ("ｶﾞｽ", "ガス"),  # half-width kana composed
    ("A\u200bB\x00", "AB"),  # zero-width space and NUL removed
    ("\ue000１", "㎡1"),  # the placeholder ㎡ is swapped for, in a value NFKC changes: as norm_text does
    ("\ue000", "\ue000"),  # ... and left alone where NFKC changes nothing
    ("\u0558x\uff0c", "\u0558x,"),  # a letter Python's Unicode 14 lacks: Python folds the value
    (" plain ", "plain"),
])
def test_arrow_normalises_a_text_as_norm_text_does(text, normed):
    # padded past arrowgrid.FEW distinct values, so the column takes the Arrow path
    texts = [text] + [f"填充{i}" for i in range(arrowgrid.FEW + 1)]
    col = clean.Column.from_arrow(pa.array(texts, type=pa.string()))
    assert col.text[0] == normed == clean.norm_text(text)


def test_arrow_normalises_every_code_point_as_norm_text_does():
    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    texts = list(dict.fromkeys(chars + [f" {c}㎡\t" for c in chars[:0x10000]] + [c + "\u0301" for c in chars[:0x3000]]))
    got, twin = clean._norm_arrow(pa.array(texts, type=pa.string()), texts)
    assert got is not None and twin is not None and twin.to_pylist() == got.tolist()
    assert [t for t, g in zip(texts, got, strict=True) if g != clean.norm_text(t)] == []


# --- masks and keys ------------------------------------------------------------------------------


@pytest.mark.parametrize("value, masked", [
    ("13812345678", "138****5678"), ("310115199001011234", "310***********1234"),
    ("31011519900101123X", "310***********123X"),  # ends in X: not all digits, masked as a number still
    ("1234567", "*****67"), ("1234", "****"),
    ("张三", "张*"), ("张三丰", "张**"), ("欧阳娜娜", "欧阳**"), ("欧阳", "欧*"), ("张", "*"), ("", ""),
    ("无", "无"), ("N/A", "N/A"), ("暂无", "暂无"),  # placeholders stay as written
    ("张3", "张*"), ("１２３", "***"),  # digits of any script are digits
    (None, None),
])
def test_a_column_is_masked_as_mask_value_masks_one_value(value, masked):
    values = np.array([value, "填充", "13900000000"], dtype=object)
    assert privacy.mask_array(values).to_pylist()[0] == masked == privacy.mask_value(value, "name")


# RFC 4231 test case 2 (key "Jefe"), and the same key padded and hashed past one SHA-256 block
@pytest.mark.parametrize("secret, value, key", [
    (b"Jefe", "what do ya want for nothing?", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
    (b"\xaa" * 131, "Test Using Larger Than Block-Size Key - Hash Key First",
     "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
])
def test_hmac_keys_are_hmac_sha256_hex(secret, value, key):
    assert privacy.hmac_keys([value, None], secret) == [key, None]


@pytest.mark.parametrize("size", [0, 1, 32, 63, 64, 65, 200])
def test_hmac_keys_agree_with_hmac_new_for_any_secret_length(size):
    secret = bytes(range(256))[:size]
    values: list[str | None] = ["13812345678", "张三", "", "欧阳娜娜", "310115199001011234"]
    want = [hmac.new(secret, str(v).encode(), hashlib.sha256).hexdigest() for v in values]
    assert privacy.hmac_keys(values, secret) == want
    assert privacy.hmac_keys_arrow(values, secret).to_pylist() == want


@pytest.mark.parametrize("values", [[None, "a", None, "b", None], [None], [], ["a"]])
def test_arrow_hmac_keys_keep_blanks_in_place(values):
    assert privacy.hmac_keys_arrow(values, b"k").to_pylist() == privacy.hmac_keys(values, b"k")


# --- factorizing and decoding --------------------------------------------------------------------

NAN = float("nan")


@pytest.mark.parametrize("cells, codes, uniq", [
    (["a", None, "b", "a"], [0, -1, 1, 0], ["a", "b"]),
    ([1, 1.0, NAN, 2.5, None], [0, 0, -1, 1, -1], [1, 2.5]),  # 1 == 1.0: one value, the first kept
    ([dt.date(2026, 3, 5), dt.datetime(2026, 3, 5), dt.date(2026, 3, 5)], [0, 1, 0],
     [dt.date(2026, 3, 5), dt.datetime(2026, 3, 5)]),  # a date is not a datetime at midnight
    ([], [], []),
])
def test_factorize_gives_first_appearance_order_and_minus_one_for_blanks(cells, codes, uniq):
    arr = np.empty(len(cells), dtype=object)
    arr[:] = cells
    got_codes, got_uniq = clean.factorize(arr)
    assert got_codes.tolist() == codes
    assert got_uniq.tolist() == uniq and [type(u) for u in got_uniq] == [type(u) for u in uniq]


@pytest.mark.parametrize("cells, kinds, uniq", [
    ([True, 1, 1.0, "1"], "bis", [True, 1, "1"]),  # TRUE is never the number 1
    ([0, False, None], "ib", [0, False]),
    (["是", "否", " 是"], "sss", ["是", "否", " 是"]),
])
def test_a_column_of_cells_keeps_bools_apart_from_numbers(cells, kinds, uniq):
    col = clean.Column.of(cells)
    assert "".join(col.kind[:-1]) == kinds and col.uniq.tolist() == uniq
    assert [type(u) for u in col.uniq] == [type(u) for u in uniq]


_CELLS = ["12", "true", "2026-03-05 00:00:00", "1899-12-31 12:00:00", "2026-01-02 03:04:00", "12人", None]


@pytest.mark.parametrize("extra", [0, arrowgrid.FEW + 1], ids=["few", "arrow"])
def test_decoding_tells_each_cells_kind(extra):
    texts = _CELLS + [f"{1000 + i}.5" for i in range(extra)]
    cells, kinds = arrowgrid.decode_kinds(pa.array(texts, type=pa.string()))
    assert "".join(kinds[:len(_CELLS)]) == "fbdtdsn"
    assert cells[:len(_CELLS)].tolist() == [12.0, True, dt.date(2026, 3, 5), dt.time(12), dt.datetime(2026, 1, 2, 3, 4),
                                             "12人", None]
    assert set(kinds[len(_CELLS):]) <= {"f"}


@pytest.mark.parametrize("arr, want", [
    (pa.array([True, None, False, True]), [True, False, False, True]),
    (pa.array([True, None, False, True, True, False, True, True, False, True]).slice(3), [True, True, False, True,
                                                                                          True, False, True]),
    (pa.array([], type=pa.bool_()), []),
])
def test_flags_read_an_arrow_bitmap_nulls_false(arr, want):
    assert arrowgrid.flags(arr).tolist() == want


@pytest.mark.parametrize("arr, fill, want", [
    (pa.array([3, None, -1], type=pa.int32()), -1, [3, -1, -1]),
    (pa.array([1.5, 2.5, 3.5]).slice(1), 0, [2.5, 3.5]),
    (pa.array([], type=pa.int64()), 0, []),
])
def test_numbers_read_an_arrow_buffer_nulls_filled(arr, fill, want):
    assert arrowgrid.numbers(arr, fill).tolist() == want


# --- a child without pandas ------------------------------------------------------------------------

def _street_like_book() -> bytes:
    """入户调查 with 3,000 distinct phones, names and addresses (the Arrow paths), full-width text,
    Excel dates and a merged cell over data rows; 就业援助台账 with IDs stored as 18-digit numbers
    (read by python-calamine)."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf)
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws = wb.add_worksheet("入户调查")
    ws.write_row(0, 0, ["户号", "调查日期", "参加文化活动", "知晓消防知识", "参与垃圾分类", "户主", "联系电话", "备注"])
    for i in range(3000):
        ws.write_string(i + 1, 0, f"桃园路{i % 400}弄{i}号（{i % 7}室）")
        ws.write_datetime(i + 1, 1, dt.datetime(2026, 1, 1) + dt.timedelta(days=i % 300), date)
        ws.write_row(i + 1, 2, ["是" if i % 2 else "否", "√", "已参与"])
        ws.write_string(i + 1, 5, ("欧阳" if i % 5 == 0 else "张") + "一二三四五六七八九"[i % 9])
        ws.write_number(i + 1, 6, 13800000000 + i * 7)
    ws.merge_range(5, 7, 9, 7, "同一楼组")
    ws.write_string(3001, 0, "合计：3000户")
    ws2 = wb.add_worksheet("就业援助台账")
    ws2.write_row(0, 0, ["姓名", "身份证号", "登记日期", "参加社保"])
    for i in range(30):
        ws2.write_row(i + 1, 0, [f"李{i}", 310115199001011200 + i * 16, "2026年3月5日", "是"])
    wb.close()
    return buf.getvalue()


def _csv() -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["日期", "当事人", "纠纷类型", "调解结果"])
    for i in range(50):
        w.writerow([f"2026/3/{i % 28 + 1}", f"王{i}", "邻里纠纷", "成功"])
    return out.getvalue().encode("utf-8")


def _pandas_in(pid: int) -> bool:
    return "/pandas/" in Path(f"/proc/{pid}/maps").read_text()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the child's /proc/<pid>/maps")
def test_the_child_reads_a_street_workbook_without_loading_pandas():
    sources = [SourceFile("入户调查.xlsx", _street_like_book()), SourceFile("调解台账.csv", _csv())]
    worker.shutdown()  # a fresh child of this tree
    try:
        got = load_files(sources, secret=b"k", in_process=False)
        (child,) = worker._idle
        assert not _pandas_in(child.proc.pid)
    finally:
        worker.shutdown()
    assert {k: len(f) for k, f in got.frames.items()} == {"households": 3000, "employment": 30, "mediation": 50}
    assert got.frames["households"]["联系电话"].iloc[1] == "138****0007"
    here = load_files(sources, secret=b"k", in_process=True)  # the same frames as read in this process
    assert got.report.to_dict() == here.report.to_dict()
    for key, frame in here.frames.items():
        assert got.frames[key].equals(frame)


# --- typed per distinct value, on the Arrow path and one by one -------------------------------------

def _arrow_column(texts: list[str]) -> clean.Column:
    """A column as fastexcel gives it, padded past arrowgrid.FEW distinct texts (the Arrow paths)."""
    pad = [f"填充{i}" for i in range(arrowgrid.FEW + 1)]
    return clean.Column.from_arrow(pa.array(texts + pad, type=pa.string()))


_DAY = np.datetime64("NaT", "ns")


@pytest.mark.parametrize("text, day", [
    ("2026-03-05 00:00:00", "2026-03-05"), ("2026-03-05 18:30:00", "2026-03-05"),  # calamine's date cells
    ("1600-01-01 00:00:00", None),  # outside what datetime64[ns] holds
    ("1899-12-31 12:00:00", None),  # a time of day alone
    ("46086", "2026-03-05"), ("18263", None), ("18264", "1950-01-01"),  # Excel day numbers
    ("2026.3.5", "2026-03-05"), ("2026/3/5 8:00", "2026-03-05"), ("2026年3月", "2026-03-01"),
    ("2026年3月5日", "2026-03-05"), ("2026-02-30", None), ("2026-13-01", None), ("2026-3/5", None),
    ("1899-01-01", None), ("二〇二六年", None), ("2026年3月5日 8:00", "2026-03-05"), ("2026.03.05", "2026-03-05"),
    ("2026-03-05T08:00:00.5", "2026-03-05"), ("2026年3月5", "2026-03-05"), ("2026/3/5 8", None),
    ("٢٠٢٦-٣-٥", "2026-03-05"),  # Arabic-Indic digits are digits to Python's re: read one by one
    ("2101-01-01", None), ("46086.75", "2026-03-05"), ("3000-01-01", None),
])
def test_a_date_reads_the_same_on_the_arrow_path_and_one_by_one(text, day):
    want = _DAY if day is None else np.datetime64(day, "ns")
    for col in (_arrow_column([text]), clean.Column.of([text])):
        values, bad = clean.date_ext(col)
        k = col.codes[0]
        assert values[k] == want or (day is None and np.isnat(values[k]))
        assert bad[k] == (day is None)


@pytest.mark.parametrize("text, number, cell_text", [
    ("12", 12.0, "12"), ("12.5", 12.5, "12.5"), ("-0.5", -0.5, "-0.5"), ("-3", -3.0, "-3"),
    ("1,200", 1200.0, "1,200"), ("5 人", 5.0, "5 人"), ("1.5万", 15000.0, "1.5万"), ("abc", None, "abc"),
])
def test_a_number_and_its_text_read_the_same_on_the_arrow_path(text, number, cell_text):
    col = _arrow_column([text])
    values, bad, _points = clean.number_ext(col)
    k = col.codes[0]
    assert (np.isnan(values[k]) if number is None else values[k] == number) and bad[k] == (number is None)
    assert clean.text_ext(col)[k] == cell_text


@pytest.mark.parametrize("text, lower, length, wrong_sum", [
    ("11010519491231002X", False, 18, False),  # a valid ID: check character X
    ("110105194912310021", False, 18, True),  # 1 where the weights give X
    ("11010519491231002x", True, 18, False),  # lower-case x: normalised to X, told apart
    ("1101051949 1231002x", True, 18, False),
    ("1101051949123100", False, 16, False), ("11010519491231002XX", False, 0, False),
    ("١١٠١٠٥١٩٤٩١٢٣١٠٠٢X", False, 18, False),  # Arabic-Indic digits: Python's \d, one by one
    ("١١٠١٠٥١٩٤٩١٢٣١٠٠٢١", False, 18, True),
    ("张三", False, 0, False),
])
def test_id_checks_run_on_arrow_as_one_value_at_a_time(text, lower, length, wrong_sum):
    texts = np.array([text, "310115199001011234", None], dtype=object)
    norm = np.array([privacy.normalise(text, "id"), "310115199001011234", None], dtype=object)
    got_lower, got_length, got_sum = sheet._id_checks(texts, norm)
    assert (bool(got_lower[0]), int(got_length[0]), bool(got_sum[0])) == (lower, length, wrong_sum)
    assert (bool(got_lower[2]), int(got_length[2]), bool(got_sum[2])) == (False, 0, False)


def test_a_columns_cells_are_made_only_when_asked_for_and_as_decode_makes_them():
    texts = [str(13800000000 + i) for i in range(arrowgrid.FEW + 5)] + ["true", "2026-03-05 00:00:00", "x"]
    col = clean.Column.from_arrow(pa.array(texts, type=pa.string()))
    assert "uniq" not in col._memo  # typing a phone column needs its kinds and texts only
    want = arrowgrid.decode(pa.array(texts, type=pa.string()))
    assert col.uniq.tolist() == want.tolist() and [type(u) for u in col.uniq] == [type(u) for u in want]


@pytest.mark.parametrize("text, scrubbed", [
    ("联系人电话13812345678", "联系人电话138****5678"),  # a phone in free text is masked
    ("  宣传教育：第3次 ", "宣传教育:第3次"),  # normalised, nothing to mask
    ("   ", None),  # blank
    ("身份证310115199001011234已登记", "身份证310***********1234已登记"),
])
def test_a_long_text_column_is_scrubbed_on_arrow_as_one_by_one(text, scrubbed):
    col = _arrow_column([text])
    arrow = clean.map_text_arrow(col, privacy.scrub_text, privacy.SCRUB_NEEDS)
    one_by_one = clean.map_ext(clean.text_ext(col), privacy.scrub_text, pre=privacy.SCRUB_NEEDS)
    assert arrow.to_pylist() == one_by_one.tolist()
    assert arrow[int(col.codes[0])].as_py() == scrubbed


@pytest.mark.parametrize("pattern, literals", [
    ("计|总数", ["计", "总数"]), ("[注说填]", ["注", "说", "填"]), ("合计", ["合计"]),
    (r"\d{3}[ .\-]?\d{4}", None), ("[^注]", None), ("a.b", None), ("[a-z]", None), ("(合|总)计", None),
])
def test_a_pattern_of_literals_is_told_by_its_texts(pattern, literals):
    assert clean._literals(pattern) == literals


@pytest.mark.parametrize("texts, want", [
    (["110101199001011200"], True),  # a multiple of 16: the float's text and the ID's digits agree
    (["110101199001011234"], False),  # not a float's text: only text has these digits
    (["-1101011990010112000", None], True), (["123456789012345"], False),  # 15 digits: exact either way
    (["x" * 20, "2026-03-05 00:00:00", "110101199001011200x"], False),
    ([None, None], False), ([], False),
])
def test_a_long_number_that_text_could_hold_is_found_among_the_long_texts(texts, want):
    arr = pa.array(["pad"] + texts, type=pa.string()).slice(1)  # an offset into the buffers, as slices have
    assert arrowgrid.ambiguous(arr) is want


@pytest.mark.parametrize("text", ["合计：12户", "填表人：张三", "  ", "户号", "宣传教育：第3次", "电话13812345678"])
def test_a_long_text_column_is_checked_on_arrow_without_making_python_strings(text):
    arrow, cells = _arrow_column([text]), clean.Column.of([text] + [f"填充{i}" for i in range(arrowgrid.FEW + 1)])
    checks = [
        lambda c: c.map_text(sheet._is_total, "total", bool, False, pre=sheet._TOTAL_CHARS),
        lambda c: c.map_text(sheet._is_note, "note", bool, False, pre=sheet._NOTE_CHARS),
        lambda c: c.equals("户号"), lambda c: c.blank,
    ]
    for check in checks:
        assert check(arrow)[arrow.codes[0]] == check(cells)[cells.codes[0]]
    assert arrow._lazy()  # none of it needed the texts as Python strings
    assert arrow.text.tolist() == cells.text.tolist()


def test_frames_built_from_the_child_stream_can_be_written_to():
    # frame() hands its fresh arrays to pandas without copying them; none may be a read-only view
    # of the IPC buffers (the Excel row numbers arrive as one)
    from ledgers import ipc
    from ledgers.reader import read_file

    sent = []
    read_file("入户调查.xlsx", None, _street_like_book(), None, b"k", sink=lambda key, f: sent.append(ipc.pack(f)))
    frame = ipc.unpack(sent[0]).frame()
    for column in frame.columns:
        frame.loc[frame.index[0], column] = frame.loc[frame.index[1], column]
    frame.loc[frame.index[2], "_row"] = 99
    assert frame["_row"].iloc[2] == 99 and frame.iloc[0].equals(frame.iloc[1].rename(frame.index[0]))


@pytest.mark.parametrize("text", _CELLS + ["", "-", "-3.5", "t", "truex", "1e5", "007", "2026-03-05"])
def test_a_header_rows_cell_is_decoded_as_a_columns_cell(text):
    (want,) = arrowgrid.decode(pa.array([text], type=pa.string()))
    got = arrowgrid._cell(text)
    assert got == want and type(got) is type(want)
