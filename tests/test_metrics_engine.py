"""The engine's rules: statuses at their boundaries, Y and D, windows, fallback, overrides, history."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from metrics.engine import (
    TargetSetting,
    compute_all,
    default_period,
    evidence,
    history,
    history_all,
    status_of,
    year_fraction,
)
from metrics.registry import BY_ID, METRICS
from metrics.vocab import Status
from tests.support.frames import frames

D = "2026-06-30"


# ---------------------------------------------------------------- statuses
STATUS_CASES = [
    # (case, metric, value, target, expected, numerator, denominator, status)
    ("ratio-exactly-on-target", "B08", 0.9, 0.9, None, None, None, "met"),
    ("ratio-above", "B08", 0.95, 0.9, None, None, None, "met"),
    ("ratio-exactly-5pp-under", "B08", 0.85, 0.9, None, None, None, "at_risk"),
    ("ratio-just-over-5pp-under", "B08", 0.8499, 0.9, None, None, None, "behind"),
    ("ratio-100-exactly-5pp-under", "B10", 0.95, 1.0, None, None, None, "at_risk"),
    ("ratio-none-is-no-data", "B08", None, 0.9, None, None, None, "no_data"),
    ("paced-annual-target-met", "B04", 4, 4, 2.0, None, None, "met"),
    ("paced-exactly-expected", "B04", 2, 4, 2.0, None, None, "on_track"),
    ("paced-exactly-80pct-expected", "T14", 8, 12, 10.0, None, None, "at_risk"),
    ("paced-under-80pct-expected", "T14", 7, 12, 10.0, None, None, "behind"),
    ("paced-zero-count-is-behind-not-no-data", "T05", 0, 2, 1.0, None, None, "behind"),
    ("unpaced-exactly-80pct", "B07c", 8, 10, None, None, None, "at_risk"),
    ("unpaced-under-80pct", "B07c", 7, 10, None, None, None, "behind"),
    ("sum-exactly-80pct", "B09a", 320, 400, None, None, None, "at_risk"),
    ("sum-under", "B09a", 319, 400, None, None, None, "behind"),
    ("zero-none", "B02", 0, 0, None, None, None, "met"),
    ("zero-one-event", "B02", 1, 0, None, None, None, "behind"),
    ("checklist-all", "T01", 1.0, 1.0, None, 5, 5, "met"),
    ("checklist-one-missing-of-5", "T01", 0.8, 1.0, None, 4, 5, "at_risk"),
    ("checklist-two-missing", "T01", 0.6, 1.0, None, 3, 5, "behind"),
    ("checklist-one-item-missing", "B09b", 0.0, 1.0, None, 0, 1, "behind"),
    ("checklist-office-target-3-of-5", "T01", 0.6, 0.6, None, 3, 5, "met"),
]


@pytest.mark.parametrize(("case", "metric_id", "value", "target", "expected", "num", "den", "status"),
                         STATUS_CASES, ids=[c[0] for c in STATUS_CASES])
def test_status_boundaries(case, metric_id, value, target, expected, num, den, status):
    assert status_of(BY_ID[metric_id], value, target, expected, num, den) == status


@pytest.mark.parametrize(("year", "day", "fraction"), [
    (2026, "2026-12-31", 1.0), (2024, "2024-12-31", 1.0), (2026, "2026-01-01", 1 / 365),
    (2024, "2024-02-29", 60 / 366), (2026, "2027-03-01", 1.0), (2026, "2025-12-31", 0.0)])
def test_year_fraction(year, day, fraction):
    assert year_fraction(year, pd.Timestamp(day)) == pytest.approx(fraction)


def test_pace_at_31_december_is_the_annual_target():
    data = frames(activities=[{"活动日期": "2026-12-31", "活动名称": "x", "活动类别": "党建"}] * 11)
    t14 = compute_all(data).get("T14")
    assert t14.expected == pytest.approx(12.0)
    assert (t14.value, t14.status) == (11, "at_risk")  # 11 ≥ 80 % of 12, but no longer on track
    leap = frames(activities=[{"活动日期": "2024-12-31", "活动名称": "x", "活动类别": "党建"}])
    assert compute_all(leap).get("T14").expected == pytest.approx(12.0)


def test_exactly_80pct_of_pace_through_the_engine():
    # 73 × 100/365 = 20 expected on 10 Apr 2026; 16 is exactly 80 % of it.
    data = frames(activities=[{"活动日期": "2026-01-05", "活动名称": "x", "活动类别": "党建"}] * 16)
    result = compute_all(data, year=2026, as_of="2026-04-10", targets={"T14": TargetSetting(73, True)}).get("T14")
    assert result.expected == pytest.approx(20.0)
    assert result.status == "at_risk"
    result = compute_all(data, year=2026, as_of="2026-04-10", targets={"T14": TargetSetting(74, True)}).get("T14")
    assert result.status == "behind"


# ---------------------------------------------------------------- B02 window
@pytest.mark.parametrize(("as_of", "fire_day", "counted"), [
    ("2026-06-30", "2023-06-30", False),  # exactly D − 3 years: outside
    ("2026-06-30", "2023-07-01", True),
    ("2026-06-30", "2026-06-30", True),  # D itself: inside
    ("2026-06-30", "2026-07-01", False),  # after D
    ("2028-02-29", "2025-02-28", False),  # 29 Feb − 3 years → 28 Feb, outside
    ("2028-02-29", "2025-03-01", True),
])
def test_b02_window(as_of, fire_day, counted):
    data = frames(incidents=[{"发生日期": fire_day, "事件类别": "火灾", "等级": "重大"}])
    b02 = compute_all(data, year=int(as_of[:4]), as_of=as_of).get("B02")
    assert b02.value == (1 if counted else 0)
    assert b02.status == ("behind" if counted else "met")


# ---------------------------------------------------------------- Y and D
def test_default_period_uses_only_starred_dates():
    data = frames(
        activities=[{"活动日期": "2026-03-05", "活动名称": "x", "活动类别": "文体"}],
        mediation=[{"受理日期": "2026-05-20", "调解结果": "成功", "结案日期": "2027-01-10"}],  # 结案日期 not starred
        inspections=[{"巡查日期": "2025-11-01", "问题类别": "六乱", "整改状态": "已整改", "整改日期": "2026-09-01"}],
        projects=[{"项目名称": "p", "项目类型": "实事工程", "状态": "开展中", "计划完成日期": "2027-06-30"}],
    )
    assert default_period(data) == (2026, dt.date(2026, 5, 20))
    assert default_period(data, 2025) == (2025, dt.date(2025, 11, 1))
    assert default_period(data, 2024) == (2024, dt.date(2024, 12, 31))
    results = compute_all(data)
    assert (results.year, results.as_of) == (2026, dt.date(2026, 5, 20))


def test_indicator_dates_count_for_the_default_period():
    data = frames(indicators=[{"指标": "B15", "统计日期": "2026-11-20", "数值": 0.25}])
    assert default_period(data) == (2026, dt.date(2026, 11, 20))


def test_as_of_alone_sets_the_year():
    data = frames(activities=[{"活动日期": "2026-03-05", "活动名称": "x", "活动类别": "文体"}])
    results = compute_all(data, as_of=dt.date(2025, 12, 31))
    assert (results.year, results.get("B04").value) == (2025, 0)


def test_nothing_after_d_for_volunteer_join_dates():
    data = frames(volunteers=[{"队伍": "计生志愿者", "状态": "在册", "加入日期": "2026-07-01"},
                              {"队伍": "计生志愿者", "状态": "在册", "加入日期": "2026-06-30"}])
    assert compute_all(data, 2026, D).get("T09").value == 1
    assert compute_all(data, 2026, "2026-07-01").get("T09").value == 2


# ---------------------------------------------------------------- 指标填报 fallback
def test_fallback_takes_latest_indicator_row_up_to_d():
    data = frames(indicators=[
        {"指标": "B07a", "统计日期": "2026-03-01", "数值": 0.80},
        {"指标": " b07a ", "统计日期": "2026-06-01", "数值": 0.92},
        {"指标": "B07a", "统计日期": "2026-08-01", "数值": 0.50},  # after D
    ])
    result = compute_all(data, 2026, D).get("B07a")
    assert (result.value, result.status, result.source) == (pytest.approx(0.92), "met", "指标填报")
    assert result.evidence_count == 1
    shown = evidence(data, "B07a", 2026, D)
    assert shown["数值"].tolist() == [pytest.approx(0.92)]


def test_fallback_percent_written_as_whole_number():
    data = frames(indicators=[{"指标": "纠纷调解率", "统计日期": "2026-03-01", "数值": 92}])
    assert compute_all(data, 2026, D).get("B08").value == pytest.approx(0.92)


def test_ledger_wins_over_indicator_with_a_warning():
    data = frames(greening=[{"统计日期": "2026-03-01", "小区总面积": 1000, "绿化面积": 250}],
                  indicators=[{"指标": "绿化率", "统计日期": "2026-04-01", "数值": 0.30}])
    b15 = compute_all(data, 2026, D).get("B15")
    assert (b15.value, b15.source) == (0.25, "绿化台账")
    assert len(b15.warnings) == 1 and "以台账为准" in b15.warnings[0]
    same = frames(greening=[{"统计日期": "2026-03-01", "小区总面积": 1000, "绿化面积": 250}],
                  indicators=[{"指标": "B15", "统计日期": "2026-04-01", "数值": 0.25}])
    assert compute_all(same, 2026, D).get("B15").warnings == []


def test_ledger_wins_warning_is_structured_and_switches_language():
    import json
    import pickle

    data = frames(greening=[{"统计日期": "2026-03-01", "小区总面积": 1000, "绿化面积": 250}],
                  indicators=[{"指标": "绿化率", "统计日期": "2026-04-01", "数值": 0.30}])
    (warning,) = compute_all(data, 2026, D).get("B15").warnings
    assert (warning.key, warning.params) == ("metrics.warning.ledger_wins",
                                             {"reported": "30.0%", "computed": "25.0%"})
    assert warning.text("zh") == warning == "指标填报值 30.0% 与台账计算值 25.0% 不一致，以台账为准"
    assert warning.text("en") == "Reported value 30.0% differs from the ledger's 25.0%; the ledger wins"
    assert pickle.loads(pickle.dumps(warning)).text("en") == warning.text("en")  # st.cache_data pickles results
    shown = json.loads(json.dumps(compute_all(data, 2026, D).to_dict(), ensure_ascii=False))
    b15 = next(m for m in shown["metrics"] if m["id"] == "B15")
    assert b15["warnings"] == [{"key": "metrics.warning.ledger_wins", "params": {"reported": "30.0%", "computed": "25.0%"},
                                "message": "指标填报值 30.0% 与台账计算值 25.0% 不一致，以台账为准"}]


def test_t08_is_b15_from_indicator_named_by_full_chinese_name():
    data = frames(indicators=[{"指标": " 绿化率 ", "统计日期": "2026-04-01", "数值": 0.25}])
    results = compute_all(data, 2026, D)
    b15, t08 = results.get("B15"), results.get("T08")
    assert (b15.value, b15.status, b15.source) == (0.25, "met", "指标填报")
    assert (t08.value, t08.status, t08.source, t08.target) == (0.25, "behind", "指标填报", 0.38)


def test_t08_named_by_its_own_full_name_only_when_b15_has_nothing():
    data = frames(indicators=[{"指标": "绿化率（年度目标）", "统计日期": "2026-04-01", "数值": 0.40}])
    results = compute_all(data, 2026, D)
    assert results.get("B15").status == "no_data"
    assert (results.get("T08").value, results.get("T08").status) == (0.40, "met")


def test_fallback_checklist_as_count_of_items():
    data = frames(indicators=[{"指标": "T01", "统计日期": "2026-04-01", "数值": 4}])
    t01 = compute_all(data, 2026, D).get("T01")
    assert (t01.value, t01.numerator, t01.denominator, t01.status) == (0.8, 4, 5, "at_risk")


# ---------------------------------------------------------------- targets and switching off
def test_target_sheet_overrides_and_switches_off():
    data = frames(
        activities=[{"活动日期": "2026-02-01", "活动名称": "x", "活动类别": "文体"}] * 3,
        targets=[{"指标": "B04", "目标值": 3}, {"指标": "B05c", "启用": False}, {"指标": "B08", "目标值": 95}],
    )
    results = compute_all(data, 2026, D)
    b04 = results.get("B04")
    assert (b04.target, b04.target_source, b04.plan_target, b04.status) == (3, "office", 4, "met")
    assert results.get("B08").target == pytest.approx(0.95)
    assert results.get("B05c") is None
    assert "B05c" not in [m["id"] for m in results.to_dict()["metrics"]]
    assert len(results.metrics) == len(METRICS) - 1
    assert history(data, "B05c", 2026, D).empty


def test_office_targets_win_over_the_sheet():
    data = frames(activities=[{"活动日期": "2026-02-01", "活动名称": "x", "活动类别": "文体"}],
                  targets=[{"指标": "B04", "目标值": 3}, {"指标": "B05c", "启用": False}])
    office = {"B04": TargetSetting(6, True), "B05c": TargetSetting(None, True), "B06": TargetSetting(None, False)}
    results = compute_all(data, 2026, D, targets=office)
    assert results.get("B04").target == 6
    assert results.get("B05c") is not None and results.get("B05c").target_source == "plan"
    assert results.get("B06") is None


# ---------------------------------------------------------------- no data
@pytest.mark.parametrize(("metric_id", "ledgers"), [
    ("B08", dict(mediation=[{"受理日期": "2026-03-01", "调解结果": "调解中"}])),  # denominator 0
    ("T15", dict(projects=[{"项目名称": "p", "项目类型": "实事工程", "状态": "开展中", "计划完成日期": "2026-09-01"}])),
    ("B15", dict(greening=[{"统计日期": "2026-03-01", "小区总面积": 0, "绿化面积": 0}])),
    ("B17", dict(facilities=[{"设施名称": "棚", "设施类别": "自行车棚", "状态": "正常"}])),
    ("T04", dict(hotline=[{"受理日期": "2025-03-01", "办结": True}])),
    ("B07b", dict(activities=[{"活动日期": "2026-03-01", "活动名称": "x", "活动类别": "文体"}])),  # ledger absent
])
def test_no_data_is_never_zero_or_behind(metric_id, ledgers):
    results = compute_all(frames(**ledgers), 2026, D)
    result = results.get(metric_id)
    assert (result.value, result.status) == (None, "no_data")
    as_json = next(m for m in results.to_dict()["metrics"] if m["id"] == metric_id)
    assert as_json["value"] is None and as_json["status"] == "no_data"


def test_everything_absent_gives_no_data_for_all():
    assert compute_all({}, 2026, D).status_counts()[Status.NO_DATA] == len(METRICS)


# ---------------------------------------------------------------- identity and matching
def test_t13_falls_back_to_names_without_key_column():
    data = frames(volunteers=[{"队伍": "计生志愿者", "状态": "在册", "姓名": "张三"},
                              {"队伍": "业余消防队", "状态": "在册", "姓名": "张三"},
                              {"队伍": "业余消防队", "状态": "在册", "姓名": "李四"}])
    data["volunteers"] = data["volunteers"].drop(columns=["姓名_key"])
    assert compute_all(data, 2026, D).get("T13").value == 2


def test_t13_masked_names_are_not_identities():
    data = frames(volunteers=[{"队伍": "计生志愿者", "状态": "在册", "姓名": "张*", "姓名_key": "a"},
                              {"队伍": "计生志愿者", "状态": "在册", "姓名": "张*", "姓名_key": "b"}])
    assert compute_all(data, 2026, D).get("T13").value == 2


def test_checklist_names_fold_full_width_and_spaces():
    data = frames(projects=[{"项目名称": "　争创 全国社区建设模范居委会 ", "项目类型": "创建称号", "状态": "已获得"}])
    assert compute_all(data, 2026, D).get("T11d").status == "met"


def test_t03_splits_on_every_separator():
    data = frames(activities=[{"活动日期": "2026-03-01", "活动名称": "x", "活动类别": "共建",
                               "共建单位": "区总工会,供电局，市自来水公司；电信局"}])
    assert compute_all(data, 2026, D).get("T03").status == "met"


# ---------------------------------------------------------------- output, evidence, history
def test_to_dict_shape():
    data = frames(mediation=[{"受理日期": "2026-03-01", "调解结果": "成功"}] * 2 + [
        {"受理日期": "2026-03-02", "调解结果": "未成功"}])
    report = {"ledgers": {"调解台账": {"rows": 3, "skipped": 0}}, "problems": []}
    out = json.loads(json.dumps(compute_all(data, 2026, D).to_dict(report), ensure_ascii=False))
    assert (out["year"], out["as_of"], out["report"]) == (2026, D, report)
    assert [m["id"] for m in out["metrics"]] == [m.id for m in METRICS]
    b08 = next(m for m in out["metrics"] if m["id"] == "B08")
    for key, value in {"value": 0.6667, "target": 0.9, "op": ">=", "status": "behind", "source": "调解台账",
                       "numerator": 2, "denominator": 3, "name": "纠纷调解率"}.items():
        assert b08[key] == value, key


def test_evidence_rows_drop_identity_hashes_and_flag_the_numerator():
    data = frames(mediation=[{"受理日期": "2026-03-01", "调解结果": "成功", "当事人": "张*", "当事人_key": "h"},
                             {"受理日期": "2026-03-02", "调解结果": "转交"},
                             {"受理日期": "2026-03-03", "调解结果": "调解中"}])
    rows = evidence(data, "B08", 2026, D)
    assert len(rows) == 2 == compute_all(data, 2026, D).get("B08").evidence_count
    assert "当事人_key" not in rows.columns and {"_file", "_sheet", "_row", "当事人"} <= set(rows.columns)
    assert rows["计入分子"].tolist() == [True, False]
    assert rows["_row"].tolist() == [2, 3]


def test_history_month_ends_up_to_d():
    data = frames(activities=[{"活动日期": day, "活动名称": "x", "活动类别": "文体"}
                              for day in ("2026-01-15", "2026-02-10", "2026-02-28", "2026-04-01", "2026-04-20")])
    hist = history(data, "B04", 2026, "2026-04-20")
    assert hist["month_end"].tolist() == [dt.date(2026, 1, 31), dt.date(2026, 2, 28), dt.date(2026, 3, 31),
                                          dt.date(2026, 4, 20)]
    assert hist["value"].tolist() == [1, 3, 3, 5]
    assert hist["status"].iloc[-1] == "met"
    assert hist["status"].iloc[0] == "on_track"  # 1 ≥ 4 × 31/365


def test_history_of_an_earlier_year_for_year_on_year():
    data = frames(greening=[{"统计日期": "2025-03-01", "小区总面积": 100, "绿化面积": 18},
                            {"统计日期": "2025-09-01", "小区总面积": 100, "绿化面积": 21},
                            {"统计日期": "2026-02-01", "小区总面积": 100, "绿化面积": 25}])
    last_year = history(data, "B15", 2025)
    assert len(last_year) == 9 and last_year["month_end"].iloc[-1] == dt.date(2025, 9, 1)
    assert last_year["value"].iloc[0] is None or pd.isna(last_year["value"].iloc[0])  # nothing yet in January
    assert last_year["status"].tolist()[:3] == ["no_data", "no_data", "at_risk"]
    assert last_year["value"].iloc[-1] == pytest.approx(0.21)
    full = history(data, "B15", 2025, "2025-12-31")
    assert len(full) == 12 and full["value"].iloc[-1] == pytest.approx(0.21)


def test_history_all_matches_compute_all_at_d():
    data = frames(activities=[{"活动日期": "2026-03-01", "活动名称": "x", "活动类别": "文体"}],
                  mediation=[{"受理日期": "2026-05-01", "调解结果": "成功"}])
    hists = history_all(data, 2026, D)
    results = compute_all(data, 2026, D)
    assert list(hists) == [m.id for m in results.metrics]
    for m in results.metrics:
        last = hists[m.id].iloc[-1]
        assert last["status"] == m.status
        assert (pd.isna(last["value"]) and m.value is None) or last["value"] == pytest.approx(m.value)


def test_indicator_names_must_be_the_full_name_or_the_id():
    data = frames(indicators=[{"指标": "调解率", "统计日期": "2026-03-01", "数值": 0.95},
                              {"指标": "B8", "统计日期": "2026-03-01", "数值": 0.95}])
    assert compute_all(data, 2026, D).get("B08").status == "no_data"


@pytest.mark.parametrize("setting", [TargetSetting(6, True), {"value": 6, "enabled": True}, (6, True), 6])
def test_office_targets_accept_plain_shapes(setting):
    data = frames(activities=[{"活动日期": "2026-02-01", "活动名称": "x", "活动类别": "文体"}])
    assert compute_all(data, 2026, D, targets={"B04": setting}).get("B04").target == 6
