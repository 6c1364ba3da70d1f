"""The sample's status mix, checked against the intended table in sample_data/README.md.

That table is the sample's contract (value, status and why for every metric); this test reads it
and holds the real reader + engine to it, so a change to either that moves a sample number fails here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest

from ledgers.reader import load_files
from metrics.engine import compute_all
from metrics.registry import METRICS

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
ROW = re.compile(r"^\|\s*(?P<id>[BT]\d{2}[a-d]?)\s*\|\s*(?P<value>[^|]+?)\s*\|\s*(?P<status>[a-z_]+)\s*\|")


def intended() -> dict[str, tuple[float | None, str]]:
    table: dict[str, tuple[float | None, str]] = {}
    for line in (SAMPLE / "README.md").read_text(encoding="utf-8").splitlines():
        m = ROW.match(line)
        if m:
            raw = m["value"]
            number = re.match(r"-?\d+(?:\.\d+)?", raw)
            assert number is not None or raw == "null", raw
            table[m["id"]] = (float(number[0]) if number else None, m["status"])
    return table


@pytest.fixture(scope="module")
def results():
    files = sorted(p for p in SAMPLE.iterdir() if p.suffix in {".xlsx", ".xls", ".csv"})
    loaded = load_files(files)
    return compute_all(loaded.frames), loaded


def test_table_covers_the_catalogue():
    assert list(intended()) == [m.id for m in METRICS]


def test_default_period_is_the_latest_row(results):
    res, _ = results
    assert (res.year, res.as_of) == (2026, dt.date(2026, 11, 20))


@pytest.mark.parametrize("metric_id", [m.id for m in METRICS])
def test_metric_lands_as_designed(results, metric_id):
    res, _ = results
    value, status = intended()[metric_id]
    got = res.get(metric_id)
    assert got.status == status
    if value is None:
        assert got.value is None
    else:
        assert got.value == pytest.approx(value, abs=6e-5)


def test_mix_is_realistic(results):
    res, _ = results
    assert Counter(m.status for m in res.metrics) == {
        "met": 33, "on_track": 3, "at_risk": 4, "behind": 5, "no_data": 1}


def test_only_the_deliberate_row_is_skipped(results):
    _, loaded = results
    skipped = [p for p in loaded.report.to_dict()["problems"] if p["severity"] == "error"]
    assert [(p["sheet"], p["row"], p["column"]) for p in skipped] == [("文体活动", 13, "活动日期")]
