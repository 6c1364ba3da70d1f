"""Every metric of the catalogue against a hand-computed case (Y = 2026, D = 30 Jun 2026 unless said).

Each case names the rule it guards; rows after D, in earlier years or of other categories are
planted so that a filter that is too loose changes the number.
"""

from __future__ import annotations

import re

import pytest

from metrics.engine import compute_all, evidence
from metrics.registry import METRICS, THEMES
from tests.support.frames import COLUMNS, frame, frames
from tests.support.spec import CatalogueRow

D = "2026-06-30"
AFTER = "2026-07-01"


def rows(n: int, **row) -> list[dict]:
    return [dict(row) for _ in range(n)]


def sec(day: str, kind: str) -> dict:
    return {"日期": day, "工作类型": kind}


def act(day: str, kind: str, partners: str | None = None) -> dict:
    return {"活动日期": day, "活动名称": "活动", "活动类别": kind, "共建单位": partners}


def inc(day: str, kind: str, grade: str | None = None) -> dict:
    return {"发生日期": day, "事件类别": kind, "等级": grade}


def fac(kind: str, state: str, **extra) -> dict:
    return {"设施名称": kind, "设施类别": kind, "状态": state, **extra}


def hh(no: str, day: str, culture=None, fire=None, waste=None) -> dict:
    return {"户号": no, "调查日期": day, "参加文化活动": culture, "知晓消防知识": fire, "参与垃圾分类": waste}


def insp(day: str, kind: str, state: str, fixed: str | None = None) -> dict:
    return {"巡查日期": day, "问题类别": kind, "整改状态": state, "整改日期": fixed}


def vol(team: str, state: str = "在册", joined: str | None = None, name: str = "张*", key: str | None = None) -> dict:
    return {"队伍": team, "状态": state, "加入日期": joined, "姓名": name, "姓名_key": key}


def proj(name: str, kind: str, state: str, due: str | None = None, done: str | None = None) -> dict:
    return {"项目名称": name, "项目类型": kind, "状态": state, "计划完成日期": due, "完成日期": done}


GREENING = [
    {"统计日期": "2025-12-31", "小区总面积": 10000, "绿化面积": 2000},
    {"统计日期": "2026-03-01", "小区总面积": 10000, "绿化面积": 1950},  # latest up to D
    {"统计日期": AFTER, "小区总面积": 10000, "绿化面积": 2500},  # after D: ignored
]

# (case id, metric id, ledgers, value, status, extra expectations)
CASES = [
    ("B01-missing-quarter", "B01", dict(security_log=[
        sec("2026-02-01", "例会"), sec("2026-05-01", "例会"), sec("2026-01-05", "安全检查"), sec("2026-04-05", "安全检查"),
        sec("2026-03-01", "宣传教育"), sec(D, "宣传教育"), sec("2026-01-09", "治安巡逻"), sec("2026-06-09", "治安巡逻"),
        sec("2026-02-02", "情况积累"), sec(AFTER, "情况积累"), sec("2025-05-05", "情况积累"), sec("2026-05-05", "其他")]),
     0.9, "behind", {"numerator": 9, "denominator": 10, "missing": ["情况积累 第2季度"]}),
    ("B02-window", "B02", dict(incidents=[
        inc("2023-06-30", "火灾", "重大"), inc("2023-07-01", "火灾", "重大"), inc("2026-01-01", "火灾", "一般"),
        inc(AFTER, "火灾", "重大"), inc("2026-02-01", "责任事故", "重大")]), 1, "behind", {}),
    ("B03-closed-room-missing", "B03", dict(facilities=[
        fac("老年人活动室", "正常"), fac("计生咨询室", "停用"), fac("社工服务站", "损坏")]),
     2 / 3, "at_risk", {"missing": ["计生咨询室"], "numerator": 2, "denominator": 3}),
    ("B04-paced-on-track", "B04", dict(activities=[
        act("2026-01-10", "文体"), act(D, "文体"), act(AFTER, "文体"), act("2025-12-31", "文体"), act("2026-02-01", "科普")]),
     2, "on_track", {"expected": 4 * 181 / 365}),
    ("B05a-science-and-law", "B05a", dict(activities=[
        act("2026-01-10", "科普"), act("2026-03-10", "法制"), act("2026-03-11", "文体"), act(AFTER, "法制")]),
     2, "on_track", {}),
    ("B05b-one-in-year", "B05b", dict(incidents=[inc("2026-03-01", "封建迷信"), inc("2025-03-01", "封建迷信")]),
     1, "behind", {}),
    ("B05c-only-last-year", "B05c", dict(incidents=[inc("2025-05-01", "计划外生育"), inc(AFTER, "计划外生育")]),
     0, "met", {}),
    ("B06-vice", "B06", dict(incidents=[
        inc("2026-02-01", "赌博"), inc("2026-03-01", "毒品"), inc(AFTER, "色情制品"), inc("2026-01-01", "治安案件")]),
     2, "behind", {}),
    ("B07a-latest-check-capped", "B07a", dict(fire_equipment=[
        {"位置": "1号楼", "器材类型": "灭火器", "应配数量": 10, "实配数量": 10, "完好数量": 10, "检查日期": "2025-12-01"},
        {"位置": "1号楼", "器材类型": "灭火器", "应配数量": 10, "实配数量": 10, "完好数量": 8, "检查日期": "2026-05-01"},
        {"位置": "1号楼", "器材类型": "灭火器", "应配数量": 10, "实配数量": 10, "完好数量": 10, "检查日期": "2026-07-15"},
        {"位置": "2号楼", "器材类型": "灭火器", "应配数量": 5, "实配数量": 6, "检查日期": "2025-03-01"},
        {"位置": "2号楼", "器材类型": "烟感", "应配数量": 5, "实配数量": 4, "检查日期": D}]),
     0.85, "at_risk", {"numerator": 17, "denominator": 20}),
    ("B07b-latest-visit-any-year", "B07b", dict(households=[
        hh("1-101", "2025-03-01", fire=True), hh("1-101", "2026-04-01", fire=False), hh("1-102", "2025-10-01", fire=True),
        hh("1-103", "2026-05-01", fire=True), hh("1-103", "2026-08-01", fire=False), hh("1-104", D, fire=True)]),
     0.75, "behind", {"numerator": 3, "denominator": 4}),
    ("B07c-roster", "B07c", dict(volunteers=[
        vol("业余消防队"), vol("业余消防队", joined="2020-01-01"), vol("业余消防队", joined=AFTER),
        vol("业余消防队", state="退出"), vol("计生志愿者")]), 2, "behind", {}),
    ("B08-referred-and-pending", "B08", dict(mediation=[
        *rows(9, 受理日期="2026-03-01", 调解结果="成功"), {"受理日期": "2026-04-01", "调解结果": "转交"},
        {"受理日期": "2026-05-01", "调解结果": "调解中"}, {"受理日期": "2025-05-01", "调解结果": "未成功"},
        {"受理日期": AFTER, "调解结果": "未成功"}]), 0.9, "met", {"numerator": 9, "denominator": 10}),
    ("B09a-area-not-times-quantity", "B09a", dict(facilities=[
        fac("健身点", "正常", 面积=150, 数量=3), fac("娱乐点", "正常", 面积=100), fac("文体活动室", "正常", 面积=150),
        fac("文体活动室", "损坏", 面积=200), fac("阅览室", "正常", 面积=50)]), 400, "met", {}),
    ("B09b-reading-room-broken", "B09b", dict(facilities=[fac("阅览室", "损坏"), fac("健身点", "正常")]),
     0, "behind", {"missing": ["阅览室"]}),
    ("B09c-exactly-on-target", "B09c", dict(households=[
        *[hh(f"2-{i}", "2026-03-01", culture=True) for i in range(4)], hh("2-9", "2026-03-01", culture=False)]),
     0.8, "met", {}),
    ("B10-main-alleys-only", "B10", dict(alley_posts=[
        *rows(3, 弄口="弄", 主要弄口=True, 设岗=True), {"弄口": "弄", "主要弄口": True, "设岗": False},
        *rows(2, 弄口="弄", 主要弄口=False, 设岗=False)]), 0.75, "behind", {}),
    ("B11-lights-capped-per-building", "B11", dict(buildings=[
        {"楼号": "1", "公共走道数": 10, "已装走道灯数": 12}, {"楼号": "2", "公共走道数": 10, "已装走道灯数": 8}]),
     0.9, "behind", {"numerator": 18, "denominator": 20}),
    ("B12-open-at-D-any-year", "B12", dict(inspections=[
        insp("2025-05-01", "六乱", "未整改"), insp("2026-03-01", "无证犬", "已整改", "2026-07-05"),
        insp("2026-02-01", "违规养鸽", "已整改", D), insp("2026-07-02", "饲养家禽", "未整改"),
        insp("2026-01-01", "积存垃圾", "未整改")]), 2, "behind", {}),
    ("B13a-weighted", "B13a", dict(facilities=[
        fac("公厕", "正常", 数量=2), fac("垃圾箱", "正常"), fac("垃圾箱房", "损坏", 数量=1), fac("垃圾箱", "停用", 数量=5),
        fac("健身点", "损坏")]), 0.75, "behind", {"numerator": 3, "denominator": 4}),
    ("B13b-one-open", "B13b", dict(inspections=[
        insp("2026-01-01", "积存垃圾", "未整改"), insp("2026-01-01", "粪便冒溢", "已整改", "2026-02-01"),
        insp("2026-01-01", "六乱", "未整改")]), 1, "behind", {}),
    ("B14-both-needed", "B14", dict(staff=[
        {"姓名": "张*", "挂牌服务": True, "培训上岗": True}, {"姓名": "李*", "挂牌服务": True, "培训上岗": False},
        {"姓名": "王*", "挂牌服务": False, "培训上岗": True}, {"姓名": "赵*", "挂牌服务": True, "培训上岗": True}]),
     0.5, "behind", {}),
    ("B15-latest-row", "B15", dict(greening=GREENING), 0.195, "at_risk", {"numerator": 1950, "denominator": 10000}),
    ("B16-one-open", "B16", dict(inspections=[insp("2026-04-01", "道路堵塞", "未整改"), insp("2026-04-01", "其他", "未整改")]),
     1, "behind", {}),
    ("B17-mean-whatever-state", "B17", dict(facilities=[
        fac("自行车棚", "停用", 利用率=0.9), fac("公共电话", "正常", 利用率=0.6), fac("便民服务点", "正常"),
        fac("健身点", "正常", 利用率=0.1)]), 0.75, "at_risk", {}),
    ("T01-titles-contained", "T01", dict(projects=[
        proj("创建市级文明社区", "创建称号", "已获得"), proj("学习型小区", "创建称号", "已获得", done="2026-08-01"),
        proj("科普小区", "创建称号", "申报中"), proj("安全小区 ", "创建称号", "已获得"), proj("卫生小区", "创建称号", "已获得"),
        proj("科普小区", "特色工作", "已完成")]),
     0.6, "behind", {"missing": ["学习型小区", "科普小区"]}),
    ("T02a-party-groups", "T02a", dict(buildings=[
        *rows(3, 楼号="1", 公共走道数=1, 已装走道灯数=1, 建立党小组=True), {"楼号": "4", "公共走道数": 1, "建立党小组": None}]),
     0.75, "behind", {}),
    ("T02b-grid", "T02b", dict(buildings=rows(4, 楼号="1", 所属网格="一网格", 公共走道数=1)), 1.0, "met", {}),
    ("T03-partners-split-and-contained", "T03", dict(activities=[
        act("2026-03-01", "共建", "国网供电局、电信局"), act("2026-04-01", "共建", "区总工会"),
        act("2025-11-01", "共建", "自来水公司"), act(AFTER, "共建", "自来水公司")]),
     0.75, "at_risk", {"missing": ["自来水公司"]}),
    ("T04-exactly-95", "T04", dict(hotline=[
        *rows(19, 受理日期="2026-02-01", 办结=True), {"受理日期": "2026-03-01", "办结": False},
        {"受理日期": "2025-03-01", "办结": False}, {"受理日期": AFTER, "办结": False}]), 0.95, "met", {}),
    ("T05-none", "T05", dict(activities=[act("2026-01-01", "文体")]), 0, "behind", {}),
    ("T06-major-only", "T06", dict(incidents=[
        inc("2026-02-01", "责任事故", "重大"), inc("2026-02-01", "责任事故", "一般"), inc("2026-02-01", "责任事故")]),
     1, "behind", {}),
    ("T07-exactly-90", "T07", dict(households=[
        *[hh(f"3-{i}", "2026-01-01", waste=True) for i in range(9)], hh("3-9", "2026-01-01", waste=False)]),
     0.9, "met", {}),
    ("T08-same-as-B15", "T08", dict(greening=GREENING), 0.195, "behind", {"source": "绿化台账"}),
    ("T09-ten", "T09", dict(volunteers=rows(10, 队伍="计生志愿者", 状态="在册")), 10, "met", {}),
    ("T10a-placed-in-year", "T10a", dict(employment=[
        {"登记日期": "2025-01-01", "安置日期": "2026-02-01"}, {"登记日期": "2025-01-01", "安置日期": D},
        {"登记日期": "2025-01-01", "安置日期": AFTER}, {"登记日期": "2025-01-01", "安置日期": "2025-12-31"},
        {"登记日期": "2025-01-01"}, {"登记日期": "2026-07-05", "安置日期": "2026-06-01"}]),
     2, "behind", {"expected": 80 * 181 / 365}),
    ("T10b-registered-by-D", "T10b", dict(employment=[
        *rows(3, 登记日期="2026-01-01", 参加社保=True), {"登记日期": "2026-01-01", "参加社保": False},
        {"登记日期": AFTER, "参加社保": False}]), 0.75, "behind", {}),
    ("T11a-two-classes", "T11a", dict(activities=rows(2, 活动日期="2026-05-01", 活动名称="班", 活动类别="外来人员培训")),
     2, "on_track", {}),
    ("T11b-not-left", "T11b", dict(migrants=[
        {"登记状态": "已登记", "登记日期": "2026-01-01"}, {"登记状态": "已登记"}, {"登记状态": "已登记", "登记日期": AFTER},
        {"登记状态": "待登记"}, *rows(2, 登记状态="已离开")]), 2 / 3, "behind", {}),
    ("T11c-done-after-D-was-running", "T11c", dict(projects=[
        proj("残疾人康复中心", "特色工作", "开展中"), proj("职工之家", "特色工作", "已完成"),
        proj("老年人旅游园地", "特色工作", "未开始"), proj("温馨家园巾帼文明岗", "特色工作", "已完成", done="2026-09-01")]),
     0.75, "at_risk", {"missing": ["老年人旅游园地"]}),
    ("T11d-not-yet", "T11d", dict(projects=[proj("全国社区建设模范居委会", "创建称号", "申报中")]), 0, "behind", {}),
    ("T12a-patrols-on-pace", "T12a", dict(security_log=[*rows(26, 日期="2026-03-01", 工作类型="治安巡逻"),
                                                        sec(AFTER, "治安巡逻")]), 26, "on_track", {}),
    ("T12b-four-of-five", "T12b", dict(volunteers=rows(4, 队伍="专职巡逻队", 状态="在册")), 4, "at_risk", {}),
    ("T12c-all-three", "T12c", dict(projects=[
        proj("专职巡逻队", "组织建设", "已完成"), proj("房屋协管服务社", "组织建设", "开展中"),
        proj("争创上海市交通文明居委会", "创建称号", "已获得")]), 1.0, "met", {}),
    ("T13-distinct-by-key", "T13", dict(volunteers=[
        vol("业余消防队", key="k1"), vol("计生志愿者", key="k1"), vol("文明劝导", key="k2"), vol("其他", "退出", key="k3"),
        vol("其他", joined=AFTER, key="k4")]), 2, "behind", {}),
    ("T14-twelve-met", "T14", dict(activities=rows(12, 活动日期="2026-02-01", 活动名称="党课", 活动类别="党建")),
     12, "met", {}),
    ("T15-due-any-year", "T15", dict(projects=[
        proj("加装电梯", "实事工程", "已完成", due="2025-12-31"), proj("修路", "实事工程", "已完成", due=D, done="2026-07-02"),
        proj("绿化", "实事工程", "开展中", due="2026-05-01"), proj("监控", "实事工程", "未开始", due="2026-09-01")]),
     1 / 3, "behind", {"numerator": 1, "denominator": 3}),
]
CASE_METRICS = {case[1] for case in CASES}


@pytest.mark.parametrize(("case", "metric_id", "ledgers", "value", "status", "extra"), CASES, ids=[c[0] for c in CASES])
def test_metric_hand_computed(case, metric_id, ledgers, value, status, extra):
    result = compute_all(frames(**ledgers), year=2026, as_of=D).get(metric_id)
    assert result is not None
    assert result.value == pytest.approx(value)
    assert result.status == status
    for field, expected in extra.items():
        actual = getattr(result, field)
        assert actual == (pytest.approx(expected) if isinstance(expected, float) else expected), field


@pytest.mark.parametrize("spec", METRICS, ids=[m.id for m in METRICS])
def test_registry_entry_is_complete(spec):
    assert spec.name_zh and spec.name_en and spec.formula_zh and spec.formula_en
    assert spec.theme in THEMES
    assert spec.kind in ("count", "ratio", "zero", "checklist", "sum")
    assert spec.target_source in ("plan", "default") and spec.op in (">=", "=", "<=")
    assert spec.plan_item.split(".")[0] in ("一", "二")
    assert spec.id[0] == {"一": "B", "二": "T"}[spec.plan_item.split(".")[0]]
    assert int(spec.plan_item.split(".")[1]) == int("".join(ch for ch in spec.id[1:] if ch.isdigit()))
    assert spec.default_target is not None
    if spec.kind == "zero":
        assert spec.default_target == 0 and spec.op == "="
    if spec.kind == "checklist":
        assert spec.checklist_size >= 1
    assert spec.paced == (spec.kind == "count" and spec.unit != "人" or spec.id == "T10a")
    assert spec.id in CASE_METRICS, "every metric needs a hand-computed case"


@pytest.mark.parametrize("spec", METRICS, ids=[m.id for m in METRICS])
def test_registry_quotes_the_plan(spec, plan_text):
    assert spec.plan_text in plan_text


def _catalogue_key(metric_id: str) -> tuple[str, int, str]:
    part, number, letter = re.fullmatch(r"([BT])(\d\d)([a-z]?)", metric_id).groups()
    return part, int(number), letter


def test_catalogue_count_order_and_coverage():
    ids = [m.id for m in METRICS]
    assert len(ids) == 46  # counted by hand in spec/metrics.md's catalogue
    assert ids == sorted(ids, key=_catalogue_key), "part 一 (B) before part 二 (T), by item, then sub-metric letter"
    items = {(part, number) for part, number, _ in map(_catalogue_key, ids)}
    # every item of the plan has a metric: 17 in part 一, 15 in part 二
    assert items == {("B", n) for n in range(1, 18)} | {("T", n) for n in range(1, 16)}


OPS = {"≥": ">=", "=": "=", "≤": "<="}


def test_registry_follows_the_spec_catalogue(spec_catalogue: list[CatalogueRow]):
    assert [row.id for row in spec_catalogue] == [m.id for m in METRICS]
    for row, spec in zip(spec_catalogue, METRICS, strict=True):
        assert (spec.name_zh, spec.kind) == (row.name, row.kind.split()[0]), row.id
        assert spec.paced == (row.kind == "count"), row.id  # "count (not paced)" is not paced
        assert spec.target_source == ("plan" if "(plan" in row.target else "default"), row.id
        op, number, checklist = re.match(r"([≥=≤])?\s*([\d.]+)\s*(%|/ \d+)?", row.target).groups()
        assert spec.op == OPS[op or "="], row.id
        if checklist and checklist.startswith("/"):  # "3 / 3": all of a checklist of three
            assert (spec.default_target, spec.checklist_size) == (1.0, int(number)), row.id
        else:
            assert spec.default_target == pytest.approx(float(number) / (100 if checklist else 1)), row.id


@pytest.mark.parametrize(("case", "metric_id", "ledgers", "value", "status", "extra"), CASES, ids=[c[0] for c in CASES])
def test_evidence_is_the_rows_behind_each_number(case, metric_id, ledgers, value, status, extra):
    data = frames(**ledgers)
    result = compute_all(data, year=2026, as_of=D).get(metric_id)
    rows = evidence(data, metric_id, 2026, D)
    assert len(rows) == result.evidence_count
    assert not [c for c in rows.columns if c.endswith("_key")]
    if len(rows):
        assert {"_file", "_sheet", "_row"} <= set(rows.columns)
    if result.kind in ("count", "zero"):
        assert len(rows) == result.value or metric_id == "T13"


@pytest.mark.parametrize(("case", "metric_id", "ledgers", "value", "status", "extra"), CASES, ids=[c[0] for c in CASES])
def test_pandas_string_dtype_gives_the_same_numbers(case, metric_id, ledgers, value, status, extra):
    data = frames(**ledgers)
    for key, f in data.items():
        data[key] = f.astype({c: "str" for c in f.columns if f[c].dtype == object})
    result = compute_all(data, year=2026, as_of=D).get(metric_id)
    assert (result.value, result.status) == (pytest.approx(value), status)


def test_every_metric_is_in_the_i18n_catalogue():
    from i18n import t

    for spec in METRICS:
        assert t(f"metrics.{spec.id}.name") == spec.name_zh and t(f"metrics.{spec.id}.name", "en") == spec.name_en
        assert t(f"metrics.{spec.id}.formula", "en") == spec.formula_en


def test_frame_typing_follows_contract_1():
    f = frame("households", [{"户号": "1-101", "调查日期": "2026-03-05", "参加文化活动": True}])
    assert str(f["调查日期"].dtype) == "datetime64[ns]"
    assert str(f["参加文化活动"].dtype) == "boolean"
    assert f["联系电话"].isna().all() and list(f.columns[-3:]) == ["_file", "_sheet", "_row"]
    assert list(f.columns[:-3]) == list(COLUMNS["households"])
