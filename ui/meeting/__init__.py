"""Meeting mode: the slide deck built from Results, projector mode, and 督办事项 (action items).

Split by job: ``assembly`` (which slides, freshness rows), ``rows`` (the rows behind a shortfall),
``items`` (action items' order and PDF rows), ``markup`` (slide HTML from ui/templates), ``figure``
(charts for the projector) — all pure — and, with streamlit, ``screens`` (the three kinds of slide),
``forms`` (督办事项 list and add form) and ``navigation`` (projector mode in the URL, next / previous).
"""

from ui.meeting.assembly import (
                                 ATTENTION,
                                 THEMES,
                                 Freshness,
                                 Slide,
                                 SlideKind,
                                 clamp_slide,
                                 freshness,
                                 problems,
                                 slides,
)
from ui.meeting.changes import (
                                 ProblemRow,
                                 behind_streak,
                                 improvements,
                                 last_meeting_values,
                                 problem_rows,
                                 target_text,
)
from ui.meeting.figure import projector_figure
from ui.meeting.forms import action_panel, pdf_action_items, pdf_minutes
from ui.meeting.items import days_overdue, item_status, metric_label, order_items, pdf_items, today
from ui.meeting.markup import (
                                 badge,
                                 counts_html,
                                 freshness_html,
                                 item_html,
                                 items_html,
                                 problems_html,
                                 shortfall_html,
                                 theme_table_html,
)
from ui.meeting.navigation import deck, projector_on, projector_toggle, sidebar_state
from ui.meeting.rows import SHORTFALL_ROWS, Shortfall, shortfall
from ui.meeting.screens import improved_slide, metric_slide, summary_slide, theme_slide

__all__ = [
    "ATTENTION", "SHORTFALL_ROWS", "THEMES", "Freshness", "ProblemRow", "Shortfall", "Slide", "SlideKind",
    "action_panel", "badge", "pdf_minutes", "behind_streak", "days_overdue", "improved_slide", "improvements", "items_html", "last_meeting_values",
    "metric_label", "problem_rows", "problems", "problems_html", "target_text",
    "clamp_slide", "counts_html", "deck", "freshness", "freshness_html", "item_html", "item_status",
    "metric_slide", "order_items", "pdf_action_items", "pdf_items", "projector_figure", "projector_on",
    "projector_toggle", "shortfall", "shortfall_html", "sidebar_state", "slides", "summary_slide",
    "theme_slide", "theme_table_html", "today",
]
