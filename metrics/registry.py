"""The 46 metrics of metrics.md, in catalogue order: one declarative entry each.

An entry says what the plan asks (item and sentence), how the number is computed (kind, formula in
words, the pure function), and what it is held against (default target, op, pacing).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics import rules
from metrics.context import Context

THEMES: tuple[str, ...] = ("safety", "culture", "environment", "service", "party")
THEME_NAMES: dict[str, tuple[str, str]] = {
    "safety": ("治安消防", "Safety & fire"),
    "culture": ("文体教育", "Culture & education"),
    "environment": ("环境卫生", "Environment & sanitation"),
    "service": ("服务保障", "Services & welfare"),
    "party": ("党建共建", "Party building & partners"),
}
KINDS = ("count", "ratio", "zero", "checklist", "sum")

# Ledger key -> canonical Chinese name (ledgers.md), used as a result's `source`.
LEDGER_NAMES: dict[str, str] = {
    "activities": "活动台账", "households": "入户调查", "fire_equipment": "消防器材台账",
    "security_log": "治安工作台账", "incidents": "事件台账", "mediation": "调解台账",
    "facilities": "设施台账", "buildings": "楼栋台账", "alley_posts": "弄口安全岗",
    "greening": "绿化台账", "employment": "就业援助台账", "volunteers": "志愿者名册",
    "inspections": "环境巡查台账", "staff": "工作人员台账", "hotline": "服务热线台账",
    "migrants": "外来人员登记", "projects": "创建项目台账", "indicators": "指标填报", "targets": "指标目标",
}
# The starred (*) date column of each dated ledger: Y and D come from these.
STARRED_DATES: dict[str, str] = {
    "activities": "活动日期", "households": "调查日期", "fire_equipment": "检查日期", "security_log": "日期",
    "incidents": "发生日期", "mediation": "受理日期", "greening": "统计日期", "employment": "登记日期",
    "inspections": "巡查日期", "hotline": "受理日期", "indicators": "统计日期",
}


@dataclass(frozen=True)
class MetricSpec:
    id: str
    name_zh: str
    name_en: str
    theme: str
    plan_item: str  # "一.7" / "二.10"
    plan_text: str  # the plan's sentence, verbatim
    kind: str
    unit: str
    default_target: float  # ratios and checklists as fractions
    target_source: str  # "plan" | "default"
    op: str  # ">=", "=", "<="
    paced: bool
    formula_zh: str
    formula_en: str
    ledgers: tuple[str, ...]
    compute: Callable[[Context], rules.Computed]
    evidence: Callable[[Context], pd.DataFrame]
    checklist_size: int = 0  # required items of a checklist
    same_as: str | None = None  # T08 takes B15's value wherever it came from

    @property
    def theme_zh(self) -> str:
        return THEME_NAMES[self.theme][0]

    @property
    def source_name(self) -> str:
        return LEDGER_NAMES[self.ledgers[0]]


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


def _m(id: str, name_zh: str, name_en: str, theme: str, plan_item: str, plan_text: str, kind: str, unit: str,
       target: float, source: str, ledgers: tuple[str, ...] | str, compute, formula_zh: str, formula_en: str,
       *, op: str | None = None, paced: bool | None = None, size: int = 0, same_as: str | None = None
       ) -> MetricSpec:
    if isinstance(ledgers, str):
        ledgers = (ledgers,)
    if op is None:
        op = "=" if kind == "zero" or (kind in ("ratio", "checklist") and target == 1.0) else ">="
    if paced is None:
        paced = False
    return MetricSpec(id, name_zh, name_en, theme, plan_item, plan_text, kind, unit, target, source, op, paced,
                      formula_zh, formula_en, ledgers, compute, rows_behind(compute), size, same_as)


ACT, INC = "activities", "incidents"
_count = rules.count_in_year

METRICS: tuple[MetricSpec, ...] = (
    _m("B01", "治安制度运行率", "Security routines in operation", "safety", "一.1",
       "治安制度规范有效,定期例会制度,安全检查制度,宣传教育制度,治安巡逻制度,情况积累制度",
       "ratio", "%", 1.0, "default", "security_log", rules.security_systems,
       "五项治安制度（例会、安全检查、宣传教育、治安巡逻、情况积累）× 当年截至统计日已开始的季度：有至少一条记录的（制度, 季度）组合占比",
       "The five routines (meetings, safety checks, publicity, patrols, record-keeping) × the quarters of the year "
       "begun by the as-of date: share of (routine, quarter) pairs with at least one logged item"),
    _m("B02", "近三年重大火灾", "Major fires in the last three years", "safety", "一.2",
       "切实落实防火、防灾等安全检查制度和措施。连续3年无重大火灾事故",
       "zero", "起", 0, "plan", INC, rules.fires_in_three_years,
       "事件台账中事件类别为火灾、等级为重大、发生日期在（统计日前推3年, 统计日]内的起数",
       "Incidents of category fire and grade major dated in (as-of date − 3 years, as-of date]"),
    _m("B03", "便民服务场所设置", "Service rooms in place", "service", "一.3",
       "设立老年人活动室、计划生育咨询服务场所、社工服务站,方便居民的日常生活",
       "checklist", "项", 1.0, "plan", "facilities",
       rules.facility_checklist(("老年人活动室", "计生咨询室", "社工服务站"), exclude=("停用",)),
       "设施台账中状态不为停用的设施是否涵盖老年人活动室、计生咨询室、社工服务站（已有项 / 3）",
       "Facilities not closed cover an elderly activity room, a family-planning advice room and a social-work "
       "station (present / 3)", size=3),
    _m("B04", "小型文体活动次数", "Small cultural and sports activities", "culture", "一.4",
       "小型文体活动一年不少于4次", "count", "次", 4, "plan", ACT,
       _count(ACT, "活动日期", "活动类别", ("文体",)),
       "活动台账中当年截至统计日活动类别为文体的活动次数", "Activities of category culture/sports held this year up to the as-of date",
       paced=True),
    _m("B05a", "科普法制教育活动次数", "Science and law education activities", "culture", "一.5",
       "大力普及科学知识、法律教育", "count", "次", 4, "default", ACT,
       _count(ACT, "活动日期", "活动类别", ("科普", "法制")),
       "活动台账中当年截至统计日活动类别为科普或法制的活动次数",
       "Activities of category science or law held this year up to the as-of date", paced=True),
    _m("B05b", "封建迷信活动", "Superstitious activities", "culture", "一.5", "无封建迷信活动",
       "zero", "起", 0, "plan", INC, _count(INC, "发生日期", "事件类别", ("封建迷信",)),
       "事件台账中当年截至统计日事件类别为封建迷信的起数", "Incidents of category superstition this year up to the as-of date"),
    _m("B05c", "计划外生育", "Births outside the family plan", "service", "一.5", "宣传计划生育政策,无计划外生育",
       "zero", "起", 0, "plan", INC, _count(INC, "发生日期", "事件类别", ("计划外生育",)),
       "事件台账中当年截至统计日事件类别为计划外生育的起数",
       "Incidents of category unplanned birth this year up to the as-of date"),
    _m("B06", "黄赌毒案件", "Pornography, gambling and drug cases", "safety", "一.6",
       "协助派出所积极开展“扫黄打非”活动,抵制和禁止色情、淫秽的文化制品,禁赌、禁毒成效显著",
       "zero", "起", 0, "default", INC, _count(INC, "发生日期", "事件类别", ("赌博", "毒品", "色情制品")),
       "事件台账中当年截至统计日事件类别为赌博、毒品或色情制品的起数",
       "Incidents of category gambling, drugs or pornography this year up to the as-of date"),
    _m("B07a", "消防器材配备率", "Fire equipment provision rate", "safety", "一.7", "配备必要的防火设施器材,配备率90%",
       "ratio", "%", 0.9, "plan", "fire_equipment", rules.equipment_rate,
       "每个（位置, 器材类型）取截至统计日最近一次检查：Σ min(完好数量, 应配数量) / Σ 应配数量（完好数量空缺时按实配数量）",
       "Per (place, equipment type) its latest check up to the as-of date: Σ min(in good order, required) / "
       "Σ required (in good order defaults to the number fitted)"),
    _m("B07b", "消防知识普及率", "Fire safety awareness rate", "safety", "一.7", "普及消防知识,普及率90%",
       "ratio", "%", 0.9, "plan", "households", rules.household_share("知晓消防知识"),
       "每户取截至统计日最近一次入户调查：知晓消防知识为是的户数 / 户数",
       "Each household by its latest visit up to the as-of date: households aware of fire safety / households"),
    _m("B07c", "业余消防队员人数", "Volunteer firefighters", "safety", "一.7", "健全业余消防队伍",
       "count", "人", 10, "default", "volunteers", rules.volunteer_count("业余消防队"),
       "志愿者名册中队伍为业余消防队、状态为在册的人数",
       "Active members of the volunteer fire team (joined by the as-of date)"),
    _m("B08", "纠纷调解率", "Dispute mediation rate", "safety", "一.8", "调解组织网络健全,能及时调解民间纠纷,调解率90%",
       "ratio", "%", 0.9, "plan", "mediation", rules.mediation_rate,
       "当年截至统计日受理的纠纷：调解成功数 / (受理数 − 调解中)；转交计为未调解成功",
       "Disputes received this year up to the as-of date: mediated successfully / (received − still in "
       "mediation); referred cases count as not mediated"),
    _m("B09a", "文体活动场所面积", "Area of cultural and sports venues", "culture", "一.9",
       "小区内有不少于400平方米的健身点、娱乐点等各类文化体育活动场所", "sum", "㎡", 400, "plan", "facilities",
       rules.venue_area,
       "设施台账中类别为健身点、娱乐点、文体活动室且状态正常的设施面积合计（㎡，每行面积为该行总面积）",
       "Total area (㎡, each row's total) of fitness points, recreation points and activity rooms in normal use"),
    _m("B09b", "报刊阅览室", "Reading room", "culture", "一.9", "有小区的报刊阅览室",
       "checklist", "项", 1.0, "plan", "facilities", rules.facility_checklist(("阅览室",), statuses=("正常",)),
       "设施台账中有状态正常的阅览室", "A reading room in normal use is listed among the facilities", size=1),
    _m("B09c", "居民文化活动参与率", "Households taking part in cultural life", "culture", "一.9",
       "居民户的文化活动参与率80%以上", "ratio", "%", 0.8, "plan", "households", rules.household_share("参加文化活动"),
       "每户取截至统计日最近一次入户调查：参加文化活动为是的户数 / 户数",
       "Each household by its latest visit up to the as-of date: households taking part in cultural "
       "activities / households"),
    _m("B10", "主要弄口安全岗设置率", "Security posts at main alley entrances", "safety", "一.10",
       "主要弄口安全岗设置率达100%,安全设施完备,人员齐整", "ratio", "%", 1.0, "plan", "alley_posts",
       rules.alley_post_rate, "主要弄口中设岗为是的弄口数 / 主要弄口数",
       "Main alley entrances with a security post / main alley entrances"),
    _m("B11", "公共走道灯安装率", "Corridor lighting rate", "environment", "一.11", "大楼公共走道灯安装率100%",
       "ratio", "%", 1.0, "plan", "buildings", rules.corridor_light_rate,
       "楼栋台账：Σ min(已装走道灯数, 公共走道数) / Σ 公共走道数（每栋楼的灯数以其走道数为上限）",
       "Buildings: Σ min(corridor lights fitted, corridors) / Σ corridors (lights capped per building)"),
    _m("B12", "未整改秩序问题", "Open public-order problems", "environment", "一.12",
       "居民群众遵守“七不”规范,小区内无“六乱”现象;规范饲养,不养家禽、无证犬,小区内实行规范养鸽",
       "zero", "个", 0, "plan", "inspections",
       rules.open_problems(("六乱", "违反七不", "饲养家禽", "无证犬", "违规养鸽")),
       "截至统计日已发现（任何年份）、在统计日仍未整改的六乱、违反七不、饲养家禽、无证犬、违规养鸽问题数",
       "Problems of the six disorders, seven don'ts, poultry, unlicensed dogs or irregular pigeon keeping found "
       "by the as-of date (any year) and still open at it"),
    _m("B13a", "卫生设施完好率", "Sanitation facilities in good order", "environment", "一.13",
       "卫生设施齐全,完好率达95%以上", "ratio", "%", 0.95, "plan", "facilities", rules.sanitation_rate,
       "公厕、垃圾箱房、垃圾箱按数量加权：状态正常的数量 / 状态不为停用的数量",
       "Public toilets, refuse rooms and bins weighted by quantity: in normal order / not closed"),
    _m("B13b", "未整改卫生问题", "Open sanitation problems", "environment", "一.13",
       "无积存垃圾,无粪便冒溢,无蚊蝇孳生,无渣土垃圾堆积", "zero", "个", 0, "plan", "inspections",
       rules.open_problems(("积存垃圾", "粪便冒溢", "蚊蝇孳生", "渣土堆积")),
       "截至统计日已发现、在统计日仍未整改的积存垃圾、粪便冒溢、蚊蝇孳生、渣土堆积问题数",
       "Problems of piled refuse, overflowing sewage, flies and mosquitoes or spoil heaps found by the as-of "
       "date and still open at it"),
    _m("B14", "工作人员挂牌培训率", "Staff badged and trained", "service", "一.14", "工作人员挂牌服务,培训上岗,服务到位",
       "ratio", "%", 1.0, "plan", "staff", rules.staff_rate,
       "挂牌服务且培训上岗的工作人员数 / 工作人员数", "Staff who serve with a name badge and were trained / staff"),
    _m("B15", "绿化率", "Green coverage", "environment", "一.15", "小区内绿化率达20%,绿化布局合理,逐步扩大绿化覆盖",
       "ratio", "%", 0.2, "plan", "greening", rules.greening_rate,
       "截至统计日最近一条绿化统计：绿化面积 / 小区总面积", "The latest greening row up to the as-of date: green area / total area"),
    _m("B16", "未整改道路设施问题", "Open road and fixture problems", "environment", "一.16",
       "小区内道路畅通,路面整洁,宣传标牌统一有序,美观大方,公共设施不随意改变用途,阳台封闭规范、整洁",
       "zero", "个", 0, "plan", "inspections",
       rules.open_problems(("道路堵塞", "路面不洁", "标牌破损", "改变公共设施用途", "阳台不规范")),
       "截至统计日已发现、在统计日仍未整改的道路堵塞、路面不洁、标牌破损、改变公共设施用途、阳台不规范问题数",
       "Problems of blocked roads, dirty surfaces, damaged signs, public fixtures put to other uses or irregular "
       "balconies found by the as-of date and still open at it"),
    _m("B17", "便民设施利用率", "Use of convenience facilities", "service", "一.17",
       "自行车棚、公共电话等便民设施服务良好,社区服务设施利用率高", "ratio", "%", 0.8, "default", "facilities",
       rules.utilisation, "自行车棚、公共电话、便民服务点中填有利用率的各行（不论状态）的利用率平均值",
       "Mean utilisation of every bicycle shed, public telephone and service point row that has one, whatever "
       "its state"),
    _m("T01", "创建称号获得", "Campaign titles won", "party", "二.1", "争创新一轮市级文明社区,学习型小区、科普小区、安全小区、卫生小区",
       "checklist", "项", 1.0, "plan", "projects",
       rules.project_checklist((("创建称号", ("已获得",), ("市级文明社区", "学习型小区", "科普小区", "安全小区", "卫生小区")),)),
       "创建项目台账中项目类型为创建称号、状态为已获得的项目涵盖市级文明社区、学习型小区、科普小区、安全小区、卫生小区（已获得 / 5）",
       "Titles won: city civilized community, learning estate, science estate, safe estate, hygienic estate "
       "(won / 5)", size=5),
    _m("T02a", "党小组覆盖率", "Buildings with a Party group", "party", "二.2", "构筑社区党建新格局,努力实现党建工作全覆盖",
       "ratio", "%", 1.0, "plan", "buildings", rules.party_group_rate,
       "建立党小组为是的楼栋数 / 楼栋数", "Buildings with a Party group / buildings"),
    _m("T02b", "网格化覆盖率", "Buildings assigned to a grid", "party", "二.2", "进一步实践社区管理网格化",
       "ratio", "%", 1.0, "plan", "buildings", rules.grid_rate,
       "填有所属网格的楼栋数 / 楼栋数", "Buildings assigned to a grid / buildings"),
    _m("T03", "共建单位覆盖", "Partner organisations engaged", "party", "二.3",
       "进一步加强与总工会、供电局、自来水公司、电信局等单位的精神文明共建活动的联系",
       "checklist", "项", 1.0, "plan", ACT, rules.partner_coverage,
       "当年截至统计日的活动中，共建单位（按 、,，/；; 拆分）涵盖总工会、供电局、自来水公司、电信局（已涵盖 / 4）",
       "This year's activities up to the as-of date name (split on 、,，/；;) the trade union, power bureau, water "
       "company and telecom bureau among their partners (covered / 4)", size=4),
    _m("T04", "服务热线办结率", "Hotline requests closed", "service", "二.4", "做好社区服务热线的基础工作",
       "ratio", "%", 0.95, "default", "hotline", rules.hotline_rate,
       "当年截至统计日受理的热线：办结为是的件数 / 受理件数",
       "Hotline requests received this year up to the as-of date: closed / received"),
    _m("T05", "双拥活动次数", "Army–civilian support activities", "party", "二.5",
       "建立双拥工作的新模式,切实为子弟兵办实事、做好事、使双拥工作做到实处", "count", "次", 2, "default", ACT,
       _count(ACT, "活动日期", "活动类别", ("双拥",)),
       "活动台账中当年截至统计日活动类别为双拥的活动次数",
       "Army–civilian support activities held this year up to the as-of date", paced=True),
    _m("T06", "重大责任事故", "Major liability accidents", "safety", "二.6", "不发生影响地区稳定的重大责任事故",
       "zero", "起", 0, "plan", INC, _count(INC, "发生日期", "事件类别", ("责任事故",), extra=rules.major),
       "事件台账中当年截至统计日事件类别为责任事故、等级为重大的起数",
       "Incidents of category liability accident and grade major this year up to the as-of date"),
    _m("T07", "垃圾分类参与率", "Households sorting waste", "environment", "二.7", "继续发动居民实行垃圾分类,切实做好卫生状况的监督",
       "ratio", "%", 0.9, "default", "households", rules.household_share("参与垃圾分类"),
       "每户取截至统计日最近一次入户调查：参与垃圾分类为是的户数 / 户数",
       "Each household by its latest visit up to the as-of date: households sorting waste / households"),
    _m("T08", "绿化率（年度目标）", "Green coverage (this year's goal)", "environment", "二.8",
       "小区内绿化达到38%,绿化布局合理,环境整洁优美", "ratio", "%", 0.38, "plan", "greening", rules.greening_rate,
       "与绿化率（B15）同值（不论来自绿化台账还是指标填报），对照38%", "The same value as green coverage (B15), wherever it came "
       "from, held against 38 %", same_as="B15"),
    _m("T09", "计生志愿者人数", "Family-planning volunteers", "service", "二.9", "成立计划生育志愿者队伍,做好计划生育工作",
       "count", "人", 10, "default", "volunteers", rules.volunteer_count("计生志愿者"),
       "志愿者名册中队伍为计生志愿者、状态为在册的人数", "Active family-planning volunteers (joined by the as-of date)"),
    _m("T10a", "下岗失业人员安置数", "Laid-off and unemployed people placed", "service", "二.10",
       "年内安置下岗、失业人员上岗80名", "count", "人", 80, "plan", "employment", rules.placements,
       "就业援助台账中安置日期在当年且不晚于统计日的人数", "People placed in work this year up to the as-of date",
       paced=True),
    _m("T10b", "社会保障率", "Social insurance coverage", "service", "二.10", "建立社会救助网络、社会保障率达100%",
       "ratio", "%", 1.0, "plan", "employment", rules.social_security_rate,
       "就业援助台账（登记日期不晚于统计日）：参加社保为是的人数 / 全部人数",
       "Registered people (registered by the as-of date) with social insurance / all registered"),
    _m("T11a", "外来人员培训班次数", "Training classes for migrants", "service", "二.11",
       "定期或不定期开展外来人员教育宣传培训班活动", "count", "次", 4, "default", ACT,
       _count(ACT, "活动日期", "活动类别", ("外来人员培训",)),
       "活动台账中当年截至统计日活动类别为外来人员培训的次数",
       "Training classes for migrants held this year up to the as-of date", paced=True),
    _m("T11b", "外来人员登记率", "Migrants registered", "service", "二.11", "积极做好外来人员登记工作",
       "ratio", "%", 1.0, "default", "migrants", rules.migrant_registration_rate,
       "未离开的外来人员：已登记 / (已登记 + 待登记)（登记日期晚于统计日的不计）",
       "Migrants who have not left: registered / (registered + awaiting registration)"),
    _m("T11c", "特色工作开展", "Signature programmes running", "service", "二.11",
       "坚持做好小区 “残疾人康复中心”、“职工之家”、“老年人旅游园地”、 “温馨家园巾帼文明岗”等特色工作",
       "checklist", "项", 1.0, "plan", "projects",
       rules.project_checklist((("特色工作", ("开展中", "已完成"),
                                 ("残疾人康复中心", "职工之家", "老年人旅游园地", "温馨家园巾帼文明岗")),)),
       "创建项目台账中特色工作状态为开展中或已完成的项目涵盖残疾人康复中心、职工之家、老年人旅游园地、温馨家园巾帼文明岗（已开展 / 4）",
       "Signature programmes running or completed: rehabilitation centre, workers' home, elderly travel "
       "corner, women's civility post (running / 4)", size=4),
    _m("T11d", "全国社区建设模范居委会", "National model residents' committee", "party", "二.11",
       "争创“全国社区建设模范居委会”", "checklist", "项", 1.0, "plan", "projects",
       rules.project_checklist((("创建称号", ("已获得",), ("全国社区建设模范居委会",)),)),
       "创建项目台账中创建称号“全国社区建设模范居委会”状态为已获得",
       "The title national model residents' committee has been won", size=1),
    _m("T12a", "治安巡逻次数", "Security patrols", "safety", "二.12", "成立专职小区巡逻队伍和武警定期或不定期巡逻制度",
       "count", "次", 52, "default", "security_log", _count("security_log", "日期", "工作类型", ("治安巡逻",)),
       "治安工作台账中当年截至统计日工作类型为治安巡逻的次数", "Patrols logged this year up to the as-of date", paced=True),
    _m("T12b", "专职巡逻队员人数", "Full-time patrol members", "safety", "二.12", "成立专职小区巡逻队伍",
       "count", "人", 5, "default", "volunteers", rules.volunteer_count("专职巡逻队"),
       "志愿者名册中队伍为专职巡逻队、状态为在册的人数", "Active members of the full-time patrol team"),
    _m("T12c", "组织建设", "Organisations built", "safety", "二.12",
       "成立专职小区巡逻队伍和武警定期或不定期巡逻制度,争创“上海市交通文明居委会”,成立房屋协管服务社",
       "checklist", "项", 1.0, "plan", "projects",
       rules.project_checklist((("组织建设", ("已完成", "开展中"), ("专职巡逻队", "房屋协管服务社")),
                                ("创建称号", ("已获得",), ("上海市交通文明居委会",)))),
       "组织建设项目专职巡逻队、房屋协管服务社已完成或开展中，且创建称号上海市交通文明居委会已获得（已具备 / 3）",
       "Organisations set up or under way (full-time patrol team, housing co-management service) and the title "
       "Shanghai traffic-civility committee won (in place / 3)", size=3),
    _m("T13", "在册志愿者人数", "Active volunteers", "service", "二.13", "巩固志愿者队伍",
       "count", "人", 100, "default", "volunteers", rules.distinct_volunteers,
       "志愿者名册中状态为在册的不同姓名数（一人多队只计一次）",
       "Distinct active volunteers (one person in several teams counts once)"),
    _m("T14", "党建活动次数", "Party-building activities", "party", "二.14", "坚持党建品牌特色工作",
       "count", "次", 12, "default", ACT, _count(ACT, "活动日期", "活动类别", ("党建",)),
       "活动台账中当年截至统计日活动类别为党建的活动次数", "Party-building activities held this year up to the as-of date",
       paced=True),
    _m("T15", "实事工程完成率", "Practical projects completed", "party", "二.15", "全面完成社区各项实事工程建设任务",
       "ratio", "%", 1.0, "plan", "projects", rules.practical_projects,
       "计划完成日期不晚于统计日（任何年份）的实事工程：统计日前已完成的项目数 / 应完成项目数",
       "Practical projects due by the as-of date (any year): completed by then / due"),
)

BY_ID: dict[str, MetricSpec] = {m.id: m for m in METRICS}
