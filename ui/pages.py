"""The page list: file, url and title of every page, titles in the chosen language."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from i18n import t
from metrics.vocab import Theme

THEMES = tuple(Theme)
OVERVIEW = "pages/overview.py"
DATA = "pages/data.py"
TARGETS = "pages/targets.py"
MEETING = "pages/meeting.py"
THEME_ICONS = {th: th.icon for th in Theme}  # Material icons, defined on metrics.vocab.Theme


def theme_page(theme: str) -> str:
    """The page file of a theme, as st.page_link wants it (relative to app.py)."""
    return f"pages/{theme}.py"


# URL of each page. Deliberately not the file's stem: while Streamlit's legacy pages/ mode is on (a
# fresh server's first request, every AppTest run) a URL equal to a file stem runs that file alone,
# without app.py's sidebar; a distinct URL always goes through app.py and st.navigation.
URLS = {"overview": "dashboard", "safety": "safety-fire", "culture": "culture-education",
        "environment": "environment-sanitation", "service": "services-welfare", "party": "party-partners",
        "meeting": "meeting-slides", "data": "ledgers", "targets": "target-settings"}


def navigation(root: Path, lang: str) -> dict[str, list[st.Page]]:
    """Sections for st.navigation: the dashboard pages, then data and targets."""
    board = [st.Page(root / OVERVIEW, title=t("ui.nav.overview", lang), icon=":material/dashboard:",
                     url_path=URLS["overview"], default=True)]
    board += [st.Page(root / theme_page(th), title=t(f"theme.{th}", lang), icon=THEME_ICONS[th], url_path=URLS[th])
              for th in THEMES]
    board.append(st.Page(root / MEETING, title=t("meeting.nav", lang), icon=":material/co_present:",
                         url_path=URLS["meeting"]))
    manage = [st.Page(root / DATA, title=t("ui.nav.data", lang), icon=":material/upload_file:", url_path=URLS["data"]),
              st.Page(root / TARGETS, title=t("ui.nav.targets", lang), icon=":material/tune:",
                      url_path=URLS["targets"])]
    return {t("ui.nav.section.board", lang): board, t("ui.nav.section.manage", lang): manage}
