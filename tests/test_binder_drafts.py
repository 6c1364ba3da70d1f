"""情况说明 drafts from the sample's numbers: one catalogue template per metric kind, the value, target
and gap worded by metrics.wording, both languages; a metric without data says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidence.drafts import draft
from evidence.items import BY_ITEM

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"


@pytest.fixture(scope="module")
def sample():
    from ledgers.reader import load_files
    from metrics.engine import compute_all, evidence

    files = sorted(p for p in SAMPLE.iterdir() if p.suffix in (".xlsx", ".xls", ".csv"))
    frames = load_files(files, in_process=True).frames
    results = compute_all(frames)
    rows = {m.id: evidence(frames, m.id, results.year, results.as_of) for m in results.metrics}
    return results, rows


@pytest.mark.parametrize(("item", "lang", "expected"), [
    # count (paced), with the people of its rows: 8 文体 activities, 76+83+57+24+59+92+90+90 = 571 people
    ("B04", "zh", "2026年1月至11月，小型文体活动次数为 8 次，参与居民约 571 人次，超过计划「小型文体活动一年不少于4次」的要求。"),
    ("B04", "en", "January to November 2026, Small cultural and sports activities: 8 times, about 571 residents "
                  "taking part; more than the plan's “小型文体活动一年不少于4次”."),
    # ratio short of its target: 21 of 25 disputes mediated = 84.0 % against 90 %
    ("B08", "zh", "截至2026-11-20，纠纷调解率为 84.0%（21/25），距计划「调解组织网络健全,能及时调解民间纠纷,调解率90%」的要求差 6.0 个百分点。"),
    # zero met, checklist met with its items, sum over its target
    ("B06", "zh", "2026年1月至11月，黄赌毒案件 0 起，达到计划「协助派出所积极开展“扫黄打非”活动,抵制和禁止色情、淫秽的文化制品,禁赌、禁毒成效显著」的要求。"),
    ("B03", "zh", "截至2026-11-20，便民服务场所设置已具备 3/3（老年人活动室、计生咨询室、社工服务站），达到计划「设立老年人活动室、计划生育咨询服务场所、社工服务站,方便居民的日常生活」的要求。"),
    # no data at all (the hotline ledger is not in the sample)
    ("T04", "zh", "服务热线办结率：台账中暂无数据，需补充。"),
])
def test_draft_per_kind(sample, item, lang, expected):
    results, rows = sample
    assert draft(BY_ITEM[item], results, rows, lang) == expected


def test_draft_without_ledgers():
    assert draft(BY_ITEM["B04"], None, {}, "zh") == "台账中暂无数据，需补充。"
