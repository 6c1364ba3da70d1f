"""The three kinds of slide drawn with streamlit: summary, theme table, one metric."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import streamlit as st

from charts.figures import metric_name
from i18n import t
from metrics.vocab import Kind
from ui.meeting import forms, markup
from ui.meeting.assembly import Slide, SlideKind, freshness
from ui.meeting.changes import behind_streak, improvements, last_meeting_values, problem_rows
from ui.meeting.figure import projector_figure
from ui.meeting.items import order_items, today
from ui.meeting.rows import Shortfall, shortfall

if TYPE_CHECKING:
    from metrics.engine import MetricResult
    from ui.state import View


def slide_title(slide: Slide, view: View, lang: str) -> str:
    if slide.kind is SlideKind.SUMMARY:
        return t("meeting.summary.title", lang, n=len(slide.metric_ids))
    if slide.kind is SlideKind.IMPROVED:
        return t("meeting.improved.title", lang)
    if slide.kind is SlideKind.THEME:
        return t("meeting.theme.appendix", lang, theme=t(f"theme.{slide.key}", lang))
    m = view.results.get(slide.key)
    return t("meeting.metric.title", lang, id=slide.key, name=metric_name(m, lang) if m else "")


def summary_slide(view: View, slide: Slide) -> None:
    """Slide 1: every problem metric as one row (or, in a month with none, that said once), then the
    overdue 督办事项 judged against the as-of date."""
    lang = view.lang
    open_items = forms.store_items(None, "open", as_of=view.as_of)
    overdue = [it for it in order_items(open_items, view.as_of) if it.overdue]
    if slide.metric_ids:
        counts = Counter(it.metric_id for it in open_items)
        probs = [m for i in slide.metric_ids if (m := view.results.get(i)) is not None]
        meeting, ins = today(), forms.store_check_ins(None)
        streaks = {m.id: behind_streak(m.status, [c for c in ins if c.metric_id == m.id], meeting) for m in probs}
        rows = problem_rows(probs, last_meeting_values(view), counts, lang, streaks)
        st.html(markup.problems_html(rows, lang, items_below=bool(overdue)))
    else:
        st.html(markup.all_met_html(len(view.results.metrics), lang))
    st.html(markup.heading_html(t("meeting.summary.overdue", lang, n=len(overdue))))
    if overdue:
        st.html(markup.items_html(overdue, view.as_of, lang))
    else:
        st.html(markup.note_html(t("meeting.summary.no_overdue", lang)))


def improved_slide(view: View) -> None:
    """What moved towards its target since the last meeting; beside it, how fresh each ledger is."""
    from ui import data

    lang = view.lang
    left, right = st.columns([1.2, 1], gap="large")
    with left:
        before = last_meeting_values(view)
        note = t("meeting.improved.none" if before else "meeting.improved.no_snapshot", lang)
        st.html(markup.improved_html(improvements(view.results.metrics, before, lang), note, lang))
    with right:
        rows = freshness(data.ledger_newest(view.dataset.frames), view.stale, lang)
        st.html(markup.freshness_html(rows, lang))


def theme_slide(view: View, slide: Slide) -> None:
    from ui import data, overview

    lang = view.lang
    members = [m for m in view.results.metrics if m.id in slide.metric_ids]
    if not members:
        st.html(markup.note_html(t("meeting.theme.empty", lang)))
        return
    newest = data.ledger_newest(view.dataset.frames) if view.stale else {}
    stale_ids = {m.id for m in members if overview.stale_since(m, view.stale, newest)}
    st.html(markup.theme_table_html(members, stale_ids, lang))


def metric_slide(view: View, result: MetricResult | None) -> None:
    """One problem metric: its chart and 督办事项 on the left, the rows behind it (a page at a time) on
    the right; each side scrolls within the screen rather than running below it."""
    from charts.figures import metric_figure
    from ui import render

    if result is None:
        return
    lang = view.lang
    st.html(markup.metric_head_html(result, lang))
    rules = Kind(result.kind).rules
    rows = view.evidence(result.id) if rules.shortfall in ("rows", "events") else None
    short = shortfall(result, rows, lang)
    main, side = st.columns([0.8, 1.4] if short else [1.5, 1], gap="medium")
    with main.container(key="meeting_main"):
        hist = view.history().get(result.id)
        events = rows if rules.timeline else None
        fig = metric_figure(result, hist, lang, events=events, results=view.results.metrics, as_of=view.as_of)
        render.chart(projector_figure(fig, height=400 if short else 560, status=result.status),
                     key=f"meeting-fig-{result.id}")
        if short is not None:
            st.html(markup.heading_html(t("meeting.metric.items", lang)))
            forms.action_panel(view, result, where="slide")
    with side.container(key="meeting_side"):
        if short is not None:
            _rows_pages(short, result.id, lang)
        else:
            st.html(markup.heading_html(t("meeting.metric.items", lang)))
            forms.action_panel(view, result, where="slide")
        forms.check_in_panel(view, result)


def _turn(key: str, k: int) -> None:
    st.session_state[key] = k


def _rows_pages(short: Shortfall, metric_id: str, lang: str) -> None:
    """The rows behind a shortfall, SHORTFALL_ROWS at a time, with previous / next page buttons."""
    key = f"meeting_rows_page_{metric_id}"
    k = min(max(int(st.session_state.get(key, 1)), 1), short.pages)
    st.html(markup.shortfall_html(short, lang, k))
    if short.pages > 1:
        with st.container(horizontal=True, gap="small"):
            st.button("◀ " + t("meeting.shortfall.prev_page", lang), key=f"meeting_rows_prev_{metric_id}",
                      on_click=_turn, args=(key, k - 1), disabled=k <= 1)
            st.button(t("meeting.shortfall.next_page", lang) + " ▶", key=f"meeting_rows_next_{metric_id}",
                      on_click=_turn, args=(key, k + 1), disabled=k >= short.pages)
