"""The ledger book's plain parts, without SQLite: versions, proposals and how a proposed ledger
differs from the one in the book (rows added / removed / changed, date range, shrink warnings)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import pandas as pd

from store.models import FileInfo

SHRINK_RATIO = 0.5  # a new version with fewer than half the current rows needs the warning confirmed


class Change(Enum):
    """What accepting a proposed ledger would do to the book."""

    NEW = "new"  # the book has no version of this ledger yet
    CHANGED = "changed"
    UNCHANGED = "unchanged"  # the same rows as the current version: nothing to accept

    @property
    def acceptable(self) -> bool:
        return self is not Change.UNCHANGED


class Caution(Enum):
    """Why a proposed version needs a second look before it replaces the current one."""

    FEWER_ROWS = "fewer_rows"  # fewer than half the current rows
    OLDER = "older"  # its newest date is older than the current version's newest


@dataclass(frozen=True)
class VersionInfo:
    """One accepted version of one ledger: what it holds and where it came from."""

    id: int
    ledger: str
    created_at: dt.datetime
    rows: int
    files: tuple[FileInfo, ...]
    first_date: dt.date | None
    last_date: dt.date | None
    accepted_at: dt.datetime | None = None  # when it last became current (None: only in a snapshot)
    accepted_by: str | None = None
    current: bool = False


@dataclass(frozen=True)
class LedgerDiff:
    """One ledger of an upload against the book: the preview line and what accepting would need."""

    ledger: str
    change: Change
    rows_before: int  # 0 when the book has no version
    rows_after: int
    added: int
    removed: int
    changed: int
    matched_by: tuple[str, ...]  # the key columns rows were matched on; () = by whole content
    dates_before: tuple[dt.date | None, dt.date | None]
    dates_after: tuple[dt.date | None, dt.date | None]
    warnings: tuple[Caution, ...]
    base_version: int | None  # the version this was compared with (accepting checks it is still current)

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.warnings)


@dataclass
class Proposal:
    """An upload read and compared with the book, not yet accepted. Lives in memory only: a process
    that dies before accepting leaves the book as it was."""

    diffs: dict[str, LedgerDiff]
    files: tuple[FileInfo, ...]
    report: dict[str, Any]
    remasked: int = 0
    # ledger -> (encoded frame, its SHA-256, rows, that ledger's part of the report); for the store only
    encoded: dict[str, tuple[bytes, str, int, dict[str, Any]]] = field(default_factory=dict, repr=False)

    @property
    def acceptable(self) -> list[str]:
        return [k for k, d in self.diffs.items() if d.change.acceptable]


class Confirm(Enum):
    """``accept(..., confirm=Confirm.ALL)``: every shrink warning of the accepted ledgers was read."""

    ALL = "all"


# ------------------------------------------------------------------------------------------ diffing


def content_columns(frame: pd.DataFrame) -> list[str]:
    """The columns that are the ledger's data: not provenance (_file, _sheet, _row), not PII hashes."""
    return [c for c in frame.columns if not str(c).startswith("_") and not str(c).endswith("_key")]


def _row_tuples(frame: pd.DataFrame, columns: Sequence[str]) -> list[tuple[Any, ...]]:
    if not len(frame):
        return []
    part = frame.reindex(columns=list(columns)).astype(object)
    part = part.where(part.notna(), None)
    return [tuple(r) for r in part.itertuples(index=False, name=None)]


def _numbered(keys: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The n-th occurrence of a key becomes (key, n): duplicates match in order, not all at once."""
    seen: dict[tuple[Any, ...], int] = {}
    out = []
    for k in keys:
        seen[k] = seen.get(k, 0) + 1
        out.append((k, seen[k]))
    return out


def row_changes(before: pd.DataFrame | None, after: pd.DataFrame, match_key: Sequence[str]) -> tuple[
        int, int, int, tuple[str, ...]]:
    """(added, removed, changed, key used). Rows match on ``match_key`` when both frames hold all its
    columns; otherwise on their whole content (then a changed row counts as one removed, one added)."""
    if before is None:
        return len(after), 0, 0, ()
    cols = [c for c in content_columns(after) if c in set(content_columns(before))]
    key = tuple(match_key) if match_key and all(c in before and c in after for c in match_key) else ()
    old = dict(zip(_numbered(_row_tuples(before, key or cols)), _row_tuples(before, cols), strict=True))
    new = dict(zip(_numbered(_row_tuples(after, key or cols)), _row_tuples(after, cols), strict=True))
    common = old.keys() & new.keys()
    changed = sum(1 for k in common if old[k] != new[k]) if key else 0
    return len(new.keys() - common), len(old.keys() - common), changed, key


def date_range(frame: pd.DataFrame | None, column: str | None) -> tuple[dt.date | None, dt.date | None]:
    if frame is None or column is None or column not in frame or not len(frame):
        return None, None
    days = pd.to_datetime(frame[column], errors="coerce").dropna()
    if not len(days):
        return None, None
    return days.min().date(), days.max().date()


def diff_ledger(ledger: str, before: pd.DataFrame | None, after: pd.DataFrame, *, same_data: bool,
                base_version: int | None) -> LedgerDiff:
    """The preview of one ledger: counts, date ranges, warnings."""
    from ledgers.registry import LEDGERS
    from metrics.registry import STARRED_DATES

    spec = LEDGERS.get(ledger)
    date_col = STARRED_DATES.get(ledger)
    added, removed, changed, key = row_changes(before, after, spec.match_key if spec else ())
    old_range, new_range = date_range(before, date_col), date_range(after, date_col)
    warnings: list[Caution] = []
    if before is not None and not same_data:
        if len(after) < SHRINK_RATIO * len(before):
            warnings.append(Caution.FEWER_ROWS)
        if old_range[1] is not None and (new_range[1] is None or new_range[1] < old_range[1]):
            warnings.append(Caution.OLDER)
    change = Change.NEW if before is None else Change.UNCHANGED if same_data else Change.CHANGED
    return LedgerDiff(ledger, change, 0 if before is None else len(before), len(after), added, removed,
                      changed, key, old_range, new_range, tuple(warnings), base_version)


# ------------------------------------------------------------------------------------ the report


def report_part(report: Mapping[str, Any], ledger: str) -> dict[str, Any]:
    """One ledger's part of an import report: its sheets, the problems of those sheets, its counts."""
    sheets = [s for s in report.get("sheets") or [] if s.get("ledger") == ledger]
    places = {(s.get("file"), s.get("sheet")) for s in sheets}
    problems = [p for p in report.get("problems") or [] if (p.get("file"), p.get("sheet")) in places]
    ledgers = {name: v for name, v in (report.get("ledgers") or {}).items()
               if isinstance(v, Mapping) and v.get("key") == ledger}
    return {"ledgers": ledgers, "problems": problems, "sheets": sheets}


def merge_reports(parts: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The book's report: the parts of the versions it holds, one after another."""
    out: dict[str, Any] = {"ledgers": {}, "problems": [], "sheets": []}
    for part in parts:
        out["ledgers"].update(part.get("ledgers") or {})
        out["problems"] += list(part.get("problems") or [])
        out["sheets"] += list(part.get("sheets") or [])
    return out


def ledger_order(keys: Sequence[str]) -> list[str]:
    """The registry's order (activities first), then any other key as given."""
    from ledgers.registry import LEDGERS

    known = [k for k in LEDGERS if k in keys]
    return known + [k for k in keys if k not in LEDGERS]
