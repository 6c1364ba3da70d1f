"""Checks on an upload's bytes before any parser sees them.

calamine is fast but trusting: a sheet claiming A1:XFD1048576 makes it allocate the whole rectangle
(hundreds of GB) and abort the process, so the extent of every worksheet is measured here first. The
other checks turn the usual hostile or broken files (zip bombs, XML entity tricks, encrypted or
truncated files, web pages renamed .xlsx) into a clear Chinese problem instead of a traceback.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
MAX_UNCOMPRESSED = 1 << 30  # 1 GiB of XML is far beyond any office ledger (300k rows is ~130 MB)
MAX_RATIO = 200  # spreadsheet XML deflates 10-20×; zeros deflate ~1000×
RATIO_MIN_SIZE = 20 << 20  # small parts may compress extremely well; only big ones are judged
MAX_CELLS = 20_000_000  # rows × columns of a sheet's rectangle as calamine would allocate it
MAX_COLS = 2_000
MAX_ROWS = 1_048_576
PROLOG_BYTES = 65_536
TEXT_EXTS = {".csv", ".txt", ".tsv"}
BOOK_EXTS = {".xlsx", ".xlsm", ".xls", ".xltx", ".xltm"}


class GuardError(Exception):
    """A file that will not be parsed; ``code`` is a ``reader.`` i18n key."""

    def __init__(self, code: str, severity: str = "error", **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.severity = severity
        self.params = params


@dataclass
class Inspection:
    kind: str  # "xlsx" | "xls" | "csv"
    formula_blanks: dict[str, set[tuple[int, int]]] = field(default_factory=dict)  # sheet -> {(row0, col0)}
    deferred: dict[str, str] = field(default_factory=dict)  # sheet -> worksheet part, not scanned yet
    data: bytes = field(default=b"", repr=False)
    layout: dict[str, SheetLayout] = field(default_factory=dict)  # sheet -> what its scan saw (deferred scans)
    sizes: dict[str, int] = field(default_factory=dict)  # sheet -> uncompressed size of its worksheet XML

    def check_sheet(self, sheet: str) -> set[tuple[int, int]]:
        """The per-sheet checks ``inspect(defer_sheets=True)`` left for just before the sheet is
        parsed (raises GuardError); its formula cells without a cached value."""
        part = self.deferred.pop(sheet, None)
        if part is None:
            return self.formula_blanks.get(sheet, set())
        layout = SheetLayout()
        with _zip_errors():
            found = _scan_sheet(zipfile.ZipFile(io.BytesIO(self.data)), part, layout)
        self.layout[sheet] = layout
        if found:
            self.formula_blanks[sheet] = found
        return found


@dataclass
class SheetLayout:
    """What a worksheet's streaming scan saw besides its extent, for a reader that does not report it
    (fastexcel): the merged ranges as calamine gives them, ((row0, col0), (row1, col1)) 0-based, and
    the 0-based row of the first cell holding a value (where calamine's range starts; -1: no such
    cell; None: not told, the XML is not written the plain way)."""

    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    first_row: int | None = -1


def inspect(name: str, data: bytes, *, defer_sheets: bool = False) -> Inspection:
    """Classify the bytes and refuse what must not reach a parser (raises GuardError).

    ``defer_sheets``: leave each worksheet's streaming scan (extent, formulas) to
    ``Inspection.check_sheet``, so the reader can run it right before that sheet is parsed, in the
    thread that parses (its decompression then overlaps the typing of the previous sheet)."""
    ext = PurePath(name).suffix.lower()
    if not data:
        raise GuardError("file_empty")
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise GuardError("file_encrypted")  # an encrypted .xlsx travels inside an OLE2 container
        return Inspection("xls")
    if data.startswith(ZIP_MAGIC) or data.startswith(b"PK\x05\x06"):
        if defer_sheets:
            deferred, sizes = _inspect_zip(data, scan=False)
            return Inspection("xlsx", deferred=deferred, data=data, sizes=sizes)
        blanks, sizes = _inspect_zip(data, scan=True)
        return Inspection("xlsx", blanks, sizes=sizes)
    if ext in BOOK_EXTS or _looks_binary_or_html(data):
        raise GuardError("not_spreadsheet")
    if ext not in TEXT_EXTS:
        raise GuardError("bad_extension", ext=ext or "（无）")
    return Inspection("csv")


def _looks_binary_or_html(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<table", b"{\\rtf", b"%pdf")):
        return True
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return False
    return b"\x00" in data[:4096] and not _utf16_without_bom(data)


def _utf16_without_bom(data: bytes) -> bool:
    sample = data[:4096]
    return len(sample) >= 4 and sample[1::2].count(0) > len(sample) // 4


def decode_text(data: bytes) -> str:
    """CSV text: UTF-8 (with or without BOM), UTF-16 (BOM), else GB18030 (a superset of GBK)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16")
    if _utf16_without_bom(data):
        try:
            return data.decode("utf-16-le")
        except UnicodeDecodeError:
            pass
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise GuardError("csv_encoding")


def _size(n: int) -> str:
    return f"{n / (1 << 30):.1f} GB" if n >= 1 << 30 else f"{n / (1 << 20):.0f} MB"


def _inspect_zip(data: bytes, *, scan: bool) -> tuple[dict[str, Any], dict[str, int]]:
    """Whole-file checks; then, with ``scan``, every worksheet's (sheet -> its formula blanks), else
    sheet -> worksheet part for ``Inspection.check_sheet``; and sheet -> its XML's uncompressed size."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        raise GuardError("zip_truncated") from exc
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:  # .xlsb/.ods/.docx: binary parts the extent check cannot read
        raise GuardError("not_spreadsheet")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED:
        raise GuardError("zip_bomb", size=_size(total))
    for info in infos:
        if info.file_size > RATIO_MIN_SIZE and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise GuardError("zip_ratio", ratio=info.file_size // max(info.compress_size, 1))
    with _zip_errors():
        for info in infos:
            if info.filename.endswith((".xml", ".rels", ".vml")):
                with zf.open(info) as fh:
                    _check_prolog(fh.read(PROLOG_BYTES))
        sheets = {name: part for name, part in _sheet_parts(zf).items() if part in names}
        sizes = {name: zf.getinfo(part).file_size for name, part in sheets.items()}
        if not scan:
            return sheets, sizes
        blanks: dict[str, Any] = {}
        for sheet_name, part in sheets.items():
            found = _scan_sheet(zf, part)
            if found:
                blanks[sheet_name] = found
        return blanks, sizes


@contextlib.contextmanager
def _zip_errors() -> Iterator[None]:
    """A damaged archive met while reading it becomes zip_truncated."""
    try:
        yield
    except GuardError:
        raise
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile, OSError, ValueError) as exc:
        # zlib.error is an Exception subclass of its own; CRC / truncation surface as BadZipFile/EOFError
        raise GuardError("zip_truncated") from exc
    except Exception as exc:
        if type(exc).__name__ == "error":  # zlib.error
            raise GuardError("zip_truncated") from exc
        raise


_CHUNK = 1 << 22
_ZLIB: Any = zlib
with contextlib.suppress(ImportError):  # isal is pinned in requirements.txt; without it, zlib does the same
    from isal import isal_zlib  # ISA-L: the same inflate, about twice as fast

    _ZLIB = isal_zlib
# Any start tag of a cell or a row, whatever its namespace prefix, spacing or attribute quoting (an
# attribute value may hold ">"): what an XML parser would call <c> / <row>.
_START_TAG = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?(c|row)(?=[\s/>])((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
# the r attribute read liberally (any prefix or case, any quoting): one the parser might honour
_R_ATTR = re.compile(rb"""(?:^|\s)(?:[\w.\-]+:)?[rR]\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_REF = re.compile(rb"\s*([A-Za-z]{0,3})\s*(\d{1,9})\s*$")
# The form Excel, openpyxl and xlsxwriter write. A piece where every cell and row tag has it is
# measured with C-speed searches; any other piece is walked tag by tag.
_PLAIN_CELL, _PLAIN_ROW = b'<c r="', b'<row r="'
# Each starts with a literal, which the regex engine finds at C speed.
_ODD_CELL = re.compile(rb'<c(?=[\s/>])(?! r="[A-Z]{1,3}[1-9]\d{0,6}"[ />])')
_ODD_ROW = re.compile(rb'<row(?=[\s/>])(?! r="[1-9]\d{0,6}"[ />])')
_PREFIXED = re.compile(rb':(?:c|row)[\s/>]')  # <x:c>: the parser matches local names
_WIDE_REF = re.compile(rb'<c r="([A-Z]{2,3})\d')
_NARROW_REF = re.compile(rb'<c r="[A-Z]\d')
_TALL_REF = re.compile(rb'<c r="[A-Z]{1,3}\d{5}')
_TALLER_REFS = re.compile(rb'<c r="[A-Z]{1,3}(\d{6,})"')


def col_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ch - 64)
    return n


class _Extent:
    """The rectangle a parser would allocate for one worksheet, measured from its cell and row tags.

    A cell's place is its ``r`` reference, or — without one — the next column of the current row;
    a row without ``r`` follows the previous row. ``exact`` is False while plain pieces were only
    bounded (single-letter columns count as Z, rows below 100,000 as 99,999); ``over`` then asks
    for an exact pass before anything is refused.
    """

    def __init__(self, *, exact: bool = False) -> None:
        self.rows = self.cols = 0
        self.row = self.col = 0  # the position the next unreferenced row / cell takes after
        self.bounded = False
        self.force_exact = exact

    def feed(self, piece: bytes) -> None:
        if not self.force_exact and self._plain(piece):
            self._bound(piece)
        else:
            self._walk(piece)

    def over(self) -> bool:
        return self.cols > MAX_COLS or self.rows > MAX_ROWS or self.rows * self.cols > MAX_CELLS

    @staticmethod
    def _plain(piece: bytes) -> bool:
        return not (_ODD_CELL.search(piece) or _ODD_ROW.search(piece) or _PREFIXED.search(piece))

    def _bound(self, piece: bytes) -> None:
        if _WIDE_REF.search(piece):
            wide = max(_WIDE_REF.findall(piece), key=lambda c: (len(c), c))
            self.cols = max(self.cols, col_number(wide))
        if _NARROW_REF.search(piece):
            self.cols, self.bounded = max(self.cols, 26), True
        if _TALL_REF.search(piece):
            taller = _TALLER_REFS.findall(piece)
            if taller:
                self.rows = max(self.rows, int(max(taller, key=lambda r: (len(r), r))))
            else:
                self.rows, self.bounded = max(self.rows, 99_999), True
        elif _PLAIN_CELL in piece:
            self.rows, self.bounded = max(self.rows, 9_999), True
        self.track(piece)

    def track(self, piece: bytes, end: int | None = None) -> None:
        """Where the next unreferenced row or cell goes, after a plain piece (``piece[:end]``)."""
        end = len(piece) if end is None else end
        pos = piece.rfind(_PLAIN_ROW, 0, end)
        if pos >= 0 and (m := re.match(rb'<row r="(\d+)"', piece[pos:min(pos + 20, end)])):
            self.row, self.col = int(m.group(1)), 0
        cell = piece.rfind(_PLAIN_CELL, 0, end)
        if cell > pos and (m := re.match(rb'<c r="([A-Z]+)', piece[cell:min(cell + 12, end)])):
            self.col = col_number(m.group(1))  # a piece cut inside a row: unreferenced cells follow it

    def _walk(self, piece: bytes) -> None:
        for m in _START_TAG.finditer(piece):
            ref = _R_ATTR.search(m.group(2))
            value = next((v for v in ref.groups() if v is not None), b"") if ref else None
            place = _REF.match(value) if value is not None else None
            if m.group(1) == b"row":
                self.row = int(place.group(2)) if place and not place.group(1) else self.row + 1
                self.col = 0
                self.rows = max(self.rows, self.row)
                continue
            if place and place.group(1):
                row, col = int(place.group(2)), col_number(place.group(1))
            else:
                row, col = max(self.row, 1), self.col + 1
            self.col = col
            self.rows, self.cols = max(self.rows, row), max(self.cols, col)


def _scan_sheet(zf: zipfile.ZipFile, part: str, layout: SheetLayout | None = None) -> set[tuple[int, int]]:
    """Stream one worksheet's XML: refuse it if a parser would allocate too large a rectangle, and
    return the formula cells without a cached value.

    The XML is decompressed in 4 MB chunks, cut after the last ``</row>`` so no tag straddles two
    pieces, and never held whole; the byte count stops a member whose header lies about its size.
    The extent is measured by structure (``_Extent``: every cell and row tag, however written);
    when the quick bounds of plain pieces exceed a limit, the sheet is measured again exactly before
    it is refused, so an honest tall or wide sheet is never refused by a bound. Inflating (``_Inflated``)
    and surveying a plain piece (``_quick``) leave the GIL; only odd pieces hold it for long.
    """
    blanks: set[tuple[int, int]] = set()
    extent, claimed = _measure(zf, part, _Extent(), blanks, layout)
    if extent.over() and extent.bounded:
        extent, claimed = _measure(zf, part, _Extent(exact=True), None)
    _check_extent(part, max(extent.rows, claimed[0]), max(extent.cols, claimed[1]))
    return blanks


def _measure(zf: zipfile.ZipFile, part: str, extent: _Extent, blanks: set[tuple[int, int]] | None,
             layout: SheetLayout | None = None) -> tuple[_Extent, tuple[int, int]]:
    claimed = (0, 0)
    carry, total, first = b"", 0, True

    def scan(buf: bytes, end: int) -> None:
        if blanks is not None and _quick(buf, extent, layout, end):
            return  # the piece buf[:end] was never copied out of buf: the survey reads it in place
        piece = buf if end == len(buf) else buf[:end]
        extent.feed(piece)
        if blanks is not None and b"<f" in piece:
            blanks.update(_formula_blanks(piece))
        if layout is not None:
            _see_layout(piece, layout)

    with _open_member(zf, part) as fh:
        while True:
            chunk = fh.read(_CHUNK)
            total += len(chunk)
            if total > MAX_UNCOMPRESSED:
                raise GuardError("zip_bomb", size=_size(total))
            if first:
                first = False
                claimed = _dimension(chunk[:4096])
            if not chunk:
                if carry:
                    scan(carry, len(carry))
                break
            buf = carry + chunk if carry else chunk
            end = buf.rfind(b"</row>") + 6
            if end < 6 and len(buf) >= _CHUNK:
                end = buf.rfind(b"<")  # one endless row: cut before a tag ("<" is never inside one)
            if end <= 0:
                carry = buf
                continue
            carry = buf[end:]
            scan(buf, end)
    return extent, claimed


class _Inflated:
    """``zf.open(part)`` of a deflated member, read the way ``ZipExtFile.read`` reads it (the same
    bytes, the same chunks, the same errors for a cut, corrupt or mislabelled stream), by ``_ZLIB``:
    ISA-L's inflate when ``isal`` is installed, about twice zlib's speed; both leave the GIL."""

    def __init__(self, raw: bytes, start: int, info: zipfile.ZipInfo) -> None:
        self.raw = memoryview(raw)[start:start + info.compress_size]
        self.pos, self.left, self.crc, self.expected = 0, info.file_size, 0, info.CRC
        self.made = 0  # bytes of XML inflated so far
        self.inflate = _ZLIB.decompressobj(-15)
        self.eof = False

    def __enter__(self) -> _Inflated:
        return self

    def __exit__(self, *exc: object) -> None:
        self.raw.release()

    def read(self, n: int) -> bytes:
        parts: list[bytes] = []
        got = 0
        while got < n and not self.eof:
            data = self._step(n - got)
            parts.append(data)
            got += len(data)
        out = parts[0] if len(parts) == 1 else b"".join(parts)
        self.crc = _ZLIB.crc32(out, self.crc)
        if self.eof and self.crc != self.expected:
            raise zipfile.BadZipFile(f"Bad CRC-32 for file {self.raw!r}")
        return out

    def _step(self, n: int) -> bytes:
        data: bytes | memoryview = self.inflate.unconsumed_tail
        # enough input for n bytes of output at the ratio seen so far, and a little more: one call
        # usually fills the chunk, and the input left over (copied by inflate, GIL held) stays small
        want = n * self.pos // max(self.made, 1) * 5 // 4 + 4096 if self.made else n // 4
        if len(data) < want and self.pos < len(self.raw):
            more = self.raw[self.pos:self.pos + want - len(data)]
            self.pos += len(more)
            data = bytes(data) + more if data else more
        try:
            out: bytes = self.inflate.decompress(data, n)
        except _ZLIB.error as exc:
            raise zlib.error(str(exc)) from exc
        tail = self.inflate.unconsumed_tail
        self.eof = self.inflate.eof or (self.pos >= len(self.raw) and not tail)
        if self.eof:
            out += self.inflate.flush()
        out = out[:self.left]
        self.left -= len(out)
        self.made += len(out)
        self.eof = self.eof or self.left <= 0
        return out


def _open_member(zf: zipfile.ZipFile, part: str) -> Any:
    """A worksheet's XML as a stream: ``zf.open`` checks the member's local header as ever; a
    deflated, unencrypted member of an in-memory archive is then inflated by ``_Inflated``."""
    fh = zf.open(part)
    info = zf.getinfo(part)
    if info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & 1 or not isinstance(zf.fp, io.BytesIO):
        return fh
    raw = zf.fp.getvalue()  # the archive's bytes themselves: BytesIO shares them until written to
    name_len, extra_len = struct.unpack("<HH", raw[info.header_offset + 26:info.header_offset + 30])
    start = info.header_offset + 30 + name_len + extra_len
    if start + info.compress_size > len(raw):
        return fh  # cut short: zipfile tells where it ends, as before
    fh.close()
    return _Inflated(raw, start, info)


# The first cell holding a value, written the plain way: a reference first, then an optional formula,
# then a value that is not empty (calamine leaves out cells without one, and formulas without a value).
_FIRST_VALUE = re.compile(rb'<c r="[A-Z]{1,3}(\d+)"[^>]*?>(?:<f\b[^>]*?(?:/>|>[^<]*</f>))?(?:<v>[^<]|<is>)')
_ANY_CELL = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?c[\s/>]")
_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?ref\s*=\s*["\']([A-Za-z]{1,3})(\d+):([A-Za-z]{1,3})(\d+)["\']')


def _see_layout(piece: bytes, layout: SheetLayout) -> None:
    if layout.first_row == -1 and _ANY_CELL.search(piece):
        m = _FIRST_VALUE.search(piece)
        if m and _Extent._plain(piece[: m.start()]):
            layout.first_row = int(m.group(1)) - 1
        elif m is None and _Extent._plain(piece):
            pass  # cells, none with a value yet: the next piece may hold the first
        else:
            layout.first_row = None
    if b"mergeCell" in piece:
        layout.merged.extend(((int(r0) - 1, col_number(c0) - 1), (int(r1) - 1, col_number(c1) - 1))
                             for c0, r0, c1, r1 in _MERGE_REF.findall(piece))


# --- The same checks on a plain piece, without the GIL ----------------------------------------------
# Nearly every piece of a real workbook is plain (written by Excel, openpyxl or xlsxwriter). For those,
# one RE2 pass (pyarrow compute, which releases the GIL and runs in linear time) tells whether anything
# in the piece needs the Python patterns above: an odd cell or row tag, a formula, a reference beyond
# what the piece's last cell lets the bounds take for granted. If nothing does, the bounds of
# ``_Extent._bound`` follow from the last cell alone; otherwise the piece takes the Python path.
# RE2 has no lookahead, so ``_ODD_CELL`` / ``_ODD_ROW`` are spelled out as the ways a tag can leave the
# plain form, character by character; a tag cut by the end of the piece is left to the Python
# patterns on the last bytes (a plain cell tag's lookahead spans 18 bytes).
_WS = r"[\t\n\r\x0b\x0c]"  # Python's bytes \s, less the space
_DIGITS_THEN_ODD = r'[1-9](?:[0-9]{0,6}[^0-9"]|[0-9]{7}|[0-9]{0,6}"[^ />])'
_ODD_CELL_RE2 = (rf'c(?:{_WS}|[/>]| [^r]| r[^=]| r=[^"]| r="(?:[^A-Z]|[A-Z](?:[^A-Z1-9]|[A-Z](?:[^A-Z1-9]|[A-Z][^1-9]))'
                 rf'|[A-Z]{{1,3}}{_DIGITS_THEN_ODD}))')
_ODD_ROW_RE2 = rf'row(?:{_WS}|[/>]| [^r]| r[^=]| r=[^"]| r="(?:[^1-9]|{_DIGITS_THEN_ODD}))'
_PREFIXED_RE2 = rf":(?:c|row)(?:{_WS}|[ />])"
_NARROW_RE2 = '<c r="[A-Z][1-9]'
_MERGE_RE2 = "(?:[A-Za-z0-9_]+:)?mergeCell"  # after "<": where _MERGE_REF can match
_TAIL = 32  # bytes at the end of a piece the Python patterns look at
QUICK_MIN = 1 << 16  # smaller pieces: the Python patterns cost less than the two pyarrow calls


def _quick(piece: bytes, extent: _Extent, layout: SheetLayout | None, end: int | None = None) -> bool:
    """``_Extent.feed``, the formula and the layout checks of one piece (``piece[:end]``) in one RE2
    pass, when the piece is plain and holds no formula; False (nothing done) when it needs the Python
    path."""
    end = len(piece) if end is None else end
    if extent.force_exact or end < QUICK_MIN:
        return False
    cell = piece.rfind(_PLAIN_CELL, 0, end)
    last = re.match(rb'<c r="([A-Z]{1,3})([1-9]\d{0,6})"', piece[cell:min(cell + 20, end)]) if cell >= 0 else None
    if cell >= 0 and last is None:
        return False  # the last reference is not plain, so neither is the piece
    alarm = [_ODD_CELL_RE2, _ODD_ROW_RE2, "f"]
    if last is not None:
        row = int(last.group(2))
        if wider := _col_above(max(extent.cols, 26)):
            alarm.append('c r="' + wider)
        alarm.append('c r="[A-Z]{1,3}' + _row_above(row if row >= 100_000 else 99_999 if row >= 10_000 else 9_999))
    found = _re2(piece, end)
    # one pass for the alarm and for what _MERGE_REF could match (each search leaves the GIL; fewer
    # of them, fewer waits to take it back); a second only where the first found something
    merges = found("<(?:" + "|".join([*alarm, _MERGE_RE2]) + ")")
    if merges and found("<(?:" + "|".join(alarm) + ")") or found(_PREFIXED_RE2):
        return False
    if _ODD_CELL.search(piece, end - _TAIL, end) or _ODD_ROW.search(piece, end - _TAIL, end):
        return False
    if last is not None:
        narrow = len(last.group(1)) == 1
        if narrow or not (extent.bounded and extent.cols >= 26):
            narrow = narrow or found(_NARROW_RE2)
        if narrow:
            extent.cols, extent.bounded = max(extent.cols, 26), True
        if row >= 100_000:  # the last cell is the tallest: the alarm above found none taller
            extent.rows = max(extent.rows, row)
        else:
            extent.rows, extent.bounded = max(extent.rows, 99_999 if row >= 10_000 else 9_999), True
    extent.track(piece, end)
    if layout is not None:
        _see_plain_layout(piece, layout, merges, end)
    return True


def _see_plain_layout(piece: bytes, layout: SheetLayout, merges: bool, end: int) -> None:
    """``_see_layout`` of ``piece[:end]``, known to be plain (``merges``: whether a merged range may be
    in it)."""
    if layout.first_row == -1 and _ANY_CELL.search(piece, 0, end) and (m := _FIRST_VALUE.search(piece, 0, end)):
        layout.first_row = int(m.group(1)) - 1  # the piece is plain, so is what comes before the cell
    if merges:
        start = max(piece.rfind(b"<", 0, piece.find(b"mergeCell", 0, end)), 0)  # where the first match can start
        layout.merged.extend(((int(r0) - 1, col_number(c0) - 1), (int(r1) - 1, col_number(c1) - 1))
                             for c0, r0, c1, r1 in _MERGE_REF.findall(piece, start, end))


def _re2(piece: bytes, end: int) -> Callable[[str], bool]:
    """``found(pattern)``: whether RE2 finds the pattern in ``piece[:end]`` (bytes as Latin-1, the GIL
    released while it searches)."""
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.compute as pc  # type: ignore[import-untyped]

    offsets = pa.py_buffer(bytes(8) + end.to_bytes(8, "little"))  # one value: piece[:end], not copied
    arr = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, pa.py_buffer(piece)])
    return lambda pattern: bool(pc.match_substring_regex(arr, pattern)[0].as_py())


def _col_above(n: int) -> str:
    """RE2: the letters of a plain reference to a column right of column ``n``, and the digit after
    ("" when no plain reference can be: n is ZZZ or more)."""
    s = _letters(n)
    alts = [f"[A-Z]{{{len(s) + 1},3}}"] if len(s) < 3 else []
    alts += [s[:i] + f"[{chr(ord(ch) + 1)}-Z]" + "[A-Z]" * (len(s) - i - 1) for i, ch in enumerate(s) if ch < "Z"]
    return "(?:" + "|".join(alts) + ")[1-9]" if alts else ""


def _row_above(n: int) -> str:
    """RE2: the digits of a plain reference to a row below row ``n`` (and its closing quote)."""
    s = str(n)
    alts = [f"[1-9][0-9]{{{len(s)}}}"]
    alts += [s[:i] + f"[{int(ch) + 1}-9]" + "[0-9]" * (len(s) - i - 1) + '"' for i, ch in enumerate(s) if ch < "9"]
    return "(?:" + "|".join(alts) + ")"


def _dimension(head: bytes) -> tuple[int, int]:
    """(rows, columns) a sheet's ``<dimension ref>`` claims, 0 when it has none."""
    if m := re.search(rb"""<(?:\w+:)?dimension[^>]*\sref\s*=\s*["']([A-Za-z]+)?(\d+)?(?::([A-Za-z]+)(\d+))?["']""", head):
        cols = [col_number(c) for c in (m.group(1), m.group(3)) if c]
        rows = [int(r) for r in (m.group(2), m.group(4)) if r]
        return max(rows, default=0), max(cols, default=0)
    return 0, 0


_PROLOG_SKIP = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->)", re.S)


def _check_prolog(head: bytes) -> None:
    """DOCTYPE/ENTITY may only sit before the root element: look there, refuse any."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    head = head.removeprefix(b"\xef\xbb\xbf")
    upper = head.upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        raise GuardError("xml_unsafe")
    pos = 0
    while m := _PROLOG_SKIP.match(head, pos):
        if m.end() == pos:
            break
        pos = m.end()
    rest = head[pos:].lstrip()
    if rest and not re.match(rb"<[A-Za-z_]", rest):
        raise GuardError("xml_unsafe")
    if not rest and len(head) >= PROLOG_BYTES:
        raise GuardError("xml_unsafe")  # a prolog this long is padding to hide a declaration


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> worksheet part path, from workbook.xml and its relationships."""
    import defusedxml.ElementTree as ET

    try:
        book = ET.fromstring(zf.read("xl/workbook.xml"))
        rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except KeyError:
        return {}
    targets = {}
    for rel in rels:
        target = rel.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        targets[rel.get("Id")] = re.sub(r"[^/]+/\.\./", "", target)
    out = {}
    for el in book.iter():
        if el.tag.endswith("}sheet") or el.tag == "sheet":
            rid = next((v for k, v in el.attrib.items() if k.endswith("}id")), None)
            if rid in targets:
                out[el.get("name", "")] = targets[rid]
    return out


def _check_extent(part: str, max_row: int, max_col: int) -> None:
    """Refuse the rectangle calamine would allocate when it is beyond any ledger."""
    cells = max_row * max_col
    if max_col > MAX_COLS or max_row > MAX_ROWS or cells > MAX_CELLS:
        ref = f"A1:{_letters(max_col)}{max_row}"
        raise GuardError("sheet_too_large", part=PurePath(part).stem, ref=ref, cells=f"{cells:,}")


def _letters(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s or "A"


_FORMULA_CELL = re.compile(
    rb"<c\s([^>]*?)>\s*<f\b[^>]*?(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>", re.S)


def _formula_blanks(xml: bytes) -> set[tuple[int, int]]:
    """Cells holding a formula but no cached value: Excel never calculated them."""
    out = set()
    for m in _FORMULA_CELL.finditer(xml):
        ref = re.search(rb'\br="([A-Z]+)(\d+)"', m.group(1))
        if ref:
            out.add((int(ref.group(2)) - 1, col_number(ref.group(1)) - 1))
    return out


# --- CSV, checked while it is read ------------------------------------------------------------------

MAX_FIELD = 131_072  # characters in one CSV field (the csv module's own default limit)


class _Lines:
    """The text's lines for ``csv.reader``, counted, with the current record's raw lines kept (to
    tell where a field ran long or a quote swallowed rows); a line with more delimiters outside
    quotes than ``MAX_COLS`` is refused before the reader splits it."""

    def __init__(self, text: str, delim: str) -> None:
        self.lines = io.StringIO(text, newline="")
        self.delim = delim
        self.count = 0
        self.record: list[str] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self.lines.readline()
        if not line:
            raise StopIteration
        self.count += 1
        self.record.append(line)
        if line.count(self.delim) > MAX_COLS:
            cols = re.sub(r'"[^"]*"', "", line).count(self.delim) + 1
            if cols > MAX_COLS:
                raise GuardError("csv_too_wide", at_row=self.count, cols=f"{cols:,}", limit=MAX_COLS)
        return line


def read_csv(text: str) -> tuple[list[list[str]], list[tuple[int, str, dict[str, Any]]]]:
    """A CSV's rows and what went wrong on the way: (row, code, params) of rows swallowed by a quote
    that is never closed or closed rows later. Raises GuardError for a file too wide or large, or a
    field over ``MAX_FIELD`` (naming its row and column), instead of the csv module's bare Error."""
    sample = text[:4096]
    delim = max((",", "\t", ";"), key=sample.count) if any(d in sample for d in ",\t;") else ","
    lines = _Lines(text, delim)
    csv.field_size_limit(MAX_FIELD)
    reader = csv.reader(lines, delimiter=delim)
    rows: list[list[str]] = []
    notes: list[tuple[int, str, dict[str, Any]]] = []
    width = 0
    while True:
        lines.record = []
        first_line = lines.count + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            col = _long_field_column("".join(lines.record), delim)
            raise GuardError("csv_field_too_long", at_row=len(rows) + 1, at_column=_letters(col),
                             limit=f"{MAX_FIELD:,}") from exc
        width = max(width, len(row))
        if width > MAX_COLS:
            raise GuardError("csv_too_wide", at_row=len(rows) + 1, cols=f"{len(row):,}", limit=MAX_COLS)
        if width * (len(rows) + 1) > MAX_CELLS:
            raise GuardError("csv_too_large", cells=f"{MAX_CELLS:,}")
        rows.append(row)
        if lines.count > first_line and _swallows_rows(lines.record, delim, len(rows[0])):
            notes.append((len(rows), "csv_unclosed_quote",
                          {"first": first_line + 1, "last": lines.count, "count": lines.count - first_line}))
    return rows, notes


def _swallows_rows(record: list[str], delim: str, header_width: int) -> bool:
    """Whether a record read over several lines took in lines that look like rows of their own: a
    quote left open to the end of the file, or lines holding as many delimiters as a row."""
    text = "".join(record)
    if text.count('"') % 2:
        return True  # the quote was never closed: the reader ran to the end of the file
    need = max(1, header_width - 1)
    return any(line.count(delim) >= need for line in record[1:])


def _long_field_column(record: str, delim: str) -> int:
    """1-based column of the first field longer than ``MAX_FIELD`` in a record's raw text."""
    col, size, quoted = 1, 0, False
    for ch in record:
        if ch == '"':
            quoted = not quoted
        elif ch == delim and not quoted:
            col, size = col + 1, 0
            continue
        size += 1
        if size > MAX_FIELD:
            return col
    return col
