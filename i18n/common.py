"""Words shared by every surface: statuses, themes, metric kinds, target sources."""

MESSAGES: dict[str, tuple[str, str]] = {
    "app.title": ("社区创建看板", "Community Campaign Dashboard"),
    "app.community": ("桃园社区", "Taoyuan Community"),
    "status.met": ("达标", "Met"),
    "status.on_track": ("按进度", "On track"),
    "status.at_risk": ("需关注", "At risk"),
    "status.behind": ("未达标", "Behind"),
    "status.no_data": ("无数据", "No data"),
    "theme.safety": ("治安消防", "Safety & fire"),
    "theme.culture": ("文体教育", "Culture & education"),
    "theme.environment": ("环境卫生", "Environment & sanitation"),
    "theme.service": ("服务保障", "Services & welfare"),
    "theme.party": ("党建共建", "Party building & partners"),
    "kind.count": ("计数", "Count"),
    "kind.ratio": ("比率", "Ratio"),
    "kind.zero": ("零事件", "Zero events"),
    "kind.checklist": ("清单", "Checklist"),
    "kind.sum": ("合计", "Sum"),
    "target_source.plan": ("计划值", "plan"),
    "target_source.default": ("默认值", "default"),
    "target_source.office": ("居委会设定", "office-set"),
}
