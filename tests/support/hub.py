"""Builders for the hub's tests: communities with a book of a given size, a snapshot and an action item."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from openpyxl import Workbook


def activities(n: int, name: str) -> bytes:
    """活动台账 with ``n`` activities named after ``name`` (so a page showing them names the community)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["活动日期", "活动名称", "活动类别", "参与人数"])
    for i in range(n):
        ws.append([f"2026-{i % 9 + 1:02d}-05", f"{name}活动{i}", "文体", 20 + i])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def community_store(data_dir: Path, community: int) -> Any:
    from store.db import Store
    from store.engine import open_engine

    return Store(data_dir, engine=open_engine(None, data_dir), community=community)


def fill(store: Any, tmp: Path, n: int, name: str) -> int:
    """An accepted book of ``n`` activities, an overdue action item and a snapshot; the snapshot's id."""
    from ledgers.reader import load_files

    path = tmp / f"{name}活动台账.xlsx"
    path.write_bytes(activities(n, name))
    result = load_files([path], secret=store.secret)
    store.accept(store.propose(result, [path]), by="test")
    store.add_action_item("B08", f"{name}的督办事项", "物业", dt.date(2026, 1, 10), dt.date(2025, 12, 1))
    return store.take_snapshot(f"{name}五月例会").id
