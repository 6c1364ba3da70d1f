"""The guard's per-piece scan: the quick RE2 survey of a plain piece gives what the Python patterns give.

Each piece below is fed to ``_Extent`` / the formula and layout checks twice, once with the quick
survey (``guards._quick``) allowed and once without, and both must land on the hand-computed state:
(rows, cols, bounded, row, col) of the extent, the formula cells without a value, the first row
holding a value and the merged ranges. ``quick`` says whether the survey may take the piece at all
(a piece it declines goes the Python way, which is then the answer).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import openpyxl
import pytest
import xlsxwriter

from ledgers import guards
from tests.support.workbooks import first_sheet


def R(r: int, cells: str) -> str:  # noqa: N802 - a row of the sheet XML
    return f'<row r="{r}">{cells}</row>'


def C(ref: str, value: str = "1") -> str:  # noqa: N802 - a plain cell holding a number
    return f'<c r="{ref}"><v>{value}</v></c>'


START = (0, 0, False)  # rows, cols, bounded before the piece
KNOWN_WIDE = (9_999, 28, True)  # an earlier piece saw column AB

PIECES = [
    # id, xml, extent before, quick, (rows, cols, bounded, row, col), formula blanks, first_row, merged
    ("plain_small", R(1, C("A1") + C("C1")) + R(2, C("B2")), START, True, (9_999, 26, True, 2, 2), set(), 0, []),
    ("plain_five_digit_rows", R(12_345, C("A12345")), START, True, (99_999, 26, True, 12_345, 1), set(), 12_344, []),
    ("six_digit_rows_sorted", R(100_000, C("A100000")) + R(120_005, C("G120005")), START, True,
     (120_005, 26, True, 120_005, 7), set(), 99_999, []),
    # a huge-row reference in an otherwise plain piece whose last cell is lower
    ("six_digit_rows_unsorted", R(150_000, C("A150000")) + R(120_005, C("G120005")), START, False,
     (150_000, 26, True, 120_005, 7), set(), 149_999, []),
    ("six_digit_before_five_digit_last", R(100_001, C("A100001")) + R(99_999, C("B99999")), START, False,
     (100_001, 26, True, 99_999, 2), set(), 100_000, []),
    ("five_digit_before_four_digit_last", R(10_000, C("A10000")) + R(9_999, C("B9999")), START, False,
     (99_999, 26, True, 9_999, 2), set(), 9_999, []),
    ("seven_digit_rows", R(1_048_577, C("A1048577")), START, True, (1_048_577, 26, True, 1_048_577, 1), set(),
     1_048_576, []),
    ("eight_digit_ref", R(1, C("A12345678")), START, False, (12_345_678, 1, False, 1, 1), set(), 12_345_677, []),
    ("wide_columns_first_seen", R(1, C("A1") + C("AB1")), START, False, (9_999, 28, True, 1, 28), set(), 0, []),
    ("wide_columns_already_seen", R(1, C("A1") + C("AB1")), KNOWN_WIDE, True, (9_999, 28, True, 1, 28), set(), 0, []),
    ("wider_than_seen", R(1, C("A1") + C("AC1")), KNOWN_WIDE, False, (9_999, 29, True, 1, 29), set(), 0, []),
    ("three_letter_column", R(1, C("XFD1")), KNOWN_WIDE, False, (9_999, 16_384, True, 1, 16_384), set(), 0, []),
    # the last cell is wide: whether a single-letter column is in the piece decides `bounded`
    ("last_cell_wide_with_narrow", R(100_000, C("A100000") + C("AB100000")), (0, 28, False), True,
     (100_000, 28, True, 100_000, 28), set(), 99_999, []),
    ("last_cell_wide_only_wide", R(100_000, C("AB100000")), (0, 28, False), True,
     (100_000, 28, False, 100_000, 28), set(), 99_999, []),
    # a piece that mixes plain and odd tags is walked tag by tag
    ("plain_and_odd_cell", R(1, C("A1") + '<c t="n" r="XFD1"><v>1</v></c>'), START, False,
     (1, 16_384, False, 1, 16_384), set(), 0, []),
    ("prefixed_tags", '<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row>', START, False, (1, 1, False, 1, 1),
     set(), None, []),
    ("cells_without_r", R(1, "<c><v>1</v></c><c><v>2</v></c>"), START, False, (1, 2, False, 1, 2), set(), None, []),
    ("single_quotes", "<row r='3'><c r='B3'><v>1</v></c></row>", START, False, (3, 2, False, 3, 2), set(), None, []),
    ("vertical_tab_before_r", R(1, '<c\x0br="A1"><v>1</v></c>'), START, False, (1, 1, False, 1, 1), set(), None, []),
    ("form_feed_after_ref", R(1, '<c r="A1"\x0c><v>1</v></c>'), START, False, (1, 1, False, 1, 1), set(), 0, []),
    ("row_r_leading_zero", '<row r="01">' + C("A1") + "</row>", START, False, (1, 1, False, 1, 1), set(), None, []),
    ("row_without_r", R(1, C("A1")) + "<row>" + C("A2") + "</row>", START, False, (2, 1, False, 2, 1), set(), 0,
     []),
    ("lower_case_ref", R(2, C("b2")), START, False, (2, 2, False, 2, 2), set(), None, []),
    # a tag cut by the end of the piece: only the last bytes show it is not plain
    ("cut_tag_at_the_end", R(1, C("A1")) + '<c r="B2', START, False, (1, 1, False, 1, 1), set(), 0, []),
    ("colon_row_in_text", R(1, '<c r="A1" t="inlineStr"><is><t>a:row b</t></is></c>'), START, False,
     (1, 1, False, 1, 1), set(), 0, []),
    ("formula_without_value", R(1, C("A1") + '<c r="B1"><f>A1*2</f></c>'), START, False, (9_999, 26, True, 1, 2),
     {(0, 1)}, 0, []),
    ("formula_with_value", R(1, '<c r="B1"><f>1+1</f><v>2</v></c>'), START, False, (9_999, 26, True, 1, 2), set(),
     0, []),
    ("merged_ranges", R(1, C("A1")) + '</sheetData><mergeCells count="2"><mergeCell ref="B5:C7"/>'
     '<mergeCell ref="AA10:AB12"/></mergeCells>', START, True, (9_999, 26, True, 1, 1), set(), 0,
     [((4, 1), (6, 2)), ((9, 26), (11, 27))]),
    ("prefixed_merged_range", R(1, C("A1")) + '</sheetData><x:mergeCells><x:mergeCell ref="B5:C7"/></x:mergeCells>',
     START, True, (9_999, 26, True, 1, 1), set(), 0, [((4, 1), (6, 2))]),
    ("merged_range_and_odd_cell", R(1, C("A1") + "<c><v>2</v></c>") + '<mergeCell ref="A3:B3"/>', START, False,
     (1, 2, False, 1, 2), set(), 0, [((2, 0), (2, 1))]),
    ("mergecell_only_in_text", R(1, '<c r="A1" t="inlineStr"><is><t>mergeCell ref="A1:B2"</t></is></c>'), START,
     True, (9_999, 26, True, 1, 1), set(), 0, []),
    ("first_value_in_a_later_row", R(1, '<c r="A1" s="1"/>') + R(3, '<c r="B3" t="inlineStr"><is><t>x</t></is></c>'),
     START, True, (9_999, 26, True, 3, 2), set(), 2, []),
    ("no_value_yet", R(1, '<c r="A1" s="1"/>'), START, True, (9_999, 26, True, 1, 1), set(), -1, []),
    # rows without cells count only when walked (the bounds look at cells)
    ("empty_row_with_seven_digit_r", '<row r="5000000"/>', START, True, (0, 0, False, 5_000_000, 0), set(), -1, []),
]


def _feed(xml: str, start: tuple[int, int, bool], quick: bool) -> tuple[bool, tuple, set, int | None, list]:
    piece = xml.encode()
    extent = guards._Extent()
    extent.rows, extent.cols, extent.bounded = start
    blanks: set[tuple[int, int]] = set()
    layout = guards.SheetLayout()
    took = quick and guards._quick(piece, extent, layout)
    if not took:  # what _measure does with a piece the survey declines
        extent.feed(piece)
        if b"<f" in piece:
            blanks.update(guards._formula_blanks(piece))
        guards._see_layout(piece, layout)
    state = (extent.rows, extent.cols, extent.bounded, extent.row, extent.col)
    return took, state, blanks, layout.first_row, layout.merged


@pytest.mark.parametrize("xml, start, quick, state, blanks, first_row, merged", [c[1:] for c in PIECES],
                         ids=[c[0] for c in PIECES])
@pytest.mark.parametrize("allowed", [True, False], ids=["survey", "python"])
def test_a_piece_lands_on_the_same_state_both_ways(monkeypatch, allowed, xml, start, quick, state, blanks,
                                                   first_row, merged):
    monkeypatch.setattr(guards, "QUICK_MIN", 0)
    got = _feed(xml, start, allowed)
    assert got == (quick and allowed, state, blanks, first_row, merged)


@pytest.mark.parametrize("n, above, below", [
    (9_999, ["10000", "99999", "123456"], ["9999", "1", "9998"]),
    (99_999, ["100000", "1048576"], ["99999", "10000", "99998"]),
    (120_005, ["120006", "120010", "121000", "200000", "1000000"], ["120005", "120004", "119999", "99999"]),
    (1_048_576, ["1048577", "1049000", "2000000", "9999999"], ["1048576", "1048575", "999999"]),
])
def test_row_above_matches_exactly_the_lower_rows(n, above, below):
    import re

    pattern = re.compile(guards._row_above(n).encode())
    assert [r for r in above + below if pattern.match(f'{r}"'.encode())] == above


@pytest.mark.parametrize("n, right, left", [
    (26, ["AA", "AZ", "ZZ", "AAA", "XFD"], ["A", "Z"]),
    (28, ["AC", "BA", "ZZ", "AAA"], ["AB", "AA", "Z"]),
    (702, ["AAA", "XFD"], ["ZZ", "ZY", "A"]),
    (16_384, ["XFE", "XGA", "YAA", "ZZZ"], ["XFD", "XFC", "WZZ", "ZZ"]),
])
def test_col_above_matches_exactly_the_columns_to_the_right(n, right, left):
    import re

    pattern = re.compile(guards._col_above(n).encode())
    assert [c for c in right + left if pattern.match(f"{c}1".encode())] == right


def test_no_column_is_right_of_zzz():
    assert guards._col_above(18_278) == ""


def _street_like(path_rows: int, extra: dict[str, object] | None = None) -> bytes:
    """A workbook of one sheet of ``path_rows`` plain rows (well over one quick piece), written by
    xlsxwriter, with ``extra`` cells written last."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("活动台账")
    ws.write_row(0, 0, ["活动日期", "活动名称", "参与人数"])
    for i in range(1, path_rows + 1):
        ws.write_row(i, 0, ["2026-03-05", f"读书会第{i}期", i])
    for ref, value in (extra or {}).items():
        ws.write(ref, value)
    wb.close()
    return buf.getvalue()


BOOKS = [
    # id, workbook, refused with these cells (None: passes)
    ("plain", lambda: _street_like(3_000), None),
    ("sparse_corner", lambda: _street_like(3_000, {"XFD1048576": "x"}), f"{1_048_576 * 16_384:,}"),
    ("wide_corner", lambda: _street_like(3_000, {"BXX5": "x"}), None),  # 2,000 columns × 3,001 rows
    ("too_many_cells", lambda: _street_like(3_000, {"BXX12000": "x"}), f"{12_000 * 2_000:,}"),
    ("too_wide", lambda: _street_like(3_000, {"BXY5": "x"}), f"{3_001 * 2_001:,}"),
    # one tall narrow column: the bounds (26 columns) are over, the exact pass lets it through
    ("tall_narrow", lambda: _street_like(3_000, {"A1000000": "x"}), None),
    ("seven_digit_row", lambda: _street_like(3_000, {"A1048576": "x", "D1048576": "y"}), None),
]


@pytest.mark.parametrize("make, cells", [b[1:] for b in BOOKS], ids=[b[0] for b in BOOKS])
def test_the_verdict_on_a_workbook_is_the_same_with_the_survey(monkeypatch, make, cells):
    data = make()
    verdicts: list[tuple[str | None, guards.SheetLayout | None]] = []
    for quick_min in (guards.QUICK_MIN, 1 << 62):  # the survey on every piece of 64 KB up / never
        monkeypatch.setattr(guards, "QUICK_MIN", quick_min)
        info = guards.inspect("book.xlsx", data, defer_sheets=True)
        try:
            info.check_sheet("活动台账")
            verdicts.append((None, info.layout["活动台账"]))
        except guards.GuardError as err:
            assert err.code == "sheet_too_large"
            verdicts.append((err.params["cells"], None))
    assert verdicts[0] == verdicts[1]
    assert verdicts[0][0] == cells


def test_the_survey_takes_the_plain_pieces_of_a_big_sheet(monkeypatch):
    """The survey must really run on a workbook as Excel writers write it (else the tests above
    would compare the Python path with itself)."""
    taken: list[bool] = []
    survey = guards._quick

    def spy(*args):
        taken.append(survey(*args))
        return taken[-1]

    monkeypatch.setattr(guards, "_quick", spy)
    monkeypatch.setattr(guards, "_CHUNK", 1 << 17)
    monkeypatch.setattr(guards, "QUICK_MIN", 0)
    info = guards.inspect("book.xlsx", _street_like(6_000), defer_sheets=True)
    info.check_sheet("活动台账")
    assert len(taken) > 1 and all(taken)


def test_formula_cells_merges_and_first_row_agree_on_an_openpyxl_book(monkeypatch):
    wb = openpyxl.Workbook()
    ws = first_sheet(wb)
    ws.title = "活动台账"
    ws["A1"] = "2026年活动台账"
    ws.merge_cells("A1:C1")
    ws.append([])
    ws.append(["活动日期", "活动名称", "参与人数"])
    for i in range(4_000):
        ws.append(["2026-03-05", f"读书会第{i}期", i])
    ws["C5000"] = "=SUM(C4:C4003)"  # openpyxl writes no cached value: Excel never calculated it
    buf = io.BytesIO()
    wb.save(buf)
    got = []
    for quick_min in (0, 1 << 62):
        monkeypatch.setattr(guards, "QUICK_MIN", quick_min)
        info = guards.inspect("book.xlsx", buf.getvalue(), defer_sheets=True)
        blanks = info.check_sheet("活动台账")
        got.append((blanks, info.layout["活动台账"]))
    assert got[0] == got[1] == ({(4_999, 2)}, guards.SheetLayout(merged=[((0, 0), (0, 2))], first_row=0))


# --- The worksheet's XML inflated by guards._Inflated, as zipfile would read it --------------------

XML = ("<worksheet><sheetData>" + "".join(R(i, C(f"A{i}", str(i * 7)) + C(f"B{i}", "2")) for i in range(1, 6_000))
       + "</sheetData></worksheet>").encode()


def _deflated(body: bytes) -> bytes:
    comp = zlib.compressobj(6, zlib.DEFLATED, -15)
    return comp.compress(body) + comp.flush()


def _one_member_zip(stream: bytes, *, crc: int, size: int, method: int = 8, claimed: int | None = None) -> bytes:
    """A zip of one member ``xl/worksheets/sheet1.xml`` whose stream and header fields are given as
    they are, however wrong (``claimed``: the compressed size the headers state)."""
    name = b"xl/worksheets/sheet1.xml"
    csize = len(stream) if claimed is None else claimed
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc, csize, size, len(name), 0)
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0x21, crc, csize, size,
                          len(name), 0, 0, 0, 0, 0, 0) + name
    body = local + name + stream
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), len(body), 0)
    return body + central + end


def _read_all(opener) -> tuple[str, list[bytes] | str]:
    chunks = []
    try:
        with opener() as fh:
            while chunk := fh.read(1 << 16):
                chunks.append(chunk)
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
        return "error", type(exc).__name__
    return "ok", chunks


GOOD = _deflated(XML)
CRC = zlib.crc32(XML)
MEMBERS = [
    # id, archive, what reading the member gives
    ("intact", lambda: _one_member_zip(GOOD, crc=CRC, size=len(XML)), "ok"),
    ("wrong_crc", lambda: _one_member_zip(GOOD, crc=CRC ^ 1, size=len(XML)), "error"),
    ("corrupt_stream", lambda: _one_member_zip(GOOD[:2_000] + bytes(64) + GOOD[2_064:], crc=CRC, size=len(XML)),
     "error"),
    ("stream_cut_short", lambda: _one_member_zip(GOOD[: len(GOOD) // 2], crc=CRC, size=len(XML)), "error"),
    ("size_claims_less", lambda: _one_member_zip(GOOD, crc=CRC, size=len(XML) - 100), "error"),
    ("size_claims_less_crc_of_that", lambda: _one_member_zip(GOOD, crc=zlib.crc32(XML[:-100]), size=len(XML) - 100),
     "ok"),
    ("size_claims_more", lambda: _one_member_zip(GOOD, crc=CRC, size=len(XML) + 100), "ok"),
    ("bytes_after_the_stream", lambda: _one_member_zip(GOOD + b"\x00junk" * 50, crc=CRC, size=len(XML)), "ok"),
    ("stored", lambda: _one_member_zip(XML, crc=CRC, size=len(XML), method=0), "ok"),
    ("compressed_size_past_the_end", lambda: _one_member_zip(GOOD, crc=CRC, size=len(XML), claimed=len(GOOD) + 999),
     "error"),
]


@pytest.mark.parametrize("name, make, outcome", MEMBERS, ids=[m[0] for m in MEMBERS])
def test_the_member_reads_as_zipfile_reads_it(name, make, outcome):
    zf = zipfile.ZipFile(io.BytesIO(make()))
    part = "xl/worksheets/sheet1.xml"
    old = _read_all(lambda: zf.open(part))
    new = _read_all(lambda: guards._open_member(zf, part))
    assert new == old
    assert new[0] == outcome
    by_zipfile = name in ("stored", "compressed_size_past_the_end")  # what _Inflated leaves to zipfile
    assert isinstance(guards._open_member(zf, part), guards._Inflated) != by_zipfile
    if isinstance(new[1], list):
        assert b"".join(new[1]).startswith(XML[:1000])


def test_a_corrupt_stream_is_a_truncated_file_to_the_guard():
    data = _one_member_zip(GOOD[:2_000] + bytes(64) + GOOD[2_064:], crc=CRC, size=len(XML))
    zf = zipfile.ZipFile(io.BytesIO(data))
    with pytest.raises(guards.GuardError) as err, guards._zip_errors():
        guards._scan_sheet(zf, "xl/worksheets/sheet1.xml")
    assert err.value.code == "zip_truncated"


BEYOND = b'<c>1</c><row r="9999999"><c r="XFD9999999"><f>1</f></c></row><mergeCell ref="A1:B9"/>'


@pytest.mark.parametrize("xml, start, quick, state, blanks, first_row, merged", [c[1:] for c in PIECES],
                         ids=[c[0] for c in PIECES])
def test_the_survey_reads_a_piece_in_place_and_nothing_after_it(monkeypatch, xml, start, quick, state, blanks,
                                                               first_row, merged):
    """_measure hands the survey the buffer the piece was cut from and where the piece ends: what
    follows in the buffer (here an odd cell, a huge row, a formula and a merged range) is not read."""
    monkeypatch.setattr(guards, "QUICK_MIN", 0)
    piece = xml.encode()
    extent = guards._Extent()
    extent.rows, extent.cols, extent.bounded = start
    layout = guards.SheetLayout()
    took = guards._quick(piece + BEYOND, extent, layout, len(piece))
    assert took == quick
    if took:
        assert (extent.rows, extent.cols, extent.bounded, extent.row, extent.col) == state
        assert (layout.first_row, layout.merged) == (first_row, merged)
