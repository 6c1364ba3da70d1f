"""用户管理 Users (hub only, the street's administrator): create users, reset passwords, disable."""

from __future__ import annotations

from ui import state, users
from ui.entry import street_page

street_page()  # first: runs the entry (login, navigation by role) if it has not
users.page(state.lang())
