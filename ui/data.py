"""What the pages show, without streamlit: datasets, uploads, staleness, tables for the import report.

Kept free of streamlit so the upload handler can be tested and reused directly; the thin cached
wrappers live in ``ui.state``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from i18n import t
from ledgers.report import Problem, Severity, count_by_severity, flatten

if TYPE_CHECKING:
    from ledgers.report import ImportReport, UnknownSheet
    from metrics.engine import Results
    from store.book import Proposal
    from store.db import Store

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = ROOT / "sample_data"
UPLOAD_TYPES = ("xlsx", "xlsm", "xls", "csv")
STALE_DAYS = 45  # a ledger whose newest row is older than this before D is flagged 未更新


@dataclass
class Dataset:
    """One set of ledgers the dashboard can show: the sample, the book (当前台账), or a snapshot."""

    id: str  # cache key: "sample", "book:<content id>", "snapshot:<n>"
    kind: str  # "sample" | "book" | "snapshot"
    frames: dict[str, pd.DataFrame]
    report: dict[str, Any]
    unknown_sheets: list[Any] = field(default_factory=list)
    files: list[tuple[str, bytes]] = field(default_factory=list)  # upload bytes, session memory only
    snapshot_id: int | None = None
    sources: list[tuple[str, object]] = field(default_factory=list)  # (file name, upload time) for the PDF


@dataclass
class UploadOutcome:
    """What an upload read and what it would change in the book; nothing is stored until accepted."""

    files: list[tuple[str, bytes]]  # session memory only, for the column mapper
    report: dict[str, Any]
    unknown_sheets: list[Any]
    proposal: Proposal | None = None  # the ledgers that loaded, compared with the book
    error: str | None = None  # a message for the user when the files could not be read at all
    done: str | None = None  # set once accepted or discarded: the preview is closed

    @property
    def pending(self) -> bool:
        """A preview is waiting for accept / discard."""
        return self.done is None and self.proposal is not None and bool(self.proposal.acceptable)

    def verdicts(self, lang: str) -> list[Any]:
        from ui.verdict import file_verdicts

        return file_verdicts([name for name, _ in self.files], self.report, lang)


def sample_files() -> list[Path]:
    """The sample ledgers in a stable order (the generator script is not a ledger)."""
    if not SAMPLE_DIR.is_dir():
        return []
    return sorted(p for p in SAMPLE_DIR.iterdir()
                  if p.is_file() and p.suffix.lower().lstrip(".") in UPLOAD_TYPES and not p.name.startswith("~$"))


def files_digest(files: Iterable[tuple[str, bytes]]) -> str:
    """The identity of an upload: names and bytes, order-free."""
    h = hashlib.sha256()
    for name, data in sorted(files, key=lambda f: f[0]):
        h.update(name.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())
    return h.hexdigest()[:16]


def report_dict(report: ImportReport | Mapping[str, Any] | None) -> dict[str, Any]:
    if report is None or isinstance(report, Mapping):
        return dict(report or {})
    return report.to_dict()


def unknown_of(report: ImportReport) -> list[UnknownSheet]:
    """Sheets to offer the column mapper: unknown ones, less notes/title sheets beside a data sheet."""
    from ui.verdict import notes_sheets

    notes = notes_sheets(report_dict(report))
    return [u for u in report.unknown_sheets if (u.file, u.sheet) not in notes]


def load_sample(secret: bytes | None, mappings: dict | None = None) -> Dataset:
    """The 桃园社区 sample, read by the real reader (so it shows the real import report)."""
    from ledgers.reader import load_files

    paths = sample_files()
    result = load_files(paths, mappings=mappings, secret=secret)
    return Dataset("sample", "sample", dict(result.frames), report_dict(result.report),
                   unknown_of(result.report), sources=[(p.name, None) for p in paths])


def handle_upload(files: Sequence[tuple[str, bytes]], store: Store | None, lang: str = "zh") -> UploadOutcome:
    """Read uploaded files with the remembered mappings and compare what loaded with the book, ledger
    by ledger. Nothing is written: the book changes only in :func:`accept_upload`."""
    from ledgers.privacy import mask_file_name
    from ledgers.reader import SourceFile, load_files

    # a file name may carry a resident's name or phone: masked before it is shown, reported or stored
    files = [(mask_file_name(name), bytes(data)) for name, data in files]
    try:
        result = load_files([SourceFile(name, data) for name, data in files],
                            mappings=store.mappings() if store else None,
                            secret=store.secret if store else None)
    except Exception as exc:  # the reader promises not to raise; if it does, the book stays
        return UploadOutcome(files, {}, [], error=t("ui.upload.failed", lang, error=exc))
    rep, unknown = report_dict(result.report), unknown_of(result.report)
    proposal = store.propose(result, files) if store is not None else None
    return UploadOutcome(files, rep, unknown, proposal)


def accept_upload(outcome: UploadOutcome, store: Store, ledgers: Sequence[str] | None = None, *,
                  confirm: Iterable[str] = (), by: str = "app") -> list[Any]:
    """Make the chosen ledgers of the preview current (one transaction); the versions now current.
    Raises StoreError (e.g. an unconfirmed big shrink) with nothing written."""
    if outcome.proposal is None:
        raise ValueError("nothing to accept: the upload was read without a store or not at all")
    versions = store.accept(outcome.proposal, ledgers, by=by, confirm=list(confirm))
    outcome.done = "accepted"
    return versions


def book_dataset(store: Store) -> Dataset | None:
    """The community's current ledgers (the book), or None while nothing was ever accepted."""
    versions = store.book()
    if not versions:
        return None
    frames, rep = store.load_book()
    sources: list[tuple[str, object]] = list(dict.fromkeys((f.name, v.accepted_at) for v in versions for f in v.files))
    return Dataset(f"book:{store.book_id()}", "book", dict(frames), dict(rep), sources=sources)


def load_snapshot(store: Store, snapshot_id: int) -> Dataset:
    frames, rep = store.load_snapshot(snapshot_id)
    info = store.snapshot(snapshot_id)
    return Dataset(f"snapshot:{snapshot_id}", "snapshot", dict(frames), dict(rep or {}),
                   snapshot_id=snapshot_id, sources=[(f.name, info.created_at) for f in info.files])


# ---------------------------------------------------------------- staleness


def ledger_newest(frames: Mapping[str, pd.DataFrame]) -> dict[str, dt.date]:
    """The newest starred date of each dated ledger present."""
    from metrics.registry import STARRED_DATES

    out: dict[str, dt.date] = {}
    for key, col in STARRED_DATES.items():
        frame = frames.get(key)
        if frame is None or col not in frame or not len(frame):
            continue
        newest = pd.to_datetime(frame[col], errors="coerce").max()
        if pd.notna(newest):
            out[key] = newest.date()
    return out


def stale_ledgers(frames: Mapping[str, pd.DataFrame], as_of: dt.date) -> set[str]:
    """Ledgers whose newest row is more than 45 days before D: their numbers may be out of date."""
    limit = as_of - dt.timedelta(days=STALE_DAYS)
    return {key for key, newest in ledger_newest(frames).items() if newest < limit}


# ---------------------------------------------------------------- tables


def problems_table(report: Mapping[str, Any], lang: str = "zh") -> pd.DataFrame:
    """The import problems as a table, grouped by file and sheet, then by row."""
    cols = [t(f"ui.report.{c}", lang) for c in ("file", "sheet", "row", "column", "severity", "message")]
    rows = [[p.file, p.sheet or "", str(p.row) if p.row else "", p.column or "", p.severity.label(lang),
             p.text(lang, with_place=False)] for p in flatten(report)]
    return pd.DataFrame(rows, columns=cols)


@dataclass
class ProblemGroup:
    """The problems of one file and sheet: errors and warnings (shown open), notes (shown folded)."""

    file: str
    sheet: str
    serious: list[str]  # "第 13 行 · 活动日期 · ✖ 错误 · 「待定」不是可识别的日期…", whole
    notes: list[str]  # title rows skipped, totals dropped, hidden sheet: handled, nothing to do

    def title(self, lang: str) -> str:
        return " · ".join(x for x in (self.file, self.sheet) if x) or t("ui.report.whole_upload", lang)


def problem_groups(report: Mapping[str, Any], lang: str = "zh") -> list[ProblemGroup]:
    """The import problems grouped by file and sheet, each as one line with nothing cut off; groups
    holding an error or a warning first, then the rest in file order; errors before warnings."""
    from ui.verdict import notes_sheets

    notes = notes_sheets(report)  # a 说明 sheet beside the data sheet: passed over, not an error
    groups: dict[tuple[str, str], ProblemGroup] = {}
    for p in sorted(flatten(report), key=lambda p: (p.file, p.sheet or "", p.severity.order)):
        group = groups.setdefault((p.file, p.sheet or ""), ProblemGroup(p.file, p.sheet or "", [], []))
        if (p.file, p.sheet) in notes:
            group.notes.append(t("ui.report.notes_skipped", lang))
            continue
        (group.notes if p.severity is Severity.INFO else group.serious).append(problem_line(p, lang))
    return sorted(groups.values(), key=lambda g: not g.serious)


def problem_line(problem: Problem | Mapping[str, Any], lang: str = "zh") -> str:
    """Row · column · severity · message, e.g. 第 13 行 · 活动日期 · ✖ 错误 · 「待定」不是可识别的日期…"""
    p = problem if isinstance(problem, Problem) else Problem.from_dict(problem)
    parts = []
    if p.row:
        parts.append(t("ui.report.row_n", lang, row=p.row))
    if p.column:
        parts.append(str(p.column))
    parts.append(p.severity.label(lang))
    parts.append(p.text(lang, with_place=False))
    return " · ".join(parts)


def problem_counts(report: Mapping[str, Any]) -> dict[str, int]:
    return count_by_severity(flatten(report))


def lines_html(lines: Sequence[str]) -> str:
    """A list of problem lines as HTML, escaped (for markdown too: names are text), wrapping (never cut)."""
    from ui.escape import html_text

    return "<ul class='problems'>" + "".join(f"<li>{html_text(x)}</li>" for x in lines) + "</ul>"


@dataclass
class Coverage:
    """Which ledgers an upload held, and the metrics left without data because theirs was not in it."""

    present: list[str]  # ledger keys with rows
    absent: list[str]
    no_data: list[str]  # metric ids showing 无数据 for want of an absent ledger

    def line(self, lang: str) -> str:
        return t("ui.data.coverage", lang, n=len(self.present), rest=len(self.absent))


def coverage(report: Mapping[str, Any], results: Results) -> Coverage | None:
    """None when the upload held every ledger (or nothing); else what it left out."""
    from ledgers.registry import LEDGERS
    from metrics.registry import BY_ID

    present = [v.get("key") for v in (report.get("ledgers") or {}).values() if v.get("key") and v.get("rows")]
    if not present:
        return None
    absent = [k for k in LEDGERS if k not in present]
    if not absent:
        return None
    no_data = [m.id for m in results.metrics if m.status == "no_data"
               and m.id in BY_ID and set(BY_ID[m.id].ledgers) - set(present)]
    return Coverage(present, absent, no_data)


_SHEET_FIELDS = (("file", "file"), ("sheet", "sheet"), ("ledger_name", "ledger"), ("ledger", "ledger"),
                 ("rows", "rows"), ("skipped", "skipped"))


def sheets_table(report: Mapping[str, Any], lang: str = "zh") -> pd.DataFrame:
    """Per file and sheet: which ledger it was read as, rows read and rows skipped."""
    sheets = list(report.get("sheets") or [])
    labels = {k: t(f"ui.report.{k}", lang) for k in ("file", "sheet", "ledger", "rows", "skipped")}
    rows = []
    from ui.verdict import notes_sheets

    notes = notes_sheets(report)
    for s in sheets:
        ledger = s.get("ledger_name") or _ledger_name(s.get("ledger"), lang) or t("ui.report.unrecognised", lang)
        if lang == "en" and s.get("ledger"):
            ledger = _ledger_name(s.get("ledger"), lang) or ledger
        if s.get("status") == "failed":
            ledger = t("ui.report.unreadable", lang)  # not 未识别: the file could not be opened at all
        elif s.get("status") == "empty" and not s.get("ledger"):
            ledger = t("ui.report.empty_sheet", lang)
        elif (s.get("file"), s.get("sheet")) in notes:
            ledger = t("ui.report.notes_sheet", lang)
        rows.append({labels["file"]: s.get("file") or "", labels["sheet"]: s.get("sheet") or "",
                     labels["ledger"]: ledger, labels["rows"]: s.get("rows", 0) or 0,
                     labels["skipped"]: s.get("skipped", 0) or 0})
    if not rows:  # a report without per-sheet entries: fall back to the per-ledger counts
        for name, counts in (report.get("ledgers") or {}).items():
            rows.append({labels["file"]: "", labels["sheet"]: "", labels["ledger"]: name,
                         labels["rows"]: counts.get("rows", 0), labels["skipped"]: counts.get("skipped", 0)})
    return pd.DataFrame(rows, columns=list(labels.values()))


def _ledger_name(key: str | None, lang: str) -> str | None:
    if not key:
        return None
    from ledgers.registry import LEDGERS

    spec = LEDGERS.get(key)
    if spec is None:
        return key
    return spec.name_en if lang == "en" else spec.name


def evidence_for_display(frame: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """Evidence rows as shown: identity hashes dropped, provenance renamed, dates without 00:00."""
    if frame is None or not len(frame.columns):
        return pd.DataFrame()
    keep = [c for c in frame.columns if not str(c).endswith("_key")]
    out = frame[keep].copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d").where(out[col].notna(), "")
    rename = {"_file": t("ui.report.file", lang), "_sheet": t("ui.report.sheet", lang),
              "_row": t("ui.report.row", lang)}
    out = out.rename(columns=rename)
    # provenance last: the ledger's own columns are what the room asks about
    prov = [c for c in rename.values() if c in out.columns]
    return out[[c for c in out.columns if c not in prov] + prov]


# ---------------------------------------------------------------- targets sheet


def targets_workbook(rows: Sequence[tuple[str, str, float | None, bool, str]]) -> bytes:
    """A 指标目标 sheet (指标, 指标名称, 目标值, 启用) the reader accepts back as target overrides.

    ``rows`` are (id, name, target, enabled, kind); ratio targets are written as percentages.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.worksheet import Worksheet

    from metrics.vocab import Kind

    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook's one sheet
    ws.title = "指标目标"
    ws.append(["指标", "指标名称", "目标值", "启用"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for metric_id, name, target, enabled, kind in rows:
        ws.append([metric_id, name, target, "是" if enabled else "否"])
        if Kind(kind).fraction and target is not None:
            ws.cell(ws.max_row, 3).number_format = "0%"
    for col, width in zip("ABCD", (10, 28, 10, 8), strict=True):
        ws.column_dimensions[col].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
