"""Where the time goes: pyinstrument profiles of the load, metrics, PDF and warm rerun on a bench workbook.

    .venv/bin/python -m bench.profile --rows 300000                 # all four
    .venv/bin/python -m bench.profile --rows 300000 --only load metrics

The load is profiled in process (``load_files(in_process=True)``): the guarded child is a separate
interpreter a profiler in this one cannot see, and it runs the same ``read_file``. Full text profiles go
to bench/_cache/profile_<part>_<rows>.txt; the top of each is printed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pyinstrument import Profiler

from bench.generate import CACHE_DIR, cached

PARTS = ("load", "metrics", "pdf", "rerun")


def _save(name: str, rows: int, prof: Profiler, lines: int) -> None:
    text = prof.output_text(unicode=True, color=False)
    out = CACHE_DIR / f"profile_{name}_{rows}.txt"
    out.write_text(text, encoding="utf-8")
    body = [ln for ln in text.splitlines() if ln.strip()]
    print(f"== {name} ({out})")
    print("\n".join(body[:lines]))
    print()


def _profile(fn: Callable[[], Any], interval: float) -> tuple[Profiler, float, Any]:
    prof = Profiler(interval=interval)
    prof.start()
    t0 = time.perf_counter()
    try:
        out = fn()
    finally:
        prof.stop()
    return prof, time.perf_counter() - t0, out


def profile_rerun(frames: dict, report: dict, lines: int, rows: int) -> None:
    """The warm rerun: the app script runs in AppTest's own thread, so the profiler starts there."""
    import streamlit.testing.v1.local_script_runner as lsr
    from streamlit.testing.v1 import AppTest

    from ui.data import Dataset

    box: dict[str, Any] = {"on": False}
    original = lsr.LocalScriptRunner._run_script_thread

    def profiled(self: Any) -> None:
        if not box["on"]:
            return original(self)
        prof = Profiler(interval=0.001)
        prof.start()
        try:
            return original(self)
        finally:
            prof.stop()
            box["prof"] = prof

    lsr.LocalScriptRunner._run_script_thread = profiled  # type: ignore[method-assign]  # profile it in place
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DASHBOARD_DATA_DIR"] = tmp
        at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=600)
        at.session_state["upload_dataset"] = Dataset(id="upload:profile", kind="upload", frames=dict(frames),
                                                     report=report)
        at.session_state["pending_source"] = "upload"
        at.run()
        at.run()
        box["on"] = True
        t0 = time.perf_counter()
        at.run()
        print(f"warm rerun {time.perf_counter() - t0:.3f} s (profiled)")
    lsr.LocalScriptRunner._run_script_thread = original  # type: ignore[method-assign]
    _save("rerun", rows, box["prof"], lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, default=300_000)
    p.add_argument("--only", nargs="+", choices=PARTS, default=list(PARTS))
    p.add_argument("--lines", type=int, default=60, help="lines of each profile to print")
    a = p.parse_args(argv)
    path = cached(a.rows)

    from ledgers.reader import load_files

    prof, took, result = _profile(lambda: load_files([path], in_process=True), 0.005)
    print(f"load (in process) {took:.2f} s")
    if "load" in a.only:
        _save("load", a.rows, prof, a.lines)
    frames, report = result.frames, result.report.to_dict()

    if "metrics" in a.only:
        from metrics.engine import compute_all, default_period, history
        from metrics.registry import METRICS

        year, as_of = default_period(frames)
        fresh = {k: v.copy(deep=False) for k, v in frames.items()}  # cold engine caches, as after an upload

        def metrics() -> None:
            compute_all(fresh, year=year, as_of=as_of)
            for spec in METRICS:
                history(fresh, spec.id, year, as_of=as_of)

        prof, took, _ = _profile(metrics, 0.001)
        print(f"metrics + history {took:.3f} s (profiled)")
        _save("metrics", a.rows, prof, a.lines)

    if "pdf" in a.only:
        from metrics.engine import default_period
        from report.pdf import build_pdf_from_frames

        year, as_of = default_period(frames)
        prof, took, _ = _profile(lambda: build_pdf_from_frames(frames, report, year=year, as_of=as_of), 0.005)
        print(f"pdf {took:.2f} s (profiled; time in Chromium shows as waiting)")
        _save("pdf", a.rows, prof, a.lines)

    if "rerun" in a.only:
        profile_rerun(frames, report, a.lines, a.rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
