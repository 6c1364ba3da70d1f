"""Generate the ledgers of the fictional 桃园社区 (sample data of the dashboard).

Deterministic: every run writes byte-identical files (seeded randomness, fixed document and zip
timestamps). The files are kept the way an office keeps them (titles, unit notes, merged headers,
synonyms, text dates, totals rows, a hidden sheet, a ``Sheet1``, GBK CSV, an ``.xls``); every mess
is one that ``shared/spec/ledgers.md`` says a reader accepts. README.md lists the intended metric
values and statuses; the counts below are chosen to land them.

Usage: python sample_data/generate.py [OUTPUT_DIR]      (default: this folder)
"""

from __future__ import annotations

import csv
import io
import random
import re
import sys
import zipfile
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import xlsxwriter
import xlwt
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

AS_OF = date(2026, 11, 20)          # the latest starred date of any ledger: default D
START = date(2025, 1, 1)
FIXED_TS = datetime(2026, 11, 20, 18, 0, 0)   # document timestamps: fixed, so bytes repeat
ZIP_TS = (2026, 11, 20, 18, 0, 0)
HERE = Path(__file__).resolve().parent

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈任姚卢姜崔钟谭陆汪范金石廖贾夏韦傅方邹熊孟秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英霞平刚桂兰华红玉萍建国文斌志宏俊峰海燕梅琴云飞鹏辉玲晶波宁凤春林欣慧佳雪婷颖亮健浩宇翔晨阳"


def rng_for(name: str) -> random.Random:
    # One generator per ledger (string seeds are hashed deterministically), so tuning one
    # ledger never reshuffles the others.
    return random.Random(f"taoyuan-{name}")


class Names:
    """Fictional names, unique within one instance (so 'distinct 姓名' equals 'distinct person')."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def __call__(self) -> str:
        while True:
            given = "".join(self.rng.sample(GIVEN, self.rng.choice((1, 2, 2))))
            name = self.rng.choice(SURNAMES) + given
            if name not in self.used:
                self.used.add(name)
                return name


def phone(rng: random.Random) -> str:
    return rng.choice(("138", "139", "136", "137", "150", "151", "158", "186", "189", "133")) + "".join(
        str(rng.randrange(10)) for _ in range(8))


def id_number(rng: random.Random, area: str, born_from: int, born_to: int) -> str:
    """A fictional 18-digit ID with a valid GB 11643 check character."""
    born = date(born_from, 1, 1) + timedelta(days=rng.randrange((born_to - born_from) * 365))
    body = f"{area}{born:%Y%m%d}{rng.randrange(1000):03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]
    return body + check


def workdays(start: date, end: date) -> list[date]:
    days, d = [], start
    while d <= end:
        if d.weekday() < 5:
            days.append(d)
        d += timedelta(days=1)
    return days


def spread(rng: random.Random, n: int, start: date, end: date) -> list[date]:
    """n sorted workdays between start and end, roughly evenly spread."""
    pool = workdays(start, end)
    step = len(pool) / n
    return sorted(pool[min(len(pool) - 1, int(i * step + rng.random() * step))] for i in range(n))


def text_date(d: date, style: int) -> str:
    # The ways a date gets typed into a text cell (all in ledgers.md).
    return (f"{d.year}.{d.month}.{d.day}", f"{d.year}年{d.month}月{d.day}日", f"{d.year}/{d.month}/{d.day}",
            f"{d:%Y-%m-%d}")[style % 4]


# --------------------------------------------------------------------------- the estate

# 18 six-storey walk-ups (4 or 6 flats a floor) and 12 high-rises (4 flats a floor): 1,200 flats.
LOWRISE_UNITS = [4, 6, 4, 4, 6, 4, 6, 4, 4, 6, 4, 6, 4, 6, 4, 4, 6, 6]
HIGHRISE_FLOORS = [12, 14, 16, 14, 12, 16, 14, 14, 12, 16, 14, 14]


def buildings() -> list[dict]:
    rows: list[Any] = []
    for b in range(1, 31):
        if b <= 18:
            floors, units = 6, LOWRISE_UNITS[b - 1]
            walkways = floors * (units // 2)       # one landing per stairwell per floor
        else:
            floors, units = HIGHRISE_FLOORS[b - 19], 4
            walkways = floors
        rows.append({"楼号": f"{b}号楼", "floors": floors, "units": units, "户数": floors * units,
                     "网格": f"第{(b - 1) // 8 + 1}网格", "公共走道数": walkways})
    assert sum(r["户数"] for r in rows) == 1200
    return rows


BUILDINGS = buildings()


def flats() -> list[tuple[str, str]]:
    out = []
    for b in BUILDINGS:
        for f in range(1, b["floors"] + 1):
            for u in range(1, b["units"] + 1):
                out.append((f"{b['楼号']}{f}{u:02d}室", b["楼号"]))
    return out


# --------------------------------------------------------------------------- ledgers as rows

def household_visits() -> list[list]:
    rng = rng_for("households")
    names = Names(rng)
    homes = flats()
    n = len(homes)
    order = list(range(n))
    rng.shuffle(order)
    first_2025 = set(order[:660])          # 660 visited in 2025, 540 only in 2026
    revisit = set(order[:180])             # 180 of the 2025 households visited again in 2026
    # Exact counts of "否" on the LATEST visit: 84 → 93 %, 192 → 84 %, 144 → 88 %.
    no_fire = set(rng.sample(range(n), 84))
    no_culture = set(rng.sample(range(n), 192))
    no_sort = set(rng.sample(range(n), 144))
    d25 = spread(rng, 660, date(2025, 1, 6), date(2025, 12, 26))
    d26 = spread(rng, 720, date(2026, 1, 5), AS_OF - timedelta(days=1))
    d26[-1] = AS_OF                        # the last visit is on D
    rng.shuffle(d25)
    i25 = 0
    visits = []
    for i, (hh, bld) in enumerate(homes):
        owner, tel = names(), phone(rng)
        yn = ("否" if i in no_culture else "是", "否" if i in no_fire else "是", "否" if i in no_sort else "是")
        if i in first_2025:
            d = d25[i25]
            i25 += 1
            if i in revisit:
                # The earlier visit differs (sorting was weaker a year ago): only the latest counts.
                early = ("否" if rng.random() < 0.3 else "是", "否" if rng.random() < 0.2 else "是",
                         "否" if rng.random() < 0.45 else "是")
                visits.append([hh, bld, d, *early, owner, tel])
            else:
                visits.append([hh, bld, d, *yn, owner, tel])
                continue
        visits.append([hh, bld, None, *yn, owner, tel])   # 2026 date filled below, in order
    pending = [v for v in visits if v[2] is None]
    rng.shuffle(pending)
    for v, d in zip(pending, sorted(d26), strict=True):
        v[2] = d
    visits.sort(key=lambda v: (v[2], v[0]))
    return visits


ACTIVITY_NAMES = {
    "文体": ["迎新春游园会", "广场舞展演", "乒乓球友谊赛", "书画摄影展", "太极拳交流", "纳凉晚会",
             "棋类比赛", "健步走活动", "居民合唱团汇报演出", "亲子趣味运动会"],
    "科普": ["防诈骗科普讲座", "健康养生知识讲座", "科普进楼组", "垃圾分类科普展"],
    "法制": ["民法典宣讲", "普法知识竞赛", "法律咨询进社区"],
    "道德": ["好人好事评选", "文明家庭表彰", "道德讲堂"],
    "双拥": ["春节走访军属", "八一慰问驻区部队"],
    "党建": ["主题党日", "党员组织生活会", "党课学习", "主题党日", "党员志愿服务日", "党课学习", "七一重温入党誓词",
             "主题党日", "党员组织生活会", "党课学习", "党员志愿服务日", "年终党员民主评议"],
    "计生宣传": ["优生优育讲座", "计生政策宣传", "婚前健康咨询"],
    "外来人员培训": ["来沪人员安全知识培训", "来沪人员就业技能培训", "来沪人员法律知识培训", "来沪人员消防培训"],
    "共建": ["共建单位联席会", "安全用电进家庭", "节水知识宣传", "智慧助老手机课堂"],
    "志愿服务": ["学雷锋志愿服务", "楼道清洁志愿行动", "助老志愿服务", "文明交通劝导"],
    "其他": ["居民议事会", "社区睦邻节"],
}
PLACES = ["社区活动室", "小区广场", "居委会会议室", "文化活动中心", "睦邻点"]
# Partners named the ways an office writes them; T03 needs all four in 2026.
PARTNERS_2026 = ["区总工会", "国网供电局、电信局", "自来水公司，社区卫生服务中心", "电信局/派出所"]
PARTNERS_2025 = ["区总工会", "供电局", "自来水公司、电信局", "派出所"]

# Activities a year, per category. 2026 counts are up to D.
COUNTS_2025 = {"文体": 9, "科普": 3, "法制": 2, "道德": 3, "双拥": 2, "党建": 12, "计生宣传": 4,
               "外来人员培训": 4, "共建": 5, "志愿服务": 7, "其他": 2}
COUNTS_2026 = {"文体": 8, "科普": 2, "法制": 1, "道德": 3, "双拥": 2, "党建": 11, "计生宣传": 3,
               "外来人员培训": 4, "共建": 4, "志愿服务": 6, "其他": 2}


def activities(year: int, counts: dict[str, int]) -> list[list]:
    rng = rng_for(f"activities-{year}")
    end = date(year, 12, 20) if year < AS_OF.year else AS_OF - timedelta(days=3)
    partners = list(PARTNERS_2026 if year == AS_OF.year else PARTNERS_2025)
    rows: list[Any] = []
    for cat, n in counts.items():
        if cat == "党建":       # monthly, as the branch meets
            days = [date(year, m, 1) + timedelta(days=rng.randrange(9, 15)) for m in range(1, n + 1)]
            days = [d + timedelta(days=(7 - d.weekday()) % 7 if d.weekday() > 4 else 0) for d in days]
        elif cat == "双拥":
            days = [date(year, 2, 10), date(year, 7, 31)]
        else:
            days = spread(rng, n, date(year, 1, 8), end)
        for k, d in enumerate(days):
            name = ACTIVITY_NAMES[cat][k % len(ACTIVITY_NAMES[cat])]
            households = rng.randrange(15, 80)
            people = households + rng.randrange(5, 60)
            partner = ""
            if cat in ("共建", "科普") and partners:
                partner = partners.pop(0)
            rows.append([d, name, cat, households, people, rng.choice(PLACES), partner])
    rows.sort(key=lambda r: (r[0], r[1]))
    return rows


def security_log(year: int) -> list[list]:
    rng = rng_for(f"security-{year}")
    names = ["陈国华", "刘建平", "周秀英", "吴志强"]     # the committee's own people
    last = AS_OF if year == AS_OF.year else date(year, 12, 31)
    rows: list[Any] = []
    months = range(1, last.month + 1)
    for m in months:
        rows.append([date(year, m, 3 + (m % 4)), "例会", f"{m}月治安例会", rng.randrange(8, 15), names[0]])
        rows.append([date(year, m, 14 + (m % 3)), "安全检查", "消防通道、楼道堆物检查", rng.randrange(4, 9), names[1]])
        if m % 2 == 1 or m == last.month:
            rows.append([date(year, m, 10 + (m % 5)), "宣传教育", "安全防范宣传", rng.randrange(20, 60), names[2]])
        if date(year, m, 28) <= last:
            rows.append([date(year, m, 28), "情况积累", f"{m}月治安情况汇总", rng.randrange(2, 5), names[3]])
    # Weekly Friday patrols: 2026 has 47 Fridays up to D (T12a on_track); 2025 gets one extra.
    d = date(year, 1, 1)
    while d.weekday() != 4:
        d += timedelta(days=1)
    while d <= last:
        rows.append([d, "治安巡逻", "小区夜间巡逻", rng.randrange(4, 10), names[rng.randrange(4)]])
        d += timedelta(days=7)
    if year == 2025:
        rows.append([date(2025, 1, 28), "治安巡逻", "除夕烟花爆竹禁放巡逻", 12, names[0]])
    rows.append([date(year, 6, 18), "其他", "配合派出所人口信息采集", 6, names[1]])
    rows.sort(key=lambda r: (r[0], r[1]))
    return rows


INCIDENTS = [
    # 发生日期, 事件类别, 等级, 描述, 处理结果 — no 重大 anywhere: B02/B06/T06 hold.
    [date(2025, 1, 29), "火灾", "一般", "12号楼阳台杂物被烟花引燃，居民自行扑灭", "已处理，无人员伤亡"],
    [date(2025, 3, 17), "治安案件", "一般", "8号楼楼道电动车被盗", "已报派出所"],
    [date(2025, 5, 9), "封建迷信", "一般", "小区门口有人摆摊算命", "劝离，已处理"],
    [date(2025, 7, 22), "责任事故", "一般", "台风天广告牌脱落，无人受伤", "物业已加固"],
    [date(2025, 8, 14), "赌博", "一般", "棋牌室聚众赌博", "已移交派出所"],
    [date(2025, 10, 6), "治安案件", "", "22号楼信箱被撬", "已报派出所"],
    [date(2025, 12, 2), "其他", "一般", "居民走失老人，已寻回", "已处理"],
    [date(2026, 3, 12), "火灾", "一般", "5号楼楼道电动车充电起火，及时扑灭", "已处理，开展楼道堆物整治"],
    [date(2026, 4, 21), "治安案件", "一般", "自行车棚电瓶被盗", "已报派出所"],
    [date(2026, 6, 30), "责任事故", "", "20号楼外墙瓷砖脱落砸坏车辆", "物业赔偿，已修复"],
    [date(2026, 9, 8), "治安案件", "一般", "小区内邻里斗殴", "派出所调处"],
    [date(2026, 10, 15), "其他", "一般", "暴雨积水，地下车库进水", "已排水"],
]


def mediation() -> list[list]:
    rng = rng_for("mediation")
    names = Names(rng)
    rows: list[Any] = []
    # 2025: 27 成功, 2 未成功, 1 转交 → 90 %; 2026: 21 成功, 2 未成功, 2 转交, 3 调解中 → 21/25 = 84 %.
    plan = {2025: ["成功"] * 27 + ["未成功"] * 2 + ["转交"], 2026: ["成功"] * 21 + ["未成功"] * 2 + ["转交"] * 2}
    for year, results in plan.items():
        rng.shuffle(results)
        days = spread(rng, len(results), date(year, 1, 6), date(year, 12, 10) if year == 2025 else date(2026, 10, 20))
        for d, res in zip(days, results, strict=True):
            closed = d + timedelta(days=rng.randrange(3, 25))
            rows.append([d, rng.choice(["邻里", "邻里", "家庭", "物业", "其他"]), names(), res, closed])
    for d in (date(2026, 10, 28), date(2026, 11, 9), date(2026, 11, 17)):
        rows.append([d, rng.choice(["邻里", "物业"]), names(), "调解中", None])
    rows.sort(key=lambda r: r[0])
    return rows


FIRE_PUBLIC = [("居委会", "灭火器", 4), ("居委会", "烟感", 2), ("老年人活动室", "灭火器", 2),
               ("老年人活动室", "烟感", 2), ("文体活动室", "灭火器", 2), ("文体活动室", "应急灯", 2),
               ("东自行车棚", "灭火器", 4), ("东自行车棚", "消火栓", 1), ("西自行车棚", "灭火器", 4),
               ("西自行车棚", "消火栓", 1), ("小区道路", "消火栓", 6)]


def fire_equipment() -> tuple[list[list], list[list]]:
    """(2025 checks, 2026 checks). The latest 2026 check of each place: 235/270 in order → 87.0 %."""
    rng = rng_for("fire")
    keys = [(b["楼号"], t, n) for b in BUILDINGS for t, n in (("灭火器", 4), ("应急灯", 2), ("疏散指示", 2))]
    keys += FIRE_PUBLIC
    assert sum(k[2] for k in keys) == 270
    # Final shortfall of 35: spread over building extinguishers and lights.
    deficit: dict[int, int] = {}
    candidates = [i for i, k in enumerate(keys) if k[0].endswith("号楼")]
    left = 35
    while left:
        i = rng.choice(candidates)
        room = keys[i][2] - deficit.get(i, 0)
        if room > 1:               # keep at least one working piece everywhere
            deficit[i] = deficit.get(i, 0) + 1
            left -= 1
    old, new = [], []
    spring = spread(rng, len(keys), date(2026, 3, 2), date(2026, 3, 27))
    autumn = spread(rng, len(keys), date(2026, 9, 7), date(2026, 10, 30))
    days25 = spread(rng, len(keys), date(2025, 4, 1), date(2025, 4, 30))
    for i, (place, kind, need) in enumerate(keys):
        old.append([place, kind, need, need, need if rng.random() < 0.8 else need - 1, days25[i]])
        short = deficit.get(i, 0)
        if place == "居委会" and kind == "灭火器":
            new.append([place, kind, need, need + 2, need + 2, autumn[i]])   # more than required: capped
            continue
        if short and rng.random() < 0.5:
            actual, good = need - short, None          # missing pieces; 完好 blank = 实配
        elif short:
            actual, good = need, need - short          # broken pieces
        else:
            actual, good = need, (None if rng.random() < 0.3 else need)
        if i % 3 == 0:
            # Checked twice in 2026: the spring check (different numbers) is superseded.
            new.append([place, kind, need, need, need - 1 if short == 0 else need, spring[i]])
            new.append([place, kind, need, actual, good, autumn[i]])
        else:
            new.append([place, kind, need, actual, good, spring[i] if i % 3 == 1 else autumn[i]])
    new.sort(key=lambda r: (r[5], r[0]))
    return old, new


ALLEYS = [  # 弄口, 主要弄口, 设岗, 在岗人数, 设施完备 — all 8 main alleys staffed (B10 = 100 %)
    ("桃园路88弄", "是", "有", 2, "√"), ("桃园路120弄", "是", "有", 2, "√"), ("桃园路156弄", "是", "有", 2, "√"),
    ("杏林路45弄", "是", "有", 1, "√"), ("杏林路77弄", "是", "有", 2, "√"), ("梅园路12弄", "是", "有", 1, "×"),
    ("梅园路30弄", "是", "有", 2, "√"), ("北门车行入口", "是", "有", 3, "√"), ("杏林路61弄", "否", "有", 1, "√"),
    ("梅园路8弄", "否", "无", 0, "×"), ("桃园路102弄", "否", "无", 0, "×"), ("东侧消防通道", "否", "有", 1, "√"),
]


def facilities() -> list[list]:
    # 设施名称, 设施类别, 位置, 面积(㎡), 数量, 状态, 利用率, 检查日期
    d1, d2 = date(2026, 6, 15), date(2026, 10, 20)
    return [
        ["老年人活动室", "老年人活动室", "居委会一楼", "120㎡", 1, "正常", "", d2],
        ["计划生育咨询室", "计生咨询室", "居委会二楼", "25㎡", 1, "在用", "", d2],
        ["桃园社工服务站", "社工服务站", "居委会一楼", "60㎡", 1, "良好", "", d2],
        ["社区文体活动室", "文体活动室", "15号楼底层", "150㎡", 1, "正常", "", d2],
        ["中心绿地健身点", "健身点", "中心绿地", "180㎡", 1, "完好", "", d1],
        ["东区健身点", "健身点", "3号楼东侧", 120, 1, "正常", "", d1],
        ["北区健身苑", "健身点", "24号楼北侧", "90㎡", 1, "正常", "", d1],
        ["西区健身点", "健身点", "9号楼西侧", "80㎡", 1, "待修", "", d1],        # not counted (B09a)
        ["棋牌娱乐室", "娱乐点", "居委会二楼", "65.5㎡", 1, "在用", "", d2],
        ["社区报刊阅览室", "阅览室", "居委会二楼", "45㎡", 1, "正常", "", d2],
        ["南门公厕", "公厕", "南门", "", 1, "正常", "", d2],
        ["北门公厕", "公厕", "北门", "", 1, "正常", "", d2],
        *[[f"{n}垃圾箱房", "垃圾箱房", f"{n}", "", 1, "正常", "", d2]
          for n in ("1号楼旁", "6号楼旁", "11号楼旁", "16号楼旁", "21号楼旁", "26号楼旁", "30号楼旁")],
        ["19号楼旁垃圾箱房", "垃圾箱房", "19号楼旁", "", 1, "破损", "", d2],
        ["东区分类垃圾箱", "垃圾箱", "东区", "", 30, "正常", "", d2],
        ["西区分类垃圾箱", "垃圾箱", "西区", "", 25, "正常", "", d2],
        ["南区分类垃圾箱", "垃圾箱", "南区", "", 20, "正常", "", d2],
        ["北区分类垃圾箱", "垃圾箱", "北区", "", 15, "正常", "", d2],
        ["中心绿地垃圾箱", "垃圾箱", "中心绿地", "", 3, "破损", "", d2],
        ["旧垃圾箱（待拆除）", "垃圾箱", "北门", "", 2, "停用", "", d2],       # excluded (B13a)
        ["东自行车棚", "自行车棚", "5号楼东", "200㎡", 1, "正常", "95%", d2],
        ["西自行车棚", "自行车棚", "12号楼西", "180㎡", 1, "正常", "90%", d2],
        ["南自行车棚", "自行车棚", "18号楼南", "150㎡", 1, "正常", 0.88, d2],
        ["北自行车棚", "自行车棚", "27号楼北", "150㎡", 1, "正常", "85%", d2],
        ["便民服务点（修补）", "便民服务点", "南门", "15㎡", 1, "正常", "98%", d2],
        ["便民服务点（家电维修）", "便民服务点", "北门", "15㎡", 1, "正常", "96%", d2],
        ["助餐点", "便民服务点", "居委会一楼", "40㎡", 1, "正常", "92%", d2],
        ["南门公用电话", "公共电话", "南门", "", 1, "正常", "78%", d2],
        ["北门公用电话", "公共电话", "北门", "", 1, "停用", "10%", d2],      # counted anyway (B17)
    ]


GREENING = [  # 统计日期, 小区总面积, 绿化面积 — latest 26,660 / 86,000 = 31.0 %
    ["2025年1月", "86,000", "25,370"],
    [date(2025, 6, 30), 86000, 25800],
    [date(2025, 12, 31), 86000, 26230],
    [date(2026, 10, 31), "86,000", "26,660"],
]


def inspections() -> list[list]:
    rng = rng_for("inspections")
    kinds = ["六乱", "违反七不", "饲养家禽", "无证犬", "违规养鸽", "积存垃圾", "蚊蝇孳生", "渣土堆积",
             "道路堵塞", "路面不洁", "标牌破损", "阳台不规范", "改变公共设施用途", "其他"]
    rows: list[Any] = []
    for year, n, end in ((2025, 58, date(2025, 12, 19)), (2026, 46, date(2026, 11, 6))):
        for d in spread(rng, n, date(year, 1, 7), end):
            fixed = min(AS_OF, d + timedelta(days=rng.randrange(1, 12)))
            rows.append([d, f"{rng.randrange(1, 31)}号楼", rng.choice(kinds), "已整改", fixed])
    rows.append([date(2026, 11, 12), "北门", "六乱", "已整改", date(2026, 11, 16)])
    rows.append([date(2026, 11, 18), "19号楼旁垃圾箱房", "积存垃圾", "未整改", None])   # B13b: open at D
    rows.sort(key=lambda r: r[0])
    return rows


def employment() -> list[list]:
    """2025: 83 placed (met). 2026: 72 placed by D (T10a on_track against 80)."""
    rng = rng_for("employment")
    names = Names(rng)
    employers = ["桃园物业公司", "联华超市", "社区助餐点", "区市容所", "家政服务社", "快递驿站", "保安服务公司"]
    rows: list[Any] = []
    reg25 = spread(rng, 100, date(2025, 1, 6), date(2025, 12, 19))
    reg26 = spread(rng, 78, date(2026, 1, 5), date(2026, 11, 13))
    placed25 = set(rng.sample(range(100), 83))
    later = [i for i in range(100) if i not in placed25][:10]      # placed in 2026
    placed26 = set(rng.sample(range(78), 62))                        # 62 + 10 = 72
    for i, d in enumerate(reg25):
        p = None
        if i in placed25:
            p = min(d + timedelta(days=rng.randrange(10, 60)), date(2025, 12, 30))
        elif i in later:
            p = date(2026, 1, 12) + timedelta(days=later.index(i) * 9)
        rows.append([d, p])
    for i, d in enumerate(reg26):
        rows.append([d, min(d + timedelta(days=rng.randrange(7, 50)), AS_OF - timedelta(days=2))
                     if i in placed26 else None])
    out = []
    for d, p in rows:
        out.append([names(), id_number(rng, rng.choice(("310104", "310105", "310107", "310112")), 1970, 1998),
                    rng.choice(("下岗", "失业", "失业")), d, p, rng.choice(employers) if p else "", "是"])
    return out


VOLUNTEER_TEAMS = [  # team, active, left — the 8 patrol members below also serve in the fire brigade
    ("业余消防队", 6, 2), ("计生志愿者", 12, 1), ("治安巡逻队", 20, 1), ("专职巡逻队", 6, 0),
    ("文明劝导", 24, 2), ("扶贫帮困", 28, 1), ("其他", 16, 1),
]


def volunteers() -> list[list]:
    """One row per volunteer per team: 120 active rows, 112 distinct active names (T13)."""
    rng = rng_for("volunteers")
    names = Names(rng)
    rows: list[Any] = []
    for team, active, left in VOLUNTEER_TEAMS:
        for k in range(active + left):
            joined = date(2016, 1, 1) + timedelta(days=rng.randrange(3600))
            status = "退出" if k >= active else rng.choice(("在册", "在册", "在册", "正常", "在职"))
            rows.append([names(), team, joined, status, phone(rng)])
    # The same person's second row: 8 patrol members who also joined the fire brigade (14 active).
    patrol = [r for r in rows if r[1] == "治安巡逻队"][:8]
    for name, _team, _joined, _status, tel in patrol:
        rows.append([name, "业余消防队", date(2025, 3, 1) + timedelta(days=rng.randrange(200)), "在册", tel])
    return rows


STAFF = [  # 姓名, 岗位, 挂牌服务, 培训上岗
    ["陈国华", "居委会主任", "是", "是"], ["刘建平", "副主任", "是", "是"], ["周秀英", "社工", "是", "是"],
    ["吴志强", "治保主任", "是", "是"], ["郑丽娟", "社工", "是", "是"], ["孙海燕", "计生干部", "是", "是"],
    ["马文斌", "社工", "是", "是"], ["朱晓玲", "网格员", "是", "是"], ["胡建国", "网格员", "是", "是"],
]


def migrants() -> list[list]:
    """58 current residents all registered (T11b 100 %), 8 who have left."""
    rng = rng_for("migrants")
    names = Names(rng)
    rows: list[Any] = []
    for i, d in enumerate(spread(rng, 66, date(2025, 1, 10), date(2026, 11, 16))):
        area = rng.choice(("340123", "410105", "510107", "420106", "320311", "360102", "430104"))
        rows.append([names(), id_number(rng, area, 1975, 2004), d, "已离开" if i % 8 == 3 else "已登记"])
    return rows


PROJECTS = [  # 项目名称, 项目类型, 状态, 计划完成日期, 完成日期
    ["创建市级文明社区", "创建称号", "已获得", date(2026, 6, 30), date(2026, 6, 18)],
    ["学习型小区", "创建称号", "已获得", date(2025, 12, 31), date(2025, 12, 5)],
    ["科普小区", "创建称号", "已获得", date(2025, 10, 31), date(2025, 10, 22)],
    ["安全小区", "创建称号", "已获得", date(2026, 9, 30), date(2026, 9, 12)],
    ["卫生小区", "创建称号", "申报中", date(2026, 12, 31), None],                    # T01 4/5
    ["全国社区建设模范居委会", "创建称号", "申报中", None, None],         # T11d behind
    ["上海市交通文明居委会", "创建称号", "已获得", date(2026, 5, 31), date(2026, 5, 20)],
    ["残疾人康复中心", "特色工作", "开展中", None, None],
    ["职工之家", "特色工作", "开展中", None, None],
    ["老年人旅游园地", "特色工作", "已完成", date(2026, 10, 31), date(2026, 10, 18)],
    ["温馨家园巾帼文明岗", "特色工作", "开展中", None, None],
    ["专职巡逻队", "组织建设", "已完成", date(2025, 6, 30), date(2025, 6, 1)],
    ["房屋协管服务社", "组织建设", "开展中", None, None],
    ["非机动车充电棚建设", "实事工程", "已完成", date(2025, 6, 30), date(2025, 6, 18)],
    ["加装电梯试点（21号楼）", "实事工程", "已完成", date(2025, 10, 31), date(2025, 10, 20)],
    ["楼道灯更新", "实事工程", "已完成", date(2026, 4, 30), date(2026, 4, 26)],
    ["垃圾箱房改造", "实事工程", "已完成", date(2026, 6, 30), date(2026, 6, 28)],
    ["适老化改造", "实事工程", "已完成", date(2026, 8, 31), date(2026, 8, 25)],
    ["雨污分流改造", "实事工程", "开展中", date(2026, 9, 30), None],               # overdue: T15 5/6
    ["小区道路修缮", "实事工程", "开展中", date(2026, 12, 31), None],              # not yet due
]


# --------------------------------------------------------------------------- writers

def normalise_xlsx(data: bytes) -> bytes:
    """Fix the document and zip timestamps that openpyxl stamps with 'now'."""
    stamp = FIXED_TS.strftime("%Y-%m-%dT%H:%M:%SZ")
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms)",
                              rb"\g<1>" + stamp.encode() + rb"\g<3>", body)
            zi = zipfile.ZipInfo(info.filename, ZIP_TS)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, body)
    return out.getvalue()


def save_openpyxl(wb: openpyxl.Workbook, path: Path) -> None:
    wb.properties.creator = "桃园居委会"
    wb.properties.created = wb.properties.modified = FIXED_TS
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(normalise_xlsx(buf.getvalue()))


def put(ws: Worksheet, row: int, values: Sequence[Any], date_fmt: str = "yyyy-mm-dd") -> None:
    for c, v in enumerate(values, start=1):
        if v is None or v == "":
            continue
        cell = ws.cell(row=row, column=c, value=v)
        if isinstance(v, date):
            cell.number_format = date_fmt


def first_sheet(wb: openpyxl.Workbook) -> Worksheet:
    """The worksheet a new workbook starts with (``wb.active`` types it as optional)."""
    ws = wb.active
    assert isinstance(ws, Worksheet)
    return ws


def simple_sheet(ws: Worksheet, header: Sequence[str | None], rows: list[Any], first: int = 1) -> None:
    put(ws, first, header)
    for c in range(1, len(header) + 1):
        ws.cell(row=first, column=c).font = Font(bold=True)
    for i, r in enumerate(rows, start=first + 1):
        put(ws, i, r)


def write_activities(path: Path) -> None:
    wb = openpyxl.Workbook()
    # 2025: canonical sheet layout, but 日期 for 活动日期 and real Excel dates.
    ws = first_sheet(wb)
    ws.title = "活动记录"
    simple_sheet(ws, ["日期", "活动名称", "活动类别", "参与户数", "参与人数", "地点", "共建单位"],
                 activities(2025, COUNTS_2025))

    rows26 = activities(2026, COUNTS_2026)
    # 2026 文体: title row, blank row, two-row merged header 参与 over 户数 | 人数, a 合计 row.
    ws = wb.create_sheet("文体活动")
    ws["A1"] = "桃园社区2026年文体活动台账"
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells("A1:G1")
    ws["A1"].alignment = Alignment(horizontal="center")
    heads = ["日期", "活动名称", "活动类别", "参与", None, "地点", "共建单位"]
    put(ws, 3, heads)
    put(ws, 4, [None, None, None, "户数", "人数"])
    for col in "ABCFG":
        ws.merge_cells(f"{col}3:{col}4")
    ws.merge_cells("D3:E3")
    sport = [r for r in rows26 if r[2] == "文体"]
    r = 5
    for row in sport:
        put(ws, r, row)
        r += 1
    # A planned event with no date yet: the one deliberate skip of the sample.
    put(ws, r, ["待定", "迎新年文艺汇演", "文体", None, None, "文化活动中心", None])
    r += 1
    put(ws, r, ["合计", None, None, sum(x[3] for x in sport), sum(x[4] for x in sport)])

    # 2026, everything else: synonyms, dates typed as text, numbers with units and full-width digits.
    ws = wb.create_sheet("社区活动")
    put(ws, 1, ["活动日期", "活动内容", "类别", "参加户数 ", "参加人数", "活动地点", "合作单位"])
    rest = [row for row in rows26 if row[2] != "文体"]
    for i, row in enumerate(rest, start=2):
        d, name, cat, hh, ppl, place, partner = row
        dv = d if i % 3 == 0 else text_date(d, i)
        hv = f"{hh}户" if i % 5 == 0 else hh
        pv = str(ppl).translate(str.maketrans("0123456789", "０１２３４５６７８９")) if i % 7 == 0 else ppl
        put(ws, i, [dv, name, cat, hv, pv, place, partner])
    save_openpyxl(wb, path)


def write_households(path: Path) -> None:
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": False})
    wb.set_properties({"author": "桃园居委会", "created": FIXED_TS})
    ws = wb.add_worksheet("入户调查")
    bold = wb.add_format({"bold": True})
    dfmt = wb.add_format({"num_format": "yyyy/m/d"})
    ws.write_row(0, 0, ["户号", "楼栋", "调查日期", "参加文化活动", "知晓消防知识", "参与垃圾分类", "户主", "联系电话"],
                 bold)
    for i, v in enumerate(household_visits(), start=1):
        ws.write_string(i, 0, v[0])
        ws.write_string(i, 1, v[1])
        ws.write_datetime(i, 2, datetime(v[2].year, v[2].month, v[2].day), dfmt)
        for c in range(3, 7):
            ws.write_string(i, c, v[c])
        ws.write_string(i, 7, v[7])          # phones as text
    ws.set_column(0, 0, 16)
    wb.close()
    path.write_bytes(normalise_xlsx(path.read_bytes()))


def write_buildings(path: Path) -> None:
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": False})
    wb.set_properties({"author": "桃园居委会", "created": FIXED_TS})
    ws = wb.add_worksheet("楼栋台账")
    ws.merge_range(0, 0, 0, 6, "桃园社区楼栋信息表", wb.add_format({"bold": True, "align": "center"}))
    ws.write(1, 0, "单位：户")
    # row 2 left blank, as the office does
    ws.write_row(3, 0, ["楼栋", "所属网格", "户数", "公共走道数", "已装走道灯数", "建立党小组", "楼组长"],
                 wb.add_format({"bold": True}))
    rng = rng_for("buildings")
    names = Names(rng)
    lamps_total = 0
    for i, b in enumerate(BUILDINGS, start=4):
        lamps = b["公共走道数"] + (2 if b["楼号"] == "7号楼" else 0)   # extra lamps: capped (B11)
        lamps_total += lamps
        ws.write_row(i, 0, [b["楼号"], b["网格"], b["户数"], b["公共走道数"], lamps, "√", names()])
    last = 4 + len(BUILDINGS)
    ws.write(last, 0, "合计")
    # Formulas with their cached values, as Excel saves them.
    ws.write_formula(last, 2, f"=SUM(C5:C{last})", None, sum(b["户数"] for b in BUILDINGS))
    ws.write_formula(last, 3, f"=SUM(D5:D{last})", None, sum(b["公共走道数"] for b in BUILDINGS))
    ws.write_formula(last, 4, f"=SUM(E5:E{last})", None, lamps_total)
    wb.close()
    path.write_bytes(normalise_xlsx(path.read_bytes()))


def write_safety(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = first_sheet(wb)
    ws.title = "治安工作台账"
    rows = security_log(2025) + security_log(2026)
    rows = [r[:3] + [f"{r[3]}人" if k % 6 == 0 else r[3]] + r[4:] for k, r in enumerate(rows)]
    simple_sheet(ws, ["日期", "工作类型", "内容", "参加人数 ", "负责人"], rows)

    ws = wb.create_sheet("事件台账")
    simple_sheet(ws, ["发生日期", "事件类别", "等级", "描述", "处理结果"], INCIDENTS)

    old, new = fire_equipment()
    ws = wb.create_sheet("消防器材台账")
    header = ["位置", "器材类型", "应配数量", "实配数量", "完好数量", "检查日期"]
    simple_sheet(ws, header, new)
    put(ws, len(new) + 3, ["填表人：吴志强"])
    # Last year's checks, hidden by the office but still data (the reader reads and reports it).
    ws = wb.create_sheet("消防器材")
    simple_sheet(ws, header, old)
    ws.sheet_state = "hidden"

    ws = wb.create_sheet("弄口安全岗")
    simple_sheet(ws, ["弄口", "主要弄口", "设岗", "在岗人数", "设施完备"], [list(a) for a in ALLEYS])
    save_openpyxl(wb, path)


def write_mediation(path: Path) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["受理日期", "纠纷类型", "当事人", "调解结果", "结案日期"])
    for k, (d, kind, who, res, closed) in enumerate(mediation()):
        w.writerow([text_date(d, 2 if k % 4 else 3), kind, who, res, text_date(closed, 2) if closed else ""])
    w.writerow(["填表人：孙海燕", "", "", "", ""])
    path.write_bytes(buf.getvalue().encode("gbk"))      # what Excel "CSV" saves on a Chinese Windows


def write_facilities(path: Path) -> None:
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("设施台账")
    dstyle = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    bold = xlwt.easyxf("font: bold on")
    for c, h in enumerate(["设施名称", "设施类别", "位置", "面积(㎡)", "数量", "状态", "利用率", "检查日期"]):
        ws.write(0, c, h, bold)
    for r, row in enumerate(facilities(), start=1):
        for c, v in enumerate(row):
            if v is None or v == "":
                continue
            if isinstance(v, date):
                ws.write(r, c, datetime(v.year, v.month, v.day), dstyle)
            else:
                ws.write(r, c, v)
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(buf.getvalue())


def write_environment(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = first_sheet(wb)
    ws.title = "环境巡查台账"
    simple_sheet(ws, ["巡查日期", "位置", "问题类别", "整改状态", "整改日期"], inspections())
    ws = wb.create_sheet("绿化台账")
    simple_sheet(ws, ["统计日期", "小区总面积", "绿化面积"], GREENING)
    save_openpyxl(wb, path)


def write_employment(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = first_sheet(wb)
    ws.title = "就业援助台账"
    # A blank column between 人员类别 and 登记日期; some dates typed as 2026年3月5日.
    rows: list[Any] = []
    for k, (name, idn, kind, reg, placed, unit, ss) in enumerate(employment()):
        rows.append([name, idn, kind, None, reg if k % 3 else text_date(reg, 1), placed, unit, ss])
    simple_sheet(ws, ["姓名", "身份证号", "人员类别", None, "登记日期", "安置日期", "安置单位", "参加社保"], rows)
    for r in range(2, len(rows) + 2):
        ws.cell(row=r, column=2).number_format = "@"
    save_openpyxl(wb, path)


def write_volunteers(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = first_sheet(wb)
    ws.title = "志愿者名册"
    rows = volunteers()
    simple_sheet(ws, ["姓名", "所属队伍", "加入日期", "状态", "联系电话"], rows[:60])
    # A blank row in the middle, left when someone deleted a line's contents.
    for i, r in enumerate(rows[60:], start=63):
        put(ws, i, r)
    save_openpyxl(wb, path)


def one_sheet_book(path: Path, title: str, header: Sequence[str | None], rows: list[Any]) -> None:
    """A workbook of one plain sheet, as most single-ledger files in the office are."""
    wb = openpyxl.Workbook()
    ws = first_sheet(wb)
    ws.title = title
    simple_sheet(ws, header, rows)
    save_openpyxl(wb, path)


def write_staff(path: Path) -> None:
    # stays "Sheet1": recognised by its headers only
    one_sheet_book(path, "Sheet1", ["姓名", "岗位", "挂牌服务", "培训上岗"], STAFF)


def write_migrants(path: Path) -> None:
    rows = [[n, idn, text_date(d, 0) if k % 2 else d, st] for k, (n, idn, d, st) in enumerate(migrants())]
    one_sheet_book(path, "来沪人员登记", ["姓名", "证件号码", "登记日期", "登记状态"], rows)


def write_projects(path: Path) -> None:
    one_sheet_book(path, "创建项目台账", ["项目名称", "项目类型", "状态", "计划完成日期", "完成日期"], PROJECTS)


FILES = {
    "桃园社区活动台账2025-2026.xlsx": write_activities,
    "入户调查2025-2026.xlsx": write_households,
    "楼栋台账.xlsx": write_buildings,
    "治安消防台账.xlsx": write_safety,
    "调解台账.csv": write_mediation,
    "设施台账.xls": write_facilities,
    "环境卫生台账.xlsx": write_environment,
    "就业援助台账.xlsx": write_employment,
    "志愿者名册.xlsx": write_volunteers,
    "新建 Microsoft Excel 工作表.xlsx": write_staff,
    "外来人员登记.xlsx": write_migrants,
    "创建项目台账.xlsx": write_projects,
}


def generate(out_dir: Path) -> list[Path]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, writer in FILES.items():
        writer(out_dir / name)
        written.append(out_dir / name)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    for p in generate(target):
        print(p)
    sys.path.insert(0, str(HERE))
    import evidence_gen  # type: ignore[import-not-found]  # the sibling generator of evidence/ (photos, a rules PDF) for the binder

    for p in evidence_gen.generate(target):
        print(p)
