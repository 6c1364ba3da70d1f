"""The 19 ledgers of ``ledgers.md`` as data: names, aliases, columns, synonyms, categories, PII flags.

Everything else (reader, template, metrics, UI) reads this one table; nothing restates it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypedDict

from ledgers.coltypes import ColumnType

DATE, TEXT, INT, NUMBER, PERCENT, CATEGORY, YESNO = ColumnType  # the table below reads better short


@dataclass(frozen=True, kw_only=True)
class ColumnSpec:
    name: str
    type: ColumnType
    required: bool = False
    synonyms: tuple[str, ...] = ()
    pii: bool = False
    # canonical category -> synonyms folded into it; empty for a free-text category
    categories: dict[str, tuple[str, ...]] = field(default_factory=dict)
    note_zh: str = ""
    note_en: str = ""
    unit: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.type, ColumnType):  # "date" is accepted; anything unknown is refused
            try:
                object.__setattr__(self, "type", ColumnType(self.type))
            except ValueError:
                raise ValueError(f"{self.name}: unknown column type {self.type!r}") from None

    @property
    def description_zh(self) -> str:
        """The header comment of the template: required?, type, synonyms, categories, note."""
        parts = [f"{self.name}：{'必填' if self.required else '选填'}，{self.type.label_zh}"]
        if self.unit:
            parts[0] += f"（单位：{self.unit}）"
        if self.type.hint_zh:
            parts.append(self.type.hint_zh)
        if self.categories:
            parts.append("可选：" + "、".join(self.categories))
        if self.synonyms:
            parts.append("也认列名：" + "、".join(self.synonyms))
        if self.pii:
            parts.append("个人信息，导入后打码显示")
        if self.note_zh:
            parts.append(self.note_zh)
        return "\n".join(parts)


@dataclass(frozen=True, kw_only=True)
class LedgerSpec:
    key: str
    name: str  # canonical sheet name (中文)
    name_en: str
    aliases: tuple[str, ...]
    row_zh: str  # what one row is
    row_en: str
    columns: tuple[ColumnSpec, ...]
    # the columns that tell one row from another when an upload is compared with the stored version
    # (e.g. date + name); empty: rows are matched by their whole content
    match_key: tuple[str, ...] = ()

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


def _c(name: str, type_: ColumnType, *, required: bool = False, synonyms: str = "", pii: bool = False,
       categories: str = "", note: str = "", en: str = "", unit: str = "") -> ColumnSpec:
    """A column of the table below: ``synonyms`` is ``"a, b"``; ``categories`` is ``"A=a1/a2, B"``."""
    cats: dict[str, tuple[str, ...]] = {}
    for item in filter(None, (s.strip() for s in categories.split(","))):
        canon, _, alts = item.partition("=")
        cats[canon.strip()] = tuple(a.strip() for a in alts.split("/") if a.strip())
    return ColumnSpec(name=name, type=type_, required=required, pii=pii, categories=cats, note_zh=note,
                      note_en=en, unit=unit, synonyms=tuple(s.strip() for s in synonyms.split(",") if s.strip()))


def _l(key: str, *, name: str, name_en: str, aliases: str, row_zh: str, row_en: str,
       columns: tuple[ColumnSpec, ...], match: str = "") -> LedgerSpec:
    """A ledger of the table below: ``aliases`` is ``"a, b"``; ``match`` is ``"a, b"``, the row key used
    to compare an upload with the stored version."""
    return LedgerSpec(key=key, name=name, name_en=name_en, aliases=tuple(a.strip() for a in aliases.split(",")),
                      row_zh=row_zh, row_en=row_en, columns=columns,
                      match_key=tuple(m.strip() for m in match.split(",") if m.strip()))


class SheetMapping(TypedDict):
    """A hand mapping the office saved for sheets with one header signature: which ledger, and which
    source header is which of its columns."""

    ledger: str
    columns: dict[str, str]


# header signature -> its saved mapping: what load_files(mappings=...) takes and Store.mappings() gives
Mappings = Mapping[str, SheetMapping]


_ACTIVITY_CATS = "文体, 科普, 法制, 道德, 双拥, 党建, 计生宣传, 外来人员培训, 共建, 志愿服务, 其他"
_INCIDENT_CATS = "火灾, 责任事故, 赌博, 毒品, 色情制品, 封建迷信, 计划外生育, 治安案件, 其他"
_FACILITY_CATS = ("老年人活动室, 计生咨询室, 社工服务站, 健身点, 娱乐点, 文体活动室, 阅览室, 公厕, 垃圾箱房, "
                  "垃圾箱, 自行车棚, 公共电话, 便民服务点, 其他")
_TEAM_CATS = "业余消防队, 计生志愿者, 治安巡逻队, 专职巡逻队, 文明劝导, 扶贫帮困, 其他"
_PROBLEM_CATS = ("六乱, 违反七不, 饲养家禽, 无证犬, 违规养鸽, 积存垃圾, 粪便冒溢, 蚊蝇孳生, 渣土堆积, 道路堵塞, "
                 "路面不洁, 标牌破损, 改变公共设施用途, 阳台不规范, 其他")

LEDGERS: dict[str, LedgerSpec] = {spec.key: spec for spec in (
    _l("activities", name="活动台账", name_en="Activities", aliases="文体活动, 活动记录, 社区活动",
       row_zh="一次活动", row_en="one activity held", columns=(
       _c("活动日期", DATE, required=True, synonyms="日期, 活动时间, 时间"),
       _c("活动名称", TEXT, required=True, synonyms="名称, 活动内容, 内容"),
       _c("活动类别", CATEGORY, required=True, synonyms="类别, 活动类型, 类型", categories=_ACTIVITY_CATS),
       _c("参与户数", INT, synonyms="参加户数, 户数", unit="户"),
       _c("参与人数", INT, synonyms="参加人数, 人数, 人次", unit="人"),
       _c("地点", TEXT, synonyms="活动地点, 场所"),
       _c("共建单位", TEXT, synonyms="合作单位, 联建单位",
          note="可填多个，用 、，/； 分隔，如：供电局、电信局", en="several allowed, separated by 、，/；")),
       match="活动日期, 活动名称"),
    _l("households", name="入户调查", name_en="Household survey", aliases="住户调查, 居民户调查, 入户走访",
       row_zh="一次入户走访（同一户以最近一次为准）", row_en="one household visit (the latest visit counts)", columns=(
       _c("户号", TEXT, required=True, synonyms="门牌号, 房号, 住址", note="标识一户", en="identifies a household"),
       _c("楼号", TEXT, synonyms="楼栋, 幢号, 楼栋号"),
       _c("调查日期", DATE, required=True, synonyms="日期, 走访日期"),
       _c("参加文化活动", YESNO, required=True, synonyms="参与文化活动, 参加文体活动"),
       _c("知晓消防知识", YESNO, required=True, synonyms="消防知识知晓, 消防知识"),
       _c("参与垃圾分类", YESNO, required=True, synonyms="垃圾分类"),
       _c("户主", TEXT, synonyms="户主姓名, 姓名", pii=True),
       _c("联系电话", TEXT, synonyms="电话, 手机", pii=True)),
       match="户号, 调查日期"),
    _l("fire_equipment", name="消防器材台账", name_en="Fire equipment", aliases="消防器材, 消防设施",
       row_zh="某处某类器材的一次检查", row_en="one kind of equipment at one place, at one check", columns=(
       _c("位置", TEXT, required=True, synonyms="楼号, 地点, 点位"),
       _c("器材类型", CATEGORY, required=True, synonyms="器材名称, 类型", categories="灭火器, 消火栓, 应急灯, 疏散指示, 烟感, 其他"),
       _c("应配数量", INT, required=True, synonyms="应配, 应配数"),
       _c("实配数量", INT, required=True, synonyms="实配, 实配数, 配备数量"),
       _c("完好数量", INT, synonyms="完好数, 完好", note="空白按实配数量计", en="defaults to 实配数量"),
       _c("检查日期", DATE, required=True, synonyms="日期", note="同一位置同类器材以最近一次检查为准",
          en="the latest check per (位置, 器材类型) counts")),
       match="位置, 器材类型, 检查日期"),
    _l("security_log", name="治安工作台账", name_en="Security work", aliases="治安台账, 综治台账",
       row_zh="一项治安工作（例会、检查、巡逻等）", row_en="one security work item (meeting, check, patrol…)", columns=(
       _c("日期", DATE, required=True, synonyms="工作日期, 时间"),
       _c("工作类型", CATEGORY, required=True, synonyms="类型, 类别", categories="例会, 安全检查, 宣传教育, 治安巡逻, 情况积累, 其他"),
       _c("内容", TEXT, synonyms="工作内容"),
       _c("参加人数", INT, synonyms="人数", unit="人"),
       _c("负责人", TEXT, pii=True)),
       match="日期, 工作类型"),
    _l("incidents", name="事件台账", name_en="Incidents", aliases="案事件台账, 事故台账",
       row_zh="一起事件或案件", row_en="one incident or case", columns=(
       _c("发生日期", DATE, required=True, synonyms="日期, 时间"),
       _c("事件类别", CATEGORY, required=True, synonyms="类别, 类型", categories=_INCIDENT_CATS),
       _c("等级", CATEGORY, synonyms="级别, 严重程度", categories="一般, 较大, 重大", note="空白按一般计",
          en="blank = 一般"),
       _c("描述", TEXT, synonyms="情况, 内容", note="可能含个人信息，显示时打码", en="may contain PII; masked"),
       _c("处理结果", TEXT, synonyms="结果")),
       match="发生日期, 事件类别"),
    _l("mediation", name="调解台账", name_en="Mediation", aliases="人民调解台账, 纠纷调解",
       row_zh="受理的一起纠纷", row_en="one dispute received", columns=(
       _c("受理日期", DATE, required=True, synonyms="日期, 登记日期"),
       _c("纠纷类型", CATEGORY, synonyms="类型, 类别", categories="邻里, 家庭, 物业, 其他"),
       _c("当事人", TEXT, synonyms="当事人姓名, 申请人", pii=True),
       _c("调解结果", CATEGORY, required=True, synonyms="结果, 处理结果", categories="成功, 未成功, 调解中, 转交",
          note="转交 = 转其他部门处理，不算调解成功", en="转交 = referred elsewhere"),
       _c("结案日期", DATE)),
       match="受理日期, 当事人_key"),
    _l("facilities", name="设施台账", name_en="Facilities", aliases="设施清单, 场所台账",
       row_zh="一处设施或场所", row_en="one facility or venue", columns=(
       _c("设施名称", TEXT, required=True, synonyms="名称"),
       _c("设施类别", CATEGORY, required=True, synonyms="类别, 类型", categories=_FACILITY_CATS),
       _c("位置", TEXT, synonyms="地点"),
       _c("面积", NUMBER, synonyms="面积(㎡), 面积（平方米）, 使用面积", unit="㎡"),
       _c("数量", INT, synonyms="个数", note="空白按 1 计", en="defaults to 1"),
       _c("状态", CATEGORY, required=True, synonyms="使用状态, 完好情况", categories="正常=完好/良好/在用, 损坏=破损/待修, 停用=关闭"),
       _c("利用率", PERCENT, synonyms="使用率"),
       _c("检查日期", DATE, synonyms="日期")),
       match="设施名称, 位置"),
    _l("buildings", name="楼栋台账", name_en="Buildings", aliases="楼组台账, 楼栋信息",
       row_zh="一栋楼", row_en="one building", columns=(
       _c("楼号", TEXT, required=True, synonyms="楼栋, 幢号, 楼栋号"),
       _c("所属网格", TEXT, synonyms="网格, 网格号"),
       _c("户数", INT, synonyms="住户数", unit="户"),
       _c("公共走道数", INT, required=True, synonyms="走道数, 楼道数"),
       _c("已装走道灯数", INT, required=True, synonyms="走道灯, 已装灯数, 楼道灯", note="每栋最多计到公共走道数",
          en="capped at 公共走道数"),
       _c("建立党小组", YESNO, required=True, synonyms="党小组"),
       _c("楼组长", TEXT, pii=True)),
       match="楼号"),
    _l("alley_posts", name="弄口安全岗", name_en="Alley security posts", aliases="弄口台账, 安全岗台账",
       row_zh="一个弄口", row_en="one alley entrance", columns=(
       _c("弄口", TEXT, required=True, synonyms="弄口名称, 名称"),
       _c("主要弄口", YESNO, required=True, synonyms="是否主要弄口"),
       _c("设岗", YESNO, required=True, synonyms="是否设岗, 安全岗"),
       _c("在岗人数", INT, synonyms="人数", unit="人"),
       _c("设施完备", YESNO, synonyms="设施齐全")),
       match="弄口"),
    _l("greening", name="绿化台账", name_en="Greening", aliases="绿化统计",
       row_zh="一次绿化面积测量", row_en="one measurement of green area", columns=(
       _c("统计日期", DATE, required=True, synonyms="日期"),
       _c("小区总面积", NUMBER, required=True, synonyms="总面积, 占地面积", unit="㎡"),
       _c("绿化面积", NUMBER, required=True, synonyms="绿地面积", unit="㎡", note="以统计日期最近的一行为准",
          en="the latest row counts")),
       match="统计日期"),
    _l("employment", name="就业援助台账", name_en="Employment assistance", aliases="就业援助, 再就业台账",
       row_zh="一名登记的下岗/失业人员", row_en="one registered laid-off/unemployed person", columns=(
       _c("姓名", TEXT, pii=True),
       _c("身份证号", TEXT, synonyms="身份证号码, 证件号码", pii=True,
          note="按文本填写：18 位，末位可为 X", en="keep as text: 18 characters, last may be X"),
       _c("人员类别", CATEGORY, synonyms="类别", categories="下岗, 失业"),
       _c("登记日期", DATE, required=True, synonyms="日期"),
       _c("安置日期", DATE, synonyms="上岗日期, 就业日期", note="空白 = 尚未安置", en="blank = not yet placed"),
       _c("安置单位", TEXT, synonyms="就业单位"),
       _c("参加社保", YESNO, required=True, synonyms="社保, 参保")),
       match="身份证号_key"),
    _l("volunteers", name="志愿者名册", name_en="Volunteers", aliases="志愿者台账, 志愿者",
       row_zh="一名志愿者在一支队伍", row_en="one volunteer in one team", columns=(
       _c("姓名", TEXT, pii=True),
       _c("队伍", CATEGORY, required=True, synonyms="所属队伍, 志愿者队伍", categories=_TEAM_CATS),
       _c("加入日期", DATE, synonyms="日期"),
       _c("状态", CATEGORY, required=True, categories="在册=在职/正常, 退出"),
       _c("联系电话", TEXT, synonyms="电话", pii=True)),
       match="姓名_key"),
    _l("inspections", name="环境巡查台账", name_en="Environment inspections", aliases="巡查台账, 环境卫生巡查",
       row_zh="巡查发现的一个问题", row_en="one problem found on an inspection round", columns=(
       _c("巡查日期", DATE, required=True, synonyms="日期, 发现日期"),
       _c("位置", TEXT, synonyms="地点"),
       _c("问题类别", CATEGORY, required=True, synonyms="问题类型, 类别", categories=_PROBLEM_CATS),
       _c("整改状态", CATEGORY, required=True, synonyms="整改情况, 状态", categories="已整改, 未整改"),
       _c("整改日期", DATE)),
       match="巡查日期, 位置, 问题类别"),
    _l("staff", name="工作人员台账", name_en="Staff", aliases="工作人员, 社工名册",
       row_zh="一名工作人员", row_en="one staff member", columns=(
       _c("姓名", TEXT, required=True, pii=True),
       _c("岗位", TEXT, synonyms="职务"),
       _c("挂牌服务", YESNO, required=True, synonyms="挂牌"),
       _c("培训上岗", YESNO, required=True, synonyms="培训, 持证上岗")),
       match="姓名_key"),
    _l("hotline", name="服务热线台账", name_en="Service hotline", aliases="热线台账, 热线记录",
       row_zh="受理的一个来电或诉求", row_en="one call or request received", columns=(
       _c("受理日期", DATE, required=True, synonyms="日期, 来电日期"),
       _c("诉求类别", CATEGORY, synonyms="类别"),
       _c("办结", YESNO, required=True, synonyms="是否办结"),
       _c("办结日期", DATE)),
       match="受理日期, 诉求类别"),
    _l("migrants", name="外来人员登记", name_en="Migrant registration", aliases="来沪人员登记, 流动人口登记",
       row_zh="一名来沪人员", row_en="one migrant resident", columns=(
       _c("姓名", TEXT, pii=True),
       _c("证件号码", TEXT, synonyms="身份证号", pii=True),
       _c("登记日期", DATE, synonyms="日期"),
       _c("登记状态", CATEGORY, required=True, synonyms="状态", categories="已登记, 待登记, 已离开")),
       match="证件号码_key"),
    _l("projects", name="创建项目台账", name_en="Campaign projects", aliases="创建项目, 实事工程",
       row_zh="一个创建称号、特色工作、组织或实事工程", row_en="one title, programme, organisation or practical project", columns=(
       _c("项目名称", TEXT, required=True, synonyms="名称"),
       _c("项目类型", CATEGORY, required=True, synonyms="类型", categories="创建称号, 特色工作, 组织建设, 实事工程"),
       _c("状态", CATEGORY, required=True, synonyms="进展", categories="已获得, 已完成, 开展中, 申报中, 未开始"),
       _c("计划完成日期", DATE, synonyms="计划日期"),
       _c("完成日期", DATE, synonyms="实际完成日期")),
       match="项目名称"),
    _l("indicators", name="指标填报", name_en="Directly reported values", aliases="指标数据, 直报指标",
       row_zh="直接填报的一个指标值（没有台账时使用）", row_en="one directly reported metric value (fallback)", columns=(
       _c("指标", TEXT, required=True, synonyms="指标编号, 指标名称", note="指标编号（如 B07a）或指标中文名",
          en="a metric id (B07a) or its Chinese name"),
       _c("统计日期", DATE, required=True, synonyms="日期"),
       _c("数值", NUMBER, required=True, synonyms="值, 完成值", note="百分比可写 92% 或 0.92", en="92% or 0.92"),
       _c("备注", TEXT, synonyms="说明")),
       match="指标, 统计日期"),
    _l("targets", name="指标目标", name_en="Target overrides", aliases="目标设置",
       row_zh="一个指标的目标值", row_en="one target override", columns=(
       _c("指标", TEXT, required=True, synonyms="指标编号", note="指标编号", en="metric id"),
       _c("目标值", NUMBER, required=True, synonyms="目标", note="替换该指标的默认目标", en="replaces the default target"),
       _c("启用", YESNO, synonyms="是否启用", note="填 否 则隐藏该指标", en="否 hides the metric")),
       match="指标"),
)}
