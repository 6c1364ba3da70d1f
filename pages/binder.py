"""迎检材料 Assessment binder: per plan item its rules, note, photos and statistics; completeness; export."""

from __future__ import annotations

from ui import binder
from ui.entry import page_view

view = page_view()  # first: runs the entry (and its gate) if it has not
binder.page(view)
