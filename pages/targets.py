"""指标设置 Targets: every metric's plan and current target, on/off; edit, restore, download."""

from __future__ import annotations

import streamlit as st

from i18n import t
from ui import auth, state, targets
from ui.entry import page_view
from ui.tables import show_table

view = page_view()  # first: runs the entry (and its gate) if it has not
lang = view.lang
store = state.get_store()

st.title(t("ui.targets.title", lang))
st.caption(t("ui.targets.caption", lang))

rows = targets.target_rows(view, store.target_records())
show_table(targets.table(rows, lang), hide_index=True, width="stretch", height=min(40 + 35 * len(rows), 640))

st.subheader(t("ui.targets.edit", lang))
auth.open_notice(lang)
if auth.require("targets", lang, "targets", note="ui.targets.locked"):  # edit, switch off, restore
    targets.editor(store, rows, lang)

st.download_button(t("ui.targets.download", lang), targets.workbook(rows), icon=":material/download:", key="targets_download",
                   file_name="指标目标.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
