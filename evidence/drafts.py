"""情况说明 drafted from the numbers: one catalogue template per metric kind (``binder.draft.<kind>``),
filled with the metric's value, target and gap as metrics.wording words them. No network, no model."""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING

import pandas as pd

from evidence.items import PlanItem
from i18n import t
from metrics import wording
from metrics.vocab import Kind, Status

if TYPE_CHECKING:
    from metrics.engine import MetricResult, Results
    from metrics.registry import MetricSpec

_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December")


def _verdict(m: MetricResult, plan: str, lang: str) -> str:
    if m.value is None or (isinstance(m.value, float) and math.isnan(m.value)) or m.status == Status.NO_DATA:
        return t("binder.verdict.no_data", lang)
    if m.status == Status.MET:
        over = m.target is not None and wording.op(m).met(m.value, m.target) and abs(m.value - m.target) > 1e-9 \
            and Kind(m.kind) in (Kind.COUNT, Kind.SUM, Kind.RATIO)
        return t("binder.verdict.exceed" if over else "binder.verdict.meet", lang, plan=plan)
    if m.status == Status.ON_TRACK:
        return t("binder.verdict.on_track", lang, plan=plan)
    return t("binder.verdict.short", lang, plan=plan, gap=wording.gap(m, lang))


def _extra(m: MetricResult, rows: pd.DataFrame | None, lang: str) -> str:
    """The count's people (参与人数 of its rows) or the checklist's items present."""
    kind = Kind(m.kind)
    if kind is Kind.COUNT and rows is not None and "参与人数" in rows.columns:
        people = pd.to_numeric(rows["参与人数"], errors="coerce").sum()
        return t("binder.draft.people", lang, n=wording.num(float(people))) if people > 0 else ""
    if kind is Kind.CHECKLIST and m.items:
        have = "、".join(str(name) for name, present in m.items if present)
        return t("binder.draft.items", lang, items=have) if have else ""
    return ""


def sentence(m: MetricResult, spec: MetricSpec, rows: pd.DataFrame | None, *, year: int, as_of: dt.date,
             lang: str = "zh") -> str:
    """One metric's sentence: 「2026年1月至11月，小型文体活动次数为 8 次，参与居民约 600 人次，超过计划…」."""
    name = m.name if lang == "zh" else m.name_en
    if m.value is None or (isinstance(m.value, float) and math.isnan(m.value)):
        return t("binder.draft.none", lang, name=name)
    month_en = _MONTHS_EN[as_of.month - 1]
    period = t("binder.period", lang, year=year, month=as_of.month, month_en=month_en)
    fields = {"period": period, "as_of": as_of.isoformat(), "name": name, "value": wording.value(m, lang),
              "numerator": wording.num(m.numerator) if m.numerator is not None else "—",
              "denominator": wording.num(m.denominator) if m.denominator is not None else "—",
              "extra": _extra(m, rows, lang), "verdict": _verdict(m, spec.plan_text, lang)}
    return t(f"binder.draft.{Kind(m.kind).value}", lang, **fields)


def draft(item: PlanItem, results: Results | None, evidence_rows: dict[str, pd.DataFrame], lang: str = "zh") -> str:
    """The item's draft note: one sentence per metric that has a result, in the registry's order."""
    if results is None:
        return t("binder.verdict.no_data", lang) + ("。" if lang == "zh" else ".")
    parts = []
    for spec in item.metrics:
        m = results.get(spec.id)
        if m is not None:
            parts.append(sentence(m, spec, evidence_rows.get(spec.id), year=results.year, as_of=results.as_of,
                                  lang=lang))
    return ("" if lang == "zh" else " ").join(parts) or t("binder.verdict.no_data", lang)
