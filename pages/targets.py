"""指标设置 Targets: every metric's plan and current target, on/off; edit, restore, download."""

from __future__ import annotations

import streamlit as st

from i18n import t
from ui import state, targets

view = state.current_view()
lang = view.lang
store = state.get_store()

st.title(t("ui.targets.title", lang))
st.caption(t("ui.targets.caption", lang))

rows = targets.target_rows(view, store.target_records())
st.dataframe(targets.table(rows, lang), hide_index=True, width="stretch", height=min(40 + 35 * len(rows), 640))

st.subheader(t("ui.targets.edit", lang))
ids = [r.id for r in rows]
by_id = {r.id: r for r in rows}
metric_id = state.choice(st.selectbox, t("ui.targets.metric", lang), ids, key="target_metric",
                         format_func=lambda i: f"{i} {by_id[i].name(lang)}")
row = by_id[metric_id]
left, right = st.columns(2)
with left:
    value = st.number_input(t("ui.targets.value", lang, unit=row.input_unit(lang)), min_value=0.0,
                            max_value=row.input_max(), value=float(row.input_value()), step=row.step(), key=f"target_value_{metric_id}",
                            format="%.1f" if row.percent else "%g")
    st.caption(t("ui.targets.plan_is", lang, plan=row.plan_text(lang),
                 source=t(f"target_source.{row.plan_source}", lang)))
with right:
    enabled = st.toggle(t("ui.targets.enabled", lang), value=row.enabled, key=f"target_enabled_{metric_id}",
                        help=t("ui.targets.enabled_help", lang))
save, restore, _ = st.columns([1, 1, 3])
if save.button(t("ui.targets.save", lang), type="primary", key="target_save"):
    targets.save(store, row, value, enabled)
    st.session_state.pop("_pdf", None)
    st.rerun()
if restore.button(t("ui.targets.restore", lang), key="target_restore", disabled=not row.office):
    store.reset_target(metric_id)
    for k in (f"target_value_{metric_id}", f"target_enabled_{metric_id}"):
        st.session_state.pop(k, None)  # the widgets show the plan value again
    st.session_state.pop("_pdf", None)
    st.rerun()

st.download_button(t("ui.targets.download", lang), targets.workbook(rows), icon=":material/download:", key="targets_download",
                   file_name="指标目标.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
