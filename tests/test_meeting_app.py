"""Meeting mode through AppTest: the switch, the URL, next/previous, action items that persist."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent


pytestmark = pytest.mark.usefixtures("app_sandbox")


def app(**params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def ok(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]


def slide_html(at: AppTest) -> str:
    return "\n".join(h.value for h in at.html)


def title(at: AppTest) -> str:
    return next(h.value for h in at.html if "<h1>" in h.value)


def submit(at: AppTest, form: str):
    """The submit button of the form whose key starts with ``form``."""
    return next(b for b in at.button if b.form_id.startswith(form) or (b.key or "").startswith(f"FormSubmitter:{form}"))


def param(at: AppTest, key: str) -> str | None:
    value = at.query_params.get(key)
    return value[0] if isinstance(value, list) else value


def test_sidebar_toggle_enters_and_the_exit_button_leaves_projector_mode() -> None:
    at = app()
    ok(at)
    assert "meeting_exit" not in [b.key for b in at.button]
    at.toggle(key="meeting_projector").set_value(True).run()
    ok(at)
    assert param(at, "mode") == "projector" and param(at, "slide") == "1"
    assert "待解决的问题（9 项指标）" in title(at)
    at.button(key="meeting_exit").click().run()
    ok(at)
    assert param(at, "mode") is None
    assert "meeting_exit" not in [b.key for b in at.button]
    assert at.toggle(key="meeting_projector").value is False


def test_url_opens_straight_into_a_slide_and_next_prev_move_it() -> None:
    # the sample: 1 problems, 2–10 the nine problem metrics, 11 what improved, 12– the theme appendix
    at = app(mode="projector", slide="12")
    ok(at)
    assert "附录 · 治安消防" in title(at)
    assert "第 12 / 16 页" in slide_html(at)
    at.button(key="meeting_next").click().run()
    ok(at)
    assert param(at, "slide") == "13" and "文体教育" in title(at)
    at.button(key="meeting_prev").click().run()
    at.button(key="meeting_prev").click().run()
    ok(at)
    assert param(at, "slide") == "11" and "较上次例会有改善" in title(at)
    at.button(key="meeting_prev").click().run()
    assert param(at, "slide") == "10" and "T07" in title(at)


def test_slide_one_lists_every_problem_metric_and_the_overdue_items() -> None:
    import datetime as dt
    import os

    from store.db import Store

    store = Store(Path(os.environ["DASHBOARD_DATA_DIR"]))
    store.add_action_item("B08", "补充调解员", "", dt.date(2026, 11, 10), dt.date(2026, 10, 28))
    store.add_action_item("T15", "下月再议", "物业", dt.date(2026, 12, 30), dt.date(2026, 10, 28))
    at = app(mode="projector", slide="1")
    ok(at)
    html = slide_html(at)
    rows = html.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert [r.split("<b>")[1].split("</b>")[0] for r in rows] == [
        "B13b", "T11d", "T08", "T15", "B08", "B05a", "T01", "B07a", "T07"]
    b08 = next(r for r in rows if "<b>B08</b>" in r)
    assert "差 6.0 个百分点" in b08 and b08.rstrip().endswith("<td class='num'>1</td></tr>")
    # overdue against the as-of date 2026-11-20, named by metric, no dash for the missing owner
    overdue = html.split("逾期督办事项（1 项）")[1]
    assert "B08 纠纷调解率" in overdue and "逾期 10 天" in overdue and "— ·" not in overdue
    assert "下月再议" not in overdue


def test_out_of_range_slide_is_clamped() -> None:
    at = app(mode="projector", slide="999")
    ok(at)
    slide = param(at, "slide")
    assert slide is not None
    n = int(slide)
    assert n > 6 and at.button(key="meeting_next").disabled
    assert f"第 {n} / {n} 页" in slide_html(at)


def test_action_item_added_edited_closed_on_a_date_and_deleted() -> None:
    import datetime as dt

    at = app(mode="projector", slide="2")  # the first problem slide: the most severe metric
    ok(at)
    metric_id = title(at).split("<h1>")[1].split()[0]
    at.text_input(key=f"meeting_what_slide_{metric_id}").input("补充调解员并每周回访")
    at.text_input(key=f"meeting_who_slide_{metric_id}").input("调解委员会")
    submit(at, f"meeting_add_slide_{metric_id}").click().run()
    ok(at)
    assert "补充调解员并每周回访" in slide_html(at)

    fresh = app(mode="projector", slide="2")  # a new session: only the store remembers
    ok(fresh)
    html = slide_html(fresh)
    assert "补充调解员并每周回访" in html and "调解委员会" in html
    (key,) = [b.key[:-len("_done")] for b in fresh.button if b.key and b.key.endswith("_done")
              and b.key.startswith("meeting_item_slide_")]
    fresh.text_input(key=f"{key}_what").input("补充两名调解员并每周回访")
    fresh.text_input(key=f"{key}_who").input("")
    fresh.button(key=f"{key}_save").click().run()
    ok(fresh)
    html = slide_html(fresh)
    assert "补充两名调解员并每周回访 · 期限" in html and "调解委员会" not in html  # no owner, no dash
    fresh.date_input(key=f"{key}_done_on").set_value(dt.date(2026, 11, 19)).run()
    fresh.button(key=f"{key}_done").click().run()
    ok(fresh)
    assert "✔ 已完成 2026-11-19" in slide_html(app(mode="projector", slide="2"))
    again = app(mode="projector", slide="2")
    assert again.button(key=f"{key}_delete").disabled  # not before the confirmation is ticked
    again.checkbox(key=f"{key}_sure").check().run()
    again.button(key=f"{key}_delete").click().run()
    ok(again)
    assert "补充两名调解员" not in slide_html(again)


def test_theme_page_expander_has_the_action_form() -> None:
    at = app()
    at.switch_page("pages/safety.py").run()
    ok(at)
    assert any(k.startswith("meeting_what_theme_") for k in (t.key for t in at.text_input if t.key))


def test_password_guards_adding_and_closing() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.secrets["password"] = "会议2026"
    at.query_params["mode"] = "projector"
    at.query_params["slide"] = "2"
    at.run()
    ok(at)
    keys = [t.key for t in at.text_input if t.key]
    assert not any(k.startswith("meeting_what_") for k in keys)
    pw = next(t for t in at.text_input if t.key and t.key.startswith("auth_pw_meeting_"))
    pw.input("wrong")
    submit(at, "auth_unlock_meeting_").click().run()
    assert not any(t.key.startswith("meeting_what_") for t in at.text_input if t.key)
    pw = next(t for t in at.text_input if t.key and t.key.startswith("auth_pw_meeting_"))
    pw.input("会议2026")
    submit(at, "auth_unlock_meeting_").click().run()
    ok(at)
    assert any(t.key.startswith("meeting_what_") for t in at.text_input if t.key)


def test_pdf_receives_open_items_first(monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt
    import os

    import report.pdf
    from store.db import Store
    from ui import sidebar

    store = Store(Path(os.environ["DASHBOARD_DATA_DIR"]))
    done = store.add_action_item("B08", "已办完的事", "物业", dt.date(2026, 10, 1), dt.date(2026, 9, 28))
    store.set_action_status(done.id, "done")
    store.add_action_item("T15", "补种绿地", "物业", dt.date(2020, 1, 1), dt.date(2019, 12, 1))
    at = app()
    ok(at)
    seen: dict = {}
    monkeypatch.setattr(report.pdf, "build_pdf", lambda *a, **k: seen.update(k) or b"%PDF")
    sidebar.build_pdf(at.session_state["_view"])
    rows = seen["action_items"]
    assert [r["action"] for r in rows] == ["补种绿地", "已办完的事"]
    # overdue counted to the as-of date 2026-11-20 from the due date 2020-01-01
    assert rows[0]["status"] == "未完成 · ⚠ 逾期 2515 天" and rows[0]["owner"] == "物业" and rows[0]["metric_id"] == "T15"
    minutes = seen["meeting"]  # the sidebar's PDF is the minutes: slide 1's problems lead it
    assert [r.id for r in minutes["problems"]][:2] == ["B13b", "T11d"] and len(minutes["blocks"]) == 9


def test_english_slides() -> None:
    at = app()
    at.segmented_control(key="lang").set_value("en").run()
    at.toggle(key="meeting_projector").set_value(True).run()
    ok(at)
    assert "What is behind (9 metrics)" in title(at)
    for _ in range(7):
        at.button(key="meeting_next").click().run()
        ok(at)
    assert "Slide 8 of" in slide_html(at) and "Value" in slide_html(at)


def test_a_behind_metric_slide_shows_the_rows_that_explain_it() -> None:
    from ui.meeting import slides

    at = app(mode="projector", slide="1")
    deck = slides(at.session_state["_view"].results)
    k = next(i for i, s in enumerate(deck, 1) if s.kind == "metric" and s.key == "B08")
    at = app(mode="projector", slide=str(k))
    ok(at)
    html = slide_html(at)
    assert "B08" in title(at) and "未计入的记录（" in html
    assert "<table class='rows'>" in html and "另有 " not in html.split("未计入的记录")[0]


@pytest.mark.parametrize("lang, want", [("en", "What is behind"), ("zh", "待解决的问题"), ("fr", "待解决的问题")])
def test_language_in_the_url_opens_the_deck_in_it(lang, want) -> None:
    at = app(mode="projector", slide="1", lang=lang)
    ok(at)
    assert want in title(at)
    assert at.segmented_control(key="lang").value == ("en" if lang == "en" else "zh")


def test_check_in_saved_now_is_shown_next_meeting_with_its_date(monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from ui.meeting import forms

    at = app(mode="projector", slide="6")  # B08
    ok(at)
    assert "B08" in title(at) and "此前例会没有记录" in slide_html(at)
    monkeypatch.setattr(forms, "today", lambda: dt.date(2026, 10, 28))
    at.text_area(key="meeting_checkin_note_slide_B08").input("调解员已到位，下周回访")
    at.text_input(key="meeting_checkin_owner_slide_B08").input("李委员")
    submit(at, "meeting_checkin_slide_B08").click().run()
    ok(at)
    monkeypatch.setattr(forms, "today", lambda: dt.date(2026, 11, 28))  # the next meeting
    nxt = app(mode="projector", slide="6")
    ok(nxt)
    assert "上次例会（2026-10-28）：调解员已到位，下周回访 — 分管委员 李委员" in slide_html(nxt)
