"""The pure side of meeting mode: slide list, item order, freshness, PDF rows, colours, projector figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from charts.figures import metric_figure
from charts.palette import STATUSES
from metrics.engine import MetricResult
from tests.support.results import action_item, check_in, metric, results
from ui import meeting
from ui.projector import INK, MUTED, PAPER, STATUS_TEXT, contrast

D = dt.date(2026, 11, 20)
MEETING = dt.date(2026, 11, 28)


def m(id_: str, theme: str, status: str) -> MetricResult:
    return metric(id_, theme, status=status, value=None)


THEME_SLIDES = [("theme", th) for th in meeting.THEMES]


@pytest.mark.parametrize("metrics, attention", [
    ((), []),
    ((m("B01", "safety", "met"), m("B07a", "safety", "at_risk"), m("C01", "culture", "behind")),
     [("metric", "C01"), ("metric", "B07a")]),  # behind before at risk, whatever the catalogue order
    ((m("B08", "safety", "behind"), m("T15", "party", "behind"), m("T01", "service", "at_risk"),
      m("X", "environment", "on_track"), m("Y", "environment", "no_data")),
     [("metric", "B08"), ("metric", "T15"), ("metric", "T01")]),
])
def test_problems_first_then_improved_then_theme_appendix(metrics, attention) -> None:
    deck = meeting.slides(results(*metrics))
    assert [(s.kind, s.key) for s in deck] == [("summary", "summary"), *attention, ("improved", "improved"),
                                              *THEME_SLIDES]
    assert deck[0].metric_ids == tuple(k for _, k in attention)  # slide 1 lists exactly the problem slides
    themes = {s.key: s.metric_ids for s in deck if s.kind == "theme"}
    for x in metrics:
        assert x.id in themes[x.theme]


def mv(id_: str, status: str, kind: str, value: float, target: float, op: str = ">=") -> MetricResult:
    return metric(id_, "safety", kind, status, op=op, value=value, target=target)


@pytest.mark.parametrize("metrics, want", [
    # within "behind": 0.84 of 0.95 is 11.6 % short, 0.31 of 0.6 is 48 % short, 1 fire over 0 is 100 %
    ((mv("B08", "behind", "ratio", 0.84, 0.95), mv("T08", "behind", "ratio", 0.31, 0.6),
      mv("B13b", "behind", "zero", 1, 0, "<=")), ["B13b", "T08", "B08"]),
    # at risk after behind however far short; ties keep the catalogue order
    ((mv("T01", "at_risk", "ratio", 0.5, 1.0), mv("T15", "behind", "ratio", 0.83, 0.85),
      mv("B05a", "at_risk", "count", 3, 6), mv("X", "met", "ratio", 1, 1)), ["T15", "T01", "B05a"]),
])
def test_problem_slides_most_severe_first(metrics, want) -> None:
    assert [p.id for p in meeting.problems(results(*metrics))] == want


@pytest.mark.parametrize("raw, n, want", [
    (None, 15, 1), ("3", 15, 3), ("0", 15, 1), ("-2", 15, 1), ("99", 15, 15), ("abc", 15, 1), (" 4 ", 15, 4),
    ("2", 0, 1),
])
def test_clamp_slide(raw, n, want) -> None:
    assert meeting.clamp_slide(raw, n) == want


def test_open_items_first_earlier_meetings_then_overdue_then_due() -> None:
    items = [
        action_item(1, "B08", "done long ago", "物业", dt.date(2026, 10, 1), dt.date(2026, 9, 28), "done", False),
        action_item(2, "B08", "today, due soon", "楼组长", dt.date(2026, 12, 1), MEETING, "open", False),
        action_item(3, "T15", "last month, not yet due", "物业", dt.date(2026, 12, 20), dt.date(2026, 10, 28), "open", False),
        action_item(4, "T15", "last month, overdue", "楼组长", dt.date(2026, 11, 10), dt.date(2026, 10, 28), "open", True),
        action_item(5, "B08", "today, overdue already", "居委", dt.date(2026, 11, 27), MEETING, "open", True),
    ]
    assert [i.id for i in meeting.order_items(items, MEETING)] == [4, 3, 5, 2, 1]
    rows = meeting.pdf_items(items, MEETING, "zh")
    assert [r["action"] for r in rows][0] == "last month, overdue"
    assert rows[0] == {"metric_id": "T15", "metric": "T15 实事工程完成率", "action": "last month, overdue",
                       "owner": "楼组长", "due": "2026-11-10", "raised": "2026-10-28", "status": "未完成 · ⚠ 逾期 18 天"}
    assert rows[-1]["status"] == "已完成"
    html = meeting.item_html(items[3], MEETING, "zh", metric="T15")
    assert "逾期 18 天" in html and "2026-10-28 例会提出" in html and "T15" in html


@pytest.mark.parametrize("who, due, status, lang, present, absent", [
    # overdue counted against the meeting's as-of date (11-28), not today
    ("物业", dt.date(2026, 11, 20), "open", "zh", ["物业 · 期限 2026-11-20", "逾期 8 天", "2026-10-28 例会提出"], []),
    ("", dt.date(2026, 11, 20), "open", "zh", ["fix it · 期限 2026-11-20"], ["—"]),  # no owner: no dash
    ("  ", dt.date(2026, 12, 1), "open", "zh", ["2026-10-28 例会提出"], ["逾期", "—"]),
    ("Li", dt.date(2026, 11, 27), "open", "en", ["fix it — Li · due 2026-11-27", "1 d overdue", "raised 2026-10-28"], []),
    ("物业", dt.date(2026, 11, 1), "done", "zh", ["✔ 已完成"], ["逾期", "例会提出"]),
])
def test_item_line(who, due, status, lang, present, absent) -> None:
    item = action_item(9, "B08", "fix it", who, due, dt.date(2026, 10, 28), status, False)
    html = meeting.item_html(item, MEETING, lang)
    for text in present:
        assert text in html
    for text in absent:
        assert text not in html


@pytest.mark.parametrize("metric_id, lang, want", [
    ("B13b", "zh", "B13b 未整改卫生问题"), ("B08", "en", "B08 Dispute mediation rate"), ("ZZ9", "zh", "ZZ9"),
])
def test_items_name_their_metric(metric_id, lang, want) -> None:
    assert meeting.metric_label(metric_id, lang) == want


def test_freshness_uses_the_stale_set_it_is_given() -> None:
    newest = {"activities": dt.date(2026, 11, 16), "fire_equipment": dt.date(2026, 9, 1),
              "greening": dt.date(2026, 10, 31)}
    rows = meeting.freshness(newest, {"fire_equipment"}, "zh")
    assert rows[0].key == "fire_equipment" and rows[0].stale and rows[0].name == "消防器材台账"
    assert [r.stale for r in rows[1:]] == [False, False]
    html = meeting.freshness_html(rows, "zh")
    assert html.count("未更新") == 1 and "2026-09-01" in html


def test_freshness_agrees_with_ui_data() -> None:
    """The slide flags exactly the ledgers the 未更新 badge flags (same function, same 45 days)."""
    import pandas as pd

    from metrics.registry import STARRED_DATES
    from ui import data

    key, col = next(iter(STARRED_DATES.items()))
    frames = {key: pd.DataFrame({col: pd.to_datetime(["2026-09-01"])})}
    stale = data.stale_ledgers(frames, D)
    rows = meeting.freshness(data.ledger_newest(frames), stale, "zh")
    assert [(r.key, r.stale) for r in rows] == [(key, True)]


def test_every_slide_colour_passes_aaa() -> None:
    for colour in (INK, MUTED, *STATUS_TEXT.values()):
        assert contrast(colour, PAPER) >= 7, colour
    assert set(STATUS_TEXT) == set(STATUSES)
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21)


def test_badges_carry_icon_and_word() -> None:
    html = meeting.badge("behind", "zh")
    assert "✖" in html and "未达标" in html and "st-behind" in html


def test_projector_figure_has_large_type() -> None:
    r = metric("B08", "safety", "ratio", "behind", name="纠纷调解率", name_en="Mediation rate", unit="%", value=0.84,
               target=0.9, numerator=21, denominator=25)
    fig = meeting.projector_figure(metric_figure(r, None, "zh", as_of=D))
    assert fig.layout.xaxis.tickfont.size >= 20 and fig.layout.yaxis.tickfont.size >= 20
    assert fig.layout.font.size >= 24
    assert all(a.font.size >= 20 for a in fig.layout.annotations)


def test_projector_form_fields_are_large() -> None:
    """The add-item form on a slide: typed text, the date input's value (drawn as spans) and select
    values at >= 24 px, in one rule of the projector's style."""
    import re

    from ui import projector

    rule = next(r for r in re.findall(r"([^{}]+)\{([^{}]*)\}", projector.PROJECTOR_CSS)
                if '[data-testid="stDateInput"] span' in r[0])
    size = int(re.search(r"font-size:\s*(\d+)px", rule[1]).group(1))
    assert size >= 24
    for selector in ("input", "textarea", '[data-testid="stDateInput"] span', '[data-baseweb="select"] div'):
        assert f".stMainBlockContainer {selector}," in rule[0] + ",", selector


def _short_result(kind: str, id: str = "B08", **kw: Any) -> MetricResult:
    return metric(id, "safety", kind, "behind", **kw)


def test_shortfall_of_a_ratio_lists_the_rows_not_counted_a_page_at_a_time() -> None:
    import pandas as pd

    from ui.meeting import SHORTFALL_ROWS, shortfall, shortfall_html

    # a metric naming no columns: the ledger's own columns that hold anything, Excel order among equal dates
    rows = pd.DataFrame({"受理日期": pd.to_datetime(["2026-01-05"] * 12), "当事人": ["张*"] * 12,
                         "调解结果": ["未成功"] * 10 + ["成功"] * 2, "已回访": pd.array([True, False] * 6, "boolean"),
                         "_file": ["a.xlsx"] * 12, "_sheet": ["调解"] * 12, "_row": list(range(2, 14)),
                         "计入分子": [False] * 10 + [True] * 2})
    short = shortfall(_short_result("ratio", id="X08"), rows, "zh")
    assert "10" in short.title and short.total == 10 and short.pages == 2
    assert list(short.table.columns)[0] == "行" and "计入分子" not in short.table.columns
    first, caption = short.page(1)
    assert list(first["行"]) == [str(r) for r in range(2, 2 + SHORTFALL_ROWS)] and caption == "第 1–8 条 / 共 10 条"
    second, caption = short.page(5)  # clamped to the last page
    assert list(second["行"]) == ["10", "11"] and caption == "第 9–10 条 / 共 10 条"
    assert set(short.table["已回访"]) == {"是", "否"} and set(short.table["受理日期"]) == {"2026-01-05"}
    assert short is not None
    html = shortfall_html(short, "zh")
    assert "第 1–8 条 / 共 10 条" in html and "张*" in html and "成功</td>" not in html.replace("未成功", "")


def test_shortfall_rows_in_the_metrics_own_columns_newest_first_with_units() -> None:
    import pandas as pd

    from ui.meeting import shortfall

    # B07a names 位置, 器材类型, 应配数量, 实配数量, 完好数量, 检查日期; 应配/实配 carry no unit, so a
    # ledger number reads as a number with separators
    rows = pd.DataFrame({"位置": ["1号楼", "2号楼", "3号楼"], "器材类型": ["灭火器"] * 3,
                         "应配数量": [1200.0, 4.0, 2.0], "实配数量": [1100.0, 3.0, 1.0], "完好数量": [None, 3.0, 1.0],
                         "检查日期": pd.to_datetime(pd.Series(["2025-03-01", "2026-10-23", None])), "备注": ["x"] * 3,
                         "_row": [5, 9, 7], "计入分子": [False] * 3})
    short = shortfall(_short_result("ratio", id="B07a"), rows, "zh")
    assert list(short.table.columns) == ["行", "位置", "器材类型", "应配数量", "实配数量", "完好数量", "检查日期"]
    assert list(short.table["行"]) == ["9", "5", "7"]  # 2026 before 2025, undated last
    assert list(short.table.iloc[1]) == ["5", "1号楼", "灭火器", "1,200", "1,100", "", "2025-03-01"]


def test_shortfall_numbers_carry_the_columns_unit() -> None:
    import pandas as pd

    from ui.meeting import shortfall

    rows = pd.DataFrame({"设施名称": ["车棚"], "面积": [1234.5], "_row": [3], "计入分子": [False]})
    short = shortfall(_short_result("ratio", id="B17"), rows, "zh")  # B17 reads the facilities ledger
    assert list(short.table.iloc[0]) == ["3", "车棚", "1,234.5 ㎡"]


def test_shortfall_of_zero_checklist_and_counts() -> None:
    import pandas as pd

    from ui.meeting import shortfall

    events = pd.DataFrame({"巡查日期": pd.to_datetime(["2026-10-02"]), "问题类别": ["积存垃圾"], "_row": [7]})
    short = shortfall(_short_result("zero", id="B13b"), events, "zh")
    assert short.total == 1 and list(short.table.iloc[0]) == ["7", "2026-10-02", "积存垃圾"]
    check = shortfall(_short_result("checklist", missing=["卫生小区"]), None, "zh")
    assert list(check.table.iloc[:, 0]) == ["卫生小区"] and "缺少" in check.title
    assert shortfall(_short_result("count", paced=True), events, "zh") is None


def test_slide_rows_are_projector_size() -> None:
    import re

    from ui import projector

    rule = re.search(r"\.deck table\.rows th, \.deck table\.rows td \{([^}]*)\}", projector.DECK_CSS).group(1)
    assert int(re.search(r"font-size:\s*(\d+)px", rule).group(1)) >= 24


def res(id_: str, status: str, kind: str, value: float, target: float, *, unit: str = "", op: str = ">=",
        source: str = "plan", plan: float = 0.0, **kw: float) -> MetricResult:
    return metric(id_, "safety", kind, status, op=op, name=id_ + "名", name_en=id_ + " name", unit=unit, value=value,
                  target=target, target_source=source, plan_target=plan, numerator=kw.get("numerator"),
                  denominator=kw.get("denominator"))


@pytest.mark.parametrize("metric, before, items, want", [
    (res("B08", "behind", "ratio", 0.84, 0.9), {"B08": 0.8}, {"B08": 2},
     ("84.0%", "≥ 90%", "差 6.0 个百分点", "▲ 4.0 个百分点", True, 2)),
    (res("B05a", "at_risk", "count", 3, 5, unit="次"), {"B05a": 4}, {},
     ("3 次", "≥ 5 次", "还差 2 次", "▼ 1 次", False, 0)),
    (res("T08", "behind", "ratio", 0.8, 0.8, source="office", plan=0.9), {}, {},
     ("80.0%", "≥ 80%（居委会调整；计划 ≥ 90%）", "", "—", None, 0)),
])
def test_problem_rows(metric, before, items, want) -> None:
    row = meeting.problem_rows([metric], before, items, "zh")[0]
    assert (row.value, row.target, row.gap, row.change, row.improved, row.open_items) == want
    html = meeting.problems_html([row], "zh")
    for text in (want[0], want[2], metric.id):
        assert text in html


def test_improvements_lists_only_what_moved_towards_the_target() -> None:
    up = res("A", "behind", "ratio", 0.84, 0.9)
    fewer_fires = res("B", "behind", "zero", 1, 0, op="<=", unit="起")
    worse = res("C", "at_risk", "count", 3, 5, unit="次")
    before = {"A": 0.8, "B": 3, "C": 4}
    assert [r.id for r in meeting.improvements([up, fewer_fires, worse], before, "zh")] == ["A", "B"]
    assert meeting.improvements([up], {}, "zh") == []


@pytest.mark.parametrize("status, earlier, want", [
    ("behind", ["behind", "behind"], 3),                  # this meeting and the two before: flagged
    ("behind", ["behind", "at_risk", "behind"], 2),       # the run stops at the first meeting not behind
    ("behind", [], 1),
    ("at_risk", ["behind", "behind"], 0),                 # not behind now: no run at all
])
def test_behind_streak(status, earlier, want) -> None:
    ins = [check_in(dt.date(2026, 10, 28) - dt.timedelta(days=30 * i), s) for i, s in enumerate(earlier)]
    ins.append(check_in(MEETING, "met"))  # today's own check-in does not count as an earlier meeting
    assert meeting.behind_streak(status, ins, MEETING) == want


def test_check_in_line_and_streak_flag() -> None:
    from ui.meeting.markup import check_in_html

    last = check_in(dt.date(2026, 10, 28), "behind", note="调解员已到位", owner="李委员")
    html = check_in_html(last, 3, "zh")
    assert "上次例会（2026-10-28）：调解员已到位 — 分管委员 李委员" in html and "连续 3 次例会未达标" in html
    html = check_in_html(check_in(dt.date(2026, 10, 28), "behind", note="开工"), 2, "zh")
    assert "上次例会（2026-10-28）：开工" in html and "分管委员" not in html and "连续" not in html
    assert "此前例会没有记录" in check_in_html(None, 0, "zh")
