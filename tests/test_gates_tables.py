"""#18 item 6: what st.dataframe's own "Download as CSV" writes cannot run as a formula."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from ui.tables import safe_frame

ROOT = Path(__file__).resolve().parents[1]

CELLS = [
    ('=HYPERLINK("http://evil.example","点我")', '\'=HYPERLINK("http://evil.example","点我")'),
    ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
    ("+1+1", "'+1+1"),
    ("-2+3", "'-2+3"),
    ("= 0", "= 0"),  # one number: nothing to run (the targets table's wording)
    ("-3", "-3"),
    ("= 3/3", "= 3/3"),
    ("=3/3+1", "'=3/3+1"),
    ("= 0 起", "= 0 起"),
    ("=1 或 =HYPERLINK(x)", "'=1 或 =HYPERLINK(x)"),
    ("@SUM(1,2)", "'@SUM(1,2)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("读书会", "读书会"),
    ("a=b", "a=b"),
    ("", ""),
]


@pytest.mark.parametrize("cell, shown", CELLS, ids=[repr(c[0]) for c in CELLS])
def test_a_text_cell_that_starts_a_formula_is_shown_as_text(cell, shown):
    frame = pd.DataFrame({"活动名称": [cell], "参与人数": [12]}, dtype=object)
    out = safe_frame(frame)
    assert out["活动名称"].tolist() == [shown] and out["参与人数"].tolist() == [12]
    assert frame["活动名称"].tolist() == [cell]  # the caller's frame is untouched


def test_numbers_dates_and_blanks_are_left_alone_and_names_are_neutralised():
    frame = pd.DataFrame({"=列": ["+x"], "n": [-5], "d": [pd.Timestamp("2026-01-05")], "b": [None]})
    out = safe_frame(frame)
    assert list(out.columns) == ["'=列", "n", "d", "b"]
    assert out.iloc[0].tolist() == ["'+x", -5, pd.Timestamp("2026-01-05"), None]


def test_every_table_shown_goes_through_the_one_helper():
    """A st.dataframe / st.data_editor / st.table call anywhere else would offer a raw CSV download."""
    offenders = []
    for path in [ROOT / "app.py", *sorted((ROOT / "ui").rglob("*.py")), *sorted((ROOT / "pages").rglob("*.py"))]:
        if path.name == "tables.py":
            continue
        if re.search(r"\bst\.(dataframe|data_editor|table)\(", path.read_text(encoding="utf-8")):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
