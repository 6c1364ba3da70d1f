"""The app's one entry: page config, navigation, the view gate, the sidebar, then the chosen page.

``app.py`` calls :func:`run`. Every file in ``pages/`` starts with :func:`page_view`, so no page can
render without the entry having run first in the same script run, whatever the navigation mode:

Streamlit 1.67 latches ``PagesManager.uses_pages_directory`` on the first session of a process when
``<app dir>/pages`` exists, and runs that session's first request through its legacy folder
navigation, which executes ``pages/<url>.py`` alone. There ``page_view`` finds no view of this run,
runs the entry itself (gate first; its ``st.navigation`` resolves the same URL to the same file and
runs it inside) and stops the outer run. The URLs are the file names for that reason: the legacy
navigation finds every page the app links to, so it never says "Page not found".
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Literal, NoReturn, cast

import streamlit as st

from i18n import t
from settings import Settings, SettingsError
from store.auth import host_allowed, is_loopback
from ui import auth, meeting, sidebar, state
from ui import pages as nav
from ui.render import inject_css

ROOT = Path(__file__).resolve().parent.parent
# The view of the script run in progress on this thread. Streamlit runs a session's script on one
# thread at a time, and run() clears it when the page is done, so it never leaks into another run.
_RUN = threading.local()
_SidebarState = Literal["auto", "expanded", "collapsed"]


def run() -> None:
    """Draw the whole app for this run; with ``protect_viewing`` and no password given, only the form."""
    lang = state.lang()
    st.set_page_config(page_title=t("app.title", lang), page_icon=":material/holiday_village:", layout="wide",
                       initial_sidebar_state=cast(_SidebarState, meeting.sidebar_state()))
    try:
        config = state.settings()
    except SettingsError as exc:  # fail closed: nothing of the board until the setting is corrected
        settings_stop(exc, lang)
    network_gate(config, lang)
    auth.begin_run()  # a hub reads the session's account again: a disabled one ends here
    may_view = auth.allowed("view")  # protect_viewing / a hub: nothing but the form until unlocked / logged in
    pages = nav.navigation(ROOT, lang, reach())
    page = st.navigation(pages.sections, position="sidebar" if may_view and not meeting.projector_on() else "hidden")
    if page is pages.alias:  # /dashboard, the overview's name: show it at its real address, "/"
        st.switch_page(pages.home)
    inject_css()
    if not may_view:
        with st.sidebar:
            sidebar.language_switch()
        auth.view_gate(state.lang())
        st.stop()
    if page in pages.street or (config.hub and auth.session_community() is None):
        street_run(page, pages)
        return
    view = sidebar.render(lang)
    _RUN.view = view
    try:
        if meeting.projector_on():  # ?mode=projector: the slide deck whatever the page, no sidebar or nav
            meeting.deck(view, projector=True)
        else:
            page.run()
    finally:
        _RUN.view = None


def reach() -> nav.Reach | None:
    """What the navigation offers: everything in a single install (None); in a hub, what the user's
    role allows and the community pages only when the session has a community. Before login every
    page (hidden; the login form stands in each), so the address asked for is the one shown after."""
    if not auth.hub():
        return None
    user = auth.current_user()
    if user is None:
        return nav.Reach(may=lambda _right: True, community=True)
    return nav.Reach(may=user.allows, community=auth.session_community() is not None)


def street_run(page: st.Page, pages: nav.Navigation) -> None:
    """A hub page that shows no community (街道总览, 用户管理): the language and who is logged in, no
    data. A community page asked for by the street's administrator before opening one (its address,
    or "/" right after logging in there) goes to the street's first page: nothing of any community is read."""
    if page not in pages.street:
        if pages.street:
            st.switch_page(pages.home)
        st.stop()  # a session with neither a community nor a street page: nothing to show
    with st.sidebar:
        sidebar.language_switch()
        auth.sidebar_status(state.lang())
    _RUN.street = True
    try:
        page.run()
    finally:
        _RUN.street = False


def street_page() -> None:
    """Called first by every hub page that shows no community (pages/users.py, pages/street.py): when
    started without the entry, run the entry (login, navigation by role, this page inside) and stop."""
    if not getattr(_RUN, "street", False):
        run()
        st.stop()


def request_host() -> str | None:
    """The Host header of this session's request ("" when missing); None when there is no request
    at all (AppTest runs the script without a server)."""
    headers = st.context.headers
    if not headers:
        return None
    host = headers.get("host")
    return host if isinstance(host, str) else ""


def listening_address() -> str | None:
    """Where the server listens (config.toml, --server.address); None or "": every interface."""
    address = st.get_option("server.address")
    return address if isinstance(address, str) else None


def network_gate(config: Settings, lang: str) -> None:
    """Before anything is drawn: a server listening beyond this computer needs a password (a hub: its
    logins), and the request must name this board (loopback or ``allowed_hosts``): another name is
    DNS rebinding."""
    host = request_host()
    if host is None:
        return
    address = listening_address()
    if not is_loopback(address) and config.password is None and not config.hub:  # a hub: every user logs in
        refuse(lang, t("ui.net.exposed", lang, address=address or "0.0.0.0"), f"listening on {address!r}")
    if not host_allowed(host, config.allowed_hosts):
        refuse(lang, t("ui.net.host", lang), "a request whose Host is not this board's")


def refuse(lang: str, message: str, why: str) -> NoReturn:
    logging.getLogger(__name__).error("refused to serve: %s", why)
    _hide_navigation(lang)
    st.title(t("ui.net.refused", lang))
    st.error(message, icon=":material/block:")
    st.stop()


def _hide_navigation(lang: str) -> None:
    """Replace whatever navigation the browser was sent (Streamlit's legacy one lists the page files)
    with the app's, hidden: a refusal page links nowhere."""
    st.navigation(nav.navigation(ROOT, lang).sections, position="hidden")


def settings_stop(error: SettingsError, lang: str) -> NoReturn:
    """The whole page when a setting is wrong: what, and that nothing runs until it is corrected."""
    logging.getLogger(__name__).error("settings: %s", error.text("en"))
    _hide_navigation(lang)
    st.title(t("settings.stopped", lang))
    st.error(error.text(lang), icon=":material/error:")
    st.caption(t("settings.fix", lang))
    st.stop()


def database_stop() -> NoReturn:
    """The page when the database cannot be reached or dropped the connection mid-request: what
    happened, and that nothing of the interrupted action was saved (its transaction never committed)."""
    lang = state.lang()
    logging.getLogger(__name__).error("database unavailable")
    st.error(t("store.error.db_unavailable", lang), icon=":material/cloud_off:")
    st.stop()


def page_view() -> state.View:
    """The view this run's entry computed for the page. Called first by every page: when the page was
    started without the entry (Streamlit's legacy folder navigation), run the entry now — the gate,
    the sidebar and this very page inside it — and stop here."""
    view: state.View | None = getattr(_RUN, "view", None)
    if view is None:
        run()
        st.stop()
    assert view is not None
    return view
