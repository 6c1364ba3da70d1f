"""Hostile and broken uploads: each becomes a Chinese problem naming the file; good files beside it load."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import openpyxl
import pytest

from ledgers import guards
from ledgers.reader import SourceFile, load_files
from tests.support.workbooks import ACT, act_row, first_sheet

GOOD_NAME = "好文件.xlsx"


def _book(rows=None, sheet="活动台账") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows or [ACT, act_row(1), act_row(2)]:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _rewrite(data: bytes, part: str, edit) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            dst.writestr(info.filename, edit(body) if info.filename == part else body)
    return out.getvalue()


def _deflated_zeros(size: int, piece: int = 1 << 24) -> tuple[bytes, int]:
    """Raw deflate of ``size`` zero bytes, fast: a fully flushed piece compresses identically every time."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = comp.compress(bytes(piece)) + comp.flush(zlib.Z_FULL_FLUSH)
    n = size // piece
    crc = 0
    zeros = bytes(piece)
    for _ in range(n):
        crc = zlib.crc32(zeros, crc)
    tail = zlib.compressobj(9, zlib.DEFLATED, -15).flush()  # an empty final block ends the stream
    return chunk * n + tail, crc


def _zip_raw(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip from already-deflated members: (name, deflated, crc, uncompressed size)."""
    out, central = io.BytesIO(), io.BytesIO()
    for name, body, crc, size in members:
        offset = out.tell()
        fname = name.encode()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(body), size, len(fname), 0))
        out.write(fname + body)
        central.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(body), size,
                                  len(fname), 0, 0, 0, 0, 0, offset) + fname)
    cd = central.getvalue()
    start = out.tell()
    out.write(cd)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(cd), start, 0))
    return out.getvalue()


def _deflate(body: bytes) -> tuple[bytes, int, int]:
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    return comp.compress(body) + comp.flush(), zlib.crc32(body), len(body)


def _bomb(size: int) -> bytes:
    book = _book()
    src = zipfile.ZipFile(io.BytesIO(book))
    members = [(n, *_deflate(src.read(n))) for n in src.namelist() if n != "xl/worksheets/sheet1.xml"]
    zeros, crc = _deflated_zeros(size)
    return _zip_raw([*members, ("xl/worksheets/sheet1.xml", zeros, crc, size)])


def _ole2(stream_names: list[str]) -> bytes:
    """A minimal OLE2 (CFB) container whose directory names the given streams."""
    header = bytearray(512)
    header[:8] = guards.OLE_MAGIC
    struct.pack_into("<HHHH", header, 24, 0x3E, 3, 0xFFFE, 9)
    directory = bytearray()
    for name in ["Root Entry", *stream_names]:
        entry = bytearray(128)
        raw = name.encode("utf-16-le") + b"\x00\x00"
        entry[: len(raw)] = raw
        struct.pack_into("<HB", entry, 64, len(raw), 5 if name == "Root Entry" else 2)
        directory += entry
    return bytes(header) + bytes(directory.ljust(512, b"\x00"))


def _truncated() -> bytes:
    data = _book()
    return data[: len(data) // 2]


BILLION_LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
                  b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n')
XXE = b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'


def _with_prolog(prolog: bytes):
    def edit(body: bytes) -> bytes:
        if body.startswith(b"<?xml"):
            body = body.split(b"?>", 1)[1].lstrip()
        return prolog + body
    return edit


def _sparse() -> bytes:
    wb = openpyxl.Workbook()
    ws = first_sheet(wb)
    ws.title = "活动台账"
    ws["A1"] = "活动日期"
    ws["XFD1048576"] = "x"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


CASES = [
    ("billion_laughs.xlsx", lambda: _rewrite(_book(), "xl/worksheets/sheet1.xml", _with_prolog(BILLION_LAUGHS)),
     "xml_unsafe", "不安全"),
    ("xxe.xlsx", lambda: _rewrite(_book(), "xl/workbook.xml", _with_prolog(XXE)), "xml_unsafe", "DOCTYPE"),
    ("sparse.xlsx", _sparse, "sheet_too_large", "XFD1048576"),
    ("bomb.xlsx", lambda: _bomb(1100 << 20), "zip_bomb", "解压后过大"),
    ("ratio.xlsx", lambda: _bomb(48 << 20), "zip_ratio", "压缩比"),
    ("加密.xlsx", lambda: _ole2(["EncryptionInfo", "EncryptedPackage"]), "file_encrypted", "去除密码"),
    ("网页.xlsx", lambda: b"<!DOCTYPE html><html><body><table><tr><td>1</td></tr></table></body></html>",
     "not_spreadsheet", "扩展名"),
    ("文本.xlsx", lambda: "活动日期,活动名称\n2026-01-01,a\n".encode(), "not_spreadsheet", "不是 Excel"),
    ("空文件.xlsx", lambda: b"", "file_empty", "空的"),
    ("截断.xlsx", _truncated, "zip_truncated", "不完整"),
    ("报告.pdf", lambda: b"%PDF-1.4 ...", "not_spreadsheet", "不是 Excel"),
    ("notes.docx", lambda: _zip_raw([("word/document.xml", *_deflate(b"<w/>"))]), "not_spreadsheet", "不是"),
]


@pytest.mark.parametrize("name, make, code, words", CASES, ids=[c[0] for c in CASES])
def test_bad_file_is_a_problem_and_the_good_file_still_loads(name, make, code, words):
    res = load_files([SourceFile(name, make()), SourceFile(GOOD_NAME, _book())], in_process=True)
    bad = [p for p in res.report.problems if p.file == name]
    assert [p.code for p in bad] == [code]
    assert bad[0].severity == "error" and words in bad[0].message and f"文件「{name}」" in bad[0].message
    assert len(res.frames["activities"]) == 2 and set(res.frames["activities"]["_file"]) == {GOOD_NAME}
    assert [s.status for s in res.report.sheets if s.file == name] == ["failed"]


def test_guard_catches_the_sparse_sheet_before_calamine():
    with pytest.raises(guards.GuardError) as err:
        guards.inspect("s.xlsx", _sparse())
    assert err.value.code == "sheet_too_large" and err.value.params["ref"] == "A1:XFD1048576"


def test_a_wide_but_honest_sheet_passes_the_guard():
    row = [f"c{j}" for j in range(120)]  # 120 columns reach DP: two-letter references
    guards.inspect("w.xlsx", _book([ACT + row, act_row(1)]))


def test_defusedxml_is_active():
    import defusedxml  # noqa: F401
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True


def test_child_process_gives_the_same_result_as_in_process():
    files = [SourceFile(GOOD_NAME, _book()), SourceFile("sparse.xlsx", _sparse()), SourceFile("空.csv", b"")]
    child = load_files(files, secret=b"k")
    here = load_files(files, secret=b"k", in_process=True)
    assert child.report.to_dict() == here.report.to_dict()
    assert child.frames["activities"].equals(here.frames["activities"])


def _long_rows_book(n: int) -> bytes:
    """A workbook of ``n`` rows of long inline strings, written as XML directly (fast to build)."""
    cells = "".join(f'<c r="{c}1" t="inlineStr"><is><t>{h}</t></is></c>' for c, h in zip("ABC", ACT, strict=False))
    rows = [f'<row r="1">{cells}</row>']
    for i in range(2, n + 2):
        rows.append(f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>2026-01-05</t></is></c>'
                    f'<c r="B{i}" t="inlineStr"><is><t>{"活动" * 150}{i}</t></is></c>'
                    f'<c r="C{i}" t="inlineStr"><is><t>文体</t></is></c></row>')
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
           + "".join(rows) + "</sheetData></worksheet>").encode()
    return _rewrite(_book(), "xl/worksheets/sheet1.xml", lambda _body: xml)


def test_memory_cap_stops_a_file_and_the_others_still_load():
    files = [SourceFile("大.xlsx", _long_rows_book(30000)), SourceFile(GOOD_NAME, _book())]
    assert len(load_files(files[:1], in_process=True).frames["activities"]) == 30000
    res = load_files(files, memory_mb=24, timeout=60)
    (p,) = [p for p in res.report.problems if p.file == "大.xlsx"]
    assert p.code == "out_of_memory" and "内存上限" in p.message and p.severity == "error"
    assert len(res.frames["activities"]) == 2


def test_timeout_kills_the_child_names_the_file_and_carries_on(tmp_path):
    import os

    fifo = tmp_path / "卡住.csv"
    os.mkfifo(fifo)  # reading it blocks forever: the stand-in for a parser that hangs
    good = tmp_path / GOOD_NAME
    good.write_bytes(_book())
    res = load_files([fifo, good], timeout=1.5)
    (p,) = [p for p in res.report.problems if p.file == "卡住.csv"]
    assert p.code == "parse_timeout" and "超时" in p.message
    assert len(res.frames["activities"]) == 2
