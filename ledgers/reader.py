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
from typing import TYPE_CHECKING, Any

import settings
from ledgers.registry import LEDGERS, Mappings
from ledgers.report import Code, ImportReport, LoadResult, Problem, Severity, SheetReport, UnknownSheet

if TYPE_CHECKING:  # the child reads without pandas: frames are built (and pandas loaded) where they are used;
    import pandas as pd  # the parsing modules load in the child (and in process), not in a parent that

    from ledgers import guards  # only receives frames
    from ledgers.packed import PackedFrame
    from ledgers.sheet import Problems, RawSheet

__all__ = ["load_files", "LoadResult", "SourceFile", "ImportReport", "Problem", "SheetReport", "UnknownSheet",
           "empty_frame", "read_file"]


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


def read_file(name: str, path: str | None, data: bytes | None, mappings: Mappings | None, secret: bytes,
              sink: Callable[[str, PackedFrame], None] | None = None) -> FileResult:
    """Guard, parse and type one file (runs inside the child process).

    Sheets are parsed (fastexcel, python-calamine) in a thread, biggest first, while the previous one is typed.
    ``sink``: called with each ledger frame as soon as its sheet is typed, instead of collecting the
    frames in the result (the child streams them to the parent while it reads the next sheet); when
    the file fails after that, the result has ``failed`` set and the frames already sent are dropped.
    ``name``: as given; a file name may carry a resident's name or phone, so it is masked first, before
    anything reports or stores it."""
    from ledgers import guards, privacy
    from ledgers.sheet import Problems, name_hints, read_sheet

    name = privacy.mask_file_name(name)
    result = FileResult(name)
    problems = Problems(name)

    def add(raw: RawSheet) -> None:
        try:
            sr = read_sheet(name, raw, hints, mappings, secret, problems)
        except Exception as exc:  # one sheet's surprise must not cost the other sheets
            if type(exc).__name__.endswith("MemoryError"):
                problems.add(raw.name, None, None, Code.OUT_OF_MEMORY, Severity.ERROR, limit=_memory_limit_mb())
            else:
                problems.add(raw.name, None, None, Code.PARSE_FAILED, Severity.ERROR, detail=type(exc).__name__)
            result.sheets.append(SheetReport(name, raw.name, "failed", hidden=raw.hidden))
            return
        result.sheets.append(sr.report)
        if sr.unknown:
            result.unknown.append(sr.unknown)
        if sr.frame is not None and sr.report.ledger:
            if sink is None:
                result.frames.append((sr.report.ledger, sr.frame.frame()))
            else:
                sink(sr.report.ledger, sr.frame)  # packed: the receiver builds the DataFrame

    hints = name_hints(PurePath(name).stem)
    try:
        if data is None:
            data = Path(path).read_bytes()  # type: ignore[arg-type]
        info = guards.inspect(name, data, defer_sheets=True)
        held = _BlanksHeld()
        order = _WorkbookOrder(result, problems)
        for raw in held.sheets(_parse(name, data, info)):
            with order.sheet(raw):
                add(raw)
                for row, code, params in raw.notes:
                    problems.add(raw.name, row, None, code, Severity.ERROR, **params)
        order.restore()
    except Exception as exc:
        return _failed_file(name, exc)
    if not held.any_data:
        problems.add(None, None, None, Code.WORKBOOK_EMPTY, Severity.WARNING)
        result.sheets.append(SheetReport(name, None, "empty"))
    result.problems = problems.items
    return result


class _BlanksHeld:
    """Blank sheets are reported only once a sheet with data shows the workbook is not empty (a
    workbook of blank sheets is one problem, not one per sheet)."""

    def __init__(self) -> None:
        self.any_data = False

    def sheets(self, raws: Iterable[RawSheet]) -> Iterator[RawSheet]:
        blank: list[RawSheet] = []
        for raw in raws:
            if not self.any_data and not raw.has_data():
                blank.append(raw)
                continue
            if not self.any_data:
                self.any_data = True
                yield from blank
            yield raw


class _WorkbookOrder:
    """A workbook's sheets are read biggest first (``_read_xlsx``: the big sheet's parse is under way
    while the small ones are typed, instead of the typing waiting for it); what each sheet adds to the
    result — its report, unknown-sheet entry, problems and frames — is put back in the workbook's order,
    so the import report and the row order of a ledger kept on several sheets never depend on the order
    of reading. Frames streamed to the parent are put in order there (``worker._run_jobs``)."""

    def __init__(self, result: FileResult, problems: Problems) -> None:
        self.lists: tuple[list[Any], ...] = (result.sheets, result.unknown, result.frames, problems.items)
        self.places: tuple[list[int], ...] = tuple([] for _ in self.lists)

    @contextlib.contextmanager
    def sheet(self, raw: RawSheet) -> Iterator[None]:
        """Marks what is added inside the block as the sheet's, at the sheet's place in the workbook."""
        try:
            yield
        finally:
            for items, places in zip(self.lists, self.places, strict=True):
                places.extend([raw.index] * (len(items) - len(places)))

    def restore(self) -> None:
        """Every list in the workbook's order of its sheets (a stable sort: a sheet's own order stays)."""
        for items, places in zip(self.lists, self.places, strict=True):
            ranked = sorted(range(len(places)), key=places.__getitem__)
            items[: len(places)] = [items[k] for k in ranked]


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


def _parse(name: str, data: bytes, info: guards.Inspection) -> Iterator[RawSheet]:
    """The file's sheets, one by one; a workbook's are read by a thread one sheet ahead of the caller."""
    from ledgers import guards
    from ledgers.sheet import RawSheet

    if info.kind == "csv":
        grid, notes = guards.read_csv(guards.decode_text(data))
        yield RawSheet(PurePath(name).stem, grid, from_file=True, notes=notes)
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
            for raw in _read_book(data, info):
                if not put(("sheet", raw)):
                    return
            put(("end", None))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread, raised there
            put(("error", exc))

    thread = threading.Thread(target=produce, name="calamine", daemon=True)
    try:
        thread.start()
    except RuntimeError:  # "can't start new thread": no room for its stack near the child's memory cap
        yield from _read_book(data, info)  # (after a file that hit the cap) read here, without read-ahead
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


def _read_book(data: bytes, info: guards.Inspection) -> Iterator[RawSheet]:
    """An .xlsx is read by fastexcel into Arrow (``_read_xlsx``); an .xls, and the odd sheet fastexcel
    cannot be trusted with, by python-calamine."""
    if info.kind == "xlsx" and not os.environ.get("LEDGERS_CALAMINE"):
        yield from _read_xlsx(data, info)
    else:
        yield from _read_calamine(data, info)


def _read_xlsx(data: bytes, info: guards.Inspection) -> Iterator[RawSheet]:
    """Each worksheet as Arrow string columns (no Python object per cell). The guard's scan of the
    sheet, run just before, gives what fastexcel does not: the extent check, formulas without a
    value, merged ranges and the row the cells start on. A sheet the scan could not place (XML not
    written the plain way), a sheet fastexcel lists but the workbook's relationships do not map, and
    a sheet whose long numbers may be text or numbers are read by python-calamine instead."""
    import fastexcel

    from ledgers import guards

    worksheets = set(info.deferred) | set(info.formula_blanks)
    try:
        book = fastexcel.read_excel(data)
        names = book.sheet_names
    except BaseException as exc:  # noqa: BLE001 - a Rust panic is a BaseException (pyo3's PanicException)
        failed = _parse_failed(exc)
        if failed is exc:
            raise
        raise failed from exc
    place = {name: k for k, name in enumerate(names)}
    for name in _biggest_first(names, info):
        if name not in worksheets:
            yield from _read_calamine(data, info, only=name)
            continue
        formula_blanks = info.check_sheet(name)  # extent (calamine trusts it) before parsing
        layout = info.layout.get(name, guards.SheetLayout())
        raw = _arrow_sheet(book, name, layout, formula_blanks) if layout.first_row is not None else None
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



