"""The 用户管理 page's parts (hub, the street's administrator): the users, a new user, a password
reset, disabling. The work is in store/users.py; passwords typed here are read in the forms'
callbacks and emptied there, never kept in session_state or logged."""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd
import streamlit as st

from i18n import t
from store.users import Role, User, UserError
from ui import auth, keys, state
from ui.tables import show_table

_LOG = logging.getLogger("dashboard.users")
FORM_WIDTH = 460  # px
ROLE_ORDER = [r.value for r in sorted(Role, key=lambda r: not r.one_community)]  # the committees' roles first


def page(lang: str) -> None:
    """The whole page; a role without the right sees one line and nothing of the users."""
    st.title(t("users.page.title", lang))
    if not auth.allowed("users"):
        st.error(t("users.page.denied", lang), icon=":material/block:")
        return
    st.caption(t("users.page.intro", lang))
    from store.communities import list_communities
    from store.users import list_users

    engine = state.engine()
    names = {c.id: c.name for c in list_communities(engine)}
    users = list_users(engine)
    notice()
    if users:
        show_table(table(users, names, lang), hide_index=True, width="stretch")
    else:
        st.info(t("users.none", lang))
    left, right = st.columns(2, gap="large")
    with left:
        create_form(names, lang)
    with right:
        if users:
            edit_form(users, names, lang)


def table(users: list[User], names: dict[int, str], lang: str) -> pd.DataFrame:
    street = t("users.session.street", lang)
    return pd.DataFrame({
        t("users.col.username", lang): [u.username for u in users],
        t("users.col.role", lang): [t(u.role.label_key, lang) for u in users],
        t("users.col.community", lang): [names.get(u.community_id, "") if u.community_id else street for u in users],
        t("users.col.status", lang): [t(f"users.status.{'disabled' if u.disabled else 'active'}", lang) for u in users],
        t("users.col.created", lang): [u.created_at[:10] for u in users],
    })


def notice() -> None:
    """The last create / reset / disable's result, shown once."""
    done = st.session_state.pop(keys.USERS_NOTICE, None)
    if done is not None:
        kind, text = done
        (st.success if kind == "ok" else st.error)(text, icon=":material/check_circle:" if kind == "ok" else ":material/error:")


def create_form(names: dict[int, str], lang: str) -> None:
    field = keys.users_field
    with st.form("users_create", width=FORM_WIDTH, clear_on_submit=False):
        st.subheader(t("users.create.title", lang))
        st.text_input(t("users.login.username", lang), key=field("new_name"), autocomplete="off")
        state.choice(st.selectbox, t("users.create.role", lang), ROLE_ORDER, key=field("new_role"),
                     format_func=lambda r: t(Role(r).label_key, lang))
        state.choice(st.selectbox, t("users.create.community", lang), list(names), key=field("new_community"),
                     format_func=lambda c: names.get(c, str(c)), help=t("users.create.community_help", lang))
        st.text_input(t("users.create.password", lang), type="password", key=field("new_password"),
                      autocomplete="new-password")
        st.text_input(t("users.create.repeat", lang), type="password", key=field("new_repeat"),
                      autocomplete="new-password")
        st.form_submit_button(t("users.create.submit", lang), type="primary", icon=":material/person_add:",
                              on_click=_create, args=(lang,))


def edit_form(users: list[User], names: dict[int, str], lang: str) -> None:
    field = keys.users_field
    by_id = {u.id: u for u in users}
    street = t("users.session.street", lang)

    def label(user_id: int) -> str:
        u = by_id[user_id]
        where = names.get(u.community_id, "") if u.community_id else street
        off = f" · {t('users.status.disabled', lang)}" if u.disabled else ""
        return f"{u.username}（{t(u.role.label_key, lang)}，{where}）{off}"

    with st.form("users_edit", width=FORM_WIDTH):
        st.subheader(t("users.edit.title", lang))
        state.choice(st.selectbox, t("users.edit.pick", lang), list(by_id), key=field("pick"), format_func=label)
        st.text_input(t("users.edit.password", lang), type="password", key=field("reset_password"),
                      autocomplete="new-password")
        st.form_submit_button(t("users.edit.reset", lang), icon=":material/password:", on_click=_reset, args=(lang,))
        cols = st.columns(2)
        cols[0].form_submit_button(t("users.edit.disable", lang), icon=":material/person_off:",
                                   on_click=_disable, args=(True, lang))
        cols[1].form_submit_button(t("users.edit.enable", lang), icon=":material/person_check:",
                                   on_click=_disable, args=(False, lang))


def _take(name: str) -> str:
    """A password field's value, emptied in the same step."""
    key = keys.users_field(name)
    value = st.session_state.get(key) or ""
    st.session_state[key] = ""
    return value


def _allowed() -> bool:
    return auth.allowed("users")  # the callbacks check again: a form cannot be posted around the page


def _say(kind: str, text: str) -> None:
    st.session_state[keys.USERS_NOTICE] = (kind, text)


def _create(lang: str) -> None:
    from store.users import create_user

    password, repeat = _take("new_password"), _take("new_repeat")
    if not _allowed():
        return
    if password != repeat:
        _say("error", t("users.error.mismatch", lang))
        return
    get: Any = st.session_state.get
    try:
        user = create_user(state.engine(), get(keys.users_field("new_name")) or "", password,
                           get(keys.users_field("new_role")), get(keys.users_field("new_community")))
    except UserError as exc:
        _say("error", exc.text(lang))
        return
    _LOG.info("users: user %d (%s) created by user %s", user.id, user.role.value, st.session_state.get(keys.USER_ID))
    st.session_state[keys.users_field("new_name")] = ""
    _say("ok", t("users.create.done", lang, username=user.username))


def _picked() -> User | None:
    from store.users import get_user

    picked = st.session_state.get(keys.users_field("pick"))
    return None if picked is None else get_user(state.engine(), int(picked))


def _reset(lang: str) -> None:
    from store.users import set_password

    password = _take("reset_password")
    user = _picked()
    if not _allowed() or user is None:
        return
    try:
        set_password(state.engine(), user.id, password)
    except UserError as exc:
        _say("error", exc.text(lang))
        return
    _LOG.info("users: the password of user %d reset by user %s", user.id, st.session_state.get(keys.USER_ID))
    _say("ok", t("users.edit.reset_done", lang, username=user.username))


def _disable(disabled: bool, lang: str) -> None:
    from store.users import set_disabled

    _take("reset_password")
    user = _picked()
    if not _allowed() or user is None:
        return
    if disabled and user.id == st.session_state.get(keys.USER_ID):
        _say("error", t("users.error.self", lang))
        return
    set_disabled(state.engine(), user.id, disabled)
    _LOG.info("users: user %d %s by user %s", user.id, "disabled" if disabled else "enabled",
              st.session_state.get(keys.USER_ID))
    _say("ok", t(f"users.edit.{'disabled' if disabled else 'enabled'}_done", lang, username=user.username))
