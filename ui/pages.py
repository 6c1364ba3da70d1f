"""The page list: file, url and title of every page, titles in the chosen language."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from i18n import t
from metrics.vocab import Theme

THEMES = tuple(Theme)
DASHBOARD = "pages/dashboard.py"  # the overview
DATA = "pages/data.py"
TARGETS = "pages/targets.py"
MEETING = "pages/meeting.py"
BINDER = "pages/binder.py"  # 迎检材料
THEME_ICONS = {th: th.icon for th in Theme}  # Material icons, defined on metrics.vocab.Theme


def theme_page(theme: str) -> str:
    """The page file of a theme, as st.page_link wants it (relative to app.py)."""
    return f"pages/{theme}.py"


@dataclass(frozen=True)
class Navigation:
    """What st.navigation takes (``sections``), the overview at "/" (``home``) and the hidden page
    that answers the overview's own name, /dashboard, by sending the browser to "/" (``alias``)."""

    sections: dict[str, list[st.Page]]
    home: st.Page
    alias: st.Page


def navigation(root: Path, lang: str) -> Navigation:
    """Every page at the URL of its file name (see ui/entry.py for why): the dashboard pages, then
    data and targets."""
    home = st.Page(root / DASHBOARD, title=t("ui.nav.overview", lang), icon=":material/dashboard:",
                   url_path="overview", default=True)  # served at "/"; url_path only names it apart
    alias = st.Page(root / DASHBOARD, title=t("ui.nav.overview", lang), url_path="dashboard", visibility="hidden")
    board = [home] + [st.Page(root / theme_page(th), title=t(f"theme.{th}", lang), icon=THEME_ICONS[th])
                      for th in THEMES]
    board += [st.Page(root / MEETING, title=t("meeting.nav", lang), icon=":material/co_present:"), alias]
    manage = [st.Page(root / DATA, title=t("ui.nav.data", lang), icon=":material/upload_file:"),
              st.Page(root / TARGETS, title=t("ui.nav.targets", lang), icon=":material/tune:"),
              st.Page(root / BINDER, title=t("binder.nav", lang), icon=":material/folder_special:")]
    return Navigation({t("ui.nav.section.board", lang): board, t("ui.nav.section.manage", lang): manage}, home, alias)
