"""The store's second line of defence: nothing that looks like raw personal data is written to disk.

The reader masks PII columns before frames leave it (Contract 1). The store checks again, because a
hand-mapped sheet, a future reader bug or a test fixture could let a raw ID card number through, and
a database file outlives the session. Every value of a PII column that still looks raw is masked the
way the reader masks it, with the ``<col>_key`` HMAC the reader would have added, and phone and ID
numbers inside any other text (an incident description, a problem message) are masked too. Masking,
keying and scrubbing themselves are ``ledgers.privacy``: one implementation, so the two layers agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from ledgers import privacy


def mask_pii_value(value: Any, kind: str = "name") -> tuple[Any, bool]:
    """(value to store, whether it was still raw). Masked-looking values and blanks are left alone.

    ``kind`` is the column's (``privacy.pii_kind``); a value written as digits is masked as a number
    whatever the column says.
    """
    text = _as_text(value)
    if text is None:
        return value, False
    normalised = privacy.normalise(text, kind)
    if not normalised or privacy.is_placeholder(normalised):
        return value, False
    if "*" in normalised:  # masked already; a number typed beside the mask is still caught
        scrubbed, n = privacy.scrub(text)
        return scrubbed, n > 0
    digits = privacy.digits_of(normalised)
    return privacy.mask_value(digits or normalised, kind), True


def remask_frames(frames: Mapping[str, pd.DataFrame], secret: bytes,
                  pii: Mapping[str, tuple[str, ...]] | None = None) -> tuple[dict[str, pd.DataFrame], int]:
    """Frames safe to write, and how many values had to be masked. The inputs are not modified."""
    pii = privacy.pii_columns() if pii is None else pii
    every_pii = {c for cols in pii.values() for c in cols}
    out: dict[str, pd.DataFrame] = {}
    total = 0
    for ledger, df in frames.items():
        # A PII name counts in any ledger (a hand-mapped sheet may carry 姓名 where none is expected).
        wanted = set(pii.get(ledger, ())) | every_pii
        new = df
        for pos in range(df.shape[1]):
            col = df.columns[pos]
            if not isinstance(col, str) or col.endswith("_key") or col == "_row":
                continue
            series = df.iloc[:, pos]
            if col in wanted:
                changed, values, raw_rows = _mask_pii_series(series, privacy.pii_kind(col))
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


def scrub_json(value: Any) -> tuple[Any, int]:
    """A JSON-like structure (the import report) with embedded IDs and phones masked."""
    if isinstance(value, str):
        return privacy.scrub(value)
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


def _as_text(value: Any) -> str | None:
    """A cell as text, None when blank; a phone number read as a float loses its ``.0``."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _text_column(s: pd.Series) -> bool:
    return s.dtype == object or isinstance(s.dtype, pd.StringDtype)


def _mask_pii_series(series: pd.Series, kind: str) -> tuple[int, list[Any], list[int]]:
    values, raw_rows = [], []
    for i, v in enumerate(series.tolist()):
        masked, was_raw = mask_pii_value(v, kind)
        values.append(masked)
        if was_raw:
            raw_rows.append(i)
    return len(raw_rows), values, raw_rows


def _scrub_series(series: pd.Series) -> tuple[int, list[Any], list[int]]:
    values, changed = [], 0
    for v in series.tolist():
        if isinstance(v, str):
            v, n = privacy.scrub(v)
            changed += n
        values.append(v)
    return changed, values, []


def _fill_keys(df: pd.DataFrame, col: str, raw: pd.Series, rows: list[int], secret: bytes) -> pd.DataFrame:
    """The ``<col>_key`` of rows that arrived raw, keyed exactly as the reader keys (normalised value)."""
    kind = privacy.pii_kind(col)
    key_col = f"{col}_key"
    if key_col not in df.columns:
        df.insert(list(df.columns).index(col) + 1, key_col, pd.Series([None] * len(df), index=df.index,
                                                                   dtype=object))
    keys = df[key_col].tolist()
    raw_values = raw.tolist()
    for i in rows:
        if keys[i] is None or (isinstance(keys[i], float) and keys[i] != keys[i]):
            keys[i] = privacy.hmac_key(privacy.normalise(_as_text(raw_values[i]) or "", kind), secret)
    df[key_col] = pd.Series(keys, index=df.index, dtype=df[key_col].dtype)
    return df
