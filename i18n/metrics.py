"""Strings of the metrics layer and the command line: metric names and formulas come from the registry."""

from metrics.registry import METRICS

MESSAGES: dict[str, tuple[str, str]] = {
    **{f"metrics.{m.id}.name": (m.name_zh, m.name_en) for m in METRICS},
    **{f"metrics.{m.id}.formula": (m.formula_zh, m.formula_en) for m in METRICS},
    "metrics.source.indicators": ("指标填报", "directly reported (指标填报)"),
    "metrics.warning.ledger_wins": ("指标填报值 {reported} 与台账计算值 {computed} 不一致，以台账为准",
                                    "Reported value {reported} differs from the ledger's {computed}; the ledger wins"),
    "metrics.evidence.in_numerator": ("计入分子", "Counted"),
    "metrics.expected": ("按进度应达", "Expected by now"),
    "metrics.plan_target": ("计划值", "Plan value"),
    "metrics.column.id": ("编号", "ID"),
    "metrics.column.name": ("指标", "Metric"),
    "metrics.column.value": ("数值", "Value"),
    "metrics.column.target": ("目标", "Target"),
    "metrics.column.status": ("状态", "Status"),
    "metrics.column.source": ("来源", "Source"),
    "metrics.cli.description": ("社区创建看板命令行", "Community dashboard command line"),
    "metrics.cli.metrics_help": ("计算全部指标并输出 JSON 或表格", "compute every metric and print JSON or a table"),
    "metrics.cli.no_files": ("没有找到可读取的台账文件（.xlsx/.xlsm/.xls/.csv）：{paths}",
                             "no ledger files (.xlsx/.xlsm/.xls/.csv) found: {paths}"),
    "metrics.cli.bad_date": ("日期格式不对：{value}，请写成 YYYY-MM-DD，例如 2026-11-20",
                             "bad date {value}: write YYYY-MM-DD, e.g. 2026-11-20"),
    "metrics.cli.bad_year": ("年份不对：{value}", "bad year: {value}"),
    "metrics.cli.usage": ("用法错误：{detail}", "usage error: {detail}"),
    "metrics.cli.summary": ("{year} 年，截至 {as_of}：达标 {met}，按进度 {on_track}，需关注 {at_risk}，未达标 {behind}，无数据 {no_data}",
                            "{year}, as of {as_of}: met {met}, on track {on_track}, at risk {at_risk}, behind {behind}, "
                            "no data {no_data}"),
    "metrics.cli.problems": ("导入问题 {count} 条", "{count} import problems"),
}

# The one wording of values, targets, gaps and changes (metrics/wording.py), every surface alike.
MESSAGES.update({
    "metrics.value.none": ("—", "—"),
    "metrics.gap.points": ("差 {n} 个百分点", "{n} points short"),
    "metrics.gap.more": ("还差 {n} {unit}", "{n} more {unit} needed"),
    "metrics.gap.over": ("超出 {n} {unit}", "{n} {unit} over"),
    "metrics.gap.open": ("剩余 {n} {unit}未整改", "{n} {unit} still open"),
    "metrics.change.same": ("持平", "no change"),
    "metrics.change.up": ("▲ {n}", "▲ {n}"),
    "metrics.change.down": ("▼ {n}", "▼ {n}"),
    "metrics.unit.points": ("个百分点", "points"),
})
