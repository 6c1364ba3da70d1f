"""Slide rendering: the HTML pieces of the slides (pure, no streamlit)."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from typing import Any

from charts.figures import format_target, format_value, metric_name
from charts.palette import STALE_ICON, STATUS_STYLE, STATUSES
from i18n import t
from ui.meeting.assembly import Freshness
from ui.meeting.rows import Shortfall


def _e(text: Any) -> str:
    return html.escape(str(text))


def badge(status: str, lang: str) -> str:
    """Status as colour (border), icon and word, in a text colour that passes AAA."""
    return (f"<span class='badge st-{status}'>{STATUS_STYLE[status].icon} "
            f"{_e(t(f'status.{status}', lang))}</span>")


def counts_html(results: Any, lang: str) -> str:
    counts = {s: 0 for s in STATUSES}
    for m in results.metrics:
        counts[m.status] = counts.get(m.status, 0) + 1
    cards = "".join(
        f"<div class='card st-{s}'><div class='n'>{counts[s]}</div>"
        f"<div class='w'>{STATUS_STYLE[s].icon} {_e(t(f'status.{s}', lang))}</div></div>" for s in STATUSES)
    return f"<div class='counts'>{cards}</div>"


def item_html(item: Any, meeting: dt.date, lang: str, *, metric: str | None = None) -> str:
    """One action item: (metric,) what — who · due, with overdue / earlier-meeting flags."""
    line = t("meeting.item.line", lang, what=item.what, who=item.who or "—", due=item.due.isoformat())
    head = f"<b>{_e(metric)}</b> " if metric else ""
    flags = ""
    if item.status == "open" and item.overdue:
        flags += f"<span class='flag'>⚠ {_e(t('meeting.item.overdue', lang))}</span>"
    if item.status == "open" and item.meeting_date < meeting:
        flags += f"<span class='tag'>{_e(t('meeting.item.earlier', lang))} {item.meeting_date:%m-%d}</span>"
    if item.status == "done":
        flags += f"<span class='tag'>✔ {_e(t('meeting.item.status.done', lang))}</span>"
    cls = "item done" if item.status == "done" else "item"
    return f"<div class='{cls}'>{head}{_e(line)}{flags}</div>"


def freshness_html(rows: Sequence[Freshness], lang: str) -> str:
    if not rows:
        return f"<p class='sub'>{_e(t('meeting.freshness.none', lang))}</p>"
    cells = "".join(
        f"<div>{_e(r.name)}"
        + (f"<span class='flag stale'>{STALE_ICON} {_e(t('meeting.freshness.stale', lang))}</span>" if r.stale else "")
        + f"<span class='date'>{r.newest.isoformat()}</span></div>" for r in rows)
    return f"<div class='fresh'>{cells}</div>"


def theme_table_html(members: Sequence[Any], stale_ids: set[str], lang: str) -> str:
    """A theme's metrics as one big table: name, value, target, status."""
    heads = "".join(f"<th>{_e(t(f'meeting.col.{c}', lang))}</th>" for c in ("metric", "value", "target", "status"))
    rows = []
    for m in members:
        stale = (f"<span class='flag stale'>{STALE_ICON} {_e(t('meeting.freshness.stale', lang))}</span>"
                 if m.id in stale_ids else "")
        rows.append(f"<tr><td><b>{_e(m.id)}</b> {_e(metric_name(m, lang))}{stale}</td>"
                    f"<td class='num'>{_e(format_value(m, lang))}</td>"
                    f"<td class='nowrap'>{_e(format_target(m, lang))}</td>"
                    f"<td class='nowrap'>{badge(m.status, lang)}</td></tr>")
    return f"<table><thead><tr>{heads}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def shortfall_html(short: Shortfall, lang: str) -> str:
    heads = "".join(f"<th>{_e(c)}</th>" for c in short.table.columns)
    body = "".join("<tr>" + "".join(f"<td>{_e(v)}</td>" for v in row) + "</tr>"
                   for row in short.table.itertuples(index=False))
    more = (f"<p class='sub'>{_e(t('meeting.shortfall.more', lang, n=short.more))}</p>" if short.more else "")
    return (f"<div class='deck'><h2>{_e(short.title)}</h2><table class='rows'><thead><tr>{heads}</tr></thead>"
            f"<tbody>{body}</tbody></table>{more}</div>")
