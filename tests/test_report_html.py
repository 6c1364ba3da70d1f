"""The report's HTML, formatting and prerequisite checks: fast, no browser."""

from __future__ import annotations

import datetime as dt
from typing import Any

import plotly.graph_objects as go
import pytest

from metrics.engine import MetricResult, Results
from report import pdf
from report.format import format_target, format_value, scrub
from report.html import build_html, figure_count
from tests.support.results import metric


def _metric(mid: str, theme: str, kind: str = "ratio", status: str = "met", **kw: Any) -> MetricResult:
    fields: dict[str, Any] = {"numerator": 93, "denominator": 100, "evidence_count": 7, **kw}
    return metric(mid, theme, kind, status, **fields)


METRICS = [
    _metric("B01", "safety"),
    _metric("B02", "safety", kind="zero", value=1, target=0, op="=", status="behind"),
    _metric("B04", "culture", kind="count", unit="次", value=3, target=4, paced=True, expected=3.5,
            status="at_risk"),
    _metric("T01", "party", kind="checklist", value=0.6, target=1.0, numerator=3, denominator=5,
            missing=["科普小区", "安全小区"], status="behind"),
    _metric("B09a", "culture", kind="sum", unit="㎡", value=420.0, target=400, status="met"),
    _metric("T04", "service", value=None, status="no_data"),
]


def _html(**kw: Any) -> str:
    figures = {m.id: go.Figure(go.Bar(x=[1], y=[2])).update_layout(height=220) for m in METRICS[:-1]}
    args: dict[str, Any] = dict(year=2026, as_of=dt.date(2026, 11, 20), figures=figures, plotlyjs="/*plotly*/",
                community="桃园社区", sources=[("台账 13812345678.xlsx", dt.datetime(2026, 11, 21, 9, 30))],
                report={"ledgers": {"消防器材台账": {"rows": 120, "skipped": 1}},
                        "problems": [{"file": "a.xlsx", "sheet": "S", "row": 5, "column": "身份证号",
                                      "message": "身份证号 310101199001011234 重复", "severity": "warning"}]})
    args.update(kw)
    return build_html(METRICS, **args)


def test_every_theme_starts_a_page_and_every_figure_is_plotted():
    html = _html()
    assert html.count('class="page theme"') == 4  # safety, culture, service, party
    assert "section.page { break-before: page; }" in html
    assert figure_count(html) == len(METRICS) - 1
    assert html.count("/*plotly*/") == 1  # plotly.js inlined once
    for m in METRICS:
        assert m.name in html


def test_status_is_icon_and_word_never_colour_alone():
    html = _html()
    for icon, word in (("✔", "达标"), ("✖", "未达标"), ("▲", "需关注"), ("○", "无数据")):
        assert f"{icon} {word}" in html


def test_pii_in_problems_and_file_names_is_masked():
    html = _html()
    assert "310101199001011234" not in html and "13812345678" not in html
    assert "310***********1234" in html and "138****5678" in html


def test_sign_off_and_appendix_present():
    html = _html()
    for word in ("制表人", "审核人", "日期", "附录：导入问题", "消防器材台账"):
        assert word in html


def test_english_labels():
    html = _html(lang="en")
    assert "Metric B01" in html and "Prepared by" in html and "✔ Met" in html


@pytest.mark.parametrize(
    ("idx", "value", "target"),
    [(0, "93.0%", "≥ 90%"), (1, "1 起", "= 0 起"), (2, "3 次", "≥ 4 次"), (3, "3/5", "= 5/5"),
     (4, "420 ㎡", "≥ 400 ㎡"), (5, "—", "≥ 90%")],
)
def test_value_and_target_formatting(idx: int, value: str, target: str):
    assert format_value(METRICS[idx]) == value
    assert format_target(METRICS[idx]) == target


def test_scrub_masks_ids_and_phones_only():
    assert scrub("身份证 31010119900101123X 电话 13912345678") == "身份证 310***********123X 电话 139****5678"
    assert scrub("第 12 行 共 2026 年") == "第 12 行 共 2026 年"


def test_missing_chromium_or_font_raises_a_chinese_install_hint(monkeypatch):
    monkeypatch.setenv("REPORT_CHROMIUM", "")
    monkeypatch.setenv("REPORT_CJK_FONT", "")
    assert {"chromium", "cjk_font"} <= set(pdf.check_prerequisites())
    results = Results(2026, dt.date(2026, 11, 20), METRICS)
    with pytest.raises(pdf.ReportUnavailable) as err:
        pdf.build_pdf(results)
    message = str(err.value)
    assert "apt-get install chromium fonts-wqy-microhei" in message
    assert "Chromium" in message and "中文字体" in message
    assert err.value.missing == ["chromium", "cjk_font"]
