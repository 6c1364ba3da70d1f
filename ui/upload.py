"""The streamlit side of uploads: run the handler once per set of files, keep the outcome, switch data."""

from __future__ import annotations

from typing import Any

import streamlit as st

from i18n import t
from ui import data, state

DIGEST = "_upload_digest"


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
