"""Street-scale benchmark: this project's load, metrics, PDF and rerun against the read floors.

    .venv/bin/python -m bench.run                       # 10k, 30k, 100k, 300k rows, aligned table
    .venv/bin/python -m bench.run --rows 300000 --openpyxl-runs 1
    .venv/bin/python -m bench.run --rows 2000 --runs 1 --json

Each size runs in two fresh worker processes, one after the other: the project worker alternates
the calamine floor with the full load (so a busy neighbour hits both sides of the ratio), then times
metrics, the PDF and the warm rerun while sampling the memory of its process tree; the other times
the openpyxl peer, which is slow, on its own. Then, from here, whole processes alternate: a bare
fastexcel read of every sheet to Arrow (the floor of #17) and ``cli.py metrics`` on the same file,
each timed from start to exit with the peak PSS of its process tree.
Workbooks come from bench.generate and are cached in bench/_cache (git-ignored).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SIZES = [10_000, 30_000, 100_000, 300_000]
# The measurements, in table order: the in-worker ones, then the whole-process ones (a second table).
MEASUREMENTS = [
    "calamine_s", "fastexcel_s", "openpyxl_s", "load_s", "load_vs_calamine", "load_vs_fastexcel",
    "load_over_fastexcel_s", "openpyxl_speedup", "metrics_s", "pdf_s", "rerun_s", "peak_rss_mb",
]
PROCESS_MEASUREMENTS = [
    "floor_proc_s", "floor_proc_mb", "cli_proc_s", "cli_proc_mb", "cli_vs_floor", "cli_mem_vs_floor",
    "cli_over_floor_s",
]
# --json objects hold exactly these: the size, then the measurements; one per size in --rows order.
JSON_KEYS = ["rows", *MEASUREMENTS, *PROCESS_MEASUREMENTS]
KEYS = JSON_KEYS
WORKER_TIMEOUT_S = 1800

_ANY = 1 << 62
# (label, key, limit, applies to sizes >= min rows, <= max rows); "<=" goals except openpyxl_speedup
GOALS: list[tuple[str, str, float, int, int]] = [
    ("full load ≤ 1.3× calamine floor", "load_vs_calamine", 1.3, 0, _ANY),
    ("cli.py metrics ≤ 1.5× fastexcel floor, time (300k)", "cli_vs_floor", 1.5, 300_000, _ANY),
    ("cli.py metrics ≤ 1.5× fastexcel floor, memory (300k)", "cli_mem_vs_floor", 1.5, 300_000, _ANY),
    # #17: "the full load ≤ 0.25 s above the same floor (fixed costs: warm worker, imports)": the load as an
    # upload runs it (warm child, modules imported) against fastexcel's read in the same worker
    ("full load ≤ fastexcel floor + 0.25 s (10k)", "load_over_fastexcel_s", 0.25, 0, 10_000),
    ("full load ≥ 5× faster than openpyxl", "openpyxl_speedup", 5.0, 0, _ANY),
    ("metrics + 12-month history ≤ 0.5 s (300k)", "metrics_s", 0.5, 300_000, _ANY),
    ("PDF report ≤ 8 s", "pdf_s", 8.0, 0, _ANY),
    ("warm rerun of overview ≤ 0.3 s", "rerun_s", 0.3, 0, _ANY),
    ("peak RSS ≤ 1.5 GB", "peak_rss_mb", 1536.0, 0, _ANY),
]


def timed_runs(fn: Callable[[], Any], runs: int) -> list[float]:
    """Wall time of each of `runs` calls."""
    times = []
    for _ in range(max(1, runs)):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


class RssSampler:
    """Peak of the summed PSS of this process and all its descendants, sampled from /proc.

    The reader parses in a forkserver grandchild and the PDF runs Chromium: getrusage misses the first
    (never waited for by us) and reports only the largest child, so the tree is sampled instead. PSS,
    not RSS: forked children and Chromium's processes share most pages, and RSS would count them once
    per process (1.7 GB for a 2,000-row PDF). `paused` excludes the floor reads.
    """

    def __init__(self, interval: float = 0.025, root: int | None = None) -> None:
        self.interval, self.peak_kib, self.paused = interval, 0, False
        self.root = os.getpid() if root is None else root
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()

    @property
    def peak_mb(self) -> float:
        return self.peak_kib / 1024

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def sample(self) -> None:
        if not self.paused:
            self.peak_kib = max(self.peak_kib, sum(_pss_kib(p) for p in _tree(self.root)))


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except OSError:
            continue  # the process ended between two reads
    return out


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


# ------------------------------------------------------------------------------------- workers
# The floor of #17: every sheet of the workbook read raw into Arrow by fastexcel, nothing else. The
# same code runs in the project worker (fastexcel_s) and as a whole process of its own (floor_proc_s).
FASTEXCEL_FLOOR = """
import fastexcel
reader = fastexcel.read_excel(PATH)
batches = [reader.load_sheet(name, header_row=None).to_arrow() for name in reader.sheet_names]
"""


def read_fastexcel(path: Path) -> None:
    exec(FASTEXCEL_FLOOR, {"PATH": str(path)})  # noqa: S102 - the constant above, nothing from outside


def worker_reads(path: Path, runs: int, openpyxl_runs: int) -> dict[str, Any]:
    """The peer: pandas reading every sheet with openpyxl, nothing else (slow, so on its own)."""
    import pandas as pd

    if openpyxl_runs <= 0:
        return {}
    times = timed_runs(lambda: pd.read_excel(path, sheet_name=None, engine="openpyxl"), openpyxl_runs)
    return {"openpyxl_s": statistics.median(times), "openpyxl_runs": times}


def worker_project(path: Path, runs: int, pdf_runs: int) -> dict[str, Any]:
    """The floor and this project's layers; a layer not yet importable reports why, not a number."""
    import pandas as pd

    out: dict[str, Any] = {"errors": {}}
    with RssSampler() as rss:
        # Floor and full load alternate, so a neighbour's burst of CPU hits both sides of the ratio.
        floor, fx_floor, loads, result = [], [], [], None
        for _ in range(max(1, runs)):
            rss.paused = True
            t0 = time.perf_counter()
            pd.read_excel(path, sheet_name=None, engine="calamine")
            floor.append(time.perf_counter() - t0)
            gc.collect()
            t0 = time.perf_counter()
            read_fastexcel(path)
            fx_floor.append(time.perf_counter() - t0)
            gc.collect()
            rss.paused = False
            if "load_s" in out["errors"]:
                continue
            try:
                from ledgers.reader import load_files

                result = None
                gc.collect()
                t0 = time.perf_counter()
                result = load_files([path])
                loads.append(time.perf_counter() - t0)
            except Exception as e:  # noqa: BLE001 - a missing layer is a result here, not a crash
                out["errors"]["load_s"] = _why(e)
        out["calamine_s"], out["calamine_runs"] = statistics.median(floor), floor
        out["fastexcel_s"], out["fastexcel_runs"] = statistics.median(fx_floor), fx_floor
        if loads and result is not None:
            # the first load also starts the reader's forkserver, as an app's first upload does
            out["load_s"], out["load_runs"] = statistics.median(loads), loads
            report = result.report.to_dict()
            out["ledger_rows"] = {k: v.get("rows") for k, v in report.get("ledgers", {}).items()}
            out["problem_count"] = len(report.get("problems", []))

        if result is not None:
            for key, fn in (("metrics_s", lambda: time_metrics(result.frames, runs)),
                            ("pdf_s", lambda: time_pdf(result, pdf_runs)),
                            ("rerun_s", lambda: time_rerun(result, path, runs))):
                try:
                    times = fn()
                    out[key], out[key.removesuffix("_s") + "_runs"] = statistics.median(times), times
                except Exception as e:  # noqa: BLE001
                    out["errors"][key] = _why(e)
    out["peak_rss_mb"] = rss.peak_mb
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out["ru_maxrss_mb"] = usage / 1024  # getrusage, for comparison: self + largest waited-for child
    return out


def time_metrics(frames: dict, runs: int) -> list[float]:
    """compute_all for Y, plus the month-end history of every metric of the catalogue.

    Each run gets fresh (shallow) frame objects: the engine caches per-column preparations by frame
    identity, and the first view after an upload pays for them, so every run is timed cold."""
    from metrics.engine import compute_all, default_period, history
    from metrics.registry import METRICS

    year, as_of = default_period(frames)
    times = []
    for _ in range(max(1, runs)):
        fresh = {k: v.copy(deep=False) for k, v in frames.items()}
        t0 = time.perf_counter()
        compute_all(fresh, year=year, as_of=as_of)
        for spec in METRICS:
            history(fresh, spec.id, year, as_of=as_of)
        times.append(time.perf_counter() - t0)
    return times


def time_pdf(result: Any, runs: int) -> list[float]:
    """The whole PDF report from the loaded frames (report.pdf.build_pdf_from_frames, as cli.py pdf)."""
    from metrics.engine import default_period
    from report.pdf import build_pdf_from_frames

    year, as_of = default_period(result.frames)
    report = result.report.to_dict()

    def once() -> None:
        data = build_pdf_from_frames(result.frames, report, year=year, as_of=as_of)
        if not data.startswith(b"%PDF"):
            raise RuntimeError("the builder returned something that is not a PDF")

    return timed_runs(once, runs)


def time_rerun(result: Any, path: Path, runs: int) -> list[float]:
    """A warm rerun of the overview page: app.py showing the loaded workbook as the current book.

    The frames already loaded are accepted into the book of a temporary data folder (the app's
    default source), so the rerun measures the pages, not the reader."""
    from streamlit.testing.v1 import AppTest

    from store.db import Store

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DASHBOARD_DATA_DIR"] = tmp
        store = Store(Path(tmp))
        store.accept(store.propose(result, [path]), confirm=[])
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        at.run()  # cold: computes and caches results and history
        _check_app(at, f"book:{store.book_id()}")

        times = timed_runs(at.run, runs)
        _check_app(at, f"book:{store.book_id()}")
    return times


def _check_app(at: Any, dataset_id: str) -> None:
    if at.exception:
        raise RuntimeError(f"app.py raised: {at.exception[0].message[:200]}")
    try:
        view = at.session_state["_view"]  # ui.state.VIEW: what the page rendered from
    except KeyError:
        view = None
    if view is None or view.dataset.id != dataset_id:
        raise RuntimeError("the app did not show the benchmark workbook (session-state hook changed?)")


def _why(e: BaseException) -> str:
    last = traceback.extract_tb(e.__traceback__)[-1:] if e.__traceback__ else []
    where = f" ({Path(last[0].filename).name}:{last[0].lineno})" if last else ""
    return f"{type(e).__name__}: {e}{where}"[:300]


# ----------------------------------------------------------------------------------- orchestration
def run_worker(kind: str, path: Path, args: argparse.Namespace) -> dict[str, Any]:
    """One worker in a fresh interpreter; its last stdout line is the JSON result."""
    cmd = [sys.executable, "-m", "bench.run", "--worker", kind, "--path", str(path),
           "--runs", str(args.runs), "--openpyxl-runs", str(args.openpyxl_runs),
           "--pdf-runs", str(args.pdf_runs)]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=WORKER_TIMEOUT_S)
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        return {"errors": {kind: f"worker exit {proc.returncode}: {proc.stderr.strip()[-400:]}"}}
    return json.loads(lines[-1])


def run_process(cmd: list[str], env: dict[str, str], *, sample: bool = True) -> tuple[float, float]:
    """(wall seconds from start to exit, peak memory in MB) of one command: the larger of the summed
    PSS of its process tree, sampled every 10 ms, and the kernel's peak RSS of the process itself
    (exact, where a sample may miss a short peak on a busy machine). ``sample=False``: no sampler
    (the memory is then the process's own peak RSS only): for timing, since reading /proc every 10 ms
    takes CPU the measured process would otherwise have."""
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err)
        with RssSampler(interval=0.01, root=proc.pid) if sample else contextlib.nullcontext() as sampler:
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            raise RuntimeError(f"{cmd[1:3]} exit {proc.returncode}: {err.read().decode(errors='replace')[-300:]}")
    return wall, max(sampler.peak_mb if sampler is not None else 0.0, usage.ru_maxrss / 1024)


def measure_processes(path: Path, runs: int) -> dict[str, Any]:
    """The fastexcel floor and ``cli.py metrics`` as whole processes, alternating (medians of ``runs``)."""
    out: dict[str, Any] = {"errors": {}}
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, PYTHONPATH=str(ROOT), DASHBOARD_DATA_DIR=tmp)
        env.pop("LEDGERS_IN_PROCESS", None)  # the CLI as a user runs it: the reader in its child
        floor = [sys.executable, "-c", f"PATH = {str(path)!r}\n" + FASTEXCEL_FLOOR]
        cli = [sys.executable, str(ROOT / "cli.py"), "metrics", str(path)]
        got: dict[str, list[float]] = {k: [] for k in ("floor_proc_s", "floor_proc_mb", "cli_proc_s", "cli_proc_mb")}
        try:
            for _ in range(max(1, runs)):  # a timed run of each with nothing watching, then one sampled
                for name, cmd in (("floor", floor), ("cli", cli)):
                    got[f"{name}_proc_s"].append(run_process(cmd, env, sample=False)[0])
                for name, cmd in (("floor", floor), ("cli", cli)):
                    got[f"{name}_proc_mb"].append(run_process(cmd, env)[1])
        except Exception as e:  # noqa: BLE001 - reported, not a crash
            out["errors"]["cli_proc_s"] = _why(e)
            return out
    for key, values in got.items():  # floor_proc_s -> floor_proc_runs, floor_proc_mb -> floor_proc_mb_runs
        out[key], out[key.removesuffix("_s") + "_runs"] = statistics.median(values), values
    out["cli_vs_floor"] = out["cli_proc_s"] / out["floor_proc_s"]
    out["cli_mem_vs_floor"] = out["cli_proc_mb"] / out["floor_proc_mb"]
    out["cli_over_floor_s"] = out["cli_proc_s"] - out["floor_proc_s"]
    return out


def measure(rows: int, args: argparse.Namespace) -> dict[str, Any]:
    from bench.generate import cached

    path = cached(rows)
    res: dict[str, Any] = {"rows": rows}
    extra: dict[str, Any] = {"errors": {}}
    for kind in ("project", "reads"):
        got = run_worker(kind, path, args)
        extra["errors"].update(got.pop("errors", {}))
        for k, v in got.items():
            (res if k in KEYS else extra)[k] = v
    got = measure_processes(path, args.runs)
    extra["errors"].update(got.pop("errors", {}))
    for k, v in got.items():
        (res if k in KEYS else extra)[k] = v
    load, cal, opx, fx = res.get("load_s"), res.get("calamine_s"), res.get("openpyxl_s"), res.get("fastexcel_s")
    res["load_vs_calamine"] = load / cal if load and cal else None
    res["load_vs_fastexcel"] = load / fx if load and fx else None
    res["load_over_fastexcel_s"] = load - fx if load and fx else None
    res["openpyxl_speedup"] = opx / load if load and opx else None
    ordered = {k: _round(res.get(k)) for k in KEYS}
    ordered["_extra"] = extra
    return ordered


def _round(v: Any) -> Any:
    return round(v, 4) if isinstance(v, float) else v


def goal_rows(results: list[dict[str, Any]]) -> list[tuple[str, list[str]]]:
    """PASS / MISS per goal and size; '-' where the goal does not apply, 'n/a' where not measured."""
    out = []
    for label, key, limit, min_rows, max_rows in GOALS:
        cells = []
        for r in results:
            v = r.get(key)
            if not min_rows <= r["rows"] <= max_rows:
                cells.append("-")
            elif v is None:
                cells.append("n/a")
            elif key == "openpyxl_speedup":
                cells.append("PASS" if v >= limit else "MISS")
            else:
                cells.append("PASS" if v <= limit else "MISS")
        out.append((label, cells))
    return out


_FORMATS = {"rows": "{:,}", "peak_rss_mb": "{:.0f}", "load_vs_calamine": "{:.2f}×", "load_vs_fastexcel": "{:.2f}×",
            "openpyxl_speedup": "{:.1f}×", "floor_proc_mb": "{:.0f}", "cli_proc_mb": "{:.0f}",
            "cli_vs_floor": "{:.2f}×", "cli_mem_vs_floor": "{:.2f}×"}


def _print_columns(results: list[dict[str, Any]], cols: list[str]) -> None:
    cells = [[(_FORMATS.get(k, "{:.3f}").format(r[k]) if r[k] is not None else "n/a") for k in cols] for r in results]
    widths = [max(len(k), *(len(c[i]) for c in cells)) for i, k in enumerate(cols)]
    print("  ".join(k.rjust(w) for k, w in zip(cols, widths, strict=True)))
    for c in cells:
        print("  ".join(v.rjust(w) for v, w in zip(c, widths, strict=True)))
    print()


def print_table(results: list[dict[str, Any]], args: argparse.Namespace) -> None:
    _print_columns(results, ["rows", *MEASUREMENTS])
    print("whole processes, start to exit (python -c <fastexcel floor> FILE | python cli.py metrics FILE):")
    _print_columns(results, ["rows", *PROCESS_MEASUREMENTS])
    notes = [f"times are the median of {args.runs} run(s)"]
    if args.openpyxl_runs <= 0:
        notes.append("openpyxl skipped (--openpyxl-runs 0)")
    elif args.openpyxl_runs != args.runs:
        notes.append(f"openpyxl_s is the median of {args.openpyxl_runs} run(s) only (--openpyxl-runs)")
    if args.pdf_runs != args.runs:
        notes.append(f"pdf_s is the median of {args.pdf_runs} run(s) (--pdf-runs)")
    notes.append("peak_rss_mb: summed PSS of the project worker and all its descendants (reader child, "
                 "Chromium), sampled from /proc/*/smaps_rollup every 25 ms; excludes the floor reads; "
                 "*_proc_mb: the same of each whole process, every 10 ms, or its own peak RSS if larger")
    print("; ".join(notes))
    print()
    label_w = max(len(g[0]) for g in GOALS)
    print("goal".ljust(label_w) + "  " + "  ".join(f"{r['rows']:>8,}" for r in results))
    for label, marks in goal_rows(results):
        print(label.ljust(label_w) + "  " + "  ".join(f"{m:>8}" for m in marks))
    print()
    print("each run, in order (the spread shows how busy the machine was):")
    for r in results:
        extra = r["_extra"]
        runs = "  ".join(f"{k.removesuffix('_runs')} " + "/".join(f"{x:.2f}" for x in v)
                         for k, v in extra.items() if k.endswith("_runs"))
        print(f"  {r['rows']:>7,}  {runs}")
        if "ledger_rows" in extra:
            print(f"           rows loaded {sum(v or 0 for v in extra['ledger_rows'].values()):,} in "
                  f"{len(extra['ledger_rows'])} ledgers, {extra.get('problem_count', 0)} report entries; "
                  f"getrusage peak (self + largest child) {extra.get('ru_maxrss_mb', 0):.0f} MB")
        for key, why in extra["errors"].items():
            print(f"           {key} not measured: {why}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, nargs="+", default=DEFAULT_SIZES, help="sizes (data rows)")
    p.add_argument("--runs", type=int, default=3, help="repetitions per measurement (median)")
    p.add_argument("--openpyxl-runs", type=int, default=3, help="openpyxl repetitions; 0 skips it")
    p.add_argument("--pdf-runs", type=int, default=3, help="PDF repetitions")
    p.add_argument("--json", action="store_true", help="print only a JSON list, one object per size")
    p.add_argument("--worker", choices=["reads", "project"], help=argparse.SUPPRESS)
    p.add_argument("--path", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args(argv)

    if args.worker:
        # a worker's stdout carries only its JSON line: anything the layers print goes to stderr
        with contextlib.redirect_stdout(sys.stderr):
            if args.worker == "reads":
                got = worker_reads(args.path, args.runs, args.openpyxl_runs)
            else:
                got = worker_project(args.path, args.runs, args.pdf_runs)
        print(json.dumps(got, ensure_ascii=False))
        return 0

    results = []
    for rows in args.rows:
        if not args.json:
            print(f"measuring {rows:,} rows …", file=sys.stderr, flush=True)
        results.append(measure(rows, args))
    if args.json:
        for r in results:  # stdout is the JSON alone; why a value is null goes to stderr
            for key, why in r["_extra"]["errors"].items():
                print(f"{r['rows']:,} rows, {key} not measured: {why}", file=sys.stderr)
        print(json.dumps([{k: r[k] for k in JSON_KEYS} for r in results]))
    else:
        print(f"bench {time.strftime('%Y-%m-%d %H:%M')}  python {sys.version.split()[0]}  {os.cpu_count()} CPUs")
        print_table(results, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
