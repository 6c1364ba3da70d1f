"""Tables a user can see are tables a user can download (st.dataframe's own "Download as CSV"), and a
spreadsheet opening that CSV runs any cell starting with = + - @ as a formula (=HYPERLINK(…),
=cmd|' /C calc'!A0). Every frame shown goes through ``show_table``: text cells and column names that
start like a formula get a leading ' (shown, and kept as text by the spreadsheet)."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# What follows = + or - is inert when it holds no ASCII letter, bracket, quote or second operator:
# "= 0", "-3", "+5%", "= 3/3", "= 0 起" (the targets table's own words) can only be shown, while
# =HYPERLINK(…), =cmd|…, +1+1 and -2+3 still get their quote.
_INERT = re.compile(r"[=+-]\s?-?[\d\s./%\u0080-\U0010ffff]*\d[\d\s./%\u0080-\U0010ffff]*")


def neutralise(value: Any) -> Any:
    """``value`` with a leading ' when it is text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _INERT.fullmatch(value):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names cannot start a formula; numbers, dates
    and the caller's frame are left alone."""
    out = frame.rename(columns=neutralise) if any(isinstance(c, str) and c.startswith(FORMULA_START)
                                                   for c in frame.columns) else frame.copy(deep=False)
    for pos in range(out.shape[1]):
        col = out.iloc[:, pos]
        if col.dtype == object or isinstance(col.dtype, pd.StringDtype):
            values = [neutralise(v) for v in col.tolist()]
            out.isetitem(pos, pd.Series(values, index=col.index, dtype=col.dtype).to_numpy())
    return out


def show_table(frame: pd.DataFrame, **kwargs: Any) -> Any:
    """``st.dataframe`` of ``safe_frame(frame)``: what the built-in CSV download writes is inert. Returns
    what ``st.dataframe`` returns (the selection state when ``on_select`` is given)."""
    import streamlit as st

    return st.dataframe(safe_frame(frame), **kwargs)
