"""The page list: file, url and title of every page, titles in the chosen language; in a hub, only
the pages the session's user may open (each page names the right it needs, the role decides)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import streamlit as st

from i18n import t
from metrics.vocab import Theme

THEMES = tuple(Theme)
DASHBOARD = "pages/dashboard.py"  # the overview
DATA = "pages/data.py"
TARGETS = "pages/targets.py"
MEETING = "pages/meeting.py"
BINDER = "pages/binder.py"  # 迎检材料
STREET = "pages/street.py"  # 街道总览 (hub only; the `street` part's page)
USERS = "pages/users.py"  # 用户管理 (hub only)
THEME_ICONS = {th: th.icon for th in Theme}  # Material icons, defined on metrics.vocab.Theme


def theme_page(theme: str) -> str:
    """The page file of a theme, as st.page_link wants it (relative to app.py)."""
    return f"pages/{theme}.py"


@dataclass(frozen=True)
class Reach:
    """What a hub session may open: ``may(right)`` answers for the logged-in user's role, and
    ``community`` is whether the session has a community to show (its own or one the street opened)."""

    may: Callable[[str], bool]
    community: bool


@dataclass(frozen=True)
class Navigation:
    """What st.navigation takes (``sections``), the page at "/" (``home``: the overview, or in a hub
    without a community the street's first page) and the hidden page that answers the overview's own
    name, /dashboard, by sending the browser to the overview (``alias``)."""

    sections: dict[str, list[st.Page]]
    home: st.Page
    alias: st.Page
    street: tuple[st.Page, ...] = ()  # pages that show no community: no sidebar view, no store


def navigation(root: Path, lang: str, reach: Reach | None = None) -> Navigation:
    """Every page at the URL of its file name (see ui/entry.py for why): the dashboard pages, then
    data and targets. ``reach`` None: a single install, every page (the password guards changes).
    A hub: the street's pages by right, each managing page listed only for a role with its right, and
    the community's pages with a community; without one (the street's administrator before opening
    one) they stay addressable but hidden, and the street's first page is at "/"."""
    may = reach.may if reach is not None else (lambda right: right not in ("street", "users"))
    shown = reach is None or reach.community
    street = _street_pages(root, lang, may, default=not shown)
    seen: Literal["visible", "hidden"] = "visible" if shown or not street else "hidden"
    home = st.Page(root / DASHBOARD, title=t("ui.nav.overview", lang), icon=":material/dashboard:",
                   url_path="overview", default=not street or shown, visibility=seen)  # "/": url_path names it apart
    alias = st.Page(root / DASHBOARD, title=t("ui.nav.overview", lang), url_path="dashboard", visibility="hidden")
    board = [home] + [st.Page(root / theme_page(th), title=t(f"theme.{th}", lang), icon=THEME_ICONS[th],
                              visibility=seen) for th in THEMES]
    board += [st.Page(root / MEETING, title=t("meeting.nav", lang), icon=":material/co_present:", visibility=seen),
              alias]
    # a role without a managing page's right does not see it listed; its address still answers (the
    # overview's links point there) with the page read-only, each control guarded by auth.require
    manage = [st.Page(root / file, title=t(title, lang), icon=icon, visibility=seen if may(right) else "hidden")
              for file, title, icon, right in ((DATA, "ui.nav.data", ":material/upload_file:", "upload"),
                                               (TARGETS, "ui.nav.targets", ":material/tune:", "targets"),
                                               (BINDER, "binder.nav", ":material/folder_special:", "upload"))]
    listed = any(p.visibility == "visible" for p in manage)
    sections: dict[str, list[st.Page]] = {}
    if street:
        sections[t("users.nav.section", lang)] = street if shown else street + board + manage
    if shown or not street:
        sections[t("ui.nav.section.board", lang)] = board if listed else board + manage
        if listed:
            sections[t("ui.nav.section.manage", lang)] = manage
    return Navigation(sections, home if shown or not street else street[0], alias, tuple(street))


def _street_pages(root: Path, lang: str, may: Callable[[str], bool], *, default: bool) -> list[st.Page]:
    """街道总览 (once the street part's page exists) and 用户管理, for the roles that hold their rights."""
    pages = []
    if may("street") and (root / STREET).exists():
        pages.append(st.Page(root / STREET, title=t("users.nav.street", lang), icon=":material/location_city:",
                             url_path="street", default=default))
    if may("users"):
        pages.append(st.Page(root / USERS, title=t("users.nav", lang), icon=":material/manage_accounts:",
                             url_path="users", default=default and not pages))
    return pages
