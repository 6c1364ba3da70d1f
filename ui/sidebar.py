"""The sidebar every page shares (language, community, data, year, as-of) and the PDF button."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import streamlit as st

from i18n import t
from ui import auth, data, keys, meeting, shared, state
from ui.escape import md
from ui.render import markdown

if TYPE_CHECKING:
    from store.db import Store
    from store.models import SnapshotInfo

LANG_OPTIONS = ("zh", "en")
LANG_LABELS = {"zh": "中文", "en": "English"}
EMPTY = data.Dataset("empty", "book", {}, {})  # a hub community before its first upload


def language_switch() -> str:
    state.lang()  # a language in the URL is in the session before the widget reads it (no default then)
    st.segmented_control("Language / 语言", LANG_OPTIONS, key=state.LANG,
                         default=None if state.LANG in st.session_state else "zh", required=True,
                         format_func=LANG_LABELS.__getitem__, label_visibility="collapsed",
                         on_change=state.lang_to_url)
    return state.lang()


def choose_dataset(lang: str) -> data.Dataset:
    """Which data is shown: the current book (当前台账, default; the sample while it is empty), or an
    earlier snapshot, read-only; the open snapshot can be deleted from here."""
    store = state.get_store()
    pending = st.session_state.pop(state.PENDING_SOURCE, None)
    if pending:
        st.session_state[state.SOURCE] = pending
    _deleted_notice(lang)
    book = _book(store)
    snapshots = _snapshots(store)
    # a hub shows a community its own data or none: the sample (桃园社区's) under another name would mislead
    options = (["book"] if book is not None else []) + (["snapshot"] if snapshots else []) + sample_option()
    if not options:
        st.info(t("users.empty_book", lang), icon=":material/upload_file:")
        return EMPTY
    if st.session_state.get(state.SOURCE) not in options:
        st.session_state[state.SOURCE] = options[0]
    source = state.choice(st.radio, t("ui.sidebar.source", lang), options, key=state.SOURCE,
                          format_func=lambda o: t(f"ui.sidebar.source.{o}", lang))
    if source == "book" and book is not None:
        return book
    if source == "snapshot":
        by_id = {s.id: s for s in snapshots}  # newest first, as store.snapshots() gives them
        ids = list(by_id)
        if st.session_state.get(state.SNAPSHOT) not in ids:
            st.session_state[state.SNAPSHOT] = ids[0]
        labels = {s.id: snapshot_label(s, i == 0, lang) for i, s in enumerate(snapshots)}
        sid = state.choice(st.selectbox, t("store.snapshot.title", lang), ids, key=state.SNAPSHOT,
                           format_func=labels.__getitem__)
        st.caption(md(snapshot_details(by_id[sid], lang)))  # the whole of what the picker may cut
        st.caption(t("book.snapshot.readonly", lang))
        delete_control(by_id[sid], lang)
        try:
            return _snapshot(store, sid)
        except Exception as exc:  # a snapshot that cannot be read must not take the page down
            st.error(t("ui.sidebar.snapshot_failed", lang, error=exc))
    return state.sample() if sample_option() else EMPTY


def sample_option() -> list[str]:
    return [] if auth.hub() else ["sample"]


def _book(store: Store) -> data.Dataset | None:
    """The book, read from SQLite once per book state for every session (its id changes when it does)."""
    try:
        book_id = store.book_id() if store.book() else None
    except Exception:
        return None
    if book_id is None:
        return None
    return shared.book(store, book_id)  # one copy for every session (#18 item 9)


def _snapshots(store: Store) -> list[SnapshotInfo]:
    try:
        return list(store.snapshots())
    except Exception:
        return []


def snapshot_label(info: SnapshotInfo, latest: bool, lang: str) -> str:
    """'#3 2026-05-12 14:03 · 最新 · 2 个文件 · 五月例会': what the history picker lists, the words that
    tell snapshots apart first (the closed picker shows only the start in a narrow sidebar)."""
    parts = [f"#{info.id} {info.created_at:%Y-%m-%d %H:%M}"]
    if latest:
        parts.append(t("store.snapshot.latest", lang))
    parts.append(t("store.snapshot.file_count", lang, n=len(info.files)))
    if info.label:
        parts.append(str(info.label))
    return " · ".join(parts)


def snapshot_details(info: SnapshotInfo, lang: str, *, names: int = 3) -> str:
    """Under the picker: the open snapshot's label and files by name (the first few)."""
    files = [f.name for f in info.files]
    shown = "、".join(files[:names]) + (" …" if len(files) > names else "")
    line = t("ui.snapshot.files", lang, names=shown)
    return f"{info.label} · {line}" if info.label else line


# ---------------------------------------------------------------- deleting a snapshot

CONFIRM = keys.SNAPSHOT_CONFIRM
DELETED = keys.SNAPSHOT_DELETED


def delete_control(info: SnapshotInfo, lang: str) -> None:
    """Delete the open snapshot: a button, then a confirmation naming it (and the password when one
    is set); the confirmed callback deletes that one snapshot and nothing else."""
    if st.session_state.get(CONFIRM) != info.id:
        st.button(t("store.snapshot.delete", lang), key="snapshot_delete", icon=":material/delete:",
                  on_click=st.session_state.__setitem__, args=(CONFIRM, info.id), width="stretch")
        return
    with st.container(border=True):
        if auth.require("delete_snapshot", lang, "snapshot_delete", note="ui.snapshot.delete_locked"):
            st.warning(t("store.snapshot.delete_confirm", lang, id=info.id), icon=":material/warning:")
            st.caption(t("ui.snapshot.delete_scope", lang, time=f"{info.created_at:%Y-%m-%d %H:%M}",
                         files=t("store.snapshot.file_count", lang, n=len(info.files))))
            st.button(t("ui.snapshot.confirm", lang, id=info.id), key="snapshot_delete_confirm", type="primary",
                      icon=":material/delete_forever:", on_click=_delete, args=(info.id,), width="stretch")
        st.button(t("ui.snapshot.cancel", lang), key="snapshot_delete_cancel", on_click=st.session_state.pop,
                  args=(CONFIRM, None), width="stretch")


def _delete(snapshot_id: int) -> None:
    """The confirm button's callback: runs before the rerun, so the picker can move to what is left."""
    st.session_state.pop(CONFIRM, None)
    if not auth.allowed("delete_snapshot"):  # the button is drawn only when unlocked; check again anyway
        return
    store = state.get_store()
    try:
        store.delete_snapshot(snapshot_id)
    except Exception as exc:
        st.session_state[DELETED] = (snapshot_id, None, str(exc))
        return
    shared.forget()  # its rows must not stay in the shared copies either
    state.forget_pdf()
    latest = store.latest_snapshot_id()
    if latest is not None:
        st.session_state[state.SOURCE], st.session_state[state.SNAPSHOT] = "snapshot", latest
    else:
        st.session_state[state.SOURCE] = "book" if store.book() else "sample"
    st.session_state[DELETED] = (snapshot_id, latest, None)


def _deleted_notice(lang: str) -> None:
    notice = st.session_state.pop(DELETED, None)
    if notice is None:
        return
    deleted, latest, error = notice
    if error:
        st.error(t("ui.snapshot.delete_failed", lang, error=error))
        return
    then = (t("ui.snapshot.fallback_latest", lang, id=latest) if latest is not None
            else t("ui.snapshot.fallback_sample", lang))
    st.success(f"{t('store.snapshot.deleted', lang, id=deleted)}  \n{then}", icon=":material/check_circle:")


def _snapshot(store: Store, sid: int) -> data.Dataset:
    return shared.snapshot(store, sid)  # read from SQLite once for every session (#18 item 9)


def period(dataset: data.Dataset, lang: str) -> tuple[int, dt.date]:
    """Year and as-of pickers; the defaults come from metrics.engine.default_period."""
    default_year, _ = state.cached_period(dataset.frames, dataset.id, None)
    years = state.cached_years(dataset.frames, dataset.id) or [default_year]
    if default_year not in years:
        years = [default_year, *years]
    year_key = f"year:{dataset.id}"  # per dataset, so new data starts at its own latest year
    year = st.selectbox(t("ui.sidebar.year", lang), years, index=years.index(default_year), key=year_key)
    _, default_day = state.cached_period(dataset.frames, dataset.id, year)
    today = today_shanghai()
    default_day = default_as_of(default_day, int(year), today)
    # a fresh as-of widget per (data, year): picking another year resets D to that year's default
    as_of = st.date_input(t("ui.sidebar.as_of", lang), value=default_day, key=f"as_of:{dataset.id}:{year}",
                          min_value=dt.date(year, 1, 1), max_value=dt.date(year, 12, 31),
                          help=t("ui.sidebar.as_of_help", lang), format="YYYY-MM-DD")
    if as_of > today:  # allowed (planning ahead), but never silently: the numbers count days not yet lived
        st.warning(t("ui.sidebar.as_of_future", lang, today=today.isoformat()), icon=":material/event_busy:")
    return int(year), as_of


SHANGHAI = ZoneInfo("Asia/Shanghai")  # the committee's calendar, whatever the server's zone


def today_shanghai() -> dt.date:
    return dt.datetime.now(SHANGHAI).date()


def default_as_of(latest: dt.date, year: int, today: dt.date) -> dt.date:
    """The as-of date offered first: the data's latest date in the year, but never after today in
    Shanghai (a row dated ahead, or a year without rows, would offer 31 Dec); 1 Jan for a year that
    has not begun (the earliest the picker allows)."""
    return latest if latest <= today else max(today, dt.date(year, 1, 1))


def render(lang: str) -> state.View:
    """Draw the sidebar and compute the view every page renders from."""
    with st.sidebar:
        language_switch()
        lang = state.lang()
        # the projector switch and the PDF button right under the language, so both stay above the
        # fold at 1366×768 (#13 item 9); filled once the view they need is computed below
        top = st.container()
        auth.sidebar_status(lang)
        st.divider()
        community = community_name(lang)
        dataset = choose_dataset(lang)
        year, as_of = period(dataset, lang)
    store = state.get_store()
    targets = store.targets()
    if state.settings().hub:  # the street's defaults apply, and no looser own target (hub.targets)
        from hub.targets import effective, street_defaults

        targets = effective(street_defaults(store.engine), targets)
    key = state.targets_key(targets)
    results = state.cached_results(dataset.frames, dataset.id, year, as_of, key)
    view = state.View(dataset, year, as_of, lang, community, targets, key, results,
                      data.stale_ledgers(dataset.frames, as_of))
    st.session_state[state.VIEW] = view
    with top:
        meeting.projector_toggle(lang)
        pdf_button(view)
    return view


def community_name(lang: str) -> str:
    """The name on the pages and the PDF: typed here in a single install; in a hub the session's
    community's own name, not editable (a title naming another community would mislead)."""
    if auth.hub():
        community = auth.session_community()
        assert community is not None  # entry.run draws no sidebar view without one
        return auth.community_name(community)
    return st.text_input(t("ui.sidebar.community", lang), value=t("app.community", "zh"), key="community")


# ---------------------------------------------------------------- the PDF


def pdf_button(view: state.View) -> None:
    """Generate on request (it takes seconds), then offer the download; any change asks again.
    Without Chromium or a Chinese font the button's place says what to install; the rest works."""
    lang = view.lang
    key = (view.dataset.id, view.year, view.as_of, view.targets_key, lang, view.community)
    missing = pdf_missing()
    if missing:
        from report.pdf import ReportUnavailable

        st.info(str(ReportUnavailable(missing, lang)), icon=":material/picture_as_pdf:")
        return
    ready = st.session_state.get(keys.PDF)
    if ready is not None and ready[0] == key:
        st.download_button(t("ui.pdf.download", lang), ready[1], type="primary", icon=":material/download:",
                           file_name=f"{view.community}_{view.year}_{view.as_of:%Y%m%d}.pdf",
                           mime="application/pdf", key="pdf_download", width="stretch")
        return
    if st.button(t("ui.pdf.generate", lang), icon=":material/picture_as_pdf:", key="pdf_generate", width="stretch"):
        from report.pdf import ON_WAIT

        queued = st.empty()  # one render at a time: a request behind others shows its place
        token = ON_WAIT.set(lambda n: queued.info(t("ui.pdf.queued", lang, n=n), icon=":material/hourglass_top:"))
        with st.spinner(t("ui.pdf.working", lang)):
            try:
                pdf = build_pdf(view)
            except Exception as exc:  # printing failed: say so, keep the dashboard usable
                st.error(t("ui.pdf.failed", lang, error=exc))
                return
            finally:
                ON_WAIT.reset(token)
                queued.empty()
        st.session_state[keys.PDF] = (key, pdf)
        st.rerun()
    markdown(f"<span class='muted'>{t('ui.pdf.hint', lang)}</span>")


def pdf_missing() -> list[str]:
    """What the PDF lacks on this machine (report.pdf.check_prerequisites), asked once per session."""
    if keys.PDF_MISSING not in st.session_state:
        from report.pdf import check_prerequisites

        st.session_state[keys.PDF_MISSING] = check_prerequisites()
    return st.session_state[keys.PDF_MISSING]


def build_pdf(view: state.View) -> bytes:
    """The PDF of what the screen shows, through the one path the CLI takes too
    (report.pdf.build_pdf_from_frames): same numbers, same charts, last year's lines, zero-event timelines."""
    from report.pdf import build_pdf_from_frames
    from ui import book

    return build_pdf_from_frames(view.dataset.frames, view.dataset.report, year=view.year, as_of=view.as_of,
                                 targets=view.targets, sources=view.dataset.sources, lang=view.lang,
                                 community=view.community,
                                 action_items=meeting.pdf_action_items(view.lang, view.as_of),
                                 compare=book.pdf_compare(view), meeting=meeting.pdf_minutes(view))
