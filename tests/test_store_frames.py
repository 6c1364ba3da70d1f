"""The frame codec: every dtype the reader makes (and a few more) comes back exactly."""

from __future__ import annotations

import datetime as dt
import zlib
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from store.frames import FrameCodecError, decode_frame, encode_frame
from tests.support.store import assert_frames_equal, ledger_frames


def _round_trip(df: pd.DataFrame) -> pd.DataFrame:
    out = decode_frame(encode_frame(df))
    pd.testing.assert_frame_equal(df, out, check_exact=True)
    assert df.dtypes.to_dict() == out.dtypes.to_dict()
    return out


def test_contract_1_frames_round_trip() -> None:
    frames = ledger_frames(3, rows=25)
    assert_frames_equal(frames, {k: decode_frame(encode_frame(v)) for k, v in frames.items()})


def test_floats_are_exact() -> None:
    values = [0.1 + 0.2, 1 / 3, 1e-300, 5e-324, 1.7976931348623157e308, -0.0, np.nan, np.inf, -np.inf]
    out = _round_trip(pd.DataFrame({"x": pd.Series(values, dtype="float64")}))
    assert [repr(v) for v in out["x"]] == [repr(v) for v in values]
    assert np.signbit(out["x"][5])


def test_datetimes_keep_unit_and_nanoseconds() -> None:
    # a Series in, so that None is a missing value to pandas-stubs as it is to pandas
    ns = pd.to_datetime(pd.Series(["2026-03-05 00:00:00.000000001", None])).astype("datetime64[ns]")
    us = pd.to_datetime(pd.Series(["2026-03-05", None])).astype("datetime64[us]")
    tz = pd.to_datetime(pd.Series(["2026-03-05 08:00", None])).dt.tz_localize("Asia/Shanghai")
    td = pd.Series(pd.to_timedelta(["1 day", None]))
    _round_trip(pd.DataFrame({"ns": ns, "us": us, "tz": tz, "td": td}))


def test_missing_values_keep_their_kind() -> None:
    df = pd.DataFrame({
        "obj": pd.Series(["a", None, np.nan, pd.NA, pd.NaT], dtype=object),
        "boolean": pd.array([True, False, None, True, None], dtype="boolean"),
        "Int64": pd.array([1, None, 3, None, 5], dtype="Int64"),
        "str": pd.Series(["a", None, "c", None, "e"], dtype="str"),
        "string": pd.Series(["a", None, "c", None, "e"], dtype="string"),
    })
    out = _round_trip(df)
    cells = out["obj"].tolist()
    assert cells[0] == "a" and cells[1] is None and cells[3] is pd.NA and cells[4] is pd.NaT
    assert isinstance(cells[2], float) and np.isnan(cells[2])


def test_odd_object_cells() -> None:
    values = [dt.date(2026, 3, 5), dt.datetime(2026, 3, 5, 8, 30), pd.Timestamp("2026-03-05 08:00"),
              Decimal("1.10"), ["a", 1], True, 7, "文字"]
    out = _round_trip(pd.DataFrame({"o": pd.Series(values, dtype=object)}))
    assert [type(v) for v in out["o"]] == [type(v) for v in values]


def test_numpy_ints_bools_and_categories() -> None:
    df = pd.DataFrame({
        "i": np.array([1, 2, 3], dtype="int64"),
        "u8": np.array([1, 2, 255], dtype="uint8"),
        "b": np.array([True, False, True]),
        "f32": np.array([0.1, 0.2, 0.3], dtype="float32"),
        "cat": pd.Categorical(["x", "y", None], categories=["y", "x"], ordered=True),
    })
    _round_trip(df)


def test_index_and_column_names() -> None:
    df = pd.DataFrame({"面积（㎡）": [1.0, 2.0], "备注": ["a", "b"]}, index=pd.Index([10, 20], name="行"))
    _round_trip(df)
    _round_trip(pd.DataFrame({"a": [1, 2]}, index=pd.RangeIndex(5, 9, 2)))
    _round_trip(pd.DataFrame())
    _round_trip(pd.DataFrame({"a": pd.Series([], dtype="datetime64[ns]"), "b": pd.Series([], dtype=object)}))


def test_damaged_or_foreign_blobs_are_refused() -> None:
    with pytest.raises(FrameCodecError):
        decode_frame(b"not zlib")
    with pytest.raises(FrameCodecError):
        decode_frame(zlib.compress(b'{"format": "pickle"}'))
