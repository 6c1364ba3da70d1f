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
                got = ext[codes]
                cols[name] = pd.Series(got, dtype=object) if got.dtype == object else pd.Series(got)
            else:
                cols[name] = payload[0].empty(self.n)
        frame = pd.DataFrame(cols)
        frame["_file"] = pd.Series(np.full(self.n, self.file, dtype=object), dtype=object)
        frame["_sheet"] = pd.Series(np.full(self.n, self.sheet, dtype=object), dtype=object)
        frame["_row"] = np.asarray(self.rows, dtype=np.int64)
        return frame
