"""数据 Data: upload ledgers, check the preview and accept, the book with its history and undo,
the import report, map unknown sheets, get the template."""

from __future__ import annotations

import streamlit as st

from i18n import t
from ui import auth, book, data, mapper, street, upload
from ui.entry import page_view
from ui.tables import show_table

view = page_view()  # first: runs the entry (and its gate) if it has not
lang = view.lang

st.title(t("ui.data.title", lang))
st.caption(t("ui.data.caption", lang))

auth.open_notice(lang)
upload.key_warning(lang)
# with a password set and not yet given: the unlock form stands where the uploader would be
if auth.require("upload", lang, "upload", note="ui.data.locked"):
    label, help_text = upload.uploader_words(lang)
    files = st.file_uploader(label, type=list(data.UPLOAD_TYPES), accept_multiple_files=True, help=help_text,
                             key=upload.uploader_key(), max_upload_size=upload.MAX_FILE_MB)
    upload.receive(files, lang)

upload.show_done()
last = upload.attempt()
if last is not None and last.done is None:
    if last.error:
        st.error(last.error)
    else:
        upload.show_verdicts(last, lang)
        upload.show_preview(last, lang)

book.show_book(lang)
if view.dataset.kind == "book":
    upload.show_coverage(view.dataset.report, view.results, lang)

# the report of what was just tried, else of the data on screen
shown = last if last is not None and last.done is None else None
report = shown.report if shown is not None else view.dataset.report
unknown = shown.unknown_sheets if shown is not None else view.dataset.unknown_sheets
title_key = "ui.data.report_upload" if shown is not None else "ui.data.report_current"
st.subheader(t(title_key, lang, source=t(f"ui.sidebar.source.{view.dataset.kind}", lang)))
sheets = data.sheets_table(report, lang)
if len(sheets):
    # every sheet without an inner scroll (a workbook of 19 ledgers is 19 rows)
    show_table(sheets, hide_index=True, width="stretch", height=min(40 + 35 * len(sheets), 1440))
upload.show_problems(report, lang)

if unknown:
    st.subheader(t("ui.mapper.title", lang))
    st.caption(t("ui.mapper.caption", lang))
    mapper.sheet_mappers(unknown, last.files if last is not None else [], lang)

street.report_to_street(view, lang)  # 上报街道: export (a street's single install) or import (a hub)

st.subheader(t("ui.data.template", lang))
st.caption(t("ui.data.template_help", lang))
template = upload.template_bytes()
if template is not None:
    st.download_button(t("ui.data.template_button", lang), template, icon=":material/download:",
                       file_name="社区创建台账模板.xlsx", key="template_download",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
else:
    st.caption(t("ui.data.template_missing", lang))
