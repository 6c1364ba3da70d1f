"""The streamlit side of uploads: run the handler once per set of files, keep the outcome, switch data."""

from __future__ import annotations

from typing import Any

import streamlit as st

from i18n import t
from ui import data, state
from ui.render import markdown

DIGEST = "_upload_digest"
NONCE = "_uploader_nonce"  # bumped to give the uploader a fresh, empty widget


def receive(uploaded: list[Any] | None, lang: str) -> None:
    """Handle the uploader's files once (reruns with the same files do nothing)."""
    if not uploaded:
        return
    files = [(f.name, f.getvalue()) for f in uploaded]
    digest = data.files_digest(files)
    if st.session_state.get(DIGEST) == digest:
        return
    st.session_state[DIGEST] = digest
    process(files, lang)


def process(files: list[tuple[str, bytes]], lang: str) -> data.UploadOutcome:
    """Read and keep an upload; only an accepted one replaces what is shown."""
    with st.spinner(t("ui.upload.reading", lang, n=len(files))):
        outcome = data.handle_upload(files, state.get_store(), lang)
    st.session_state[state.ATTEMPT] = outcome
    if outcome.accepted and outcome.dataset is not None:
        st.session_state[state.UPLOAD] = outcome.dataset
        st.session_state[state.PENDING_SOURCE] = "upload"
        st.session_state.pop("_pdf", None)
        st.rerun()  # so the sidebar and every number reflect the new data at once
    return outcome


def uploader_key() -> str:
    """The uploader's widget key; a new one empties the widget (see :func:`forget`)."""
    nonce = st.session_state.get(NONCE, 0)
    return "uploader" if nonce == 0 else f"uploader-{nonce}"


def forget() -> None:
    """After the upload's snapshot is deleted: empty the uploader and forget its files, so the same
    files can be uploaded again and the deleted snapshot is not silently re-created."""
    st.session_state[NONCE] = st.session_state.get(NONCE, 0) + 1
    st.session_state.pop(DIGEST, None)


def attempt() -> data.UploadOutcome | None:
    return st.session_state.get(state.ATTEMPT)


@st.cache_data(show_spinner=False)
def template_bytes() -> bytes | None:
    """The blank template workbook of every ledger (ledgers.template); None until that module exists."""
    try:
        from ledgers.template import template_workbook
    except ModuleNotFoundError as exc:
        if exc.name != "ledgers.template":
            raise
        return None
    book = template_workbook()
    return book.getvalue() if hasattr(book, "getvalue") else bytes(book)


def show_problems(report: dict[str, Any], lang: str) -> None:
    """Problems per file and sheet: errors and warnings open, each line whole; notes folded below."""
    groups = data.problem_groups(report, lang)
    counts = data.problem_counts(report)
    st.markdown(f"**{t('ui.data.problem_counts', lang, **counts)}**")
    if not groups:
        st.caption(t("ui.data.no_problems", lang))
        return
    serious = [g for g in groups if g.serious]
    if serious:
        st.caption(t("ui.data.serious_hint", lang))
    for group in serious:
        with st.container(border=True):
            markdown(f"<div class='problem-head'>{_e(group.title(lang))}</div>{data.lines_html(group.serious)}")
    notes = [g for g in groups if g.notes]
    if notes:
        with st.expander(t("ui.data.notes", lang, n=sum(len(g.notes) for g in notes))):
            for group in notes:
                markdown(f"<div class='problem-head'>{_e(group.title(lang))}</div>{data.lines_html(group.notes)}")


def show_coverage(report: dict[str, Any], results: Any, lang: str) -> None:
    """After an upload of some ledgers only: which are missing and which metrics show 无数据 for it."""
    from ledgers.registry import LEDGERS

    cover = data.coverage(report, results)
    if cover is None:
        return
    st.warning(cover.line(lang), icon=":material/info:")
    names = "、".join((LEDGERS[k].name_en if lang == "en" else LEDGERS[k].name) for k in cover.absent)
    st.caption(t("ui.data.coverage_ledgers", lang, names=names))
    if cover.no_data:
        st.caption(t("ui.data.coverage_metrics", lang, ids="、".join(cover.no_data)))


def _e(text: str) -> str:
    import html

    return html.escape(text)
