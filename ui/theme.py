"""The one theme page, parametrised by theme: each metric charted by kind, with its evidence."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from charts.figures import has_year_on_year, metric_figure, year_on_year
from i18n import t
from metrics import wording
from metrics.vocab import Kind, Theme
from ui import data, meeting, overview, render, state
from ui.tables import show_table

if TYPE_CHECKING:
    import pandas as pd

    from metrics.engine import MetricResult


def theme_page(view: state.View, name: Theme | str) -> None:
    theme = Theme(name)
    lang = view.lang
    st.title(f"{theme.icon} {theme.word(lang)}")
    st.caption(t("ui.theme.caption", lang, community=view.community, year=view.year,
                 as_of=view.as_of.isoformat()))
    members = [m for m in view.results.metrics if m.theme == theme]
    if not members:
        st.info(t("ui.theme.empty", lang))
        return
    hist = view.history()
    prev = view.prev_history()
    # two metrics side by side: at 1920 px each chart is still wider than a slide's half
    for start in range(0, len(members), 2):
        for col, result in zip(st.columns(2, gap="large"), members[start:start + 2], strict=False):
            with col, st.container(border=True):
                metric_block(view, result, hist.get(result.id), prev.get(result.id))


def metric_block(view: state.View, result: MetricResult, hist: pd.DataFrame | None,
                 prev: pd.DataFrame | None) -> None:
    """Chart, year on year where the data reaches back, and the expander answering "which ones?"."""
    lang = view.lang
    rules = Kind(result.kind).rules
    events = view.evidence(result.id) if rules.timeline else None
    paced = bool(result.paced)  # its chart overlays last year's pace itself
    fig = metric_figure(result, hist, lang, prev_hist=prev if paced else None, events=events,
                        results=view.results.metrics, as_of=view.as_of)
    render.chart(fig, key=f"fig-{result.id}")
    if result.target_source == "office":
        # the office's target beside the plan's, outside the expander: 街道 must see it was lowered
        st.markdown(f"**{t('ui.theme.target', lang)}** {wording.target_noted(result, lang)}")
    newest = data.ledger_newest(view.dataset.frames) if view.stale else {}
    if since := overview.stale_since(result, view.stale, newest):
        render.markdown(render.stale_tag(lang, since) + f" <span class='muted'>{t('ui.theme.stale_hint', lang)}</span>")
    for warning in result.warnings:
        st.warning(warning.text(lang))
    # zero metrics have their timeline and checklists their items: a year-on-year line adds nothing
    if rules.year_on_year and not paced and result.value is not None and has_year_on_year(prev):
        render.chart(year_on_year(result, hist, prev, lang, year=view.year), key=f"yoy-{result.id}")
    with st.expander(t("ui.theme.details", lang, n=result.evidence_count)):
        details(view, result)


def details(view: state.View, result: MetricResult) -> None:
    from metrics.registry import BY_ID

    lang = view.lang
    spec = BY_ID.get(result.id)
    if spec is not None:
        st.markdown(f"**{t('ui.theme.formula', lang)}** {spec.formula_en if lang == 'en' else spec.formula_zh}")
        st.markdown(f"**{t('ui.theme.plan', lang, item=spec.plan_item)}** {spec.plan_text}")
    office = result.target_source == "office"
    # an office target carries the plan's beside it (≥ 80%（居委会调整；计划 ≥ 90%）), as on slides and the PDF
    target = wording.target_noted(result, lang) if office else \
        f"{wording.target(result, lang)}（{t(f'target_source.{result.target_source}', lang)}）"
    gap = wording.gap(result, lang)
    st.markdown(f"**{t('ui.theme.target', lang)}** {target} · "
                f"**{t('ui.theme.value', lang)}** {wording.value(result, lang)}" + (f"（{gap}）" if gap else "") + " · "
                f"**{t('ui.theme.source', lang)}** {result.source}")
    if result.missing:
        st.markdown(f"**{t('ui.theme.missing', lang)}** " + "、".join(result.missing))
    rows = data.evidence_for_display(view.evidence(result.id), lang)
    if len(rows):
        show_table(rows, hide_index=True, width="stretch", height=min(38 + 35 * len(rows), 360))
    else:
        st.caption(t("ui.theme.no_rows", lang))
    meeting.action_panel(view, result)
