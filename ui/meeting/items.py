"""督办事项 (action items) without streamlit: the meeting's date, their order, their PDF rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from i18n import t

if TYPE_CHECKING:
    from store.models import ActionItem

SHANGHAI = ZoneInfo("Asia/Shanghai")


def today() -> dt.date:
    """The meeting's date: today in Shanghai."""
    return dt.datetime.now(SHANGHAI).date()


def metric_label(metric_id: str, lang: str) -> str:
    """The metric as a 督办事项 names it everywhere: id and name (the bare id when the catalogue lacks it)."""
    from metrics.registry import BY_ID

    spec = BY_ID.get(metric_id)
    if spec is None:
        return metric_id
    return f"{metric_id} {spec.name(lang)}"


def days_overdue(item: ActionItem, as_of: dt.date) -> int:
    """Whole days an open item is past its due date on the as-of date (0 when not overdue)."""
    return max((as_of - item.due).days, 0) if item.status == "open" else 0


def order_items(items: Iterable[Any], meeting: dt.date) -> list[Any]:
    """Open items first — those from earlier meetings before today's, overdue before the rest, then by
    due date — and done items after them."""
    def key(it: ActionItem) -> tuple:
        is_open = it.status == "open"
        return (not is_open, not (is_open and it.meeting_date < meeting), not (is_open and it.overdue),
                it.due, it.id)

    return sorted(items, key=key)


def item_status(item: Any, lang: str, as_of: dt.date | None = None) -> str:
    """Open / done in words, with 「逾期 N 天」 against ``as_of`` (else the flag the store set): the
    text the PDF prints."""
    word = t(f"meeting.item.status.{item.status}", lang)
    if as_of is not None:
        late = days_overdue(item, as_of)
        return f"{word} · ⚠ {t('meeting.item.overdue_days', lang, n=late)}" if late else word
    return f"{word} · ⚠ {t('meeting.item.overdue', lang)}" if item.overdue else word


def pdf_items(items: Iterable[Any], meeting: dt.date, lang: str) -> list[dict[str, Any]]:
    """Action items as report/pdf.py's ``action_items`` takes them, open (and earlier) ones first:
    the metric by id and name, who (blank, not a dash, when nobody), the meeting that raised it, and
    overdue days against ``meeting`` (the as-of date)."""
    return [{"metric_id": it.metric_id, "metric": metric_label(it.metric_id, lang), "action": it.what,
             "owner": it.who, "due": it.due.isoformat(), "raised": it.meeting_date.isoformat(),
             "status": item_status(it, lang, meeting)} for it in order_items(items, meeting)]
