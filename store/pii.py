"""The store's second line of defence: nothing that looks like raw personal data is written to disk.

The reader masks PII columns before frames leave it (Contract 1). The store checks again, because a
hand-mapped sheet, a future reader bug or a test fixture could let a raw ID card number through, and
a database file outlives the session. It masks (张*, 138****5678, 310***********1234) every PII column
value that still looks raw, adds the ``<col>_key`` HMAC the reader would have added, and blanks
phone and ID numbers embedded in any other text (an incident description, a problem message).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

import pandas as pd

# Used only until ledgers.registry lands; mirrors the PII marks of ledgers.md.
FALLBACK_PII: dict[str, tuple[str, ...]] = {
    "households": ("户主", "联系电话"),
    "security_log": ("负责人",),
    "mediation": ("当事人",),
    "buildings": ("楼组长",),
    "employment": ("姓名", "身份证号"),
    "volunteers": ("姓名", "联系电话"),
    "staff": ("姓名",),
    "migrants": ("姓名", "证件号码"),
}

# Mainland ID numbers (18 characters, a plausible birth date inside) and mobile numbers, written
# alone or inside other text; the look-arounds keep them from matching inside longer codes.
_EDGE_L, _EDGE_R = r"(?<![0-9A-Za-z])", r"(?![0-9A-Za-z])"
ID_RE = re.compile(_EDGE_L + r"\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]"
                   + _EDGE_R)
OLD_ID_RE = re.compile(_EDGE_L + r"\d{8}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}" + _EDGE_R)
PHONE_RE = re.compile(_EDGE_L + r"(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}" + _EDGE_R)
_DIGITS_ONLY = re.compile(r"^(?:\+?86(?=1\d{10}$))?(\d{7,17}[\dXx]?)$")
_SEPARATORS = re.compile(r"[\s\-()（）.]")
_FOUR_DIGITS = re.compile(r"\d{4}")  # every ID or phone pattern holds four digits in a row
# Blanks written as words; the reader keeps them as they are (not personal data), so does the store.
PLACEHOLDERS = frozenset({"na", "n/a", "无", "null", "none", "-", "--", "/", "不详", "暂无", "没有", "nan"})


def pii_columns() -> dict[str, tuple[str, ...]]:
    """Ledger key -> its PII column names, from the ledger registry when it is there."""
    try:
        from ledgers.registry import LEDGERS
    except ImportError:
        return dict(FALLBACK_PII)
    out: dict[str, tuple[str, ...]] = {}
    for key, spec in LEDGERS.items():
        cols = getattr(spec, "columns", ())
        if isinstance(cols, Mapping):
            cols = cols.values()
        names = tuple(getattr(c, "name", "") for c in cols if getattr(c, "pii", False))
        if names:
            out[key] = names
    return out or dict(FALLBACK_PII)


def mask_digits(s: str) -> str:
    """138****5678, 310***********1234: the first three and last four kept."""
    return s[:3] + "*" * max(len(s) - 7, 1) + s[-4:] if len(s) > 7 else "*" * len(s)


def mask_name(s: str) -> str:
    """张*: the first character kept, the length hidden."""
    return s[:1] + "*" if s else s


def scrub_text(s: str) -> tuple[str, int]:
    """``s`` with every embedded ID or mobile number masked, and how many were found."""
    count = 0

    def repl(m: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return mask_digits(_SEPARATORS.sub("", m.group(0)).removeprefix("+86"))

    for pattern in (ID_RE, OLD_ID_RE, PHONE_RE):
        s = pattern.sub(repl, s)
    return s, count


def _normalise(raw: str) -> str:
    text = unicodedata.normalize("NFKC", raw).strip()
    compact = _SEPARATORS.sub("", text)
    m = _DIGITS_ONLY.match(compact)
    if m:
        return m.group(1).upper()  # as the reader keys them: no +86, no separators, upper-case X
    return re.sub(r"\s+", "", text)


def pii_key(secret: bytes, raw: str) -> str:
    """HMAC-SHA-256 hex of the normalised raw value, so identity survives masking."""
    return hmac.new(secret, _normalise(raw).encode("utf-8"), hashlib.sha256).hexdigest()


def mask_pii_value(value: Any) -> tuple[Any, bool]:
    """(value to store, whether it was still raw). Masked-looking values are left as they are."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return value, False
    if isinstance(value, float) and value.is_integer():
        value = str(int(value))  # a phone number read as a number
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text or text.lower() in PLACEHOLDERS:
        return value, False
    if "*" in text:
        scrubbed, n = scrub_text(str(value))
        return scrubbed, n > 0
    compact = _SEPARATORS.sub("", text)
    m = _DIGITS_ONLY.match(compact)
    if m:
        return mask_digits(m.group(1)), True
    return mask_name(text), True


def _text_column(s: pd.Series) -> bool:
    return s.dtype == object or isinstance(s.dtype, pd.StringDtype)


def remask_frames(frames: Mapping[str, pd.DataFrame], secret: bytes,
                  pii: Mapping[str, tuple[str, ...]] | None = None) -> tuple[dict[str, pd.DataFrame], int]:
    """Frames safe to write, and how many values had to be masked. The inputs are not modified."""
    pii = pii_columns() if pii is None else pii
    every_pii = {c for cols in pii.values() for c in cols}
    out: dict[str, pd.DataFrame] = {}
    total = 0
    for ledger, df in frames.items():
        # A PII name counts in any ledger (a hand-mapped sheet may carry 姓名 where none is expected).
        wanted = set(pii.get(ledger, ())) | every_pii
        new = df
        for pos in range(df.shape[1]):
            col = df.columns[pos]
            if not isinstance(col, str) or col.endswith("_key") or col in ("_row",):
                continue
            series = df.iloc[:, pos]
            if col in wanted:
                changed, values, raw_rows = _mask_pii_series(series)
            elif _text_column(series):
                changed, values, raw_rows = _scrub_series(series)
            else:
                continue
            if not changed:
                continue
            if new is df:
                new = df.copy()
            total += changed
            dtype = series.dtype if _text_column(series) else object
            new[col] = pd.Series(values, index=df.index, dtype=dtype)
            if col in wanted and raw_rows:
                new = _fill_keys(new, col, series, raw_rows, secret)
        out[ledger] = new
    return out, total


def _mask_pii_series(series: pd.Series) -> tuple[int, list[Any], list[int]]:
    values, raw_rows = [], []
    for i, v in enumerate(series.tolist()):
        masked, was_raw = mask_pii_value(v)
        values.append(masked)
        if was_raw:
            raw_rows.append(i)
    return len(raw_rows), values, raw_rows


def _scrub_series(series: pd.Series) -> tuple[int, list[Any], list[int]]:
    values, changed = [], 0
    for v in series.tolist():
        if isinstance(v, str) and _FOUR_DIGITS.search(v):
            v, n = scrub_text(v)
            changed += n
        values.append(v)
    return changed, values, []


def _fill_keys(df: pd.DataFrame, col: str, raw: pd.Series, rows: list[int], secret: bytes) -> pd.DataFrame:
    key_col = f"{col}_key"
    if key_col not in df.columns:
        df.insert(df.columns.get_loc(col) + 1, key_col, pd.Series([None] * len(df), index=df.index,
                                                                   dtype=object))
    keys = df[key_col].tolist()
    raw_values = raw.tolist()
    for i in rows:
        if keys[i] is None or (isinstance(keys[i], float) and keys[i] != keys[i]):
            v = raw_values[i]
            v = str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)
            keys[i] = pii_key(secret, v)
    df[key_col] = pd.Series(keys, index=df.index, dtype=df[key_col].dtype)
    return df


def scrub_json(value: Any) -> tuple[Any, int]:
    """A JSON-like structure (the import report) with embedded IDs and phones masked."""
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, Mapping):
        total, out = 0, {}
        for k, v in value.items():
            out[k], n = scrub_json(v)
            total += n
        return out, total
    if isinstance(value, list | tuple):
        total, items = 0, []
        for v in value:
            v, n = scrub_json(v)
            items.append(v)
            total += n
        return items, total
    return value, 0
