"""Plain records the store hands out: snapshots, targets, action items, and the store's error."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from enum import Enum
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

# The engine owns TargetSetting; the store hands out the same class so compute_all(targets=...) takes it.
from metrics.engine import TargetSetting as TargetSetting


class ReportLike(Protocol):
    """An import report the store keeps as JSON (``ledgers.report.ImportReport`` is one)."""

    def to_dict(self) -> dict[str, Any]: ...


class LoadedLedgers(Protocol):
    """What the store keeps of an upload: the reader's ``LoadResult`` has this shape."""

    @property
    def frames(self) -> Mapping[str, pd.DataFrame]: ...

    @property
    def report(self) -> ReportLike | Mapping[str, Any] | None: ...


class NamedBytes(Protocol):
    """A file by name and content (``ledgers.reader.SourceFile`` is one)."""

    @property
    def name(self) -> str: ...

    @property
    def data(self) -> bytes: ...


# An uploaded file as the store is handed it: (name, bytes), a path on disk, or a named file.
UploadedFile = tuple[str, bytes] | Path | NamedBytes

# China has had no daylight saving since 1991, so a fixed offset is exact and needs no tzdata.
SHANGHAI = timezone(timedelta(hours=8), "CST")


class StoreError(Exception):
    """A refusal the user can read: ``key`` is an i18n key of ``i18n/store.py``, ``fields`` fill it."""

    def __init__(self, key: str, **fields: object) -> None:
        super().__init__(key, fields)
        self.key = key
        self.fields = fields

    def __str__(self) -> str:
        return f"{self.key} {self.fields}" if self.fields else self.key


@dataclass(frozen=True)
class FileInfo:
    """One uploaded file as remembered: its name, size and SHA-256 (the bytes are not kept)."""

    name: str
    sha256: str
    size: int


class SnapshotKind(Enum):
    """How a snapshot came to be: an upload kept whole (schema 1, and ``save_snapshot``), the book
    frozen by the button, or the book frozen when the meeting view opened in a new month."""

    UPLOAD = "upload"
    BOOK = "book"
    MEETING = "meeting"

    @property
    def whole_upload(self) -> bool:
        """It keeps the upload's own import report (a book freeze merges its versions' reports)."""
        return self is SnapshotKind.UPLOAD

    @property
    def once_a_month(self) -> bool:
        return self is SnapshotKind.MEETING


@dataclass(frozen=True)
class SnapshotInfo:
    """One kept upload. ``duplicate`` is True when ``save_snapshot`` found it already stored."""

    id: int
    created_at: datetime  # aware, Shanghai time
    label: str | None
    files: tuple[FileInfo, ...]
    rows: dict[str, int] = field(hash=False)  # ledger key -> rows kept
    problems: int = 0  # problems in the import report
    duplicate: bool = False
    remasked: int = 0  # PII values the store had to mask again (0 when the reader did its job)
    kind: SnapshotKind = SnapshotKind.UPLOAD

    # A SnapshotInfo stands in for its id wherever an int is wanted (Contract 4 promised an id).
    def __int__(self) -> int:
        return self.id

    def __index__(self) -> int:
        return self.id


@dataclass(frozen=True)
class TargetRecord:
    """A stored target override with the time it was last changed."""

    metric_id: str
    value: float | None
    enabled: bool
    updated_at: datetime


ACTION_STATUSES = ("open", "done")


@dataclass(frozen=True)
class ActionItem:
    """A 督办事项 agreed in a meeting. ``overdue`` is relative to the as-of date it was read with."""

    id: int
    metric_id: str
    what: str
    who: str
    due: date
    meeting_date: date
    status: str  # "open" | "done"
    created_at: datetime
    done_at: datetime | None
    overdue: bool
