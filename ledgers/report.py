"""The import report: problems, per-sheet outcomes, unknown sheets."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from i18n import t

SEVERITIES = ("error", "warning", "info")


@dataclass
class Problem:
    file: str
    sheet: str | None
    row: int | None  # Excel row number as the user sees it (1-based)
    column: str | None  # canonical column name where known
    message: str  # plain Chinese, naming file, sheet, row and column
    severity: str  # "error" | "warning" | "info"
    code: str  # stable key, e.g. "bad_date"; i18n key is "reader." + code
    params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def text(self, lang: str = "zh") -> str:
        """The message in ``lang``; ``message`` is the Chinese one."""
        return render(lang, self.file, self.sheet, self.row, self.column, self.code, self.params)


def render(lang: str, file: str, sheet: str | None, row: int | None, column: str | None, code: str,
           params: dict[str, Any]) -> str:
    """A problem's message in ``lang``: where it is (file, sheet, row, column), then what is wrong."""
    loc = [t("reader.loc.file", lang, file=file)]
    if sheet:
        loc.append(t("reader.loc.sheet", lang, sheet=sheet))
    if code in _NAMES_ITS_PLACE:
        row = column = None
    if row is not None:
        loc.append(t("reader.loc.row", lang, row=row))
    if column:
        loc.append(t("reader.loc.column", lang, column=column))
    fields = dict(params)
    if "consequence" in fields:
        fields["consequence"] = t(f"reader.consequence.{fields['consequence']}", lang)
    sep = "" if lang == "zh" else ", "
    colon = "：" if lang == "zh" else ": "
    return sep.join(loc) + colon + t(_message_key(code, params), lang, **fields)


_NAMES_ITS_PLACE = {"merged_cells_filled"}  # the message names its rows and columns itself (第 2–3 行「位置」)


def _message_key(code: str, params: dict[str, Any]) -> str:
    """The i18n key of a problem; a header spanning two rows names both (表头在第 3–4 行)."""
    if code == "rows_above_header" and params.get("top", params.get("header")) != params.get("header"):
        return "reader.rows_above_header.two_rows"
    return f"reader.{code}"


@dataclass
class SheetReport:
    file: str
    sheet: str | None
    status: str  # loaded | headers_only | unknown | missing_required | empty | failed
    ledger: str | None = None  # ledger key
    ledger_name: str | None = None
    recognised_by: str | None = None  # sheet_name | file_name | headers | mapping
    hidden: bool = False
    header_row: int | None = None
    rows: int = 0  # rows loaded
    skipped: int = 0  # rows not loaded because a required value was unreadable
    dropped: int = 0  # blank, totals, notes and repeated-header rows

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class UnknownSheet:
    file: str
    sheet: str | None
    headers: list[str]
    signature: str
    header_row: int | None = None
    ledger_guess: str | None = None  # set when a ledger was named but its required columns are missing

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ImportReport:
    problems: list[Problem] = field(default_factory=list)
    sheets: list[SheetReport] = field(default_factory=list)
    unknown_sheets: list[UnknownSheet] = field(default_factory=list)

    @property
    def ledgers(self) -> dict[str, dict[str, Any]]:
        from ledgers.registry import LEDGERS

        out: dict[str, dict[str, Any]] = {}
        for sheet in self.sheets:
            if sheet.ledger and sheet.status in ("loaded", "headers_only"):
                entry = out.setdefault(LEDGERS[sheet.ledger].name,
                                       {"key": sheet.ledger, "rows": 0, "skipped": 0, "sheets": 0})
                entry["rows"] += sheet.rows
                entry["skipped"] += sheet.skipped
                entry["sheets"] += 1
        return out

    def counts(self) -> dict[str, int]:
        return {sev: sum(p.severity == sev for p in self.problems) for sev in SEVERITIES}

    def to_dict(self) -> dict[str, Any]:
        return {
            "ledgers": self.ledgers,
            "problems": [p.to_dict() for p in self.problems],
            "sheets": [s.to_dict() for s in self.sheets],
            "unknown_sheets": [u.to_dict() for u in self.unknown_sheets],
        }


@dataclass
class LoadResult:
    frames: dict[str, pd.DataFrame]
    report: ImportReport
