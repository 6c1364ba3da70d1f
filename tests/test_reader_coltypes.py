"""Column types: the one yes/no word list, empty columns per type, specs refusing unknown types."""

from __future__ import annotations

import pytest

from ledgers.coltypes import NO_WORDS, YES_WORDS, ColumnType, parse_yes_no
from ledgers.registry import LEDGERS, ColumnSpec


@pytest.mark.parametrize("text, expected", [
    ("是", True), ("有", True), ("√", True), ("Y", True), ("Yes", True), ("1.0", True), (" TRUE ", True),
    ("已参加", True), ("有 党小组", True), ("OK", True),
    ("否", False), ("无", False), ("×", False), ("N", False), ("No", False), ("0", False), ("False", False),
    ("未参加", False), ("没有", False), ("无人", False),
    ("也许", None), ("", None), ("已经很久很久了吧", None),
])
def test_parse_yes_no(text, expected):
    assert parse_yes_no(text) is expected


def test_yes_and_no_words_do_not_overlap():
    # the metrics' former lists (targets' 启用 off-words, context's yes-words) are contained in these
    assert not YES_WORDS & NO_WORDS
    assert {"是", "有", "√", "✓", "✔", "y", "yes", "1", "1.0", "true", "已", "t"} <= YES_WORDS
    assert {"否", "无", "×", "✗", "n", "no", "0", "0.0", "false", "未"} <= NO_WORDS


@pytest.mark.parametrize("type_, dtype", [
    (ColumnType.DATE, "datetime64[ns]"), (ColumnType.INT, "float64"), (ColumnType.NUMBER, "float64"),
    (ColumnType.PERCENT, "float64"), (ColumnType.YESNO, "boolean"), (ColumnType.TEXT, "object"),
    (ColumnType.CATEGORY, "object"),
])
def test_empty_column_per_type(type_, dtype):
    series = type_.empty(3)
    assert str(series.dtype) == dtype and len(series) == 3 and series.isna().all()


def test_spec_takes_a_type_name_and_refuses_an_unknown_one():
    # the registry's type is a ColumnType; a name is turned into one at run time, and these calls
    # check that, so they pass what the type does not allow
    assert ColumnSpec(name="日期", type="date").type is ColumnType.DATE  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown column type"):
        ColumnSpec(name="日期", type="datum")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ColumnSpec("日期", ColumnType.DATE)  # type: ignore[call-arg]  # keyword arguments only


def test_every_registry_column_has_a_type():
    types = {col.type for spec in LEDGERS.values() for col in spec.columns}
    assert types == set(ColumnType)
