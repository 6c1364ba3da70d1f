"""The import report: problems that render themselves, per-sheet outcomes, unknown sheets.

The reader (in its child process) records what went wrong as a code and parameters, never as text;
``Problem.text(lang, with_place=…)`` words it, on whichever surface shows it (screen, PDF, CLI, log).
``flatten`` turns a report, or its dict form, into the problems in one order for every surface.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


def _t(key: str, lang: str, **fields: Any) -> str:
    """The catalogue's text filled in, always (a template missing its fields raises KeyError)."""
    from i18n import CATALOGUE  # loaded where problems are worded: the parent, never the parsing child

    zh, en = CATALOGUE[key]
    return (en if lang == "en" else zh).format(**fields)


class Severity(StrEnum):
    """How much a problem matters; ``Severity.ERROR == "error"`` (the dict form keeps the string)."""

    ERROR = "error"  # something was not loaded
    WARNING = "warning"  # loaded, but read in a way the user should check
    INFO = "info"  # handled; nothing to do

    @property
    def order(self) -> int:
        return list(Severity).index(self)

    @property
    def icon(self) -> str:
        return {"error": "✖", "warning": "▲", "info": "ℹ"}[self.value]

    def word(self, lang: str = "zh") -> str:
        return _t(f"reader.severity.{self.value}", lang)

    def label(self, lang: str = "zh") -> str:
        """Icon and word: ✖ 错误."""
        return f"{self.icon} {self.word(lang)}"

    @classmethod
    def of(cls, value: Any) -> Severity:
        """The severity named by ``value``; an unknown or missing one counts as a note."""
        try:
            return cls(value)
        except ValueError:
            return cls.INFO


class Category(StrEnum):
    """What a problem is about (as pandera's error reasons): the reader's codes fall in six groups."""

    FILE = "file"  # the file as a whole: refused, unreadable, empty
    SHEET = "sheet"  # a sheet: which ledger it is, or why it was left out
    HEADER = "header"  # the header rows and the columns under them
    ROWS = "rows"  # rows that are not records (blank, totals, notes, repeated headers)
    VALUE = "value"  # one cell's value
    PERSONAL = "personal"  # an ID or phone number that looks wrong


class Code(StrEnum):
    """Every problem the reader reports; ``i18n/reader.py`` words each as ``reader.<code>``."""

    FILE_EMPTY = "file_empty"
    FILE_ENCRYPTED = "file_encrypted"
    NOT_SPREADSHEET = "not_spreadsheet"
    BAD_EXTENSION = "bad_extension"
    ZIP_TRUNCATED = "zip_truncated"
    ZIP_BOMB = "zip_bomb"
    ZIP_RATIO = "zip_ratio"
    XML_UNSAFE = "xml_unsafe"
    SHEET_TOO_LARGE = "sheet_too_large"
    PARSE_FAILED = "parse_failed"
    PARSE_CRASHED = "parse_crashed"
    OUT_OF_MEMORY = "out_of_memory"
    PARSE_TIMEOUT = "parse_timeout"
    CSV_ENCODING = "csv_encoding"
    CSV_TOO_WIDE = "csv_too_wide"
    CSV_TOO_LARGE = "csv_too_large"
    CSV_FIELD_TOO_LONG = "csv_field_too_long"
    CSV_UNCLOSED_QUOTE = "csv_unclosed_quote"
    WORKBOOK_EMPTY = "workbook_empty"
    SHEET_EMPTY = "sheet_empty"
    HEADERS_ONLY = "headers_only"
    SHEET_HIDDEN = "sheet_hidden"
    SHEET_UNKNOWN = "sheet_unknown"
    MISSING_REQUIRED = "missing_required"
    MAPPING_APPLIED = "mapping_applied"
    ROWS_ABOVE_HEADER = "rows_above_header"
    DUPLICATE_COLUMN = "duplicate_column"
    UNNAMED_COLUMN = "unnamed_column"
    PII_EXTRA_COLUMN = "pii_extra_column"
    PII_EXTRA_COLUMN_CONTENT = "pii_extra_column_content"
    BLANK_ROWS = "blank_rows"
    TOTAL_ROW = "total_row"
    NOTE_ROW = "note_row"
    REPEATED_HEADER = "repeated_header"
    MERGED_CELLS_FILLED = "merged_cells_filled"
    MORE_SAME = "more_same"
    REQUIRED_BLANK = "required_blank"
    BAD_DATE = "bad_date"
    BAD_NUMBER = "bad_number"
    BAD_YESNO = "bad_yesno"
    UNKNOWN_CATEGORY = "unknown_category"
    FORMULA_NO_VALUE = "formula_no_value"
    PERCENT_POINTS = "percent_points"
    ID_LOST_DIGITS = "id_lost_digits"
    ID_CHECKSUM = "id_checksum"
    ID_LOWERCASE_X = "id_lowercase_x"
    ID_LENGTH = "id_length"
    PHONE_LENGTH = "phone_length"

    @property
    def category(self) -> Category:
        return _CATEGORY[self]

    @property
    def key(self) -> str:
        """The i18n key of the message template."""
        return f"reader.{self.value}"


_C = Code
_CATEGORY: dict[Code, Category] = {
    **dict.fromkeys((_C.FILE_EMPTY, _C.FILE_ENCRYPTED, _C.NOT_SPREADSHEET, _C.BAD_EXTENSION, _C.ZIP_TRUNCATED,
                     _C.ZIP_BOMB, _C.ZIP_RATIO, _C.XML_UNSAFE, _C.SHEET_TOO_LARGE, _C.PARSE_FAILED,
                     _C.PARSE_CRASHED, _C.OUT_OF_MEMORY, _C.PARSE_TIMEOUT, _C.CSV_ENCODING, _C.CSV_TOO_WIDE,
                     _C.CSV_TOO_LARGE, _C.CSV_FIELD_TOO_LONG, _C.WORKBOOK_EMPTY), Category.FILE),
    **dict.fromkeys((_C.SHEET_EMPTY, _C.HEADERS_ONLY, _C.SHEET_HIDDEN, _C.SHEET_UNKNOWN, _C.MISSING_REQUIRED,
                     _C.MAPPING_APPLIED), Category.SHEET),
    **dict.fromkeys((_C.ROWS_ABOVE_HEADER, _C.DUPLICATE_COLUMN, _C.UNNAMED_COLUMN, _C.PII_EXTRA_COLUMN,
                     _C.PII_EXTRA_COLUMN_CONTENT), Category.HEADER),
    **dict.fromkeys((_C.CSV_UNCLOSED_QUOTE, _C.BLANK_ROWS, _C.TOTAL_ROW, _C.NOTE_ROW, _C.REPEATED_HEADER,
                     _C.MERGED_CELLS_FILLED, _C.MORE_SAME), Category.ROWS),
    **dict.fromkeys((_C.REQUIRED_BLANK, _C.BAD_DATE, _C.BAD_NUMBER, _C.BAD_YESNO, _C.UNKNOWN_CATEGORY,
                     _C.FORMULA_NO_VALUE, _C.PERCENT_POINTS), Category.VALUE),
    **dict.fromkeys((_C.ID_LOST_DIGITS, _C.ID_CHECKSUM, _C.ID_LOWERCASE_X, _C.ID_LENGTH, _C.PHONE_LENGTH),
                    Category.PERSONAL),
}
_CODES = {c.value: c for c in Code}
# codes whose message names its rows and columns itself (第 2–3 行「位置」): no row/column prefix
_NAMES_ITS_PLACE = {Code.MERGED_CELLS_FILLED}


@dataclass
class Problem:
    file: str
    sheet: str | None
    row: int | None  # Excel row number as the user sees it (1-based)
    column: str | None  # canonical column name where known
    severity: Severity
    code: str  # a Code (stable, e.g. "bad_date"; its i18n key is "reader." + code), or an unknown one read back
    params: dict[str, Any] = field(default_factory=dict)
    fallback: str = ""  # a message given as text (old saved reports): shown when the code cannot be worded

    def __post_init__(self) -> None:
        self.severity = Severity.of(self.severity)
        self.code = _CODES.get(self.code, self.code)

    @property
    def category(self) -> Category | None:
        """What the problem is about; None for a code this version does not know (an old saved report)."""
        return self.code.category if isinstance(self.code, Code) else None

    @property
    def message(self) -> str:
        """The Chinese message, naming file, sheet, row and column."""
        return self.text("zh")

    def text(self, lang: str = "zh", *, with_place: bool = True) -> str:
        """The message in ``lang``: where it is (file, sheet, row, column) unless ``with_place`` is
        False (a table showing the place in columns of its own), then what is wrong."""
        what = self._what(lang)
        if what is None:  # a message kept as text: its place, if it names one, goes with the place
            head, sep, rest = self.fallback.partition("：")
            return rest.strip() if sep and not with_place and self.file and self.file in head else self.fallback
        if not with_place:
            return what
        return ("" if lang == "zh" else ", ").join(self.place(lang)) + ("：" if lang == "zh" else ": ") + what

    def place(self, lang: str = "zh") -> list[str]:
        """文件「…」, 工作表「…」, 第 n 行, 「…」列 — as far as they are known."""
        loc = [_t("reader.loc.file", lang, file=self.file)]
        if self.sheet:
            loc.append(_t("reader.loc.sheet", lang, sheet=self.sheet))
        if self.code not in _NAMES_ITS_PLACE:
            if self.row is not None:
                loc.append(_t("reader.loc.row", lang, row=self.row))
            if self.column:
                loc.append(_t("reader.loc.column", lang, column=self.column))
        return loc

    def _what(self, lang: str) -> str | None:
        fields = dict(self.params)
        with contextlib.suppress(KeyError, IndexError, ValueError):
            if "consequence" in fields:
                fields["consequence"] = _t(f"reader.consequence.{fields['consequence']}", lang)
            return _t(self._message_key(), lang, **fields)
        return None

    def _message_key(self) -> str:
        """The i18n key of the message; a header spanning two rows names both (表头在第 3–4 行)."""
        if self.code == Code.ROWS_ABOVE_HEADER and self.params.get("top", self.params.get("header")) != \
                self.params.get("header"):
            return "reader.rows_above_header.two_rows"
        return self.code.key if isinstance(self.code, Code) else f"reader.{self.code}"

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["severity"], out["code"] = self.severity.value, str(self.code)
        out["message"] = self.message
        del out["fallback"]
        return out

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Problem:
        """A problem from its dict form (a report kept in the session or the store)."""
        return cls(file=str(d.get("file") or ""), sheet=d.get("sheet"), row=d.get("row"), column=d.get("column"),
                   severity=Severity.of(d.get("severity")), code=str(d.get("code") or ""),
                   params=dict(d.get("params") or {}), fallback=str(d.get("message") or ""))

    def sort_key(self) -> tuple[str, str, int, int]:
        return (self.file, self.sheet or "", self.row if isinstance(self.row, int) else 0, self.severity.order)


def flatten(report: ImportReport | Mapping[str, Any] | None) -> list[Problem]:
    """Every problem of a report (or of its dict form), by file, sheet, row, then severity: the one
    list the screen, the PDF and the CLI show."""
    if report is None:
        return []
    items: Iterable[Any] = report.problems if isinstance(report, ImportReport) else report.get("problems") or []
    problems = [p if isinstance(p, Problem) else Problem.from_dict(p) for p in items]
    return sorted(problems, key=Problem.sort_key)


def count_by_severity(problems: Iterable[Problem]) -> dict[str, int]:
    counts = dict.fromkeys((s.value for s in Severity), 0)
    for p in problems:
        counts[p.severity.value] += 1
    return counts


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
        return count_by_severity(self.problems)

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
