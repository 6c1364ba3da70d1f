"""The fastexcel/Arrow read path (#17) gives what the python-calamine path gives, cell for cell, and
the typed sheets cross from the child to the parent as Arrow IPC unchanged."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]
import pytest
import xlsxwriter

from ledgers import guards, ipc
from ledgers.arrowgrid import decode
from ledgers.reader import SourceFile, load_files, read_file
from ledgers.report import Code
from tests.support.workbooks import sheets_of_many_sizes

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "sample_data").glob("*.xlsx"))


def _both(monkeypatch: pytest.MonkeyPatch, sources: list) -> tuple:
    """(python-calamine's result, fastexcel's result) of the same sources, in process."""
    monkeypatch.setenv("LEDGERS_CALAMINE", "1")
    old = load_files(sources, secret=b"k", in_process=True)
    monkeypatch.delenv("LEDGERS_CALAMINE")
    return old, load_files(sources, secret=b"k", in_process=True)


def _assert_same(old, new) -> None:
    assert new.report.to_dict() == old.report.to_dict()
    assert list(new.frames) == list(old.frames)
    for key, frame in old.frames.items():
        pd.testing.assert_frame_equal(new.frames[key], frame, check_exact=True)


@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_a_sample_workbook_reads_the_same_on_both_paths(path, monkeypatch):
    _assert_same(*_both(monkeypatch, [path]))


@pytest.mark.parametrize("text, cell", [
    ("12", 12.0), ("-3.25", -3.25), ("0", 0.0), ("true", True), ("false", False),
    ("2026-03-05 00:00:00", dt.date(2026, 3, 5)), ("2026-01-02 03:04:00", dt.datetime(2026, 1, 2, 3, 4)),
    ("1899-12-31 12:00:00", dt.time(12, 0)),
    # text that only looks like a rendering stays text: padding, exponents, 16+ digits, other cases
    ("007", "007"), ("12.50", "12.50"), ("1e5", "1e5"), ("TRUE", "TRUE"), ("110101199001011234", "110101199001011234"),
    ("2026-03-05", "2026-03-05"), ("12人", "12人"), (None, None),
])
def test_calamine_text_decodes_to_the_cell_calamine_gives(text, cell):
    (got,) = decode(pa.array([text], type=pa.string()))
    assert got == cell and type(got) is type(cell)


def _ids_book(as_number: bool) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf)
    ws = wb.add_worksheet("就业援助台账")
    ws.write_row(0, 0, ["姓名", "身份证号", "登记日期", "参加社保"])
    # 110101199001011200 is a multiple of 16: a float holds it exactly, so calamine's text of the
    # number and a text cell of the same digits are the same string
    for i in range(3):
        ws.write_string(i + 1, 0, f"张{i}")
        if as_number:
            ws.write_number(i + 1, 1, 110101199001011200)
        else:
            ws.write_string(i + 1, 1, "110101199001011200")
        ws.write_string(i + 1, 2, "2026-03-05")
        ws.write_string(i + 1, 3, "是")
    wb.close()
    return buf.getvalue()


@pytest.mark.parametrize("as_number, lost", [(True, 3), (False, 0)])
def test_a_long_number_is_told_from_text_of_the_same_digits(as_number, lost, monkeypatch):
    old, new = _both(monkeypatch, [SourceFile("ids.xlsx", _ids_book(as_number))])
    _assert_same(old, new)
    assert sum(p.code == Code.ID_LOST_DIGITS for p in new.report.problems) == lost


@pytest.mark.parametrize("xml, first_row, merged", [
    (b'<sheetData><row r="3"><c r="B3" s="1"/><c r="C3" t="s"><v>0</v></c></row></sheetData>', 2, []),
    (b'<sheetData><row r="1"><c r="A1"><f>1+1</f><v></v></c></row><row r="4"><c r="D4"><v>5</v></c></row>'
     b'</sheetData><mergeCells count="1"><mergeCell ref="B5:C7"/></mergeCells>', 3, [((4, 1), (6, 2))]),
    (b'<sheetData><row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c></row></sheetData>', 1, []),
    (b'<sheetData><row r="1"><c r="A1" s="1"/></row></sheetData>', -1, []),
    (b'<sheetData><row><c t="inlineStr"><is><t>x</t></is></c></row></sheetData>', None, []),  # no r: calamine reads it
])
def test_the_guard_scan_tells_where_cells_start_and_what_is_merged(xml, first_row, merged):
    layout = guards.SheetLayout()
    guards._see_layout(xml, layout)
    assert (layout.first_row, layout.merged) == (first_row, merged)


@pytest.mark.parametrize("path", SAMPLES[:3] + [ROOT / "sample_data" / "设施台账.xls"],
                         ids=[p.name for p in SAMPLES[:3]] + ["设施台账.xls"])
def test_a_typed_sheet_crosses_as_arrow_ipc_unchanged(path):
    sent = []
    read_file(path.name, str(path), None, None, b"k", sink=lambda key, frame: sent.append(frame))
    assert sent
    for frame in sent:
        packed = ipc.pack(frame)
        assert isinstance(packed, ipc.ArrowFrame)
        back = ipc.unpack(packed).frame()
        pd.testing.assert_frame_equal(back, frame.frame(), check_exact=True)
        for col in back.select_dtypes(include="object").columns:
            assert [type(v) for v in back[col]] == [type(v) for v in frame.frame()[col]]


def test_a_prestarted_child_is_the_one_that_reads(monkeypatch):
    from ledgers import worker

    monkeypatch.delenv("LEDGERS_IN_PROCESS", raising=False)
    worker.shutdown()  # no idle child left from another test
    worker.prestart()
    (started,) = worker._idle
    result = load_files([SAMPLES[0]], secret=b"k")
    assert result.frames and worker._idle == [started]  # taken up, used, given back warm
    worker.prestart()  # an idle child is there already: no second one
    assert worker._idle == [started]
    worker.shutdown()


@pytest.mark.parametrize(("ahead", "asked", "same_child"), [
    ([0], [0], True),        # the CLI's case: the child read the files before load_files asked for them
    ([0, 1], [0, 1], True),
    ([0], [1], False),       # asked for other files: the child busy with the first is not read from
    ([0, 1], [1, 0], False),  # another order is another request
])
def test_a_request_sent_ahead_is_answered_only_to_the_same_request(monkeypatch, ahead, asked, same_child):
    from ledgers import worker

    monkeypatch.delenv("LEDGERS_IN_PROCESS", raising=False)
    worker.shutdown()
    worker.prestart(paths=[SAMPLES[i] for i in ahead])
    (started,) = worker._idle
    assert started.sent is not None  # already on its way, before anyone asked
    sources = [SAMPLES[i] for i in asked]
    result = load_files(sources)  # the defaults prestart assumes: no mappings, the process's secret
    expected = load_files(sources, secret=worker.PROCESS_SECRET, in_process=True)
    assert result.report.to_dict() == expected.report.to_dict()
    assert list(result.frames) == list(expected.frames)
    for key, frame in expected.frames.items():
        pd.testing.assert_frame_equal(result.frames[key], frame, check_exact=True)
    (idle,) = worker._idle
    assert (idle is started) is same_child and idle.sent is None
    worker.shutdown()


def test_let_go_ends_the_idle_child_without_waiting_for_it(monkeypatch):
    from ledgers import worker

    monkeypatch.delenv("LEDGERS_IN_PROCESS", raising=False)
    worker.shutdown()
    load_files([SAMPLES[0]], secret=b"k")
    (child,) = worker._idle
    worker.let_go()  # what cli.py does once it has its frames
    assert worker._idle == []
    assert child.proc.wait(10) == 0  # it read the end of its input and left


def test_sheets_read_biggest_first_report_in_the_workbooks_order(monkeypatch):
    from ledgers.reader import _biggest_first

    data = sheets_of_many_sizes()
    info = guards.inspect("a.xlsx", data, defer_sheets=True)
    names = ["说明", "文体活动", "空白", "消防器材台账", "活动台账二"]
    assert _biggest_first(names, info)[:2] == ["活动台账二", "消防器材台账"]  # not the workbook's order
    old, new = _both(monkeypatch, [SourceFile("a.xlsx", data)])  # python-calamine reads in the workbook's order
    _assert_same(old, new)
    assert [s["sheet"] for s in new.report.to_dict()["sheets"]] == names
    rows = new.frames["activities"]["活动名称"].tolist()
    assert rows[:3] == ["小活动0", "小活动1", "小活动2"] and rows[3] == "大活动0"  # small sheet's rows first
    bad = [p for p in new.report.problems if p.row is not None and p.sheet in ("文体活动", "活动台账二")]
    assert [p.sheet for p in bad][:1] == ["文体活动"] and bad[-1].sheet == "活动台账二"


def test_a_child_puts_the_streamed_frames_in_the_workbooks_order(monkeypatch):
    monkeypatch.delenv("LEDGERS_IN_PROCESS", raising=False)
    data = sheets_of_many_sizes()
    here = load_files([SourceFile("a.xlsx", data)], secret=b"k", in_process=True)
    there = load_files([SourceFile("a.xlsx", data)], secret=b"k")
    _assert_same(here, there)
