"""The metric registry and engine: pure pandas, never imports streamlit.

Readings taken where metrics.md leaves room (each has a test):
- A project marked 已获得/已完成 whose 完成日期 is after D was not finished at D; it counts as 开展中
  then (so it still counts for T11c/T12c's "开展中 or 已完成", not for T01/T11d/T15).
- 结案日期 (mediation) and 办结日期 (hotline) are not among the dates metrics.md lists for "nothing
  after D"; B08 and T04 read 调解结果 / 办结 as they stand.
- A volunteer or migrant with a blank 加入日期 / 登记日期 counts (the roster stands); a starred date
  left blank keeps the row out of every dated filter.
- 指标填报 and 指标目标 values above 1 for a ratio are percents (92 → 0.92); above 1 for a checklist
  they are counts of items (4 → 4/5). Metric ids match case-insensitively, names exactly after NFKC/trim.
- T08 takes B15's value (ledger or 指标填报); only when B15 has nothing does a T08 row of its own count.
- B03/B09b match the required names against 设施类别; checklists of projects against 项目名称
  (containment after NFKC and whitespace removal).
- History: the month holding D ends at D, so the last point is compute_all's value.
"""
