"""The one password gate every page uses: who may upload, edit targets, map columns, change action
items, delete snapshots and (with ``protect_viewing``) look at all.

The rule itself is ``store.auth.AccessPolicy`` (built from the settings; the compare is its
``hmac.compare_digest``). This module only draws it: an unlock form where a guarded control would
be, a lock / unlock line in the sidebar, and the session flag ``auth_unlocked``. The typed password
is checked in the form's callback and cleared from session_state there, so after a rerun nothing
of it remains anywhere but the flag.
"""

from __future__ import annotations

import logging
import math
from typing import Any

import streamlit as st

from i18n import t
from store.auth import Throttle
from ui import keys

UNLOCKED = keys.UNLOCKED
_WRONG = keys.AUTH_WRONG
FORM_WIDTH = 420  # px
_LOG = logging.getLogger("dashboard.auth")
THROTTLE = Throttle()  # one for the process: a new tab or session does not start the count afresh


def policy() -> Any:
    """The office's AccessPolicy from the settings; no secrets file means no password (open). A
    secrets file that is wrong raises settings.SettingsError: locked, never open."""
    from store.auth import AccessPolicy
    from ui.state import settings

    return AccessPolicy.from_settings(settings())


def unlocked() -> bool:
    """Whether the password was given this session."""
    return bool(st.session_state.get(UNLOCKED))


def allowed(action: str) -> bool:
    """Whether ``action`` ("view", "upload", "targets", "mappings", "actions", "delete_snapshot") may go
    ahead now, without drawing anything."""
    return policy().allows(action, unlocked=unlocked())


def require(action: str, lang: str, where: str, *, note: str | None = None, button: str | None = None) -> bool:
    """True when ``action`` is allowed; otherwise draw the unlock form here (in place of the guarded
    control) and return False. ``where`` keeps forms on one page apart; ``note`` is the i18n key of
    the line above the form (default: "store.auth.required")."""
    if allowed(action):
        return True
    unlock_form(action, lang, where, note=note, button=button)
    return False


def unlock_form(action: str, lang: str, where: str, *, note: str | None = None, button: str | None = None) -> None:
    """A password field and an unlock button; a wrong password shows an error and stays locked."""
    st.caption(f":material/lock: {t(note or 'store.auth.required', lang)}")
    pw_key = keys.password_field(where)
    # a password is short: a field of readable width on the page, the sidebar's width in the sidebar
    with st.form(f"auth_unlock_{where}", border=False, enter_to_submit=True, width=FORM_WIDTH):
        st.text_input(t("store.auth.password", lang), type="password", key=pw_key, autocomplete="current-password")
        st.form_submit_button(t(button or "store.auth.unlock", lang), icon=":material/lock_open:",
                              on_click=_try_unlock, args=(action, pw_key, where))
    wrong = st.session_state.get(_WRONG)
    if wrong is not None and wrong[0] == where:
        st.session_state.pop(_WRONG, None)
        _, wait, locked, checked = wrong
        st.error(_wrong_text(wait, locked, checked, lang), icon=":material/error:")


def _wrong_text(wait: float, locked: bool, checked: bool, lang: str) -> str:
    """'密码不正确' when the try was checked, then how long to wait when the client must."""
    parts = [t("store.auth.wrong", lang)] if checked else []
    if locked:
        parts.append(t("ui.auth.locked_out", lang, minutes=max(1, math.ceil(wait / 60))))
    elif wait > 0:
        parts.append(t("ui.auth.slow_down", lang, seconds=math.ceil(wait)))
    return ("。" if lang == "zh" else ". ").join(parts)


def _try_unlock(action: str, pw_key: str, where: str) -> None:
    """The form's callback (runs before the rerun): check, set the flag, forget what was typed.
    While the client must wait (THROTTLE), a try is refused unchecked. Failures are logged with the
    client and the count, never with what was typed."""
    given = st.session_state.get(pw_key) or ""
    st.session_state[pw_key] = ""  # the password is never kept in session_state
    who = client()
    wait = THROTTLE.wait(who)
    if wait > 0:
        _LOG.warning("password: a try from %s refused unchecked, %.0f s before the next is checked", who, wait)
        st.session_state[_WRONG] = (where, wait, THROTTLE.locked_out(who), False)
        return
    if policy().allows(action, given):
        THROTTLE.succeeded(who)
        st.session_state[UNLOCKED] = True
        st.session_state.pop(_WRONG, None)
        return
    failures, wait = THROTTLE.failed(who)
    locked = THROTTLE.locked_out(who)
    _LOG.warning("password: wrong password from %s on the %s form, %d in a row; next try checked in %.0f s%s",
                 who, where, failures, wait, " (locked out)" if locked else "")
    st.session_state[_WRONG] = (where, wait, locked, True)


def client() -> str:
    """Who is guessing, as far as the server can tell: the browser's address (one for a whole office
    behind one router; AppTest has none)."""
    try:
        address = st.context.ip_address
    except Exception:  # no request context
        address = None
    return address if isinstance(address, str) and address else "local"


def lock() -> None:
    """Forget the password for this session (the sidebar's 锁定 button)."""
    st.session_state.pop(UNLOCKED, None)


def sidebar_status(lang: str) -> None:
    """With a password configured: one line saying locked or unlocked, and 锁定 when unlocked.
    Without one, nothing (the data and targets pages say the board is open)."""
    if policy().open:
        return
    if unlocked():
        # one under the other: side by side, the narrow sidebar cut the button's word
        st.caption(f":material/lock_open: {t('store.auth.unlocked', lang)}")
        st.button(t("store.auth.lock", lang), key="auth_lock", icon=":material/lock:", on_click=lock)
    else:
        st.caption(f":material/lock: {t('ui.auth.locked', lang)}")


def open_notice(lang: str) -> None:
    """On the pages that change things: say so when no password is configured."""
    if policy().open:
        st.caption(f":material/lock_open: {t('store.auth.open', lang)}")


def view_gate(lang: str) -> bool:
    """With ``protect_viewing``: until unlocked, the page shows only the password form (no data is
    read or drawn). True when the app may render."""
    if allowed("view"):
        return True
    st.title(t("app.title", lang))
    unlock_form("view", lang, "view", note="store.auth.view_required", button="ui.auth.enter")
    return False
