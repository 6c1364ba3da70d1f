"""The one wording of a metric's value, target, gap and change, in Chinese and English.

Screen, slides, PDF, CLI and charts all call these, so a number reads the same everywhere:

- value:  93.1% · 3/5 · 12 次 · 420 ㎡ · —          (en: 12 times, 420 m²)
- target: ≥ 90% · = 3/3 · ≥ 4/5 · = 0 起 · ≥ 400 ㎡  (en: ≥ 4 times, = 0 events)
- gap:    差 6.0 个百分点 · 还差 2 次 · 还差 1 项 · 剩余 1 个未整改 · 超出 1 起
          (en: 6.0 points short, 2 more times needed, 1 case still open, 1 event over)
- change: ▲ 3 次 · ▼ 2.1 个百分点 · 持平              (en: ▲ 3 times, ▼ 2.1 points, no change)

Values keep one decimal for shares (a measurement); targets drop a trailing ``.0`` (a setting).
No value is "—". Every function reads its metric by attribute only: a ``Measure`` (a ``MetricResult``,
a ``MetricSpec``, a targets-page row), and ``value``, ``target``, ``numerator``, ``denominator`` and
``items`` where it has them.
"""

from __future__ import annotations

import math
from typing import Any, Protocol

from metrics.vocab import Kind, Operator, needed

NONE = "—"


class Measure(Protocol):
    """What every wording function reads of a metric."""

    @property
    def id(self) -> str: ...

    @property
    def kind(self) -> Kind | str: ...

    @property
    def unit(self) -> str: ...

    @property
    def op(self) -> Operator | str: ...


def _t(key: str, lang: str, **fields: object) -> str:
    from i18n import t  # late: i18n.metrics imports the registry

    return t(key, lang, **fields)


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _f(v: Any) -> float | None:
    """``v`` as a float, None when absent (None or NaN)."""
    return None if _missing(v) else float(v)


def num(v: float) -> str:
    """A count or total: thousands separated, one decimal only when it has one."""
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}"


def pct(v: float) -> str:
    """A measured share, one decimal: 93.1%."""
    return f"{v * 100:.1f}%"


def pct_target(v: float) -> str:
    """A share set as a target, without a spurious ``.0``: 90%, 95.5%."""
    return f"{round(v * 100, 1):g}%"


def unit_label(unit: str | None, lang: str = "zh", n: float | None = None) -> str:
    """A registry unit (人, 次, 起, ㎡ …) in ``lang``; English is singular when ``n`` is 1. A unit without
    an entry in the i18n catalogue is shown as it is."""
    unit = unit or ""
    try:
        text = _t(f"ui.unit.{unit}", lang)
    except KeyError:
        return unit
    singular, _, plural = text.partition("|")
    return singular if not plural or (n is not None and float(n) == 1) else plural


def _kind(m: Measure) -> Kind:
    return Kind(m.kind)


def _unit(m: Measure, lang: str, n: float | None) -> str:
    unit = m.unit or ("起" if _kind(m) is Kind.ZERO else "")
    return "" if unit == "%" else unit_label(unit, lang, n)


def amount(m: Measure, v: float, lang: str = "zh") -> str:
    """A number in the metric's own unit: 12 次, 420 ㎡, 1 event."""
    return f"{num(v)} {_unit(m, lang, v)}".strip()


def size(m: Measure) -> int:
    """The checklist's number of required items (0 when unknown or not a checklist)."""
    den = getattr(m, "denominator", None)
    if not _missing(den) and den:
        return int(den)
    from metrics.registry import BY_ID

    spec = BY_ID.get(m.id)
    if spec is not None and spec.checklist_size:
        return int(spec.checklist_size)
    items = getattr(m, "items", None)
    return len(items) if isinstance(items, (list, tuple)) else 0


def number(m: Measure, v: float, lang: str = "zh") -> str:
    """A bare value of this metric without the checklist's items: 93.1%, 12 次."""
    return pct(v) if _kind(m).fraction else amount(m, v, lang)


def value(m: Measure, lang: str = "zh") -> str:
    """The metric's value as every surface shows it: 93.1%, 3/5, 12 次, 420 ㎡; "—" when absent."""
    v = _f(getattr(m, "value", None))
    if v is None:
        return NONE
    if _kind(m) is Kind.CHECKLIST:
        num_, den = _f(getattr(m, "numerator", None)), _f(getattr(m, "denominator", None))
        if num_ is not None and den:
            return f"{num(num_)}/{num(den)}"
    return number(m, v, lang)


def op(m: Measure) -> Operator:
    return Operator(m.op or ">=")


def target(m: Measure, lang: str = "zh", *, goal: float | None = None) -> str:
    """The target with its comparison: ≥ 90%, = 3/3, ≥ 4/5, = 0 起, ≥ 400 ㎡; "—" when absent.
    ``goal`` words another target of the same metric (the targets page's plan value)."""
    goal = _f(getattr(m, "target", None) if goal is None else goal)
    if goal is None:
        return NONE
    kind, sign = _kind(m), op(m).symbol
    if kind is Kind.CHECKLIST and (total := size(m)):
        need = needed(goal, total)
        # every item: "="; fewer than all: "at least", whatever the plan's "=" (every item) said
        return f"= {total}/{total}" if need >= total else f"≥ {need}/{total}"
    if kind.fraction:
        return f"{sign} {pct_target(goal)}"
    return f"{sign} {amount(m, goal, lang)}"


def target_noted(m: Measure, lang: str = "zh") -> str:
    """The target, and for one the office set, the plan's beside it: ≥ 80%（居委会调整；计划 ≥ 90%）."""
    text = target(m, lang)
    if getattr(m, "target_source", "plan") != "office":
        return text
    return _t("metrics.target.office", lang, target=text, plan=target(m, lang, goal=getattr(m, "plan_target", None)))


def gap(m: Measure, lang: str = "zh") -> str:
    """How far the value is from its target in the metric's own unit, "" when it is met or absent:
    差 6.0 个百分点, 还差 2 次, 还差 1 项, 剩余 1 个未整改, 超出 1 起."""
    v, goal = _f(getattr(m, "value", None)), _f(getattr(m, "target", None))
    if v is None or goal is None:
        return ""
    kind = _kind(m)
    at_most = kind is Kind.ZERO or op(m) is Operator.LE
    if at_most:
        over = v - goal
        if over <= 1e-9:
            return ""
        from metrics.registry import BY_ID

        spec = BY_ID.get(m.id)
        key = "metrics.gap.open" if spec is not None and spec.still_open else "metrics.gap.over"
        return _t(key, lang, n=num(over), unit=_unit(m, lang, over))
    if kind is Kind.CHECKLIST and (total := size(m)):
        counted = _f(getattr(m, "numerator", None))
        present = round(v * total) if counted is None else int(counted)
        items = needed(goal, total) - present
        return _t("metrics.gap.more", lang, n=items, unit=unit_label("项", lang, items)) if items > 0 else ""
    short = goal - v
    if short <= 1e-9:
        return ""
    if kind.fraction:
        return _t("metrics.gap.points", lang, n=f"{short * 100:.1f}")
    return _t("metrics.gap.more", lang, n=num(round(short, 1)), unit=_unit(m, lang, short))


def change(m: Measure, before: float | None, after: float | None, lang: str = "zh") -> str:
    """The change between two values of one metric (e.g. since the last meeting), in its own unit:
    ▲ 3 次, ▼ 2.1 个百分点, ▲ 1 项, 持平; "—" when either side has no value. The arrow says the
    direction of the number; ``improved`` says whether that is good."""
    old, new = _f(before), _f(after)
    if old is None or new is None:
        return NONE
    delta = new - old
    kind = _kind(m)
    steps: float
    if kind is Kind.CHECKLIST and (total := size(m)):
        steps = round(delta * total)
        text = f"{abs(steps):.0f} {unit_label('项', lang, abs(steps))}"
    elif kind.fraction:
        steps = round(delta * 100, 1)
        text = f"{abs(steps):.1f} {_t('metrics.unit.points', lang)}"
    else:
        steps = round(delta, 1)
        text = amount(m, abs(steps), lang)
    if steps == 0:
        return _t("metrics.change.same", lang)
    return _t("metrics.change.up" if steps > 0 else "metrics.change.down", lang, n=text)


def improved(m: Measure, before: float | None, after: float | None) -> bool | None:
    """True when the change moves towards (or further past) the target, None when unknown or flat."""
    old, new = _f(before), _f(after)
    if old is None or new is None or new == old:
        return None
    up = new > old
    return not up if (_kind(m) is Kind.ZERO or op(m) is Operator.LE) else up


def change_between(earlier: Measure, later: Measure, lang: str = "zh") -> str:
    """``change`` of one metric from an earlier result to a later one."""
    return change(later, getattr(earlier, "value", None), getattr(later, "value", None), lang)
