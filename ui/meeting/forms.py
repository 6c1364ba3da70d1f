"""督办事项 on a slide or a theme page: the list with done / reopen, and the form to add one."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import streamlit as st

from i18n import t
from ui import keys, state
from ui.meeting import markup
from ui.meeting.changes import behind_streak
from ui.meeting.items import order_items, pdf_items, today
from ui.meeting.markup import item_html

if TYPE_CHECKING:
    from metrics.engine import MetricResult
    from store.models import ActionItem
    from ui.state import View


def pdf_action_items(lang: str, as_of: dt.date | None = None) -> list[dict[str, Any]]:
    """Every stored action item for the PDF's 督办事项 table (open and earlier ones first), overdue
    against ``as_of`` (the meeting's as-of date; default today)."""
    day = as_of or today()
    return pdf_items(store_items(None, as_of=day), day, lang)


def pdf_minutes(view: View) -> Callable[[Any], dict[str, Any]]:
    """For report.pdf.build_pdf_from_frames(meeting=…): the minutes' pages from the results it computes,
    with this store's 督办事项, check-ins and target changes and the change since the last meeting."""
    from ui.meeting.changes import last_meeting_values
    from ui.meeting.minutes import minutes

    store = _store()
    try:
        ins, log = store.check_ins(), store.target_log()
    except Exception:  # an unreadable store: the minutes without them
        ins, log = [], []
    return functools.partial(minutes, frames=view.dataset.frames, lang=view.lang, meeting=today(),
                             items=store_items(None, as_of=view.as_of), check_ins=ins,
                             before=last_meeting_values(view), target_changes=log)


def _store() -> Any:
    from ui import state

    return state.get_store()


def store_items(metric_id: str | None, status: str | None = None, *, as_of: dt.date | None = None) -> list[Any]:
    """The stored items, ``overdue`` judged against ``as_of`` (the meeting's as-of date; default today)."""
    try:
        return list(_store().action_items(metric_id, status, as_of=as_of or today()))
    except Exception:  # an unreadable store must not take the slide down
        return []


def may_edit(lang: str, *, quiet: bool = False, where: str = "") -> bool:
    """Whether action items may be changed now; with a password configured, offer to unlock (ui.auth)."""
    from ui import auth

    if quiet:
        return auth.allowed("actions")
    return auth.require("actions", lang, f"meeting_{where}", note="meeting.item.locked")


def _act(do: Any, *args: Any, **kwargs: Any) -> None:
    """Run one store change from a button's callback; a failure is shown on the next run."""
    try:
        do(*args, **kwargs)
    except Exception as exc:  # shown on the next run
        st.session_state[keys.MEETING_ERROR] = str(exc)
    state.forget_pdf()  # the PDF lists the items: ask for a fresh one


def _save_edit(item_id: int, key: str) -> None:
    typed = st.session_state
    _act(_store().update_action_item, item_id, what=typed.get(f"{key}_what", ""), who=typed.get(f"{key}_who", ""),
         due=typed.get(f"{key}_due"))


def item_row(item: ActionItem, meeting: dt.date, lang: str, editable: bool, *, where: str,
             metric: str | None = None) -> None:
    """One 督办事项 and, when it may be changed, a popover to edit it, close it on a date, reopen or
    delete it (deleting asks to be confirmed)."""
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        st.html(item_html(item, meeting, lang, metric=metric), width="stretch")
        if editable:
            with st.popover("✎ " + t("meeting.item.manage", lang), key=f"meeting_manage_{where}_{item.id}"):
                _manage(item, lang, f"meeting_item_{where}_{item.id}")


def _manage(item: ActionItem, lang: str, key: str) -> None:
    st.text_input(t("meeting.item.what", lang), value=item.what, key=f"{key}_what")
    who, due = st.columns(2)
    who.text_input(t("meeting.item.who", lang), value=item.who, key=f"{key}_who")
    due.date_input(t("meeting.item.due", lang), value=item.due, key=f"{key}_due", format="YYYY-MM-DD")
    st.button(t("meeting.item.save", lang), key=f"{key}_save", on_click=_save_edit, args=(item.id, key))
    if item.status == "open":
        on = st.date_input(t("meeting.item.done_on", lang), value=today(), key=f"{key}_done_on", format="YYYY-MM-DD")
        st.button("✔ " + t("meeting.item.done", lang), key=f"{key}_done", type="primary",
                  on_click=_act, args=(_store().mark_action_done, item.id, on))
    else:
        st.button(t("meeting.item.reopen", lang), key=f"{key}_reopen",
                  on_click=_act, args=(_store().set_action_status, item.id, "open"))
    sure = st.checkbox(t("meeting.item.confirm_delete", lang), key=f"{key}_sure")
    # a Material icon: this machine (and many office PCs) has no emoji font, a wastebasket emoji is tofu
    st.button(t("meeting.item.delete", lang), icon=":material/delete:", key=f"{key}_delete", disabled=not sure,
              on_click=_act, args=(_store().delete_action_item, item.id))


def action_panel(view: View, result: MetricResult, *, where: str = "theme") -> None:
    """A metric's 督办事项: the list (open first, overdue marked), mark done, and a small form to add
    one. The theme page calls this inside the metric's expander; the metric slide beside its chart."""
    lang = view.lang
    meeting = view.as_of  # overdue is judged against the meeting's as-of date
    error = st.session_state.pop(keys.MEETING_ERROR, None)
    if error:
        st.error(t("meeting.item.failed", lang, error=error))
    if where == "theme":
        st.markdown(f"**{t('meeting.metric.items', lang)}**")
    listing = st.container()
    editable = may_edit(lang, where=f"{where}_{result.id}")
    if editable:
        _add_form(result.id, lang, where=where)
    with listing:
        items = order_items(store_items(result.id, as_of=meeting), meeting)
        if not items:
            st.caption(t("meeting.metric.no_items", lang))
        for item in items:
            item_row(item, meeting, lang, editable, where=where)


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
    state.forget_pdf()
    st.toast(t("meeting.item.added", lang), icon=":material/push_pin:")


def store_check_ins(metric_id: str | None) -> list[Any]:
    try:
        return list(_store().check_ins(metric_id))
    except Exception:  # an unreadable store must not take the slide down
        return []


def check_in_panel(view: View, result: MetricResult, *, where: str = "slide") -> None:
    """Per metric per meeting: the note (and owner) from the last meeting with its date, the
    「连续 3 次例会未达标」 flag, and — with the office password — this meeting's note."""
    lang, meeting = view.lang, today()
    ins = store_check_ins(result.id)
    earlier = [c for c in ins if c.meeting_date < meeting]
    st.html(markup.heading_html(t("meeting.checkin.title", lang)))
    st.html(markup.check_in_html(earlier[0] if earlier else None, behind_streak(result.status, ins, meeting), lang))
    if not may_edit(lang, quiet=True):
        return
    now = next((c for c in ins if c.meeting_date == meeting), None)
    with st.form(f"meeting_checkin_{where}_{result.id}"):
        note = st.text_area(t("meeting.checkin.note", lang), value=now.note if now else "", height=80,
                            key=f"meeting_checkin_note_{where}_{result.id}")
        owner = st.text_input(t("meeting.checkin.owner", lang), value=now.owner if now else "",
                              key=f"meeting_checkin_owner_{where}_{result.id}")
        if not st.form_submit_button(t("meeting.checkin.save", lang)):
            return
    try:
        _store().save_check_in(result.id, meeting, note, owner, str(result.status))
    except Exception as exc:
        st.error(t("meeting.item.failed", lang, error=exc))
        return
    st.toast(t("meeting.checkin.saved", lang), icon=":material/edit_note:")
