"""store.pgcluster and the PostgreSQL half of the suite: the helper starts a cluster whose app role
bypasses nothing, and a machine without PostgreSQL skips that half — but fails it under CI=true."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
import pytest

from store import pgcluster
from tests.support import postgres

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("ci", "outcome"), [("true", pytest.fail.Exception), ("", pytest.skip.Exception)])
def test_without_postgresql_ci_fails_and_a_laptop_skips(monkeypatch: pytest.MonkeyPatch, ci: str,
                                                        outcome: type[BaseException]) -> None:
    monkeypatch.setattr(pgcluster, "bin_dir", lambda: None)
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome) as caught:
        next(postgres.start_cluster())
    assert "PostgreSQL" in str(caught.value)


def test_the_helper_prints_urls_of_a_running_cluster(pg_cluster: pgcluster.Cluster) -> None:
    """``python -m store.pgcluster start DIR`` (for ./dev run-hub): two lines a shell can export."""
    folder = Path(tempfile.mkdtemp(prefix="dashboard-pg-cli-"))
    try:
        done = subprocess.run([sys.executable, "-m", "store.pgcluster", "start", str(folder)], cwd=ROOT,
                              capture_output=True, text=True, check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        urls = dict(line.split("=", 1) for line in done.stdout.splitlines())
        assert set(urls) == {"DASHBOARD_DATABASE_URL", "DASHBOARD_DATABASE_OWNER_URL"}
        app = urls["DASHBOARD_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(app) as conn:
            row = conn.execute("SELECT current_user, rolsuper, rolbypassrls FROM pg_roles"
                               " WHERE rolname = current_user").fetchone()
        assert row == (pgcluster.APP, False, False)
    finally:
        pgcluster.stop(folder)
        subprocess.run(["rm", "-rf", str(folder)], check=False)
