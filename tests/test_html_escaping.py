"""Hostile text from ledgers, file and sheet names, 督办事项 and the 社区名称 is text, never markup,
in the PDF's HTML, its footer and the slides (autoescaped Jinja2 templates)."""

from __future__ import annotations

import datetime as dt
import json
import re

import plotly.graph_objects as go
import pytest

from i18n import t
from metrics.engine import MetricResult
from report.html import build_html, footer_html
from tests.support.frames import frame
from tests.support.results import action_item, metric
from ui import meeting
from ui.meeting import markup

# (what a user typed, how the HTML source must carry it: escaped once, never interpreted)
HOSTILE = [
    ("<script>pwn()</script>", "&lt;script&gt;pwn()&lt;/script&gt;"),
    ("</section>", "&lt;/section&gt;"),
    ("{{ x }}", "{{ x }}"),
    ("&amp;", "&amp;amp;"),
    ("<link rel=stylesheet href=x><b>x</b>", "&lt;link rel=stylesheet href=x&gt;&lt;b&gt;x&lt;/b&gt;"),
]
AS_OF = dt.date(2026, 11, 20)


def _intact(html: str, raw: str) -> None:
    """No element opened or closed by the hostile text."""
    assert html.count("<section") == html.count("</section>")
    assert html.count("<div") == html.count("</div>")
    if "<" in raw and raw != "</section>":  # the page's own </section>s are counted above
        assert raw not in html


def _metric(mid: str, theme: str, status: str) -> MetricResult:
    return metric(mid, theme, "ratio", status, value=0.84, numerator=21, denominator=25, evidence_count=25)


METRICS = [_metric("B08", "safety", "behind"), _metric("C01", "culture", "met")]


def _problem(file: str, sheet: str, value: str) -> dict:
    """An import problem as ``ImportReport.to_dict()`` gives it (the reader's unknown-category case)."""
    return {"file": file, "sheet": sheet, "row": 2, "column": "纠纷类型", "severity": "warning",
            "code": "unknown_category", "message": f"「{value}」不在可选类别中",
            "params": {"value": value, "choices": "邻里、家庭、物业、其他", "consequence": "other"}}


def _report_html(place: str, value: str, lang: str = "zh") -> str:
    fields = {"community": "桃园社区", "file": "调解台账.xlsx", "sheet": "调解", "cell": "物业", "action": "回访",
              "owner": "物业"}
    fields[place] = value
    figures = {m.id: go.Figure(go.Bar(x=[1], y=[2])) for m in METRICS}
    return build_html(METRICS, year=2026, as_of=AS_OF, figures=figures, plotlyjs="/*plotly*/",
                      community=fields["community"], lang=lang,
                      sources=[(fields["file"], dt.datetime(2026, 11, 21, 9, 30))],
                      report={"ledgers": {"调解台账": {"rows": 25, "skipped": 0}},
                              "problems": [_problem(fields["file"], fields["sheet"], fields["cell"])]},
                      action_items=[{"metric_id": "B08", "action": fields["action"], "owner": fields["owner"],
                                     "due": "2026-12-01", "status": "未完成"}],
                      generated_at=dt.datetime(2026, 11, 21, 10, 0))


# where each place is printed, and how many times it is printed there
REPORT_PLACES = [("community", 1), ("file", 2), ("sheet", 1), ("cell", 1), ("action", 1), ("owner", 1)]


@pytest.mark.parametrize("raw, shown", HOSTILE)
@pytest.mark.parametrize("place, times", REPORT_PLACES)
def test_report_html_prints_hostile_values_as_text(place: str, times: int, raw: str, shown: str) -> None:
    html = _report_html(place, raw)
    body = html.split("<body>", 1)[1]
    assert body.count(shown) == times, (place, raw)
    _intact(html, raw)
    if place == "community":  # the document's title too
        title = re.search(r"<title>(.*?)</title>", html)
        assert title is not None and title.group(1) == f"{shown} 2026 年文明社区创建工作报告"


@pytest.mark.parametrize("raw, shown", HOSTILE)
@pytest.mark.parametrize("lang, title", [("zh", "2026 年文明社区创建工作报告"),
                                         ("en", "Civilized-community campaign report 2026")])
def test_pdf_footer_prints_the_community_name_as_text(raw: str, shown: str, lang: str, title: str) -> None:
    """Issue 18 item 13: the 社区名称 went raw into Chromium's footer template."""
    html = footer_html(f"{raw} · {title}", lang)
    assert f"<span>{shown} · {title}</span>" in html
    # Chromium's own placeholders stay markup
    assert '<span class="pageNumber"></span>' in html and '<span class="totalPages"></span>' in html
    _intact(html, raw)


def test_figure_json_cannot_close_its_script_element() -> None:
    figures = {"B08": go.Figure(go.Bar(x=["</script><b>x</b>"], y=[1], name="<!-- a & b -->"))}
    html = build_html(METRICS[:1], year=2026, as_of=AS_OF, figures=figures, plotlyjs="/*plotly*/")
    found = re.search(r'<script type="application/json" id="fig-0-json">(.*?)</script>', html, re.S)
    assert found is not None
    data = found.group(1)
    assert "<" not in data and ">" not in data and "&" not in data
    spec = json.loads(data)  # what the page's JSON.parse reads back: the very same text
    assert spec["data"][0]["x"] == ["</script><b>x</b>"] and spec["data"][0]["name"] == "<!-- a & b -->"


def _slide_html(place: str, raw: str) -> str:
    if place in ("action", "owner"):
        what, who = (raw, "物业") if place == "action" else ("回访", raw)
        item = action_item(1, "B08", what, who, dt.date(2026, 11, 10), dt.date(2026, 10, 28), overdue=True)
        return markup.item_html(item, AS_OF, "zh", metric="B08")
    if place == "community":
        caption = t("meeting.caption", "zh", community=raw, year=2026, as_of=AS_OF.isoformat())
        return markup.title_html("B08 纠纷调解率", caption)
    rows = frame("mediation", [{"受理日期": "2026-01-05", "纠纷类型": raw if place == "cell" else "邻里",
                                "当事人": "张*", "调解结果": "未成功"}])
    rows["计入分子"] = [False]
    if place == "column":
        rows = rows.rename(columns={"纠纷类型": raw})
    else:  # file and sheet names are not shown on a slide: they must not leak in raw either
        rows["_file"], rows["_sheet"] = raw, raw
    # a metric naming no columns of its own: the ledger's columns, a hostile header among them, are shown
    short = meeting.shortfall(_metric("X08", "safety", "behind"), rows, "zh")
    assert short is not None
    return markup.shortfall_html(short, "zh")


@pytest.mark.parametrize("raw, shown", HOSTILE)
@pytest.mark.parametrize("place", ["cell", "column", "action", "owner", "community"])
def test_slide_html_prints_hostile_values_as_text(place: str, raw: str, shown: str) -> None:
    html = _slide_html(place, raw)
    assert html.count(shown) == 1, (place, raw, html)
    _intact(html, raw)


@pytest.mark.parametrize("folder", ["report", "ui/meeting"])
def test_no_html_is_built_in_python(folder: str) -> None:
    """The PDF's and the slides' HTML lives in templates/: no f-string in these modules writes a tag."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / folder
    tag = re.compile(r"<[a-zA-Z/!]")
    spliced = []
    for path in sorted(root.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr) and any(
                    isinstance(v, ast.Constant) and tag.search(str(v.value)) for v in node.values):
                spliced.append(f"{path.name}:{node.lineno}")
    assert spliced == []
