"""Column types of the ledger registry: each type owns its reader, its empty column, its template rules.

``ColumnType`` is a ``StrEnum`` (``ColumnType.DATE == "date"``), so a type reads as its name in
Contract 1 and in saved data. The yes/no words are defined here and nowhere else: the reader types
yes/no columns with them and the metrics read untyped yes/no text with ``parse_yes_no``.
Importing this module costs no pandas: the readers load ``ledgers.clean`` when first used.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from ledgers.report import Code

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from ledgers.clean import Column

# Compared after removing whitespace and lower-casing (NFKC is the reader's: ``clean.norm_text``).
YES_WORDS = frozenset({"是", "有", "√", "✓", "✔", "☑", "y", "yes", "1", "1.0", "true", "t", "已", "对", "ok"})
NO_WORDS = frozenset({"否", "无", "×", "✗", "✘", "x", "n", "no", "0", "0.0", "false", "f", "未", "没有", "没", "不",
                      "☐", "错"})
_SPACES = re.compile(r"\s+")


def parse_yes_no(text: str) -> bool | None:
    """A yes/no cell's text as True/False (None when it is neither): the words above, and a short
    phrase starting 已/有 (已参加) or 未/无/没 (未参加)."""
    k = _SPACES.sub("", text).lower()
    if not k:
        return None
    if k in YES_WORDS or (len(k) <= 6 and k[0] in "已有" and k not in NO_WORDS):
        return True
    if k in NO_WORDS or (len(k) <= 6 and k[0] in "未无没"):
        return False
    return None


@dataclass(frozen=True)
class Reading:
    """What a column type makes of one raw column, per distinct cell (``clean.Column``'s "ext" arrays)."""

    values: Any  # numpy, or an Arrow string array (text read by Arrow: ``clean.map_text_arrow``)
    bad: np.ndarray | None = None  # non-blank cells it cannot read (None: every cell is readable)
    na: np.ndarray | None = None  # yes/no: the mask of the nullable boolean
    points: np.ndarray | None = None  # percent: bare numbers read as percentage points (85 -> 0.85)


class ColumnType(StrEnum):
    DATE = "date"
    TEXT = "text"
    INT = "int"
    NUMBER = "number"
    PERCENT = "percent"
    CATEGORY = "category"
    YESNO = "yesno"

    @property
    def label_zh(self) -> str:
        return _RULES[self].label_zh

    @property
    def hint_zh(self) -> str:
        """How to fill a cell of this type (the template's header comment), or ""."""
        return _RULES[self].hint_zh

    @property
    def bad_code(self) -> Code | None:
        """The problem code of a cell this type cannot read (None: every cell is readable)."""
        return _RULES[self].bad_code

    @property
    def numeric(self) -> bool:
        return _RULES[self].dtype == "float"

    @property
    def dtype(self) -> str:
        """The pandas dtype of this type's column in a ledger frame (Contract 1)."""
        return _RULES[self].dtype

    @property
    def cell_format(self) -> str | None:
        """The template's cell format: "date", "percent", "text" or None (General)."""
        return _RULES[self].cell_format

    def read(self, col: Column, categories: dict[str, tuple[str, ...]] | None = None) -> Reading:
        """Type a raw column (text columns are read by the sheet: they may need masking)."""
        return _RULES[self].reader(col, categories or {})

    def empty(self, n: int) -> pd.Series:
        """An all-blank column of ``n`` rows of this type (an optional column the sheet lacks)."""
        import numpy as np
        import pandas as pd

        blank = {"datetime64[ns]": pd.NaT, "float": np.nan, "boolean": pd.NA}.get(self.dtype)
        if blank is None:
            return pd.Series([None] * n, dtype=object)
        return pd.Series(blank, index=range(n), dtype=self.dtype)

    def validation(self, name: str, categories: dict[str, tuple[str, ...]]) -> dict[str, Any] | None:
        """The template's data validation of a column of this type (xlsxwriter's options), or None."""
        return _RULES[self].validation(name, categories)


# --- readers (``ledgers.clean`` is loaded on first use) -------------------------------------------

def _read_date(col: Column, _categories: dict[str, tuple[str, ...]]) -> Reading:
    from ledgers import clean

    values, bad = clean.date_ext(col)
    return Reading(values, bad)


def _number_reader(percent: bool) -> Callable[[Column, dict[str, tuple[str, ...]]], Reading]:
    def read(col: Column, _categories: dict[str, tuple[str, ...]]) -> Reading:
        from ledgers import clean

        values, bad, points = clean.number_ext(col, percent=percent)
        return Reading(values, bad, points=points)

    return read


def _read_yesno(col: Column, _categories: dict[str, tuple[str, ...]]) -> Reading:
    from ledgers import clean

    values, na, bad = clean.yesno_ext(col)
    return Reading(values, bad, na=na)


def _read_category(col: Column, categories: dict[str, tuple[str, ...]]) -> Reading:
    from ledgers import clean

    values, bad = clean.category_ext(col, categories)
    return Reading(values, bad)


def _read_text(col: Column, _categories: dict[str, tuple[str, ...]]) -> Reading:
    """Free text (a 描述 may name a resident's phone) with IDs and mobile numbers masked; personal
    columns are read by ``ledgers.sheet`` instead (masked and keyed)."""
    from ledgers import clean, privacy

    def scrubbed() -> Any:
        # a long text column read by fastexcel stays an Arrow array (to the parent as it is)
        arrow = clean.map_text_arrow(col, privacy.scrub_text, privacy.SCRUB_NEEDS)
        if arrow is not None:
            return arrow
        # the Arrow twin of a text column's text serves its text_ext too (blank "" for None: never a match)
        twin = col.text_arrow if (col.kind[:-1] == "s").all() else None
        return clean.map_ext(clean.text_ext(col), privacy.scrub_text, pre=privacy.SCRUB_NEEDS, strings=twin)

    return Reading(col.memo("scrubbed", scrubbed))


# --- template validations ---------------------------------------------------------------------------

def _no_validation(_name: str, _categories: dict[str, tuple[str, ...]]) -> None:
    return None


def _date_validation(_name: str, _categories: dict[str, tuple[str, ...]]) -> dict[str, Any]:
    import datetime as dt

    return {"validate": "date", "criteria": "between", "minimum": dt.date(1950, 1, 1),
            "maximum": dt.date(2099, 12, 31), "error_type": "warning", "error_message": "请填写日期，如 2026-03-05"}


def _number_validation(_name: str, _categories: dict[str, tuple[str, ...]]) -> dict[str, Any]:
    return {"validate": "decimal", "criteria": ">=", "value": 0, "error_type": "warning",
            "error_message": "请填写数字"}


def _yesno_validation(_name: str, _categories: dict[str, tuple[str, ...]]) -> dict[str, Any]:
    return {"validate": "list", "source": ["是", "否"]}


def _category_validation(name: str, categories: dict[str, tuple[str, ...]]) -> dict[str, Any] | None:
    if not categories:
        return None
    return {"validate": "list", "source": list(categories), "error_type": "warning", "error_title": name,
            "error_message": "不在可选类别中，请从下拉列表选择"}


@dataclass(frozen=True)
class _Rules:
    label_zh: str
    dtype: str
    reader: Callable[[Column, dict[str, tuple[str, ...]]], Reading]
    bad_code: Code | None = None
    hint_zh: str = ""
    cell_format: str | None = None
    validation: Callable[[str, dict[str, tuple[str, ...]]], dict[str, Any] | None] = _no_validation


_RULES: dict[ColumnType, _Rules] = {
    ColumnType.DATE: _Rules(
        label_zh="日期", dtype="datetime64[ns]", reader=_read_date, bad_code=Code.BAD_DATE, cell_format="date",
        hint_zh="日期写法：2026-03-05、2026/3/5、2026.3.5、2026年3月5日、2026年3月", validation=_date_validation),
    ColumnType.TEXT: _Rules(label_zh="文字", dtype="object", reader=_read_text, cell_format="text"),
    ColumnType.INT: _Rules(label_zh="整数", dtype="float", reader=_number_reader(False), bad_code=Code.BAD_NUMBER,
                           validation=_number_validation),
    ColumnType.NUMBER: _Rules(label_zh="数值", dtype="float", reader=_number_reader(False),
                              bad_code=Code.BAD_NUMBER, validation=_number_validation),
    ColumnType.PERCENT: _Rules(label_zh="百分比", dtype="float", reader=_number_reader(True), bad_code=Code.BAD_NUMBER,
                               hint_zh="填 85% 或 0.85", cell_format="percent", validation=_number_validation),
    ColumnType.CATEGORY: _Rules(label_zh="类别", dtype="object", reader=_read_category, bad_code=Code.UNKNOWN_CATEGORY,
                                validation=_category_validation),
    ColumnType.YESNO: _Rules(label_zh="是/否", dtype="boolean", reader=_read_yesno, bad_code=Code.BAD_YESNO,
                             hint_zh="填 是/否（也认 有/无、√/×、Y/N、1/0、已/未）", validation=_yesno_validation),
}
