"""The CLI cannot reach another community (#15 item 4): with --community A, B's snapshot ids are
unknown, `metrics`/`pdf` read A's book alone, and a snapshot of B named by its id or its name is
refused with one Chinese line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import cli
from tests.support import hub as support

A, B = "桃园社区", "梅林社区"


@pytest.fixture
def two(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """A (5 activities) and B (9), each with a book and a snapshot, in one hub database."""
    from store.communities import ensure_community
    from store.engine import open_engine

    data_dir = tmp_path / "data"
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DASHBOARD_HUB", "1")
    monkeypatch.setenv("LEDGERS_IN_PROCESS", "1")
    engine = open_engine(None, data_dir)
    a, b = ensure_community(engine, A).id, ensure_community(engine, B).id
    return {"a_snapshot": support.fill(support.community_store(data_dir, a), tmp_path, 5, "桃园"),
            "b_snapshot": support.fill(support.community_store(data_dir, b), tmp_path, 9, "梅林")}


def activity_rows(out: str) -> int:
    """How many 活动台账 rows the metrics were computed from (A has 5, B has 9)."""
    return json.loads(out)["report"]["ledgers"]["活动台账"]["rows"]


@pytest.mark.parametrize("snapshot", ["#{b_snapshot}", "{b_snapshot}", "梅林五月例会"])
def test_b_snapshot_is_unknown_to_a(two, capsys, snapshot: str) -> None:
    name = snapshot.format(**two)
    assert cli.main(["metrics", "--community", A, "--snapshot", name]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"找不到快照「{name}」。已有的快照：#{two['a_snapshot']}「桃园五月例会」"  # A's alone


@pytest.mark.parametrize(("community", "rows"), [(A, 5), (B, 9)])
def test_each_community_reads_its_own_book(two, capsys, community: str, rows: int) -> None:
    assert cli.main(["metrics", "--community", community]) == 0
    assert activity_rows(capsys.readouterr().out) == rows


def test_a_compare_with_b_snapshot_is_refused(two, capsys) -> None:
    assert cli.main(["metrics", "--community", A, "--compare", f"#{two['b_snapshot']}"]) == 2
    assert "梅林五月例会" not in capsys.readouterr().err


def test_an_import_recomputes_its_own_communitys_stored_results_and_no_other(two, capsys) -> None:
    import os

    from hub.results import stale
    from store.communities import list_communities
    from store.engine import open_engine

    engine = open_engine(None, Path(os.environ["DASHBOARD_DATA_DIR"]))
    ids = {c.name: c.id for c in list_communities(engine)}
    assert set(stale(engine)) == {ids[A], ids[B]}  # both books written outside the CLI: nothing computed
    sample = Path(__file__).resolve().parent.parent / "sample_data"
    assert cli.main(["import", "--community", A, "--accept", "--confirm", str(sample)]) == 0
    assert stale(engine) == [ids[B]]
