"""The three kinds of slide drawn with streamlit: summary, theme table, one metric."""

from __future__ import annotations

from typing import Any

import streamlit as st

from charts.figures import metric_name
from i18n import t
from metrics.vocab import Kind
from ui.meeting import forms, markup
from ui.meeting.assembly import Slide, freshness
from ui.meeting.figure import projector_figure
from ui.meeting.items import order_items, today
from ui.meeting.rows import shortfall

SUMMARY_ITEMS = 6  # open items listed on the summary slide; the rest are on the metric slides


def slide_title(slide: Slide, view: Any, lang: str) -> str:
    if slide.kind == "summary":
        return t("meeting.summary.title", lang)
    if slide.kind == "theme":
        return t(f"theme.{slide.key}", lang)
    m = view.results.get(slide.key)
    return t("meeting.metric.title", lang, id=slide.key, name=metric_name(m, lang) if m else "")


def summary_slide(view: Any) -> None:
    from ui import data

    lang = view.lang
    meeting = today()
    st.html(markup.counts_html(view.results, lang))
    left, right = st.columns([1.15, 1], gap="large")
    with left:
        st.html(markup.heading_html(t("meeting.summary.open_items", lang)))
        items = order_items(forms.store_items(None, "open"), meeting)
        if not items:
            st.html(markup.note_html(t("meeting.summary.no_open", lang)))
        editable = forms.may_edit(lang, quiet=True)
        for item in items[:SUMMARY_ITEMS]:
            forms.item_row(item, meeting, lang, editable, where="summary", metric=item.metric_id)
        if len(items) > SUMMARY_ITEMS:
            st.html(markup.note_html(t("meeting.summary.more_items", lang, n=len(items) - SUMMARY_ITEMS)))
    with right:
        rows = freshness(data.ledger_newest(view.dataset.frames), view.stale, lang)
        st.html(markup.freshness_html(rows, lang))


def theme_slide(view: Any, slide: Slide) -> None:
    from ui import data

    lang = view.lang
    members = [m for m in view.results.metrics if m.id in slide.metric_ids]
    if not members:
        st.html(markup.note_html(t("meeting.theme.empty", lang)))
        return
    stale_ids = {m.id for m in members if data.is_stale(m, view.stale)}
    st.html(markup.theme_table_html(members, stale_ids, lang))


def metric_slide(view: Any, result: Any) -> None:
    from charts.figures import metric_figure
    from ui import render

    if result is None:
        return
    lang = view.lang
    st.html(markup.metric_head_html(result, lang))
    chart, side = st.columns([1.5, 1], gap="large")
    with chart:
        hist = view.history().get(result.id)
        rules = Kind(result.kind).rules
        rows = view.evidence(result.id) if rules.shortfall in ("rows", "events") else None
        short = shortfall(result, rows, lang)
        events = rows if rules.timeline else None
        fig = metric_figure(result, hist, lang, events=events, results=view.results.metrics, as_of=view.as_of)
        # with rows to show below it, the chart gives up height so both fit on one screen
        render.chart(projector_figure(fig, height=440 if short else 620, status=result.status), key=f"meeting-fig-{result.id}")
        if short is not None:
            st.html(markup.shortfall_html(short, lang))
    with side:
        st.html(markup.heading_html(t("meeting.metric.items", lang)))
        forms.action_panel(view, result, where="slide")
