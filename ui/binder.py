"""The 迎检材料 page's parts: the window, the completeness view (gaps first), one item's note, figures,
uploads and files, and the export. The work is in evidence/ and store/evidence.py; this draws it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from evidence.binder import BinderInput, build_binder, build_zip
from evidence.checks import ItemCompleteness, Window, completeness, photo_findings
from evidence.drafts import draft
from evidence.intake import MAX_FILE_BYTES, IntakeError
from evidence.items import BY_ITEM, Form, PlanItem
from i18n import t
from metrics import wording
from metrics.vocab import Status
from store.evidence import EvidenceStore
from ui import auth, state
from ui.tables import show_table

if TYPE_CHECKING:
    from ui.state import View

PDF_KEY = "binder_pdf"
NOTICE_KEY = "binder_notice"
ZIP_KEY = "binder_zip_data"


@st.cache_resource(show_spinner=False)
def _evidence_store(path: str) -> EvidenceStore:
    return EvidenceStore(path)


def evidence_store() -> EvidenceStore:
    """The evidence of ``$DASHBOARD_DATA_DIR`` (beside the ledger book), one per folder per process;
    in a hub, the session's community's own folder (state.evidence_dir)."""
    return _evidence_store(str(state.evidence_dir()))


def window(view: View, lang: str) -> Window:
    """The assessment window: the date picked (default: the data's as-of date), the 12 months ending one
    month before it, each end adjustable."""
    with st.expander(t("binder.window", lang), expanded=False, icon=":material/date_range:"):
        cols = st.columns(3)
        assess = cols[0].date_input(t("binder.assess_date", lang), value=view.as_of, key="binder_assess")
        default = Window.before(assess)
        start = cols[1].date_input(t("binder.window_start", lang), value=default.start, key=f"binder_start_{assess}")
        end = cols[2].date_input(t("binder.window_end", lang), value=default.end, key=f"binder_end_{assess}")
        st.caption(t("binder.window.caption", lang))
    return Window(start, end)


def gather(view: View, store: EvidenceStore, win: Window) -> BinderInput:
    """The page's inputs for the binder: the view's results and evidence rows (cached), the store."""
    rows = {m.id: view.evidence(m.id) for m in view.results.metrics} if view.dataset.frames else {}
    return BinderInput(view.results if view.dataset.frames else None, rows, store.files(), store.notes(), win,
                       store.read, view.community)


def completeness_table(rows: list[ItemCompleteness], lang: str) -> pd.DataFrame:
    return pd.DataFrame([{t("binder.col.item", lang): r.item.heading(lang), t("binder.col.gaps", lang): r.gaps,
                          **{form.word(lang): r.states[form].word(lang) for form in Form}} for r in rows])


def show_completeness(data: BinderInput, lang: str) -> list[ItemCompleteness]:
    st.subheader(t("binder.completeness", lang))
    rows = completeness(list(data.files), dict(data.notes), data.results, data.window)
    photos = sum(f.form is Form.PHOTO for f in data.files)
    st.caption(t("binder.summary", lang, gaps=sum(r.gaps for r in rows), done=sum(not r.gaps for r in rows),
                 photos=photos, docs=len(data.files) - photos, start=data.window.start.isoformat(),
                 end=data.window.end.isoformat()))
    show_table(completeness_table(rows, lang), hide_index=True, width="stretch", height=420)
    return rows


def pick_item(rows: list[ItemCompleteness], lang: str) -> PlanItem:
    ids = [r.item.id for r in rows]  # gaps first, as the table
    chosen = st.selectbox(t("binder.item.pick", lang), ids, key="binder_item",
                          format_func=lambda i: BY_ITEM[i].heading(lang))
    return BY_ITEM[chosen or ids[0]]


def figures(item: PlanItem, data: BinderInput, lang: str) -> None:
    if data.results is None:
        st.info(t("binder.no_data", lang))
        return
    ms = [m for m in (data.results.get(i) for i in item.metric_ids) if m is not None]
    show_table(pd.DataFrame([{t("report.col.id", lang): m.id, t("binder.col.metric", lang): m.name if lang == "zh" else m.name_en,
                              t("binder.col.value", lang): wording.value(m, lang),
                              t("binder.col.target", lang): wording.target(m, lang),
                              t("binder.col.status", lang): Status(m.status).label(lang),
                              t("binder.col.gap", lang): wording.gap(m, lang)} for m in ms]),
               hide_index=True, width="stretch")


def note(item: PlanItem, data: BinderInput, store: EvidenceStore, lang: str, editable: bool) -> None:
    st.markdown(f"**{t('binder.note.title', lang)}**")
    saved = data.notes.get(item.id)
    text = saved.text if saved else draft(item, data.results, {k: v for k, v in data.rows.items()
                                                                  if k in item.metric_ids}, lang)
    st.caption(t("binder.note.edited", lang, at=saved.saved_at.strftime("%Y-%m-%d %H:%M")) if saved
               else t("binder.note.draft", lang))
    edited = st.text_area(t("binder.note.title", lang), value=text, height=150, key=f"binder_note_{item.id}",
                          label_visibility="collapsed", disabled=not editable)
    if editable and st.button(t("binder.note.save", lang), key=f"binder_note_save_{item.id}", icon=":material/save:"):
        store.save_note(item.id, edited)
        st.toast(t("binder.note.saved", lang))
        st.rerun()


def files_table(item: PlanItem, data: BinderInput, lang: str) -> None:
    st.markdown(f"**{t('binder.files.title', lang)}**")
    mine = [f for f in data.files if f.item == item.id]
    if not mine:
        st.caption(t("binder.files.none", lang))
        return
    show_table(pd.DataFrame([{
        t("binder.col.name", lang): f.name, "": f.form.word(lang), t("binder.col.caption", lang): f.label,
        t("binder.col.taken", lang): f.taken.isoformat() if f.taken else "",
        t("binder.col.size", lang): f"{f.width}×{f.height}" if f.width else f"{f.pages} 页" if f.pages else "",
        t("binder.col.checks", lang): "；".join(x.text(lang) for x in photo_findings(f, data.window))
        or t("binder.check.ok", lang)} for f in mine]), hide_index=True, width="stretch")


def _activity_rows(view: View, item: PlanItem) -> dict[str, tuple[str, str]]:
    """Activity ledger rows of the item's metrics: the stable key (date and name) → (label, the row's
    _file/_sheet/_row as read this time)."""
    acts = view.dataset.frames.get("activities")
    if acts is None or "activities" not in {k for m in item.metrics for k in m.ledgers}:
        return {}
    out = {}
    for _, r in acts.dropna(subset=["活动日期"]).sort_values("活动日期").iterrows():
        day = r["活动日期"].strftime("%Y-%m-%d")
        out[f"activities|{day}|{r['活动名称']}"] = (f"{day} {r['活动名称']}（{r['_sheet']} 第 {r['_row']} 行）",
                                                 f"{r['_file']}/{r['_sheet']}/{r['_row']}")
    return out


def uploads(item: PlanItem, view: View, store: EvidenceStore, lang: str) -> None:
    rows = _activity_rows(view, item)
    with st.form(f"binder_upload_{item.id}", clear_on_submit=True):
        # the intake's cap handed to the widget too, so Streamlit's own "Limit 20MB per file" matches our label
        cap = MAX_FILE_BYTES >> 20
        photos = st.file_uploader(t("binder.upload.photos", lang, cap=cap), accept_multiple_files=True,
                                  type=["jpg", "jpeg", "png", "heic", "heif"], key=f"binder_photos_{item.id}",
                                  help=t("binder.upload.help", lang, cap=cap), max_upload_size=cap)
        docs = st.file_uploader(t("binder.upload.docs", lang, cap=cap), accept_multiple_files=True, key=f"binder_docs_{item.id}",
                                help=t("binder.upload.help", lang, cap=cap), max_upload_size=cap)
        row = st.selectbox(t("binder.upload.row", lang), [""] + list(rows), key=f"binder_row_{item.id}",
                           format_func=lambda k: rows[k][0] if k in rows else t("binder.upload.no_row", lang)) if rows else ""
        caption = st.text_input(t("binder.upload.caption", lang), key=f"binder_caption_{item.id}")
        if not st.form_submit_button(t("binder.upload.button", lang), icon=":material/upload:"):
            return
    if row and not caption:
        caption = row.split("|")[2]
    saved, messages = 0, []
    for form, batch in ((Form.PHOTO, photos or []), (Form.RULES, docs or [])):
        for up in batch:
            try:
                added = store.add(item.id, form, up.name, up.getvalue(), caption=caption, row_key=row or None,
                                  row_place=rows[row][1] if row else None)
            except IntakeError as exc:
                messages.append(exc.text(lang))
                continue
            if added.duplicate:
                messages.append(t("binder.error.duplicate", lang, name=up.name, other=added.file.name))
            else:
                saved += 1
    # shown after the rerun that redraws the completeness view and the file list with the new files
    st.session_state[NOTICE_KEY] = ([t("binder.upload.saved", lang, n=saved)] if saved else [], messages)
    st.rerun()


def notices() -> None:
    """What the last upload saved and refused (each refusal names its file)."""
    done, refused = st.session_state.pop(NOTICE_KEY, ([], []))
    for message in done:
        st.success(message)
    for message in refused:
        st.error(message)


def export(data: BinderInput, store: EvidenceStore, lang: str) -> None:
    st.subheader(t("binder.export", lang))
    cols = st.columns(2)
    if cols[0].button(t("binder.export.pdf", lang), key="binder_build", icon=":material/picture_as_pdf:"):
        with st.spinner(t("binder.export.pdf", lang)):
            st.session_state[PDF_KEY] = build_binder(data, lang=lang)
    if st.session_state.get(PDF_KEY):
        cols[0].download_button(t("binder.export.pdf_download", lang), st.session_state[PDF_KEY], key="binder_pdf_dl",
                                file_name=f"迎检材料_{dt.date.today().isoformat()}.pdf", mime="application/pdf",
                                icon=":material/download:")
    # the zip reads every original: made on request, not on every rerun of the page
    if cols[1].button(t("binder.export.zip", lang), key="binder_zip", icon=":material/folder_zip:",
                      disabled=not data.files):
        st.session_state[ZIP_KEY] = build_zip(list(data.files), store.read)
    if st.session_state.get(ZIP_KEY):
        cols[1].download_button(t("binder.export.zip_download", lang), st.session_state[ZIP_KEY], key="binder_zip_dl",
                                file_name="迎检材料原件.zip", mime="application/zip", icon=":material/download:")


def page(view: View) -> None:
    lang = view.lang
    store = evidence_store()
    st.title(t("binder.title", lang))
    st.caption(t("binder.caption", lang))
    st.caption(f":material/info: {t('binder.help.checks', lang)}")
    data = gather(view, store, window(view, lang))
    rows = show_completeness(data, lang)
    item = pick_item(rows, lang)
    st.subheader(item.heading(lang))
    for plan in item.plan_texts:
        st.caption(f"{t('binder.pdf.plan', lang)}：{plan}")
    figures(item, data, lang)
    auth.open_notice(lang)
    editable = auth.allowed("upload")
    note(item, data, store, lang, editable)
    files_table(item, data, lang)
    if auth.require("upload", lang, "binder"):
        notices()
        uploads(item, view, store, lang)
    export(data, store, lang)
