"""A typed ledger sheet on its way from the reader's child to the parent: ``PackedFrame``.

Apart from ``ledgers.sheet`` (the typing) so a parent that only receives frames (``ledgers.ipc``,
``worker._run_jobs``) does not import the parsing and typing modules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class PackedFrame:
    """A typed ledger frame before it is built: per column its distinct values ("ext" arrays) and
    the rows' codes into them. The child sends this (each distinct value pickled once, codes as raw
    int32) and the parent builds the DataFrame (``frame()``) while the child reads the next sheet."""

    n: int
    # (name, "ext" | "bool" | "missing", payload); an "ext" array is numpy, or an Arrow string array
    columns: list[tuple[str, str, tuple[Any, ...]]]
    file: str
    sheet: str
    rows: np.ndarray  # Excel row numbers

    def __len__(self) -> int:
        return self.n

    def frame(self) -> pd.DataFrame:
        import pandas as pd

        cols: dict[str, pd.Series] = {}
        for name, kind, payload in self.columns:
            if kind == "bool":
                values, na, codes = payload
                cols[name] = pd.Series(pd.arrays.BooleanArray(values[codes], na[codes]))
            elif kind == "ext":
                ext, codes = payload
                if isinstance(ext, pa.Array):  # typed by Arrow in the child (masked values, keys)
                    ext = ext.to_numpy(zero_copy_only=False)
                got = ext[codes]  # a new array: the Series may own it (no copy)
                cols[name] = pd.Series(got, dtype=object, copy=False) if got.dtype == object else pd.Series(got, copy=False)
            else:
                cols[name] = payload[0].empty(self.n)
        cols["_file"] = pd.Series(_filled(self.n, self.file), dtype=object, copy=False)
        cols["_sheet"] = pd.Series(_filled(self.n, self.sheet), dtype=object, copy=False)
        cols["_row"] = pd.Series(np.array(self.rows, dtype=np.int64), copy=False)  # its own, writable copy
        return pd.DataFrame(cols, copy=False)


def _filled(n: int, value: Any) -> np.ndarray:
    """An object array of ``n`` times ``value`` (np.full of an object goes 30x slower)."""
    out = np.empty(n, dtype=object)
    out.fill(value)
    return out
