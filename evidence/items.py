"""The 32 plan items (17 基本目标 B01–B17, 15 主要任务 T01–T15), derived from the metric registry's
plan items, and the four forms of material an assessment asks for each of them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from i18n import t
from metrics.registry import METRICS, MetricSpec

# the plan's two parts: 一 (基本目标) → B, 二 (主要任务) → T
_PART_PREFIX = {"一": "B", "二": "T"}


class Form(StrEnum):
    """The four forms of material per item, in the order assessments list them."""

    RULES = "rules"  # 规范文件: rules, minutes (uploaded)
    NOTE = "note"  # 情况说明: the explanatory note (drafted from the numbers, edited)
    PHOTO = "photo"  # 实景图片: dated photos of the real thing (uploaded)
    TABLE = "table"  # 统计表格: the metric's figures and rows (from the ledgers)

    def word(self, lang: str = "zh") -> str:
        return t(f"binder.form.{self.value}", lang)

    @property
    def uploaded(self) -> bool:
        """Whether the committee uploads this form (else the dashboard makes it)."""
        return self in (Form.RULES, Form.PHOTO)


@dataclass(frozen=True)
class PlanItem:
    id: str  # B04, T14
    plan_item: str  # 一.4, 二.14 (the registry's numbering)
    metrics: tuple[MetricSpec, ...]

    def name(self, lang: str = "zh") -> str:
        return t(f"binder.item.{self.id}", lang)

    def heading(self, lang: str = "zh") -> str:
        return f"{self.id} {self.name(lang)}"

    @property
    def folder(self) -> str:
        """The item's folder in the zip of originals and in an evidence/ folder: B04_文体活动."""
        return f"{self.id}_{self.name('zh')}"

    @property
    def plan_texts(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m.plan_text for m in self.metrics))

    @property
    def metric_ids(self) -> tuple[str, ...]:
        return tuple(m.id for m in self.metrics)


def plan_id(plan_item: str) -> str:
    """"一.7" → "B07", "二.10" → "T10"."""
    part, _, number = plan_item.partition(".")
    return f"{_PART_PREFIX[part]}{int(number):02d}"


def _items() -> tuple[PlanItem, ...]:
    grouped: dict[str, list[MetricSpec]] = {}
    for spec in METRICS:
        grouped.setdefault(spec.plan_item, []).append(spec)
    items = [PlanItem(id=plan_id(key), plan_item=key, metrics=tuple(specs)) for key, specs in grouped.items()]
    return tuple(sorted(items, key=lambda item: (item.id[0] != "B", int(item.id[1:]))))


PLAN_ITEMS: tuple[PlanItem, ...] = _items()
BY_ITEM: dict[str, PlanItem] = {item.id: item for item in PLAN_ITEMS}
