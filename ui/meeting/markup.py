"""Slide rendering: every HTML piece of a slide, from the Jinja2 templates in templates/slides/.

Each function prepares plain values (words, icons, display strings) and lets its template escape them,
so a ledger cell, an action item or a community name is always text. Pure, no streamlit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from charts.figures import format_target, format_value, metric_name
from charts.palette import STALE_ICON
from i18n import t
from metrics.vocab import Status, count_statuses
from templates import render
from ui.meeting.assembly import Freshness
from ui.meeting.rows import Shortfall


def _stale(lang: str) -> dict[str, str]:
    return {"icon": STALE_ICON, "word": t("meeting.freshness.stale", lang)}


def badge(status: str, lang: str) -> str:
    """Status as colour (border), icon and word, in a text colour that passes AAA."""
    return render("slides/badge.html", status=Status(status), lang=lang)


def title_html(title: str, caption: str) -> str:
    return render("slides/title.html", title=title, caption=caption)


def position_html(text: str) -> str:
    return render("slides/position.html", text=text)


def heading_html(text: str) -> str:
    return render("slides/heading.html", text=text)


def note_html(text: str) -> str:
    return render("slides/note.html", text=text)


def counts_html(results: Any, lang: str) -> str:
    counts = count_statuses(results.metrics)
    return render("slides/counts.html", cards=[{"status": s, "n": counts[s]} for s in Status], lang=lang)


def item_html(item: Any, meeting: dt.date, lang: str, *, metric: str | None = None) -> str:
    """One action item: (metric,) what — who · due, with overdue / earlier-meeting flags."""
    line = t("meeting.item.line", lang, what=item.what, who=item.who or "—", due=item.due.isoformat())
    flags = []
    if item.status == "open" and item.overdue:
        flags.append(("flag", f"⚠ {t('meeting.item.overdue', lang)}"))
    if item.status == "open" and item.meeting_date < meeting:
        flags.append(("tag", f"{t('meeting.item.earlier', lang)} {item.meeting_date:%m-%d}"))
    if item.status == "done":
        flags.append(("tag", f"✔ {t('meeting.item.status.done', lang)}"))
    return render("slides/item.html", done=item.status == "done", metric=metric, line=line, flags=flags)


def freshness_html(rows: Sequence[Freshness], lang: str) -> str:
    """The summary slide's list of ledgers with their newest row, the stale ones marked."""
    return render("slides/freshness.html", rows=rows, stale=_stale(lang), lang=lang)


def theme_table_html(members: Sequence[Any], stale_ids: set[str], lang: str) -> str:
    """A theme's metrics as one big table: name, value, target, status."""
    rows = [{"id": m.id, "name": metric_name(m, lang), "value": format_value(m, lang),
             "target": format_target(m, lang), "stale": m.id in stale_ids, "status": Status(m.status)}
            for m in members]
    return render("slides/theme_table.html", rows=rows, stale=_stale(lang), lang=lang)


def metric_head_html(result: Any, lang: str) -> str:
    """A metric slide's first line: status badge, value and target, evidence rows."""
    value = t("meeting.metric.value", lang, value=format_value(result, lang), target=format_target(result, lang))
    return render("slides/metric_head.html", status=Status(result.status), lang=lang, value=value,
                  evidence=t("meeting.metric.evidence", lang, n=result.evidence_count))


def shortfall_html(short: Shortfall, lang: str) -> str:
    return render("slides/shortfall.html", title=short.title, columns=list(short.table.columns),
                  rows=list(short.table.itertuples(index=False)), more=short.more, lang=lang)
