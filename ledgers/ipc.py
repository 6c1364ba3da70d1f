"""A typed sheet (``ledgers.packed.PackedFrame``) as one Arrow IPC stream, child -> parent.

Each column travels as an Arrow dictionary array: the distinct typed values (its "ext" array, the
blank slot last) as the dictionary and the rows' int32 codes as the indices, so the parent rebuilds
``ext[codes]`` exactly, with numbers, dates and codes read without unpickling a Python object each.
A frame holding a value Arrow cannot carry (never expected) travels pickled as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]

from ledgers.packed import PackedFrame

_ROWS = "\x00rows"  # the Excel row numbers; the leading NUL keeps it apart from any column name


@dataclass(frozen=True)
class ArrowFrame:
    """What the child sends: the frame's place and its absent columns, and the IPC stream (an Arrow
    buffer: pickled out of its own memory, without a copy as bytes first; 17 MB less at the child's
    peak on the 300k bench workbook)."""

    file: str
    sheet: str
    n: int
    kinds: list[tuple[str, str, Any]]  # (name, "ext" | "bool" | "missing", ColumnType for "missing")
    stream: pa.Buffer


def pack(frame: PackedFrame) -> ArrowFrame | PackedFrame:
    arrays, names, kinds = [], [], []
    try:
        for name, kind, payload in frame.columns:
            if kind == "missing":
                kinds.append((name, kind, payload[0]))
                continue
            codes = payload[-1]
            if kind == "bool":
                values, na = payload[0], payload[1]
                dictionary = pa.array(values, type=pa.bool_(), mask=np.asarray(na, dtype=bool))
            else:
                ext = payload[0]
                if isinstance(ext, pa.Array):  # typed by Arrow already (masked values, keys)
                    dictionary = ext
                else:
                    dictionary = pa.array(ext, type=pa.string()) if ext.dtype == object else pa.array(ext)
            indices = np.where(codes < 0, len(dictionary) - 1, codes).astype(np.int32)  # -1: the blank slot
            arrays.append(pa.DictionaryArray.from_arrays(pa.array(indices), dictionary))
            names.append(name)
            kinds.append((name, kind, None))
    except (pa.ArrowException, TypeError, ValueError):
        return frame
    arrays.append(pa.array(np.asarray(frame.rows, dtype=np.int64)))
    names.append(_ROWS)
    batch = pa.RecordBatch.from_arrays(arrays, names=names)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, batch.schema) as writer:
        writer.write_batch(batch)
    return ArrowFrame(frame.file, frame.sheet, frame.n, kinds, sink.getvalue())


def unpack(sent: ArrowFrame | PackedFrame) -> PackedFrame:
    if isinstance(sent, PackedFrame):
        return sent
    batch = pa.ipc.open_stream(sent.stream).read_next_batch()
    columns: list[tuple[str, str, tuple[Any, ...]]] = []
    for name, kind, empty in sent.kinds:
        if kind == "missing":
            columns.append((name, kind, (empty,)))
            continue
        arr = batch.column(name)
        codes = arr.indices.to_numpy(zero_copy_only=False)
        if kind == "bool":
            values = arr.dictionary.fill_null(False).to_numpy(zero_copy_only=False)
            na = arr.dictionary.is_null().to_numpy(zero_copy_only=False)
            columns.append((name, kind, (values, na, codes)))
        else:
            columns.append((name, kind, (arr.dictionary.to_numpy(zero_copy_only=False), codes)))
    rows = batch.column(_ROWS).to_numpy()
    return PackedFrame(sent.n, columns, sent.file, sent.sheet, rows)
