"""The meeting's minutes PDF: its first four pages hold the problems table, each problem metric's rows
and the 督办事项, the sign-off together on one page; the status table and the appendix come after.

Built through report.pdf.build_pdf_from_frames with ui.meeting.minutes, as the sidebar's button does;
assertions on pypdf's text of each page.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from pathlib import Path
from types import SimpleNamespace

import pytest

from report.pdf import check_prerequisites

pytestmark = pytest.mark.slow

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
PROBLEMS = ["B13b", "T11d", "T08", "T15", "B08", "B05a", "T01", "B07a", "T07"]  # severity order
# nine open items raised on 10-28, one without an owner; as of 2026-11-20 six are overdue
ITEMS = [("B08", "调解委员会", "2026-11-01"), ("T15", "", "2026-11-10"), ("B07a", "物业", "2026-11-15"),
         ("B13b", "卫生委员", "2026-12-01"), ("T08", "绿化队", "2026-10-20"), ("T01", "书记", "2026-12-20"),
         ("B05a", "文体委员", "2026-11-18"), ("T07", "楼组长", "2026-12-05"), ("T11d", "主任", "2026-11-05")]


@pytest.fixture(scope="module")
def pages() -> list[str]:
    if check_prerequisites():
        pytest.skip("no Chromium or CJK font to print with")
    from pypdf import PdfReader

    from ledgers.reader import load_files
    from report.pdf import build_pdf_from_frames
    from store.meeting import TargetChange
    from ui.meeting.items import pdf_items
    from ui.meeting.minutes import minutes

    loaded = load_files(sorted(p for p in SAMPLE.iterdir() if p.suffix in {".xlsx", ".xls", ".csv"}))
    items = [SimpleNamespace(id=i, metric_id=m, what=f"督办事项第{i}条：落实整改", who=w, due=dt.date.fromisoformat(d),
                             meeting_date=dt.date(2026, 10, 28), status="open", overdue=False, done_at=None)
             for i, (m, w, d) in enumerate(ITEMS, 1)]
    shanghai = dt.timezone(dt.timedelta(hours=8))
    log = [TargetChange("B08", dt.datetime(2026, 11, 2, 1, 30, tzinfo=dt.UTC), None, 0.8, True, True, "街道同意下调"),
           TargetChange("T07", dt.datetime(2026, 11, 3, 9, 0, tzinfo=shanghai), 0.9, 0.9, True, False, "")]
    pdf = build_pdf_from_frames(
        loaded.frames, loaded.report.to_dict(), community="桃园社区",
        action_items=pdf_items(items, dt.date(2026, 11, 20), "zh"),
        meeting=functools.partial(minutes, frames=loaded.frames, lang="zh", meeting=dt.date(2026, 11, 28),
                                  items=items, before={"B08": 0.8}, target_changes=log))
    return [p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages]


def _flat(text: str) -> str:
    return "".join(text.split())


def test_page_one_is_the_cover_and_the_problems_table(pages: list[str]) -> None:
    first = _flat(pages[0])
    assert "例会纪要" in first and "2026-11-28例会" in first and "数据截至2026-11-20" in first
    found = [first.find(f"{m}") for m in PROBLEMS]
    assert all(i >= 0 for i in found) and found == sorted(found), found  # every problem, worst first
    assert "差6.0个百分点" in first and "▲4.0个百分点" in first  # B08: gap and change since last meeting


def test_pages_two_to_four_hold_each_problem_metrics_rows_and_the_items(pages: list[str]) -> None:
    blocks = _flat("".join(pages[1:3]))
    for m in PROBLEMS:
        assert m in blocks, m
    assert "未计入的记录（32条）" in blocks and "第1–4条/共32条" in blocks  # B07a's rows, newest first
    assert blocks.index("2026-10-26") < blocks.index("2026-10-23")
    fourth = _flat(pages[3])
    assert "督办事项" in fourth and "B08纠纷调解率" in fourth and "逾期19天" in fourth and "2026-10-28" in fourth
    for word in ("签字确认", "制表人", "审核人", "日期"):  # the sign-off block whole, on this page
        assert word in fourth
    assert all("签字确认" not in p for i, p in enumerate(pages) if i != 3)


def test_after_the_minutes_the_status_table_target_log_and_appendix(pages: list[str]) -> None:
    rest = [_flat(p) for p in pages[4:]]
    at = next(i for i, p in enumerate(rest) if "达标情况总览" in p)
    summary = rest[at] + rest[at + 1]  # the status table runs onto a second page
    assert summary.index("B08") < summary.index("B01")  # worst first, not the catalogue's order
    assert "目标调整记录" in summary and "2026-11-0209:30" in summary  # 01:30 UTC is 09:30 in Shanghai
    assert "计划值→80%" in summary and "街道同意下调" in summary and "90%→90%(停用)" in summary
    appendix = _flat(pages[-1])
    assert "附录：导入问题" in appendix and "「待定」不是可识别的日期" in appendix
    # the sample's info-level notes (blank rows skipped and the like) are one line, not nine rows
    assert "另有9条提示" in appendix and "已忽略1个空行" not in appendix and appendix.count("提示") == 1
