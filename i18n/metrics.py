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
    "metrics.column.gap": ("差距", "Gap"),
    "metrics.column.source": ("来源", "Source"),
    # the CLI table's closing lines; the status words are Status.word's
    "metrics.cli.period": ("{year} 年，截至 {as_of}：{counts}", "{year}, as of {as_of}: {counts}"),
    "metrics.cli.problems": ("导入问题 {count} 条（用 --format json 查看详情）",
                             "{count} import problems (see --format json for details)"),
}

# The one wording of values, targets, gaps and changes (metrics/wording.py), every surface alike.
MESSAGES.update({
    "metrics.value.none": ("—", "—"),
    "metrics.gap.points": ("差 {n} 个百分点", "{n} points short"),
    "metrics.target.office": ("{target}（居委会调整；计划 {plan}）", "{target} (set by the office; plan {plan})"),
    "metrics.gap.more": ("还差 {n} {unit}", "{n} more {unit} needed"),
    "metrics.gap.over": ("超出 {n} {unit}", "{n} {unit} over"),
    "metrics.gap.open": ("剩余 {n} {unit}未整改", "{n} {unit} still open"),
    "metrics.change.same": ("持平", "no change"),
    "metrics.change.up": ("▲ {n}", "▲ {n}"),
    "metrics.change.down": ("▼ {n}", "▼ {n}"),
    "metrics.unit.points": ("个百分点", "points"),
})
