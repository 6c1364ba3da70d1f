"""Projector mode in the URL, the sidebar switch, and the deck's header with next / previous."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import streamlit as st

from i18n import t
from templates import render, script_json
from ui import keys
from ui import projector as look
from ui.meeting import markup, screens
from ui.meeting.assembly import SlideKind, clamp_slide, slides

if TYPE_CHECKING:
    from ui.state import View

MODE_PARAM, SLIDE_PARAM, PROJECTOR = "mode", "slide", "projector"
TOGGLE_KEY = keys.PROJECTOR


def projector_on() -> bool:
    """Projector mode is in the URL (``?mode=projector``), so a link or a bookmark opens straight into it."""
    return st.query_params.get(MODE_PARAM) == PROJECTOR


def sidebar_state() -> str:
    """``initial_sidebar_state`` for st.set_page_config."""
    return "collapsed" if projector_on() else "expanded"


def _set_mode(on: bool) -> None:
    if on:
        st.query_params[MODE_PARAM] = PROJECTOR
        if SLIDE_PARAM not in st.query_params:
            st.query_params[SLIDE_PARAM] = "1"
    else:
        st.query_params.pop(MODE_PARAM, None)
    st.session_state[TOGGLE_KEY] = on


def _on_toggle() -> None:
    _set_mode(bool(st.session_state.get(TOGGLE_KEY)))


def projector_toggle(lang: str) -> None:
    """The sidebar switch; the URL is the truth, the widget follows it."""
    st.session_state[TOGGLE_KEY] = projector_on()
    st.toggle(t("meeting.toggle", lang), key=TOGGLE_KEY, on_change=_on_toggle, help=t("meeting.toggle_help", lang))


# what a keyboard or a presenter clicker sends -> the deck button it presses
KEYS = {"ArrowRight": "meeting_next", "PageDown": "meeting_next", " ": "meeting_next",
        "ArrowLeft": "meeting_prev", "PageUp": "meeting_prev", "Escape": "meeting_exit"}


def keyboard() -> None:
    """→ / PageDown / Space next, ← / PageUp previous, Esc leaves projector mode: a listener in the
    page (st.html runs it) that clicks the deck's buttons."""
    st.html(render("slides/keys.html", keys=script_json(json.dumps(KEYS))),
            unsafe_allow_javascript=True)


def _go(k: int) -> None:
    st.query_params[SLIDE_PARAM] = str(k)


def _header(view: View, title: str, k: int, n: int, *, projector: bool) -> None:
    """Title on the left, then previous · counter · next · mode, each as wide as its words: one row
    when they fit, the buttons on a row of their own when they do not, never on top of the counter."""
    lang = view.lang
    with st.container(horizontal=True, vertical_alignment="center", gap="medium", key="meeting_head"):
        caption = t("meeting.caption", lang, community=view.community, year=view.year,
                    as_of=view.as_of.isoformat())
        st.html(markup.title_html(title, caption), width="stretch")
        with st.container(horizontal=True, vertical_alignment="center", width="content", gap="small",
                          key="meeting_nav"):
            st.button("◀ " + t("meeting.prev", lang), key="meeting_prev", on_click=_go, args=(k - 1,),
                      disabled=k <= 1)
            st.html(markup.position_html(t("meeting.position", lang, k=k, n=n)), width="content")
            st.button(t("meeting.next", lang) + " ▶", key="meeting_next", on_click=_go, args=(k + 1,),
                      disabled=k >= n, type="primary")
            if projector:
                st.button("✕ " + t("meeting.exit", lang), key="meeting_exit", on_click=_set_mode, args=(False,))
            else:
                st.button("▶ " + t("meeting.enter", lang), key="meeting_enter", on_click=_set_mode, args=(True,))


def deck(view: View, *, projector: bool) -> None:
    """The meeting's slides with next / previous; the slide number lives in the URL."""
    lang = view.lang
    from ui.book import meeting_snapshot

    meeting_snapshot(lang)  # the first opening in a new month freezes the book (issue 12)
    st.html(look.css(projector))
    keyboard()
    deck_slides = slides(view.results)
    n = len(deck_slides)
    k = clamp_slide(st.query_params.get(SLIDE_PARAM), n)
    if st.query_params.get(SLIDE_PARAM) != str(k):
        st.query_params[SLIDE_PARAM] = str(k)
    slide = deck_slides[k - 1]
    _header(view, screens.slide_title(slide, view, lang), k, n, projector=projector)
    if slide.kind is SlideKind.SUMMARY:
        screens.summary_slide(view, slide)
    elif slide.kind is SlideKind.IMPROVED:
        screens.improved_slide(view)
    elif slide.kind is SlideKind.THEME:
        screens.theme_slide(view, slide)
    else:
        screens.metric_slide(view, view.results.get(slide.key))
