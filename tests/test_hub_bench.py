"""Smoke test of bench/street.py: a tiny street, one repetition, JSON out. No timing is asserted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_the_street_bench_runs_and_reports_every_figure(tmp_path: Path) -> None:
    env = dict(os.environ, BENCH_CACHE_DIR=str(tmp_path / "cache"))
    out = subprocess.run([sys.executable, "-m", "bench.street", "--communities", "2", "--rows", "3000",
                          "--district", "3", "--runs", "1", "--json"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    figures = json.loads(out.stdout)
    assert figures["store"] == "sqlite"
    assert figures["street"]["communities"] == 2 and figures["district"]["district"] == 3
    for part, keys in (("street", ("seed_s", "grid_fresh_s", "grid_warm_s", "recompute_s")),
                       ("district", ("district_fresh_s", "district_warm_s")),
                       ("concurrency", ("import_s", "other_idle_s"))):
        assert all(figures[part][k] > 0 for k in keys), (part, figures[part])
    assert figures["concurrency"]["runs"]["during"], "the street session reran while the import ran"
