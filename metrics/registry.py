"""The 46 metrics of metrics.md, in catalogue order: one declarative entry each.

An entry says what the plan asks (item and sentence), how the number is computed (kind, formula in
words, the pure function), and what it is held against (default target, op, pacing).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

import numpy as np
import pandas as pd

from ledgers.registry import LEDGERS
from metrics import rules
from metrics.context import Context
from metrics.vocab import Kind, Operator, Theme

THEMES: tuple[Theme, ...] = tuple(Theme)
KINDS: tuple[Kind, ...] = tuple(Kind)

# Ledger key -> canonical Chinese name and the starred (*) date column of each dated ledger (Y and D
# come from these), both read from the ledger registry: a ledger's required date is its starred date.
LEDGER_NAMES: dict[str, str] = {key: spec.name for key, spec in LEDGERS.items()}
STARRED_DATES: dict[str, str] = {
    key: col.name for key, spec in LEDGERS.items() for col in spec.columns if col.required and col.type == "date"}


@dataclass(frozen=True, kw_only=True)
class MetricSpec:
    """One metric of the catalogue, built with keywords only; enums and ledgers are checked on build."""

    id: str
    name_zh: str
    name_en: str
    theme: Theme
    plan_item: str  # "一.7" / "二.10"
    plan_text: str  # the plan's sentence, verbatim
    kind: Kind
    unit: str
    default_target: float  # ratios and checklists as fractions
    target_source: str  # "plan" | "default"
    formula_zh: str
    formula_en: str
    ledgers: tuple[str, ...] | str
    compute: Callable[[Context], rules.Computed]
    # left out: the kind's default for this target, filled in on build (so always an Operator after it)
    op: Operator = cast(Operator, None)
    paced: bool = False  # an annual count judged against the share of the year gone by
    checklist_size: int = 0  # required items of a checklist
    same_as: str | None = None  # T08 takes B15's value wherever it came from
    # facts the charts and wording read (not restated elsewhere)
    companion: str | None = None  # 绿化率: the other metric whose target shows on this one's chart
    target_role: str = ""  # "basic" | "stretch": how the target is labelled beside a companion's
    window_years: int = 0  # a zero metric counted over (D − n years, D] instead of the year Y
    still_open: bool = False  # a zero metric counting problems still open at D (found in any year)
    event_columns: tuple[str, str] | None = None  # (date, label) of the events on a zero timeline
    # the ledger columns that explain a shortfall, in the order a meeting reads them (the rows behind
    # the number on a slide and in the PDF); empty: the ledger's first columns that hold anything
    shortfall_columns: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        ledgers = (self.ledgers,) if isinstance(self.ledgers, str) else tuple(self.ledgers)
        unknown = [k for k in ledgers if k not in LEDGERS]
        if unknown:
            raise ValueError(f"{self.id}: unknown ledger {unknown}")
        kind = Kind(self.kind)
        fixed = {"ledgers": ledgers, "theme": Theme(self.theme), "kind": kind,
                 "op": kind.default_op(self.default_target) if self.op is None else Operator(self.op)}
        for name, value in fixed.items():
            object.__setattr__(self, name, value)

    @property
    def theme_zh(self) -> str:
        return Theme(self.theme).word("zh")

    def name(self, lang: str = "zh") -> str:
        """The metric's name in ``lang`` (English where the catalogue has it)."""
        return (self.name_en or self.name_zh) if lang == "en" else self.name_zh

    @property
    def source_name(self) -> str:
        return LEDGER_NAMES[self.ledgers[0]]

    @property
    def chart(self) -> str:
        """The name of its figure builder: the kind's, except that a paced count draws its pace."""
        return "paced" if self.paced else Kind(self.kind).chart

    @property
    def evidence(self) -> Callable[[Context], pd.DataFrame]:
        return rows_behind(self.compute)


def rows_behind(compute: Callable[[Context], rules.Computed]) -> Callable[[Context], pd.DataFrame]:
    """The evidence function of a metric: its ledger's rows behind the number, identity hashes dropped."""
    def evidence(ctx: Context) -> pd.DataFrame:
        computed = compute(ctx)
        return evidence_frame(ctx, computed)
    return evidence


def evidence_frame(ctx: Context, computed: rules.Computed) -> pd.DataFrame:
    if computed.ledger is None or computed.mask is None or not ctx.has(computed.ledger):
        return pd.DataFrame()
    frame = ctx.prep.frame(computed.ledger)
    rows = frame.loc[np.asarray(computed.mask, dtype=bool), [c for c in frame.columns if not c.endswith("_key")]]
    if computed.flags is not None and len(computed.flags) == len(rows):
        rows = rows.assign(计入分子=np.asarray(computed.flags, dtype=bool))
    return rows.reset_index(drop=True)


ACT, INC = "activities", "incidents"
FIRE_YEARS = 3  # B02: "连续3年无重大火灾事故"
_count = rules.count_in_year

METRICS: tuple[MetricSpec, ...] = (
    MetricSpec(
        id="B01", name_zh="治安制度运行率", name_en="Security routines in operation", theme=Theme.SAFETY,
        shortfall_columns=("日期", "工作类型", "内容", "参加人数"),
        plan_item="一.1", plan_text="治安制度规范有效,定期例会制度,安全检查制度,宣传教育制度,治安巡逻制度,情况积累制度", kind=Kind.RATIO, unit="%",
        default_target=1.0, target_source="default", ledgers="security_log", compute=rules.security_systems,
        formula_zh="五项治安制度（例会、安全检查、宣传教育、治安巡逻、情况积累）× 当年截至统计日已开始的季度：有至少一条记录的（制度, 季度）组合占比",
        formula_en="The five routines (meetings, safety checks, publicity, patrols, record-keeping) × the quarters of the year "
        "begun by the as-of date: share of (routine, quarter) pairs with at least one logged item",
    ),
    MetricSpec(
        id="B02", name_zh="近三年重大火灾", name_en="Major fires in the last three years", theme=Theme.SAFETY,
        shortfall_columns=("发生日期", "事件类别", "等级", "处理结果"),
        plan_item="一.2", plan_text="切实落实防火、防灾等安全检查制度和措施。连续3年无重大火灾事故", kind=Kind.ZERO, unit="起",
        default_target=0, target_source="plan", ledgers=INC, compute=rules.major_fires_within(FIRE_YEARS),
        formula_zh="事件台账中事件类别为火灾、等级为重大、发生日期在（统计日前推3年, 统计日]内的起数",
        formula_en="Incidents of category fire and grade major dated in (as-of date − 3 years, as-of date]",
        window_years=FIRE_YEARS, event_columns=("发生日期", "事件类别"),
    ),
    MetricSpec(
        id="B03", name_zh="便民服务场所设置", name_en="Service rooms in place", theme=Theme.SERVICE, plan_item="一.3",
        plan_text="设立老年人活动室、计划生育咨询服务场所、社工服务站,方便居民的日常生活", kind=Kind.CHECKLIST, unit="项", default_target=1.0,
        target_source="plan", ledgers="facilities",
        compute=rules.facility_checklist(("老年人活动室", "计生咨询室", "社工服务站"), exclude=("停用",)),
        formula_zh="设施台账中状态不为停用的设施是否涵盖老年人活动室、计生咨询室、社工服务站（已有项 / 3）",
        formula_en="Facilities not closed cover an elderly activity room, a family-planning advice room and a social-work "
        "station (present / 3)", checklist_size=3,
    ),
    MetricSpec(
        id="B04", name_zh="小型文体活动次数", name_en="Small cultural and sports activities", theme=Theme.CULTURE,
        plan_item="一.4", plan_text="小型文体活动一年不少于4次", kind=Kind.COUNT, unit="次", default_target=4,
        target_source="plan", ledgers=ACT, compute=_count(ACT, "活动日期", "活动类别", ("文体",)),
        formula_zh="活动台账中当年截至统计日活动类别为文体的活动次数",
        formula_en="Activities of category culture/sports held this year up to the as-of date", paced=True,
    ),
    MetricSpec(
        id="B05a", name_zh="科普法制教育活动次数", name_en="Science and law education activities", theme=Theme.CULTURE,
        plan_item="一.5", plan_text="大力普及科学知识、法律教育", kind=Kind.COUNT, unit="次", default_target=4,
        target_source="default", ledgers=ACT, compute=_count(ACT, "活动日期", "活动类别", ("科普", "法制")),
        formula_zh="活动台账中当年截至统计日活动类别为科普或法制的活动次数",
        formula_en="Activities of category science or law held this year up to the as-of date", paced=True,
    ),
    MetricSpec(
        id="B05b", name_zh="封建迷信活动", name_en="Superstitious activities", theme=Theme.CULTURE,
        shortfall_columns=("发生日期", "事件类别", "等级", "处理结果"),
        plan_item="一.5", plan_text="无封建迷信活动", kind=Kind.ZERO, unit="起", default_target=0,
        target_source="plan", ledgers=INC, compute=_count(INC, "发生日期", "事件类别", ("封建迷信",)),
        formula_zh="事件台账中当年截至统计日事件类别为封建迷信的起数",
        formula_en="Incidents of category superstition this year up to the as-of date",
        event_columns=("发生日期", "事件类别"),
    ),
    MetricSpec(
        id="B05c", name_zh="计划外生育", name_en="Births outside the family plan", theme=Theme.SERVICE,
        shortfall_columns=("发生日期", "事件类别", "等级", "处理结果"),
        plan_item="一.5", plan_text="宣传计划生育政策,无计划外生育", kind=Kind.ZERO, unit="起", default_target=0,
        target_source="plan", ledgers=INC, compute=_count(INC, "发生日期", "事件类别", ("计划外生育",)),
        formula_zh="事件台账中当年截至统计日事件类别为计划外生育的起数",
        formula_en="Incidents of category unplanned birth this year up to the as-of date",
        event_columns=("发生日期", "事件类别"),
    ),
    MetricSpec(
        id="B06", name_zh="黄赌毒案件", name_en="Pornography, gambling and drug cases", theme=Theme.SAFETY,
        shortfall_columns=("发生日期", "事件类别", "等级", "处理结果"),
        plan_item="一.6", plan_text="协助派出所积极开展“扫黄打非”活动,抵制和禁止色情、淫秽的文化制品,禁赌、禁毒成效显著", kind=Kind.ZERO, unit="起",
        default_target=0, target_source="default", ledgers=INC,
        compute=_count(INC, "发生日期", "事件类别", ("赌博", "毒品", "色情制品")),
        formula_zh="事件台账中当年截至统计日事件类别为赌博、毒品或色情制品的起数",
        formula_en="Incidents of category gambling, drugs or pornography this year up to the as-of date",
        event_columns=("发生日期", "事件类别"),
    ),
    MetricSpec(
        id="B07a", name_zh="消防器材配备率", name_en="Fire equipment provision rate", theme=Theme.SAFETY,
        shortfall_columns=("位置", "器材类型", "应配数量", "实配数量", "完好数量", "检查日期"),
        plan_item="一.7", plan_text="配备必要的防火设施器材,配备率90%", kind=Kind.RATIO, unit="%", default_target=0.9,
        target_source="plan", ledgers="fire_equipment", compute=rules.equipment_rate,
        formula_zh="每个（位置, 器材类型）取截至统计日最近一次检查：Σ min(完好数量, 应配数量) / Σ 应配数量（完好数量空缺时按实配数量）",
        formula_en="Per (place, equipment type) its latest check up to the as-of date: Σ min(in good order, required) / "
        "Σ required (in good order defaults to the number fitted)",
    ),
    MetricSpec(
        id="B07b", name_zh="消防知识普及率", name_en="Fire safety awareness rate", theme=Theme.SAFETY,
        shortfall_columns=("楼号", "户号", "知晓消防知识", "调查日期"),
        plan_item="一.7", plan_text="普及消防知识,普及率90%", kind=Kind.RATIO, unit="%", default_target=0.9,
        target_source="plan", ledgers="households", compute=rules.household_share("知晓消防知识"),
        formula_zh="每户取截至统计日最近一次入户调查：知晓消防知识为是的户数 / 户数",
        formula_en="Each household by its latest visit up to the as-of date: households aware of fire safety / households",
    ),
    MetricSpec(
        id="B07c", name_zh="业余消防队员人数", name_en="Volunteer firefighters", theme=Theme.SAFETY, plan_item="一.7",
        plan_text="健全业余消防队伍", kind=Kind.COUNT, unit="人", default_target=10, target_source="default",
        ledgers="volunteers", compute=rules.volunteer_count("业余消防队"), formula_zh="志愿者名册中队伍为业余消防队、状态为在册的人数",
        formula_en="Active members of the volunteer fire team (joined by the as-of date)",
    ),
    MetricSpec(
        id="B08", name_zh="纠纷调解率", name_en="Dispute mediation rate", theme=Theme.SAFETY, plan_item="一.8",
        shortfall_columns=("受理日期", "纠纷类型", "调解结果", "结案日期"),
        plan_text="调解组织网络健全,能及时调解民间纠纷,调解率90%", kind=Kind.RATIO, unit="%", default_target=0.9,
        target_source="plan", ledgers="mediation", compute=rules.mediation_rate,
        formula_zh="当年截至统计日受理的纠纷：调解成功数 / (受理数 − 调解中)；转交计为未调解成功",
        formula_en="Disputes received this year up to the as-of date: mediated successfully / (received − still in "
        "mediation); referred cases count as not mediated",
    ),
    MetricSpec(
        id="B09a", name_zh="文体活动场所面积", name_en="Area of cultural and sports venues", theme=Theme.CULTURE,
        plan_item="一.9", plan_text="小区内有不少于400平方米的健身点、娱乐点等各类文化体育活动场所", kind=Kind.SUM, unit="㎡",
        default_target=400, target_source="plan", ledgers="facilities", compute=rules.venue_area,
        formula_zh="设施台账中类别为健身点、娱乐点、文体活动室且状态正常的设施面积合计（㎡，每行面积为该行总面积）",
        formula_en="Total area (㎡, each row's total) of fitness points, recreation points and activity rooms in normal use",
    ),
    MetricSpec(
        id="B09b", name_zh="报刊阅览室", name_en="Reading room", theme=Theme.CULTURE, plan_item="一.9",
        plan_text="有小区的报刊阅览室", kind=Kind.CHECKLIST, unit="项", default_target=1.0, target_source="plan",
        ledgers="facilities", compute=rules.facility_checklist(("阅览室",), statuses=("正常",)),
        formula_zh="设施台账中有状态正常的阅览室",
        formula_en="A reading room in normal use is listed among the facilities", checklist_size=1,
    ),
    MetricSpec(
        id="B09c", name_zh="居民文化活动参与率", name_en="Households taking part in cultural life",
        shortfall_columns=("楼号", "户号", "参加文化活动", "调查日期"),
        theme=Theme.CULTURE, plan_item="一.9", plan_text="居民户的文化活动参与率80%以上", kind=Kind.RATIO, unit="%",
        default_target=0.8, target_source="plan", ledgers="households",
        compute=rules.household_share("参加文化活动"), formula_zh="每户取截至统计日最近一次入户调查：参加文化活动为是的户数 / 户数",
        formula_en="Each household by its latest visit up to the as-of date: households taking part in cultural "
        "activities / households",
    ),
    MetricSpec(
        id="B10", name_zh="主要弄口安全岗设置率", name_en="Security posts at main alley entrances", theme=Theme.SAFETY,
        shortfall_columns=("弄口", "主要弄口", "设岗", "在岗人数", "设施完备"),
        plan_item="一.10", plan_text="主要弄口安全岗设置率达100%,安全设施完备,人员齐整", kind=Kind.RATIO, unit="%",
        default_target=1.0, target_source="plan", ledgers="alley_posts", compute=rules.alley_post_rate,
        formula_zh="主要弄口中设岗为是的弄口数 / 主要弄口数",
        formula_en="Main alley entrances with a security post / main alley entrances",
    ),
    MetricSpec(
        id="B11", name_zh="公共走道灯安装率", name_en="Corridor lighting rate", theme=Theme.ENVIRONMENT,
        shortfall_columns=("楼号", "所属网格", "公共走道数", "已装走道灯数"),
        plan_item="一.11", plan_text="大楼公共走道灯安装率100%", kind=Kind.RATIO, unit="%", default_target=1.0,
        target_source="plan", ledgers="buildings", compute=rules.corridor_light_rate,
        formula_zh="楼栋台账：Σ min(已装走道灯数, 公共走道数) / Σ 公共走道数（每栋楼的灯数以其走道数为上限）",
        formula_en="Buildings: Σ min(corridor lights fitted, corridors) / Σ corridors (lights capped per building)",
    ),
    MetricSpec(
        id="B12", name_zh="未整改秩序问题", name_en="Open public-order problems", theme=Theme.ENVIRONMENT,
        shortfall_columns=("巡查日期", "位置", "问题类别", "整改状态", "整改日期"),
        plan_item="一.12", plan_text="居民群众遵守“七不”规范,小区内无“六乱”现象;规范饲养,不养家禽、无证犬,小区内实行规范养鸽", kind=Kind.ZERO,
        unit="个", default_target=0, target_source="plan", ledgers="inspections",
        compute=rules.open_problems(("六乱", "违反七不", "饲养家禽", "无证犬", "违规养鸽")),
        formula_zh="截至统计日已发现（任何年份）、在统计日仍未整改的六乱、违反七不、饲养家禽、无证犬、违规养鸽问题数",
        formula_en="Problems of the six disorders, seven don'ts, poultry, unlicensed dogs or irregular pigeon keeping found "
        "by the as-of date (any year) and still open at it",
        event_columns=("巡查日期", "问题类别"), still_open=True,
    ),
    MetricSpec(
        id="B13a", name_zh="卫生设施完好率", name_en="Sanitation facilities in good order", theme=Theme.ENVIRONMENT,
        shortfall_columns=("设施名称", "设施类别", "位置", "状态", "检查日期"),
        plan_item="一.13", plan_text="卫生设施齐全,完好率达95%以上", kind=Kind.RATIO, unit="%", default_target=0.95,
        target_source="plan", ledgers="facilities", compute=rules.sanitation_rate,
        formula_zh="公厕、垃圾箱房、垃圾箱按数量加权：状态正常的数量 / 状态不为停用的数量",
        formula_en="Public toilets, refuse rooms and bins weighted by quantity: in normal order / not closed",
    ),
    MetricSpec(
        id="B13b", name_zh="未整改卫生问题", name_en="Open sanitation problems", theme=Theme.ENVIRONMENT,
        shortfall_columns=("巡查日期", "位置", "问题类别", "整改状态", "整改日期"),
        plan_item="一.13", plan_text="无积存垃圾,无粪便冒溢,无蚊蝇孳生,无渣土垃圾堆积", kind=Kind.ZERO, unit="个", default_target=0,
        target_source="plan", ledgers="inspections",
        compute=rules.open_problems(("积存垃圾", "粪便冒溢", "蚊蝇孳生", "渣土堆积")),
        formula_zh="截至统计日已发现、在统计日仍未整改的积存垃圾、粪便冒溢、蚊蝇孳生、渣土堆积问题数",
        formula_en="Problems of piled refuse, overflowing sewage, flies and mosquitoes or spoil heaps found by the as-of "
        "date and still open at it",
        event_columns=("巡查日期", "问题类别"), still_open=True,
    ),
    MetricSpec(
        id="B14", name_zh="工作人员挂牌培训率", name_en="Staff badged and trained", theme=Theme.SERVICE,
        shortfall_columns=("岗位", "挂牌服务", "培训上岗"),
        plan_item="一.14", plan_text="工作人员挂牌服务,培训上岗,服务到位", kind=Kind.RATIO, unit="%", default_target=1.0,
        target_source="plan", ledgers="staff", compute=rules.staff_rate,
        formula_zh="挂牌服务且培训上岗的工作人员数 / 工作人员数",
        formula_en="Staff who serve with a name badge and were trained / staff",
    ),
    MetricSpec(
        id="B15", name_zh="绿化率", name_en="Green coverage", theme=Theme.ENVIRONMENT, plan_item="一.15",
        plan_text="小区内绿化率达20%,绿化布局合理,逐步扩大绿化覆盖", kind=Kind.RATIO, unit="%", default_target=0.2,
        target_source="plan", ledgers="greening", compute=rules.greening_rate,
        formula_zh="截至统计日最近一条绿化统计：绿化面积 / 小区总面积",
        formula_en="The latest greening row up to the as-of date: green area / total area",
        companion="T08", target_role="basic",
    ),
    MetricSpec(
        id="B16", name_zh="未整改道路设施问题", name_en="Open road and fixture problems", theme=Theme.ENVIRONMENT,
        shortfall_columns=("巡查日期", "位置", "问题类别", "整改状态", "整改日期"),
        plan_item="一.16", plan_text="小区内道路畅通,路面整洁,宣传标牌统一有序,美观大方,公共设施不随意改变用途,阳台封闭规范、整洁", kind=Kind.ZERO,
        unit="个", default_target=0, target_source="plan", ledgers="inspections",
        compute=rules.open_problems(("道路堵塞", "路面不洁", "标牌破损", "改变公共设施用途", "阳台不规范")),
        formula_zh="截至统计日已发现、在统计日仍未整改的道路堵塞、路面不洁、标牌破损、改变公共设施用途、阳台不规范问题数",
        formula_en="Problems of blocked roads, dirty surfaces, damaged signs, public fixtures put to other uses or irregular "
        "balconies found by the as-of date and still open at it",
        event_columns=("巡查日期", "问题类别"), still_open=True,
    ),
    MetricSpec(
        id="B17", name_zh="便民设施利用率", name_en="Use of convenience facilities", theme=Theme.SERVICE,
        plan_item="一.17", plan_text="自行车棚、公共电话等便民设施服务良好,社区服务设施利用率高", kind=Kind.RATIO, unit="%",
        default_target=0.8, target_source="default", ledgers="facilities", compute=rules.utilisation,
        formula_zh="自行车棚、公共电话、便民服务点中填有利用率的各行（不论状态）的利用率平均值",
        formula_en="Mean utilisation of every bicycle shed, public telephone and service point row that has one, whatever "
        "its state",
    ),
    MetricSpec(
        id="T01", name_zh="创建称号获得", name_en="Campaign titles won", theme=Theme.PARTY, plan_item="二.1",
        plan_text="争创新一轮市级文明社区,学习型小区、科普小区、安全小区、卫生小区", kind=Kind.CHECKLIST, unit="项", default_target=1.0,
        target_source="plan", ledgers="projects",
        compute=rules.project_checklist((("创建称号", ("已获得",), ("市级文明社区", "学习型小区", "科普小区", "安全小区", "卫生小区")),)),
        formula_zh="创建项目台账中项目类型为创建称号、状态为已获得的项目涵盖市级文明社区、学习型小区、科普小区、安全小区、卫生小区（已获得 / 5）",
        formula_en="Titles won: city civilized community, learning estate, science estate, safe estate, hygienic estate "
        "(won / 5)", checklist_size=5,
    ),
    MetricSpec(
        id="T02a", name_zh="党小组覆盖率", name_en="Buildings with a Party group", theme=Theme.PARTY,
        shortfall_columns=("楼号", "所属网格", "建立党小组"),
        plan_item="二.2", plan_text="构筑社区党建新格局,努力实现党建工作全覆盖", kind=Kind.RATIO, unit="%", default_target=1.0,
        target_source="plan", ledgers="buildings", compute=rules.party_group_rate,
        formula_zh="建立党小组为是的楼栋数 / 楼栋数", formula_en="Buildings with a Party group / buildings",
    ),
    MetricSpec(
        id="T02b", name_zh="网格化覆盖率", name_en="Buildings assigned to a grid", theme=Theme.PARTY,
        shortfall_columns=("楼号", "所属网格", "户数"),
        plan_item="二.2", plan_text="进一步实践社区管理网格化", kind=Kind.RATIO, unit="%", default_target=1.0,
        target_source="plan", ledgers="buildings", compute=rules.grid_rate, formula_zh="填有所属网格的楼栋数 / 楼栋数",
        formula_en="Buildings assigned to a grid / buildings",
    ),
    MetricSpec(
        id="T03", name_zh="共建单位覆盖", name_en="Partner organisations engaged", theme=Theme.PARTY,
        plan_item="二.3", plan_text="进一步加强与总工会、供电局、自来水公司、电信局等单位的精神文明共建活动的联系", kind=Kind.CHECKLIST, unit="项",
        default_target=1.0, target_source="plan", ledgers=ACT, compute=rules.partner_coverage,
        formula_zh="当年截至统计日的活动中，共建单位（按 、,，/；; 拆分）涵盖总工会、供电局、自来水公司、电信局（已涵盖 / 4）",
        formula_en="This year's activities up to the as-of date name (split on 、,，/；;) the trade union, power bureau, water "
        "company and telecom bureau among their partners (covered / 4)", checklist_size=4,
    ),
    MetricSpec(
        id="T04", name_zh="服务热线办结率", name_en="Hotline requests closed", theme=Theme.SERVICE, plan_item="二.4",
        plan_text="做好社区服务热线的基础工作", kind=Kind.RATIO, unit="%", default_target=0.95, target_source="default",
        ledgers="hotline", compute=rules.hotline_rate, formula_zh="当年截至统计日受理的热线：办结为是的件数 / 受理件数",
        formula_en="Hotline requests received this year up to the as-of date: closed / received",
    ),
    MetricSpec(
        id="T05", name_zh="双拥活动次数", name_en="Army–civilian support activities", theme=Theme.PARTY,
        plan_item="二.5", plan_text="建立双拥工作的新模式,切实为子弟兵办实事、做好事、使双拥工作做到实处", kind=Kind.COUNT, unit="次",
        default_target=2, target_source="default", ledgers=ACT, compute=_count(ACT, "活动日期", "活动类别", ("双拥",)),
        formula_zh="活动台账中当年截至统计日活动类别为双拥的活动次数",
        formula_en="Army–civilian support activities held this year up to the as-of date", paced=True,
    ),
    MetricSpec(
        id="T06", name_zh="重大责任事故", name_en="Major liability accidents", theme=Theme.SAFETY, plan_item="二.6",
        shortfall_columns=("发生日期", "事件类别", "等级", "处理结果"),
        plan_text="不发生影响地区稳定的重大责任事故", kind=Kind.ZERO, unit="起", default_target=0, target_source="plan",
        ledgers=INC, compute=_count(INC, "发生日期", "事件类别", ("责任事故",), extra=rules.major),
        formula_zh="事件台账中当年截至统计日事件类别为责任事故、等级为重大的起数",
        formula_en="Incidents of category liability accident and grade major this year up to the as-of date",
        event_columns=("发生日期", "事件类别"),
    ),
    MetricSpec(
        id="T07", name_zh="垃圾分类参与率", name_en="Households sorting waste", theme=Theme.ENVIRONMENT,
        shortfall_columns=("楼号", "户号", "参与垃圾分类", "调查日期"),
        plan_item="二.7", plan_text="继续发动居民实行垃圾分类,切实做好卫生状况的监督", kind=Kind.RATIO, unit="%", default_target=0.9,
        target_source="default", ledgers="households", compute=rules.household_share("参与垃圾分类"),
        formula_zh="每户取截至统计日最近一次入户调查：参与垃圾分类为是的户数 / 户数",
        formula_en="Each household by its latest visit up to the as-of date: households sorting waste / households",
    ),
    MetricSpec(
        id="T08", name_zh="绿化率（年度目标）", name_en="Green coverage (this year's goal)", theme=Theme.ENVIRONMENT,
        plan_item="二.8", plan_text="小区内绿化达到38%,绿化布局合理,环境整洁优美", kind=Kind.RATIO, unit="%",
        default_target=0.38, target_source="plan", ledgers="greening", compute=rules.greening_rate,
        formula_zh="与绿化率（B15）同值（不论来自绿化台账还是指标填报），对照38%",
        formula_en="The same value as green coverage (B15), wherever it came "
        "from, held against 38 %", same_as="B15",
        companion="B15", target_role="stretch",
    ),
    MetricSpec(
        id="T09", name_zh="计生志愿者人数", name_en="Family-planning volunteers", theme=Theme.SERVICE,
        plan_item="二.9", plan_text="成立计划生育志愿者队伍,做好计划生育工作", kind=Kind.COUNT, unit="人", default_target=10,
        target_source="default", ledgers="volunteers", compute=rules.volunteer_count("计生志愿者"),
        formula_zh="志愿者名册中队伍为计生志愿者、状态为在册的人数",
        formula_en="Active family-planning volunteers (joined by the as-of date)",
    ),
    MetricSpec(
        id="T10a", name_zh="下岗失业人员安置数", name_en="Laid-off and unemployed people placed", theme=Theme.SERVICE,
        plan_item="二.10", plan_text="年内安置下岗、失业人员上岗80名", kind=Kind.COUNT, unit="人", default_target=80,
        target_source="plan", ledgers="employment", compute=rules.placements,
        formula_zh="就业援助台账中安置日期在当年且不晚于统计日的人数",
        formula_en="People placed in work this year up to the as-of date", paced=True,
    ),
    MetricSpec(
        id="T10b", name_zh="社会保障率", name_en="Social insurance coverage", theme=Theme.SERVICE,
        shortfall_columns=("人员类别", "登记日期", "安置日期", "安置单位", "参加社保"),
        plan_item="二.10", plan_text="建立社会救助网络、社会保障率达100%", kind=Kind.RATIO, unit="%", default_target=1.0,
        target_source="plan", ledgers="employment", compute=rules.social_security_rate,
        formula_zh="就业援助台账（登记日期不晚于统计日）：参加社保为是的人数 / 全部人数",
        formula_en="Registered people (registered by the as-of date) with social insurance / all registered",
    ),
    MetricSpec(
        id="T11a", name_zh="外来人员培训班次数", name_en="Training classes for migrants", theme=Theme.SERVICE,
        plan_item="二.11", plan_text="定期或不定期开展外来人员教育宣传培训班活动", kind=Kind.COUNT, unit="次", default_target=4,
        target_source="default", ledgers=ACT, compute=_count(ACT, "活动日期", "活动类别", ("外来人员培训",)),
        formula_zh="活动台账中当年截至统计日活动类别为外来人员培训的次数",
        formula_en="Training classes for migrants held this year up to the as-of date", paced=True,
    ),
    MetricSpec(
        id="T11b", name_zh="外来人员登记率", name_en="Migrants registered", theme=Theme.SERVICE, plan_item="二.11",
        shortfall_columns=("登记日期", "登记状态"),
        plan_text="积极做好外来人员登记工作", kind=Kind.RATIO, unit="%", default_target=1.0, target_source="default",
        ledgers="migrants", compute=rules.migrant_registration_rate,
        formula_zh="未离开的外来人员：已登记 / (已登记 + 待登记)（登记日期晚于统计日的不计）",
        formula_en="Migrants who have not left: registered / (registered + awaiting registration)",
    ),
    MetricSpec(
        id="T11c", name_zh="特色工作开展", name_en="Signature programmes running", theme=Theme.SERVICE,
        plan_item="二.11", plan_text="坚持做好小区 “残疾人康复中心”、“职工之家”、“老年人旅游园地”、 “温馨家园巾帼文明岗”等特色工作",
        kind=Kind.CHECKLIST, unit="项", default_target=1.0, target_source="plan", ledgers="projects",
        compute=rules.project_checklist((("特色工作", ("开展中", "已完成"),
        ("残疾人康复中心", "职工之家", "老年人旅游园地", "温馨家园巾帼文明岗")),)),
        formula_zh="创建项目台账中特色工作状态为开展中或已完成的项目涵盖残疾人康复中心、职工之家、老年人旅游园地、温馨家园巾帼文明岗（已开展 / 4）",
        formula_en="Signature programmes running or completed: rehabilitation centre, workers' home, elderly travel "
        "corner, women's civility post (running / 4)", checklist_size=4,
    ),
    MetricSpec(
        id="T11d", name_zh="全国社区建设模范居委会", name_en="National model residents' committee", theme=Theme.PARTY,
        plan_item="二.11", plan_text="争创“全国社区建设模范居委会”", kind=Kind.CHECKLIST, unit="项", default_target=1.0,
        target_source="plan", ledgers="projects",
        compute=rules.project_checklist((("创建称号", ("已获得",), ("全国社区建设模范居委会",)),)),
        formula_zh="创建项目台账中创建称号“全国社区建设模范居委会”状态为已获得",
        formula_en="The title national model residents' committee has been won", checklist_size=1,
    ),
    MetricSpec(
        id="T12a", name_zh="治安巡逻次数", name_en="Security patrols", theme=Theme.SAFETY, plan_item="二.12",
        plan_text="成立专职小区巡逻队伍和武警定期或不定期巡逻制度", kind=Kind.COUNT, unit="次", default_target=52,
        target_source="default", ledgers="security_log",
        compute=_count("security_log", "日期", "工作类型", ("治安巡逻",)), formula_zh="治安工作台账中当年截至统计日工作类型为治安巡逻的次数",
        formula_en="Patrols logged this year up to the as-of date", paced=True,
    ),
    MetricSpec(
        id="T12b", name_zh="专职巡逻队员人数", name_en="Full-time patrol members", theme=Theme.SAFETY,
        plan_item="二.12", plan_text="成立专职小区巡逻队伍", kind=Kind.COUNT, unit="人", default_target=5,
        target_source="default", ledgers="volunteers", compute=rules.volunteer_count("专职巡逻队"),
        formula_zh="志愿者名册中队伍为专职巡逻队、状态为在册的人数", formula_en="Active members of the full-time patrol team",
    ),
    MetricSpec(
        id="T12c", name_zh="组织建设", name_en="Organisations built", theme=Theme.SAFETY, plan_item="二.12",
        plan_text="成立专职小区巡逻队伍和武警定期或不定期巡逻制度,争创“上海市交通文明居委会”,成立房屋协管服务社", kind=Kind.CHECKLIST, unit="项",
        default_target=1.0, target_source="plan", ledgers="projects",
        compute=rules.project_checklist((("组织建设", ("已完成", "开展中"), ("专职巡逻队", "房屋协管服务社")),
        ("创建称号", ("已获得",), ("上海市交通文明居委会",)))),
        formula_zh="组织建设项目专职巡逻队、房屋协管服务社已完成或开展中，且创建称号上海市交通文明居委会已获得（已具备 / 3）",
        formula_en="Organisations set up or under way (full-time patrol team, housing co-management service) and the title "
        "Shanghai traffic-civility committee won (in place / 3)", checklist_size=3,
    ),
    MetricSpec(
        id="T13", name_zh="在册志愿者人数", name_en="Active volunteers", theme=Theme.SERVICE, plan_item="二.13",
        plan_text="巩固志愿者队伍", kind=Kind.COUNT, unit="人", default_target=100, target_source="default",
        ledgers="volunteers", compute=rules.distinct_volunteers, formula_zh="志愿者名册中状态为在册的不同姓名数（一人多队只计一次）",
        formula_en="Distinct active volunteers (one person in several teams counts once)",
    ),
    MetricSpec(
        id="T14", name_zh="党建活动次数", name_en="Party-building activities", theme=Theme.PARTY, plan_item="二.14",
        plan_text="坚持党建品牌特色工作", kind=Kind.COUNT, unit="次", default_target=12, target_source="default",
        ledgers=ACT, compute=_count(ACT, "活动日期", "活动类别", ("党建",)), formula_zh="活动台账中当年截至统计日活动类别为党建的活动次数",
        formula_en="Party-building activities held this year up to the as-of date", paced=True,
    ),
    MetricSpec(
        id="T15", name_zh="实事工程完成率", name_en="Practical projects completed", theme=Theme.PARTY,
        shortfall_columns=("项目名称", "项目类型", "状态", "计划完成日期", "完成日期"),
        plan_item="二.15", plan_text="全面完成社区各项实事工程建设任务", kind=Kind.RATIO, unit="%", default_target=1.0,
        target_source="plan", ledgers="projects", compute=rules.practical_projects,
        formula_zh="计划完成日期不晚于统计日（任何年份）的实事工程：统计日前已完成的项目数 / 应完成项目数",
        formula_en="Practical projects due by the as-of date (any year): completed by then / due",
    ),
)

BY_ID: dict[str, MetricSpec] = {m.id: m for m in METRICS}
