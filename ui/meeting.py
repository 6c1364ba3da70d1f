"""Meeting mode: the slide deck built from Results, projector mode, and 督办事项 (action items).

The slide list, the ordering of action items, the freshness rows and the slide HTML are pure
functions (tested without streamlit); ``deck``, ``action_panel`` and ``projector_toggle`` draw them.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from charts.figures import format_target, format_value, metric_name
from charts.palette import STALE_ICON, STATUS_STYLE, STATUSES
from i18n import t
from ui import projector as look

THEMES = ("safety", "culture", "environment", "service", "party")
# glyphs only from the CJK font or DejaVu: a projector PC without an emoji font must not show tofu
ATTENTION = ("behind", "at_risk")  # metrics that get a slide of their own, worst first
MODE_PARAM, SLIDE_PARAM, PROJECTOR = "mode", "slide", "projector"
TOGGLE_KEY = "meeting_projector"
SUMMARY_ITEMS = 6  # open items listed on the summary slide; the rest are on the metric slides
SHORTFALL_ROWS = 8  # evidence rows on a metric slide: what a projector shows at >= 24 px
SHORTFALL_COLUMNS = 6  # ledger columns of those rows (the Excel row number comes on top)
SHANGHAI = ZoneInfo("Asia/Shanghai")


# ---------------------------------------------------------------- pure: the slide list


@dataclass(frozen=True)
class Slide:
    """One slide: the summary, a theme (its metrics) or one metric needing attention."""

    kind: str  # "summary" | "theme" | "metric"
    key: str  # "summary", a theme id or a metric id
    metric_ids: tuple[str, ...] = ()


def slides(results: Any) -> list[Slide]:
    """Summary first, then one slide per theme (catalogue order), then each behind / at-risk metric
    (behind before at risk, catalogue order within each)."""
    metrics = list(results.metrics)
    deck = [Slide("summary", "summary")]
    deck += [Slide("theme", th, tuple(m.id for m in metrics if m.theme == th)) for th in THEMES]
    for status in ATTENTION:
        deck += [Slide("metric", m.id, (m.id,)) for m in metrics if m.status == status]
    return deck


def clamp_slide(raw: Any, n: int) -> int:
    """The 1-based slide number from a query parameter; anything odd means the first slide."""
    try:
        k = int(str(raw).strip())
    except (TypeError, ValueError):
        return 1
    return min(max(k, 1), max(n, 1))


def today() -> dt.date:
    """The meeting's date: today in Shanghai."""
    return dt.datetime.now(SHANGHAI).date()


def order_items(items: Iterable[Any], meeting: dt.date) -> list[Any]:
    """Open items first — those from earlier meetings before today's, overdue before the rest, then by
    due date — and done items after them."""
    def key(it: Any) -> tuple:
        is_open = it.status == "open"
        return (not is_open, not (is_open and it.meeting_date < meeting), not (is_open and it.overdue),
                it.due, it.id)

    return sorted(items, key=key)


def item_status(item: Any, lang: str) -> str:
    """Open / done in words, with the overdue flag: the text the PDF prints."""
    word = t(f"meeting.item.status.{item.status}", lang)
    return f"{word} · ⚠ {t('meeting.item.overdue', lang)}" if item.overdue else word


def pdf_items(items: Iterable[Any], meeting: dt.date, lang: str) -> list[dict[str, Any]]:
    """Action items as report/pdf.py's ``action_items`` takes them, open (and earlier) ones first."""
    return [{"metric_id": it.metric_id, "action": it.what, "owner": it.who, "due": it.due.isoformat(),
             "status": item_status(it, lang)} for it in order_items(items, meeting)]


def pdf_action_items(lang: str) -> list[dict[str, Any]]:
    """Every stored action item for the PDF's 督办事项 table (open and earlier ones first)."""
    return pdf_items(_store_items(None), today(), lang)


@dataclass(frozen=True)
class Freshness:
    key: str
    name: str
    newest: dt.date
    stale: bool


def freshness(newest: Mapping[str, dt.date], stale: set[str], lang: str) -> list[Freshness]:
    """Each dated ledger's newest row date; ``stale`` is ui.data.stale_ledgers (the 未更新 badge's set),
    so the slide and the pages flag the same ledgers. Stale ones first, then by name order of the registry."""
    from ledgers.registry import LEDGERS

    rows = []
    for key, day in newest.items():
        spec = LEDGERS.get(key)
        name = (spec.name_en if lang == "en" else spec.name) if spec is not None else key
        rows.append(Freshness(key, name, day, key in stale))
    order = list(LEDGERS)
    return sorted(rows, key=lambda r: (not r.stale, order.index(r.key) if r.key in order else len(order)))


# ---------------------------------------------------------------- pure: slide HTML


def _e(text: Any) -> str:
    return html.escape(str(text))


def badge(status: str, lang: str) -> str:
    """Status as colour (border), icon and word, in a text colour that passes AAA."""
    return (f"<span class='badge st-{status}'>{STATUS_STYLE[status].icon} "
            f"{_e(t(f'status.{status}', lang))}</span>")


def counts_html(results: Any, lang: str) -> str:
    counts = {s: 0 for s in STATUSES}
    for m in results.metrics:
        counts[m.status] = counts.get(m.status, 0) + 1
    cards = "".join(
        f"<div class='card st-{s}'><div class='n'>{counts[s]}</div>"
        f"<div class='w'>{STATUS_STYLE[s].icon} {_e(t(f'status.{s}', lang))}</div></div>" for s in STATUSES)
    return f"<div class='counts'>{cards}</div>"


def item_html(item: Any, meeting: dt.date, lang: str, *, metric: str | None = None) -> str:
    """One action item: (metric,) what — who · due, with overdue / earlier-meeting flags."""
    line = t("meeting.item.line", lang, what=item.what, who=item.who or "—", due=item.due.isoformat())
    head = f"<b>{_e(metric)}</b> " if metric else ""
    flags = ""
    if item.status == "open" and item.overdue:
        flags += f"<span class='flag'>⚠ {_e(t('meeting.item.overdue', lang))}</span>"
    if item.status == "open" and item.meeting_date < meeting:
        flags += f"<span class='tag'>{_e(t('meeting.item.earlier', lang))} {item.meeting_date:%m-%d}</span>"
    if item.status == "done":
        flags += f"<span class='tag'>✔ {_e(t('meeting.item.status.done', lang))}</span>"
    cls = "item done" if item.status == "done" else "item"
    return f"<div class='{cls}'>{head}{_e(line)}{flags}</div>"


def freshness_html(rows: Sequence[Freshness], lang: str) -> str:
    if not rows:
        return f"<p class='sub'>{_e(t('meeting.freshness.none', lang))}</p>"
    cells = "".join(
        f"<div>{_e(r.name)}"
        + (f"<span class='flag stale'>{STALE_ICON} {_e(t('meeting.freshness.stale', lang))}</span>" if r.stale else "")
        + f"<span class='date'>{r.newest.isoformat()}</span></div>" for r in rows)
    return f"<div class='fresh'>{cells}</div>"


def theme_table_html(members: Sequence[Any], stale_ids: set[str], lang: str) -> str:
    """A theme's metrics as one big table: name, value, target, status."""
    heads = "".join(f"<th>{_e(t(f'meeting.col.{c}', lang))}</th>" for c in ("metric", "value", "target", "status"))
    rows = []
    for m in members:
        stale = (f"<span class='flag stale'>{STALE_ICON} {_e(t('meeting.freshness.stale', lang))}</span>"
                 if m.id in stale_ids else "")
        rows.append(f"<tr><td><b>{_e(m.id)}</b> {_e(metric_name(m, lang))}{stale}</td>"
                    f"<td class='num'>{_e(format_value(m, lang))}</td>"
                    f"<td class='nowrap'>{_e(format_target(m, lang))}</td>"
                    f"<td class='nowrap'>{badge(m.status, lang)}</td></tr>")
    return f"<table><thead><tr>{heads}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def projector_figure(fig: go.Figure, *, height: int = 620) -> go.Figure:
    """Large type for the back of the room (ticks, legend, labels >= 22 px) and AAA status colours;
    charts has no projector variant, so the builder's figure is adjusted here."""
    margin = fig.layout.margin
    # bigger type needs more room above the plot for the title and target labels the builder placed
    fig.update_layout(height=height, font={"size": 24}, title={"font": {"size": 28}},
                      legend={"font": {"size": 22}},
                      margin={"l": 24, "r": 48, "t": (margin.t or 48) + 56, "b": max(margin.b or 40, 64)})
    title = fig.layout.title
    if title.text:
        for status, style in STATUS_STYLE.items():  # the title's status word in the slide's AAA colour
            title.text = title.text.replace(style.text_color, look.STATUS_TEXT[status])
    if title.subtitle and title.subtitle.text:
        title.subtitle.font.size = 22
        title.subtitle.font.color = look.MUTED
    fig.update_xaxes(tickfont={"size": 22}, title_font={"size": 22}, ticklabelstandoff=8)
    fig.update_yaxes(tickfont={"size": 22}, title_font={"size": 22}, ticklabelstandoff=8)
    for note in fig.layout.annotations or ():
        note.font.size = max(note.font.size or 0, 22)
    for trace in fig.data:
        if "textfont" not in trace:
            continue
        size = trace.textfont.size
        trace.textfont.size = 22 if isinstance(size, tuple) or size is None else max(size, 22)
        fill = getattr(getattr(trace, "marker", None), "color", None)
        if isinstance(fill, str) and fill.startswith("#") and isinstance(trace.textfont.color, str):
            # text inside a status-coloured bar: whichever of white and ink reads better on it
            trace.textfont.color = max(("#FFFFFF", look.INK), key=lambda c: look.contrast(c, fill))
    return fig


# ---------------------------------------------------------------- pure: "which ones?"


@dataclass(frozen=True)
class Shortfall:
    """The rows that explain why a metric falls short, as a metric slide shows them."""

    title: str
    table: pd.DataFrame  # display strings, at most SHORTFALL_ROWS rows
    more: int  # rows not shown


def shortfall(result: Any, rows: pd.DataFrame | None, lang: str) -> Shortfall | None:
    """What answers "which ones?": for a ratio the rows not counted in its numerator (``计入分子``
    False; all its rows when it has no such column), for a zero metric its events, for a checklist the
    missing items; for counts and sums the number itself is the answer (None). ``rows`` is
    ``metrics.engine.evidence`` (PII already masked)."""
    from ui import data

    kind = result.kind
    if kind == "checklist":
        missing = list(result.missing or [name for name, ok in (result.items or []) if not ok])
        if not missing:
            return None
        col = t("meeting.shortfall.item", lang)
        table = pd.DataFrame({col: [str(x) for x in missing]})
        return Shortfall(t("meeting.shortfall.missing", lang, n=len(missing)), table.head(SHORTFALL_ROWS),
                         max(0, len(missing) - SHORTFALL_ROWS))
    if kind not in ("ratio", "zero") or rows is None or not len(rows):
        return None
    if kind == "ratio" and "计入分子" in rows.columns:
        rows = rows[~rows["计入分子"].fillna(False).astype(bool)]
        key = "meeting.shortfall.not_counted"
    else:
        key = "meeting.shortfall.events" if kind == "zero" else "meeting.shortfall.rows"
    if not len(rows):
        return None
    total = len(rows)
    shown = data.evidence_for_display(rows.drop(columns=["计入分子"], errors="ignore").head(SHORTFALL_ROWS), lang)
    return Shortfall(t(key, lang, n=total), _slide_columns(shown, lang), total - len(shown))


def _slide_columns(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The Excel row first, then the ledger's first columns that hold anything; yes/no in words."""
    row_col, file_col, sheet_col = (t(f"ui.report.{c}", lang) for c in ("row", "file", "sheet"))
    own = [c for c in frame.columns if c not in (row_col, file_col, sheet_col)
           and not frame[c].map(_blank).all()]
    cols = ([row_col] if row_col in frame.columns else []) + own[:SHORTFALL_COLUMNS]
    yes, no = t("meeting.shortfall.yes", lang), t("meeting.shortfall.no", lang)

    def text(v: Any) -> str:
        if _blank(v):
            return ""
        if pd.api.types.is_bool(v):
            return yes if v else no
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v)

    return frame[cols].map(text).reset_index(drop=True)


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or (not isinstance(v, str) and bool(pd.isna(v)))


def shortfall_html(short: Shortfall, lang: str) -> str:
    heads = "".join(f"<th>{_e(c)}</th>" for c in short.table.columns)
    body = "".join("<tr>" + "".join(f"<td>{_e(v)}</td>" for v in row) + "</tr>"
                   for row in short.table.itertuples(index=False))
    more = (f"<p class='sub'>{_e(t('meeting.shortfall.more', lang, n=short.more))}</p>" if short.more else "")
    return (f"<div class='deck'><h2>{_e(short.title)}</h2><table class='rows'><thead><tr>{heads}</tr></thead>"
            f"<tbody>{body}</tbody></table>{more}</div>")


# ---------------------------------------------------------------- streamlit: mode and navigation


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


def _go(k: int) -> None:
    st.query_params[SLIDE_PARAM] = str(k)


def deck(view: Any, *, projector: bool) -> None:
    """The meeting's slides with next / previous; the slide number lives in the URL."""
    lang = view.lang
    st.html(look.css(projector))
    deck_slides = slides(view.results)
    n = len(deck_slides)
    k = clamp_slide(st.query_params.get(SLIDE_PARAM), n)
    if st.query_params.get(SLIDE_PARAM) != str(k):
        st.query_params[SLIDE_PARAM] = str(k)
    slide = deck_slides[k - 1]
    title, prev, pos, nxt, mode = st.columns([6, 1.6, 1.3, 1.6, 1.8], vertical_alignment="center")
    with title:
        st.html(f"<div class='deck'><h1>{_e(_slide_title(slide, view, lang))}</h1>"
                f"<div class='sub'>{_e(t('meeting.caption', lang, community=view.community, year=view.year, as_of=view.as_of.isoformat()))}</div></div>")  # noqa: E501
    prev.button("◀ " + t("meeting.prev", lang), key="meeting_prev", on_click=_go, args=(k - 1,),
                disabled=k <= 1, width="stretch")
    pos.html(f"<div class='deck'><div class='pos'>{_e(t('meeting.position', lang, k=k, n=n))}</div></div>")
    nxt.button(t("meeting.next", lang) + " ▶", key="meeting_next", on_click=_go, args=(k + 1,),
               disabled=k >= n, width="stretch", type="primary")
    if projector:
        mode.button("✕ " + t("meeting.exit", lang), key="meeting_exit", on_click=_set_mode, args=(False,),
                    width="stretch")
    else:
        mode.button("▶ " + t("meeting.enter", lang), key="meeting_enter", on_click=_set_mode, args=(True,),
                    width="stretch")
    if slide.kind == "summary":
        summary_slide(view)
    elif slide.kind == "theme":
        theme_slide(view, slide)
    else:
        metric_slide(view, view.results.get(slide.key))


def _slide_title(slide: Slide, view: Any, lang: str) -> str:
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
    st.html(f"<div class='deck'>{counts_html(view.results, lang)}</div>")
    left, right = st.columns([1.15, 1], gap="large")
    with left:
        st.html(f"<div class='deck'><h2>{_e(t('meeting.summary.open_items', lang))}</h2></div>")
        items = order_items(_store_items(None, "open"), meeting)
        if not items:
            st.html(f"<div class='deck'><p class='sub'>{_e(t('meeting.summary.no_open', lang))}</p></div>")
        editable = _editable(lang, quiet=True)
        for item in items[:SUMMARY_ITEMS]:
            _item_row(item, meeting, lang, editable, where="summary", metric=item.metric_id)
        if len(items) > SUMMARY_ITEMS:
            st.html(f"<div class='deck'><p class='sub'>"
                    f"{_e(t('meeting.summary.more_items', lang, n=len(items) - SUMMARY_ITEMS))}</p></div>")
    with right:
        rows = freshness(data.ledger_newest(view.dataset.frames), view.stale, lang)
        st.html(f"<div class='deck'><h2>{_e(t('meeting.freshness.title', lang))}</h2>"
                f"{freshness_html(rows, lang)}</div>")


def theme_slide(view: Any, slide: Slide) -> None:
    from ui import data

    lang = view.lang
    members = [m for m in view.results.metrics if m.id in slide.metric_ids]
    if not members:
        st.html(f"<div class='deck'><p class='sub'>{_e(t('meeting.theme.empty', lang))}</p></div>")
        return
    stale_ids = {m.id for m in members if data.is_stale(m, view.stale)}
    st.html(f"<div class='deck'>{theme_table_html(members, stale_ids, lang)}</div>")


def metric_slide(view: Any, result: Any) -> None:
    from charts.figures import metric_figure
    from ui import render

    if result is None:
        return
    lang = view.lang
    st.html(f"<div class='deck'><p class='big'>{badge(result.status, lang)} "
            f"{_e(t('meeting.metric.value', lang, value=format_value(result, lang), target=format_target(result, lang)))}"  # noqa: E501
            f" · {_e(t('meeting.metric.evidence', lang, n=result.evidence_count))}</p></div>")
    chart, side = st.columns([1.5, 1], gap="large")
    with chart:
        hist = view.history().get(result.id)
        rows = view.evidence(result.id) if result.kind in ("ratio", "zero") else None
        short = shortfall(result, rows, lang)
        events = rows if result.kind == "zero" else None
        fig = metric_figure(result, hist, lang, events=events, results=view.results.metrics, as_of=view.as_of)
        # with rows to show below it, the chart gives up height so both fit on one screen
        render.chart(projector_figure(fig, height=440 if short else 620), key=f"meeting-fig-{result.id}")
        if short is not None:
            st.html(shortfall_html(short, lang))
    with side:
        st.html(f"<div class='deck'><h2>{_e(t('meeting.metric.items', lang))}</h2></div>")
        action_panel(view, result, where="slide")


# ---------------------------------------------------------------- streamlit: action items


def _store() -> Any:
    from ui import state

    return state.get_store()


def _store_items(metric_id: str | None, status: str | None = None) -> list[Any]:
    try:
        return list(_store().action_items(metric_id, status, as_of=today()))
    except Exception:  # an unreadable store must not take the slide down
        return []


def _editable(lang: str, *, quiet: bool = False, where: str = "") -> bool:
    """Whether action items may be changed now; with a password configured, offer to unlock (ui.auth)."""
    from ui import auth

    if quiet:
        return auth.allowed("actions")
    return auth.require("actions", lang, f"meeting_{where}", note="meeting.item.locked")


def _set_status(item_id: int, status: str) -> None:
    try:
        _store().set_action_status(item_id, status)
    except Exception as exc:  # shown on the next run
        st.session_state["_meeting_error"] = str(exc)
    st.session_state.pop("_pdf", None)  # the PDF lists the items: ask for a fresh one


def _item_row(item: Any, meeting: dt.date, lang: str, editable: bool, *, where: str,
              metric: str | None = None) -> None:
    text, button = st.columns([5, 1.3], vertical_alignment="center")
    text.html(f"<div class='deck'>{item_html(item, meeting, lang, metric=metric)}</div>")
    if not editable:
        return
    if item.status == "open":
        button.button("✔ " + t("meeting.item.done", lang), key=f"meeting_done_{where}_{item.id}",
                      on_click=_set_status, args=(item.id, "done"), width="stretch")
    else:
        button.button(t("meeting.item.reopen", lang), key=f"meeting_reopen_{where}_{item.id}",
                      on_click=_set_status, args=(item.id, "open"), width="stretch")


def action_panel(view: Any, result: Any, *, where: str = "theme") -> None:
    """A metric's 督办事项: the list (open first, overdue marked), mark done, and a small form to add
    one. The theme page calls this inside the metric's expander; the metric slide beside its chart."""
    lang = view.lang
    meeting = today()
    error = st.session_state.pop("_meeting_error", None)
    if error:
        st.error(t("meeting.item.failed", lang, error=error))
    if where == "theme":
        st.markdown(f"**{t('meeting.metric.items', lang)}**")
    listing = st.container()
    editable = _editable(lang, where=f"{where}_{result.id}")
    if editable:
        _add_form(result.id, lang, where=where)
    with listing:
        items = order_items(_store_items(result.id), meeting)
        if not items:
            st.caption(t("meeting.metric.no_items", lang))
        for item in items:
            _item_row(item, meeting, lang, editable, where=where)


def _add_form(metric_id: str, lang: str, *, where: str) -> None:
    with st.form(f"meeting_add_{where}_{metric_id}", clear_on_submit=True):
        what = st.text_input(t("meeting.item.what", lang), key=f"meeting_what_{where}_{metric_id}")
        who_col, due_col = st.columns(2)
        who = who_col.text_input(t("meeting.item.who", lang), key=f"meeting_who_{where}_{metric_id}",
                                 placeholder=t("meeting.item.who_help", lang))
        due = due_col.date_input(t("meeting.item.due", lang), value=today() + dt.timedelta(days=14),
                                 key=f"meeting_due_{where}_{metric_id}", format="YYYY-MM-DD")
        if not st.form_submit_button("＋ " + t("meeting.item.add", lang), type="primary"):
            return
    if not (what or "").strip():
        st.warning(t("meeting.item.need_what", lang))
        return
    try:
        _store().add_action_item(metric_id, what, who, due, today())
    except Exception as exc:
        st.error(t("meeting.item.failed", lang, error=exc))
        return
    st.session_state.pop("_pdf", None)
    st.toast(t("meeting.item.added", lang), icon=":material/push_pin:")
