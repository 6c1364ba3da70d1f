"""Where the time goes: pyinstrument profiles of the load, metrics, PDF and warm rerun on a bench workbook.

    .venv/bin/python -m bench.profile --rows 300000                 # all four
    .venv/bin/python -m bench.profile --rows 300000 --only load metrics
    .venv/bin/python -m bench.profile --rows 300000 --only cli       # cli.py metrics' timeline, whole process

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

PARTS = ("load", "metrics", "pdf", "rerun", "cli")

# cli.py metrics run as a user runs it, with marks (seconds since the process was started) where the
# parent reaches each stage; the reader's child does what the "load" profile shows.
_CLI_TIMELINE = """
import sys, time
T0 = float(sys.argv.pop(1))
def mark(what):
    print(f"{time.time() - T0:7.3f}  {what}", file=sys.stderr, flush=True)
mark("interpreter up")
sys.path.insert(0, ".")
import cli, ledgers.worker as worker
seen = []
def watch_frames():  # ledgers.ipc costs pandas: patched once the parent has imported it anyway
    import ledgers.ipc as ipc
    unpack = ipc.unpack
    def first_frame(sent):
        if not seen:
            mark("first sheet received from the child")
        seen.append(1)
        return unpack(sent)
    ipc.unpack = first_frame
for name in ("prestart", "_run_jobs"):
    def wrap(fn=getattr(worker, name), name=name):
        def inner(*a, **k):
            mark(name + " called")
            if name == "_run_jobs":
                watch_frames()
            out = fn(*a, **k)
            mark(name + " returned")
            return out
        return inner
    setattr(worker, name, wrap())
sys.stdout = open("/dev/null", "w")
code = cli.main(sys.argv[1:])
mark(f"cli.main returned {code} ({len(seen)} sheets received)")
cli.exit_now(code)  # as the script leaves
"""


def profile_cli(path: Path) -> None:
    import subprocess

    env = dict(os.environ)
    env.pop("LEDGERS_IN_PROCESS", None)
    with tempfile.TemporaryDirectory() as tmp:
        env["DASHBOARD_DATA_DIR"] = tmp
        t0 = time.time()
        proc = subprocess.run([sys.executable, "-c", _CLI_TIMELINE, repr(t0), "metrics", str(path)],
                              cwd=Path(__file__).resolve().parent.parent, env=env, capture_output=True, text=True)
        end = time.time() - t0
    print("== cli.py metrics, whole process (seconds since start)")
    print(proc.stderr.rstrip())
    print(f"{end:7.3f}  process exited ({proc.returncode})")



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
    if "cli" in a.only:
        profile_cli(path)
        if a.only == ["cli"]:
            return 0

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
