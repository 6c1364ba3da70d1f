"""街道总览 Street overview (hub only, the street's administrator): every community's results."""

from __future__ import annotations

from ui import state, street
from ui.entry import street_page

street_page()  # first: runs the entry (login, navigation by role) if it has not
street.page(state.lang())
