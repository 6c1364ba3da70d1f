"""The engine: Y and D, targets and overrides, the 指标填报 fallback, statuses, history and evidence."""

from __future__ import annotations

import calendar
import datetime as dt
import math
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ledgers.coltypes import parse_yes_no
from metrics.context import NAT, Context, Nanos, Prepared, as_timestamp, norm
from metrics.registry import BY_ID, LEDGER_NAMES, METRICS, STARRED_DATES, MetricSpec, evidence_frame
from metrics.rules import Computed
from metrics.vocab import Judged, Kind, Operator, Status, Theme, count_statuses

INDICATOR_SOURCE = LEDGER_NAMES["indicators"]
STATUSES: tuple[Status, ...] = tuple(Status)

# What the engine takes: the reader's typed frames by ledger key, D as a date (or ISO text), and the
# office's target overrides by metric id (TargetSetting, or its dict/tuple/number form).
Frames = Mapping[str, pd.DataFrame]
AsOf = dt.date | str | None
Targets = Mapping[str, Any]


@dataclass(frozen=True)
class TargetSetting:
    """An office override of one metric's target (from the store); value None keeps the default."""

    value: float | None = None
    enabled: bool = True


class MetricWarning(str):
    """A warning about one metric: an i18n key and its fields, rendered per language at display time.

    It is also the Chinese text itself (a ``str``), so JSON and callers that print it read as before;
    a page shows ``warning.text(lang)``. Fields are language-neutral (numbers already formatted).
    """

    key: str
    params: dict[str, Any]

    def __new__(cls, key: str, params: dict[str, Any] | None = None) -> MetricWarning:
        from i18n import t  # i18n.metrics imports the registry: import late, not at module load

        params = dict(params or {})
        self = super().__new__(cls, t(key, "zh", **params))
        self.key, self.params = key, params
        return self

    def text(self, lang: str = "zh") -> str:
        from i18n import t

        return t(self.key, lang, **self.params)

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "params": dict(self.params), "message": str(self)}

    def __reduce__(self) -> tuple[type[MetricWarning], tuple[str, dict[str, Any]]]:  # pickled by key and fields (st.cache_data), not as a plain str
        return (MetricWarning, (self.key, self.params))


@dataclass
class MetricResult:
    id: str
    name: str
    name_en: str
    theme: Theme
    kind: Kind
    unit: str
    value: float | None
    target: float
    op: Operator
    status: Status
    source: str
    numerator: float | None = None
    denominator: float | None = None
    missing: list[str] = field(default_factory=list)
    items: list[tuple[str, bool]] = field(default_factory=list)
    expected: float | None = None
    paced: bool = False
    target_source: str = "plan"
    plan_target: float = 0.0
    warnings: list[MetricWarning] = field(default_factory=list)
    evidence_count: int = 0

    def to_dict(self) -> dict[str, Any]:
        digits = 4 if Kind(self.kind).fraction else 2
        return {
            "id": self.id, "name": self.name, "name_en": self.name_en, "theme": self.theme, "kind": self.kind,
            "unit": self.unit, "value": _round(self.value, digits, integral=digits == 2),
            "target": _round(self.target, 4, integral=digits == 2),
            "op": self.op, "status": self.status, "source": self.source,
            "numerator": _round(self.numerator, 4), "denominator": _round(self.denominator, 4),
            "expected": _round(self.expected, 2, integral=False), "paced": self.paced, "target_source": self.target_source,
            "plan_target": _round(self.plan_target, 4, integral=digits == 2), "missing": list(self.missing),
            "items": [{"name": n, "present": ok} for n, ok in self.items], "warnings": [w.to_dict() for w in self.warnings],
            "evidence_count": self.evidence_count,
        }


@dataclass
class Results:
    year: int
    as_of: dt.date
    metrics: list[MetricResult]

    def get(self, metric_id: str) -> MetricResult | None:
        return next((m for m in self.metrics if m.id == metric_id), None)

    def by_theme(self, theme: str) -> list[MetricResult]:
        return [m for m in self.metrics if m.theme == theme]

    def status_counts(self) -> dict[Status, int]:
        return count_statuses(self.metrics)

    def to_dict(self, report: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return {"year": self.year, "as_of": self.as_of.isoformat(), "metrics": [m.to_dict() for m in self.metrics],
                "report": report if report is not None else {"ledgers": {}, "problems": []}}


def _round(value: float | None, digits: int, integral: bool = True) -> float | int | None:
    """Rounded for JSON; whole numbers as ints where the quantity is a count or an amount."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    value = round(float(value), digits)
    return int(value) if integral and value.is_integer() else value


# ---------------------------------------------------------------- preparing and the period
_PREPARED: OrderedDict[tuple[tuple[str, int, int], ...], Prepared] = OrderedDict()  # (ledger, id, rows) each
# Streamlit runs sessions on threads: the lookup, reordering and eviction happen under one lock (an
# unlocked move_to_end raced another thread's popitem). A Prepared's own memo dict needs none: each
# entry is one atomic dict store, and two threads filling the same entry compute the same value.
_PREPARED_LOCK = threading.Lock()


def prepare(frames: Frames | Prepared) -> Prepared:
    """Per-column caches for these frames, reused across calls (history, evidence) while the frames live."""
    if isinstance(frames, Prepared):
        return frames
    # The cache holds the frames themselves, so an id cannot be recycled while its entry is alive.
    signature = tuple(sorted((k, id(v), len(v)) for k, v in frames.items() if isinstance(v, pd.DataFrame)))
    with _PREPARED_LOCK:
        hit = _PREPARED.get(signature)
        if hit is not None:
            _PREPARED.move_to_end(signature)
            return hit
        prepared = _PREPARED[signature] = Prepared(dict(frames))
        while len(_PREPARED) > 4:
            _PREPARED.popitem(last=False)
    return prepared


def _starred_dates(prep: Prepared) -> Nanos:
    parts = [prep.dates(key, col) for key, col in STARRED_DATES.items() if prep.has(key)]
    values: Nanos = np.concatenate(parts) if parts else np.array([], dtype=np.int64)
    dated: Nanos = values[values != NAT]
    return dated


def default_period(frames: Frames | Prepared, year: int | None = None) -> tuple[int, dt.date]:
    """Y = the latest year of any starred date; D = the latest such date within Y (metrics.md "Defaults").

    With `year` given, D is the latest starred date within that year (31 Dec when it has none).
    Without any dated row at all, today stands in.
    """
    dates = _starred_dates(prepare(frames))
    if len(dates) == 0:
        today = dt.date.today()
        if year is None or year == today.year:
            return today.year, today
        return year, dt.date(year, 12, 31)
    latest = pd.Timestamp(int(dates.max()))
    if year is None:
        year = latest.year
    in_year = dates[(dates >= pd.Timestamp(year, 1, 1).value) & (dates < pd.Timestamp(year + 1, 1, 1).value)]
    if len(in_year) == 0:
        return year, dt.date(year, 12, 31)
    return year, pd.Timestamp(int(in_year.max())).date()


def resolve_period(frames: Frames | Prepared, year: int | None, as_of: AsOf) -> tuple[int, pd.Timestamp]:
    if as_of is not None:
        day = as_timestamp(as_of)
        return (year if year is not None else day.year), day
    year, default_day = default_period(frames, year)
    return year, pd.Timestamp(default_day)


def year_fraction(year: int, as_of: pd.Timestamp) -> float:
    """Day of year of D / days in Y, clamped to [0, 1]: the share of an annual target due by D."""
    days = 366 if calendar.isleap(year) else 365
    elapsed = (as_of - pd.Timestamp(year, 1, 1)).days + 1
    return min(max(elapsed / days, 0.0), 1.0)


# ---------------------------------------------------------------- targets
def target_in_unit(spec: MetricSpec, value: float) -> float:
    """Targets typed as 92 or 3 (of 5) are read as 92 % or 3/5; the engine works in fractions."""
    if spec.kind.fraction and value > 1:  # 92 typed for 92 %, or 4 typed for 4 of 5 items
        return value / (spec.checklist_size or 100)
    return value


def _metric_id(text: object) -> str | None:
    """A metric named by id (case-insensitive) or by its exact full Chinese name after trimming."""
    key = norm(text)
    if not key:
        return None
    return _NAME_INDEX.get(key.upper()) or _NAME_INDEX.get(key)


_NAME_INDEX: dict[str, str] = {**{m.id.upper(): m.id for m in METRICS}, **{norm(m.name_zh): m.id for m in METRICS}}


def _sheet_targets(prep: Prepared) -> dict[str, TargetSetting]:
    """指标目标 rows: a later row for the same metric wins; a blank 目标值 keeps the earlier value."""
    if not prep.has("targets"):
        return {}
    codes, names = prep.codes("targets", "指标")
    ids = [(_metric_id(names[c]) if c >= 0 else None) for c in codes.tolist()]
    values = prep.numbers("targets", "目标值")
    off = prep.code_mask("targets", "启用", lambda n: parse_yes_no(n) is False)  # the reader's no-words
    out: dict[str, TargetSetting] = {}
    for metric_id, value, switched_off in zip(ids, values.tolist(), off.tolist(), strict=True):
        if metric_id is None:
            continue
        previous = out.get(metric_id, TargetSetting())
        out[metric_id] = TargetSetting(previous.value if math.isnan(value) else value, enabled=not switched_off)
    return out


def _setting(raw: Any) -> TargetSetting:
    if isinstance(raw, TargetSetting):
        return raw
    if isinstance(raw, dict):
        return TargetSetting(raw.get("value"), bool(raw.get("enabled", True)))
    if isinstance(raw, (tuple, list)):
        return TargetSetting(raw[0], bool(raw[1]) if len(raw) > 1 else True)
    if isinstance(raw, (int, float)):
        return TargetSetting(float(raw), True)
    return TargetSetting(getattr(raw, "value", None), bool(getattr(raw, "enabled", True)))


def effective_targets(prep: Prepared, targets: Targets | None) -> dict[str, tuple[float, str, bool]]:
    """metric id -> (target, target_source, enabled): defaults, then the 指标目标 sheet, then the office."""
    sheet = _sheet_targets(prep)
    office = {k: _setting(v) for k, v in (targets or {}).items()}
    out = {}
    for spec in METRICS:
        value, source, enabled = float(spec.default_target), spec.target_source, True
        for layer in (sheet.get(spec.id), office.get(spec.id)):
            if layer is None:
                continue
            enabled = layer.enabled
            if layer.value is not None and not (isinstance(layer.value, float) and math.isnan(layer.value)):
                value, source = target_in_unit(spec, float(layer.value)), "office"
        out[spec.id] = (value, source, enabled)
    return out


# ---------------------------------------------------------------- 指标填报
def _indicator_rows(prep: Prepared) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(metric id per row, date ns, value) of the 指标填报 ledger, cached."""
    if not prep.has("indicators"):
        return None
    hit = prep._cache.get(("indicator_rows",))
    if hit is None:
        codes, names = prep.codes("indicators", "指标")
        ids = np.array([_metric_id(n) or "" for n in names] + [""], dtype=object)[codes]
        hit = (ids, prep.dates("indicators", "统计日期"), prep.numbers("indicators", "数值"))
        prep._cache[("indicator_rows",)] = hit
    return hit


def _indicator(spec: MetricSpec, ctx: Context) -> Computed | None:
    """The latest 指标填报 row for this metric up to D, as a result."""
    rows = _indicator_rows(ctx.prep)
    if rows is None:
        return None
    ids, dates, values = rows
    candidates = np.flatnonzero((ids == spec.id) & (dates != NAT) & (dates < ctx.hi_ns) & ~np.isnan(values))
    if len(candidates) == 0:
        return None
    row = candidates[np.lexsort((candidates, dates[candidates]))][-1]
    value = float(values[row])
    mask = np.zeros(len(ids), dtype=bool)
    mask[row] = True
    numerator = denominator = None
    if spec.checklist_size:  # a checklist: 4 typed for 4 of 5 items, or a fraction
        size = spec.checklist_size
        present = value if value > 1 else round(value * size)
        numerator, denominator, value = float(present), float(size), present / size
    elif spec.kind.fraction and value > 1:
        value /= 100  # 92 typed for 92 %
    return Computed(value, numerator, denominator, ledger="indicators", mask=mask, source=INDICATOR_SOURCE)


def _differs(spec: MetricSpec, a: float, b: float) -> bool:
    return abs(a - b) > spec.kind.tolerance()


def _format(spec: MetricSpec, value: float) -> str:
    from metrics.wording import number

    return number(spec, value)


def _outcome(spec: MetricSpec, ctx: Context, memo: Outcomes) -> tuple[Computed, str, list[MetricWarning]]:
    """(computed, source, warnings) of one metric: the ledger if present, else 指标填报, else nothing."""
    if spec.id in memo:
        return memo[spec.id]
    warnings: list[MetricWarning] = []
    if spec.same_as is not None:
        base, source, base_warnings = _outcome(BY_ID[spec.same_as], ctx, memo)
        if base.value is None and (own := _indicator(spec, ctx)) is not None:
            base, source, base_warnings = own, INDICATOR_SOURCE, []
        memo[spec.id] = (base, source, list(base_warnings))
        return memo[spec.id]
    reported = _indicator(spec, ctx)
    if all(ctx.has(k) for k in spec.ledgers):
        computed, source = spec.compute(ctx), spec.source_name
        if (reported is not None and computed.value is not None and reported.value is not None
                and _differs(spec, computed.value, reported.value)):
            warnings.append(MetricWarning("metrics.warning.ledger_wins", {
                "reported": _format(spec, reported.value), "computed": _format(spec, computed.value)}))
    elif reported is not None:
        computed, source = reported, INDICATOR_SOURCE
    else:
        computed, source = Computed(None), spec.source_name
    memo[spec.id] = (computed, source, warnings)
    return memo[spec.id]


# metric id -> (computed, source, warnings) within one computation; T08 reads B15's
Outcomes = dict[str, tuple[Computed, str, list[MetricWarning]]]
# (target, target_source, enabled) of one metric
TargetInfo = tuple[float, str, bool]


# ---------------------------------------------------------------- status
def status_of(spec: MetricSpec, value: float | None, target: float, expected: float | None = None,
              numerator: float | None = None, denominator: float | None = None) -> Status:
    """The five statuses of metrics.md, boundaries inclusive: the kind's rule (metrics.vocab) decides."""
    if value is None:
        return Status.NO_DATA
    size = int(denominator or spec.checklist_size or 1)
    present = int(round(numerator)) if numerator is not None else None
    return spec.kind.status(Judged(value, target, spec.op, expected=expected, paced=spec.paced,
                                   present=present, size=size))


def _result(spec: MetricSpec, ctx: Context, memo: Outcomes, target_info: TargetInfo) -> MetricResult:
    computed, source, warnings = _outcome(spec, ctx, memo)
    target, target_source, _ = target_info
    expected = target * year_fraction(ctx.year, ctx.as_of) if spec.paced else None
    value = computed.value
    status = status_of(spec, value, target, expected, computed.numerator, computed.denominator)
    return MetricResult(
        id=spec.id, name=spec.name_zh, name_en=spec.name_en, theme=spec.theme, kind=spec.kind, unit=spec.unit,
        value=value, target=target, op=spec.op, status=status, source=source,
        numerator=computed.numerator, denominator=computed.denominator,
        missing=list(computed.missing or [n for n, ok in (computed.items or []) if not ok]),
        items=list(computed.items or []), expected=expected, paced=spec.paced, target_source=target_source,
        plan_target=float(spec.default_target), warnings=warnings, evidence_count=computed.evidence_count)


# ---------------------------------------------------------------- public API
def compute_all(frames: Frames, year: int | None = None, as_of: AsOf = None,
                targets: Targets | None = None) -> Results:
    """Every enabled metric of the catalogue at D, in catalogue order."""
    prep = prepare(frames)
    year, day = resolve_period(prep, year, as_of)
    return _compute_at(prep, year, day, effective_targets(prep, targets))


def _compute_at(prep: Prepared, year: int, day: pd.Timestamp, settings: dict[str, TargetInfo],
                only: set[str] | None = None) -> Results:
    ctx = Context(prep, year, day)
    memo: Outcomes = {}
    metrics = [_result(spec, ctx, memo, settings[spec.id]) for spec in METRICS
               if settings[spec.id][2] and (only is None or spec.id in only)]
    return Results(year, day.date(), metrics)


def history_points(year: int, as_of: pd.Timestamp) -> list[pd.Timestamp]:
    """Each month end of Y up to D; the month holding D ends at D itself."""
    points = []
    for month in range(1, 13):
        start = pd.Timestamp(year, month, 1)
        if start > as_of:
            break
        points.append(min(start + pd.offsets.MonthEnd(0), as_of))
    return points


def history(frames: Frames, metric_id: str, year: int | None = None, as_of: AsOf = None,
            targets: Targets | None = None) -> pd.DataFrame:
    """value and status of one metric at each month end of Y (up to D); empty when switched off."""
    return history_all(frames, year, as_of, targets, only=(metric_id,)).get(
        metric_id, pd.DataFrame({"month_end": [], "value": [], "status": []}))


def history_all(frames: Frames, year: int | None = None, as_of: AsOf = None,
                targets: Targets | None = None, only: tuple[str, ...] | None = None) -> dict[str, pd.DataFrame]:
    """history() of every enabled metric (or of `only`) in one pass: columns month_end, value, status,
    target, expected. Works for earlier years too (year-on-year); D defaults per that year."""
    prep = prepare(frames)
    if only is not None and (unknown := set(only) - BY_ID.keys()):
        raise KeyError(f"unknown metric id: {sorted(unknown)}")
    year, day = resolve_period(prep, year, as_of)
    settings = effective_targets(prep, targets)
    wanted = set(only) if only is not None else None
    rows: dict[str, list[tuple[dt.date, float | None, Status, float, float | None]]] = {}
    for point in history_points(year, day):
        for m in _compute_at(prep, year, point, settings, wanted).metrics:
            rows.setdefault(m.id, []).append((point.date(), m.value, m.status, m.target, m.expected))
    columns = ["month_end", "value", "status", "target", "expected"]
    return {k: pd.DataFrame(v, columns=columns) for k, v in rows.items()}


def evidence(frames: Frames, metric_id: str, year: int | None = None, as_of: AsOf = None) -> pd.DataFrame:
    """The rows behind a metric's number at D (PII already masked by the reader; identity hashes dropped).

    For ratios a column 计入分子 marks the rows counted in the numerator. A value taken from 指标填报
    shows that row.
    """
    if metric_id not in BY_ID:
        raise KeyError(f"unknown metric id: {metric_id}")
    prep = prepare(frames)
    year, day = resolve_period(prep, year, as_of)
    ctx = Context(prep, year, day)
    computed, _, _ = _outcome(BY_ID[metric_id], ctx, {})
    return evidence_frame(ctx, computed)
