"""The 19 ledgers of ``ledgers.md`` as data: names, aliases, columns, synonyms, categories, PII flags.

Everything else (reader, template, metrics, UI) reads this one table; nothing restates it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

COLUMN_TYPES = ("date", "text", "int", "number", "percent", "category", "yesno")
TYPE_ZH = {
    "date": "日期",
    "text": "文字",
    "int": "整数",
    "number": "数值",
    "percent": "百分比",
    "category": "类别",
    "yesno": "是/否",
}


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    type: str
    required: bool = False
    synonyms: tuple[str, ...] = ()
    pii: bool = False
    # canonical category -> synonyms folded into it; empty for a free-text category
    categories: dict[str, tuple[str, ...]] = field(default_factory=dict)
    note_zh: str = ""
    note_en: str = ""
    unit: str = ""

    def __post_init__(self) -> None:
        if self.type not in COLUMN_TYPES:
            raise ValueError(f"{self.name}: unknown column type {self.type!r}")

    @property
    def description_zh(self) -> str:
        """The header comment of the template: required?, type, synonyms, categories, note."""
        parts = [f"{self.name}：{'必填' if self.required else '选填'}，{TYPE_ZH[self.type]}"]
        if self.unit:
            parts[0] += f"（单位：{self.unit}）"
        if self.type == "date":
            parts.append("日期写法：2026-03-05、2026/3/5、2026.3.5、2026年3月5日、2026年3月")
        if self.type == "yesno":
            parts.append("填 是/否（也认 有/无、√/×、Y/N、1/0、已/未）")
        if self.type == "percent":
            parts.append("填 85% 或 0.85")
        if self.categories:
            parts.append("可选：" + "、".join(self.categories))
        if self.synonyms:
            parts.append("也认列名：" + "、".join(self.synonyms))
        if self.pii:
            parts.append("个人信息，导入后打码显示")
        if self.note_zh:
            parts.append(self.note_zh)
        return "\n".join(parts)


@dataclass(frozen=True)
class LedgerSpec:
    key: str
    name: str  # canonical sheet name (中文)
    name_en: str
    aliases: tuple[str, ...]
    row_zh: str  # what one row is
    row_en: str
    columns: tuple[ColumnSpec, ...]

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> ColumnSpec:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


def _c(name: str, type_: str, req: bool = False, syn: str = "", *, pii: bool = False, cats: str = "",
       note: str = "", en: str = "", unit: str = "") -> ColumnSpec:
    """Compact column constructor: ``syn`` is ``"a, b"``; ``cats`` is ``"A=a1/a2, B"``."""
    categories: dict[str, tuple[str, ...]] = {}
    for item in filter(None, (s.strip() for s in cats.split(","))):
        canon, _, alts = item.partition("=")
        categories[canon.strip()] = tuple(a.strip() for a in alts.split("/") if a.strip())
    return ColumnSpec(name, type_, req, tuple(s.strip() for s in syn.split(",") if s.strip()), pii,
                      categories, note, en, unit)


def _l(key: str, name: str, name_en: str, aliases: str, row_zh: str, row_en: str,
       *columns: ColumnSpec) -> LedgerSpec:
    return LedgerSpec(key, name, name_en, tuple(a.strip() for a in aliases.split(",")), row_zh, row_en,
                      tuple(columns))


_ACTIVITY_CATS = "文体, 科普, 法制, 道德, 双拥, 党建, 计生宣传, 外来人员培训, 共建, 志愿服务, 其他"
_INCIDENT_CATS = "火灾, 责任事故, 赌博, 毒品, 色情制品, 封建迷信, 计划外生育, 治安案件, 其他"
_FACILITY_CATS = ("老年人活动室, 计生咨询室, 社工服务站, 健身点, 娱乐点, 文体活动室, 阅览室, 公厕, 垃圾箱房, "
                  "垃圾箱, 自行车棚, 公共电话, 便民服务点, 其他")
_TEAM_CATS = "业余消防队, 计生志愿者, 治安巡逻队, 专职巡逻队, 文明劝导, 扶贫帮困, 其他"
_PROBLEM_CATS = ("六乱, 违反七不, 饲养家禽, 无证犬, 违规养鸽, 积存垃圾, 粪便冒溢, 蚊蝇孳生, 渣土堆积, 道路堵塞, "
                 "路面不洁, 标牌破损, 改变公共设施用途, 阳台不规范, 其他")

LEDGERS: dict[str, LedgerSpec] = {spec.key: spec for spec in (
    _l("activities", "活动台账", "Activities", "文体活动, 活动记录, 社区活动", "一次活动", "one activity held",
       _c("活动日期", "date", True, "日期, 活动时间, 时间"),
       _c("活动名称", "text", True, "名称, 活动内容, 内容"),
       _c("活动类别", "category", True, "类别, 活动类型, 类型", cats=_ACTIVITY_CATS),
       _c("参与户数", "int", False, "参加户数, 户数", unit="户"),
       _c("参与人数", "int", False, "参加人数, 人数, 人次", unit="人"),
       _c("地点", "text", False, "活动地点, 场所"),
       _c("共建单位", "text", False, "合作单位, 联建单位",
          note="可填多个，用 、，/； 分隔，如：供电局、电信局", en="several allowed, separated by 、，/；")),
    _l("households", "入户调查", "Household survey", "住户调查, 居民户调查, 入户走访",
       "一次入户走访（同一户以最近一次为准）", "one household visit (the latest visit counts)",
       _c("户号", "text", True, "门牌号, 房号, 住址", note="标识一户", en="identifies a household"),
       _c("楼号", "text", False, "楼栋, 幢号, 楼栋号"),
       _c("调查日期", "date", True, "日期, 走访日期"),
       _c("参加文化活动", "yesno", True, "参与文化活动, 参加文体活动"),
       _c("知晓消防知识", "yesno", True, "消防知识知晓, 消防知识"),
       _c("参与垃圾分类", "yesno", True, "垃圾分类"),
       _c("户主", "text", False, "户主姓名, 姓名", pii=True),
       _c("联系电话", "text", False, "电话, 手机", pii=True)),
    _l("fire_equipment", "消防器材台账", "Fire equipment", "消防器材, 消防设施",
       "某处某类器材的一次检查", "one kind of equipment at one place, at one check",
       _c("位置", "text", True, "楼号, 地点, 点位"),
       _c("器材类型", "category", True, "器材名称, 类型", cats="灭火器, 消火栓, 应急灯, 疏散指示, 烟感, 其他"),
       _c("应配数量", "int", True, "应配, 应配数"),
       _c("实配数量", "int", True, "实配, 实配数, 配备数量"),
       _c("完好数量", "int", False, "完好数, 完好", note="空白按实配数量计", en="defaults to 实配数量"),
       _c("检查日期", "date", True, "日期", note="同一位置同类器材以最近一次检查为准",
          en="the latest check per (位置, 器材类型) counts")),
    _l("security_log", "治安工作台账", "Security work", "治安台账, 综治台账",
       "一项治安工作（例会、检查、巡逻等）", "one security work item (meeting, check, patrol…)",
       _c("日期", "date", True, "工作日期, 时间"),
       _c("工作类型", "category", True, "类型, 类别", cats="例会, 安全检查, 宣传教育, 治安巡逻, 情况积累, 其他"),
       _c("内容", "text", False, "工作内容"),
       _c("参加人数", "int", False, "人数", unit="人"),
       _c("负责人", "text", False, "", pii=True)),
    _l("incidents", "事件台账", "Incidents", "案事件台账, 事故台账", "一起事件或案件", "one incident or case",
       _c("发生日期", "date", True, "日期, 时间"),
       _c("事件类别", "category", True, "类别, 类型", cats=_INCIDENT_CATS),
       _c("等级", "category", False, "级别, 严重程度", cats="一般, 较大, 重大", note="空白按一般计",
          en="blank = 一般"),
       _c("描述", "text", False, "情况, 内容", note="可能含个人信息，显示时打码", en="may contain PII; masked"),
       _c("处理结果", "text", False, "结果")),
    _l("mediation", "调解台账", "Mediation", "人民调解台账, 纠纷调解", "受理的一起纠纷", "one dispute received",
       _c("受理日期", "date", True, "日期, 登记日期"),
       _c("纠纷类型", "category", False, "类型, 类别", cats="邻里, 家庭, 物业, 其他"),
       _c("当事人", "text", False, "当事人姓名, 申请人", pii=True),
       _c("调解结果", "category", True, "结果, 处理结果", cats="成功, 未成功, 调解中, 转交",
          note="转交 = 转其他部门处理，不算调解成功", en="转交 = referred elsewhere"),
       _c("结案日期", "date", False)),
    _l("facilities", "设施台账", "Facilities", "设施清单, 场所台账", "一处设施或场所", "one facility or venue",
       _c("设施名称", "text", True, "名称"),
       _c("设施类别", "category", True, "类别, 类型", cats=_FACILITY_CATS),
       _c("位置", "text", False, "地点"),
       _c("面积", "number", False, "面积(㎡), 面积（平方米）, 使用面积", unit="㎡"),
       _c("数量", "int", False, "个数", note="空白按 1 计", en="defaults to 1"),
       _c("状态", "category", True, "使用状态, 完好情况", cats="正常=完好/良好/在用, 损坏=破损/待修, 停用=关闭"),
       _c("利用率", "percent", False, "使用率"),
       _c("检查日期", "date", False, "日期")),
    _l("buildings", "楼栋台账", "Buildings", "楼组台账, 楼栋信息", "一栋楼", "one building",
       _c("楼号", "text", True, "楼栋, 幢号, 楼栋号"),
       _c("所属网格", "text", False, "网格, 网格号"),
       _c("户数", "int", False, "住户数", unit="户"),
       _c("公共走道数", "int", True, "走道数, 楼道数"),
       _c("已装走道灯数", "int", True, "走道灯, 已装灯数, 楼道灯", note="每栋最多计到公共走道数",
          en="capped at 公共走道数"),
       _c("建立党小组", "yesno", True, "党小组"),
       _c("楼组长", "text", False, "", pii=True)),
    _l("alley_posts", "弄口安全岗", "Alley security posts", "弄口台账, 安全岗台账", "一个弄口", "one alley entrance",
       _c("弄口", "text", True, "弄口名称, 名称"),
       _c("主要弄口", "yesno", True, "是否主要弄口"),
       _c("设岗", "yesno", True, "是否设岗, 安全岗"),
       _c("在岗人数", "int", False, "人数", unit="人"),
       _c("设施完备", "yesno", False, "设施齐全")),
    _l("greening", "绿化台账", "Greening", "绿化统计", "一次绿化面积测量", "one measurement of green area",
       _c("统计日期", "date", True, "日期"),
       _c("小区总面积", "number", True, "总面积, 占地面积", unit="㎡"),
       _c("绿化面积", "number", True, "绿地面积", unit="㎡", note="以统计日期最近的一行为准",
          en="the latest row counts")),
    _l("employment", "就业援助台账", "Employment assistance", "就业援助, 再就业台账",
       "一名登记的下岗/失业人员", "one registered laid-off/unemployed person",
       _c("姓名", "text", False, "", pii=True),
       _c("身份证号", "text", False, "身份证号码, 证件号码", pii=True,
          note="按文本填写：18 位，末位可为 X", en="keep as text: 18 characters, last may be X"),
       _c("人员类别", "category", False, "类别", cats="下岗, 失业"),
       _c("登记日期", "date", True, "日期"),
       _c("安置日期", "date", False, "上岗日期, 就业日期", note="空白 = 尚未安置", en="blank = not yet placed"),
       _c("安置单位", "text", False, "就业单位"),
       _c("参加社保", "yesno", True, "社保, 参保")),
    _l("volunteers", "志愿者名册", "Volunteers", "志愿者台账, 志愿者", "一名志愿者在一支队伍",
       "one volunteer in one team",
       _c("姓名", "text", False, "", pii=True),
       _c("队伍", "category", True, "所属队伍, 志愿者队伍", cats=_TEAM_CATS),
       _c("加入日期", "date", False, "日期"),
       _c("状态", "category", True, "", cats="在册=在职/正常, 退出"),
       _c("联系电话", "text", False, "电话", pii=True)),
    _l("inspections", "环境巡查台账", "Environment inspections", "巡查台账, 环境卫生巡查",
       "巡查发现的一个问题", "one problem found on an inspection round",
       _c("巡查日期", "date", True, "日期, 发现日期"),
       _c("位置", "text", False, "地点"),
       _c("问题类别", "category", True, "问题类型, 类别", cats=_PROBLEM_CATS),
       _c("整改状态", "category", True, "整改情况, 状态", cats="已整改, 未整改"),
       _c("整改日期", "date", False)),
    _l("staff", "工作人员台账", "Staff", "工作人员, 社工名册", "一名工作人员", "one staff member",
       _c("姓名", "text", True, "", pii=True),
       _c("岗位", "text", False, "职务"),
       _c("挂牌服务", "yesno", True, "挂牌"),
       _c("培训上岗", "yesno", True, "培训, 持证上岗")),
    _l("hotline", "服务热线台账", "Service hotline", "热线台账, 热线记录", "受理的一个来电或诉求",
       "one call or request received",
       _c("受理日期", "date", True, "日期, 来电日期"),
       _c("诉求类别", "category", False, "类别"),
       _c("办结", "yesno", True, "是否办结"),
       _c("办结日期", "date", False)),
    _l("migrants", "外来人员登记", "Migrant registration", "来沪人员登记, 流动人口登记", "一名来沪人员",
       "one migrant resident",
       _c("姓名", "text", False, "", pii=True),
       _c("证件号码", "text", False, "身份证号", pii=True),
       _c("登记日期", "date", False, "日期"),
       _c("登记状态", "category", True, "状态", cats="已登记, 待登记, 已离开")),
    _l("projects", "创建项目台账", "Campaign projects", "创建项目, 实事工程",
       "一个创建称号、特色工作、组织或实事工程", "one title, programme, organisation or practical project",
       _c("项目名称", "text", True, "名称"),
       _c("项目类型", "category", True, "类型", cats="创建称号, 特色工作, 组织建设, 实事工程"),
       _c("状态", "category", True, "进展", cats="已获得, 已完成, 开展中, 申报中, 未开始"),
       _c("计划完成日期", "date", False, "计划日期"),
       _c("完成日期", "date", False, "实际完成日期")),
    _l("indicators", "指标填报", "Directly reported values", "指标数据, 直报指标",
       "直接填报的一个指标值（没有台账时使用）", "one directly reported metric value (fallback)",
       _c("指标", "text", True, "指标编号, 指标名称", note="指标编号（如 B07a）或指标中文名",
          en="a metric id (B07a) or its Chinese name"),
       _c("统计日期", "date", True, "日期"),
       _c("数值", "number", True, "值, 完成值", note="百分比可写 92% 或 0.92", en="92% or 0.92"),
       _c("备注", "text", False, "说明")),
    _l("targets", "指标目标", "Target overrides", "目标设置", "一个指标的目标值", "one target override",
       _c("指标", "text", True, "指标编号", note="指标编号", en="metric id"),
       _c("目标值", "number", True, "目标", note="替换该指标的默认目标", en="replaces the default target"),
       _c("启用", "yesno", False, "是否启用", note="填 否 则隐藏该指标", en="否 hides the metric")),
)}
