"""Strings of the Streamlit pages and of the chart builders (keys start with ``ui.``)."""

MESSAGES: dict[str, tuple[str, str]] = {
    # charts
    "ui.chart.target": ("目标 {target}", "Target {target}"),
    "ui.chart.basic_target": ("基本目标 {target}", "Basic target {target}"),
    "ui.chart.stretch_target": ("年度目标 {target}", "Annual target {target}"),
    "ui.chart.band": ("需关注区间", "At-risk band"),
    "ui.chart.pace": ("进度线（至年度目标）", "Pace to the annual target"),
    "ui.chart.actual": ("累计完成", "Cumulative count"),
    "ui.chart.expected": ("截至{date}应达 {value}", "Expected by {date}: {value}"),
    "ui.chart.no_events": ("无事件", "No events"),
    "ui.chart.events": ("{n} 起事件", "{n} event(s)"),
    "ui.chart.present": ("已具备", "present"),
    "ui.chart.missing": ("缺少", "missing"),
    "ui.chart.this_year": ("{year}年", "{year}"),
    "ui.chart.summary_title": ("指标状态分布", "Metrics by status"),
    "ui.chart.month_axis": ("月末", "Month end"),
    "ui.chart.yoy_title": ("同比：{name}", "Year on year: {name}"),
    "ui.chart.value_status": ("{value}  {icon} {status}", "{value}  {icon} {status}"),
    "ui.chart.as_of": ("截至 {date}", "As of {date}"),
    "ui.unit.events": ("起", "events"),
    "ui.unit.times": ("次", ""),
}
