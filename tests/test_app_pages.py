"""Every page through Streamlit's AppTest: runs on the sample, uploads, targets, language.

AppTest drives the real app.py (st.navigation, sidebar, pages) in-process; the file uploader is
driven through AppTest's own ``file_uploader(...).set_value`` (supported by streamlit 1.67).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook
from streamlit.testing.v1 import AppTest

from metrics.registry import METRICS
from tests.support.workbooks import messy_activities

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["pages/dashboard.py", "pages/safety.py", "pages/culture.py", "pages/environment.py",
         "pages/service.py", "pages/party.py", "pages/data.py", "pages/targets.py"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


pytestmark = pytest.mark.usefixtures("app_sandbox")


def app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()


def v_store():
    from store.db import Store

    return Store()


def view(at: AppTest):
    return at.session_state["_view"]


def no_exceptions(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]


def test_every_page_runs_on_the_sample() -> None:
    at = app()
    no_exceptions(at)
    for page in PAGES:
        at.switch_page(page).run()
        no_exceptions(at)
        assert at.title, page


def test_overview_lists_all_46_metrics_with_status_words() -> None:
    at = app()
    labels = [link.label for link in at.page_link]
    for spec in METRICS:
        assert any(label.startswith(f"{spec.id} {spec.name_zh}") for label in labels), spec.id
    shown = view(at).results.metrics
    assert len(shown) == 46
    html = " ".join(m.value for m in at.markdown)
    for word in ("达标", "需关注", "未达标", "无数据"):
        assert word in html


def test_overview_status_filter_narrows_the_rows() -> None:
    at = app()
    at.pills(key="status_filter").set_value(["behind"]).run()
    behind = [m.id for m in view(at).results.metrics if m.status == "behind"]
    metric_links = [link.label for link in at.page_link if link.label.split(" ")[0] in {s.id for s in METRICS}]
    assert sorted(label.split(" ")[0] for label in metric_links) == sorted(behind)


def test_theme_page_has_a_chart_and_evidence_per_metric() -> None:
    at = app()
    at.switch_page("pages/safety.py").run()
    no_exceptions(at)
    safety = [m for m in view(at).results.metrics if m.theme == "safety"]
    assert len(at.expander) == len(safety)
    assert any("计算方法" in e.label for e in at.expander)


def test_upload_changes_values_and_import_report() -> None:
    at = app()
    before = view(at).results.get("B04")
    at.switch_page("pages/data.py").run()
    at.file_uploader(key="uploader").set_value(("桃园社区活动台账.xlsx", messy_activities(), XLSX)).run()
    no_exceptions(at)
    assert view(at).dataset.kind == "sample"  # the preview first: nothing changes before accepting
    at.button(key="book-accept-all").click().run()
    no_exceptions(at)
    v = view(at)
    assert v.dataset.kind == "book"
    assert at.sidebar.radio(key="source").value == "book"
    b04 = v.results.get("B04")
    assert b04.value == 12 and b04.value != before.value
    # the import report is the upload's: its file, and the totals row said to be ignored
    tables = " ".join(df.value.to_csv() for df in at.dataframe)
    assert "桃园社区活动台账.xlsx" in tables
    notes = " ".join(m.value for e in at.expander for m in e.markdown)
    assert "合计" in notes
    # only the activities ledger came: the page says the rest show 无数据
    assert any("当前台账包含 1 种台账；其余 18 种还没有上传过，相关指标显示为无数据" in w.value for w in at.warning)
    assert any("B07a" in c.value for c in at.caption)
    # and the overview shows the new number
    at.switch_page("pages/dashboard.py").run()
    no_exceptions(at)
    assert any("12 次" in m.value for m in at.markdown)
    assert [b.ledger for b in v_store().book()] == ["activities"]  # kept in the book


def test_failed_upload_keeps_what_was_shown() -> None:
    at = app()
    before = view(at).results.get("B04").value
    at.switch_page("pages/data.py").run()
    at.file_uploader(key="uploader").set_value(("坏文件.xlsx", b"this is not a workbook", XLSX)).run()
    no_exceptions(at)
    assert at.error, "a refused upload says so"
    v = view(at)
    assert v.dataset.kind == "sample" and v.results.get("B04").value == before


def test_unknown_sheet_is_mapped_by_hand_and_remembered() -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["哪天", "干了啥", "分类"])
    for day in ("2026-02-01", "2026-03-01", "2026-04-01"):
        ws.append([day, "党课", "党建"])
    buf = io.BytesIO()
    wb.save(buf)
    at = app()
    at.switch_page("pages/data.py").run()
    at.file_uploader(key="uploader").set_value(("杂表.xlsx", buf.getvalue(), XLSX)).run()
    no_exceptions(at)
    mapper = [s for s in at.selectbox if str(s.key).startswith("map-ledger-")]
    assert mapper, "the unknown sheet gets a mapper"
    signature = mapper[0].key.removeprefix("map-ledger-")
    mapper[0].set_value("activities").run()
    for header, column in (("哪天", "活动日期"), ("干了啥", "活动名称"), ("分类", "活动类别")):
        at.selectbox(key=f"map-col-{signature}-activities-{header}").set_value(column)
    at.run()
    at.button(key=f"map-save-{signature}").click().run()
    no_exceptions(at)
    at.button(key="book-accept-all").click().run()
    v = view(at)
    assert v.dataset.kind == "book" and v.results.get("T14").value == 3
    from store.db import Store, default_data_dir

    assert signature in Store(default_data_dir()).mappings()


def test_editing_a_target_changes_the_status_and_restoring_brings_it_back() -> None:
    at = app()
    assert view(at).results.get("B04").status == "met"
    at.switch_page("pages/targets.py").run()
    at.selectbox(key="target_metric").set_value("B04").run()
    at.number_input(key="target_value_B04").set_value(20.0)
    at.button(key="target_save").click().run()
    no_exceptions(at)
    b04 = view(at).results.get("B04")
    assert b04.target == 20 and b04.target_source == "office" and b04.status == "behind"
    assert any("居委会设定" in df.value.to_csv() for df in at.dataframe)
    at.button(key="target_restore").click().run()
    b04 = view(at).results.get("B04")
    assert b04.target == 4 and b04.status == "met"


def test_switching_a_metric_off_hides_it() -> None:
    at = app()
    at.switch_page("pages/targets.py").run()
    at.selectbox(key="target_metric").set_value("B05c").run()
    at.toggle(key="target_enabled_B05c").set_value(False)
    at.button(key="target_save").click().run()
    assert view(at).results.get("B05c") is None
    assert len(view(at).results.metrics) == 45


def test_language_switch_changes_labels_and_metric_names() -> None:
    at = app()
    assert "总览" in at.title[0].value
    at.sidebar.segmented_control(key="lang").set_value("en").run()
    no_exceptions(at)
    assert "campaign metrics" in at.title[0].value
    labels = [link.label for link in at.page_link]
    assert any("Fire equipment provision rate" in label for label in labels)
    assert at.sidebar.selectbox[0].label == "Year"
    at.switch_page("pages/targets.py").run()
    assert at.title[0].value == "Targets"


def test_year_picker_recomputes_for_the_earlier_year() -> None:
    at = app()
    at.sidebar.selectbox(key=f"year:{view(at).dataset.id}").set_value(2025).run()
    no_exceptions(at)
    v = view(at)
    assert v.year == 2025 and v.results.year == 2025 and v.as_of.year == 2025


@pytest.mark.slow
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists() or not Path("/usr/bin/pdftotext").exists(),
                    reason="needs chromium and poppler")
def test_pdf_button_reports_what_the_upload_shows(tmp_path: Path) -> None:
    import subprocess

    at = app()
    at.switch_page("pages/data.py").run()
    at.file_uploader(key="uploader").set_value(("桃园社区活动台账.xlsx", messy_activities(), XLSX)).run()
    at.button(key="book-accept-all").click().run()
    at.button(key="pdf_generate").click().run(timeout=240)
    no_exceptions(at)
    assert [b.label for b in at.get("download_button") if b.label == "下载PDF报告"]
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(at.session_state["_pdf"][1])
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    b04 = next(line for line in text.splitlines() if "小型文体活动次数" in line and "B04" in line)
    assert "12" in b04


def test_choice_widgets_keep_their_selection_when_the_language_changes() -> None:
    """Streamlit keeps a radio's or selectbox's value in the browser as its label: after a language
    switch the app must send the new label, else the browser shows nothing selected."""
    at = app()
    at.switch_page("pages/targets.py").run()
    at.selectbox(key="target_metric").set_value("B05c").run()
    at.sidebar.segmented_control(key="lang").set_value("en").run()
    no_exceptions(at)
    source = at.sidebar.radio(key="source")
    assert source.value == "sample"
    assert source.proto.set_value and source.proto.raw_value == "Sample data (Taoyuan)"
    metric = at.selectbox(key="target_metric")
    assert metric.value == "B05c"
    assert metric.proto.set_value and metric.proto.raw_value.startswith("B05c ")
    assert metric.proto.raw_value in metric.proto.options


def test_targets_page_shows_checklists_as_items_and_units_in_english() -> None:
    at = app()
    at.switch_page("pages/targets.py").run()
    table = at.dataframe[0].value
    row = table[table.iloc[:, 0] == "B03"].iloc[0]
    assert row.iloc[3] == "= 3/3" and "%" not in row.iloc[2]
    assert table[table.iloc[:, 0] == "B02"].iloc[0].iloc[3] == "= 0 起"  # as on the overview (metrics.wording)
    at.selectbox(key="target_metric").set_value("T01").run()
    assert at.number_input(key="target_value_T01").value == 5
    at.sidebar.segmented_control(key="lang").set_value("en").run()
    table = at.dataframe[0].value
    text = " ".join(table.iloc[:, 2].astype(str)) + " ".join(table.iloc[:, 3].astype(str))
    assert not any(u in text for u in ("人", "次", "起", "个", "项")), text
    assert "≥ 10 people" in text


def test_a_lowered_checklist_target_is_saved_as_items() -> None:
    at = app()
    at.switch_page("pages/targets.py").run()
    at.selectbox(key="target_metric").set_value("T01").run()
    at.number_input(key="target_value_T01").set_value(4).run()
    at.button(key="target_save").click().run()
    no_exceptions(at)
    result = view(at).results.get("T01")
    assert result.target == pytest.approx(0.8)
    table = at.dataframe[0].value
    assert table[table.iloc[:, 0] == "T01"].iloc[0].iloc[3] == "≥ 4/5"


def test_pdf_button_calls_the_clis_function_with_what_the_page_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    import report.pdf

    calls: list[tuple] = []

    def fake(frames, report=None, **kwargs):
        calls.append((frames, report, kwargs))
        return b"%PDF-1.7 fake"

    monkeypatch.setattr(report.pdf, "check_prerequisites", lambda: [])
    monkeypatch.setattr(report.pdf, "build_pdf_from_frames", fake)
    at = app()
    at.sidebar.selectbox(key=f"year:{view(at).dataset.id}").set_value(2025).run()
    at.button(key="pdf_generate").click().run()
    no_exceptions(at)
    v = view(at)
    frames, rep, kwargs = calls[-1]
    assert frames is v.dataset.frames and rep is v.dataset.report
    assert kwargs["year"] == 2025 and kwargs["as_of"] == v.as_of and kwargs["lang"] == "zh"
    assert kwargs["community"] == v.community and kwargs["sources"] == v.dataset.sources
    assert kwargs["targets"] == v.targets and "action_items" in kwargs
    assert at.session_state["_pdf"][1] == b"%PDF-1.7 fake"


def test_without_chromium_the_pdf_area_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from report.pdf import ReportUnavailable

    monkeypatch.setenv("REPORT_CHROMIUM", "")  # report.pdf.find_chromium: set but empty = none
    at = app()
    no_exceptions(at)
    assert not [b for b in at.button if b.key == "pdf_generate"]
    message = str(ReportUnavailable(["chromium"], "zh"))
    assert any(message == box.value for box in at.sidebar.info)
    at.switch_page("pages/safety.py").run()
    no_exceptions(at)
    assert at.title


def test_import_problems_are_grouped_by_sheet_with_whole_messages() -> None:
    at = app()
    at.switch_page("pages/data.py").run()
    no_exceptions(at)
    shown = [m.value for m in at.markdown]
    # the error is shown open, whole, with row, column and severity, under its file and sheet
    error = next(m for m in shown if "待定" in m)
    assert "第 13 行 · 活动日期 · ✖ 错误 · 「待定」不是可识别的日期" in error
    assert "该行未导入" in error and "2026年3月5日" in error
    assert "活动台账" in error.split("</div>")[0]
    assert not any("待定" in m.value for e in at.expander for m in e.markdown)
    # the notes (title rows, totals, hidden sheet) are folded into one expander below
    (notes,) = [e for e in at.expander if "其他提示" in e.label]
    folded = " ".join(m.value for m in notes.markdown)
    assert "隐藏的工作表" in folded and "合计" in folded
