"""The book on the data page: the current version of each ledger, a snapshot button, each ledger's
history with undo (password-gated like uploads), and the automatic snapshot of a meeting month."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st

from i18n import t
from ui import auth, keys, state
from ui.tables import show_table
from ui.verdict import ledger_label

if TYPE_CHECKING:
    from metrics.compare import Comparison
    from store.models import SnapshotInfo
    from ui.state import View

SNAPSHOT_NOTICE = keys.BOOK_SNAPSHOT_NOTICE


def _by(by: str | None, lang: str) -> str:
    return t(f"book.by.{by}", lang) if by in ("app", "cli") else (by or "—")


def _dates(v: Any) -> str:
    return "—" if v.first_date is None else f"{v.first_date:%Y-%m-%d} ~ {v.last_date:%Y-%m-%d}"


def _files(v: Any) -> str:
    return "、".join(f.name for f in v.files) or "—"


def _when(at: dt.datetime | None) -> str:
    return "—" if at is None else f"{at:%Y-%m-%d %H:%M}"


def book_table(versions: list[Any], lang: str) -> pd.DataFrame:
    cols = {k: t(f"book.col.{k}", lang) for k in ("ledger", "rows", "dates", "accepted", "by", "files")}
    return pd.DataFrame([{cols["ledger"]: ledger_label(v.ledger, lang), cols["rows"]: v.rows,
                          cols["dates"]: _dates(v), cols["accepted"]: _when(v.accepted_at),
                          cols["by"]: _by(v.accepted_by, lang), cols["files"]: _files(v)} for v in versions],
                        columns=list(cols.values()))


def history_table(versions: list[Any], lang: str) -> pd.DataFrame:
    cols = {k: t(f"book.col.{k}", lang) for k in ("version", "rows", "dates", "accepted", "files")}
    return pd.DataFrame([{cols["version"]: f"#{v.id}" + (f" · {t('book.history.current', lang)}" if v.current else ""),
                          cols["rows"]: v.rows, cols["dates"]: _dates(v),
                          cols["accepted"]: _when(v.accepted_at or v.created_at), cols["files"]: _files(v)}
                         for v in versions], columns=list(cols.values()))


def show_book(lang: str) -> None:
    """The current ledgers: one row each, then the snapshot button and each ledger's history."""
    store = state.get_store()
    versions = store.book()
    st.subheader(t("book.title", lang))
    if not versions:
        st.caption(t("book.empty", lang))
        return
    show_table(book_table(versions, lang), hide_index=True, width="stretch",
                 height=min(40 + 35 * len(versions), 720))
    snapshot_form(lang)
    with st.expander(t("book.history", lang)):
        history(versions, lang)


def snapshot_form(lang: str) -> None:
    notice = st.session_state.pop(SNAPSHOT_NOTICE, None)
    if notice:
        st.success(notice, icon=":material/check_circle:")
    label_col, button_col = st.columns([3, 2], vertical_alignment="bottom")
    label = label_col.text_input(t("book.snapshot.label", lang), key="book-snapshot-label",
                                 value=t("book.snapshot.default_label", lang, month=f"{dt.date.today():%Y-%m}"))
    button_col.button(t("book.snapshot.button", lang), key="book-snapshot", icon=":material/photo_camera:",
                      on_click=_take_snapshot, args=(label, lang), width="stretch")


def _take_snapshot(label: str, lang: str) -> None:
    info = state.get_store().take_snapshot(label.strip() or None)
    if info is not None:
        st.session_state[SNAPSHOT_NOTICE] = t("book.snapshot.saved", lang, id=info.id, label=info.label or "")


def history(versions: list[Any], lang: str) -> None:
    """Pick a ledger, see its versions; roll back to one (needs the upload password when set)."""
    store = state.get_store()
    keys = [v.ledger for v in versions]
    key = state.choice(st.selectbox, t("book.history.pick", lang), keys, key="book-history-ledger",
                       format_func=lambda k: ledger_label(k, lang))
    past = store.history(key)
    show_table(history_table(past, lang), hide_index=True, width="stretch")
    older = [v for v in past if not v.current]
    if not older or not auth.require("upload", lang, "rollback", note="book.rollback_locked"):
        return
    for v in older[:5]:
        st.button(t("book.rollback", lang, id=v.id), key=f"book-rollback-{v.id}", on_click=_rollback,
                  args=(key, v.id, lang))


def _rollback(ledger: str, version_id: int, lang: str) -> None:
    from ui.upload import DONE

    if not auth.allowed("upload"):
        return
    v = state.get_store().rollback(ledger, version_id, by="app")
    st.session_state[DONE] = ("success", t("book.rolled_back", lang, ledger=ledger_label(ledger, lang), id=v.id,
                                           rows=v.rows))
    state.community_changed()


def meeting_snapshot(lang: str) -> None:
    """Opening the meeting view in a month without a meeting snapshot freezes the book once."""
    from store.models import SnapshotKind, StoreError

    store = state.get_store()
    today = dt.date.today()
    if st.session_state.get(keys.MEETING_SNAPSHOT_MONTH) == f"{today:%Y-%m}":
        return  # asked already in this session this month
    st.session_state[keys.MEETING_SNAPSHOT_MONTH] = f"{today:%Y-%m}"
    try:
        info = store.take_snapshot(t("book.snapshot.default_label", lang, month=f"{today:%Y-%m}"),
                                   kind=SnapshotKind.MEETING)
    except StoreError:  # an empty book: nothing to freeze
        return
    if info is not None:
        st.toast(t("book.snapshot.auto", lang, id=info.id), icon=":material/photo_camera:")


# ---------------------------------------------------------------- what changed since the last snapshot


def comparison(view: View) -> tuple[SnapshotInfo, Comparison] | None:
    """(the snapshot compared with, metrics.compare.Comparison) for the data on screen: the book
    against the newest snapshot that differs from it, a snapshot against the one before it; None
    for the sample or when there is no earlier snapshot."""
    store = state.get_store()
    dataset = view.dataset
    try:
        if dataset.kind == "book":
            content, before = dataset.id.removeprefix("book:"), None
        elif dataset.kind == "snapshot" and dataset.snapshot_id is not None:
            content, before = store.snapshot_content_id(dataset.snapshot_id), dataset.snapshot_id
        else:
            return None
        base = store.baseline(content, before=before)
        if base is None:
            return None
        base_id = store.snapshot_content_id(base)
        cache = st.session_state.setdefault(keys.BASELINE_CACHE, {})
        if base_id not in cache:
            cache.clear()
            cache[base_id] = store.load_snapshot(base.id)[0]
        result = state.cached_comparison(cache[base_id], base_id, dataset.frames, dataset.id, view.year,
                                         view.as_of, view.targets_key)
    except Exception:  # a comparison that cannot be made must not take the page down
        return None
    return base, result


def compared_caption(base: SnapshotInfo, lang: str) -> str:
    return t("book.compare.since", lang, id=base.id, time=f"{base.created_at:%Y-%m-%d %H:%M}")


def pdf_compare(view: View) -> tuple[str, dict[str, Any]] | None:
    """For the PDF: (the caption naming the snapshot, its frames), as the overview compares."""
    found = comparison(view)
    if found is None:
        return None
    frames = st.session_state.get("_baseline_cache", {}).get(state.get_store().snapshot_content_id(found[0]))
    return None if frames is None else (compared_caption(found[0], view.lang), frames)
