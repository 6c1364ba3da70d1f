"""#13 item 9 through AppTest: what must stay above the fold in the sidebar and on the overview."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent


def _walk(node: Any) -> Iterator[Any]:
    for child in getattr(node, "children", {}).values():
        yield child
        yield from _walk(child)


def _sidebar_order(at: AppTest) -> list[str]:
    return [type(e).__name__ for e in _walk(at.sidebar)]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppTest]:
    """One run of the app on the sample, in a fresh data folder (module-wide: it takes seconds)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DASHBOARD_DATA_DIR", str(tmp_path_factory.mktemp("data")))
        mp.setenv("LEDGERS_IN_PROCESS", "1")
        mp.chdir(ROOT)
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
        assert not at.exception, [e.message for e in at.exception]
        yield at


@pytest.mark.parametrize("widget", ["Toggle", "Button"])  # the projector switch, the PDF button
@pytest.mark.parametrize("below", ["TextInput", "Radio", "Selectbox", "DateInput"])
def test_sidebar_puts_projector_and_pdf_before_the_settings(app: AppTest, widget: str, below: str) -> None:
    order = _sidebar_order(app)
    assert order.index(widget) < order.index(below), order


def _markdown_before_first_theme(at: AppTest) -> list[str]:
    """The main area's markdown up to the first theme heading (what the overview shows first)."""
    out: list[str] = []
    for e in _walk(at.main):
        if type(e).__name__ == "Subheader" or (type(e).__name__ == "Heading" and e.tag == "h3"):
            break
        if type(e).__name__ == "Markdown":
            out.append(e.value)
    return out


@pytest.mark.parametrize(("metric_id", "line"), [  # sample: hand-read from its ledgers at 2026-11-20
    ("B08", "差 6.0 个百分点"),
    ("T15", "差 16.7 个百分点"),
    ("B05a", "还差 1 次"),
    ("B13b", "剩余 1 个未整改"),
])
def test_overview_lists_what_to_discuss_before_the_themes(app: AppTest, metric_id: str, line: str) -> None:
    top = "\n".join(_markdown_before_first_theme(app)).replace("\\", "")  # markdown escapes
    assert "需要讨论" in top
    mine = [ln for ln in top.split("\n") if f"{metric_id} " in ln]
    assert mine and line in mine[0], top


def test_discuss_block_holds_exactly_the_behind_and_at_risk(app: AppTest) -> None:
    block = next(m for m in _markdown_before_first_theme(app) if "需要讨论" in m)
    assert block.count("✖") == 5 and block.count("▲") == 4  # the sample's 未达标 5, 需关注 4


@pytest.mark.parametrize(("source", "lang", "expected"), [
    ("office", "zh", "≥ 80%（居委会调整；计划 ≥ 90%）"),
    ("office", "en", "≥ 80% (set by the office; plan ≥ 90%)"),
    ("plan", "zh", "≥ 80%"),
])
def test_overview_row_names_the_plan_target_beside_an_office_one(source: str, lang: str, expected: str) -> None:
    from tests.support.results import metric
    from ui import overview

    m = metric("B08", value=0.84, target=0.8, target_source=source, plan_target=0.9)
    row = overview.rows([m], lang)[0]
    assert row.target == expected
    assert expected in overview.discuss_line(row, lang).replace("\\", "")


STALE = {"incidents", "fire_equipment", "inspections"}
NEWEST = {"incidents": dt.date(2026, 10, 15), "fire_equipment": dt.date(2026, 10, 30),
          "inspections": dt.date(2026, 11, 1), "mediation": dt.date(2026, 12, 20)}


@pytest.mark.parametrize(("metric_id", "kind", "expected"), [
    ("B02", "zero", None),  # no fire since October is what B02 counts, not a ledger left unkept
    ("B06", "zero", None),
    ("B07a", "ratio", dt.date(2026, 10, 30)),
    ("B13b", "zero", dt.date(2026, 11, 1)),  # problems still open: the inspections must go on
    ("B08", "ratio", None),  # its ledger is fresh
])
def test_stale_is_judged_by_the_ledgers_newest_row(metric_id: str, kind: str, expected: dt.date | None) -> None:
    from tests.support.results import metric
    from ui import overview

    assert overview.stale_since(metric(metric_id, kind=kind), STALE, NEWEST) == expected


def test_stale_tag_says_the_date() -> None:
    from ui.render import stale_tag

    assert "未更新（最新记录 2026-10-30）" in stale_tag("zh", dt.date(2026, 10, 30))
    assert "Not updated (newest row 2026-10-30)" in stale_tag("en", dt.date(2026, 10, 30))


def test_overview_at_year_end_flags_kept_ledgers_not_silent_event_ones(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LEDGERS_IN_PROCESS", "1")
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    at.sidebar.date_input[0].set_value(dt.date(2026, 12, 31)).run()
    assert not at.exception, [e.message for e in at.exception]
    text = "\n".join(e.value for e in _walk(at.main) if type(e).__name__ == "Markdown")
    assert "未更新（最新记录 2026-10-30）" in text  # 消防器材 (B07a): newest row 2026-10-30, 62 days before
    assert "2026-10-15" not in text  # 事件台账's newest row: B02/B06 are not flagged for a quiet year
    # stale at 12-31 (newest before 11-16): 消防器材 B07a, 绿化 B15/T08, 就业 T10a/T10b; not the five
    # zero metrics on 事件台账 (B02, B05b, B05c, B06, T06)
    assert text.count("未更新（") == 5, text.count("未更新")


@pytest.mark.parametrize(("metric_id", "frames", "expected"), [
    ("T04", {}, ["服务热线台账"]),  # the sample has no hotline ledger
    ("B08", {"mediation": []}, ["调解台账"]),  # present but without a row
    ("B08", {"mediation": [1]}, ["来源"]),  # all there: the result's own source
])
def test_no_data_names_the_missing_ledger(metric_id: str, frames: dict[str, Any], expected: list[str]) -> None:
    from tests.support.results import metric
    from ui import overview

    assert overview.missing_ledgers(metric(metric_id, status="no_data", source="来源"), frames) == expected


def test_overview_no_data_row_links_to_the_data_page(app: AppTest) -> None:
    captions = [e.value for e in _walk(app.main) if type(e).__name__ == "Caption"]
    assert "缺少服务热线台账" in captions  # T04, the sample's one 无数据 metric
    links = [e for e in _walk(app.main) if type(e).__name__ == "PageLink" and e.proto.page == "data"]
    assert len(links) == 1, [e.proto.page for e in _walk(app.main) if type(e).__name__ == "PageLink"]


@pytest.mark.parametrize(("latest", "year", "today", "expected"), [
    (dt.date(2026, 11, 20), 2026, dt.date(2026, 11, 30), dt.date(2026, 11, 20)),  # the data's date
    (dt.date(2026, 12, 31), 2026, dt.date(2026, 11, 30), dt.date(2026, 11, 30)),  # a year without rows
    (dt.date(2026, 12, 15), 2026, dt.date(2026, 12, 15), dt.date(2026, 12, 15)),  # today itself is fine
    (dt.date(2027, 3, 1), 2027, dt.date(2026, 11, 30), dt.date(2027, 1, 1)),  # a year not begun: its first day
    (dt.date(2025, 12, 31), 2025, dt.date(2026, 11, 30), dt.date(2025, 12, 31)),  # a past year: its end
])
def test_default_as_of_is_never_after_today(latest: dt.date, year: int, today: dt.date, expected: dt.date) -> None:
    from ui.sidebar import default_as_of

    assert default_as_of(latest, year, today) == expected


def test_as_of_after_today_is_allowed_with_a_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ui.sidebar

    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LEDGERS_IN_PROCESS", "1")
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(ui.sidebar, "today_shanghai", lambda: dt.date(2026, 11, 10))  # before the sample's 11-20
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    assert at.sidebar.date_input[0].value == dt.date(2026, 11, 10)
    assert not [w for w in at.sidebar.warning if "晚于今天" in w.value]
    at.sidebar.date_input[0].set_value(dt.date(2026, 11, 20)).run()
    assert at.session_state["_view"].as_of == dt.date(2026, 11, 20)  # the user's later date is kept
    assert [w for w in at.sidebar.warning if "晚于今天（2026-11-10）" in w.value]


def test_theme_page_at_year_end_flags_the_same_way_as_the_overview(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """治安消防 at 12-31: only B07a (消防器材, newest row 2026-10-30) is flagged, with its date; the quiet
    事件台账 behind B02 and B06 is not, as on the overview."""
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LEDGERS_IN_PROCESS", "1")
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    at.sidebar.date_input[0].set_value(dt.date(2026, 12, 31)).run()
    at.switch_page("pages/safety.py").run()
    assert not at.exception, [e.message for e in at.exception]
    text = "\n".join(e.value for e in _walk(at.main) if type(e).__name__ == "Markdown")
    assert "B07a" in text or "消防器材" in text
    assert text.count("未更新（最新记录 2026-10-30）") == 1
    assert text.count("未更新（") == 1
