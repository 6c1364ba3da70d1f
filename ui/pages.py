"""The page list: file, url and title of every page, titles in the chosen language."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from i18n import t

THEMES = ("safety", "culture", "environment", "service", "party")
OVERVIEW = "pages/overview.py"
DATA = "pages/data.py"
TARGETS = "pages/targets.py"
MEETING = "pages/meeting.py"
# Material icons ship with Streamlit's own font; emoji would be tofu on a machine without an emoji font.
THEME_ICONS = {"safety": ":material/local_fire_department:", "culture": ":material/theater_comedy:",
               "environment": ":material/park:", "service": ":material/volunteer_activism:",
               "party": ":material/flag:"}


def theme_page(theme: str) -> str:
    """The page file of a theme, as st.page_link wants it (relative to app.py)."""
    return f"pages/{theme}.py"


def navigation(root: Path, lang: str) -> dict[str, list[st.Page]]:
    """Sections for st.navigation: the dashboard pages, then data and targets."""
    board = [st.Page(root / OVERVIEW, title=t("ui.nav.overview", lang), icon=":material/dashboard:", url_path="overview",
                     default=True)]
    board += [st.Page(root / theme_page(th), title=t(f"theme.{th}", lang), icon=THEME_ICONS[th], url_path=th)
              for th in THEMES]
    board.append(st.Page(root / MEETING, title=t("meeting.nav", lang), icon=":material/co_present:",
                         url_path="meeting"))
    manage = [st.Page(root / DATA, title=t("ui.nav.data", lang), icon=":material/upload_file:", url_path="data"),
              st.Page(root / TARGETS, title=t("ui.nav.targets", lang), icon=":material/tune:", url_path="targets")]
    return {t("ui.nav.section.board", lang): board, t("ui.nav.section.manage", lang): manage}
