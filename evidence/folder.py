"""An evidence/ folder beside the ledgers (as sample_data/evidence/): one sub-folder per plan item named
like the zip's (``B04_文体活动``), pictures as 实景图片 and anything else as 规范文件. A file named
``<date>_<caption>_<n>`` gets that caption, and is attached to the activity ledger's row of that date and
name when there is one (the stable key ``activities|2026-03-23|广场舞展演``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from evidence.intake import IMAGE_SUFFIXES, IntakeError
from evidence.items import BY_ITEM, Form
from store.evidence import EvidenceStore

_NAME = re.compile(r"^(?:(\d{4}-\d{2}-\d{2})_)?(.+?)(?:_\d+)?$")


def row_key(frames: Mapping[str, pd.DataFrame] | None, day: str | None, caption: str) -> str | None:
    """The activity row of that date and name, as a key that survives re-uploads (not _file/_row)."""
    acts = (frames or {}).get("activities")
    if acts is None or not day or acts.empty:
        return None
    hit = acts[(acts["活动日期"].dt.strftime("%Y-%m-%d") == day) & (acts["活动名称"].astype(str) == caption)]
    return f"activities|{day}|{caption}" if len(hit) else None


def ingest(folder: Path, store: EvidenceStore, frames: Mapping[str, pd.DataFrame] | None = None) -> list[str]:
    """Take every file of ``folder`` into ``store``; the Chinese messages of what was refused."""
    refused = []
    for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
        item = sub.name.split("_", 1)[0]
        if item not in BY_ITEM:
            refused.append(IntakeError("binder.error.unknown_item", item=sub.name).text())
            continue
        for path in sorted(p for p in sub.iterdir() if p.is_file() and not p.name.startswith(".")):
            day, caption = _NAME.match(path.stem).groups()  # type: ignore[union-attr]
            form = Form.PHOTO if path.suffix.lower() in IMAGE_SUFFIXES else Form.RULES
            try:
                store.add(item, form, path.name, path.read_bytes(), caption=caption if day else "",
                          row_key=row_key(frames, day, caption))
            except IntakeError as exc:
                refused.append(exc.text())
    return refused
