"""metrics.compare: two books → per metric the value and status before and now, and the change in
the one wording; five more settled disputes move B08 and nothing else."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ledgers.reader import SourceFile, load_files
from metrics.compare import MetricChange, compare_books, compare_results
from metrics.engine import compute_all
from tests.support.uploads import mediation_plus
from ui import data


@pytest.fixture(scope="module")
def sample_frames() -> dict:
    return dict(load_files(data.sample_files(), secret=b"k" * 32, in_process=True).frames)


def test_five_more_settled_disputes_move_b08_only(sample_frames: dict) -> None:
    name, blob = mediation_plus(5)
    more = load_files([SourceFile(name, blob)], secret=b"k" * 32, in_process=True).frames["mediation"]
    assert len(more) == len(sample_frames["mediation"]) + 5
    comparison = compare_books(sample_frames, dict(sample_frames, mediation=more), year=2026)
    assert [c.id for c in comparison.changed] == ["B08"]
    b08 = comparison["B08"]
    assert b08.value_text("zh").startswith("▲ ") and b08.value_text("zh").endswith("个百分点")
    assert b08.improved is True
    assert comparison["B04"].text("zh") == "持平"


def test_the_earlier_book_is_judged_at_its_own_date(sample_frames: dict) -> None:
    early = {k: f for k, f in sample_frames.items()}
    early["activities"] = early["activities"][early["activities"]["活动日期"] < "2026-06-01"]
    comparison = compare_books(early, sample_frames, year=2026)
    assert comparison.before.as_of <= comparison.after.as_of
    assert comparison["B04"].value_text("zh").startswith("▲ ")


@pytest.mark.parametrize(("metric", "before", "after", "statuses", "zh", "en"), [
    ("B04", 9.0, 12.0, None, "▲ 3 次", "▲ 3 times"),
    ("B04", 12.0, 12.0, None, "持平", "no change"),
    ("B08", 0.9, 0.879, None, "▼ 2.1 个百分点", "▼ 2.1 points"),
    ("B04", 12.0, 10.0, ("at_risk", "behind"), "▼ 2 次；状态 需关注 → 未达标", "▼ 2 times; status At risk → Behind"),
    ("B04", None, 10.0, None, "—", "—"),
])
def test_change_wording(sample_frames: dict, metric: str, before, after, statuses, zh: str, en: str) -> None:
    base = compute_all(sample_frames, year=2026).get(metric)
    assert base is not None
    old, new = statuses or (base.status, base.status)
    change = MetricChange(None if before is None else replace(base, value=before, status=old),
                          replace(base, value=after, status=new))
    assert change.text("zh") == zh
    assert change.text("en") == en


def test_compare_results_pairs_by_id(sample_frames: dict) -> None:
    results = compute_all(sample_frames, year=2026)
    comparison = compare_results(results, results)
    assert len(comparison.changes) == 46 and comparison.changed == []
