"""One raw sheet -> one typed ledger frame: recognition, header finding, row dropping, typing, masking.

Choices (see ledgers.md "must handle"):
- The header is the row (or two rows: a merged parent over children) within the first 20 rows that
  matches most columns of the ledger; a parent over children is joined (参与 + 户数 -> 参与户数).
- A category value outside the list becomes 其他 with a warning when the list has 其他; otherwise it
  is unreadable: the row is skipped (error) for a required column, blank (warning) for an optional one.
- Percent columns: ``85%`` and ``0.85`` are 0.85; a bare number in (1, 100] is read as percentage
  points (85 -> 0.85) with a warning.
- Columns not in the ledger are kept as text, except ones whose header looks personal (姓名, 电话,
  身份证...), which are not loaded (reported), so raw PII never leaves the reader.
- Each kind of problem is listed row by row up to ``PROBLEM_CAP`` times per sheet and column; the rest
  are counted in one summary problem, so a 300k-row sheet with a systematic fault stays readable.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

from ledgers import arrowgrid, clean, privacy
from ledgers.arrowgrid import ArrowGrid, decode
from ledgers.coltypes import ColumnType
from ledgers.packed import PackedFrame
from ledgers.registry import LEDGERS, ColumnSpec, LedgerSpec, Mappings, SheetMapping
from ledgers.report import Code, Problem, Severity, SheetReport, UnknownSheet

if TYPE_CHECKING:  # frames are built where they are used (the parent): the reading child never loads pandas
    pass

HEADER_SCAN_ROWS = 20
PROBLEM_CAP = 50
_TOTAL_RE = r"(?:合计|总计|小计|共计|累计|总数)(?:[:：(（\s].*|[\d.,]+.*)?"
_NOTE_RE = (r"(?:(?:备注|注|说明|填表人|制表人|填报人|审核人|审核|填表|制表|填报单位|填报日期|填表日期|制表日期|"
            r"统计人|负责人签字|单位负责人)\s*[:：].*|(?:填表人|制表人|填报人|审核人).*)")
_TOTAL = re.compile(_TOTAL_RE)
_NOTE = re.compile(_NOTE_RE)


_TOTAL_CHARS = re.compile(r"计|总数")


def _is_total(v: str) -> bool:
    if "计" not in v and "总数" not in v:
        return False
    return bool(_TOTAL.fullmatch(re.sub(r"\s+", "", v)))


_NOTE_CHARS = re.compile(r"[注说填制审统负单]")  # every word _NOTE_RE starts with holds one of these


def _is_note(v: str) -> bool:
    if not _NOTE_CHARS.search(v):
        return False
    return bool(_NOTE.fullmatch(re.sub(r"\s+", "", v)))


_PII_KIND_WORDS = {"name": "姓名", "phone": "电话号码", "id": "身份证号"}
_PII_HEADER_RE = re.compile(r"姓名|电话|手机|身份证|证件|联系人|当事人|户主|负责人|楼组长|住址|家庭地址|联络|同住|"
                            r"涉及人员|家属|亲属|监护人|\b(?:name|tel|phone|mobile|id|contact)\b", re.I)


def col_letter(j: int) -> str:
    """Excel's letter of the 0-based column ``j`` (0 -> A, 26 -> AA), as the user sees it."""
    letters = ""
    j += 1
    while j:
        j, rem = divmod(j - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass
class RawSheet:
    name: str
    grid: list[list[Any]]  # cells from A1, as calamine / csv gave them
    hidden: bool = False
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    formula_blanks: set[tuple[int, int]] = field(default_factory=set)  # 0-based (row, col)
    from_file: bool = False  # a CSV: its "sheet name" is the file name
    notes: list[tuple[int, str, dict[str, Any]]] = field(default_factory=list)  # (row, code, params) met reading it
    arrow: ArrowGrid | None = None  # read by fastexcel: the cells as Arrow columns instead of ``grid``
    index: int = 0  # the sheet's place in the workbook (sheets are not always read in that order)

    @property
    def width(self) -> int:
        if self.arrow is not None:
            return self.arrow.width
        return max((len(row) for row in self.grid), default=0)

    def head(self, n: int) -> list[list[Any]]:
        """The first ``n`` rows of cells."""
        return self.arrow.head(n) if self.arrow is not None else self.grid[:n]

    def has_data(self) -> bool:
        """Any cell holding more than whitespace."""
        if self.arrow is not None:
            return self.arrow.has_data()
        return any(any(_nonblank(v) for v in row) for row in self.grid)

    def __len__(self) -> int:
        return len(self.arrow) if self.arrow is not None else len(self.grid)

    def columns(self, start: int, width: int) -> list[Any]:
        """The cells from 0-based row ``start`` on, ``width`` columns: numpy object arrays of the
        grid, or Arrow string arrays of fastexcel's columns."""
        if self.arrow is not None:
            return [self.arrow.column(j, start) for j in range(width)]
        return _columns(self.grid[start:], width)


def _nonblank(v: object) -> bool:
    return not (v is None or v == "" or (isinstance(v, str) and not v.strip()))


class Problems:
    """Collects problems for one file, capping repeats per (sheet, column, code)."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.items: list[Problem] = []
        self._overflow: dict[tuple[str | None, str | None, str], list[int]] = {}

    def add(self, sheet: str | None, row: int | None, column: str | None, code: Code | str, severity: Severity | str,
            **params: Any) -> None:
        """Record a problem as its code and parameters; it is worded where it is shown."""
        # Values quoted in a message come from cells: an ID or phone typed into the wrong column
        # must not reach the report, the screen or a log in clear.
        params = {k: privacy.scrub_text(v) if isinstance(v, str) else v for k, v in params.items()}
        self.items.append(Problem(file=self.file, sheet=sheet, row=row, column=column,
                                  severity=Severity(severity), code=code, params=params))

    def add_rows(self, sheet: str, rows: Any, column: str | None, code: Code | str, severity: Severity | str,
                 values: Any = None, **params: Any) -> None:
        """One problem per row (Excel row numbers, in order) up to ``PROBLEM_CAP``, then one summary;
        ``values`` (aligned with ``rows``) are the cells quoted in the messages."""
        rows = [int(r) for r in rows]
        for k, row in enumerate(rows[:PROBLEM_CAP]):
            extra = {"value": _show(values[k])} if values is not None else {}
            self.add(sheet, row, column, code, severity, **extra, **params)
        if len(rows) > PROBLEM_CAP:
            rest = rows[PROBLEM_CAP:]
            shown = "、".join(str(r) for r in rest[:10])
            self.add(sheet, None, column, Code.MORE_SAME, severity, count=len(rest), rows=shown, of=code)


def _show(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    text = clean.norm_text(str(value)) if not isinstance(value, float) else f"{value:g}"
    return text if len(text) <= 40 else text[:40] + "…"


# --- headers -------------------------------------------------------------------------------------

def _header_text(value: Any) -> str:
    if isinstance(value, str):
        return clean.norm_text(value)
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _key_variants(key: str) -> list[str]:
    """A header as written, then without a trailing (unit) and without a trailing unit word."""
    key = key.replace("*", "").rstrip(":：")
    out = [key]
    stripped = re.sub(r"\([^()]*\)$", "", key)
    if stripped != key:
        out.append(stripped)
    unit = re.sub(r"(?:㎡|平方米|m2|%|/人|/户)$", "", stripped)
    if unit != stripped:
        out.append(unit)
    return [k for k in out if k]


@functools.lru_cache(maxsize=4096)
def _name_variants(name: str) -> tuple[str, ...]:
    """``_key_variants`` of a header cell as written (each sheet's header rows are matched against
    every ledger: the same few names, again and again)."""
    return tuple(_key_variants(re.sub(r"\s+", "", name).lower()))


_MATCHERS: dict[str, dict[str, str]] = {}


def matcher(spec: LedgerSpec, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Normalised header -> canonical column; canonical names win over synonyms."""
    if extra is None and spec.key in _MATCHERS:
        return _MATCHERS[spec.key]
    lookup: dict[str, str] = {}
    for col in spec.columns:
        lookup[clean.norm_key(col.name)] = col.name
    for col in spec.columns:
        for syn in col.synonyms:
            for variant in _key_variants(clean.norm_key(syn)):
                lookup.setdefault(variant, col.name)
    if extra:
        for src, canon in extra.items():
            lookup[clean.norm_key(src)] = canon
        return lookup
    _MATCHERS[spec.key] = lookup
    return lookup


def _match(names: list[str], lookup: dict[str, str]) -> tuple[dict[int, str], list[tuple[int, str]]]:
    colmap: dict[int, str] = {}
    dups: list[tuple[int, str]] = []
    taken: set[str] = set()
    for j, name in enumerate(names):
        if not name:
            continue
        for variant in _name_variants(name):
            canon = lookup.get(variant)
            if canon:
                if canon in taken:
                    dups.append((j, canon))
                else:
                    colmap[j] = canon
                    taken.add(canon)
                break
    return colmap, dups


def _known(name: str, lookup: dict[str, str]) -> bool:
    """Whether ``_match([name], lookup)`` finds a column (without building its result)."""
    return bool(name) and any(lookup.get(variant) for variant in _name_variants(name))


@dataclass
class HeaderFit:
    top: int  # 0-based grid row of the first header row
    bottom: int  # 0-based grid row of the last header row
    names: list[str]
    colmap: dict[int, str]
    dups: list[tuple[int, str]]
    score: int
    required: int


def _combine(top: list[str], bottom: list[str]) -> list[str]:
    """Two header rows as one: a parent over children becomes parent+child."""
    out = []
    parent = ""
    for j, (a, b) in enumerate(zip(top, bottom, strict=True)):
        if a and b and a != b:
            parent = a
        elif not a and b and parent and j > 0 and bottom[j - 1]:
            a = parent  # merged parent without merge info (csv/xls): 参与 | (blank) over 户数 | 人数
        else:
            parent = "" if a else parent
        if not b or a == b:
            out.append(a)
        elif not a:
            out.append(b)
        else:
            out.append(a + "\x00" + b)  # resolved against the ledger in _fit
    return out


def _fit(rows: list[list[str]], spec: LedgerSpec, lookup: dict[str, str]) -> HeaderFit | None:
    required = set(spec.required)
    best: HeaderFit | None = None
    for i in range(min(HEADER_SCAN_ROWS, len(rows))):
        if not any(rows[i]):
            continue
        candidates = [(i, rows[i])]
        if i + 1 < len(rows) and any(rows[i + 1]) and not _is_title(rows[i]):
            combined = _combine(rows[i], rows[i + 1])
            resolved = []
            for name in combined:
                if "\x00" in name:
                    a, b = name.split("\x00")
                    pick = next((n for n in (a + b, b, a) if _known(n, lookup)), a + b)
                    resolved.append(pick)
                else:
                    resolved.append(name)
            candidates.append((i + 1, resolved))
        for bottom, names in candidates:
            colmap, dups = _match(names, lookup)
            score = len(colmap)
            req = len(required & set(colmap.values()))
            if score and (best is None or (req, score) > (best.required, best.score)):
                best = HeaderFit(i, bottom, names, colmap, dups, score, req)
    return best


def _is_title(row: list[str]) -> bool:
    """One text from column A on (merged across or alone): a sheet title, never the parent of a header."""
    return bool(row and row[0]) and len({v for v in row if v}) == 1


def signature_of(names: list[str]) -> str:
    """A short stable id of a header row, so a saved column mapping finds the same sheet next time."""
    keys = [re.sub(r"\s+", "", n).lower() for n in names if n]
    return hashlib.sha256("|".join(keys).encode("utf-8")).hexdigest()[:16]


def generic_header(rows: list[list[str]]) -> tuple[int, list[str]]:
    """The header of a sheet nobody recognises: the fullest of the first rows (first wins)."""
    best, count = 0, -1
    for i in range(min(HEADER_SCAN_ROWS, len(rows))):
        n = sum(1 for v in rows[i] if v)
        if n > count:
            best, count = i, n
    return best, rows[best] if rows else []


def name_hints(name: str) -> list[str]:
    """Ledger keys a sheet or file name points at, the most specific first."""
    key = clean.norm_key(name)
    exact, contained = [], []
    for spec in LEDGERS.values():
        for label in (spec.name, *spec.aliases):
            lk = clean.norm_key(label)
            if key == lk:
                exact.append((len(lk), spec.key))
            elif lk in key:
                contained.append((len(lk), spec.key))
    out: list[str] = []
    for _, k in sorted(exact, reverse=True) + sorted(contained, key=lambda x: -x[0]):
        if k not in out:
            out.append(k)
    return out


# --- the sheet -----------------------------------------------------------------------------------

@dataclass
class SheetResult:
    report: SheetReport
    frame: PackedFrame | None = None  # .frame() builds the DataFrame
    unknown: UnknownSheet | None = None


def _header_rows(raw: RawSheet, width: int) -> list[list[str]]:
    """The first rows as header text, ``width`` wide, a merged cell's value in each cell it spans."""
    head = [[_header_text(v) for v in row] + [""] * (width - len(row)) for row in raw.head(HEADER_SCAN_ROWS + 1)]
    for (r0, c0), (r1, c1) in raw.merged:
        if r0 > HEADER_SCAN_ROWS:
            continue
        value = head[r0][c0] if r0 < len(head) and c0 < width else ""
        for r in range(r0, min(r1, len(head) - 1) + 1):
            for c in range(c0, min(c1, width - 1) + 1):
                head[r][c] = value
    return head


def _recognise(raw: RawSheet, head: list[list[str]], file_hints: list[str], mapping: SheetMapping | None,
               problems: Problems) -> tuple[LedgerSpec | None, HeaderFit | None, str | None]:
    """Which ledger a sheet is, its header and how it was told: a saved mapping, then the sheet name,
    then the file name (whose ledger's required columns are all there), then the headers alone, then
    the first name given even without its required columns (reported as missing by the caller)."""
    if mapping and mapping.get("ledger") in LEDGERS:
        spec = LEDGERS[mapping["ledger"]]
        problems.add(raw.name, None, None, Code.MAPPING_APPLIED, Severity.INFO, ledger=spec.name)
        return spec, _fit(head, spec, matcher(spec, mapping.get("columns") or {})), "mapping"
    sheet_hints = [] if raw.from_file else name_hints(raw.name)
    named = [(k, "sheet_name") for k in sheet_hints] + [(k, "file_name") for k in file_hints]
    for key, by in named:
        cand = _fit(head, LEDGERS[key], matcher(LEDGERS[key]))
        if cand and cand.required == len(LEDGERS[key].required):
            return LEDGERS[key], cand, by
    best: tuple[tuple[int, int], LedgerSpec, HeaderFit] | None = None
    for cand_spec in LEDGERS.values():
        cand = _fit(head, cand_spec, matcher(cand_spec))
        if cand and cand.required == len(cand_spec.required):
            rank = (cand.score, cand.required)
            if best is None or rank > best[0]:
                best = (rank, cand_spec, cand)
    if best:
        return best[1], best[2], "headers"
    if named:
        key, by = named[0]
        return LEDGERS[key], _fit(head, LEDGERS[key], matcher(LEDGERS[key])), by
    return None, None, None


def read_sheet(file: str, raw: RawSheet, file_hints: list[str], mappings: Mappings | None, secret: bytes,
               problems: Problems) -> SheetResult:
    """Recognise, find the header of, clean and type one sheet; problems go to ``problems``."""
    sheet = raw.name
    report = SheetReport(file, sheet, "empty", hidden=raw.hidden)
    if raw.hidden:
        problems.add(sheet, None, None, Code.SHEET_HIDDEN, Severity.INFO)
    width = raw.width
    if width == 0:
        problems.add(sheet, None, None, Code.SHEET_EMPTY, Severity.WARNING)
        return SheetResult(report)

    head = _header_rows(raw, width)
    if not any(any(r) for r in head) and _all_blank(raw, width):
        problems.add(sheet, None, None, Code.SHEET_EMPTY, Severity.WARNING)
        return SheetResult(report)

    g_row, g_names = generic_header(head)
    signature = signature_of(g_names)

    spec, fit, how = _recognise(raw, head, file_hints, (mappings or {}).get(signature), problems)
    if spec is None:
        # a sheet without a header row offers a row of data instead: no raw ID or phone in the report
        headers = privacy.mask_cells([n for n in g_names if n])
        report.status = "unknown"
        problems.add(sheet, None, None, Code.SHEET_UNKNOWN, Severity.WARNING, headers="、".join(headers[:12]))
        return SheetResult(report, unknown=UnknownSheet(file, sheet, headers, signature, g_row + 1))

    report.ledger, report.ledger_name, report.recognised_by = spec.key, spec.name, how
    found = set(fit.colmap.values()) if fit else set()
    missing = [c for c in spec.required if c not in found]
    if missing:
        report.status = "missing_required"
        report.header_row = fit.bottom + 1 if fit else None
        problems.add(sheet, None, None, Code.MISSING_REQUIRED, Severity.ERROR, ledger=spec.name,
                     columns="、".join(missing))
        headers = privacy.mask_cells([n for n in (fit.names if fit else g_names) if n])
        return SheetResult(report, unknown=UnknownSheet(file, sheet, headers, signature,
                                                        (fit.bottom if fit else g_row) + 1, spec.key))
    assert fit is not None
    report.header_row = fit.bottom + 1
    above = [" ".join(dict.fromkeys(privacy.mask_cells([v for v in row if v]))) for row in head[: fit.top] if any(row)]
    if above:
        problems.add(sheet, None, None, Code.ROWS_ABOVE_HEADER, Severity.INFO, header=fit.bottom + 1, top=fit.top + 1,
                     text="；".join(a[:40] for a in above[:3]))
    frame, skipped, dropped = _type_rows(file, sheet, fit, spec, raw, width, secret, problems)
    report.rows, report.skipped, report.dropped = len(frame), skipped, dropped
    report.status = "loaded" if len(frame) or skipped else "headers_only"
    if report.status == "headers_only":
        problems.add(sheet, None, None, Code.HEADERS_ONLY, Severity.WARNING, ledger=spec.name)
    return SheetResult(report, frame)


def _columns(rows: list[list[Any]], width: int) -> list[np.ndarray]:
    """The grid's rows as ``width`` object columns (short rows padded with None)."""
    if not rows:
        return [np.empty(0, dtype=object) for _ in range(width)]
    if any(len(r) != width for r in rows):
        rows = [list(r) + [None] * (width - len(r)) if len(r) != width else r for r in rows]
    grid = np.empty((len(rows), width), dtype=object)
    grid[:] = rows  # one C pass over the cells (cells are scalars: str, float, int, bool, date)
    return [np.ascontiguousarray(grid[:, j]) for j in range(width)]


def _column(values: Any) -> clean.Column:
    """A raw column of cells (numpy, from the grid) or of fastexcel's texts (Arrow), factorized."""
    return clean.Column(values) if isinstance(values, np.ndarray) else clean.Column.from_arrow(values)


def _all_blank(raw: RawSheet, width: int) -> bool:
    for values in raw.columns(0, width):
        col = _column(values)
        if not col.rows(col.blank).all():
            return False
    return True


def _blank_cells(values: np.ndarray) -> np.ndarray:
    """Which cells are empty (None, NaN, "" or only spaces); for the few rows of merged ranges."""
    blank = clean.isna(values)
    blank |= np.fromiter((type(v) is str and not v.strip() for v in values), bool, len(values))
    return blank


def _fill_merged(raw: RawSheet, raw_cols: list[np.ndarray], first: int, width: int
                 ) -> list[tuple[int, int, int, int, Any]]:
    """Vertical merges in the data area (grid rows ``first`` on): the top-left value into the empty
    cells of the range, in ``raw_cols`` (the data rows' columns) before anything is typed.

    Merges touching the header or title rows and merges within one row are left alone; a row of the
    range that holds nothing outside the range stays blank (a merge drawn over unused rows does not
    make records of them). Loops over the merged ranges and their rows only. Returns the ranges
    filled: (first grid row, last grid row filled, first col, last col, value)."""
    n = len(raw_cols[0]) if raw_cols else 0
    out = []
    for (r0, c0), (r1, c1) in sorted(raw.merged):
        r1, c1 = min(r1, first + n - 1), min(c1, width - 1)
        if r0 < first or r1 <= r0 or c0 > c1:
            continue
        top = raw_cols[c0][r0 - first]
        if _blank_cells(np.array([top], dtype=object))[0]:
            continue
        rows = slice(r0 - first + 1, r1 - first + 1)
        used = np.zeros(r1 - r0, dtype=bool)  # the rows below the top holding something outside the range
        for j in range(width):
            if not c0 <= j <= c1:
                used |= ~_blank_cells(raw_cols[j][rows])
        if not used.any():
            continue
        done = False
        for j in range(c0, c1 + 1):
            cells = raw_cols[j][rows]
            fill = _blank_cells(cells) & used
            if fill.any():
                cells[fill] = top  # a view: writes through to raw_cols[j]
                done = True
        if done:  # named as far as its last row filled
            out.append((r0, r0 + 1 + int(np.flatnonzero(used)[-1]), c0, c1, top))
    return out


class _Cells:
    """The data rows below the header, column by column; each column factorized on first use."""

    def __init__(self, raw: RawSheet, fit: HeaderFit, width: int) -> None:
        n = max(len(raw) - fit.bottom - 1, 0)
        self.rownum = np.arange(fit.bottom + 2, fit.bottom + 2 + n, dtype=np.int64)  # Excel row numbers
        self.raw_cols: list[Any] = raw.columns(fit.bottom + 1, width)
        if raw.arrow is not None and any(r0 > fit.bottom for (r0, _c0), _end in raw.merged):
            # a merge over data rows is filled cell by cell: those sheets' cells as Python values
            self.raw_cols = [decode(c) for c in self.raw_cols]
        self.filled = _fill_merged(raw, self.raw_cols, fit.bottom + 1, width) if raw.merged else []
        self._cols: dict[int, clean.Column] = {}

    def __len__(self) -> int:
        return len(self.rownum)

    def column(self, j: int) -> clean.Column:
        if j not in self._cols:
            self._cols[j] = _column(self.raw_cols[j])
        return self._cols[j]

    def all_blank(self, j: int) -> bool:
        col = self.column(j)
        return bool(col.rows(col.blank).all())


def _type_rows(file: str, sheet: str, fit: HeaderFit, spec: LedgerSpec, raw: RawSheet, width: int,
               secret: bytes, problems: Problems) -> tuple[PackedFrame, int, int]:
    """The rows below the header: which columns are kept, which rows are records, their typed values,
    and the problems of each step.

    Each raw column is factorized once (``clean.Column``); typing, masking and keying run once per
    distinct cell and are taken back to the rows, so the cost follows the distinct values, not the rows.
    """
    cells = _Cells(raw, fit, width)
    extras = _choose_columns(sheet, fit, spec, cells, width, problems)
    _report_merged(sheet, fit, spec, extras, cells.filled, problems)
    keep, dropped = _drop_rows(sheet, fit, cells, list(fit.colmap) + list(extras), problems)
    typing = _Typing(sheet, problems, cells.rownum[keep], secret)
    by_canon = {c: j for j, c in fit.colmap.items()}
    for spec_col in spec.columns:
        j = by_canon.get(spec_col.name)
        if j is None:
            typing.absent(spec_col)
        else:
            typing.read(spec_col, cells.column(j).sub(keep), _formula_rows(raw, j, typing.rows))
    for j, name in extras.items():
        col = cells.column(j).sub(keep)
        typing.out[name] = ("ext", col, ColumnType.TEXT.read(col).values)
    return typing.pack(file), int(typing.skip.sum()), dropped


# --- which columns are kept ----------------------------------------------------------------------

def _choose_columns(sheet: str, fit: HeaderFit, spec: LedgerSpec, cells: _Cells, width: int,
                    problems: Problems) -> dict[int, str]:
    """The columns outside the ledger that are kept (as text), by grid column: named by their header,
    or 列X when unnamed. Blank columns, personal-looking columns and second copies of a personal
    column are left out (the last two reported)."""
    extras: dict[int, str] = {}
    dup_cols = dict(fit.dups)
    used = set(spec.column_names) | {"_file", "_sheet", "_row"}
    for j in range(width):
        if j in fit.colmap:
            continue
        name = fit.names[j] if j < len(fit.names) else ""
        if not name and cells.all_blank(j):
            continue  # a blank column: nothing to keep, nothing lost
        letter = col_letter(j)
        if name and j not in dup_cols and _PII_HEADER_RE.search(name):
            problems.add(sheet, None, None, Code.PII_EXTRA_COLUMN, Severity.INFO, header=name)
            continue
        if j not in dup_cols and (kind := privacy.column_pii_kind(list(cells.column(j).uniq))):
            # a header the list above misses (紧急联络人, 备用) over values that read as personal data
            problems.add(sheet, None, None, Code.PII_EXTRA_COLUMN_CONTENT, Severity.INFO, letter=letter,
                         header=name or f"列{letter}", kind=_PII_KIND_WORDS[kind])
            continue
        kept = name or f"列{letter}"
        if kept in used:
            kept = f"{kept}({letter})"
        used.add(kept)
        extras[j] = kept
        if j in dup_cols:
            problems.add(sheet, None, dup_cols[j], Code.DUPLICATE_COLUMN, Severity.WARNING, letter=letter, header=name,
                         canonical=dup_cols[j], kept=kept)
            if _PII_HEADER_RE.search(name) or spec.column(dup_cols[j]).pii:
                del extras[j]  # a second copy of a personal column is not kept raw
        elif not name:
            problems.add(sheet, None, None, Code.UNNAMED_COLUMN, Severity.INFO, letter=letter, kept=kept)
    return extras


def _report_merged(sheet: str, fit: HeaderFit, spec: LedgerSpec, extras: dict[int, str],
                   filled: list[tuple[int, int, int, int, Any]], problems: Problems) -> None:
    """One note per merged range filled into its rows, its value masked when a column is personal."""
    for r0, r1, c0, c1, value in filled:
        names = [fit.colmap.get(j) or extras.get(j) or (fit.names[j] if j < len(fit.names) else "")
                 or f"列{col_letter(j)}" for j in range(c0, c1 + 1)]
        text = _show(value)
        pii = [n for n in names if (spec.column(n).pii if n in spec.column_names else _PII_HEADER_RE.search(n))]
        if pii:
            kind = privacy.pii_kind(pii[0])
            text = privacy.mask_value(privacy.normalise(text, kind), kind) or ""
        problems.add(sheet, r0 + 1, names[0], Code.MERGED_CELLS_FILLED, Severity.INFO, first=r0 + 1, last=r1 + 1,
                     columns="、".join(names), value=text)


# --- which rows are records ----------------------------------------------------------------------

@dataclass
class _RowKinds:
    """Per data row: what makes it not a record (blank, totals, notes, a repeated header)."""

    blank: npt.NDArray[np.bool_]
    total: npt.NDArray[np.bool_]
    note: npt.NDArray[np.bool_]
    repeated: npt.NDArray[np.bool_]
    first_col: np.ndarray  # the first kept column holding something (-1: none)

    @property
    def drop(self) -> npt.NDArray[np.bool_]:
        return self.blank | self.total | self.note | self.repeated

    @property
    def trailing(self) -> np.ndarray:
        """Blank rows at the end: where the sheet ends, not rows the user wrote."""
        return np.logical_and.accumulate(self.blank[::-1])[::-1]


def _row_kinds(fit: HeaderFit, cells: _Cells, kept_cols: list[int]) -> _RowKinds:
    n = len(cells)
    blank_row = np.ones(n, dtype=bool)
    first_col = np.full(n, -1, dtype=np.intp)
    note_row = np.zeros(n, dtype=bool)
    total_row = np.zeros(n, dtype=bool)
    header_hits = np.zeros(n, dtype=np.int64)
    for j in kept_cols:
        col = cells.column(j)
        blank = col.rows(col.blank)
        first = blank_row & ~blank
        first_col[first] = j
        # each check per distinct value first: taken to the rows only when some value has it (rarely)
        # a note is told by the first cell of its row that holds something
        if first.any() and (note := col.map_text(_is_note, "note", bool, False, pre=_NOTE_CHARS)).any():
            note_row |= first & col.rows(note)
        blank_row &= blank
        if (total := col.map_text(_is_total, "total", bool, False, pre=_TOTAL_CHARS)).any():
            total_row |= col.rows(total)
        if j in fit.colmap and fit.names[j] and (header := col.equals(fit.names[j])).any():
            header_hits += col.rows(header)
    total_row &= ~blank_row
    repeated = header_hits >= max(2, len(fit.colmap) // 2 + 1)
    return _RowKinds(blank_row, total_row, note_row, repeated, first_col)


def _drop_rows(sheet: str, fit: HeaderFit, cells: _Cells, kept_cols: list[int],
               problems: Problems) -> tuple[np.ndarray, int]:
    """Which rows are records (a mask), and how many others the user wrote; the others reported."""
    kinds = _row_kinds(fit, cells, kept_cols)
    rownum = cells.rownum
    reported_blank = kinds.blank & ~kinds.trailing
    if reported_blank.any():
        rows = [int(r) for r in rownum[reported_blank]]
        shown = "、".join(str(r) for r in rows[:20]) + ("…" if len(rows) > 20 else "")
        problems.add(sheet, None, None, Code.BLANK_ROWS, Severity.INFO, count=len(rows), rows=shown)
    for mask, code in ((kinds.total, Code.TOTAL_ROW), (kinds.note & ~kinds.total, Code.NOTE_ROW)):
        for i in np.flatnonzero(mask)[:PROBLEM_CAP]:
            col = cells.column(int(kinds.first_col[i]))
            text = _show(col.text[col.codes[i]])
            if code == Code.NOTE_ROW:  # 填表人：李四 — the name after the colon is personal
                text = re.split(r"[:：]", text, maxsplit=1)[0] + "：…" if re.search(r"[:：]", text) else text[:6]
            problems.add(sheet, int(rownum[i]), None, code, Severity.INFO, text=text)
    for i in np.flatnonzero(kinds.repeated & ~kinds.total & ~kinds.note)[:PROBLEM_CAP]:
        problems.add(sheet, int(rownum[i]), None, Code.REPEATED_HEADER, Severity.INFO)
    drop = kinds.drop
    return ~drop, int((drop & ~kinds.trailing).sum())


def _formula_rows(raw: RawSheet, j: int, rows: np.ndarray) -> np.ndarray:
    """Which of ``rows`` (Excel row numbers) hold a formula without a cached value in grid column ``j``."""
    rows0 = {r + 1 for r, c in raw.formula_blanks if c == j} if raw.formula_blanks else set()
    return np.isin(rows, list(rows0)) if rows0 else np.zeros(len(rows), dtype=bool)


# --- typing the kept rows ------------------------------------------------------------------------

Shown = np.ndarray | Callable[[], np.ndarray]  # the cells quoted in problems, or what makes them


class _Typing:
    """The ledger's columns over the kept rows: typed per distinct cell (ext arrays) by the column's
    type, or masked and keyed when personal; unreadable and blank cells reported, and the rows a
    required column cannot give a value for marked ``skip``."""

    def __init__(self, sheet: str, problems: Problems, rows: np.ndarray, secret: bytes) -> None:
        self.sheet, self.problems, self.rows, self.secret = sheet, problems, rows, secret
        self.skip = np.zeros(len(rows), dtype=bool)
        # name -> ("ext", Column, ext array) | ("bool", Column, values, mask) | ColumnType (absent: all blank)
        self.out: dict[str, Any] = {}

    def report(self, mask: np.ndarray, column: str, code: Code, severity: Severity, shown: Shown | None,
               col: clean.Column, **params: Any) -> None:
        idx = np.flatnonzero(mask)
        if callable(shown):  # made only when there is something to quote
            shown = shown()
        values = None if shown is None else shown[col.codes[idx[:PROBLEM_CAP]]]
        self.problems.add_rows(self.sheet, self.rows[idx], column, code, severity, values, **params)

    def absent(self, spec_col: ColumnSpec) -> None:
        """An optional column the sheet lacks: all blank, of its type."""
        self.out[spec_col.name] = spec_col.type
        if spec_col.pii:
            self.out[spec_col.name + "_key"] = ColumnType.TEXT

    def read(self, spec_col: ColumnSpec, col: clean.Column, formula: np.ndarray) -> None:
        if spec_col.pii:
            shown, bad_ext = self._personal(spec_col, col)
        else:
            shown, bad_ext = self._typed(spec_col, col)
        blank = col.rows(col.blank)
        bad = col.rows(bad_ext) if bad_ext is not None else np.zeros(len(self.rows), dtype=bool)
        self._judge(spec_col, col, shown, bad, blank, formula & blank)

    def _personal(self, spec_col: ColumnSpec, col: clean.Column) -> tuple[Shown, np.ndarray | None]:
        """Masked values shown, keyed by HMAC for counting; the cells quoted in problems are masked."""
        values, masked, bad_ext = _pii(self.sheet, spec_col.name, col, self.problems, self.rows)
        self.out[spec_col.name] = ("ext", col, masked)  # Arrow arrays: they travel to the parent as they are
        self.out[spec_col.name + "_key"] = ("ext", col, col.memo(("key", spec_col.name), lambda: privacy.hmac_keys_arrow(
            values.tolist(), self.secret)))
        return lambda: _ext(masked.to_pylist()), bad_ext

    def _typed(self, spec_col: ColumnSpec, col: clean.Column) -> tuple[Shown, np.ndarray | None]:
        shown = col.raw_ext  # the cells as written, quoted in problems: made only if there are some
        reading = spec_col.type.read(col, spec_col.categories)
        values, bad_ext = reading.values, reading.bad
        if reading.points is not None:
            for i in np.flatnonzero(col.rows(reading.points))[:PROBLEM_CAP]:
                k = col.codes[i]
                self.problems.add(self.sheet, int(self.rows[i]), spec_col.name, Code.PERCENT_POINTS, Severity.WARNING,
                                  value=_show(shown()[k]), pct=f"{values[k]:.0%}")
        if bad_ext is not None and "其他" in spec_col.categories and col.rows(bad_ext).any():
            # a category outside the list counts as 其他 where the list has one
            self.report(col.rows(bad_ext), spec_col.name, Code.UNKNOWN_CATEGORY, Severity.WARNING, shown, col,
                        choices="、".join(spec_col.categories), consequence="other")
            values = np.where(bad_ext, "其他", values)
            values[-1] = None
            bad_ext = None
        self.out[spec_col.name] = ("ext", col, values) if reading.na is None else ("bool", col, values, reading.na)
        return shown, bad_ext

    def _judge(self, spec_col: ColumnSpec, col: clean.Column, shown: Shown, bad: np.ndarray,
               blank: np.ndarray, formula: np.ndarray) -> None:
        """Report unreadable, formula-only and blank cells: a required column skips their rows (errors),
        an optional one leaves them blank (warnings)."""
        name, code = spec_col.name, spec_col.type.bad_code
        params = {"choices": "、".join(spec_col.categories)} if spec_col.type is ColumnType.CATEGORY else {}
        severity, consequence = (Severity.ERROR, "skipped") if spec_col.required else (Severity.WARNING, "blank")
        if bad.any() and code:
            self.report(bad, name, code, severity, shown, col, consequence=consequence, **params)
        if formula.any():
            self.report(formula, name, Code.FORMULA_NO_VALUE, severity, None, col, consequence=consequence)
        if spec_col.required:
            empty = blank & ~formula
            if empty.any():
                self.report(empty, name, Code.REQUIRED_BLANK, Severity.ERROR, None, col, consequence="skipped")
            self.skip |= bad | blank

    def pack(self, file: str) -> PackedFrame:
        final = np.flatnonzero(~self.skip)
        columns: list[tuple[str, str, tuple[Any, ...]]] = []
        for name, v in self.out.items():
            if isinstance(v, tuple):
                codes = v[1].codes[final].astype(np.int32)
                columns.append((name, v[0], (*v[2:], codes)))
            else:
                columns.append((name, "missing", (v,)))
        return PackedFrame(len(final), columns, file, self.sheet, self.rows[final])


_ID_LOWER_X = re.compile(r"\d{17}x")
_ALL_DIGITS = re.compile(r"\d+")
_ID_DIGITS = re.compile(r"\d{14,20}X?")
_ID_FULL = re.compile(r"\d{17}[\dX]")


def _ext(values: list[Any]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _present(ext: np.ndarray) -> np.ndarray:
    return ~clean.isna(ext)


def _masked(norm: np.ndarray, arr: Any = None) -> tuple[Any, np.ndarray]:
    """Per distinct normalised value: its masked form (``privacy.mask_array``: an Arrow array), and
    its length when it is all digits (else 0). ``arr``: ``norm`` as Arrow, when the caller has it."""
    arr = clean.arrow_strings(norm) if arr is None else arr
    digits = arrowgrid.flags(pc.ascii_is_decimal(arr))
    n = arrowgrid.numbers(pc.utf8_length(arr)).astype(np.int64)
    length = np.where(digits, n, 0)
    other = np.flatnonzero(~digits & _present(norm))  # digits of other scripts count too
    for i in other[arrowgrid.flags(pc.match_substring_regex(arr.take(pa.array(other)), r"\p{Nd}"))].tolist():
        length[i] = len(norm[i]) if _ALL_DIGITS.fullmatch(norm[i]) else 0
    return privacy.mask_array(norm, arr), length


def _id_checks(text: np.ndarray, norm: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per distinct ID: written with a lower-case x (``text``), its length when it is 14-20 digits
    (maybe then X), and whether it is 17 digits and a check character that does not fit (``norm``).
    ASCII values by Arrow and numpy; others (``\\d`` is any script's digit) one by one."""
    def one_by_one(values: np.ndarray, func: Callable[[str], Any], dtype: Any, at: np.ndarray) -> np.ndarray:
        out = np.zeros(len(values), dtype=dtype)
        out[at] = clean.map_ext(values[at], func, dtype, 0)
        return out

    text_arr, norm_arr = clean.arrow_strings(text), clean.arrow_strings(norm)
    by_hand = _present(text) & ~arrowgrid.flags(pc.string_is_ascii(text_arr))
    squeezed = pc.replace_substring_regex(text_arr, r"[\t\n\x0b\x0c\r\x1c-\x1f ]+", "")  # \s of ASCII
    lower = arrowgrid.flags(pc.match_substring_regex(squeezed, r"^[0-9]{17}x$")) & ~by_hand
    lower |= one_by_one(text, lambda v: bool(_ID_LOWER_X.fullmatch(re.sub(r"\s+", "", v))), bool, by_hand)
    by_hand = _present(norm) & ~arrowgrid.flags(pc.string_is_ascii(norm_arr))
    digits = arrowgrid.flags(pc.match_substring_regex(norm_arr, r"^[0-9]{14,20}X?$")) & ~by_hand
    length = np.where(digits, arrowgrid.numbers(pc.utf8_length(norm_arr)), 0).astype(np.int64)
    length += one_by_one(norm, lambda v: len(v) if _ID_DIGITS.fullmatch(v) else 0, np.int64, by_hand)
    full = np.flatnonzero(arrowgrid.flags(pc.match_substring_regex(norm_arr, r"^[0-9]{17}[0-9X]$")) & ~by_hand)
    wrong_sum = one_by_one(norm, lambda v: bool(_ID_FULL.fullmatch(v)) and not privacy.id_checksum_valid(v), bool,
                           by_hand)
    wrong_sum[full] = ~privacy.id_checksums_valid(norm[full].tolist())
    return lower, length, wrong_sum


def _pii(sheet: str, column: str, col: clean.Column, problems: Problems, sub_rows: np.ndarray
         ) -> tuple[np.ndarray, Any, np.ndarray | None]:
    """Normalise a personal column (``privacy.normalise``) and warn about doubtful IDs and phones,
    quoting masked values only. Per distinct cell: the normalised values, their masked forms (an
    Arrow array) and which cells are unreadable (None when none can be)."""
    pk = privacy.pii_kind(column)
    text = clean.text_ext(col)
    norm_arr = clean.arrow_strings(text)
    if pk == "name":
        norm = text  # text_ext's values are norm_text's already: normalise(v, "name") is norm_text(v)
    else:  # a phone column holds a distinct value per person (120k at 300k rows): plain digits by Arrow
        norm = text.copy()
        plain = arrowgrid.flags(pc.ascii_is_decimal(norm_arr)) & ~arrowgrid.flags(pc.starts_with(norm_arr, "86"))
        fix = _present(text) & ~plain
        if fix.any():
            norm[fix] = [privacy.normalise(v, pk) for v in text[fix].tolist()]
            norm_arr = pc.replace_with_mask(norm_arr, pa.array(fix), clean.arrow_strings(norm[fix]))
    bad = None

    def rows_where(flags: np.ndarray) -> np.ndarray:
        return np.flatnonzero(col.rows(flags))

    if pk == "id":
        numeric = np.isin(col.kind, ["i", "f"]) & _present(norm)
        if numeric.any():
            # beyond 15 significant digits Excel lost some
            big = np.array([k in ("i", "f") and abs(float(u)) >= 1e15 for u, k in zip(col.uniq, col.kind[:-1],
                                                                                      strict=True)] + [False])
            lost = numeric & big
            if col.rows(lost).any():
                masked_lost = clean.map_ext(norm, lambda v: privacy.mask_value(v, pk))
                idx = rows_where(lost)
                problems.add_rows(sheet, sub_rows[idx], column, Code.ID_LOST_DIGITS, Severity.ERROR,
                                  col.rows(masked_lost)[idx[:PROBLEM_CAP]], consequence="blank")
                bad = lost
                norm = norm.copy()  # an object array: the lost IDs become None
                norm[lost] = None
                norm_arr = None
    masked, length = _masked(norm, norm_arr)

    def shown(k: Any) -> Any:
        return masked[int(k)].as_py()

    if pk == "phone":
        odd = (length > 0) & ~np.isin(length, [7, 8, 11, 12])
        for i in rows_where(odd)[:PROBLEM_CAP]:
            k = col.codes[i]
            problems.add(sheet, int(sub_rows[i]), column, Code.PHONE_LENGTH, Severity.WARNING, value=shown(k),
                         n=int(length[k]))
    elif pk == "id":
        lower, length, wrong_sum = _id_checks(text, norm)
        for i in rows_where(lower & _present(norm))[:PROBLEM_CAP]:
            problems.add(sheet, int(sub_rows[i]), column, Code.ID_LOWERCASE_X, Severity.WARNING, value=shown(col.codes[i]))
        wrong = np.isin(length, [14, 16, 17, 19, 20])
        for i in rows_where(wrong)[:PROBLEM_CAP]:
            k = col.codes[i]
            problems.add(sheet, int(sub_rows[i]), column, Code.ID_LENGTH, Severity.WARNING, value=shown(k), n=int(length[k]))
        for i in rows_where(wrong_sum)[:PROBLEM_CAP]:
            problems.add(sheet, int(sub_rows[i]), column, Code.ID_CHECKSUM, Severity.WARNING, value=shown(col.codes[i]))
    return norm, masked, bad
