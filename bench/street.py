"""The street hub at street and district scale: the 街道总览 grid from stored results, and whether one
community's import holds up another's session.

    .venv/bin/python -m bench.street                        # 30 × 10k, 200 results-only, two sessions
    .venv/bin/python -m bench.street --postgres             # the same on a throw-away PostgreSQL cluster
    .venv/bin/python -m bench.street --communities 4 --rows 3000 --district 20 --runs 2   # quick

Figures (medians of --runs):
- ``seed_s``        — 30 books accepted and their results computed once (setup, not a goal);
- ``grid_fresh_s``  — a new session's first run of the 街道总览 page (AppTest, the process warm);
- ``grid_warm_s``   — the same session's rerun;
- ``recompute_s``   — every community stale (a street target changed): the page recomputes them all;
- ``district_fresh_s`` / ``district_warm_s`` — 200 communities with stored results only;
- ``import_s``      — one community's upload (read, propose, accept, refresh) in another process;
- ``other_idle_s`` / ``other_during_s`` — a second session's page rerun, alone and while that import runs.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PAGE = "from ui import street\nstreet.page('zh')"
GOALS = [("street grid, fresh session ≤ 2 s (30 × 10k)", "grid_fresh_s", 2.0),
         ("street grid, warm ≤ 0.3 s (30 × 10k)", "grid_warm_s", 0.3),
         ("district grid ≤ 3 s (200, results only)", "district_fresh_s", 3.0)]


def _timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _page_runs(runs: int) -> tuple[list[float], list[float]]:
    """(fresh, warm) seconds: each run a new session's first run of the page, then its rerun."""
    from streamlit.testing.v1 import AppTest

    fresh, warm = [], []
    for _ in range(runs):
        at = AppTest.from_string(PAGE, default_timeout=120)
        fresh.append(_timed(at.run))
        assert not at.exception, at.exception
        warm.append(_timed(at.run))
    return fresh, warm


def _engine(data_dir: Path) -> Any:
    from settings import from_env
    from store.engine import open_engine

    config = from_env()
    return open_engine(config.database_url, data_dir, owner_url=config.database_owner_url)


def street_figures(data_dir: Path, communities: int, rows: int, runs: int) -> dict[str, Any]:
    from hub.seed import seed
    from hub.targets import set_street_target

    engine = _engine(data_dir)
    seed_s = _timed(lambda: seed(engine, data_dir, count=communities, rows=rows, users=False, log=lambda _: None))
    _page_runs(1)  # the process warm (imports, plotly's first figure), as a server is
    fresh, warm = _page_runs(runs)
    recompute = []
    for n in range(runs):
        set_street_target(engine, "B08", 0.9 + 0.01 * (n % 5 + 1))  # every community stale
        recompute.append(_page_runs(1)[0][0])
    return {"communities": communities, "rows": rows, "seed_s": seed_s, "grid_fresh_s": statistics.median(fresh),
            "grid_warm_s": statistics.median(warm), "recompute_s": statistics.median(recompute),
            "runs": {"fresh": fresh, "warm": warm, "recompute": recompute}}


def district_figures(data_dir: Path, count: int, runs: int) -> dict[str, Any]:
    """``count`` communities with stored results only (as if each sent a package), then the page."""
    from hub import results as hub_results
    from metrics.registry import METRICS
    from store.communities import ensure_community

    engine = _engine(data_dir)
    statuses = ("met", "met", "at_risk", "behind", "on_track", "met", "no_data")
    for i in range(count):
        cid = ensure_community(engine, f"区属社区{i + 1:03d}", street=f"第{i // 25 + 1}街道",
                               households=500 + (i * 977) % 4000).id
        rows = [{"metric_id": m.id, "value": 0.5 + ((i + j) % 10) / 20, "status": statuses[(i * 7 + j) % 7],
                 "target": 0.9, "as_of": "2026-11-20"} for j, m in enumerate(METRICS)]
        hub_results.write(engine, cid, rows, f"{hub_results.PACKAGE_PREFIX}{i}")
    _page_runs(1)
    fresh, warm = _page_runs(runs)
    return {"district": count, "district_fresh_s": statistics.median(fresh), "district_warm_s": statistics.median(warm),
            "runs": {"fresh": fresh, "warm": warm}}


def _import_one(data_dir: str, rows: int, started: Any, done: Any, took: Any) -> None:
    """Another session's upload, as the data page does it: read, propose, accept, then its results."""
    from bench import generate
    from hub import results as hub_results
    from store.book import Confirm
    from store.db import Store
    from ui import data

    path = generate.cached(rows, 4242)
    engine = _engine(Path(data_dir))
    store = Store(Path(data_dir), engine=engine, community="新上传社区")
    started.set()
    start = time.perf_counter()
    outcome = data.handle_upload([(path.name, path.read_bytes())], store)
    assert outcome.proposal is not None, outcome.error
    store.accept(outcome.proposal, confirm=Confirm.ALL)
    hub_results.refresh(engine, store.community_id, store.load_book()[0])
    took.value = time.perf_counter() - start
    done.set()


def concurrency_figures(data_dir: Path, rows: int, runs: int) -> dict[str, Any]:
    """A street session's page reruns alone, then while another process imports a community's upload."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string(PAGE, default_timeout=120)
    at.run()
    idle = [_timed(at.run) for _ in range(max(runs, 3))]
    ctx = mp.get_context("spawn")
    started, done, took = ctx.Event(), ctx.Event(), ctx.Value("d", 0.0)
    from bench.street import _import_one as target  # by its module's name: spawn cannot find __main__'s

    proc = ctx.Process(target=target, args=(str(data_dir), rows, started, done, took))
    proc.start()
    started.wait(120)
    during = []
    while not done.is_set():
        during.append(_timed(at.run))
    proc.join(120)
    return {"import_s": took.value, "other_idle_s": statistics.median(idle),
            "other_during_s": statistics.median(during) if during else None,
            "other_during_max_s": max(during) if during else None, "runs": {"idle": idle, "during": during}}


def _postgres(folder: Path) -> Callable[[], None]:
    from store import pgcluster

    cluster = pgcluster.start(folder)
    os.environ["DASHBOARD_DATABASE_URL"] = cluster.url(pgcluster.APP, pgcluster.DATABASE)
    os.environ["DASHBOARD_DATABASE_OWNER_URL"] = cluster.url(pgcluster.OWNER, pgcluster.DATABASE)
    return lambda: pgcluster.stop(folder)


def measure(args: argparse.Namespace) -> dict[str, Any]:
    os.chdir(ROOT)
    os.environ.update({"LEDGERS_IN_PROCESS": "1", "DASHBOARD_HUB": "1"})
    out: dict[str, Any] = {"store": "postgresql" if args.postgres else "sqlite"}
    for name, job in (("street", lambda d: street_figures(d, args.communities, args.rows, args.runs)),
                      ("district", lambda d: district_figures(d, args.district, args.runs))):
        folder = Path(tempfile.mkdtemp(prefix=f"bench-{name}-", dir="/tmp"))
        folder.chmod(0o755)
        os.environ["DASHBOARD_DATA_DIR"] = str(folder / "data")
        stop = _postgres(folder / "pg") if args.postgres else (lambda: None)
        try:
            out[name] = job(folder / "data")
            if name == "street":
                out["concurrency"] = concurrency_figures(folder / "data", args.rows, args.runs)
        finally:
            stop()
            from store.engine import dispose_all

            dispose_all()
            shutil.rmtree(folder, ignore_errors=True)  # the books and the cluster: nothing left in /tmp
    return out


def report(figures: dict[str, Any]) -> str:
    street, district, conc = figures["street"], figures["district"], figures["concurrency"]
    flat = {**street, **district, **conc}
    lines = [f"store: {figures['store']}",
             f"street: {street['communities']} communities × {street['rows']:,} rows (seeded in {street['seed_s']:.1f} s)",
             f"  grid fresh session {street['grid_fresh_s']:.3f} s · warm {street['grid_warm_s']:.3f} s · "
             f"all stale (street target changed) {street['recompute_s']:.3f} s",
             f"district: {district['district']} communities, results only: fresh {district['district_fresh_s']:.3f} s · "
             f"warm {district['district_warm_s']:.3f} s",
             f"two sessions: an import of {street['rows']:,} rows took {conc['import_s']:.2f} s; the other session's rerun "
             f"{conc['other_idle_s']:.3f} s alone, {conc['other_during_s'] or 0:.3f} s during it "
             f"(max {conc['other_during_max_s'] or 0:.3f} s, {len(conc['runs']['during'])} reruns)", ""]
    for label, key, limit in GOALS:
        lines.append(f"{label:<48} {flat[key]:.3f} s  {'PASS' if flat[key] <= limit else 'MISS'}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--communities", type=int, default=30)
    p.add_argument("--rows", type=int, default=10_000, help="ledger rows of each generated community")
    p.add_argument("--district", type=int, default=200, help="communities of the results-only district")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--postgres", action="store_true", help="on a throw-away PostgreSQL cluster (store.pgcluster)")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    figures = measure(args)
    print(json.dumps(figures, ensure_ascii=False, indent=1) if args.json else report(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
