"""Checks on an upload's bytes before any parser sees them.

calamine is fast but trusting: a sheet claiming A1:XFD1048576 makes it allocate the whole rectangle
(hundreds of GB) and abort the process, so the extent of every worksheet is measured here first. The
other checks turn the usual hostile or broken files (zip bombs, XML entity tricks, encrypted or
truncated files, web pages renamed .xlsx) into a clear Chinese problem instead of a traceback.
"""

from __future__ import annotations

import contextlib
import io
import re
import zipfile
from collections.abc import Iterator
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

    def check_sheet(self, sheet: str) -> set[tuple[int, int]]:
        """The per-sheet checks ``inspect(defer_sheets=True)`` left for just before the sheet is
        parsed (raises GuardError); its formula cells without a cached value."""
        part = self.deferred.pop(sheet, None)
        if part is None:
            return self.formula_blanks.get(sheet, set())
        with _zip_errors():
            found = _scan_sheet(zipfile.ZipFile(io.BytesIO(self.data)), part)
        if found:
            self.formula_blanks[sheet] = found
        return found


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
            return Inspection("xlsx", deferred=_inspect_zip(data, scan=False), data=data)
        return Inspection("xlsx", _inspect_zip(data, scan=True))
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


def _inspect_zip(data: bytes, *, scan: bool) -> dict[str, Any]:
    """Whole-file checks; then, with ``scan``, every worksheet's (sheet -> its formula blanks), else
    sheet -> worksheet part for ``Inspection.check_sheet``."""
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
        if not scan:
            return sheets
        blanks: dict[str, Any] = {}
        for sheet_name, part in sheets.items():
            found = _scan_sheet(zf, part)
            if found:
                blanks[sheet_name] = found
        return blanks


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
_SUSPECT_REF = re.compile(rb' r="(?:[A-Z]{2}|[A-Z]?\d{7})')  # a column past Z, or a row past 999,999
_SINGLE_LETTER_REF = re.compile(rb' r="[A-Z]\d')
_LAST_ROW = re.compile(rb'<row\b[^>]*?\sr="(\d+)"')


def _scan_sheet(zf: zipfile.ZipFile, part: str) -> set[tuple[int, int]]:
    """Stream one worksheet's XML: refuse it if calamine would allocate too large a rectangle, and
    return the formula cells without a cached value.

    The XML is decompressed in 4 MB chunks, cut after the last ``</row>`` so no cell straddles two
    pieces, and never held whole; the byte count stops a member whose header lies about its size.
    The extent comes from ``<dimension>``, the last ``<row>`` (rows come in order) and every cell
    reference with a column past Z or a row number of 7 digits (a sparse sheet can put one cell at
    XFD1048576 without any dimension): one C-speed regex search per piece finds whether there are
    any, and only then are they read one by one. Rows out of order below a million cost at most the
    child's memory cap (as before).
    """
    max_row = max_col = last_row = 0
    single = False
    blanks: set[tuple[int, int]] = set()
    carry, total, first = b"", 0, True

    def scan(piece: bytes) -> None:
        nonlocal max_row, max_col, last_row, single
        if not single and _SINGLE_LETTER_REF.search(piece):
            single = True
        if _SUSPECT_REF.search(piece):
            for c in re.findall(rb' r="([A-Z]{2,})\d', piece):
                max_col = max(max_col, col_number(c))
            for r in re.findall(rb' r="[A-Z]*(\d{7,})"', piece):
                max_row = max(max_row, int(r))
        pos = piece.rfind(b"<row ")
        if pos >= 0 and (m := _LAST_ROW.match(piece, pos, pos + 200)):
            last_row = int(m.group(1))
        if b"<f" in piece:
            blanks.update(_formula_blanks(piece))

    with zf.open(part) as fh:
        while True:
            chunk = fh.read(_CHUNK)
            total += len(chunk)
            if total > MAX_UNCOMPRESSED:
                raise GuardError("zip_bomb", size=_size(total))
            if first:
                first = False
                dim_row, dim_col = _dimension(chunk[:4096])
                max_row, max_col = max(max_row, dim_row), max(max_col, dim_col)
            if not chunk:
                if carry:
                    scan(carry)
                break
            buf = carry + chunk if carry else chunk
            cut = buf.rfind(b"</row>")
            if cut < 0:
                carry = buf
                continue
            carry = buf[cut + 6:]
            scan(buf[:cut + 6])
    _check_extent(part, max(max_row, last_row), max(max_col, 26 if single else 0))
    return blanks


def _dimension(head: bytes) -> tuple[int, int]:
    """(rows, columns) a sheet's ``<dimension ref>`` claims, 0 when it has none."""
    if m := re.search(rb'<dimension[^>]*\sref="([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?"', head):
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


def col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


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
