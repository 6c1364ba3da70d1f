"""The demo street: the same 24 communities every time, sizes and troubles spread across them."""

from __future__ import annotations

import pandas as pd
import pytest

from hub.demo import SAMPLE, Trouble, communities


def test_twenty_four_distinct_communities_the_sample_first():
    street = communities()
    assert len(street) == 24 and len({c.name for c in street}) == 24
    assert street[0].name == SAMPLE and street[0].rows == 0
    assert all(3000 <= c.rows <= 12000 for c in street[1:])
    assert communities() == street  # deterministic


def test_sizes_and_troubles_differ():
    street = communities()[1:]
    assert len({c.rows for c in street}) == 23 and len({c.households for c in street}) == 23
    troubled = [c for c in street if c.troubles]
    assert 8 <= len(troubled) <= 16 and {t for c in troubled for t in c.troubles} == set(Trouble)


def test_a_bench_street_repeats_names_with_a_number_and_one_size():
    street = communities(30, rows=10_000)
    assert len({c.name for c in street}) == 30 and {c.rows for c in street[1:]} == {10_000}


def frames():
    days = pd.to_datetime(["2026-03-01", "2026-08-31", "2026-09-01", "2026-11-20", "2026-06-01", "2026-10-10"])
    return {"activities": pd.DataFrame({"活动日期": days}), "hotline": pd.DataFrame({"受理日期": days[:2]}),
            "households": pd.DataFrame({"调查日期": days[:4]})}


@pytest.mark.parametrize(("trouble", "rows"), [
    (Trouble.THIN_ACTIVITIES, {"activities": 2, "hotline": 2, "households": 4}),  # rows 0 and 3 of 6
    (Trouble.FEW_VISITS, {"activities": 6, "hotline": 2, "households": 1}),
    (Trouble.NO_HOTLINE, {"activities": 6, "households": 4}),
    (Trouble.NO_VOLUNTEERS, {"activities": 6, "hotline": 2, "households": 4}),
    (Trouble.STALE, {"activities": 3, "hotline": 2, "households": 2}),  # nothing after 31 August
])
def test_each_trouble_does_what_it_says(trouble, rows):
    assert {k: len(v) for k, v in trouble.apply(frames()).items()} == rows


@pytest.mark.parametrize("trouble", list(Trouble))
def test_each_trouble_has_words_in_both_languages(trouble):
    assert trouble.word("zh") != trouble.word("en") and trouble.word("zh")


def test_seeding_twice_gives_the_same_street_and_writes_nothing_the_second_time(tmp_path, monkeypatch):
    from hub import results as hub_results
    from hub.seed import DEMO_PASSWORD, seed
    from store.communities import list_communities
    from store.engine import open_engine
    from store.users import verify

    monkeypatch.setenv("BENCH_CACHE_DIR", str(tmp_path / "cache"))
    engine = open_engine(None, tmp_path / "data")
    lines: list[str] = []
    seed(engine, tmp_path / "data", count=2, log=lines.append, cache_dir=tmp_path / "cache")
    first = sorted((r.community_id, r.metric_id, r.status) for r in hub_results.street_rows(engine))
    assert [c.name for c in list_communities(engine)] == ["杏花社区", "桃园社区"]
    assert len({cid for cid, _, _ in first}) == 2 and lines[0].startswith("+ 桃园社区")
    assert verify(engine, "street", DEMO_PASSWORD) is not None and verify(engine, "clerk2", DEMO_PASSWORD) is not None
    lines.clear()
    seed(engine, tmp_path / "data", count=2, log=lines.append, cache_dir=tmp_path / "cache")
    assert lines[0].startswith("= 桃园社区") and "results recomputed for 0 of 2" in lines[2]
    assert sorted((r.community_id, r.metric_id, r.status) for r in hub_results.street_rows(engine)) == first
