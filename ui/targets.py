"""Rows of the targets page: plan value, current value and on/off of every metric of the catalogue."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from i18n import t
from metrics import wording
from metrics.engine import target_in_unit
from metrics.vocab import Kind
from ui import data, state

if TYPE_CHECKING:
    from metrics.registry import MetricSpec
    from store.db import Store
    from ui.state import View


@dataclass
class TargetRow:
    id: str
    name_zh: str
    name_en: str
    kind: str
    unit: str
    op: str
    plan: float
    plan_source: str  # "plan" | "default"
    current: float
    current_source: str  # "plan" | "default" | "office"
    enabled: bool
    office: bool  # the store holds an override
    size: int = 0  # a checklist's number of required items

    @property
    def percent(self) -> bool:
        return Kind(self.kind).fraction and not self.items

    @property
    def items(self) -> bool:
        """A checklist (only they have a size): its target is shown and typed as items ("3/3"), like its value."""
        return self.size > 0

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh

    def _fmt(self, value: float, lang: str) -> str:
        return wording.target(self, lang, goal=value)  # as on the overview, the slides and in the PDF

    def plan_text(self, lang: str) -> str:
        return self._fmt(self.plan, lang)

    def current_text(self, lang: str) -> str:
        return self._fmt(self.current, lang)

    def input_value(self) -> float:
        if self.items:
            return float(min(self.size, math.ceil(self.current * self.size - 1e-9)))
        return round(self.current * 100, 1) if self.percent else self.current

    def input_unit(self, lang: str) -> str:
        if self.items:
            return t("ui.targets.of_items", lang, n=self.size)
        return "%" if self.percent else wording.unit_label(self.unit, lang)

    def to_engine(self, typed: float) -> float:
        """What was typed (percent for ratios, items for checklists) in the engine's unit, a fraction."""
        if self.items:
            return typed / self.size
        return typed / 100 if self.percent else typed

    def input_max(self) -> float | None:
        return float(self.size) if self.items else (100.0 if self.percent else None)

    def step(self) -> float:
        return 1.0

    def allowed(self, typed: float) -> bool:
        """Whether a typed value is in range (checked here, not by the widget: Streamlit's own range
        error is English only)."""
        top = self.input_max()
        return typed >= 0 and (top is None or typed <= top)

    def range_text(self, lang: str) -> str:
        top = self.input_max()
        if top is None:
            return t("ui.targets.range_open", lang, unit=self.input_unit(lang))
        return t("ui.targets.range", lang, top=f"{top:g}", unit=self.input_unit(lang))


def target_rows(view: View, records: dict[str, Any]) -> list[TargetRow]:
    """Every metric of the catalogue, switched off ones too, in catalogue order."""
    from metrics.registry import METRICS

    shown = {m.id: m for m in view.results.metrics}
    rows = []
    for spec in METRICS:
        record = records.get(spec.id)
        result = shown.get(spec.id)
        if result is not None:
            current, source = float(result.target), result.target_source
        elif record is not None and record.value is not None:
            current, source = _fraction(spec, record.value), "office"
        else:
            current, source = float(spec.default_target), spec.target_source
        enabled = result is not None
        rows.append(TargetRow(spec.id, spec.name_zh, spec.name_en, spec.kind, spec.unit, spec.op,
                              float(spec.default_target), spec.target_source, current, source, enabled,
                              record is not None, int(spec.checklist_size or 0)))
    return rows


def _fraction(spec: MetricSpec, value: float) -> float:
    return float(target_in_unit(spec, float(value)))


def table(rows: list[TargetRow], lang: str) -> pd.DataFrame:
    cols = [t(f"ui.targets.col.{c}", lang) for c in ("id", "name", "plan", "current", "source", "enabled")]
    return pd.DataFrame(
        [[r.id, r.name(lang), f"{r.plan_text(lang)}（{t(f'target_source.{r.plan_source}', lang)}）",
          r.current_text(lang), t(f"target_source.{r.current_source}", lang),
          "✔ " + t("ui.targets.on", lang) if r.enabled else "○ " + t("ui.targets.off", lang)] for r in rows],
        columns=cols)


def save(store: Store, row: TargetRow, typed: float, enabled: bool, reason: str = "") -> None:
    """Store what was typed (percent for ratios) as the engine's unit; an unchanged value keeps the plan.
    The store logs the change with ``reason`` (the minutes list it)."""
    value = row.to_engine(typed)
    same_as_plan = abs(value - row.plan) < 1e-9
    if same_as_plan and enabled:
        store.reset_target(row.id, reason=reason)  # nothing left to override: the plan's value shows as the plan's
    else:
        store.set_target(row.id, None if same_as_plan else value, enabled, reason=reason)


def hub_refusal(store: Store, row: TargetRow, typed: float, lang: str) -> str | None:
    """In a hub, why a community may not save this target (looser than the street's default or the
    plan: hub.targets), else None. A single install keeps its freedom to adjust."""
    if not state.settings().hub:
        return None
    from hub.targets import TargetError, check_community_target, street_defaults

    try:
        check_community_target(row.id, row.to_engine(typed), street_defaults(store.engine))
    except TargetError as exc:
        return exc.text(lang)
    return None


def workbook(rows: list[TargetRow]) -> bytes:
    return data.targets_workbook([(r.id, r.name_zh, r.current, r.enabled, r.kind) for r in rows])


def editor(store: Store, rows: list[TargetRow], lang: str) -> None:
    """Change one metric's target, switch it on or off, or restore the plan value (the page calls this
    only once the password, if any, was given)."""
    import streamlit as st


    by_id = {r.id: r for r in rows}
    metric_id = state.choice(st.selectbox, t("ui.targets.metric", lang), list(by_id), key="target_metric",
                             format_func=lambda i: f"{i} {by_id[i].name(lang)}")
    row = by_id[metric_id]
    left, right = st.columns(2)
    with left:
        # no min/max on the widget: its out-of-range message is Streamlit's English; row.allowed checks instead
        value = st.number_input(t("ui.targets.value", lang, unit=row.input_unit(lang)), value=float(row.input_value()),
                                step=row.step(), key=f"target_value_{metric_id}", format="%.1f" if row.percent else "%g")
        st.caption(t("ui.targets.plan_is", lang, plan=row.plan_text(lang),
                     source=t(f"target_source.{row.plan_source}", lang)) + " · " + row.range_text(lang))
    with right:
        enabled = st.toggle(t("ui.targets.enabled", lang), value=row.enabled, key=f"target_enabled_{metric_id}",
                            help=t("ui.targets.enabled_help", lang))
    reason = st.text_input(t("ui.targets.reason", lang), key=f"target_reason_{metric_id}",
                           placeholder=t("ui.targets.reason_help", lang))
    save_col, restore_col, _ = st.columns([1, 1, 3])
    clicked = save_col.button(t("ui.targets.save", lang), type="primary", key="target_save")
    refused = hub_refusal(store, row, value, lang) if clicked and row.allowed(value) else None
    if clicked and not row.allowed(value):
        st.error(t("ui.targets.out_of_range", lang, value=f"{value:g}", range=row.range_text(lang)), icon=":material/block:")
    elif refused:
        st.error(refused, icon=":material/block:")
    elif clicked:
        save(store, row, value, enabled, reason)
        state.community_changed()
        st.rerun()
    if restore_col.button(t("ui.targets.restore", lang), key="target_restore", disabled=not row.office):
        store.reset_target(metric_id, reason=reason)
        for k in (f"target_value_{metric_id}", f"target_enabled_{metric_id}"):
            st.session_state.pop(k, None)  # the widgets show the plan value again
        state.community_changed()
        st.rerun()
