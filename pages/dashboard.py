"""总览 Overview: counts per status, then every metric as one row, grouped by theme."""

from __future__ import annotations

import html

import streamlit as st

from charts.figures import sparkline, status_counts, status_label
from charts.palette import STATUSES
from i18n import t
from metrics.compare import change_cells
from metrics.vocab import Status
from ui import auth, book, overview, pages, render, state
from ui.data import ledger_newest
from ui.entry import page_view
from ui.escape import md
from ui.meeting.assembly import problems

view = page_view()  # first: runs the entry (and its gate) if it has not
lang = view.lang
results = view.results.metrics

st.title(t("ui.overview.title", lang, community=view.community, year=view.year))
st.caption(t("ui.overview.caption", lang, as_of=view.as_of.isoformat(), n=len(results),
             source=t(f"ui.sidebar.source.{view.dataset.kind}", lang)))

counts = status_counts(results)
for col, status in zip(st.columns(len(STATUSES)), STATUSES, strict=True):
    with col:
        render.markdown(render.count_card(status, counts[status], lang))

with st.container(border=True, key="discuss"):  # what is behind, above the fold (#13 item 9)
    behind = overview.rows(problems(view.results), lang)
    st.markdown("  \n".join([f"**{t('ui.overview.discuss', lang)}**",
                              *(f"{r.status.icon} {overview.discuss_line(r, lang)}" for r in behind)]))
    if not behind:
        st.caption(t("ui.overview.discuss_none", lang))

chosen = state.choice(st.pills, t("ui.overview.filter", lang), STATUSES, selection_mode="multi",
                      key="status_filter", format_func=lambda s: f"{status_label(s, lang)} ({counts[s]})")
shown = [m for m in results if not chosen or m.status in chosen]
sparklines = view.sparklines()
newest = ledger_newest(view.dataset.frames) if view.stale else {}

compared = book.comparison(view)  # the change since the last snapshot, when there is one
changes = change_cells(compared[1] if compared else None, lang)
if compared:
    st.caption(book.compared_caption(compared[0], lang))

WIDTHS = [3.2, 1.3, 1.9, 1.4, 1.5] + ([1.5] if changes else [])
for theme in pages.THEMES:
    members = [m for m in shown if m.theme == theme]
    if not members:
        continue
    st.divider()
    head, link = st.columns([3, 1], vertical_alignment="bottom")
    head.subheader(f"{pages.THEME_ICONS[theme]} {t(f'theme.{theme}', lang)}")
    with link:
        st.page_link(pages.theme_page(theme), label=t("ui.overview.open_theme", lang), icon=":material/arrow_forward:")
    labels = [t(f"ui.overview.col.{k}", lang) for k in ("metric", "value", "target", "status", "trend")]
    for col, label in zip(st.columns(WIDTHS), labels + ([t("book.compare.column", lang)] if changes else []),
                          strict=True):
        col.caption(label)
    for m, row in zip(members, overview.rows(members, lang), strict=True):
        name, value, target, badge, trend, *change = st.columns(WIDTHS, vertical_alignment="center")
        if change:
            change[0].markdown(f"<span class='change'>{html.escape(changes.get(m.id, ''))}</span>",
                               unsafe_allow_html=True)
        with name:
            st.page_link(pages.theme_page(theme), label=render.metric_label(m, lang))
            if since := overview.stale_since(m, view.stale, newest):
                render.markdown(render.stale_tag(lang, since))
        value.markdown(row.value_html(), unsafe_allow_html=True)
        tag = "" if row.target_source == "office" else render.target_tag(row.target_source, lang)  # the text says it
        target.markdown(f"{html.escape(row.target)} {tag}", unsafe_allow_html=True)
        badge.markdown(render.badge(row.status, lang) + row.gap_html(), unsafe_allow_html=True)
        if row.status is Status.NO_DATA:  # say which ledger is missing and where it goes (#13 item 9)
            name.caption(md(t("ui.overview.no_data_ledger", lang,  # under the name: the widest column
                              ledgers="、".join(overview.missing_ledgers(m, view.dataset.frames)))))
            if auth.reachable("upload"):  # a hub's 委员 or the street reading it cannot upload: no link
                name.page_link(pages.DATA, label=t("ui.overview.to_data", lang), icon=":material/upload_file:")
        with trend:
            render.chart(sparklines.get(m.id) or sparkline(None, m.kind), key=f"spark-{m.id}", static=True)

if not shown:
    st.info(t("ui.overview.none", lang))
