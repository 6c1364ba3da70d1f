"""The PostgreSQL half of the store suite: one throw-away cluster per test session (store.pgcluster:
initdb in a temporary folder, the server as an unprivileged user when run as root, a free port), a
migrated template database, and a fresh database per test copied from it. Without PostgreSQL the
PostgreSQL tests are skipped — except under ``CI=true``, where that is a failure."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, make_url, select

from store import engine as store_engine
from store import pgcluster
from store.db import Store
from store.schema import metadata

TEMPLATE = "dashboard_template"


def running_in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def start_cluster() -> Iterator[pgcluster.Cluster]:
    """A started cluster with the roles and a migrated template database; stopped and removed after."""
    if pgcluster.bin_dir() is None:
        message = "PostgreSQL is not installed (initdb not found): ./dev test installs it"
        if running_in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    # under /tmp itself, not pytest's 0700 folder: the unprivileged server user must reach it
    folder = Path(tempfile.mkdtemp(prefix="dashboard-pg-"))
    try:
        cluster = pgcluster.start(folder)
        cluster.sql(f"CREATE DATABASE {TEMPLATE} OWNER {pgcluster.OWNER}")
        url = cluster.url(pgcluster.APP, TEMPLATE)
        store_engine.open_engine(url, folder, owner_url=cluster.url(pgcluster.OWNER, TEMPLATE))
        store_engine.forget(url)  # a template must have no connections to be copied
        yield cluster
    finally:
        pgcluster.stop(folder)
        shutil.rmtree(folder, ignore_errors=True)


def fresh_database(cluster: pgcluster.Cluster) -> Iterator[str]:
    """The app's URL of a new database at the schema's head; dropped after."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    cluster.sql(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE} OWNER {pgcluster.OWNER}")
    url = cluster.url(pgcluster.APP, name)
    try:
        yield url
    finally:
        store_engine.forget(url)
        store_engine.forget(owner_url(url))
        cluster.sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def owner_url(url: str) -> str:
    """The tables' owner on the same database as the app's ``url``."""
    return make_url(url).set(username=pgcluster.OWNER).render_as_string(hide_password=False)


def open_db(url: str, data_dir: Path) -> Engine:
    """``store.engine.open_engine`` for a ``db_url`` fixture value (SQLite or PostgreSQL)."""
    if make_url(url).get_backend_name() == "sqlite":
        return store_engine.open_engine(None, data_dir)
    return store_engine.open_engine(url, data_dir, owner_url=owner_url(url))


def count(store: Store, table: str) -> int:
    """Rows of ``table`` the store's community holds (what the old tests counted with sqlite3)."""
    t = metadata.tables[table]
    with store_engine.scoped(store.engine, [store.community_id], write=False) as conn:
        return int(conn.execute(select(func.count()).select_from(t).where(t.c.community_id == store.community_id)
                                ).scalar_one())
