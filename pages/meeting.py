"""例会 Meeting: the slide deck (summary, themes, metrics needing attention) with 督办事项."""

from ui import meeting
from ui.entry import page_view

meeting.deck(page_view(), projector=False)
