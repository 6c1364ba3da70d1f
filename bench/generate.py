"""Deterministic street-scale workbook: all 19 ledgers of ledgers.md, with the office mess.

    .venv/bin/python -m bench.generate --rows 300000 --out /tmp/street_300k.xlsx

Written with xlsxwriter in constant_memory mode: openpyxl needs minutes and gigabytes for 300k rows.
The same --rows and --seed always give the same cell values (the file bytes differ only by the
workbook's creation time).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import xlsxwriter

# Bump when the content changes, so cached workbooks of an older generator are not reused.
GENERATOR_VERSION = 2
DEFAULT_SEED = 20261128
FULL_ROWS = 300_000
# BENCH_CACHE_DIR lets tests keep their workbooks in a temporary folder
CACHE_DIR = Path(os.environ.get("BENCH_CACHE_DIR") or Path(__file__).resolve().parent / "_cache")

# Data rows per ledger at street scale (300,000 in all); smaller sizes keep these proportions.
FULL_COUNTS: dict[str, int] = {
    "households": 120_000,
    "security_log": 60_000,
    "inspections": 50_000,
    "activities": 40_000,
    "hotline": 6_035,
    "fire_equipment": 6_000,
    "volunteers": 4_000,
    "migrants": 3_500,
    "mediation": 3_000,
    "employment": 2_500,
    "incidents": 2_000,
    "facilities": 1_500,
    "buildings": 800,
    "alley_posts": 200,
    "staff": 150,
    "indicators": 150,
    "greening": 100,
    "projects": 60,
    "targets": 5,
}
assert sum(FULL_COUNTS.values()) == FULL_ROWS
# Small sizes still need every checklist item and a few rows per ledger, or metrics go no_data.
MIN_COUNTS = {"projects": 20, "buildings": 10, "alley_posts": 10, "staff": 10, "greening": 12}

START = dt.date(2025, 1, 1)
END = dt.date(2026, 11, 20)  # the as-of date D that metrics.md's defaults must find
SPAN = (END - START).days
EXCEL_EPOCH = dt.date(1899, 12, 30)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国兰"
ROADS = ["桃园路", "杏花路", "梅林路", "春晖路", "长寿路", "延安西路"]


class XDate(float):
    """An Excel serial written with a date format: a real date cell."""


class Serial(float):
    """An Excel serial written as a plain number: the 'serial number' mess."""


Cell = str | int | float | None
Row = list[Cell]


def scaled_counts(rows: int) -> dict[str, int]:
    """Rows per ledger for a workbook of about `rows` data rows, in FULL_COUNTS proportions."""
    counts = {k: max(MIN_COUNTS.get(k, 5), round(v * rows / FULL_ROWS)) for k, v in FULL_COUNTS.items()}
    # households absorbs rounding so the total is exact whenever it can be
    counts["households"] = max(5, counts["households"] + rows - sum(counts.values()))
    return counts


class Mess:
    """Turns clean values into what offices type: text dates, numbers with units, yes/no variants."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        # one precomputed tuple per day: formatting 300k dates on the fly is the slow part
        self.days = []
        for i in range(SPAN + 1):
            d = START + dt.timedelta(days=i)
            self.days.append(
                (
                    float((d - EXCEL_EPOCH).days),
                    f"{d.year}.{d.month}.{d.day}",
                    f"{d.year}年{d.month}月{d.day}日",
                    f"{d.year}/{d.month}/{d.day}",
                    d.isoformat(),
                )
            )

    def day(self, lo: int = 0, hi: int = SPAN) -> int:
        return self.rng.randint(lo, hi)

    def date(self, i: int) -> Cell:
        """Mostly real dates; about 15 % text in the four office spellings, 1 % bare serials."""
        i = min(max(i, 0), SPAN)
        serial, dotted, chinese, slashed, iso = self.days[i]
        r = self.rng.random()
        if r < 0.84:
            return XDate(serial)
        if r < 0.89:
            return dotted
        if r < 0.94:
            return chinese
        if r < 0.97:
            return slashed
        if r < 0.99:
            return iso
        return Serial(serial)

    def num(self, v: int | float, unit: str = "") -> Cell:
        """A number; sometimes text with a unit, a thousands separator or full-width digits."""
        r = self.rng.random()
        if r < 0.80:
            return v
        if r < 0.92 and unit:
            return f"{v}{unit}"
        if r < 0.96 and v >= 1000:
            return f"{v:,}"
        if r < 0.98:
            return str(v).translate(FULLWIDTH)
        return str(v)

    def yesno(self, b: bool) -> Cell:
        pair = self.rng.choice(YESNO)
        return pair[0] if b else pair[1]

    def name(self) -> str:
        rng = self.rng
        given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
        return rng.choice(SURNAMES) + given

    def phone(self) -> str:
        return f"1{self.rng.choice('3589')}{self.rng.randint(0, 999_999_999):09d}"

    def pick(self, weighted: Sequence[tuple[str, float]]) -> str:
        return self.rng.choices([w[0] for w in weighted], [w[1] for w in weighted])[0]


FULLWIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")
YESNO: list[tuple[Cell, Cell]] = [
    ("是", "否"), ("是", "否"), ("是", "否"), ("是", "否"), ("有", "无"), ("√", "×"),
    ("✓", "✗"), ("Y", "N"), (1, 0), ("TRUE", "FALSE"), ("已", "未"),
]


class Sheet:
    """One ledger sheet: name, header (synonyms included), mess above and below the rows."""

    def __init__(
        self,
        name: str,
        header: list[str],
        rows: Callable[[Mess, int], Iterator[Row]],
        *,
        title: str | None = None,
        unit_note: str | None = None,
        sum_cols: tuple[int, ...] = (),
        notes: str | None = "填表人：居委会办公室",
        hidden: bool = False,
        two_row: tuple[str, int, list[str]] | None = None,
    ) -> None:
        self.name, self.header, self.rows = name, header, rows
        self.title, self.unit_note, self.sum_cols = title, unit_note, sum_cols
        self.notes, self.hidden, self.two_row = notes, hidden, two_row


# ---------------------------------------------------------------- the ledgers, one generator each
ACTIVITY_CATS = [
    ("文体", 30), ("科普", 10), ("法制", 8), ("道德", 6), ("双拥", 3), ("党建", 12), ("计生宣传", 5),
    ("外来人员培训", 4), ("共建", 6), ("志愿服务", 12), ("其他", 4),
]
PARTNERS = ["供电局", "国网供电局", "电信局", "总工会", "自来水公司", "派出所", "卫生服务中心"]
SEPARATORS = ["、", ",", "，", "/", "；"]


def activities(m: Mess, n: int) -> Iterator[Row]:
    rng = m.rng
    for i in range(n):
        cat = m.pick(ACTIVITY_CATS)
        hh = rng.randint(5, 200)
        partners = ""
        if rng.random() < 0.3:
            partners = rng.choice(SEPARATORS).join(rng.sample(PARTNERS, rng.randint(1, 3)))
        yield [
            m.date(SPAN if i == 0 else m.day()),
            f"{cat}活动第{i + 1}期",
            cat if rng.random() < 0.97 else f" {cat} ",
            m.num(hh, "户"),
            m.num(hh * rng.randint(1, 3), "人"),
            rng.choice(["居委会活动室", "小区广场", "文体活动室", "社区学校"]),
            partners or None,
        ]


def address(rng: random.Random, i: int) -> tuple[str, str]:
    road = ROADS[i % len(ROADS)]
    lane, bldg = 100 + (i // 600) % 400, 1 + (i // 24) % 25
    return f"{road}{lane}弄{bldg}号{101 + (i % 24) // 4 * 100 + i % 4}室", f"{lane}弄{bldg}号"


def households(m: Mess, n: int) -> Iterator[Row]:
    rng = m.rng
    distinct = max(1, n * 2 // 5)  # about 2.5 visits per household: the latest visit counts
    for _ in range(n):
        room, bldg = address(rng, rng.randrange(distinct))
        yield [
            room,
            bldg,
            m.date(m.day()),
            m.yesno(rng.random() < 0.84),
            m.yesno(rng.random() < 0.92),
            m.yesno(rng.random() < 0.88),
            m.name(),
            m.phone(),
        ]


FIRE_TYPES = [("灭火器", 50), ("消火栓", 15), ("应急灯", 15), ("疏散指示", 10), ("烟感", 8), ("其他", 2)]


def fire_equipment(m: Mess, n: int) -> Iterator[Row]:
    rng = m.rng
    places = max(1, n // 8)
    for _ in range(n):
        need = rng.randint(2, 12)
        have = need - (rng.random() < 0.15) * rng.randint(1, 2)
        yield [
            f"{100 + rng.randrange(places) // 25}弄{1 + rng.randrange(places) % 25}号",
            m.pick(FIRE_TYPES),
            m.num(need, "个"),
            m.num(have, "个"),
            m.num(max(0, have - (rng.random() < 0.05)), "个") if rng.random() < 0.9 else None,
            m.date(m.day()),
        ]


SECURITY_TYPES = [("例会", 10), ("安全检查", 20), ("宣传教育", 15), ("治安巡逻", 45), ("情况积累", 8), ("其他", 2)]


def security_log(m: Mess, n: int) -> Iterator[Row]:
    rng = m.rng
    for i in range(n):
        kind = m.pick(SECURITY_TYPES)
        yield [
            m.date(SPAN if i == n - 1 else m.day()),
            kind,
            f"{kind}：第{i + 1}次",
            m.num(rng.randint(2, 30), "人"),
            m.name(),
        ]


INCIDENT_CATS = [
    ("治安案件", 60), ("其他", 25), ("火灾", 5), ("责任事故", 3), ("赌博", 2), ("毒品", 1),
    ("色情制品", 1), ("封建迷信", 2), ("计划外生育", 1),
]


def incidents(m: Mess, n: int) -> Iterator[Row]:
    rng = m.rng
    for _ in range(n):
        yield [
            m.date(m.day()),
            m.pick(INCIDENT_CATS),
            m.pick([("一般", 85), ("较大", 14), ("", 0.9), ("重大", 0.1)]) or None,
            f"{m.name()}报告，{rng.choice(['已处置', '已报派出所', '现场调解'])}",
            rng.choice(["已处理", "处理中", "已结案"]),
        ]


def mediation(m: Mess, n: int) -> Iterator[Row]:
    rng = m.rng
    for _ in range(n):
        got = m.day()
        result = m.pick([("成功", 88), ("未成功", 5), ("调解中", 5), ("转交", 2)])
        yield [
            m.date(got),
            m.pick([("邻里", 45), ("家庭", 25), ("物业", 25), ("其他", 5)]),
            m.name(),
            result,
            m.date(got + rng.randint(1, 20)) if result != "调解中" else None,
        ]


FACILITY_CATS = [
    ("老年人活动室", 3), ("计生咨询室", 2), ("社工服务站", 2), ("健身点", 10), ("娱乐点", 6), ("文体活动室", 4),
    ("阅览室", 2), ("公厕", 8), ("垃圾箱房", 15), ("垃圾箱", 30), ("自行车棚", 8), ("公共电话", 3),
    ("便民服务点", 5), ("其他", 2),
]
USAGE = {"自行车棚", "公共电话", "便民服务点"}


def facilities(m: Mess, n: int) -> Iterator[Row]:
    rng = m.rng
    for i in range(n):
        cat = m.pick(FACILITY_CATS)
        area = rng.randint(20, 200) if cat in ("健身点", "娱乐点", "文体活动室", "阅览室", "老年人活动室") else None
        usage = rng.randint(60, 99) if cat in USAGE else None
        yield [
            f"{cat}{i + 1}",
            cat,
            f"{100 + i % 400}弄",
            m.num(area, "㎡") if area else None,
            m.num(rng.randint(1, 6), "个") if cat.startswith("垃圾") else None,
            m.pick([("正常", 80), ("完好", 5), ("良好", 3), ("损坏", 6), ("待修", 2), ("停用", 4)]),
            (f"{usage}%" if rng.random() < 0.6 else usage / 100) if usage else None,
            m.date(m.day()) if rng.random() < 0.8 else None,
        ]


def buildings(m: Mess, n: int) -> Iterator[Row]:
    rng = m.rng
    for i in range(n):
        ways = rng.randint(2, 12)
        yield [
            f"{100 + i // 25}弄{1 + i % 25}号",
            f"第{1 + i // 40}网格" if rng.random() < 0.97 else None,
            m.num(rng.randint(12, 96), "户"),
            m.num(ways, "个"),
            m.num(ways - (rng.random() < 0.1), "盏"),
            m.yesno(rng.random() < 0.95),
            m.name(),
        ]


def alley_posts(m: Mess, n: int) -> Iterator[Row]:
    rng = m.rng
    for i in range(n):
        main = rng.random() < 0.4
        yield [
            f"{ROADS[i % len(ROADS)]}{100 + i}弄弄口",
            m.yesno(main),
            m.yesno(rng.random() < (0.97 if main else 0.5)),
            m.num(rng.randint(0, 3), "人"),
            m.yesno(rng.random() < 0.9),
        ]


def greening(m: Mess, n: int) -> Iterator[Row]:
    rng = m.rng
    for i in range(n):
        # a month-only date (2026年3月) is one more spelling the reader must take as the 1st
        day = SPAN if i == n - 1 else m.day()
        d = START + dt.timedelta(days=day)
        when = f"{d.year}年{d.month}月" if rng.random() < 0.2 and i != n - 1 else m.date(day)
        total = 100_000 + rng.randint(0, 50_000)
        yield [when, m.num(total, "㎡"), m.num(int(total * rng.uniform(0.32, 0.40)), "平方米")]


ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(rng: random.Random) -> str:
    """An 18-character ID with a valid check digit; 1 in 200 mistyped, as clerks do."""
    body = (f"310{rng.randint(100, 115)}{rng.randint(1950, 2000)}{rng.randint(1, 12):02d}"
            f"{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}")
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, ID_WEIGHTS, strict=True)) % 11]
    if rng.random() < 0.005:
        check = "0" if check != "0" else "1"
    return body + check


def employment(m: Mess, n: int) -> Iterator[Row]:
    rng = m.rng
    for _ in range(n):
        reg = m.day()
        placed = rng.random() < 0.6
        yield [
            m.name(),
            id_number(rng),
            rng.choice(["下岗", "失业"]),
            m.date(reg),
            m.date(min(SPAN, reg + rng.randint(10, 200))) if placed else None,
            rng.choice(["物业公司", "超市", "保安公司", "社区食堂"]) if placed else None,
            m.yesno(rng.random() < 0.97),
        ]


TEAMS = [("业余消防队", 8), ("计生志愿者", 8), ("治安巡逻队", 20), ("专职巡逻队", 4), ("文明劝导", 25), ("扶贫帮困", 20), ("其他", 15)]


def volunteers(m: Mess, n: int) -> Iterator[Row]:
    rng = m.rng
    for _ in range(n):
        yield [
            m.name(),
            m.pick(TEAMS),
            m.date(m.day()) if rng.random() < 0.9 else None,
            m.pick([("在册", 80), ("在职", 5), ("正常", 5), ("退出", 10)]),
            m.phone(),
        ]


INSPECTION_CATS = [
    ("六乱", 10), ("违反七不", 5), ("饲养家禽", 2), ("无证犬", 4), ("违规养鸽", 1), ("积存垃圾", 15),
    ("粪便冒溢", 2), ("蚊蝇孳生", 5), ("渣土堆积", 6), ("道路堵塞", 8), ("路面不洁", 12), ("标牌破损", 5),
    ("改变公共设施用途", 3), ("阳台不规范", 7), ("其他", 15),
]


def inspections(m: Mess, n: int) -> Iterator[Row]:
    rng = m.rng
    for _ in range(n):
        found = m.day()
        fixed = rng.random() < 0.985
        yield [
            m.date(found),
            f"{100 + rng.randrange(400)}弄",
            m.pick(INSPECTION_CATS),
            "已整改" if fixed else "未整改",
            m.date(min(SPAN, found + rng.randint(0, 14))) if fixed else None,
        ]


def staff(m: Mess, n: int) -> Iterator[Row]:
    rng = m.rng
    for _ in range(n):
        yield [
            m.name(),
            rng.choice(["社工", "居委会主任", "网格员", "协管员"]),
            m.yesno(rng.random() < 0.97),
            m.yesno(rng.random() < 0.95),
        ]


def hotline(m: Mess, n: int) -> Iterator[Row]:
    rng = m.rng
    for _ in range(n):
        got = m.day()
        done = rng.random() < 0.95
        yield [
            m.date(got),
            rng.choice(["物业维修", "环境卫生", "邻里纠纷", "政策咨询", "噪音扰民"]),
            m.yesno(done),
            m.date(min(SPAN, got + rng.randint(0, 7))) if done else None,
        ]


def migrants(m: Mess, n: int) -> Iterator[Row]:
    rng = m.rng
    for _ in range(n):
        yield [
            m.name(),
            id_number(rng),
            m.date(m.day()) if rng.random() < 0.95 else None,
            m.pick([("已登记", 85), ("待登记", 5), ("已离开", 10)]),
        ]


PROJECTS = [
    ("创建市级文明社区", "创建称号", "已获得"), ("学习型小区", "创建称号", "已获得"),
    ("科普小区", "创建称号", "已获得"), ("安全小区", "创建称号", "申报中"), ("卫生小区", "创建称号", "已获得"),
    ("全国社区建设模范居委会", "创建称号", "申报中"), ("上海市交通文明居委会", "创建称号", "已获得"),
    ("残疾人康复中心", "特色工作", "开展中"), ("职工之家", "特色工作", "已完成"),
    ("老年人旅游园地", "特色工作", "开展中"), ("温馨家园巾帼文明岗", "特色工作", "未开始"),
    ("专职巡逻队", "组织建设", "已完成"), ("房屋协管服务社", "组织建设", "开展中"),
]


def projects(m: Mess, n: int) -> Iterator[Row]:
    rng = m.rng
    for i in range(n):
        if i < len(PROJECTS):
            name, kind, state = PROJECTS[i]
        else:
            name, kind = f"实事工程{i + 1}：{rng.choice(['加装电梯', '道路修缮', '雨污分流', '增设停车位'])}", "实事工程"
            state = m.pick([("已完成", 80), ("开展中", 15), ("未开始", 5)])
        due = m.day(200)
        yield [
            name,
            kind,
            state,
            m.date(due),
            m.date(due - rng.randint(0, 60)) if state in ("已完成", "已获得") else None,
        ]


METRIC_IDS = ["B01", "B07a", "B08", "B15", "T04", "T10b", "T11b", "T15", "B14", "B09c"]


def indicators(m: Mess, n: int) -> Iterator[Row]:
    rng = m.rng
    for i in range(n):
        mid = METRIC_IDS[i % len(METRIC_IDS)]
        yield [
            mid if rng.random() < 0.8 else {"B15": "绿化率"}.get(mid, mid),
            m.date(m.day()),
            f"{rng.randint(80, 100)}%" if rng.random() < 0.5 else rng.randint(80, 100) / 100,
            "街道直报" if rng.random() < 0.3 else None,
        ]


TARGET_ROWS = [("B04", 6, "是"), ("T12a", 60, "是"), ("B09a", 450, "是"), ("T13", 120, "是"), ("B05c", 0, "否")]


def targets(m: Mess, n: int) -> Iterator[Row]:
    for i in range(n):
        mid, value, enabled = TARGET_ROWS[i % len(TARGET_ROWS)]
        yield [mid, m.num(value), enabled]


YEAR_TITLE = "桃园街道2025—2026年"
SHEETS: dict[str, Sheet] = {
    "activities": Sheet(
        "文体活动", ["活动日期", "活动名称", "类别", "参与户数", "参与人数", "活动地点", "合作单位"], activities,
        title=YEAR_TITLE + "文体活动台账", sum_cols=(3, 4),
        two_row=("参与", 3, ["户数", "人数"]),  # 参与 over 户数 | 人数, as offices draw it
    ),
    "households": Sheet(
        "入户走访", ["门牌号", "楼栋号", "走访日期", "参加文化活动", "消防知识知晓", "垃圾分类", "户主姓名", "联系电话"],
        households, title=YEAR_TITLE + "入户调查汇总", unit_note="单位：户",
    ),
    "fire_equipment": Sheet(
        "消防器材台账", ["位置", "器材名称", "应配数", "实配数量", "完好数 ", "检查日期"], fire_equipment,
        title="消防器材检查登记表", sum_cols=(2, 3, 4),
    ),
    "security_log": Sheet(
        "综治台账", ["工作日期", "工作类型", "工作内容", "参加人数", "负责人"], security_log,
        title=YEAR_TITLE + "治安工作台账", sum_cols=(3,),
    ),
    "incidents": Sheet("事件台账", ["发生日期", "类别", "级别", "情况", "处理结果"], incidents),
    "mediation": Sheet(
        "人民调解台账", ["受理日期", "纠纷类型", "当事人", "调解结果", "结案日期"], mediation,
        title="人民调解登记簿",
    ),
    "facilities": Sheet(
        "设施清单", ["设施名称", "设施类别", "地点", "面积（平方米）", "个数", "完好情况", "使用率", "检查日期"], facilities,
        title="社区公共设施一览", sum_cols=(3,),
    ),
    "buildings": Sheet(
        "楼栋台账", ["楼号", "网格", "住户数", "公共走道数", "楼道灯", "党小组", "楼组长"], buildings,
        title="楼栋基本信息", sum_cols=(2, 3, 4),
    ),
    "alley_posts": Sheet("弄口安全岗", ["弄口名称", "是否主要弄口", "是否设岗", "在岗人数", "设施齐全"], alley_posts),
    # named Sheet1: recognised only by its header
    "greening": Sheet("Sheet1", ["统计日期", "占地面积(㎡)", "绿地面积（㎡）"], greening, notes="备注：面积以房管所测绘为准"),
    "employment": Sheet(
        "就业援助", ["姓名", "身份证号码", "人员类别", "登记日期", "上岗日期", "就业单位", "参保"], employment,
        title="下岗失业人员就业援助登记",
    ),
    "volunteers": Sheet("志愿者名册", ["姓名", "所属队伍", "加入日期", "状态", "电话"], volunteers, title="志愿者花名册"),
    "inspections": Sheet(
        "巡查台账", ["发现日期", "地点", "问题类型", "整改情况", "整改日期"], inspections,
        title=YEAR_TITLE + "环境卫生巡查记录",
    ),
    "staff": Sheet("社工名册", ["姓名", "职务", "挂牌", "持证上岗"], staff),
    "hotline": Sheet("热线记录", ["来电日期", "诉求类别", "是否办结", "办结日期"], hotline, title="服务热线受理登记"),
    "migrants": Sheet("来沪人员登记", ["姓名", "身份证号", "登记日期", "登记状态"], migrants, title="来沪人员信息登记表"),
    "projects": Sheet("创建项目", ["项目名称", "项目类型", "进展", "计划日期", "实际完成日期"], projects, notes=None),
    "indicators": Sheet("指标填报", ["指标编号", "统计日期", "数值", "说明"], indicators, notes=None),
    "targets": Sheet("目标设置", ["指标", "目标值", "是否启用"], targets, notes=None, hidden=True),
}
assert set(SHEETS) == set(FULL_COUNTS)


def generate(path: Path, rows: int = FULL_ROWS, seed: int = DEFAULT_SEED) -> dict[str, int]:
    """Write the workbook to `path`; return the data rows written per ledger."""
    counts = scaled_counts(rows)
    rng = random.Random(f"{seed}:{rows}")
    mess = Mess(rng)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    bold = wb.add_format({"bold": True, "align": "center"})
    for key, sheet in SHEETS.items():
        ws = wb.add_worksheet(sheet.name)
        if sheet.hidden:
            ws.hide()
        r = 0
        if sheet.title:
            ws.write_string(r, 0, sheet.title)
            r += 1
            if sheet.unit_note:
                ws.write_string(r, 0, sheet.unit_note)
            r += 1  # a unit note, or the blank row offices leave under the title
        header = sheet.header
        if sheet.two_row:
            # constant_memory writes rows in order: the merged top row first, then the sub-headers
            top, at, subs = sheet.two_row
            for c, h in enumerate(header):
                if not at <= c < at + len(subs):
                    ws.write_string(r, c, h, bold)
            ws.merge_range(r, at, r, at + len(subs) - 1, top, bold)
            r += 1
            for c, s in enumerate(subs):
                ws.write_string(r, at + c, s, bold)
        else:
            for c, h in enumerate(header):
                ws.write_string(r, c, h, bold)
        r += 1
        sums = dict.fromkeys(sheet.sum_cols, 0.0)
        n = 0
        for row in sheet.rows(mess, counts[key]):
            for c, v in enumerate(row):
                if v is None:
                    continue
                if isinstance(v, XDate):
                    ws.write_number(r, c, v, date_fmt)
                elif isinstance(v, str):
                    ws.write_string(r, c, v)
                else:
                    ws.write_number(r, c, v)
                    if c in sums:
                        sums[c] += v
            r += 1
            n += 1
            # a blank row in the middle of long ledgers: offices leave them between months
            if n == counts[key] // 2 and n > 100:
                r += 1
        counts[key] = n
        if sheet.sum_cols:
            ws.write_string(r, 0, "合计")
            for c, total in sums.items():
                ws.write_number(r, c, total)
            r += 1
        if sheet.notes:
            ws.write_string(r, 0, sheet.notes)
        ws.set_column(0, len(header), 14)
    wb.close()
    return counts


def cached(rows: int, seed: int = DEFAULT_SEED, cache_dir: Path = CACHE_DIR) -> Path:
    """The workbook for `rows`, generated once into the (git-ignored) cache."""
    path = cache_dir / f"street_{rows}_s{seed}_v{GENERATOR_VERSION}.xlsx"
    if not path.exists():
        tmp = path.with_suffix(f".{os.getpid()}.tmp.xlsx")  # parallel test workers each write their own
        generate(tmp, rows, seed)
        tmp.replace(path)  # never leave a half-written workbook under the cached name
    return path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, default=FULL_ROWS, help="data rows in all (default 300000)")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    p.add_argument("--out", type=Path, help="default: the cache, bench/_cache/street_<rows>_...xlsx")
    a = p.parse_args(argv)
    t0 = time.perf_counter()
    if a.out:
        counts = generate(a.out, a.rows, a.seed)
        out = a.out
    else:
        out = cached(a.rows, a.seed)
        counts = scaled_counts(a.rows)
    print(f"{out}  {sum(counts.values()):,} rows in {len(counts)} ledgers  {time.perf_counter() - t0:.1f} s")
    for key, n in counts.items():
        print(f"  {SHEETS[key].name:<10} {key:<15} {n:>8,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
