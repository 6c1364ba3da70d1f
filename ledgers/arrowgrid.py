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
import functools
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

# how calamine writes a float: no exponent, no padding; 16+ digits are told apart by ``ambiguous``
_NUMBER_RE = r"^-?(?:0|[1-9]\d{0,14})(?:\.\d*[1-9])?$"
_DATETIME_RE = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)?$"
_LONG_DIGITS_RE = r"^-?\d{16,}$"
# the same for Python's re, for a few values (ASCII digits only, as RE2's \d; fullmatch, not $)
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]*[1-9])?")
_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?")
FEW = 2048  # below this many candidates, Python's loop beats a dozen Arrow calls' fixed cost


@functools.cache
def _bools() -> pa.Array:
    return pa.array(["true", "false"], type=pa.string())


def arrow_without_pandas() -> None:
    """For a process that reads without pandas (the reader's child): pyarrow probes for pandas the
    first time it converts Python or numpy values (``pa.array``, ``pa.scalar``) and imports it when
    installed (~0.2 s, ~50 MB). Here that probe finds none, so converting the child's numpy arrays
    and lists never loads pandas; a later ``import pandas`` still works (and pyarrow's
    ``to_pandas`` finds it). Nothing when pandas is loaded already: run before any conversion."""
    if "pandas" in sys.modules:
        return
    sys.meta_path.insert(0, _NoPandas)  # import pandas -> ImportError, this once
    try:
        pa.array([], type=pa.string())
    finally:
        sys.meta_path.remove(_NoPandas)


class _NoPandas:
    """A meta path finder that refuses pandas (``arrow_without_pandas``)."""

    @staticmethod
    def find_spec(name: str, *_args: Any) -> None:
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError(name)


def flags(mask: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A boolean Arrow array as numpy bools, null as False. Read from its bitmap: pyarrow's own
    ``to_numpy`` goes through its pandas conversion, which loads pandas."""
    if isinstance(mask, pa.ChunkedArray):
        mask = mask.combine_chunks()
    if mask.null_count:
        mask = pc.fill_null(mask, False)
    n, offset = len(mask), mask.offset
    if n == 0:
        return np.zeros(0, dtype=bool)
    bits = np.unpackbits(np.frombuffer(mask.buffers()[1], dtype=np.uint8), count=offset + n, bitorder="little")
    return bits[offset:].astype(bool)


def numbers(arr: pa.Array | pa.ChunkedArray, fill: int | float = 0) -> np.ndarray:
    """A numeric Arrow array as numpy (null as ``fill``), read from its buffer (see ``flags``)."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if not (pa.types.is_integer(arr.type) or pa.types.is_floating(arr.type)):
        raise TypeError(f"not a numeric Arrow array: {arr.type}")
    if arr.null_count:
        arr = pc.fill_null(arr, fill)
    dtype = np.dtype(arr.type.to_pandas_dtype())
    if len(arr) == 0:
        return np.zeros(0, dtype=dtype)
    return np.frombuffer(arr.buffers()[1], dtype=dtype, count=len(arr), offset=arr.offset * dtype.itemsize).copy()


def as_strings(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr if pa.types.is_string(arr.type) else arr.cast(pa.string())


def decode(strings: pa.Array, texts: list[str | None] | None = None) -> np.ndarray:
    """The cells behind calamine's texts (an object array; None where null), one pass per kind;
    ``texts``: ``strings.to_pylist()`` when the caller has it already."""
    return decode_kinds(strings, texts)[0]


def decode_kinds(strings: pa.Array, texts: list[str | None] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``decode``, and the kind of each cell as ``ledgers.clean.Column`` names them ("s" text, "f"
    number, "b" boolean, "d" date or datetime, "t" time, "n" none), told by the pass that decoded it."""
    kinds, cells = classify(strings)
    return cells(texts), kinds


def classify(strings: pa.Array) -> tuple[np.ndarray, Callable[[list[str | None] | None], np.ndarray]]:
    """The kind of each cell behind calamine's texts (see ``decode_kinds``), and a function that
    makes the cells themselves (given ``strings.to_pylist()`` when the caller has it), for callers
    that may never need them: a column of 120k phones is typed by its kinds and texts alone."""
    strings = as_strings(strings)
    kinds = np.full(len(strings), "s", dtype="<U1")
    if strings.null_count:
        kinds[flags(strings.is_null())] = "n"
    # what could be calamine's text of a number, boolean or date begins with "-", a digit, "t" or
    # "f": told by each text's first byte (numpy on Arrow's buffers), and most text columns stop here
    candidates = np.flatnonzero(np.isin(_first_bytes(strings), _MAYBE_FIRST))
    if len(candidates) <= FEW:  # one by one in Python
        return kinds, _classify_few(strings, kinds, candidates)
    sub = strings.take(pa.array(candidates))
    number = flags(pc.match_substring_regex(sub, _NUMBER_RE))
    numbers_at = candidates[number]
    kinds[numbers_at] = "f"
    if number.any():
        candidates, sub = candidates[~number], sub.filter(pa.array(~number))
    boolean = flags(pc.is_in(sub, value_set=_bools()))
    kinds[candidates[boolean]] = "b"
    when = flags(pc.match_substring_regex(sub, _DATETIME_RE))
    if when.any():
        # calamine's time of day alone is a moment on day 0 or 1 of Excel's calendar (``_moment``)
        moments = sub.filter(pa.array(when))
        day_one = flags(pc.starts_with(moments, "1899-12-30")) | flags(pc.starts_with(moments, "1899-12-31"))
        kinds[candidates[when]] = np.where(day_one, "t", "d")

    def cells(texts: list[str | None] | None) -> np.ndarray:
        out = _texts(strings, texts)
        if len(numbers_at):
            out[numbers_at] = pc.cast(strings.take(pa.array(numbers_at)), pa.float64()).to_pylist()
        idx = candidates[boolean]
        out[idx] = [v == "true" for v in out[idx]]
        idx = candidates[when]
        out[idx] = [_moment(v) for v in out[idx]]
        return out

    return kinds, cells


def _texts(strings: pa.Array, texts: list[str | None] | None) -> np.ndarray:
    out = np.empty(len(strings), dtype=object)
    out[:] = strings.to_pylist() if texts is None else texts
    return out


_MAYBE_FIRST = np.frombuffer(b"-0123456789tf", dtype=np.uint8)


def _first_bytes(strings: pa.Array) -> np.ndarray:
    """The first byte of each string of a string array (0 where empty), read from its offsets and data."""
    offsets, data = _offsets(strings)
    first = np.zeros(len(strings), dtype=np.uint8)
    filled = offsets[1:] > offsets[:-1]
    if filled.any():
        first[filled] = data[offsets[:-1][filled]]
    return first


def _offsets(strings: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """A string array's offsets (``len + 1`` of them, from its own offset on) and data bytes, as numpy."""
    n = len(strings)
    _validity, offsets_buf, data_buf = strings.buffers()[:3]
    width = np.dtype(np.int64 if pa.types.is_large_string(strings.type) else np.int32)
    offsets = np.frombuffer(offsets_buf, dtype=width, count=n + 1, offset=strings.offset * width.itemsize)
    data = np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None else np.zeros(0, dtype=np.uint8)
    return offsets, data


def _classify_few(strings: pa.Array, kinds: np.ndarray, few: np.ndarray
                  ) -> Callable[[list[str | None] | None], np.ndarray]:
    """``classify`` for the candidates ``few``, one by one: their kinds set in ``kinds``; the cells
    made when asked for."""
    if not len(few):
        return lambda texts: _texts(strings, texts)
    values = strings.to_pylist() if len(few) == len(strings) else strings.take(pa.array(few)).to_pylist()
    for i, v in zip(few.tolist(), values, strict=True):
        if v is None:
            continue
        if _NUMBER.fullmatch(v):
            kinds[i] = "f"
        elif v == "true" or v == "false":
            kinds[i] = "b"
        elif _DATETIME.fullmatch(v):
            kinds[i] = "t" if v.startswith(("1899-12-30", "1899-12-31")) else "d"  # as ``_moment`` tells them

    def cells(texts: list[str | None] | None) -> np.ndarray:
        out = _texts(strings, texts)
        for i in few[kinds[few] != "s"].tolist():
            v, k = out[i], kinds[i]
            out[i] = None if k == "n" else float(v) if k == "f" else v == "true" if k == "b" else _moment(v)
        return out

    return cells


def _cell(text: str | None) -> Any:
    """``decode`` of one text."""
    if text is None or not text[:1] or text[0] not in "-0123456789tf":
        return text
    if _NUMBER.fullmatch(text):
        return float(text)
    if text == "true" or text == "false":
        return text == "true"
    return _moment(text) if _DATETIME.fullmatch(text) else text


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
    digits is written out in full, the same as a text ID with the same digits. Only texts of 16+
    bytes beginning with a digit or "-" (told from Arrow's buffers by numpy) are searched: this runs
    over every cell of every sheet, in the parse thread."""
    strings = as_strings(strings)
    offsets, data = _offsets(strings)
    at = np.flatnonzero(offsets[1:] - offsets[:-1] >= 16)
    if len(at):
        at = at[np.isin(data[offsets[at]], _LONG_FIRST)]
    if not len(at):
        return False
    sub = strings.take(pa.array(at))
    long = pc.fill_null(pc.match_substring_regex(sub, _LONG_DIGITS_RE), False)
    if not pc.any(long).as_py():
        return False
    return any(int(float(v)) == int(v) for v in set(sub.filter(long).to_pylist()))


_LONG_FIRST = np.frombuffer(b"-0123456789", dtype=np.uint8)


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
        for j in self.columns:  # a score of cells a column: one by one beats Arrow's calls
            for i, v in enumerate(self.column(j, 0).slice(0, rows).to_pylist()):
                grid[i][j] = _cell(v)
        return grid

    def has_data(self) -> bool:
        """Any cell holding more than whitespace."""
        for arr in self.columns.values():
            blank = pa.scalar("", type=pa.string())  # typed: inferring a Python scalar's type loads pandas
            if pc.any(pc.fill_null(pc.not_equal(pc.utf8_trim_whitespace(arr), blank), False)).as_py():
                return True
        return False
