"""Issue #15 item 8 and the faults: two app processes on one PostgreSQL serve the same data (what one
accepts, the other reads; both write at once and both land); a server that drops the connection in
the middle of a write gives 「数据库暂时无法连接」 and leaves nothing of that write; a server that cannot
be reached is the same clear refusal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import make_url

import store.db as store_db
from i18n import t
from store import pgcluster
from store.book import Confirm
from store.communities import ensure_community
from store.db import Store
from store.engine import open_engine
from store.models import StoreError
from tests.support.postgres import count, open_db, owner_url
from tests.support.store import upload

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)

# Another app process: its own interpreter, engine and pool, the database only from the environment.
REPLICA = """
import json, sys
from store.book import Confirm
from store.db import Store
from tests.support.store import upload
store = Store(sys.argv[1], secret=b"test-secret", community=sys.argv[2])
if sys.argv[3] == "accept":
    result, files = upload(int(sys.argv[4]), rows=int(sys.argv[5]))
    store.accept(store.propose(result, files), confirm=Confirm.ALL, by=sys.argv[2])
print(json.dumps({"book": {v.ledger: v.rows for v in store.book()}, "targets": {k: v.value for k, v in store.targets().items()},
                  "book_id": store.book_id()}, ensure_ascii=False))
"""


def _replica(db_url: str, data: Path, *args: str, fault: str = "") -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DASHBOARD_DATABASE_URL": db_url,
           "DASHBOARD_DATABASE_OWNER_URL": owner_url(db_url), "DASHBOARD_FAULT": fault}
    return subprocess.Popen([sys.executable, "-c", REPLICA, str(data), *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _answer(proc: subprocess.Popen[str]) -> dict[str, Any]:
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    return dict(json.loads(out))


def test_two_processes_serve_the_same_data(tmp_path: Path, db_url: str) -> None:
    here = Store(tmp_path / "here", secret=b"test-secret", engine=open_db(db_url, tmp_path / "here"),
                 community="桃园社区")
    ensure_community(here.engine, "梅园社区")
    # one replica accepts an upload; this process (another engine, another data folder) reads it
    there = _answer(_replica(db_url, tmp_path / "there", "桃园社区", "accept", "0", "5"))
    assert there["book"] == {v.ledger: v.rows for v in here.book()} == {"activities": 5, "households": 5,
                                                                         "volunteers": 5}
    assert there["book_id"] == here.book_id()
    # and the other way round: a target set here is read there
    here.set_target("T01", 0.75, reason="街道要求")
    assert _answer(_replica(db_url, tmp_path / "there", "桃园社区", "read"))["targets"] == {"T01": 0.75}
    # two replicas writing at the same moment, to two communities: both land, neither sees the other
    a = _replica(db_url, tmp_path / "a", "桃园社区", "accept", "1", "7")
    b = _replica(db_url, tmp_path / "b", "梅园社区", "accept", "2", "4")
    assert _answer(a)["book"] == {"activities": 7, "households": 7, "volunteers": 7}
    assert _answer(b)["book"] == {"activities": 4, "households": 4, "volunteers": 4}
    assert {v.ledger: v.rows for v in here.book()} == {"activities": 7, "households": 7, "volunteers": 7}


@pytest.mark.parametrize("point", ["after_versions", "mid_book"])
def test_a_replica_killed_mid_accept_loses_nothing_and_holds_nothing(tmp_path: Path, db_url: str, point: str) -> None:
    """The replica dies (os._exit, like a power cut) after writing the new versions, or after moving
    the first ledger of three: the book stays the old one whole, and its lock went with it."""
    here = Store(tmp_path / "here", secret=b"test-secret", engine=open_db(db_url, tmp_path / "here"))
    result, files = upload(0, rows=5)
    here.accept(here.propose(result, files), confirm=Confirm.ALL)
    before = (here.book(), here.load_book()[0].keys(), here.history("activities"), count(here, "ledger_versions"))
    dying = _replica(db_url, tmp_path / "there", here.community.name, "accept", "1", "6", fault=point)
    dying.communicate(timeout=300)
    assert dying.returncode == 70
    assert (here.book(), here.load_book()[0].keys(), here.history("activities"),
            count(here, "ledger_versions")) == before
    result, files = upload(2, rows=4)  # the community's write lock was released with the dead session
    assert {v.rows for v in here.accept(here.propose(result, files), confirm=Confirm.ALL)} == {4}


def test_the_database_going_away_mid_write_leaves_nothing_of_it(tmp_path: Path, db_url: str,
                                                                  pg_cluster: pgcluster.Cluster,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(tmp_path / "data", secret=b"test-secret", engine=open_db(db_url, tmp_path / "data"))
    kept = store.save_snapshot(*upload(0))
    database = make_url(db_url).database

    def server_drops_us(point: str) -> None:  # the files are written, the frames not yet: cut it here
        if point == "after_files":
            pg_cluster.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                           f" WHERE datname = '{database}' AND usename = '{pgcluster.APP}'")

    monkeypatch.setattr(store_db, "_fault", server_drops_us)
    with pytest.raises(StoreError) as caught:
        store.save_snapshot(*upload(1), label="断线")
    assert caught.value.key == "store.error.db_unavailable"
    assert t(caught.value.key, "zh").startswith("数据库暂时无法连接")
    # the server is back (it never left; only our connection did): the store serves the next request,
    # and the cut write left no snapshot, no file row and no version behind
    assert [s.id for s in store.snapshots()] == [kept.id]
    assert (count(store, "snapshot_files"), count(store, "ledger_versions")) == (2, 3)
    result, files = upload(2)
    store.accept(store.propose(result, files), confirm=Confirm.ALL)
    assert len(store.book()) == 3


def test_a_server_that_cannot_be_reached_is_a_clear_refusal(tmp_path: Path, db_url: str) -> None:
    closed = make_url(db_url).set(port=pgcluster.free_port()).render_as_string(hide_password=False)
    with pytest.raises(StoreError) as caught:
        open_engine(closed, tmp_path)
    assert caught.value.key == "store.error.db_unavailable"
