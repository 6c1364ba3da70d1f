"""Slide rendering: every HTML piece of a slide, from the Jinja2 templates in templates/slides/.

Each function prepares plain values (words, icons, display strings) and lets its template escape them,
so a ledger cell, an action item or a community name is always text. Pure, no streamlit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from charts.figures import metric_name
from charts.palette import STALE_ICON
from i18n import t
from metrics import wording
from metrics.vocab import Status, count_statuses
from templates import render
from ui.meeting.assembly import Freshness
from ui.meeting.changes import STREAK, ProblemRow
from ui.meeting.items import days_overdue, metric_label
from ui.meeting.rows import Shortfall

if TYPE_CHECKING:
    from metrics.engine import MetricResult, Results
    from store.meeting import CheckIn
    from store.models import ActionItem


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


def counts_html(results: Results, lang: str) -> str:
    counts = count_statuses(results.metrics)
    return render("slides/counts.html", cards=[{"status": s, "n": counts[s]} for s in Status], lang=lang)


def _item(item: ActionItem, meeting: dt.date, lang: str, metric: str | None) -> dict[str, Any]:
    key = "meeting.item.line" if (item.who or "").strip() else "meeting.item.line_nobody"
    flags = []
    late = days_overdue(item, meeting)
    if late:
        flags.append(("flag", "⚠ " + t("meeting.item.overdue_days", lang, n=late)))
    if item.status == "open":
        flags.append(("tag", t("meeting.item.raised", lang, date=f"{item.meeting_date:%Y-%m-%d}")))
    else:
        done = getattr(item, "done_at", None)
        flags.append(("tag", f"✔ {t('meeting.item.status.done', lang)}" + (f" {done:%Y-%m-%d}" if done else "")))
    return {"done": item.status == "done", "metric": metric, "flags": flags,
            "line": t(key, lang, what=item.what, who=item.who, due=item.due.isoformat())}


def item_html(item: ActionItem, meeting: dt.date, lang: str, *, metric: str | None = None) -> str:
    """One action item: (metric,) what — who · due, then 「逾期 N 天」 judged against the meeting's
    as-of date, the meeting that raised it, or done with its date. No owner: no dash for the name."""
    return render("slides/item.html", it=_item(item, meeting, lang, metric))


def items_html(items: Sequence[Any], meeting: dt.date, lang: str) -> str:
    """A list of 督办事项 each naming its metric (id and name), in a box that scrolls when long."""
    return render("slides/items.html", items=[_item(it, meeting, lang, metric_label(it.metric_id, lang))
                                              for it in items])


def freshness_html(rows: Sequence[Freshness], lang: str) -> str:
    """The summary slide's list of ledgers with their newest row, the stale ones marked."""
    return render("slides/freshness.html", rows=rows, stale=_stale(lang), lang=lang)


def theme_table_html(members: Sequence[Any], stale_ids: set[str], lang: str) -> str:
    """A theme's metrics as one big table: name, value, target, status."""
    rows = [{"id": m.id, "name": metric_name(m, lang), "value": wording.value(m, lang), "gap": wording.gap(m, lang),
             "target": wording.target_noted(m, lang), "stale": m.id in stale_ids, "status": Status(m.status)}
            for m in members]
    return render("slides/theme_table.html", rows=rows, stale=_stale(lang), lang=lang)


def metric_head_html(result: MetricResult, lang: str) -> str:
    """A metric slide's first line: status badge, value and target, evidence rows."""
    value = t("meeting.metric.value", lang, value=wording.value(result, lang), target=wording.target_noted(result, lang))
    if gap := wording.gap(result, lang):
        value += f" · {gap}"
    return render("slides/metric_head.html", status=Status(result.status), lang=lang, value=value,
                  evidence=t("meeting.metric.evidence", lang, n=result.evidence_count))


def problems_html(rows: Sequence[ProblemRow], lang: str, *, items_below: bool = True) -> str:
    """Slide 1's table: every problem metric with value, target, gap, change and open 督办事项.
    Without overdue items below it (``items_below=False``) the table may take their share of the screen."""
    return render("slides/problems.html", rows=rows, lang=lang, streak=STREAK, items_below=items_below)


def check_in_html(last: CheckIn | None, streak: int, lang: str) -> str:
    """The last meeting's check-in (date, note, owner) and, from STREAK meetings on, the flag."""
    line = ""
    if last is not None:
        key = "meeting.checkin.last_owner" if last.owner else "meeting.checkin.last"
        line = t(key, lang, date=f"{last.meeting_date:%Y-%m-%d}", note=last.note, owner=last.owner)
    flag = t("meeting.checkin.streak", lang, n=streak) if streak >= STREAK else ""
    return render("slides/check_in.html", line=line, flag=flag, empty=t("meeting.checkin.none", lang))


def improved_html(rows: Sequence[ProblemRow], note: str, lang: str) -> str:
    return render("slides/improved.html", rows=rows, note=note, lang=lang)


def all_met_html(n: int, lang: str) -> str:
    return render("slides/all_met.html", n=n, lang=lang)


def shortfall_html(short: Shortfall, lang: str, page: int = 1) -> str:
    """One page of the rows behind a shortfall, with 「第 1–8 条 / 共 24 条」 when there is more than one."""
    rows, caption = short.page(page)
    return render("slides/shortfall.html", title=short.title, columns=list(rows.columns),
                  rows=list(rows.itertuples(index=False)), caption=caption if short.pages > 1 else "", lang=lang)
