"""#18 item 3: a sheet's extent is measured by structure, whatever the XML looks like.

Each hostile sheet below claims (or builds) a rectangle far beyond any ledger in a way the old
regex (`` r="…"`` only) missed: other quoting, spacing, case, namespace prefixes, attribute order,
or cells without references. Each must be refused before calamine sees it; honest sheets written
the same odd ways must still pass and load.
"""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from ledgers import guards
from ledgers.reader import SourceFile, load_files
from ledgers.report import LoadResult
from tests.support.workbooks import first_sheet

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
HEAD = ("<row r='1'><c r='A1' t='inlineStr'><is><t>活动日期</t></is></c>"
        "<c r='B1' t='inlineStr'><is><t>活动名称</t></is></c><c r='C1' t='inlineStr'><is><t>活动类型</t></is></c></row>")


def _book_with_sheet(sheet_xml: str) -> bytes:
    """A real workbook (openpyxl) whose first worksheet part is replaced by ``sheet_xml``."""
    wb = openpyxl.Workbook()
    ws = first_sheet(wb)
    ws.title = "活动台账"
    ws["A1"] = "x"
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = sheet_xml.encode() if info.filename == "xl/worksheets/sheet1.xml" else src.read(info)
            dst.writestr(info.filename, body)
    return out.getvalue()


def _sheet(rows: str, root: str = "worksheet", ns: str = NS, data: str = "sheetData") -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?><{root} {ns}><{data}>{rows}</{data}></{root}>'


HOSTILE = [
    ("single_quotes", _sheet(HEAD + "<row r='6000'><c r='XFD6000'><v>1</v></c></row>"), 6000, 16384),
    ("tab_before_r", _sheet(HEAD + '<row r="6000"><c\tr="XFD6000"><v>1</v></c></row>'), 6000, 16384),
    ("newline_before_r", _sheet(HEAD + '<row r="6000"><c\nr="XFD6000"><v>1</v></c></row>'), 6000, 16384),
    ("lower_case_ref", _sheet(HEAD + '<row r="6000"><c r="xfd6000"><v>1</v></c></row>'), 6000, 16384),
    ("spaces_round_equals", _sheet(HEAD + '<row r="6000"><c r = "XFD6000"><v>1</v></c></row>'), 6000, 16384),
    ("r_not_first", _sheet(HEAD + '<row r="6000"><c t="n" r="XFD6000"><v>1</v></c></row>'), 6000, 16384),
    ("gt_inside_attribute", _sheet(HEAD + '<row r="6000"><c s=">" r="XFD6000"><v>1</v></c></row>'), 6000, 16384),
    ("prefixed_tags", _sheet(HEAD.replace("<row", "<x:row").replace("</row", "</x:row").replace("<c ", "<x:c ")
                             .replace("</c>", "</x:c>") + '<x:row r="6000"><x:c r="XFD6000"><x:v>1</x:v></x:c></x:row>',
                             root="x:worksheet", ns=NS.replace("xmlns=", "xmlns:x="), data="x:sheetData"),
     6000, 16384),
    ("cells_without_r", _sheet(HEAD + "<row>" + "<c><v>1</v></c>" * 2500 + "</row>"), 2, 2500),
    ("rows_and_cells_without_r", _sheet(HEAD + '<row r="20000"><c><v>1</v></c></row>'
                                        + "<row>" + "<c><v>1</v></c>" * 1500 + "</row>"), 20001, 1500),
    ("tall_six_digit_rows", _sheet(HEAD + '<row r="900000"><c r="AZ900000"><v>1</v></c></row>'), 900000, 52),
]


@pytest.mark.parametrize("xml, rows, cols", [c[1:] for c in HOSTILE], ids=[c[0] for c in HOSTILE])
def test_hostile_extent_is_refused_by_its_real_size(xml, rows, cols):
    with pytest.raises(guards.GuardError) as err:
        guards.inspect("h.xlsx", _book_with_sheet(xml))
    assert err.value.code == "sheet_too_large"
    assert err.value.params["cells"] == f"{rows * cols:,}"


def test_hostile_sheet_is_a_problem_in_the_child_and_the_good_file_loads():
    good = _book_with_sheet(_sheet(HEAD + "<row r='2'><c r='A2' t='inlineStr'><is><t>2026-01-05</t></is></c>"
                                   "<c r='B2' t='inlineStr'><is><t>读书会</t></is></c>"
                                   "<c r='C2' t='inlineStr'><is><t>文体</t></is></c></row>"))
    res = load_files([SourceFile("坏.xlsx", _book_with_sheet(HOSTILE[0][1])), SourceFile("好.xlsx", good)])
    assert [p.code for p in res.report.problems if p.file == "坏.xlsx"] == ["sheet_too_large"]
    assert len(res.frames["activities"]) == 1


HONEST = [
    # one tall column: the quick bound (26 columns × 900,000 rows) is over, the exact count is not
    ("tall_narrow", _sheet(HEAD + '<row r="900000"><c r="A900000"><v>1</v></c></row>')),
    ("single_quotes_small", _sheet(HEAD + "<row r='2'><c r='C2'><v>1</v></c></row>")),
    ("no_refs_small", _sheet("<row>" + "<c><v>1</v></c>" * 30 + "</row>" * 1)),
]


@pytest.mark.parametrize("xml", [c[1] for c in HONEST], ids=[c[0] for c in HONEST])
def test_honest_sheets_written_oddly_pass(xml):
    guards.inspect("ok.xlsx", _book_with_sheet(xml))


def _worker_children() -> int:
    """Live ``ledgers.worker`` processes started by this process."""
    import os
    from pathlib import Path

    me, n = str(os.getpid()), 0
    for proc in Path("/proc").iterdir():
        try:
            stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            cmd = (proc / "cmdline").read_bytes()
        except (OSError, IndexError):
            continue
        if stat[1] == me and b"ledgers.worker" in cmd and stat[0] != "Z":
            n += 1
    return n


def _wait_for(condition, what: str) -> None:
    import time

    deadline = time.monotonic() + 60
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def test_concurrent_uploads_wait_for_one_of_n_parser_children(tmp_path, monkeypatch):
    """Four uploads at once with N = 2: two children parse, two uploads wait; all four load."""
    import os
    import threading

    from ledgers import worker

    monkeypatch.setenv("DASHBOARD_PARSER_CHILDREN", "2")
    worker.shutdown()  # no warm child from another test
    fifos = [tmp_path / f"活动{i}.csv" for i in range(4)]
    for f in fifos:
        os.mkfifo(f)  # a child reading one blocks until the test writes it: a parse that takes a while
    results: dict[int, LoadResult] = {}
    uploads = [threading.Thread(target=lambda i=i: results.__setitem__(i, load_files([fifos[i]], timeout=60)))
               for i in range(4)]
    for t in uploads:
        t.start()
    _wait_for(lambda: worker.SLOTS.running == 2 and worker.SLOTS.waiting() == 2, "two parse, two wait")
    _wait_for(lambda: _worker_children() == 2, "two children started")
    assert _worker_children() == 2 and worker.SLOTS.waiting() == 2

    def feed(f):
        with open(f, "wb") as fh:
            fh.write("活动日期,活动名称,活动类型\n2026-01-05,读书会,文体\n".encode())

    writers = [threading.Thread(target=feed, args=(f,)) for f in fifos]
    for w in writers:
        w.start()
    for t in uploads + writers:
        t.join(90)
    assert [len(results[i].frames["activities"]) for i in range(4)] == [1, 1, 1, 1]
    assert worker.SLOTS.running == 0 and worker.SLOTS.waiting() == 0
