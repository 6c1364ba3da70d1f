"""store.engine, store.schema, store.communities: the schema at Alembic's head on open, SQLite files of
schema 1 and 2 converted in place (every row kept, now the install's one community), communities."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import func, select

from store import engine as store_engine
from store.communities import Community, ensure_community, list_communities, resolve, the_community
from store.engine import DB_NAME, HEAD, SCHEMA_VERSION, open_engine, scoped
from store.models import StoreError
from store.schema import COMMUNITY_TABLES, metadata, snapshots

FIXTURES = Path(__file__).parent / "fixtures"


def _counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                                            " AND name NOT LIKE 'sqlite_%' AND name != 'alembic_version'")]
        return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


def test_head_is_the_migration_scripts_head() -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(store_engine.__file__).parent / "migrations"))
    assert ScriptDirectory.from_config(cfg).get_current_head() == HEAD


def test_a_fresh_database_has_every_table_at_head(tmp_path: Path) -> None:
    engine = open_engine(None, tmp_path)
    assert set(_counts(tmp_path / DB_NAME)) == set(metadata.tables)
    with sqlite3.connect(tmp_path / DB_NAME) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEAD,)]
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert the_community(engine) == Community(1, "本社区")
    assert open_engine(None, tmp_path) is engine  # one engine per database in a process


# (fixture, rows per table after the conversion): counted by hand from what the fixtures' writers did
@pytest.mark.parametrize(("fixture", "expected"), [
    # schema 1: two uploads (5 rows of three ledgers, then 4 activity rows) -> four versions, the book
    ("store_v1.sqlite3", {"snapshots": 2, "snapshot_files": 3, "ledger_versions": 4, "snapshot_ledgers": 4,
                          "book": 3, "book_log": 3}),
    # schema 2: a book of three ledgers accepted twice, a deleted upload, a meeting snapshot, two
    # targets, a mapping, a 督办事项, a check-in and two target changes
    ("store_v2.sqlite3", {"snapshots": 2, "snapshot_files": 4, "ledger_versions": 6, "snapshot_ledgers": 6,
                          "book": 3, "book_log": 6, "targets": 2, "mappings": 1, "action_items": 1,
                          "check_ins": 1, "target_log": 2}),
])
def test_old_sqlite_files_become_one_community_in_place(tmp_path: Path, fixture: str,
                                                          expected: dict[str, int]) -> None:
    shutil.copy(FIXTURES / fixture, tmp_path / DB_NAME)
    engine = open_engine(None, tmp_path)
    counts = _counts(tmp_path / DB_NAME)
    assert {k: v for k, v in counts.items() if v and k != "communities"} == expected
    assert counts["communities"] == 1
    assert not any(n.startswith("legacy_") or n == "snapshot_frames" for n in counts)
    assert list_communities(engine) == [Community(1, "本社区")]
    with sqlite3.connect(tmp_path / DB_NAME) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        for table in COMMUNITY_TABLES:
            assert conn.execute(f"SELECT count(*) FROM {table.name} WHERE community_id != 1").fetchone()[0] == 0


def test_a_deleted_snapshots_id_is_not_handed_out_again_after_the_conversion(tmp_path: Path) -> None:
    """The schema-2 fixture deleted snapshot #2 after #3 was the newest; AUTOINCREMENT's mark moves over."""
    shutil.copy(FIXTURES / "store_v2.sqlite3", tmp_path / DB_NAME)
    engine = open_engine(None, tmp_path)
    with scoped(engine, [1], write=True) as conn:
        new = conn.execute(snapshots.insert().values(
            community_id=1, created_at="2026-05-01T00:00:00+08:00", files_digest="f", data_digest="d",
            report_json="{}", rows_json="{}", problems=0).returning(snapshots.c.id)).scalar_one()
        assert new == 4
        assert conn.execute(select(func.count()).select_from(snapshots)).scalar_one() == 3


def test_a_newer_schema_is_refused_and_left_alone(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / DB_NAME) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError) as caught:
        open_engine(None, tmp_path)
    assert caught.value.key == "store.error.newer_schema"


def test_communities_are_made_once_and_the_single_one_is_the_default(tmp_path: Path) -> None:
    engine = open_engine(None, tmp_path)
    a = ensure_community(engine, "桃园社区", street="凌云街道", households=1200)
    assert ensure_community(engine, "桃园社区") == a == Community(a.id, "桃园社区", "凌云街道", 1200)
    assert the_community(engine) == a
    b = ensure_community(engine, "梅园社区")
    assert [c.name for c in list_communities(engine)] == sorted(["桃园社区", "梅园社区"])
    with pytest.raises(StoreError) as caught:
        the_community(engine)
    assert caught.value.key == "store.error.which_community"
    assert resolve(engine, b.id) == b and resolve(engine, "梅园社区") == b
    with pytest.raises(StoreError):
        resolve(engine, 999)


def test_a_write_must_name_its_communities(tmp_path: Path) -> None:
    engine = open_engine(None, tmp_path)
    with pytest.raises(ValueError), scoped(engine, None, write=True):
        pass


def test_the_binders_tables_in_the_same_file_are_left_as_they_were(tmp_path: Path) -> None:
    """store.evidence keeps its own tables in the dashboard's file; the conversion touches only the book's."""
    from store.evidence import EvidenceStore

    shutil.copy(FIXTURES / "store_v2.sqlite3", tmp_path / DB_NAME)
    EvidenceStore(tmp_path).save_note("B01", "居委会例会制度已上墙")
    open_engine(None, tmp_path)
    assert EvidenceStore(tmp_path).notes()["B01"].text == "居委会例会制度已上墙"
    with sqlite3.connect(tmp_path / DB_NAME) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
