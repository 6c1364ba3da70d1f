"""Vectorised access to the typed ledger frames, shared by every metric of one computation.

`Prepared` caches the per-column work (factorised and normalised strings, dates as int64
nanoseconds, yes/no as plain bools) so that history — the same metrics at twelve month ends —
pays for it once. `Context` adds the year Y and the as-of date D.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
import pandas as pd

from ledgers.coltypes import parse_yes_no

NAT = np.iinfo(np.int64).min
DAY_NS = 86_400 * 10**9
PART_SEPARATORS = re.compile(r"[、,，/／；;]")
_T = TypeVar("_T")
Mask = npt.NDArray[np.bool_]  # one flag per row of a ledger
Nanos = npt.NDArray[np.int64]  # dates as int64 nanoseconds, NAT for blank
Codes = npt.NDArray[np.int64]  # factorised values, -1 for blank


def norm(text: object) -> str:
    """NFKC-folded, whitespace-free text: how names are compared (full-width forms, stray spaces)."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))


_SPACE = re.compile(r"\s")


def norm_all(values: Iterable[object]) -> list[str]:
    """``norm`` of each value. The reader hands over NFKC text without spaces nearly always: that is
    checked once over all the values joined, and then they are their own normal form."""
    values = list(values)
    texts = [v for v in values if type(v) is str]
    if values and len(texts) == len(values):
        joined = "".join(texts)  # a part that is not NFKC leaves the whole not NFKC
        if not _SPACE.search(joined) and unicodedata.is_normalized("NFKC", joined):
            return texts
    return [norm(v) for v in values]


def as_timestamp(value: str | dt.date | pd.Timestamp) -> pd.Timestamp:
    return pd.Timestamp(value).normalize()


def years_before(day: pd.Timestamp, years: int) -> pd.Timestamp:
    """The same calendar date `years` earlier; 29 Feb falls back to 28 Feb."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _dated(dates: Nanos) -> Mask:
    dated: Mask = dates != NAT  # numpy types == and != on arrays as Any
    return dated


@dataclass
class Prepared:
    """The frames of one upload plus per-column caches (valid as long as the frames are not mutated)."""

    frames: dict[str, pd.DataFrame]
    # (name, *args) -> value; each name always holds the same type, which its method's hit annotates
    _cache: dict[tuple[Hashable, ...], Any] = field(default_factory=dict)

    def has(self, key: str) -> bool:
        frame = self.frames.get(key)
        return isinstance(frame, pd.DataFrame) and len(frame) > 0

    def frame(self, key: str) -> pd.DataFrame:
        return self.frames[key]

    def size(self, key: str) -> int:
        return len(self.frames[key]) if self.has(key) else 0

    def _memo(self, name: str, *args: Hashable) -> Any:
        return self._cache.get((name, *args))

    def _store(self, value: _T, name: str, *args: Hashable) -> _T:
        self._cache[(name, *args)] = value
        return value

    def memo(self, name: str, key: Hashable, make: Callable[[], _T]) -> _T:
        """A value derived from the frames alone (not from Y or D), made once per upload."""
        hit: _T | None = self._memo(name, key)
        return hit if hit is not None else self._store(make(), name, key)

    def column(self, key: str, col: str) -> pd.Series | None:
        frame = self.frames[key]
        return frame[col] if col in frame.columns else None

    def codes(self, key: str, col: str) -> tuple[Codes, list[str]]:
        """Factorised column: codes (-1 for blank) and the normalised distinct values."""
        hit: tuple[Codes, list[str]] | None = self._memo("codes", key, col)
        if hit is not None:
            return hit
        series = self.column(key, col)
        if series is None:
            result: tuple[Codes, list[str]] = (np.full(self.size(key), -1, dtype=np.int64), [])
        else:
            codes, uniques = pd.factorize(series.astype(object), use_na_sentinel=True)
            names = norm_all(uniques)
            codes = np.asarray(codes, dtype=np.int64)
            blank = [i for i, n in enumerate(names) if n == ""]
            if blank:
                codes = np.where(np.isin(codes, blank), -1, codes)
            result = (codes, names)
        return self._store(result, "codes", key, col)

    def code_mask(self, key: str, col: str, accept: Callable[[str], object]) -> Mask:
        """Rows whose normalised value satisfies `accept(name) -> bool` (evaluated once per distinct value)."""
        codes, names = self.codes(key, col)
        if not names:
            return np.zeros(len(codes), dtype=bool)
        lookup = np.array([bool(accept(n)) for n in names] + [False])
        return lookup[codes]  # code -1 picks the trailing False

    def isin(self, key: str, col: str, values: Iterable[str]) -> Mask:
        wanted = {norm(v) for v in values}
        return self.code_mask(key, col, wanted.__contains__)

    def filled(self, key: str, col: str) -> Mask:
        codes, _ = self.codes(key, col)
        return codes >= 0

    def dates(self, key: str, col: str) -> Nanos:
        """int64 nanoseconds, NAT for blank."""
        hit: Nanos | None = self._memo("dates", key, col)
        if hit is not None:
            return hit
        series = self.column(key, col)
        if series is None:
            values = np.full(self.size(key), NAT, dtype=np.int64)
        else:
            if not pd.api.types.is_datetime64_any_dtype(series):
                series = pd.to_datetime(series, errors="coerce")
            if getattr(series.dt, "tz", None) is not None:
                series = series.dt.tz_localize(None)
            values = series.to_numpy(dtype="datetime64[ns]").view(np.int64)
        return self._store(values, "dates", key, col)

    def numbers(self, key: str, col: str) -> np.ndarray:
        hit: np.ndarray | None = self._memo("numbers", key, col)
        if hit is not None:
            return hit
        series = self.column(key, col)
        if series is None:
            values = np.full(self.size(key), np.nan)
        else:
            values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        return self._store(values, "numbers", key, col)

    def yes(self, key: str, col: str) -> Mask:
        """True where the yes/no column says yes; blank counts as no."""
        hit: Mask | None = self._memo("yes", key, col)
        if hit is not None:
            return hit
        series = self.column(key, col)
        if series is None:
            values = np.zeros(self.size(key), dtype=bool)
        elif pd.api.types.is_bool_dtype(series):
            values = series.fillna(False).to_numpy(dtype=bool)
        else:  # tolerate an untyped column (text 是/否) rather than fail
            values = self.code_mask(key, col, lambda n: parse_yes_no(n) is True)  # the reader's words
        return self._store(values, "yes", key, col)

    def latest(self, key: str, date_col: str, key_cols: tuple[str, ...], hi_ns: int) -> Mask:
        """Rows that are the latest (by date, then row order) of their key among rows dated before hi_ns."""
        memo: Mask | None = self._memo("latest", key, date_col, key_cols, hi_ns)
        if memo is not None:
            return memo
        order, sorted_dates, group = self._latest_order(key, date_col, key_cols)
        cut = int(np.searchsorted(sorted_dates, hi_ns, side="left"))
        prefix = order[:cut]
        keep = ~pd.Series(group[prefix]).duplicated(keep="last").to_numpy()
        mask = np.zeros(self.size(key), dtype=bool)
        mask[prefix[keep]] = True
        return self._store(mask, "latest", key, date_col, key_cols, hi_ns)

    def _latest_order(self, key: str, date_col: str,
                      key_cols: tuple[str, ...]) -> tuple[Nanos, Nanos, Codes]:
        hit: tuple[Nanos, Nanos, Codes] | None = self._memo("latest_order", key, date_col, key_cols)
        if hit is not None:
            return hit
        dates = self.dates(key, date_col)
        dated = np.flatnonzero(dates != NAT)
        # Sort by date, ties by row order, so "last" is the latest check and, on the same day, the lower row.
        order = dated[np.lexsort((dated, dates[dated]))]
        if len(key_cols) == 1:
            group = self.codes(key, key_cols[0])[0]
        else:
            parts = [self.codes(key, c)[0] for c in key_cols]
            group = pd.MultiIndex.from_arrays(parts).factorize()[0] if len(parts[0]) else parts[0]
            group = np.asarray(group, dtype=np.int64)
        result = (order, dates[order], group)
        return self._store(result, "latest_order", key, date_col, key_cols)


@dataclass
class Context:
    """One computation: the prepared frames, the year Y and the as-of date D."""

    prep: Prepared
    year: int
    as_of: pd.Timestamp

    @property
    def year_start(self) -> pd.Timestamp:
        return pd.Timestamp(self.year, 1, 1)

    @property
    def lo_ns(self) -> int:
        return self.year_start.value

    @property
    def hi_ns(self) -> int:
        """Exclusive upper bound: the end of day D (dates are midnight, but a stray time must not leak)."""
        return self.as_of.value + DAY_NS

    def has(self, key: str) -> bool:
        return self.prep.has(key)

    def up_to(self, key: str, col: str, keep_blank: bool = False) -> Mask:
        dates = self.prep.dates(key, col)
        dated = _dated(dates)
        inside = dated & (dates < self.hi_ns)
        return inside | ~dated if keep_blank else inside

    def in_year(self, key: str, col: str) -> Mask:
        """Dated in Y and not after D."""
        dates = self.prep.dates(key, col)
        return _dated(dates) & (dates >= self.lo_ns) & (dates < self.hi_ns)

    def between(self, key: str, col: str, lo_exclusive: pd.Timestamp) -> Mask:
        """Dated in (lo_exclusive, D]."""
        dates = self.prep.dates(key, col)
        return _dated(dates) & (dates >= lo_exclusive.value + DAY_NS) & (dates < self.hi_ns)

    def after(self, key: str, col: str) -> Mask:
        """Dated after D (blank is not after)."""
        dates = self.prep.dates(key, col)
        return _dated(dates) & (dates >= self.hi_ns)

    def latest(self, key: str, date_col: str, key_cols: tuple[str, ...]) -> Mask:
        return self.prep.latest(key, date_col, key_cols, self.hi_ns)
