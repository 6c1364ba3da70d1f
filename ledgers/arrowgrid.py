"""A worksheet as fastexcel reads it: one Arrow string array per column, the cells as calamine's text.

fastexcel (calamine in Rust, straight to Arrow) gives every cell of a sheet read with
``dtypes="string"`` as text, without a Python object per cell. The reader wants the cell values
python-calamine gives (str, float, bool, date, datetime, time), because a real Excel date and the
text ``2026.3.5`` are reported differently, and an ID stored as a number has lost digits. Those come
back from the text per *distinct* value: calamine writes a number as ``12`` / ``12.5`` (no exponent,
no leading or trailing zeros), a boolean as ``true`` / ``false`` and a date as ``2026-03-05 00:00:00``;
anything else was text. Only where that rendering is ambiguous in a way that matters — a number of 16
or more digits that a text cell could hold too (a resident ID) — does ``ambiguous`` say so, and the
reader reads that sheet with python-calamine instead.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

# how calamine writes a float: no exponent, no padding; 16+ digits are told apart by ``ambiguous``
_NUMBER_RE = r"^-?(?:0|[1-9]\d{0,14})(?:\.\d*[1-9])?$"
_DATETIME_RE = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)?$"
_LONG_DIGITS_RE = r"^-?\d{16,}$"
_BOOLS = pa.array(["true", "false"])
_MAYBE_RE = r"^(?:-?\d|true$|false$)"  # every text _NUMBER_RE, _DATETIME_RE or _BOOLS matches begins so
# the same for Python's re, for a few values (ASCII digits only, as RE2's \d; fullmatch, not $)
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]*[1-9])?")
_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?")
FEW = 2048  # below this many candidates, Python's loop beats a dozen Arrow calls' fixed cost


def as_strings(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr if pa.types.is_string(arr.type) else arr.cast(pa.string())


def decode(strings: pa.Array, texts: list[str | None] | None = None) -> np.ndarray:
    """The cells behind calamine's texts (an object array; None where null), one pass per kind;
    ``texts``: ``strings.to_pylist()`` when the caller has it already."""
    strings = as_strings(strings)
    out = np.empty(len(strings), dtype=object)
    out[:] = strings.to_pylist() if texts is None else texts
    if len(strings) <= FEW:
        _decode_few(out, range(len(out)))
        return out
    # one pass for what could be calamine's text of a number, boolean or date; most text columns stop here
    maybe = pc.fill_null(pc.match_substring_regex(strings, _MAYBE_RE), False)
    if not pc.any(maybe).as_py():
        return out
    candidates = np.flatnonzero(maybe.to_numpy(zero_copy_only=False))
    if len(candidates) <= FEW:
        _decode_few(out, candidates.tolist())
        return out
    number = pc.fill_null(pc.match_substring_regex(strings, _NUMBER_RE), False)
    if pc.any(number).as_py():
        idx = np.flatnonzero(number.to_numpy(zero_copy_only=False))
        out[idx] = pc.cast(strings.filter(number), pa.float64()).to_pylist()
    boolean = pc.fill_null(pc.is_in(strings, value_set=_BOOLS), False)
    if pc.any(boolean).as_py():
        idx = np.flatnonzero(boolean.to_numpy(zero_copy_only=False))
        out[idx] = [v == "true" for v in out[idx]]
    when = pc.fill_null(pc.match_substring_regex(strings, _DATETIME_RE), False)
    if pc.any(when).as_py():
        idx = np.flatnonzero(when.to_numpy(zero_copy_only=False))
        out[idx] = [_moment(v) for v in out[idx]]
    return out


def _decode_few(out: np.ndarray, where: Any) -> None:
    """``decode`` in place for the entries ``where``, one by one."""
    for i in where:
        v = out[i]
        if v is None:
            continue
        if _NUMBER.fullmatch(v):
            out[i] = float(v)
        elif v == "true" or v == "false":
            out[i] = v == "true"
        elif _DATETIME.fullmatch(v):
            out[i] = _moment(v)


def _moment(text: str) -> Any:
    """calamine's value of a date cell: a date at midnight, a time on its own before day 1, else a datetime."""
    stamp = dt.datetime.fromisoformat(text)
    if stamp.date() <= dt.date(1899, 12, 31) and stamp.date() >= dt.date(1899, 12, 30):
        return stamp.time()
    if stamp.time() == dt.time(0):
        return stamp.date()
    return stamp


def ambiguous(strings: pa.Array) -> bool:
    """Whether a long number here could have been a text cell or a number cell: a float of 16+
    digits is written out in full, the same as a text ID with the same digits."""
    strings = as_strings(strings)
    long = pc.fill_null(pc.match_substring_regex(strings, _LONG_DIGITS_RE), False)
    if not pc.any(long).as_py():
        return False
    return any(int(float(v)) == int(v) for v in set(strings.filter(long).to_pylist()))


@dataclass
class ArrowGrid:
    """A sheet's cells from fastexcel: ``columns`` by 0-based sheet column (absent: empty), each an
    Arrow string array whose first element is sheet row ``top`` (0-based); ``height`` rows in all."""

    columns: dict[int, pa.Array]
    top: int
    height: int

    @property
    def width(self) -> int:
        return max(self.columns, default=-1) + 1

    def __len__(self) -> int:
        """Grid rows from A1, as python-calamine gives them (up to the last row with a value)."""
        return self.top + self.height if self.height else 0

    def column(self, j: int, start: int) -> pa.Array:
        """Sheet column ``j`` from 0-based sheet row ``start`` to the end of the grid."""
        n = max(len(self) - start, 0)
        arr = self.columns.get(j)
        if arr is None:
            return pa.nulls(n, pa.string())
        if start >= self.top:
            return arr.slice(start - self.top)
        pad = pa.nulls(min(self.top - start, n), pa.string())
        return pa.concat_arrays([pad, arr]) if n > len(pad) else pad

    def head(self, n: int) -> list[list[Any]]:
        """The first ``n`` grid rows, cells decoded, ``width`` wide (None where empty)."""
        rows = min(n, len(self))
        width = self.width
        grid: list[list[Any]] = [[None] * width for _ in range(rows)]
        for j in self.columns:
            for i, v in enumerate(decode(self.column(j, 0).slice(0, rows))):
                grid[i][j] = v
        return grid

    def has_data(self) -> bool:
        """Any cell holding more than whitespace."""
        for arr in self.columns.values():
            if pc.any(pc.fill_null(pc.not_equal(pc.utf8_trim_whitespace(arr), ""), False)).as_py():
                return True
        return False
