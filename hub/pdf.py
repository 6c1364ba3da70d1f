"""The street PDF: the grid of every community × metric on the first page, then one page per
community with its counts and every metric's value, target and status, all from stored results.

The HTML is ``templates/street/`` (Jinja2, autoescaped: community names are text); Chromium prints
it through ``report.pdf.html_to_pdf``, the same printer (and the same one-at-a-time slot) as the
community's own PDF.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup

from charts.palette import tint
from hub.grid import GridCell, GridRow, street_counts
from i18n import t
from metrics import wording
from metrics.registry import BY_ID
from metrics.vocab import Status, Theme
from report.html import FONT_FAMILY, FONT_FILE
from templates import render

SHANGHAI = ZoneInfo("Asia/Shanghai")
CELL_ALPHA = 0.45  # stronger than a badge's tint: a 20 px cell must read as its colour at a glance


@dataclass(frozen=True)
class _Cell:
    icon: str
    tint: str
    color: str
    off: bool
    title: str  # the tooltip on screen: id, name, value, target, status


def _cell(cell: GridCell, lang: str) -> _Cell:
    if cell.status is None:
        return _Cell(wording.NONE, "#FFFFFF", "#8C959F", True, f"{cell.metric_id} {t('hub.switched_off', lang)}")
    style = cell.status.style
    return _Cell(style.icon, tint(style.color, CELL_ALPHA), style.text_color, False, cell.title(lang))


def _households(n: int | None, lang: str) -> str:
    return f"{n:,}" if n is not None else "—"


def _themes(columns: Sequence[str], lang: str) -> list[dict[str, Any]]:
    """Theme headers over the metric columns: consecutive columns of one theme share one header."""
    spans: list[dict[str, Any]] = []
    for metric_id in columns:
        theme = BY_ID[metric_id].theme
        if spans and spans[-1]["theme"] is theme:
            spans[-1]["span"] += 1
        else:
            spans.append({"theme": theme, "span": 1, "name": Theme(theme).word(lang)})
    return spans


def _summary(row: GridRow, lang: str) -> dict[str, Any]:
    metrics = [{"id": c.metric_id, "name": c.result.name if lang == "zh" else c.result.name_en,
                "value": c.value_text(lang), "target": c.target_text(lang), "status": c.status}
               for c in row.cells if c.result is not None and c.status is not None]
    half = (len(metrics) + 1) // 2
    households = (t("hub.households", lang, n=f"{row.community.households:,}") if row.community.households
                  else t("hub.households.unknown", lang))
    as_of = f"{t('hub.col.as_of', lang)} {row.as_of.isoformat()}" if row.as_of else t("hub.not_reported", lang)
    return {"name": row.community.name, "line": f"{households} · {as_of}",
            "counts": [{"status": s, "n": row.counts.get(s, 0)} for s in Status],
            "halves": [metrics[:half], metrics[half:]] if metrics else []}


def grid_context(rows: Sequence[GridRow], lang: str) -> dict[str, Any]:
    """What templates/street/grid.html draws: the same grid on paper and on the 街道总览 page."""
    columns = [c.metric_id for c in rows[0].cells] if rows else []
    return {"lang": lang, "themes": _themes(columns, lang), "columns": columns,
            "rows": [{"name": r.community.name, "households": _households(r.community.households, lang),
                      "problems": r.problems if r.reported else wording.NONE,
                      "cells": [_cell(c, lang) for c in r.cells]} for r in rows]}


def grid_html(rows: Sequence[GridRow], lang: str = "zh") -> str:
    """The grid alone with its style sheet, for the page (st.html)."""
    return render("street/screen.html", **grid_context(rows, lang))


def street_html(rows: Sequence[GridRow], *, street: str, lang: str = "zh",
                generated_at: dt.datetime | None = None) -> str:
    """The street PDF's HTML: ``rows`` in the grid's order (hub.grid.grid)."""
    at = (generated_at or dt.datetime.now(SHANGHAI)).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    title = t("hub.pdf.title", lang, street=street)
    caption = " · ".join([t("hub.caption", lang, n=len(rows), m=len(BY_ID)), t("hub.pdf.generated", lang, at=at)])
    totals = street_counts(rows)
    return render(
        "street/page.html", html_lang="zh-CN" if lang == "zh" else "en", title=title, caption=caption,
        font_file=FONT_FILE, family=Markup(FONT_FAMILY), block_w=0, cell_w=0,
        counts=[{"status": s, "n": totals[s]} for s in Status],
        statuses=[{"status": s, "tint": tint(s.color, CELL_ALPHA)} for s in Status],
        summaries=[_summary(r, lang) for r in rows], **grid_context(rows, lang))


def street_pdf(rows: Sequence[GridRow], *, street: str, lang: str = "zh",
               generated_at: dt.datetime | None = None) -> bytes:
    """The street PDF's bytes (raises report.pdf.ReportUnavailable without Chromium or a Chinese font)."""
    from report.pdf import html_to_pdf

    html = street_html(rows, street=street, lang=lang, generated_at=generated_at)
    return html_to_pdf(html, lang=lang, footer_left=t("hub.pdf.title", lang, street=street))
