"""社区创建看板 — the one entry point: `streamlit run app.py`."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).parent
if str(ROOT) not in sys.path:  # so the project's packages import whatever the working directory
    sys.path.insert(0, str(ROOT))

from i18n import t  # noqa: E402
from ui import auth, meeting, sidebar  # noqa: E402
from ui import pages as nav  # noqa: E402
from ui.render import inject_css  # noqa: E402
from ui.state import lang as current_lang  # noqa: E402

lang = current_lang()
st.set_page_config(page_title=t("app.title", lang), page_icon=":material/holiday_village:", layout="wide",
                   initial_sidebar_state=meeting.sidebar_state())
# projector mode (?mode=projector) shows the slide deck whatever the page, without sidebar or nav
may_view = auth.allowed("view")  # protect_viewing: nothing but the password form until unlocked
page = st.navigation(nav.navigation(ROOT, lang),
                     position="hidden" if meeting.projector_on() or not may_view else "sidebar")
inject_css()
if not may_view:
    with st.sidebar:
        sidebar.language_switch()
    auth.view_gate(current_lang())
    st.stop()
view = sidebar.render(lang)
if meeting.projector_on():
    meeting.deck(view, projector=True)
else:
    page.run()
