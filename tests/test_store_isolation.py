"""Issue #15 item 4, the store's two walls: a Store of community A can neither read nor change what
community B keeps — not by B's snapshot, version or 督办事项 ids either — on SQLite and PostgreSQL;
and on PostgreSQL row-level security hides B's rows even from SQL that forgets to filter."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, insert, select, text, update
from sqlalchemy.exc import DBAPIError, ProgrammingError

from store.book import Confirm
from store.communities import ensure_community
from store.db import Store
from store.engine import is_postgres, scoped
from store.models import StoreError
from store.schema import COMMUNITY_TABLES, snapshots, targets
from tests.support.postgres import count, open_db
from tests.support.store import upload


@pytest.fixture
def pair(tmp_path: Path, db_url: str) -> tuple[Store, Store, dict[str, Any]]:
    """Stores of 桃园社区 (A, empty) and 梅园社区 (B, with one of everything); B's ids."""
    engine = open_db(db_url, tmp_path / "data")
    a = Store(tmp_path / "data", secret=b"test-secret", engine=engine, community="桃园社区")
    b = Store(tmp_path / "data", secret=b"test-secret", engine=engine, community="梅园社区")
    result, files = upload(0, rows=5)
    snap = b.save_snapshot(result, files, label="梅园三月")
    b.accept(b.propose(result, files), confirm=Confirm.ALL, by="梅园录入员")
    b.set_target("T01", 0.8, reason="梅园自定")
    b.save_mapping("sig-梅园", "activities", {"日期": "活动日期"})
    item = b.add_action_item("T01", "补录活动照片", "李*", date(2026, 4, 30), date(2026, 4, 10))
    b.save_check_in("T01", date(2026, 4, 10), "梅园进度正常")
    version = b.book()[0].id
    return a, b, {"snapshot": snap.id, "version": version, "item": item.id, "ledger": b.book()[0].ledger}


def _b_state(b: Store) -> tuple[Any, ...]:
    return (b.snapshots(), b.book(), b.targets(), b.mappings(), b.action_items(), b.check_ins(), b.target_log(),
            b.load_book()[0].keys())


# Every read of A: empty, although B holds one of everything.
READS: list[tuple[str, Callable[[Store], Any], Any]] = [
    ("snapshots", lambda s: s.snapshots(), []),
    ("latest", lambda s: s.latest_snapshot_id(), None),
    ("book", lambda s: s.book(), []),
    ("load_book", lambda s: s.load_book()[0], {}),
    ("history", lambda s: s.history("activities"), []),
    ("targets", lambda s: s.targets(), {}),
    ("mappings", lambda s: s.mappings(), {}),
    ("action_items", lambda s: s.action_items(), []),
    ("check_ins", lambda s: s.check_ins(), []),
    ("target_log", lambda s: s.target_log(), []),
]


@pytest.mark.parametrize(("name", "read", "empty"), READS, ids=[r[0] for r in READS])
def test_a_reads_nothing_of_b(pair: tuple[Store, Store, dict[str, Any]], name: str,
                              read: Callable[[Store], Any], empty: Any) -> None:
    a, _, _ = pair
    assert read(a) == empty


# B's ids in A's hands: "not there" (as any wrong id), and B unchanged afterwards.
BY_ID: list[tuple[str, Callable[[Store, dict[str, Any]], Any], Any]] = [
    ("snapshot", lambda s, ids: s.snapshot(ids["snapshot"]), "store.error.no_snapshot"),
    ("load_snapshot", lambda s, ids: s.load_snapshot(ids["snapshot"]), "store.error.no_snapshot"),
    ("delete_snapshot", lambda s, ids: s.delete_snapshot(ids["snapshot"]), False),
    ("rollback", lambda s, ids: s.rollback(ids["ledger"], ids["version"]), "store.error.no_version"),
    ("set_action_status", lambda s, ids: s.set_action_status(ids["item"], "done"), False),
    ("mark_action_done", lambda s, ids: s.mark_action_done(ids["item"], date(2026, 5, 1)), False),
    ("update_action_item", lambda s, ids: s.update_action_item(ids["item"], what="改", who="", due="2026-06-01"),
     False),
    ("delete_action_item", lambda s, ids: s.delete_action_item(ids["item"]), False),
    ("delete_mapping", lambda s, ids: s.delete_mapping("sig-梅园"), False),
    ("reset_target", lambda s, ids: s.reset_target("T01"), False),
]


@pytest.mark.parametrize(("name", "act", "outcome"), BY_ID, ids=[r[0] for r in BY_ID])
def test_a_cannot_reach_b_through_b_ids(pair: tuple[Store, Store, dict[str, Any]], name: str,
                                        act: Callable[[Store, dict[str, Any]], Any], outcome: Any) -> None:
    a, b, ids = pair
    before = _b_state(b)
    if isinstance(outcome, str):
        with pytest.raises(StoreError) as caught:
            act(a, ids)
        assert caught.value.key == outcome
    else:
        assert act(a, ids) == outcome
    assert _b_state(b) == before
    assert b.snapshot_content_id(ids["snapshot"]) != a.snapshot_content_id(ids["snapshot"])


def test_a_writing_the_same_things_leaves_b_as_it_was(pair: tuple[Store, Store, dict[str, Any]]) -> None:
    a, b, _ = pair
    before = _b_state(b)
    result, files = upload(0, rows=5)  # the very same upload: A gets versions of its own
    assert not a.save_snapshot(result, files).duplicate
    a.accept(a.propose(result, files), confirm=Confirm.ALL)
    a.set_target("T01", 0.5)
    a.save_mapping("sig-梅园", "households", {})
    a.save_check_in("T01", date(2026, 4, 10), "桃园")
    a.take_snapshot("桃园", )
    assert _b_state(b) == before
    assert a.book_id() == b.book_id()  # equal contents, equal ids, as the cache keys want
    assert {v.id for v in a.book()}.isdisjoint({v.id for v in b.book()})
    assert count(a, "ledger_versions") == count(b, "ledger_versions") == 3


# ---------------------------------------------------------------- the second wall: PostgreSQL RLS

ON_POSTGRES = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)  # RLS is PostgreSQL's


@pytest.fixture
def pg_pair(pair: tuple[Store, Store, dict[str, Any]]) -> tuple[Store, Store, dict[str, Any]]:
    assert is_postgres(pair[0].engine)
    return pair


@ON_POSTGRES
def test_the_app_role_can_bypass_nothing(pg_pair: tuple[Store, Store, dict[str, Any]]) -> None:
    a, _, _ = pg_pair
    with scoped(a.engine, [a.community_id], write=False) as conn:
        assert conn.execute(text("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")
                            ).scalar() is False
        assert conn.execute(text("SELECT bool_and(relforcerowsecurity AND relrowsecurity) FROM pg_class"
                                 " WHERE relname = ANY(:names)"), {"names": [t.name for t in COMMUNITY_TABLES]}
                            ).scalar() is True
    with pytest.raises(ProgrammingError), scoped(a.engine, [a.community_id], write=True) as conn:
        conn.execute(text("ALTER TABLE snapshots DISABLE ROW LEVEL SECURITY"))  # not the owner


@ON_POSTGRES
def test_sql_that_forgets_the_community_still_sees_only_its_own(pg_pair: tuple[Store, Store, dict[str, Any]]) -> None:
    a, b, _ = pg_pair
    with scoped(a.engine, [a.community_id], write=True) as conn:
        for table in COMMUNITY_TABLES:
            assert conn.execute(select(func.count()).select_from(table)).scalar_one() == 0, table.name
        assert conn.execute(update(targets).values(value=0.0)).rowcount == 0
        assert conn.execute(snapshots.delete()).rowcount == 0
    with scoped(a.engine, [b.community_id], write=False) as conn:
        assert conn.execute(select(func.count()).select_from(snapshots)).scalar_one() == 1
    with scoped(a.engine, None, write=False) as conn:  # the street's read of every community
        assert conn.execute(select(func.count()).select_from(targets)).scalar_one() == 1
    with scoped(a.engine, [], write=False) as conn:
        assert conn.execute(select(func.count()).select_from(targets)).scalar_one() == 0
    assert b.targets()["T01"].value == 0.8


@ON_POSTGRES
def test_a_row_for_another_community_cannot_be_written(pg_pair: tuple[Store, Store, dict[str, Any]]) -> None:
    a, b, _ = pg_pair
    with pytest.raises(DBAPIError) as caught, scoped(a.engine, [a.community_id], write=True) as conn:
        conn.execute(insert(targets).values(community_id=b.community_id, metric_id="T09", value=1.0, enabled=1,
                                            updated_at="2026-05-01T00:00:00+08:00"))
    assert "row-level security" in str(caught.value)
    assert "T09" not in b.targets()


def test_a_new_community_starts_empty(tmp_path: Path, db_url: str) -> None:
    engine = open_db(db_url, tmp_path / "data")
    made = ensure_community(engine, "竹园社区", street="凌云街道", households=900)
    store = Store(tmp_path / "data", engine=engine, community=made.id)
    assert (store.community, store.snapshots(), store.book()) == (made, [], [])


@ON_POSTGRES
def test_the_scope_ends_with_its_transaction(pg_pair: tuple[Store, Store, dict[str, Any]]) -> None:
    """SET LOCAL: the pooled connection a request hands back carries no community into the next one."""
    a, b, _ = pg_pair
    engine = a.engine
    engine.pool.dispose()  # one pooled connection from here on, so the next checkout is the same one
    with scoped(engine, [b.community_id], write=True) as conn:
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
        assert conn.execute(text("SELECT current_setting('app.community_ids', true)")).scalar() == str(b.community_id)
    with engine.connect() as conn:  # no scope: what a query outside store.engine.scoped would see
        assert conn.execute(text("SELECT pg_backend_pid()")).scalar() == pid
        assert conn.execute(text("SELECT current_setting('app.community_ids', true)")).scalar() in ("", None)
        assert conn.execute(select(func.count()).select_from(snapshots)).scalar_one() == 0


@ON_POSTGRES
def test_a_write_holds_its_own_community_only(pg_pair: tuple[Store, Store, dict[str, Any]]) -> None:
    """One community's writes queue (as BEGIN IMMEDIATE queues them on SQLite); another's go ahead."""
    a, b, _ = pg_pair
    try_lock = text("SELECT pg_try_advisory_xact_lock(715016, :c)")
    with scoped(a.engine, [a.community_id], write=True), scoped(b.engine, [], write=False) as other:
        assert other.execute(try_lock, {"c": a.community_id}).scalar() is False  # A is busy: A's next write waits
        assert other.execute(try_lock, {"c": b.community_id}).scalar() is True  # B's is free
