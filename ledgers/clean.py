"""Vectorised cleaning and typing of raw cell columns (PII masking is ``ledgers.privacy``).

Every function takes an object Series of raw cells (str, float, int, bool, date/datetime from calamine;
str from CSV) indexed by Excel row number and returns typed values plus masks of what it could not read.
No Python loop runs over rows: only over the distinct values of a column where a mapping is needed.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

# NFKC turns ㎡ into "m2"; a private-use placeholder survives NFKC so the unit keeps its meaning.
_SQM = "\ue000"
_CONTROL_RE = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]"

_NUMBER_RE = (
    r"^(?P<num>[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+)"
    r"(?P<wan>万)?(?P<pct>%)?"
    r"(?:人次|户次|平方米|平米|m2|㎡|万元|元|人|户|个|次|处|名|栋|幢|座|间|台|只|具|套|盏|条|项|件|起|家|张|本|场|期|天|米|支|队|辆|棵|株|组|位)?$"
)
_DATE_RE = (
    r"^(?P<y>\d{4})(?:(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})|年(?P<m2>\d{1,2})月(?:(?P<d2>\d{1,2})日?)?)"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_SERIAL_MIN, _SERIAL_MAX = 18264, 73050  # 1950-01-01 .. 2099-12-31: a number outside is not a date
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")

_YES = {"是", "有", "√", "✓", "✔", "☑", "y", "yes", "1", "1.0", "true", "t", "已", "对", "ok"}
_NO = {"否", "无", "×", "✗", "✘", "x", "n", "no", "0", "0.0", "false", "f", "未", "没有", "没", "不", "☐", "错"}


_CONTROL = re.compile(_CONTROL_RE)


def norm_text(value: str) -> str:
    """One string: NFKC (keeping ㎡), control characters removed, trimmed."""
    if not unicodedata.is_normalized("NFKC", value):
        value = unicodedata.normalize("NFKC", value.replace("㎡", _SQM)).replace(_SQM, "㎡")
    if _CONTROL.search(value):
        value = _CONTROL.sub("", value)
    return value.strip()


def map_unique(s: pd.Series, func: Callable[[Any], Any], dtype: type = object) -> pd.Series:
    """``func`` applied once per distinct non-null value (ledger columns repeat a lot), aligned to ``s``."""
    codes, uniques = pd.factorize(s.to_numpy(dtype=object), use_na_sentinel=True)
    if len(uniques) == 0:
        return pd.Series(False if dtype is bool else (np.nan if dtype is float else None), index=s.index,
                         dtype=dtype)
    mapped = np.empty(len(uniques) + 1, dtype=dtype)
    mapped[:-1] = [func(u) for u in uniques]
    mapped[-1] = False if dtype is bool else (np.nan if dtype is float else None)
    return pd.Series(mapped[codes], index=s.index, dtype=dtype)


def norm_key(value: str) -> str:
    """A header or category for matching: normalised, no whitespace, lower-case."""
    return re.sub(r"\s+", "", norm_text(value)).lower()


_KIND = {str: "s", float: "f", int: "i", bool: "b", type(None): "n", dt.date: "d", dt.datetime: "d",
         pd.Timestamp: "d", dt.time: "t", dt.timedelta: "t"}


def kinds(s: pd.Series) -> pd.Series:
    """A one-letter kind of every cell (calamine hands out plain Python objects): s f i b n d t o."""
    inferred = pd.api.types.infer_dtype(s.to_numpy(dtype=object), skipna=False)
    whole = {"string": "s", "floating": "f", "integer": "i", "boolean": "b"}.get(inferred)
    if whole:  # one type throughout (the usual case): no per-cell look
        return pd.Series(whole, index=s.index, dtype=object)
    return s.map(type, na_action=None).map(_KIND).fillna("o")


def norm_strings(s: pd.Series, kind: pd.Series) -> pd.Series:
    """Normalised text of the string cells (NaN elsewhere)."""
    return map_unique(s.where(kind == "s"), norm_text)


def blank_mask(s: pd.Series, kind: pd.Series, strs: pd.Series) -> pd.Series:
    """Cells that hold nothing: None, NaN, or text that is empty after normalising."""
    is_float = kind == "f"
    nan = pd.Series(False, index=s.index)
    if is_float.any():
        nan[is_float] = pd.isna(s[is_float].astype(float))
    return s.isna() | (kind == "n") | nan | ((kind == "s") & (strs.fillna("") == ""))


def _num_to_text(v: pd.Series) -> pd.Series:
    f = v.astype(float)
    integral = np.isfinite(f) & (f == np.floor(f)) & (f.abs() < 1e15)
    out = f.astype(str).astype(object)
    if integral.any():
        out[integral] = f[integral].astype("int64").astype(str).astype(object)
    return out


def to_text(s: pd.Series, kind: pd.Series, strs: pd.Series, blank: pd.Series) -> pd.Series:
    """Every cell as text (None when blank); whole numbers without ``.0``, dates as ISO."""
    out = pd.Series(None, index=s.index, dtype=object)
    is_str = (kind == "s") & ~blank
    out[is_str] = strs[is_str]
    num = kind.isin(["i", "f"]) & ~blank
    if num.any():
        out[num] = _num_to_text(s[num]).to_numpy(dtype=object)
    is_bool = kind == "b"
    if is_bool.any():
        out[is_bool] = s[is_bool].map({True: "TRUE", False: "FALSE"})
    other = ~(is_str | num | is_bool | blank)
    if other.any():
        out[other] = s[other].map(lambda v: v.isoformat() if hasattr(v, "isoformat") else str(v))
    return out


def to_date(s: pd.Series, kind: pd.Series, strs: pd.Series, blank: pd.Series) -> tuple[pd.Series, pd.Series]:
    """datetime64 at midnight, and a mask of non-blank cells that are not dates."""
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    is_dt = kind == "d"
    if is_dt.any():
        out[is_dt] = pd.to_datetime(s[is_dt].to_numpy(dtype=object)).normalize().as_unit("ns")
    num = kind.isin(["i", "f"]) & ~blank
    serial = pd.Series(np.nan, index=s.index)
    if num.any():
        serial[num] = s[num].astype(float)
    is_str = (kind == "s") & ~blank
    if is_str.any():
        ss = strs[is_str].astype(object)
        parts = ss.str.extract(_DATE_RE)
        y = pd.to_numeric(parts["y"], errors="coerce")
        m = pd.to_numeric(parts["m"].fillna(parts["m2"]), errors="coerce")
        d = pd.to_numeric(parts["d"].fillna(parts["d2"]), errors="coerce")
        d = d.where(d.notna() | y.isna(), 1)  # 2026年3月 -> the first of the month
        ok = y.between(1900, 2100)
        if ok.any():
            out[ok[ok].index] = pd.to_datetime(
                pd.DataFrame({"year": y[ok], "month": m[ok], "day": d[ok]}), errors="coerce")
        # a CSV of an Excel sheet carries serials as text: 46086
        ser = pd.to_numeric(ss.where(ss.str.fullmatch(r"\d{5}(?:\.\d+)?")), errors="coerce")
        serial[ser.dropna().index] = ser.dropna()
    good_serial = serial.between(_SERIAL_MIN, _SERIAL_MAX)
    if good_serial.any():
        out[good_serial] = _EXCEL_EPOCH + pd.to_timedelta(np.floor(serial[good_serial]), unit="D")
    bad = ~blank & out.isna()
    return out, bad


_NUMBER = re.compile(_NUMBER_RE)


def _number(text: str) -> float:
    m = _NUMBER.match(re.sub(r"\s+", "", text).replace("，", ","))
    if not m:
        return np.nan
    val = float(m["num"].replace(",", ""))
    if m["wan"]:
        val *= 10000
    if m["pct"]:
        val /= 100
    return val


def _has_pct(text: str) -> bool:
    return text.rstrip().endswith("%")


def parse_numbers(strs: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers from normalised text: ``1,200``, ``３人`` (already NFKC), ``5 人``, ``1.5万``, ``12%``.

    Returns the values and a mask of which carried a ``%``.
    """
    val = map_unique(strs, _number, float)
    pct = map_unique(strs, _has_pct, bool) & val.notna()
    return val, pct


def to_number(s: pd.Series, kind: pd.Series, strs: pd.Series, blank: pd.Series, *, percent: bool = False
              ) -> tuple[pd.Series, pd.Series, pd.Series]:
    """float64; mask of unreadable cells; mask of percent values given as points (85 -> 0.85)."""
    out = pd.Series(np.nan, index=s.index, dtype=float)
    num = kind.isin(["i", "f"]) & ~blank
    if num.any():
        out[num] = s[num].astype(float)
    is_str = (kind == "s") & ~blank
    pct = pd.Series(False, index=s.index)
    if is_str.any():
        val, had_pct = parse_numbers(strs[is_str])
        out[is_str] = val.to_numpy()
        pct[is_str] = had_pct.to_numpy()
    points = pd.Series(False, index=s.index)
    if percent:
        points = ~pct & (out > 1) & (out <= 100)
        out = out.where(~points, out / 100)
    bad = ~blank & out.isna()
    return out, bad, points


def to_yesno(s: pd.Series, kind: pd.Series, strs: pd.Series, blank: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Nullable booleans from 是/否, 有/无, √/×, Y/N, 1/0, TRUE/FALSE, 已…/未…; mask of unreadable cells."""
    out = pd.Series(pd.NA, index=s.index, dtype="boolean")
    is_bool = kind == "b"
    if is_bool.any():
        out[is_bool] = s[is_bool].astype(bool)
    num = kind.isin(["i", "f"]) & ~blank
    if num.any():
        f = s[num].astype(float)
        out[num[num].index[f.eq(1).to_numpy()]] = True
        out[num[num].index[f.eq(0).to_numpy()]] = False
    is_str = (kind == "s") & ~blank
    if is_str.any():
        ss = strs[is_str]
        mapping = {}
        for v in ss.unique():
            k = re.sub(r"\s+", "", v).lower()
            if k in _YES or (len(k) <= 6 and k[0] in "已有" and k not in _NO):
                mapping[v] = True
            elif k in _NO or (len(k) <= 6 and k[0] in "未无没"):
                mapping[v] = False
        out[is_str] = ss.map(mapping).astype("boolean").to_numpy()
    bad = ~blank & out.isna()
    return out, bad


def category_lookup(categories: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Normalised name or synonym -> canonical category."""
    lookup = {}
    for canon, alts in categories.items():
        for name in (canon, *alts):
            lookup[norm_key(name)] = canon
    return lookup


def to_category(s: pd.Series, kind: pd.Series, strs: pd.Series, blank: pd.Series,
                categories: dict[str, tuple[str, ...]]) -> tuple[pd.Series, pd.Series]:
    """Canonical category (synonyms folded) or None; mask of values not in the list."""
    text = to_text(s, kind, strs, blank)
    if not categories:
        return text, pd.Series(False, index=s.index)
    lookup = category_lookup(categories)
    present = text.dropna()
    mapping = {v: lookup.get(re.sub(r"\s+", "", v).lower()) for v in present.unique()}
    out = pd.Series(None, index=s.index, dtype=object)
    out[present.index] = present.map(mapping).to_numpy(dtype=object)
    out = out.where(out.notna(), None)
    unknown = ~blank & out.isna()
    return out, unknown
