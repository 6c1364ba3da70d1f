"""Builders shared by the store tests: small ledger frames typed as Contract 1 says the reader types
them, and a stand-in for ``LoadResult``."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

SECRET = b"test-secret"


def key(raw: str) -> str:
    return hmac.new(SECRET, raw.encode(), hashlib.sha256).hexdigest()


def obj(values: Any) -> pd.Series:
    """An object column holding str/None, as Contract 1 has text and category columns."""
    return pd.Series(list(values), dtype=object)


def dates(values: Any) -> pd.Series:
    return pd.Series(pd.to_datetime(list(values)), dtype="datetime64[ns]")


def provenance(df: pd.DataFrame, file: str, sheet: str) -> pd.DataFrame:
    df["_file"] = obj([file] * len(df))
    df["_sheet"] = obj([sheet] * len(df))
    df["_row"] = pd.Series(np.arange(3, 3 + len(df)), dtype="int64")
    return df


def ledger_frames(variant: int = 0, rows: int = 3) -> dict[str, pd.DataFrame]:
    """Three ledgers of masked, typed rows; ``variant`` changes the values, ``rows`` the length."""
    n = rows
    activities = pd.DataFrame({
        "活动日期": dates([f"2026-{1 + (i + variant) % 12:02d}-05" if i % 4 else None for i in range(n)]),
        "活动名称": obj([f"桃园读书会{variant}-{i}" for i in range(n)]),
        "活动类别": obj(["文体" if i % 2 else "科普" for i in range(n)]),
        "参与户数": pd.Series([float(i * 7 + variant) if i % 3 else np.nan for i in range(n)], dtype="float64"),
        "参与人数": pd.Series([0.1 + 0.2 + i for i in range(n)], dtype="float64"),
        "地点": obj([None if i % 2 else "活动室" for i in range(n)]),
        "共建单位": obj(["供电局、电信局" if i == 0 else None for i in range(n)]),
    })
    volunteers = pd.DataFrame({
        "姓名": obj(["张*", "李*", None][i % 3] for i in range(n)),
        "姓名_key": obj([key(f"v{variant}-{i}") if i % 3 != 2 else None for i in range(n)]),
        "队伍": obj(["治安巡逻队"] * n),
        "加入日期": dates(["2025-06-01", None, "2026-02-28"][i % 3] for i in range(n)),
        "状态": obj(["在册", "退出", "在册"][i % 3] for i in range(n)),
        "联系电话": obj(["138****5678", None, "139****0000"][i % 3] for i in range(n)),
        "联系电话_key": obj([key(f"p{i}"), None, key(f"q{i}")][i % 3] for i in range(n)),
    })
    households = pd.DataFrame({
        "户号": obj([f"{variant + 1}号{i:03d}室" for i in range(n)]),
        "调查日期": dates(["2026-03-01"] * n),
        "参加文化活动": pd.array([[True, False, None][i % 3] for i in range(n)], dtype="boolean"),
        "知晓消防知识": pd.array([True] * n, dtype="boolean"),
        "参与垃圾分类": pd.array([None] * n, dtype="boolean"),
    })
    return {
        "activities": provenance(activities, f"活动台账{variant}.xlsx", "活动台账"),
        "volunteers": provenance(volunteers, "志愿者名册.xlsx", "Sheet1"),
        "households": provenance(households, "入户调查.csv", "入户调查"),
    }


@dataclass
class FakeReport:
    data: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return self.data


@dataclass
class FakeResult:
    """What ``ledgers.reader.load_files`` returns, as far as the store cares."""

    frames: dict[str, pd.DataFrame]
    report: FakeReport = field(default_factory=lambda: FakeReport(sample_report()))


def sample_report(variant: int = 0) -> dict[str, Any]:
    return {
        "ledgers": {"活动台账": {"rows": 3, "skipped": 1}, "志愿者名册": {"rows": 3, "skipped": 0}},
        "problems": [{"file": f"活动台账{variant}.xlsx", "sheet": "活动台账", "row": 9, "column": "参与户数",
                      "message": "“十二”不是数字，此行按缺失值处理", "severity": "warning", "code": "bad_number"}],
        "sheets": [{"file": f"活动台账{variant}.xlsx", "sheet": "活动台账", "ledger": "activities",
                    "rows": 3, "hidden": False}],
    }


def upload(variant: int = 0, rows: int = 3) -> tuple[FakeResult, list[tuple[str, bytes]]]:
    """A result and the files it came from; different variants have different file bytes."""
    result = FakeResult(ledger_frames(variant, rows), FakeReport(sample_report(variant)))
    files = [(f"活动台账{variant}.xlsx", f"xlsx bytes {variant}".encode()),
             ("志愿者名册.xlsx", b"volunteers v1")]
    return result, files


def assert_frames_equal(left: dict[str, pd.DataFrame], right: dict[str, pd.DataFrame]) -> None:
    assert list(left) == list(right)
    for name in left:
        pd.testing.assert_frame_equal(left[name], right[name], check_exact=True)
        assert left[name].dtypes.to_dict() == right[name].dtypes.to_dict()
        # None stays None (not NaN) in object columns: Contract 1 promises None for blanks
        for col in left[name].columns:
            if left[name][col].dtype == object:
                assert [type(v) for v in left[name][col]] == [type(v) for v in right[name][col]], col
