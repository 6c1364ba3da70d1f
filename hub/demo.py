"""The demo street: 24 fictional communities of one 街道, each with its own ledger book, deterministic.

桃园社区 is the sample of ``sample_data/`` (its golden statuses); the other 23 are workbooks of
``bench/generate.py`` at different sizes and seeds, each then given the troubles an office really
has (a ledger never kept, activities thin on the ground, visits behind, a book not updated since
summer). The same code always gives the same street: names, households, rows and statuses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import pandas as pd

from metrics.registry import STARRED_DATES

STREET = "石门二路街道（演示）"
SAMPLE = "桃园社区"
BASE_SEED = 20261130
STALE_AFTER = pd.Timestamp(2026, 8, 31)

Frames = dict[str, pd.DataFrame]


def _thin(key: str, keep_every: int) -> Callable[[Frames], Frames]:
    def apply(frames: Frames) -> Frames:
        if key in frames:
            frames[key] = frames[key].iloc[::keep_every].reset_index(drop=True)
        return frames
    return apply


def _drop(key: str) -> Callable[[Frames], Frames]:
    def apply(frames: Frames) -> Frames:
        frames.pop(key, None)
        return frames
    return apply


def _stale(frames: Frames) -> Frames:
    """Every dated ledger ends at the end of August: the book was not updated since the summer."""
    for key, col in STARRED_DATES.items():
        if key in frames and col in frames[key]:
            frame = frames[key]
            frames[key] = frame[~(frame[col] > STALE_AFTER)].reset_index(drop=True)
    return frames


class Trouble(StrEnum):
    """What can go wrong in a community's book; each carries what it does to the frames."""

    THIN_ACTIVITIES = "thin_activities"  # a third of the activities held or recorded
    FEW_VISITS = "few_visits"  # a quarter of the household visits
    NO_HOTLINE = "no_hotline"  # the hotline ledger never kept
    NO_VOLUNTEERS = "no_volunteers"  # the volunteer roll never kept
    STALE = "stale"  # nothing since the end of August

    def apply(self, frames: Frames) -> Frames:
        return _TROUBLES[self](frames)

    def word(self, lang: str = "zh") -> str:
        from i18n import t

        return t(f"hub.trouble.{self.value}", lang)


_TROUBLES: dict[Trouble, Callable[[Frames], Frames]] = {
    Trouble.THIN_ACTIVITIES: _thin("activities", 3),
    Trouble.FEW_VISITS: _thin("households", 4),
    Trouble.NO_HOTLINE: _drop("hotline"),
    Trouble.NO_VOLUNTEERS: _drop("volunteers"),
    Trouble.STALE: _stale,
}


@dataclass(frozen=True, kw_only=True)
class DemoCommunity:
    name: str
    households: int
    rows: int  # ledger rows of its generated workbook (0: the sample of sample_data/)
    seed: int
    troubles: tuple[Trouble, ...] = ()


_NAMES = ("杏花", "梅林", "春晖", "长寿", "海棠", "玉兰", "紫藤", "银杏", "枫林", "松柏", "翠竹", "兰亭",
          "荷塘", "芳草", "绿洲", "和平", "康乐", "安居", "福寿", "景明", "晨曦", "华康", "延西")
_T = Trouble
# troubles per community, in the order of _NAMES: about half have one, a few two, some none
_PLAN: tuple[tuple[Trouble, ...], ...] = (
    (), (_T.THIN_ACTIVITIES,), (_T.NO_HOTLINE,), (), (_T.FEW_VISITS,), (_T.STALE,), (),
    (_T.THIN_ACTIVITIES, _T.FEW_VISITS), (), (_T.NO_VOLUNTEERS,), (), (_T.STALE, _T.NO_HOTLINE), (),
    (_T.FEW_VISITS,), (), (_T.THIN_ACTIVITIES,), (), (_T.NO_HOTLINE, _T.NO_VOLUNTEERS), (), (_T.STALE,),
    (), (_T.FEW_VISITS,), (),
)


def communities(count: int = 24, *, rows: int | None = None) -> tuple[DemoCommunity, ...]:
    """The demo street's communities: 桃园社区 (the sample), then generated ones of 3,000–12,000 rows.

    ``count`` beyond 24 repeats the names with a number (the bench's 30); ``rows`` gives every
    generated community the same size (the bench's ~10k)."""
    out = [DemoCommunity(name=SAMPLE, households=1460, rows=0, seed=0)]
    for i in range(count - 1):
        base = _NAMES[i % len(_NAMES)]
        name = f"{base}社区" if i < len(_NAMES) else f"{base}{i // len(_NAMES) + 1}社区"
        size = rows if rows is not None else 3000 + (i * 2741) % 9001  # 3,000–12,000, spread
        households = 600 + (i * 1913) % 3600 + size // 10
        out.append(DemoCommunity(name=name, households=households, rows=size, seed=BASE_SEED + i,
                                 troubles=_PLAN[i % len(_PLAN)]))
    return tuple(out)


@dataclass(frozen=True)
class Loaded:
    """A community's ledgers as the reader gave them (troubles applied): what ``Store.propose`` takes."""

    frames: Mapping[str, pd.DataFrame]
    report: Mapping[str, Any]
    files: tuple[tuple[str, bytes], ...]


def load(community: DemoCommunity, *, secret: bytes | None = None, cache_dir: Path | None = None) -> Loaded:
    """Read the community's workbook(s) with the real reader (in this process) and apply its troubles."""
    from ledgers.reader import load_files

    paths = _sources(community, cache_dir)
    result = load_files(paths, secret=secret, in_process=True)
    frames: Frames = {k: v for k, v in result.frames.items() if isinstance(v, pd.DataFrame)}
    for trouble in community.troubles:
        frames = trouble.apply(frames)
    files = tuple((p.name, p.read_bytes()) for p in paths)
    return Loaded(frames, result.report.to_dict(), files)


def _sources(community: DemoCommunity, cache_dir: Path | None) -> list[Path]:
    if community.rows == 0:
        from ui.data import sample_files

        return sample_files()
    from bench import generate

    return [generate.cached(community.rows, community.seed, cache_dir or generate.CACHE_DIR)]


def describe(street: tuple[DemoCommunity, ...]) -> Iterator[str]:
    """One line per community (the run-hub log): name, households, rows, troubles."""
    for c in street:
        troubles = "、".join(t.word() for t in c.troubles) or "—"
        yield f"{c.name}\t{c.households} 户\t{c.rows or 'sample'} 行\t{troubles}"
