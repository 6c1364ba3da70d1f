"""Small ledger frames typed exactly as Contract 1 says the reader delivers them.

`frame(key, rows)` fills every column of the ledger (absent optional columns all-missing), types
dates as datetime64[ns], numbers as float64, yes/no as "boolean", text and categories as object str,
and adds the provenance columns _file/_sheet/_row.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

D, N, Y, T = "date", "number", "yesno", "text"
COLUMNS: dict[str, dict[str, str]] = {
    "activities": {"活动日期": D, "活动名称": T, "活动类别": T, "参与户数": N, "参与人数": N, "地点": T, "共建单位": T},
    "households": {"户号": T, "楼号": T, "调查日期": D, "参加文化活动": Y, "知晓消防知识": Y, "参与垃圾分类": Y,
                   "户主": T, "户主_key": T, "联系电话": T, "联系电话_key": T},
    "fire_equipment": {"位置": T, "器材类型": T, "应配数量": N, "实配数量": N, "完好数量": N, "检查日期": D},
    "security_log": {"日期": D, "工作类型": T, "内容": T, "参加人数": N, "负责人": T, "负责人_key": T},
    "incidents": {"发生日期": D, "事件类别": T, "等级": T, "描述": T, "处理结果": T},
    "mediation": {"受理日期": D, "纠纷类型": T, "当事人": T, "当事人_key": T, "调解结果": T, "结案日期": D},
    "facilities": {"设施名称": T, "设施类别": T, "位置": T, "面积": N, "数量": N, "状态": T, "利用率": N, "检查日期": D},
    "buildings": {"楼号": T, "所属网格": T, "户数": N, "公共走道数": N, "已装走道灯数": N, "建立党小组": Y,
                  "楼组长": T, "楼组长_key": T},
    "alley_posts": {"弄口": T, "主要弄口": Y, "设岗": Y, "在岗人数": N, "设施完备": Y},
    "greening": {"统计日期": D, "小区总面积": N, "绿化面积": N},
    "employment": {"姓名": T, "姓名_key": T, "身份证号": T, "身份证号_key": T, "人员类别": T, "登记日期": D,
                   "安置日期": D, "安置单位": T, "参加社保": Y},
    "volunteers": {"姓名": T, "姓名_key": T, "队伍": T, "加入日期": D, "状态": T, "联系电话": T, "联系电话_key": T},
    "inspections": {"巡查日期": D, "位置": T, "问题类别": T, "整改状态": T, "整改日期": D},
    "staff": {"姓名": T, "姓名_key": T, "岗位": T, "挂牌服务": Y, "培训上岗": Y},
    "hotline": {"受理日期": D, "诉求类别": T, "办结": Y, "办结日期": D},
    "migrants": {"姓名": T, "姓名_key": T, "证件号码": T, "证件号码_key": T, "登记日期": D, "登记状态": T},
    "projects": {"项目名称": T, "项目类型": T, "状态": T, "计划完成日期": D, "完成日期": D},
    "indicators": {"指标": T, "统计日期": D, "数值": N, "备注": T},
    "targets": {"指标": T, "目标值": N, "启用": Y},
}


def frame(key: str, rows: list[dict]) -> pd.DataFrame:
    columns = COLUMNS[key]
    data = {}
    for col, kind in columns.items():
        values: list[Any] = [row.get(col) for row in rows]
        if kind == D:
            data[col] = pd.Series(pd.to_datetime(values), dtype="datetime64[ns]")
        elif kind == N:
            data[col] = pd.Series(values, dtype="float64")
        elif kind == Y:
            data[col] = pd.Series(values, dtype="boolean")
        else:
            data[col] = pd.Series(values, dtype=object)
    unknown = {c for row in rows for c in row} - set(columns)
    assert not unknown, f"not a column of {key}: {unknown}"
    out = pd.DataFrame(data)
    out["_file"] = pd.Series([f"{key}.xlsx"] * len(rows), dtype=object)
    out["_sheet"] = pd.Series(["Sheet1"] * len(rows), dtype=object)
    out["_row"] = pd.Series(range(2, len(rows) + 2), dtype="int64")
    return out


def frames(**ledgers: list[dict]) -> dict[str, pd.DataFrame]:
    return {key: frame(key, rows) for key, rows in ledgers.items()}

