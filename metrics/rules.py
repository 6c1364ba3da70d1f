"""The computations of metrics.md, as small builders the registry composes.

Each builder returns a pure function `Context -> Computed`. A function only ever sees a context
whose ledger is present (the engine handles absence and the 指标填报 fallback); it returns the value
and a row mask of the ledger so the engine can show the rows behind the number.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from metrics.context import PART_SEPARATORS, Context, norm, years_before


@dataclass
class Computed:
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    items: list[tuple[str, bool]] | None = None
    missing: list[str] | None = None
    ledger: str | None = None
    mask: np.ndarray | None = None  # rows of frames[ledger] behind the number
    flags: np.ndarray | None = None  # per evidence row: does it count in the numerator / as present
    source: str | None = None

    @property
    def evidence_count(self) -> int:
        return int(self.mask.sum()) if self.mask is not None else 0


Compute = Callable[[Context], Computed]


def ratio(numerator: float, denominator: float) -> float | None:
    return None if denominator <= 0 else numerator / denominator


def _ratio_result(ledger: str, base: np.ndarray, hit: np.ndarray, num: float | None = None,
                  den: float | None = None) -> Computed:
    """A share of rows: numerator/denominator default to row counts of hit & base / base."""
    numerator = float((hit & base).sum()) if num is None else float(num)
    denominator = float(base.sum()) if den is None else float(den)
    return Computed(ratio(numerator, denominator), numerator, denominator, ledger=ledger, mask=base,
                    flags=(hit & base)[base])


# ---------------------------------------------------------------- counts and zero-event metrics
def count_in_year(ledger: str, date_col: str, cat_col: str, cats: tuple[str, ...],
                  extra: Callable[[Context], np.ndarray] | None = None) -> Compute:
    """Rows of the given categories dated in Y up to D."""
    def compute(ctx: Context) -> Computed:
        mask = ctx.in_year(ledger, date_col) & ctx.prep.isin(ledger, cat_col, cats)
        if extra is not None:
            mask &= extra(ctx)
        return Computed(float(mask.sum()), ledger=ledger, mask=mask)
    return compute


def major_fires_within(years: int) -> Compute:
    """B02: major fires in (D − ``years`` years, D] (the spec's ``window_years``, which its chart reads too)."""
    def compute(ctx: Context) -> Computed:
        window = ctx.between("incidents", "发生日期", years_before(ctx.as_of, years))
        mask = window & ctx.prep.isin("incidents", "事件类别", ("火灾",)) & major(ctx)
        return Computed(float(mask.sum()), ledger="incidents", mask=mask)
    return compute


def major(ctx: Context) -> np.ndarray:
    return ctx.prep.isin("incidents", "等级", ("重大",))


def open_problems(cats: tuple[str, ...]) -> Compute:
    """Inspection problems open at D: found on or before D (any year); 未整改, or fixed only after D."""
    def compute(ctx: Context) -> Computed:
        p = ctx.prep
        found = ctx.up_to("inspections", "巡查日期") & p.isin("inspections", "问题类别", cats)
        still_open = p.isin("inspections", "整改状态", ("未整改",)) | ctx.after("inspections", "整改日期")
        mask = found & still_open
        return Computed(float(mask.sum()), ledger="inspections", mask=mask)
    return compute


def volunteers_active(ctx: Context) -> np.ndarray:
    """在册 volunteers who had joined by D (a blank 加入日期 counts: the roster stands)."""
    return ctx.prep.isin("volunteers", "状态", ("在册",)) & ctx.up_to("volunteers", "加入日期", keep_blank=True)


def volunteer_count(team: str) -> Compute:
    def compute(ctx: Context) -> Computed:
        mask = volunteers_active(ctx) & ctx.prep.isin("volunteers", "队伍", (team,))
        return Computed(float(mask.sum()), ledger="volunteers", mask=mask)
    return compute


def distinct_volunteers(ctx: Context) -> Computed:
    """T13: distinct people — by the reader's identity hash when present (masked names collide)."""
    p = ctx.prep
    mask = volunteers_active(ctx)
    name_codes, _ = p.codes("volunteers", "姓名")
    key_codes, _ = p.codes("volunteers", "姓名_key")
    # Prefer the hash; fall back to the (possibly unmasked) name, kept apart from hash codes.
    ident = np.where(key_codes >= 0, key_codes, np.where(name_codes >= 0, name_codes + len(key_codes) + 1, -1))
    people = ident[mask]
    count = len(np.unique(people[people >= 0]))
    return Computed(float(count), ledger="volunteers", mask=mask)


def placements(ctx: Context) -> Computed:
    """T10a: placed (安置日期) in Y up to D, registered by D."""
    mask = ctx.in_year("employment", "安置日期") & ctx.up_to("employment", "登记日期")
    return Computed(float(mask.sum()), ledger="employment", mask=mask)


# ---------------------------------------------------------------- ratios
def security_systems(ctx: Context) -> Computed:
    """B01: share of (system, quarter of Y started by D) pairs with at least one row."""
    systems = ("例会", "安全检查", "宣传教育", "治安巡逻", "情况积累")
    p = ctx.prep
    if ctx.as_of < ctx.year_start:
        quarters = 0
    elif ctx.as_of.year > ctx.year:
        quarters = 4
    else:
        quarters = (ctx.as_of.month - 1) // 3 + 1
    mask = ctx.in_year("security_log", "日期") & p.isin("security_log", "工作类型", systems)
    codes, names = p.codes("security_log", "工作类型")
    months = p.dates("security_log", "日期")[mask].astype("datetime64[ns]").astype("datetime64[M]").astype(np.int64) % 12
    present = set(zip(codes[mask].tolist(), (months // 3 + 1).tolist(), strict=True))
    seen = {(names[c], q) for c, q in present}
    missing = [f"{s} 第{q}季度" for q in range(1, quarters + 1) for s in systems if (s, q) not in seen]
    denominator = 5 * quarters
    numerator = denominator - len(missing)
    return Computed(ratio(numerator, denominator), float(numerator), float(denominator), missing=missing,
                    ledger="security_log", mask=mask)


def equipment_rate(ctx: Context) -> Computed:
    """B07a: per (位置, 器材类型) its latest check: Σ min(完好, 应配) / Σ 应配; 完好 defaults to 实配."""
    p = ctx.prep
    latest = ctx.latest("fire_equipment", "检查日期", ("位置", "器材类型"))
    required = np.nan_to_num(p.numbers("fire_equipment", "应配数量"))
    good = p.numbers("fire_equipment", "完好数量")
    good = np.nan_to_num(np.where(np.isnan(good), p.numbers("fire_equipment", "实配数量"), good))
    usable = np.minimum(good, required)
    num, den = usable[latest].sum(), required[latest].sum()
    return Computed(ratio(num, den), float(num), float(den), ledger="fire_equipment", mask=latest,
                    flags=(good >= required)[latest])


def household_share(col: str) -> Compute:
    """Households, each by its latest visit up to D (any year): col = 是 / households."""
    def compute(ctx: Context) -> Computed:
        latest = ctx.latest("households", "调查日期", ("户号",))
        return _ratio_result("households", latest, ctx.prep.yes("households", col))
    return compute


def mediation_rate(ctx: Context) -> Computed:
    """B08: 成功 / (received in Y − 调解中); 转交 stays in the denominator as not mediated."""
    p = ctx.prep
    received = ctx.in_year("mediation", "受理日期")
    pending = p.isin("mediation", "调解结果", ("调解中",))
    base = received & ~pending
    return _ratio_result("mediation", base, p.isin("mediation", "调解结果", ("成功",)))


def alley_post_rate(ctx: Context) -> Computed:
    p = ctx.prep
    return _ratio_result("alley_posts", p.yes("alley_posts", "主要弄口"), p.yes("alley_posts", "设岗"))


def corridor_light_rate(ctx: Context) -> Computed:
    """B11: lights capped at the corridors of their own building, so one over-lit block hides nothing."""
    p = ctx.prep
    corridors = np.nan_to_num(p.numbers("buildings", "公共走道数"))
    lights = np.minimum(np.nan_to_num(p.numbers("buildings", "已装走道灯数")), corridors)
    base = np.ones(p.size("buildings"), dtype=bool)
    return Computed(ratio(lights.sum(), corridors.sum()), float(lights.sum()), float(corridors.sum()),
                    ledger="buildings", mask=base, flags=lights >= corridors)


def sanitation_rate(ctx: Context) -> Computed:
    """B13a: 公厕/垃圾箱房/垃圾箱 weighted by 数量 (blank = 1): 正常 / not 停用."""
    p = ctx.prep
    kinds = p.isin("facilities", "设施类别", ("公厕", "垃圾箱房", "垃圾箱"))
    base = kinds & ~p.isin("facilities", "状态", ("停用",))
    ok = p.isin("facilities", "状态", ("正常",))
    weight = p.numbers("facilities", "数量")
    weight = np.where(np.isnan(weight), 1.0, weight)
    num, den = weight[base & ok].sum(), weight[base].sum()
    return Computed(ratio(num, den), float(num), float(den), ledger="facilities", mask=base, flags=ok[base])


def staff_rate(ctx: Context) -> Computed:
    p = ctx.prep
    base = np.ones(p.size("staff"), dtype=bool)
    return _ratio_result("staff", base, p.yes("staff", "挂牌服务") & p.yes("staff", "培训上岗"))


def greening_rate(ctx: Context) -> Computed:
    """B15: the latest greening row up to D (any year): 绿化面积 / 小区总面积."""
    p = ctx.prep
    dates = p.dates("greening", "统计日期")
    eligible = np.flatnonzero(ctx.up_to("greening", "统计日期"))
    mask = np.zeros(p.size("greening"), dtype=bool)
    if len(eligible) == 0:
        return Computed(None, ledger="greening", mask=mask)
    last = eligible[np.lexsort((eligible, dates[eligible]))][-1]
    mask[last] = True
    green = np.nan_to_num(p.numbers("greening", "绿化面积"))[last]
    total = np.nan_to_num(p.numbers("greening", "小区总面积"))[last]
    return Computed(ratio(green, total), float(green), float(total), ledger="greening", mask=mask)


def utilisation(ctx: Context) -> Computed:
    """B17: mean 利用率 of every row of those categories that has one, whatever its 状态."""
    p = ctx.prep
    rates = p.numbers("facilities", "利用率")
    base = p.isin("facilities", "设施类别", ("自行车棚", "公共电话", "便民服务点")) & ~np.isnan(rates)
    total, n = rates[base].sum(), base.sum()
    return Computed(ratio(total, n), float(total), float(n), ledger="facilities", mask=base)


def party_group_rate(ctx: Context) -> Computed:
    p = ctx.prep
    return _ratio_result("buildings", np.ones(p.size("buildings"), dtype=bool), p.yes("buildings", "建立党小组"))


def grid_rate(ctx: Context) -> Computed:
    p = ctx.prep
    return _ratio_result("buildings", np.ones(p.size("buildings"), dtype=bool), p.filled("buildings", "所属网格"))


def hotline_rate(ctx: Context) -> Computed:
    return _ratio_result("hotline", ctx.in_year("hotline", "受理日期"), ctx.prep.yes("hotline", "办结"))


def social_security_rate(ctx: Context) -> Computed:
    base = ctx.up_to("employment", "登记日期")
    return _ratio_result("employment", base, ctx.prep.yes("employment", "参加社保"))


def migrant_registration_rate(ctx: Context) -> Computed:
    p = ctx.prep
    base = p.isin("migrants", "登记状态", ("已登记", "待登记")) & ctx.up_to("migrants", "登记日期", keep_blank=True)
    return _ratio_result("migrants", base, p.isin("migrants", "登记状态", ("已登记",)))


def project_status_at(ctx: Context, statuses: tuple[str, ...]) -> np.ndarray:
    """Projects whose status at D is one of `statuses`.

    A project marked 已获得/已完成 with a 完成日期 after D was not finished at D: it counts as 开展中 then.
    """
    p = ctx.prep
    done_later = p.isin("projects", "状态", ("已获得", "已完成")) & ctx.after("projects", "完成日期")
    finished = set(statuses) & {"已获得", "已完成"}
    mask = p.isin("projects", "状态", statuses)
    if finished:
        mask &= ~(done_later & p.isin("projects", "状态", finished))
    if "开展中" in statuses:
        mask |= done_later
    return mask


def practical_projects(ctx: Context) -> Computed:
    """T15: 实事工程 due (计划完成日期 ≤ D, any year): 已完成 by D / due."""
    p = ctx.prep
    due = p.isin("projects", "项目类型", ("实事工程",)) & ctx.up_to("projects", "计划完成日期")
    return _ratio_result("projects", due, project_status_at(ctx, ("已完成",)))


# ---------------------------------------------------------------- sums and checklists
def venue_area(ctx: Context) -> Computed:
    """B09a: Σ 面积 of the row (a venue's total area, not × 数量)."""
    p = ctx.prep
    mask = p.isin("facilities", "设施类别", ("健身点", "娱乐点", "文体活动室")) & p.isin("facilities", "状态", ("正常",))
    area = np.nan_to_num(p.numbers("facilities", "面积"))
    return Computed(float(area[mask].sum()), ledger="facilities", mask=mask)


def _checklist(ledger: str, required: tuple[str, ...], rows: np.ndarray, col: str, ctx: Context) -> Computed:
    """Each required name present when a candidate value (normalised) contains it."""
    p = ctx.prep
    codes, names = p.codes(ledger, col)
    candidate_codes = set(np.unique(codes[rows & (codes >= 0)]).tolist())
    wanted = [(r, norm(r)) for r in required]
    items = [(r, any(w in names[c] for c in candidate_codes)) for r, w in wanted]
    matches = p.code_mask(ledger, col, lambda n: any(w in n for _, w in wanted)) & rows
    return _checklist_result(ledger, items, matches)


def _checklist_result(ledger: str, items: list[tuple[str, bool]], matches: np.ndarray) -> Computed:
    present = sum(1 for _, ok in items if ok)
    return Computed(present / len(items), float(present), float(len(items)), items=items,
                    missing=[name for name, ok in items if not ok], ledger=ledger, mask=matches)


def facility_checklist(required: tuple[str, ...], statuses: tuple[str, ...] | None = None,
                       exclude: tuple[str, ...] = ()) -> Compute:
    def compute(ctx: Context) -> Computed:
        p = ctx.prep
        rows = np.ones(p.size("facilities"), dtype=bool)
        if statuses is not None:
            rows &= p.isin("facilities", "状态", statuses)
        if exclude:
            rows &= ~p.isin("facilities", "状态", exclude)
        return _checklist("facilities", required, rows, "设施类别", ctx)
    return compute


def project_checklist(parts: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]) -> Compute:
    """parts: (项目类型, accepted statuses, required names) — several parts make one checklist."""
    def compute(ctx: Context) -> Computed:
        p = ctx.prep
        items: list[tuple[str, bool]] = []
        matches = np.zeros(p.size("projects"), dtype=bool)
        for kind, statuses, names in parts:
            rows = p.isin("projects", "项目类型", (kind,)) & project_status_at(ctx, statuses)
            part = _checklist("projects", names, rows, "项目名称", ctx)
            items += part.items or []
            matches |= part.mask
        return _checklist_result("projects", items, matches)
    return compute


def partner_coverage(ctx: Context) -> Computed:
    """T03: a partner is covered when an item of 共建单位 (split on 、,，/；;) contains its name."""
    partners = ("总工会", "供电局", "自来水公司", "电信局")
    p = ctx.prep
    rows = ctx.in_year("activities", "活动日期")
    codes, names = p.codes("activities", "共建单位")
    covers = p.memo("partner_covers", partners, lambda: _partner_covers(names, partners))
    row_covers = covers[codes] & rows[:, None]
    items = [(w, bool(row_covers[:, i].any())) for i, w in enumerate(partners)]
    return _checklist_result("activities", items, np.asarray(row_covers.any(axis=1), dtype=bool))


def _partner_covers(names: list[str], partners: tuple[str, ...]) -> np.ndarray:
    """Distinct 共建单位 value x partner: whether an item of the value contains the partner's name.
    It does not depend on D, so history's month ends share it (Prepared.memo)."""
    wanted = [norm(w) for w in partners]
    pieces = [[piece for piece in PART_SEPARATORS.split(n) if piece] for n in names]
    return np.array([[any(w in piece for piece in ps) for w in wanted] for ps in pieces] +
                    [[False] * len(partners)], dtype=bool).reshape(len(names) + 1, len(partners))
