"""compute_all and history_all on 300k rows: every metric and every history comes back whole.

Timing is the benchmark's job (``bench/run.py`` prints it); no test asserts seconds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.engine import compute_all, history_all
from tests.support.frames import COLUMNS


def big_frames(seed: int = 0) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)

    def dates(n: int) -> pd.Series:
        return pd.Series(pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 1060, n), "D"),
                         dtype="datetime64[ns]")

    def cats(n: int, values: list) -> pd.Series:
        return pd.Series(np.array(values, dtype=object)[rng.integers(0, len(values), n)], dtype=object)

    def ledger(key: str, n: int, given: dict) -> pd.DataFrame:
        data = {}
        for col, kind in COLUMNS[key].items():
            if col in given:
                data[col] = given[col]
            elif kind == "date":
                data[col] = pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]")
            elif kind == "number":
                data[col] = np.full(n, np.nan)
            elif kind == "yesno":
                data[col] = pd.array(rng.random(n) < 0.9, dtype="boolean")
            else:
                data[col] = pd.Series([None] * n, dtype=object)
        frame = pd.DataFrame(data)
        frame["_file"], frame["_sheet"], frame["_row"] = "x.xlsx", "s", np.arange(2, n + 2)
        return frame

    n = 50_000
    return {
        "activities": ledger("activities", n, {"活动日期": dates(n), "活动类别": cats(n, ["文体", "科普", "法制", "双拥", "党建"]),
                                               "共建单位": cats(n, [None, "供电局、电信局", "总工会"])}),
        "households": ledger("households", n, {"户号": cats(n, [str(i) for i in range(8000)]), "调查日期": dates(n)}),
        "security_log": ledger("security_log", n, {"日期": dates(n), "工作类型": cats(n, ["例会", "安全检查", "治安巡逻"])}),
        "hotline": ledger("hotline", n, {"受理日期": dates(n)}),
        "mediation": ledger("mediation", 30_000, {"受理日期": dates(30_000), "调解结果": cats(30_000, ["成功", "转交", "调解中"])}),
        "inspections": ledger("inspections", 30_000, {"巡查日期": dates(30_000), "问题类别": cats(30_000, ["六乱", "积存垃圾"]),
                                                      "整改状态": cats(30_000, ["已整改", "未整改"]), "整改日期": dates(30_000)}),
        "fire_equipment": ledger("fire_equipment", 30_000, {
            "位置": cats(30_000, [f"{i}号楼" for i in range(300)]), "器材类型": cats(30_000, ["灭火器", "烟感"]),
            "应配数量": np.full(30_000, 5.0), "实配数量": np.full(30_000, 5.0), "检查日期": dates(30_000)}),
        "volunteers": ledger("volunteers", 10_000, {"队伍": cats(10_000, ["业余消防队", "计生志愿者"]),
                                                    "状态": cats(10_000, ["在册", "退出"]),
                                                    "姓名_key": cats(10_000, [f"k{i}" for i in range(5000)])}),
        "incidents": ledger("incidents", 10_000, {"发生日期": dates(10_000), "事件类别": cats(10_000, ["火灾", "赌博", "其他"])}),
    }


def test_300k_rows_give_every_metric_and_history():
    data = big_frames()
    assert sum(len(f) for f in data.values()) >= 300_000
    results = compute_all(data)
    hists = history_all(data)
    assert [m.id for m in results.metrics] == list(hists)
    assert len(results.metrics) == 46
    # every history is month ends of Y up to D, the last point the current value
    for metric in results.metrics:
        hist = hists[metric.id]
        assert hist["month_end"].is_monotonic_increasing
        last = hist["value"].iloc[-1]
        if metric.value is None:
            assert pd.isna(last)
        else:
            assert last == metric.value
