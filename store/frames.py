"""Turn a ledger DataFrame into bytes and back, dtypes and missing values exactly as they were.

Why not pickle: loading a pickle runs code, and a database file can be swapped or come from
elsewhere. Why not parquet: pyarrow is only a transitive dependency, and it turns object columns
into ``str`` and ``None`` into NaN. Why not ``to_json``: it keeps 15 significant digits, not the 17 a
float64 needs. So: our own column-wise JSON (Python's json writes floats by ``repr``, which is exact),
each column with its dtype, datetimes as their integer ticks, compressed with zlib.
"""

from __future__ import annotations

import datetime as dt
import json
import zlib
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

FORMAT = "json-columns-v1+zlib"


class FrameCodecError(ValueError):
    """The stored bytes are not a frame this version can read."""


# ---------------------------------------------------------------------------------------------- encode


def _object_value(v: Any) -> Any:
    """One cell of an object column as JSON, tagged when JSON alone would blur its type."""
    if v is None or isinstance(v, str):
        return v
    if isinstance(v, bool | np.bool_):
        return bool(v)
    if isinstance(v, int | np.integer):
        return int(v)
    if isinstance(v, float | np.floating):
        return float(v)  # NaN stays NaN: json writes it as NaN and reads it back
    if v is pd.NA:
        return {"t": "NA"}
    if v is pd.NaT:
        return {"t": "NaT"}
    if isinstance(v, pd.Timestamp):
        return {"t": "ts", "v": v.isoformat()}
    if isinstance(v, dt.datetime):
        return {"t": "datetime", "v": v.isoformat()}
    if isinstance(v, dt.date):
        return {"t": "date", "v": v.isoformat()}
    if isinstance(v, Decimal):
        return {"t": "decimal", "v": str(v)}
    if isinstance(v, list | tuple):
        return {"t": type(v).__name__, "v": [_object_value(x) for x in v]}
    # Anything else (a dict, an odd object) is kept as its text: readable, never executable.
    return {"t": "text", "v": str(v)}


def _encode_column(values: pd.Series | pd.Index) -> dict[str, Any]:
    dtype = values.dtype
    out: dict[str, Any] = {"dtype": str(dtype)}
    if isinstance(dtype, pd.CategoricalDtype):
        cat = pd.Categorical(values)
        out.update(kind="category", ordered=bool(dtype.ordered),
                   categories=_encode_column(pd.Index(dtype.categories)), codes=cat.codes.tolist())
    elif isinstance(dtype, pd.DatetimeTZDtype):
        out.update(kind="datetimetz", unit=dtype.unit, tz=str(dtype.tz),
                   values=pd.DatetimeIndex(values).asi8.tolist())
    elif isinstance(dtype, pd.StringDtype):
        na = dtype.na_value
        out.update(kind="string", storage=dtype.storage,
                   na="NA" if na is pd.NA else "nan",
                   values=[None if pd.isna(v) else str(v) for v in values])
    elif isinstance(dtype, np.dtype) and dtype.kind in "mM":
        # Integer ticks keep every nanosecond and the unit; NaT is numpy's int64 minimum.
        out.update(kind="ticks", values=np.asarray(values).view("int64").tolist())
    elif isinstance(dtype, np.dtype) and dtype.kind in "biuf":
        out.update(kind="numpy", values=np.asarray(values).tolist())
    elif isinstance(dtype, pd.api.extensions.ExtensionDtype) and dtype.kind in "biuf":
        # Nullable boolean / Int64 / Float64: None marks <NA>.
        out.update(kind="masked", values=[None if v is pd.NA else _object_value(v)
                                           for v in values.astype(object)])
    elif isinstance(dtype, np.dtype) and dtype.kind == "O":
        out.update(kind="object", values=[_object_value(v) for v in values])
    else:
        raise FrameCodecError(f"cannot store a column of dtype {dtype}")
    return out


def encode_frame(df: pd.DataFrame) -> bytes:
    """The frame as compressed JSON; :func:`decode_frame` gives back an equal frame."""
    columns = []
    for i, name in enumerate(df.columns):
        if not isinstance(name, str | int):
            raise FrameCodecError(f"column name {name!r} is not text")
        col = _encode_column(df.iloc[:, i])
        col["name"] = name
        columns.append(col)
    index = df.index
    if isinstance(index, pd.RangeIndex):
        enc_index: dict[str, Any] = {"kind": "range", "start": index.start, "stop": index.stop,
                                     "step": index.step, "name": index.name}
    else:
        enc_index = {"kind": "values", "name": index.name, "column": _encode_column(index)}
    doc = {"format": FORMAT, "index": enc_index, "columns_dtype": str(df.columns.dtype),
           "columns": columns}
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"), allow_nan=True)
    return zlib.compress(text.encode("utf-8"), 6)


# ---------------------------------------------------------------------------------------------- decode


def _object_cell(v: Any) -> Any:
    if not isinstance(v, dict):
        return v
    tag: str | None = v.get("t")
    val: Any = v.get("v")
    if tag == "NA":
        return pd.NA
    if tag == "NaT":
        return pd.NaT
    if tag == "ts":
        return pd.Timestamp(val)
    if tag == "datetime":
        return dt.datetime.fromisoformat(val)
    if tag == "date":
        return dt.date.fromisoformat(val)
    if tag == "decimal":
        return Decimal(val)
    if tag == "list":
        return [_object_cell(x) for x in val]
    if tag == "tuple":
        return tuple(_object_cell(x) for x in val)
    if tag == "text":
        return val
    raise FrameCodecError(f"unknown cell tag {tag!r}")


def _decode_values(col: dict[str, Any]) -> pd.Index:
    """The column's values as an Index (an Index keeps every dtype and never re-infers)."""
    kind = col["kind"]
    if kind == "category":
        cats = _decode_values(col["categories"])
        return pd.CategoricalIndex(pd.Categorical.from_codes(
            col["codes"], dtype=pd.CategoricalDtype(cats, ordered=col["ordered"])))
    if kind == "datetimetz":
        ticks = np.asarray(col["values"], dtype="int64").view(f"datetime64[{col['unit']}]")
        return pd.DatetimeIndex(ticks).tz_localize("UTC").tz_convert(col["tz"])
    if kind == "object":
        arr = np.empty(len(col["values"]), dtype=object)
        arr[:] = [_object_cell(v) for v in col["values"]]
        return pd.Index(arr, dtype=object)
    index: pd.Index  # the dtype is data here, so pandas-stubs cannot tell which Index it is
    if kind == "string":
        dtype = pd.StringDtype(col["storage"], na_value=pd.NA if col["na"] == "NA" else np.nan)
        index = pd.Index(pd.array(col["values"], dtype=dtype))
    elif kind == "ticks":
        index = pd.Index(np.asarray(col["values"], dtype="int64").view(col["dtype"]))
    elif kind == "numpy":
        index = pd.Index(np.asarray(col["values"], dtype=col["dtype"]))
    elif kind == "masked":
        index = pd.Index(pd.array(col["values"], dtype=col["dtype"]))
    else:
        raise FrameCodecError(f"unknown column kind {kind!r}")
    return index


def decode_frame(blob: bytes) -> pd.DataFrame:
    """The frame :func:`encode_frame` stored."""
    try:
        doc = json.loads(zlib.decompress(blob).decode("utf-8"))
    except (zlib.error, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FrameCodecError("stored frame is damaged") from exc
    if doc.get("format") != FORMAT:
        raise FrameCodecError(f"unknown frame format {doc.get('format')!r}")
    enc_index = doc["index"]
    if enc_index["kind"] == "range":
        index: pd.Index = pd.RangeIndex(enc_index["start"], enc_index["stop"], enc_index["step"],
                                        name=enc_index["name"])
    else:
        index = _decode_values(enc_index["column"]).rename(enc_index["name"])
    names = [c["name"] for c in doc["columns"]]
    data = {i: pd.Series(_decode_values(c), index=index, copy=False) for i, c in enumerate(doc["columns"])}
    df = pd.DataFrame(data, index=index)
    df.columns = pd.Index(names, dtype=doc.get("columns_dtype") or None) if names else pd.Index(
        [], dtype=doc.get("columns_dtype") or object)
    return df


def frame_digest_material(df: pd.DataFrame) -> bytes:
    """Bytes that are equal exactly when two frames are equal (for the duplicate check)."""
    return zlib.decompress(encode_frame(df))

