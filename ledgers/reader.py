"""``load_files``: uploads in, typed ledger frames and an import report out (docs/design.md, Contract 1).

Files are checked by ``ledgers.guards`` and parsed in a child process (``ledgers.worker``) with a memory
limit and a timeout, so a hostile or broken file costs a problem in the report, never the app.
An .xlsx is read raw by fastexcel into Arrow string columns (``ledgers.arrowgrid``: no Python object
per cell; the guard's scan of each sheet gives its merged ranges and where its cells start); an .xls,
and a sheet fastexcel cannot be trusted with, by python-calamine. CSVs are decoded as UTF-8,
UTF-8-BOM, UTF-16 (BOM) or GB18030. Header finding, cleaning and typing live in ``ledgers.sheet`` /
``ledgers.clean``. ``$LEDGERS_CALAMINE=1`` reads every workbook with python-calamine (to compare).
"""

from __future__ import annotations

import contextlib
import io
import os
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, Protocol

import settings
from ledgers.registry import LEDGERS, Mappings
from ledgers.report import Code, ImportReport, LoadResult, Problem, Severity, SheetReport, UnknownSheet

# the child reads without pandas: frames are built (and pandas loaded) where they are used; the parsing
# modules load in the child (and in process), not in a parent that only receives frames
if TYPE_CHECKING:
    import fastexcel
    import pandas as pd

    from ledgers import guards
    from ledgers.packed import PackedFrame
    from ledgers.sheet import RawSheet

__all__ = ["load_files", "LoadResult", "SourceFile", "ImportReport", "Problem", "SheetReport", "UnknownSheet",
           "empty_frame", "read_file", "BookPart", "Share", "Partner"]


@dataclass
class SourceFile:
    name: str
    data: bytes


@dataclass
class FileResult:
    """What one file yields; built in the child process and pickled back."""

    name: str
    frames: list[tuple[str, pd.DataFrame]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    sheets: list[SheetReport] = field(default_factory=list)
    unknown: list[UnknownSheet] = field(default_factory=list)
    failed: bool = False  # the whole file failed: frames streamed before that are void


def load_files(sources: Iterable[Path | str | SourceFile], *, mappings: Mappings | None = None,
               secret: bytes | None = None, in_process: bool | None = None, timeout: float = 120.0,
               memory_mb: int = 4096) -> LoadResult:
    """Read every source; combine rows of the same ledger across files and sheets.

    ``mappings``: header signature -> {"ledger": key, "columns": {source header: canonical}}.
    ``secret``: HMAC key of the ``<col>_key`` columns (a random per-process key when None).
    ``in_process``: parse here instead of in a guarded child (tests, benchmarks); the default
    follows ``$LEDGERS_IN_PROCESS`` ("1" = in process).
    """
    from ledgers.worker import PROCESS_SECRET, path_job

    # names as given: ``read_file`` masks them (so the child's requests can go ahead)
    jobs = [(src.name, None, bytes(src.data)) if isinstance(src, SourceFile) else path_job(src) for src in sources]
    key = secret if secret is not None else PROCESS_SECRET
    if in_process is None:
        in_process = settings.from_env().ledgers_in_process
    if in_process:
        results = [read_file(name, path, data, mappings, key) for name, path, data in jobs]
    else:
        from ledgers.worker import run_jobs

        results = run_jobs(jobs, mappings, key, timeout=timeout, memory_mb=memory_mb)
    return _combine(results)


def _combine(results: list[FileResult]) -> LoadResult:
    import pandas as pd

    report = ImportReport()
    parts: dict[str, list[pd.DataFrame]] = {}
    for res in results:
        report.problems.extend(res.problems)
        report.sheets.extend(res.sheets)
        report.unknown_sheets.extend(res.unknown)
        for key, frame in res.frames:
            parts.setdefault(key, []).append(frame)
    frames: dict[str, pd.DataFrame] = {}
    for key in LEDGERS:  # ledgers.md order
        if key in parts:
            chunks = [f for f in parts[key] if len(f)] or parts[key][:1]
            frames[key] = pd.concat(chunks, ignore_index=True) if len(chunks) > 1 else chunks[0]
    return LoadResult(frames, report)


def empty_frame(key: str) -> pd.DataFrame:
    """A zero-row frame of a ledger with the typed columns of Contract 1."""
    import pandas as pd

    cols: dict[str, pd.Series] = {}
    for col in LEDGERS[key].columns:
        cols[col.name] = col.type.empty(0)
        if col.pii:
            cols[col.name + "_key"] = pd.Series([], dtype=object)
    for name in ("_file", "_sheet"):
        cols[name] = pd.Series([], dtype=object)
    cols["_row"] = pd.Series([], dtype="int64")
    return pd.DataFrame(cols)


class Share(Protocol):
    """How the reader's child hands some sheets of a big workbook to a second process (``ledgers.partner``)."""

    def start(self, work: Callable[[], BookPart]) -> Partner | None:
        """``work`` run in a second process, or None when there is none to be had."""
        ...


class Partner(Protocol):
    def part(self) -> BookPart:
        """What ``work`` returned there, once its frames went the way of this process's (``sink``)."""
        ...


def read_file(name: str, path: str | None, data: bytes | None, mappings: Mappings | None, secret: bytes,
              sink: Callable[[str, PackedFrame], None] | None = None, share: Share | None = None) -> FileResult:
    """Guard, parse and type one file (runs inside the child process).

    Sheets are parsed (fastexcel, python-calamine) in a thread, biggest first, while the previous one is typed.
    ``sink``: called with each ledger frame as soon as its sheet is typed, instead of collecting the
    frames in the result (the child streams them to the parent while it reads the next sheet); when
    the file fails after that, the result has ``failed`` set and the frames already sent are dropped.
    ``share``: a workbook of ``$LEDGERS_SPLIT_MB`` or more is read by two processes, the sheets shared
    out by size (``_partner_sheets``); the result is the same.
    ``name``: as given; a file name may carry a resident's name or phone, so it is masked first, before
    anything reports or stores it."""
    from ledgers import guards, privacy

    name = privacy.mask_file_name(name)
    try:
        if data is None:
            data = Path(path).read_bytes()  # type: ignore[arg-type]
        info = guards.inspect(name, data, defer_sheets=True)
    except Exception as exc:
        return _failed_file(name, exc)
    book = _Book(name, data, info, mappings, secret, sink)
    theirs = _partner_sheets(info) if share is not None and sink is not None else frozenset()
    partner = None
    if share is not None and theirs and book.open():  # opened once, before the fork: both processes use it
        partner = share.start(lambda: book.read(theirs.__contains__))
    if partner is None:
        theirs = frozenset()
    part = book.read(lambda sheet: sheet not in theirs)
    if partner is not None:
        part.absorb(partner.part())
    return part.result()


def _partner_sheets(info: guards.Inspection) -> frozenset[str]:
    """The sheets a second process reads: none below ``$LEDGERS_SPLIT_MB`` of sheet XML, else the sheets
    dealt biggest first to whichever process has less XML so far (the biggest stays here). On the 300k
    bench workbook the biggest sheet, half the XML, is read here and the 18 others there: its parse,
    which every sheet after it waited for in one process, now runs beside theirs (1.57 -> 1.23 s)."""
    sizes = info.sizes
    if (info.kind != "xlsx" or os.environ.get("LEDGERS_CALAMINE") or len(sizes) < 2
            or sum(sizes.values()) < settings.from_env().split_mb << 20):
        return frozenset()
    here = there = 0
    theirs: set[str] = set()
    for sheet, size in sorted(sizes.items(), key=lambda item: -item[1]):
        if here <= there:
            here += size
        else:
            there += size
            theirs.add(sheet)
    return frozenset(theirs)


@dataclass
class _Book:
    """One file being read: what every sheet of it is read with."""

    name: str
    data: bytes
    info: guards.Inspection
    mappings: Mappings | None
    secret: bytes
    sink: Callable[[str, PackedFrame], None] | None
    excel: fastexcel.ExcelReader | None = None  # fastexcel's reader of the workbook, once opened

    def open(self) -> bool:
        """Open the workbook with fastexcel now (it reads the workbook's parts and shared strings);
        False where that fails, which the parse then reports."""
        import fastexcel

        try:
            self.excel = fastexcel.read_excel(self.data)
        except BaseException as exc:  # noqa: BLE001 - a Rust panic is a BaseException (pyo3's PanicException)
            if _parse_failed(exc) is exc:
                raise
            return False
        return True

    def read(self, wanted: Callable[[str], bool]) -> BookPart:
        """Read the sheets ``wanted`` (all of a CSV's one)."""
        from ledgers.sheet import name_hints

        part = BookPart(self.name)
        hints = name_hints(PurePath(self.name).stem)
        cursor = _Cursor()
        try:
            for raw in _parse(self, wanted, cursor):
                part.any_data = part.any_data or raw.has_data()
                with part.sheet(raw):
                    self._add(raw, hints, part)
                    for row, code, params in raw.notes:
                        part.problems.add(raw.name, row, None, code, Severity.ERROR, **params)
        except Exception as exc:
            part.failed = (cursor.at, _failed_file(self.name, exc))
        return part

    def _add(self, raw: RawSheet, hints: list[str], part: BookPart) -> None:
        from ledgers.sheet import read_sheet

        try:
            sr = read_sheet(self.name, raw, hints, self.mappings, self.secret, part.problems)
        except Exception as exc:  # one sheet's surprise must not cost the other sheets
            if type(exc).__name__.endswith("MemoryError"):
                part.problems.add(raw.name, None, None, Code.OUT_OF_MEMORY, Severity.ERROR, limit=_memory_limit_mb())
            else:
                part.problems.add(raw.name, None, None, Code.PARSE_FAILED, Severity.ERROR, detail=type(exc).__name__)
            part.file.sheets.append(SheetReport(self.name, raw.name, "failed", hidden=raw.hidden))
            return
        part.file.sheets.append(sr.report)
        if sr.unknown:
            part.file.unknown.append(sr.unknown)
        if sr.frame is not None and sr.report.ledger:
            if self.sink is None:
                part.file.frames.append((sr.report.ledger, sr.frame.frame()))
            else:
                self.sink(sr.report.ledger, sr.frame)  # packed: the receiver builds the DataFrame


@dataclass
class _Cursor:
    """Where in the reading order the parse is (-1: before any sheet): of two processes that both
    failed, the failure is the one a single process would have met first."""

    at: int = -1


class BookPart:
    """What reading some of a file's sheets adds: each sheet's report, unknown-sheet entry, problems
    and frames, each marked with its sheet's place in the workbook. Sheets are read biggest first
    (``_read_xlsx``), and by two processes for a big workbook; ``result`` puts everything back in the
    workbook's order, so the import report and the row order of a ledger kept on several sheets never
    depend on the order or the process of reading. Frames streamed to the parent are put in order
    there (``worker._run_jobs``)."""

    def __init__(self, name: str) -> None:
        from ledgers.sheet import Problems

        self.name = name
        self.problems = Problems(name)
        self.file = FileResult(name)  # what the sheets add, in the order they were read
        self.places: tuple[list[int], ...] = ([], [], [], [])
        self.any_data = False  # a workbook of blank sheets is one problem, not one per sheet
        self.failed: tuple[int, FileResult] | None = None  # (place in the reading order, the file's result)

    def lists(self) -> tuple[list[Any], ...]:
        return (self.file.sheets, self.file.unknown, self.file.frames, self.problems.items)

    @contextlib.contextmanager
    def sheet(self, raw: RawSheet) -> Iterator[None]:
        """Marks what is added inside the block as the sheet's, at the sheet's place in the workbook."""
        try:
            yield
        finally:
            for items, places in zip(self.lists(), self.places, strict=True):
                places.extend([raw.index] * (len(items) - len(places)))

    def absorb(self, other: BookPart) -> None:
        """Take in what another process read of the same file."""
        for items, places, more, where in zip(self.lists(), self.places, other.lists(), other.places, strict=True):
            items.extend(more)
            places.extend(where)
        self.any_data = self.any_data or other.any_data
        if other.failed is not None and (self.failed is None or other.failed[0] < self.failed[0]):
            self.failed = other.failed

    def result(self) -> FileResult:
        """The file's result: everything in the workbook's order of its sheets (a stable sort: a sheet's
        own order stays); the failure, or the one problem of a workbook without data, instead."""
        if self.failed is not None:
            return self.failed[1]
        if not self.any_data:
            self.problems.items[:] = []
            self.problems.add(None, None, None, Code.WORKBOOK_EMPTY, Severity.WARNING)
            return FileResult(self.name, problems=self.problems.items, sheets=[SheetReport(self.name, None, "empty")])
        for items, places in zip(self.lists(), self.places, strict=True):
            ranked = sorted(range(len(places)), key=places.__getitem__)
            items[: len(places)] = [items[k] for k in ranked]
        self.file.problems = self.problems.items
        return self.file
def _failed_file(name: str, exc: Exception) -> FileResult:
    """The result of a file that failed as a whole: one problem, no frames (those sent are void)."""
    from ledgers import guards
    from ledgers.sheet import Problems

    if type(exc).__name__.endswith("MemoryError"):  # MemoryError, pyarrow's ArrowMemoryError
        exc = guards.GuardError(Code.OUT_OF_MEMORY, limit=_memory_limit_mb())
    elif not isinstance(exc, guards.GuardError):  # a surprise in one file must not cost the others
        exc = guards.GuardError(Code.PARSE_FAILED, detail=type(exc).__name__)
    problems = Problems(name)
    problems.add(None, None, None, exc.code, exc.severity, **exc.params)
    return FileResult(name, problems=problems.items, sheets=[SheetReport(name, None, "failed")], failed=True)


def _memory_limit_mb() -> int | str:
    return os.environ.get("LEDGERS_MEMORY_MB", "?")


def _parse(book: _Book, wanted: Callable[[str], bool], cursor: _Cursor) -> Iterator[RawSheet]:
    """The file's sheets, one by one; a workbook's are read by a thread one sheet ahead of the caller."""
    from ledgers import guards
    from ledgers.sheet import RawSheet

    if book.info.kind == "csv":
        grid, notes = guards.read_csv(guards.decode_text(book.data))
        yield RawSheet(PurePath(book.name).stem, grid, from_file=True, notes=notes)
        return
    ahead: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=1)  # ("sheet", RawSheet) … ("end", None)
    stop = threading.Event()

    def put(item: tuple[str, Any]) -> bool:
        while not stop.is_set():
            try:
                ahead.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for raw in _read_book(book, wanted, cursor):
                if not put(("sheet", raw)):
                    return
            put(("end", None))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread, raised there
            put(("error", exc))

    thread = threading.Thread(target=produce, name="calamine", daemon=True)
    try:
        thread.start()
    except RuntimeError:  # "can't start new thread": no room for its stack near the child's memory cap
        yield from _read_book(book, wanted, cursor)  # (after a file that hit the cap) read here, without read-ahead
        return
    try:
        while True:
            what, item = ahead.get()
            if what == "end":
                return
            if what == "error":
                raise item
            yield item
    finally:
        stop.set()
        thread.join()


def _read_book(book: _Book, wanted: Callable[[str], bool], cursor: _Cursor) -> Iterator[RawSheet]:
    """An .xlsx is read by fastexcel into Arrow (``_read_xlsx``); an .xls, and the odd sheet fastexcel
    cannot be trusted with, by python-calamine."""
    if book.info.kind == "xlsx" and not os.environ.get("LEDGERS_CALAMINE"):
        yield from _read_xlsx(book, wanted, cursor)
    else:
        yield from _read_calamine(book.data, book.info)


def _read_xlsx(book: _Book, wanted: Callable[[str], bool], cursor: _Cursor) -> Iterator[RawSheet]:
    """Each worksheet as Arrow string columns (no Python object per cell). The guard's scan of the
    sheet, run just before, gives what fastexcel does not: the extent check, formulas without a
    value, merged ranges and the row the cells start on. A sheet the scan could not place (XML not
    written the plain way), a sheet fastexcel lists but the workbook's relationships do not map, and
    a sheet whose long numbers may be text or numbers are read by python-calamine instead."""
    import fastexcel

    from ledgers import guards

    data, info = book.data, book.info
    worksheets = set(info.deferred) | set(info.formula_blanks)
    try:
        excel = book.excel if book.excel is not None else fastexcel.read_excel(data)
        names = excel.sheet_names
    except BaseException as exc:  # noqa: BLE001 - a Rust panic is a BaseException (pyo3's PanicException)
        failed = _parse_failed(exc)
        if failed is exc:
            raise
        raise failed from exc
    place = {name: k for k, name in enumerate(names)}
    for at, name in enumerate(_biggest_first(names, info)):
        if not wanted(name):
            continue
        cursor.at = at
        if name not in worksheets:
            yield from _read_calamine(data, info, only=name)
            continue
        formula_blanks = info.check_sheet(name)  # extent (calamine trusts it) before parsing
        layout = info.layout.get(name, guards.SheetLayout())
        raw = _arrow_sheet(excel, name, layout, formula_blanks) if layout.first_row is not None else None
        if raw is None:
            yield from _read_calamine(data, info, only=name)
        else:
            raw.index = place[name]
            yield raw


def _biggest_first(names: list[str], info: guards.Inspection) -> list[str]:
    """The sheets in the order to read them: by the size of their XML, biggest first (the rest keep
    the workbook's order). The typing waits for the parse of the first sheet, then types it while the
    parse thread reads the others: a big sheet first keeps the parse thread busy to the end, where the
    workbook's order (a small sheet, then the biggest) left the typing waiting for the big parse.
    (Measured on the 300k bench workbook, whole read in process: 2.05 -> 1.76 s.)"""
    # the guard's sizes, read from the archive's directory; sorted() is stable: equal sizes keep their order
    return sorted(names, key=lambda name: -info.sizes.get(name, 0))


def _parse_failed(exc: BaseException) -> BaseException:
    """fastexcel's error (or a panic in it) as the file's parse_failed problem; anything else
    (MemoryError, KeyboardInterrupt...) as is."""
    import fastexcel

    from ledgers import guards

    if isinstance(exc, fastexcel.FastExcelError) or type(exc).__name__ == "PanicException":
        return guards.GuardError(Code.PARSE_FAILED, detail=str(exc)[:120] or type(exc).__name__)
    return exc


def _arrow_sheet(book: Any, name: str, layout: guards.SheetLayout,
                 formula_blanks: set[tuple[int, int]]) -> RawSheet | None:
    """One sheet by fastexcel, or None when python-calamine must read it (long numbers)."""
    import pyarrow as pa  # type: ignore[import-untyped]

    from ledgers.arrowgrid import ArrowGrid, ambiguous
    from ledgers.sheet import RawSheet

    try:
        sheet = book.load_sheet(name, header_row=None, dtypes="string")
        hidden = sheet.visible != "visible"
        batch = sheet.to_arrow() if sheet.width else pa.record_batch([])
        columns = {c.absolute_index: batch.column(k) for k, c in enumerate(sheet.selected_columns)}
    except BaseException as exc:  # noqa: BLE001 - a Rust panic is a BaseException (pyo3's PanicException)
        failed = _parse_failed(exc)
        if failed is exc:
            raise
        raise failed from exc
    if any(ambiguous(arr) for arr in columns.values()):
        return None
    top = max(layout.first_row or 0, 0)
    grid = ArrowGrid(columns, top, batch.num_rows)
    return RawSheet(name, [], hidden=hidden, merged=layout.merged, formula_blanks=formula_blanks, arrow=grid)


def _read_calamine(data: bytes, info: guards.Inspection, only: str | None = None) -> Iterator[RawSheet]:
    import python_calamine as pc

    from ledgers import guards
    from ledgers.sheet import RawSheet

    try:
        wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
        for index, meta in enumerate(wb.sheets_metadata):
            if str(meta.typ).endswith("ChartSheet") or (only is not None and meta.name != only):
                continue
            formula_blanks = info.check_sheet(meta.name)  # extent (calamine trusts it) before parsing
            ws = wb.get_sheet_by_name(meta.name)
            grid = ws.to_python(skip_empty_area=False)
            try:
                merged = list(ws.merged_cell_ranges or [])
            except Exception:
                merged = []
            yield RawSheet(meta.name, grid, hidden=not str(meta.visible).endswith("Visible"),
                           merged=merged, formula_blanks=formula_blanks, index=index)
            del ws, grid
    except pc.PasswordError as exc:
        raise guards.GuardError(Code.FILE_ENCRYPTED) from exc
    except (MemoryError, guards.GuardError):
        raise
    except Exception as exc:
        raise guards.GuardError(Code.PARSE_FAILED, detail=str(exc)[:120] or type(exc).__name__) from exc



