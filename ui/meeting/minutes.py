"""The meeting's minutes for the PDF: what its first pages show (cover title and date, slide 1's
problems table, each problem metric's line and first rows, the target-change log), from the same
functions as the slides. Pure: report/pdf.py calls ``minutes`` with the results it computed."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from i18n import t
from metrics import wording
from ui.meeting.assembly import problems
from ui.meeting.changes import STREAK, behind_streak, problem_rows
from ui.meeting.rows import shortfall

PDF_ROWS = 4  # rows behind a problem metric in its block of the minutes (three blocks a row)


def _block(m: Any, results: Any, frames: Mapping[str, Any], lang: str) -> dict[str, Any]:
    from metrics.engine import evidence
    from metrics.vocab import Kind, Status

    line = " · ".join(p for p in (t("meeting.metric.value", lang, value=wording.value(m, lang),
                                    target=wording.target_noted(m, lang)), wording.gap(m, lang)) if p)
    block: dict[str, Any] = {"id": m.id, "name": m.name_en if lang == "en" else m.name, "status": Status(m.status),
                             "line": line, "rows": [], "columns": [], "rows_title": "", "more": ""}
    how = Kind(m.kind).rules.shortfall
    rows = evidence(dict(frames), m.id, results.year, results.as_of) if how in ("rows", "events") else None
    short = shortfall(m, rows, lang)
    if short is not None:
        table = short.table.head(PDF_ROWS)
        block.update(rows_title=short.title, columns=list(table.columns),
                     rows=[list(r) for r in table.itertuples(index=False)],
                     more=t("meeting.shortfall.page", lang, first=1, last=len(table), n=short.total)
                     if short.total > PDF_ROWS else "")
    return block


def _target_log(changes: Iterable[Any], lang: str) -> list[list[str]]:
    """(when in Shanghai, metric, old → new, reason) of every logged target change."""
    from metrics.registry import BY_ID
    from ui.meeting.items import SHANGHAI, metric_label

    def word(c: Any, v: float | None, on: bool | None) -> str:
        spec = BY_ID.get(c.metric_id)
        text = t("meeting.target.plan", lang) if v is None else (
            wording.pct_target(v) if spec is not None and spec.kind.fraction else wording.num(v))
        return text if on is not False else f"{text} ({t('meeting.target.off', lang)})"

    return [[f"{c.at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}", metric_label(c.metric_id, lang),
             f"{word(c, c.old_value, c.old_enabled)} → {word(c, c.new_value, c.new_enabled)}", c.reason]
            for c in changes]


def minutes(results: Any, *, frames: Mapping[str, Any], lang: str, meeting: dt.date, items: Iterable[Any] = (),
            check_ins: Iterable[Any] = (), before: Mapping[str, float | None] | None = None,
            target_changes: Iterable[Any] = ()) -> dict[str, Any]:
    """``report.html.build_html``'s ``meeting``: the problems (severity order) with gaps, changes since
    the last meeting (``before``), open 督办事项 counts and 未达标 streaks; a block per problem metric."""
    probs = problems(results)
    ins = list(check_ins)
    counts = Counter(it.metric_id for it in items if it.status == "open")
    streaks = {m.id: behind_streak(m.status, [c for c in ins if c.metric_id == m.id], meeting) for m in probs}
    return {"title": t("report.meeting.title", lang, date=meeting.isoformat()), "date": meeting.isoformat(),
            "problems": problem_rows(probs, before or {}, counts, lang, streaks),
            "blocks": [_block(m, results, frames, lang) for m in probs],
            "target_log": _target_log(target_changes, lang), "streak": STREAK}
