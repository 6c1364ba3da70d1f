"""例会 Meeting: the slide deck (summary, themes, metrics needing attention) with 督办事项."""

from ui import meeting, state

meeting.deck(state.current_view(), projector=False)
