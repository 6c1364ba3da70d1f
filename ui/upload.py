"""The streamlit side of uploads: run the handler once per set of files, keep the outcome, switch data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st

from i18n import t
from ui import auth, data, keys, state
from ui.render import markdown
from ui.tables import show_table

if TYPE_CHECKING:
    from metrics.engine import Results

DIGEST = keys.UPLOAD_DIGEST
NONCE = keys.UPLOADER_NONCE


def key_warning(lang: str) -> None:
    """The PII key found inside the data folder (an older install): a copy of the folder could
    reverse masked phones, so the office is told to move it (#18 item 5)."""
    store = state.get_store()
    if getattr(store, "key_beside_data", False):
        from store.db import default_key_dir

        st.warning(t("store.key_beside_data", lang, folder=str(default_key_dir())), icon=":material/key:")


MAX_FILE_MB = 50  # one file; passed to the uploader itself so its own "Limit 50MB per file" and our label agree
MAX_TOTAL_MB = 100  # all files of one upload together, beside the per-file cap


def uploader_words(lang: str) -> tuple[str, str]:
    """Label and help of the ledger uploader with both caps in the reader's language: Streamlit's
    dropzone text ("Drag and drop files here", "Limit 50MB per file") cannot be translated, so the
    label states the limits and the help says what those English words mean."""
    return (t("ui.data.uploader", lang, each=MAX_FILE_MB, total=MAX_TOTAL_MB),
            t("ui.data.uploader_help", lang, each=MAX_FILE_MB, total=MAX_TOTAL_MB))


def receive(uploaded: list[Any] | None, lang: str) -> None:
    """Handle the uploader's files once (reruns with the same files do nothing). An upload over
    ``MAX_TOTAL_MB`` in all is refused before it is read: five 48 MB CSVs once took the server from
    306 MB to 2.17 GB."""
    if not uploaded:
        return
    total = sum(int(getattr(f, "size", 0) or 0) for f in uploaded)
    if total > MAX_TOTAL_MB << 20:
        st.error(t("ui.upload.too_large", lang, n=len(uploaded), size=f"{total / (1 << 20):.0f}", limit=MAX_TOTAL_MB),
                 icon=":material/block:")
        return
    files = [(f.name, f.getvalue()) for f in uploaded]
    digest = data.files_digest(files)
    if st.session_state.get(DIGEST) == digest:
        return
    st.session_state[DIGEST] = digest
    process(files, lang)


def process(files: list[tuple[str, bytes]], lang: str) -> None:
    """Read an upload and compare it with the book; the preview waits for accept or discard."""
    with st.spinner(t("ui.upload.reading", lang, n=len(files))):
        outcome = data.handle_upload(files, state.get_store(), lang)
    st.session_state[state.ATTEMPT] = outcome
    st.rerun()  # draw the page again from the top with this preview (the mapper calls this mid-page)


# ---------------------------------------------------------------- verdicts, preview, accept

DONE = keys.BOOK_DONE


def show_verdicts(outcome: data.UploadOutcome, lang: str) -> None:
    """The banner counting the files, then one coloured line per file."""
    from ui.verdict import Outcome, banner

    verdicts = outcome.verdicts(lang)
    imported = [v.outcome is Outcome.IMPORTED for v in verdicts]
    box = st.success if all(imported) else st.error if not any(
        v.outcome is not Outcome.NOT_IMPORTED for v in verdicts) else st.warning
    box(banner(verdicts, lang))
    for v in verdicts:
        markdown(f"<div class='verdict' style='color:{_COLOURS[v.outcome.colour]}'>{v.outcome.icon} "
                 f"{_e(v.line(lang))}</div>")


_COLOURS = {"green": "#1a7f37", "orange": "#9a6700", "red": "#cf222e"}  # readable on white, not pure hues


def show_preview(outcome: data.UploadOutcome, lang: str) -> None:
    """Per ledger: rows before → after, changes, dates, warnings; tick, confirm, accept or discard."""
    from ui.verdict import caution_text, ledger_label, preview_rows

    proposal = outcome.proposal
    if proposal is None or not proposal.diffs:
        st.info(t("book.preview.nothing", lang), icon=":material/info:")
        return
    st.subheader(t("book.preview.title", lang))
    st.caption(t("book.preview.caption", lang))
    show_table(pd.DataFrame(preview_rows(proposal, lang)), hide_index=True, width="stretch")
    if not proposal.acceptable:  # a re-upload of what the book holds: recognised, nothing to accept
        st.info(t("book.preview.same", lang), icon=":material/check_circle:")
    if not outcome.pending:
        return
    chosen, confirmed = [], []
    for key in proposal.acceptable:
        diff, name = proposal.diffs[key], ledger_label(key, lang)
        if st.checkbox(t("book.choose", lang, ledger=name), value=True, key=f"book-pick-{key}"):
            chosen.append(key)
        if diff.needs_confirmation:
            for caution in diff.warnings:
                st.warning(f"{name}：{caution_text(diff, caution, lang)}")
            if st.checkbox(t("book.confirm", lang, ledger=name), key=f"book-confirm-{key}"):
                confirmed.append(key)
    left, mid, right = st.columns(3)
    left.button(t("book.accept_selected", lang), key="book-accept", type="primary", on_click=_accept,
                args=(chosen, confirmed, lang), disabled=not chosen, width="stretch")
    mid.button(t("book.accept_all", lang), key="book-accept-all", on_click=_accept,
               args=(list(proposal.acceptable), confirmed, lang), width="stretch")
    right.button(t("book.discard", lang), key="book-discard", on_click=_discard, args=(lang,), width="stretch")


def _accept(ledgers: list[str], confirmed: list[str], lang: str) -> None:
    """The accept buttons' callback: the book changes here, in one transaction, or not at all."""
    from store.models import StoreError
    from ui.verdict import accepted_line, ledger_label

    outcome = attempt()
    if outcome is None or outcome.proposal is None or not outcome.pending or not auth.allowed("upload"):
        return
    missing = [k for k in ledgers if outcome.proposal.diffs[k].needs_confirmation and k not in confirmed]
    if missing:
        st.session_state[DONE] = ("error", t("book.needs_confirm", lang, ledger=ledger_label(missing[0], lang)))
        return
    try:
        versions = data.accept_upload(outcome, state.get_store(), ledgers, confirm=confirmed, by="app")
    except StoreError as exc:
        fields = dict(exc.fields)
        if "ledger" in fields:
            fields["ledger"] = ledger_label(str(fields["ledger"]), lang)
        st.session_state[DONE] = ("error", t("book.accept_failed", lang, error=t(exc.key, lang, **fields)))
        return
    st.session_state[DONE] = ("success", accepted_line(versions, lang))
    st.session_state[state.PENDING_SOURCE] = "book"
    forget()  # an empty uploader for the next upload: the accepted files are not sent again with it
    state.community_changed()


def _discard(lang: str) -> None:
    outcome = attempt()
    if outcome is not None:
        outcome.done = "discarded"
    st.session_state[DONE] = ("info", t("book.discarded", lang))
    forget()


def show_done() -> None:
    """The one message after accepting, discarding or rolling back."""
    done = st.session_state.pop(DONE, None)
    if done is not None:
        kind, message = done
        {"success": st.success, "error": st.error, "info": st.info}[kind](message)


def uploader_key() -> str:
    """The uploader's widget key; a new one empties the widget (see :func:`forget`)."""
    nonce = st.session_state.get(NONCE, 0)
    return "uploader" if nonce == 0 else f"uploader-{nonce}"


def forget() -> None:
    """After an upload was accepted or discarded: empty the uploader and forget its files, so the
    next upload holds only what is picked next and the same files can be picked again."""
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


def show_coverage(report: dict[str, Any], results: Results, lang: str) -> None:
    """After an upload of some ledgers only: which are missing and which metrics show 无数据 for it."""
    from ledgers.registry import LEDGERS

    cover = data.coverage(report, results)
    if cover is None:
        return
    st.warning(cover.line(lang), icon=":material/info:")
    names = "、".join((LEDGERS[k].name_en if lang == "en" else LEDGERS[k].name) for k in cover.absent)
    st.caption(t("ui.data.coverage_ledgers", lang, names=names))
    if cover.no_data:
        from metrics.registry import BY_ID

        metrics = [f"{m} {BY_ID[m].name(lang)}" for m in cover.no_data]
        st.caption(t("ui.data.coverage_metrics", lang, ids="、".join(metrics)))


def _e(text: str) -> str:
    from ui.escape import html_text

    return html_text(text)
