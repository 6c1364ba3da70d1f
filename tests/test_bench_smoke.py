"""Smoke test of bench/run.py: a tiny size, one repetition, JSON out. No timing is asserted."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# exactly these, one object per size in the order of --rows: the size, the measurements in the
# worker, then the whole processes (fastexcel floor and cli.py metrics)
KEYS = {
    "rows", "calamine_s", "fastexcel_s", "openpyxl_s", "load_s", "load_vs_calamine", "load_vs_fastexcel",
    "load_over_fastexcel_s",
    "openpyxl_speedup", "metrics_s", "pdf_s", "rerun_s", "peak_rss_mb",
    "floor_proc_s", "floor_proc_mb", "cli_proc_s", "cli_proc_mb", "cli_vs_floor", "cli_mem_vs_floor",
    "cli_over_floor_s",
}
# A key is only required once every layer it needs exists in the tree (they land one by one).
READER = "ledgers/reader.py"
LAYERS_OF = {
    "load_s": (READER,),
    "load_vs_calamine": (READER,),
    "load_vs_fastexcel": (READER,),
    "load_over_fastexcel_s": (READER,),
    "cli_proc_s": (READER, "metrics/engine.py"),
    "cli_proc_mb": (READER, "metrics/engine.py"),
    "cli_vs_floor": (READER, "metrics/engine.py"),
    "cli_mem_vs_floor": (READER, "metrics/engine.py"),
    "cli_over_floor_s": (READER, "metrics/engine.py"),
    "openpyxl_speedup": (READER,),
    "metrics_s": (READER, "metrics/engine.py"),
    "pdf_s": (READER, "metrics/engine.py", "report/pdf.py"),
    "rerun_s": (READER, "metrics/engine.py", "app.py"),
}


@pytest.mark.slow
def test_bench_json_tiny(tmp_path: Path) -> None:
    env = dict(os.environ, BENCH_CACHE_DIR=str(tmp_path), PYTHONPATH=str(ROOT))
    cmd = [sys.executable, "-m", "bench.run", "--rows", "2000", "--runs", "1",
           "--openpyxl-runs", "1", "--pdf-runs", "1", "--json"]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    results = json.loads(proc.stdout)  # --json prints nothing but the list

    assert isinstance(results, list) and len(results) == 1
    (row,) = results
    assert set(row) == KEYS
    assert row["rows"] == 2000
    for key in KEYS - {"rows"}:
        value = row[key]
        if value is None and not all((ROOT / f).exists() for f in LAYERS_OF.get(key, ())):
            continue  # that layer has not landed yet
        if value is None and key == "pdf_s" and _pdf_unavailable():
            continue  # no Chromium or Chinese font on this machine: report.pdf refuses, rightly
        assert isinstance(value, (int, float)) and math.isfinite(value) and value > 0, (key, value, proc.stderr[-2000:])
    assert list(tmp_path.glob("street_2000_*.xlsx")), "the workbook should be generated into BENCH_CACHE_DIR"


def _pdf_unavailable() -> bool:
    from report.pdf import check_prerequisites

    return bool(check_prerequisites())
