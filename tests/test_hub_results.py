"""Results materialised per community: written whole, read by the street, recomputed only when a
community's book, its own targets or the street's defaults moved (no frame decoded to find out)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert, update

from hub import results as hub_results
from hub.targets import set_street_target
from metrics.vocab import Status
from store.communities import ensure_community
from store.engine import scoped, upsert
from store.schema import book, ledger_versions, targets


@pytest.fixture
def engine(db_url, tmp_path):
    """The hub's database on both stores: SQLite, and PostgreSQL as the app's role (row-level security on)."""
    from tests.support.postgres import open_db

    return open_db(db_url, tmp_path / "data")


@pytest.fixture(scope="module")
def frames():
    from ledgers.reader import load_files
    from ui.data import sample_files

    return dict(load_files(sample_files(), in_process=True).frames)


def put_version(engine, cid: int, ledger: str) -> None:
    """A new current version of ``ledger`` in the community's book (what Store.accept records)."""
    now = dt.datetime(2026, 11, 21).isoformat()
    with scoped(engine, [cid], write=True) as conn:
        vid = conn.execute(insert(ledger_versions).values(
            community_id=cid, ledger=ledger, created_at=now, data_digest=now, format="x", rows=1,
            files_json="[]", report_json="{}", data=b"")).inserted_primary_key
        assert vid is not None
        upsert(conn, book, {"community_id": cid, "ledger": ledger, "version_id": vid[0], "accepted_at": now},
               ["community_id", "ledger"], ["version_id"])


def test_refresh_stores_every_enabled_metric_and_the_street_reads_them(engine, frames):
    a = ensure_community(engine, "桃园社区").id
    rows = hub_results.refresh(engine, a, frames)
    assert len(rows) == 46
    stored = {r.metric_id: r for r in hub_results.street_rows(engine)}
    assert stored["B08"].status is Status(next(r.status for r in rows if r.metric_id == "B08"))
    assert stored["B08"].as_of == dt.date(2026, 11, 20)  # the sample's D


def test_an_empty_book_stores_nothing(engine):
    a = ensure_community(engine, "空社区").id
    assert hub_results.refresh(engine, a, {}) == []
    assert hub_results.street_rows(engine, [a]) == []


@pytest.mark.parametrize("change", ["book", "own_target", "street_target"])
def test_a_change_makes_results_stale_and_only_there(engine, frames, change):
    a, b = ensure_community(engine, "甲社区").id, ensure_community(engine, "乙社区").id
    for cid in (a, b):
        put_version(engine, cid, "activities")
        hub_results.refresh(engine, cid, frames)
    assert hub_results.stale(engine) == []
    if change == "book":
        put_version(engine, a, "activities")
    elif change == "own_target":
        with scoped(engine, [a], write=True) as conn:
            conn.execute(insert(targets).values(community_id=a, metric_id="B08", value=0.95, enabled=1,
                                                updated_at="2026-11-21"))
    else:
        set_street_target(engine, "B08", 0.95)
    expected = [a] if change != "street_target" else [a, b]
    assert hub_results.stale(engine) == expected
    loaded: list[int] = []

    def load(cid: int):
        loaded.append(cid)
        return frames
    assert hub_results.refresh_stale(engine, load) == expected
    assert loaded == expected and hub_results.stale(engine) == []


def test_the_street_default_applies_and_a_looser_own_target_cannot_undercut_it(engine, frames):
    a = ensure_community(engine, "甲社区").id
    put_version(engine, a, "activities")
    set_street_target(engine, "B08", 0.99)
    with scoped(engine, [a], write=True) as conn:  # saved before the street's default: looser
        conn.execute(insert(targets).values(community_id=a, metric_id="B08", value=0.85, enabled=1,
                                            updated_at="2026-11-21"))
    hub_results.refresh(engine, a, frames)
    got = {r.metric_id: r for r in hub_results.street_rows(engine, [a])}
    assert got["B08"].target == pytest.approx(0.99)
    with scoped(engine, [a], write=True) as conn:  # tighter than the street: kept
        conn.execute(update(targets).where(targets.c.community_id == a).values(value=1.0))
    hub_results.refresh_stale(engine, lambda cid: frames)
    assert {r.metric_id: r for r in hub_results.street_rows(engine, [a])}["B08"].target == pytest.approx(1.0)


def test_a_community_without_a_book_but_with_package_results_is_not_stale(engine):
    a = ensure_community(engine, "包社区").id
    hub_results.write(engine, a, [{"metric_id": "B08", "value": 0.9, "status": "met", "target": 0.9,
                                   "as_of": "2026-11-20"}], hub_results.PACKAGE_PREFIX + "abc")
    assert hub_results.stale(engine) == []
    assert [r.metric_id for r in hub_results.street_rows(engine)] == ["B08"]


def test_the_street_reads_every_community_but_a_community_write_touches_only_its_own(engine, frames):
    a, b = ensure_community(engine, "甲社区").id, ensure_community(engine, "乙社区").id
    hub_results.refresh(engine, a, frames)
    hub_results.refresh(engine, b, frames)
    assert {r.community_id for r in hub_results.street_rows(engine)} == {a, b}  # the street's role: all
    assert {r.community_id for r in hub_results.street_rows(engine, [a])} == {a}
    hub_results.write(engine, a, [], "emptied")
    assert {r.community_id for r in hub_results.street_rows(engine)} == {b}  # b's results untouched


def test_one_unreadable_book_does_not_hide_the_rest_of_the_street(engine, frames):
    a, b = ensure_community(engine, "甲社区").id, ensure_community(engine, "乙社区").id
    for cid in (a, b):
        put_version(engine, cid, "activities")

    def load(cid: int):
        if cid == a:
            raise OSError("disk")
        return frames
    assert hub_results.refresh_stale(engine, load) == [b]
    assert hub_results.stale(engine) == [a]  # tried again at the next view
    assert {r.community_id for r in hub_results.street_rows(engine)} == {b}
