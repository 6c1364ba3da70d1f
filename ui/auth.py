"""The one gate every page uses: who may upload, edit targets, map columns, change action items,
delete snapshots and look at all.

A single install: the rule is ``store.auth.AccessPolicy`` (the shared office password, compared with
``hmac.compare_digest``). This module draws it: an unlock form where a guarded control would be, a
lock / unlock line in the sidebar, and the session flag ``auth_unlocked``.

A hub (setting ``hub``): users log in (store/users.py, argon2); the rights are the user's role's
(``Role.allows``), and :func:`session_community` is the one community the session may see: the
user's own, or for the street's administrator the one opened from the street page, read-only.
The session keeps the user's id, role and community only (ui/keys.py).

Either way a typed password is checked in the form's callback and cleared from session_state there,
so after a rerun nothing of it remains. Failures are logged with the client, never with what was typed.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
from typing import TYPE_CHECKING, Any

import streamlit as st

from i18n import t
from store.auth import Throttle
from ui import keys

if TYPE_CHECKING:
    from store.users import User

UNLOCKED = keys.UNLOCKED
_WRONG = keys.AUTH_WRONG
FORM_WIDTH = 420  # px
_LOG = logging.getLogger("dashboard.auth")
THROTTLE = Throttle()  # one for the process: a new tab or session does not start the count afresh
# A hub's login counts per client AND account: behind the documented reverse proxy every browser has
# the proxy's address, and one clerk's mistyped password must not lock the whole street out. The
# account part is a digest (the count never holds what was typed); the looser per-client count still
# slows one client guessing across many account names.
CLIENT_THROTTLE = Throttle(free=30, lockout_after=100)


def policy() -> Any:
    """The office's AccessPolicy from the settings; no secrets file means no password (open). A
    secrets file that is wrong raises settings.SettingsError: locked, never open."""
    from store.auth import AccessPolicy
    from ui.state import settings

    return AccessPolicy.from_settings(settings())


def unlocked() -> bool:
    """Whether the password was given this session."""
    return bool(st.session_state.get(UNLOCKED))


def hub() -> bool:
    """Whether this install is a street hub (users and roles) rather than one community's board."""
    from ui.state import settings

    return settings().hub


def allowed(action: str) -> bool:
    """Whether ``action`` ("view", "upload", "targets", "mappings", "actions", "delete_snapshot", and
    in a hub "street", "street_targets", "users") may go ahead now, without drawing anything."""
    if hub():
        user = current_user()
        return user is not None and user.allows(action)
    return policy().allows(action, unlocked=unlocked())


def reachable(action: str) -> bool:
    """Whether this session can get to do ``action``: allowed now, or in a single install once the
    office password is given. A link to where it is done is worth drawing only then."""
    return allowed(action) or not hub()


def require(action: str, lang: str, where: str, *, note: str | None = None, button: str | None = None) -> bool:
    """True when ``action`` is allowed; otherwise draw the unlock form here (in place of the guarded
    control) and return False. ``where`` keeps forms on one page apart; ``note`` is the i18n key of
    the line above the form (default: "store.auth.required"). In a hub there is nothing to unlock:
    the place says the role may only look."""
    if allowed(action):
        return True
    if hub():
        user = current_user()
        role = t(user.role.label_key, lang) if user is not None else ""
        st.caption(f":material/visibility: {t('users.readonly', lang, role=role)}")
        return False
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
    Without one, nothing (the data and targets pages say the board is open). In a hub: who is
    logged in, in which role and community, and 退出登录."""
    if hub():
        user_status(lang)
        return
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
    if not hub() and policy().open:
        st.caption(f":material/lock_open: {t('store.auth.open', lang)}")


def view_gate(lang: str) -> bool:
    """With ``protect_viewing``: until unlocked, the page shows only the password form (no data is
    read or drawn). True when the app may render. In a hub: the login form until someone logs in."""
    if allowed("view"):
        return True
    if hub():
        login_form(lang)
        return False
    st.title(t("app.title", lang))
    unlock_form("view", lang, "view", note="store.auth.view_required", button="ui.auth.enter")
    return False


# ---------------------------------------------------------------- the hub: users log in

_RUN = threading.local()  # the user read for the script run in progress (entry.run clears it)
_ENDED = "ended"


def begin_run() -> None:
    """Forget the user read in an earlier run: each run reads the account again (entry.run calls this)."""
    _RUN.user = None
    _RUN.read = False


def current_user() -> User | None:
    """The logged-in user of this hub session, read from the users table once per run, so that an
    account disabled or changed meanwhile ends the session at the next click."""
    if getattr(_RUN, "read", False):
        return _RUN.user
    user = _session_user()
    _RUN.user, _RUN.read = user, True
    return user


def _session_user() -> User | None:
    user_id = st.session_state.get(keys.USER_ID)
    if user_id is None:
        return None
    from store.users import get_user
    from ui.state import engine

    user = get_user(engine(), int(user_id))
    if (user is None or user.disabled or user.role.value != st.session_state.get(keys.USER_ROLE)
            or user.community_id != st.session_state.get(keys.USER_COMMUNITY)):
        _LOG.warning("login: the session of user %s ended: account disabled or changed", user_id)
        logout()
        st.session_state[keys.LOGIN_WRONG] = _ENDED
        return None
    return user


class NoCommunity(LookupError):
    """A community's page was asked for while the session has no community (the street's administrator
    before opening one): nothing is read."""


def session_community() -> int | None:
    """THE community this session may see (ui.state.get_store builds its store from this alone): the
    user's own; for the street's role, the one opened on the street page (read-only); else None."""
    user = current_user()
    if user is None:
        return None
    if user.role.one_community:
        return user.community_id
    chosen = st.session_state.get(keys.VIEW_COMMUNITY)
    if chosen is None or not user.allows("street"):
        return None
    from store.communities import community_by_id
    from ui.state import engine

    return int(chosen) if community_by_id(engine(), int(chosen)) is not None else None


def community_name(community_id: int) -> str:
    from store.communities import community_by_id
    from ui.state import engine

    found = community_by_id(engine(), community_id)
    return found.name if found is not None else str(community_id)


def open_community(community_id: int | None) -> None:
    """The street page's click: the street's administrator views ``community_id`` read-only (None:
    back to the street). Whatever the session showed of another community is forgotten."""
    user = current_user()
    if user is None or not user.allows("street"):
        raise PermissionError("only the street's role opens another community")
    _forget_community_data()
    if community_id is None:
        st.session_state.pop(keys.VIEW_COMMUNITY, None)
    else:
        st.session_state[keys.VIEW_COMMUNITY] = int(community_id)


def _forget_community_data() -> None:
    for key in (keys.SOURCE, keys.SNAPSHOT, keys.VIEW, keys.PDF, keys.BOOK_CACHE, keys.BASELINE_CACHE,
                keys.SNAPSHOT_CACHE, keys.ATTEMPT, keys.UPLOAD_DIGEST, keys.SNAPSHOT_CONFIRM):
        st.session_state.pop(key, None)


def login_form(lang: str) -> None:
    """The hub's whole page until someone logs in: user name, password, 登录."""
    st.title(t("app.title", lang))
    with st.form("auth_login", enter_to_submit=True, width=FORM_WIDTH):
        st.subheader(t("users.login.title", lang))
        st.caption(t("users.login.intro", lang))
        st.text_input(t("users.login.username", lang), key=keys.LOGIN_USERNAME, autocomplete="username")
        st.text_input(t("users.login.password", lang), type="password", key=keys.LOGIN_PASSWORD,
                      autocomplete="current-password")
        st.form_submit_button(t("users.login.submit", lang), type="primary", icon=":material/login:",
                              on_click=_try_login, width="stretch")
    below = st.container(width=FORM_WIDTH)  # the message as wide as the form it answers
    wrong = st.session_state.pop(keys.LOGIN_WRONG, None)
    if wrong == _ENDED:
        below.warning(t("users.session.ended", lang), icon=":material/logout:")
    elif wrong is not None:
        wait, locked, checked = wrong
        text = _wrong_text(wait, locked, checked, lang)
        if checked:  # never say which of the two was wrong
            text = text.replace(t("store.auth.wrong", lang), t("users.login.wrong", lang), 1)
        below.error(text, icon=":material/error:")
    below.caption(t("users.login.forgot", lang))


def _try_login() -> None:
    """The login form's callback: throttle per client (the same THROTTLE as the shared password),
    verify with argon2, keep only id, role and community. The password field is emptied first."""
    from store.users import verify
    from ui.state import engine

    given = st.session_state.get(keys.LOGIN_PASSWORD) or ""
    st.session_state[keys.LOGIN_PASSWORD] = ""
    username = st.session_state.get(keys.LOGIN_USERNAME) or ""
    who = client()
    counts = ((THROTTLE, account_key(who, username)), (CLIENT_THROTTLE, who))
    wait = max(throttle.wait(key) for throttle, key in counts)
    if wait > 0:
        _LOG.warning("login: a try from %s refused unchecked, %.0f s before the next is checked", who, wait)
        st.session_state[keys.LOGIN_WRONG] = (wait, any(th.locked_out(k) for th, k in counts), False)
        return
    user = verify(engine(), username, given) if username and given else None
    if user is None:
        counted = [throttle.failed(key) for throttle, key in counts]
        failures, wait = counted[0][0], max(delay for _, delay in counted)
        _LOG.warning("login: failed from %s, %d in a row; next try checked in %.0f s", who, failures, wait)
        st.session_state[keys.LOGIN_WRONG] = (wait, any(th.locked_out(k) for th, k in counts), True)
        return
    THROTTLE.succeeded(counts[0][1])
    logout()  # nothing of an earlier session's user or community stays
    st.session_state[keys.USER_ID] = user.id
    st.session_state[keys.USER_ROLE] = user.role.value
    st.session_state[keys.USER_COMMUNITY] = user.community_id
    _LOG.info("login: user %d (%s) from %s", user.id, user.role.value, who)


def account_key(who: str, username: str) -> str:
    """The hub login's count key: the client and a digest of the account name tried (never the name)."""
    digest = hashlib.sha256(username.strip().casefold().encode("utf-8")).hexdigest()[:16]
    return f"{who}|{digest}"


def logout() -> None:
    """Forget the user and everything the session read or kept (the language stays)."""
    for key in list(st.session_state):
        if key not in (keys.LANG, keys.LOGIN_USERNAME, keys.LOGIN_PASSWORD):
            del st.session_state[key]
    begin_run()


def user_status(lang: str) -> None:
    """The sidebar's lines in a hub: who (role), which community, and 退出登录."""
    user = current_user()
    if user is None:
        return
    st.caption(f":material/person: {t('users.session.who', lang, username=user.username, role=t(user.role.label_key, lang))}")
    community = session_community()
    if user.role.one_community and community is not None:
        st.caption(t("users.session.community", lang, community=community_name(community)))
    elif community is not None:
        st.caption(f":material/visibility: {t('users.street.readonly', lang, community=community_name(community))}")
        # the next run finds a community page without a community and goes to 街道总览 (entry.street_run)
        st.button(t("users.street.back", lang), key="auth_street_back", icon=":material/location_city:",
                  on_click=open_community, args=(None,))
    st.button(t("users.session.logout", lang), key="auth_logout", icon=":material/logout:", on_click=logout)
