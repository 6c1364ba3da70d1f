"""Street-wide target defaults (``street_targets``): the street sets a default per metric, never
looser than the plan; a community may tighten it for itself but never loosen it.

"Stricter" is the metric's own direction: more for an "at least" target (≥, and the plan's = 100 %
or all items), less for an "at most" one (= 0 events, ≤). Values are in the engine's unit (ratios as
fractions; 92 typed for 92 % is read as 0.92, as everywhere else).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Engine, delete, select

from metrics import wording
from metrics.engine import TargetSetting, target_in_unit
from metrics.registry import BY_ID, MetricSpec
from metrics.vocab import EPS, Kind, Operator
from store.engine import scoped, upsert
from store.schema import street_targets, targets


class TargetError(ValueError):
    """A target refused: an i18n key and its fields (the metric, the floor, the value given)."""

    def __init__(self, key: str, **fields: object) -> None:
        self.key, self.fields = key, fields
        super().__init__(self.text("zh"))

    def text(self, lang: str = "zh") -> str:
        from i18n import t

        return t(self.key, lang, **self.fields)


def _at_most(spec: MetricSpec) -> bool:
    return spec.kind is Kind.ZERO or spec.op is Operator.LE


def at_least_as_strict(spec: MetricSpec, value: float, floor: float) -> bool:
    """Whether ``value`` asks as much as ``floor`` or more, in the metric's direction."""
    return value <= floor + EPS if _at_most(spec) else value >= floor - EPS


def _worded(spec: MetricSpec, value: float, lang: str = "zh") -> str:
    return wording.target(spec, lang, goal=value)


def _label(spec: MetricSpec) -> str:
    return f"{spec.id} {spec.name_zh}"


def check_street_target(metric_id: str, value: float) -> float:
    """The street's default in the engine's unit; refused when looser than the plan."""
    spec = BY_ID[metric_id]
    goal = target_in_unit(spec, float(value))
    plan = float(spec.default_target)
    if not at_least_as_strict(spec, goal, plan):
        raise TargetError("hub.target.looser_than_plan", metric=_label(spec), plan=_worded(spec, plan),
                          value=_worded(spec, goal))
    return goal


def floor_of(metric_id: str, street: Mapping[str, float]) -> float:
    """The loosest target a community of the hub may hold: the street's default, else the plan."""
    return street.get(metric_id, float(BY_ID[metric_id].default_target))


def check_community_target(metric_id: str, value: float, street: Mapping[str, float]) -> float:
    """A community's own target in the engine's unit; refused when looser than the floor."""
    spec = BY_ID[metric_id]
    goal = target_in_unit(spec, float(value))
    floor = floor_of(metric_id, street)
    if not at_least_as_strict(spec, goal, floor):
        key = "hub.target.looser_than_street" if metric_id in street else "hub.target.looser_than_plan"
        raise TargetError(key, metric=_label(spec), floor=_worded(spec, floor), plan=_worded(spec, floor),
                          value=_worded(spec, goal))
    return goal


def effective(street: Mapping[str, float], own: Mapping[str, TargetSetting]) -> dict[str, TargetSetting]:
    """The targets a hub community is judged by: its own where at least as strict as the floor,
    else the floor (an override saved before the street set its default cannot loosen it)."""
    out: dict[str, TargetSetting] = dict(own)
    for metric_id in BY_ID:
        mine = own.get(metric_id, TargetSetting())
        floor = floor_of(metric_id, street)
        value = mine.value
        if value is None or (isinstance(value, float) and math.isnan(value)):
            if metric_id in street:
                out[metric_id] = TargetSetting(floor, mine.enabled)
            continue
        goal = target_in_unit(BY_ID[metric_id], float(value))
        if not at_least_as_strict(BY_ID[metric_id], goal, floor):
            out[metric_id] = TargetSetting(floor, mine.enabled)
    return out


# ---------------------------------------------------------------- the tables


def read_street(conn: Connection) -> dict[str, float]:
    return {str(m): float(v) for m, v in conn.execute(select(street_targets.c.metric_id, street_targets.c.target))}


def read_own(conn: Connection, community_id: int) -> dict[str, TargetSetting]:
    rows = conn.execute(select(targets.c.metric_id, targets.c.value, targets.c.enabled)
                        .where(targets.c.community_id == int(community_id)))
    return {str(m): TargetSetting(None if v is None else float(v), bool(e)) for m, v, e in rows}


def street_defaults(engine: Engine) -> dict[str, float]:
    with scoped(engine, (), write=False) as conn:
        return read_street(conn)


def set_street_target(engine: Engine, metric_id: str, value: float | None, *, by: str | None = None) -> None:
    """Set (or with ``value`` None, clear) the street's default of one metric."""
    with scoped(engine, (), write=True) as conn:
        if value is None:
            conn.execute(delete(street_targets).where(street_targets.c.metric_id == metric_id))
            return
        goal = check_street_target(metric_id, value)
        values: dict[str, Any] = {"metric_id": metric_id, "target": goal, "set_by": by,
                                  "set_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
        upsert(conn, street_targets, values, ["metric_id"], ["target", "set_at", "set_by"])
