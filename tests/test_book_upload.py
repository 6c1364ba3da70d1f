"""An upload updates the book ledger by ledger (ui.data, ui.verdict, no streamlit): the eight files of
issue 12 change only 活动台账, each file gets an honest verdict, and nothing changes before accepting."""

from __future__ import annotations

from pathlib import Path

import pytest

from metrics.engine import compute_all
from metrics.registry import BY_ID
from store.book import Caution
from store.db import Store
from store.models import StoreError
from tests.support.uploads import eight_files, good_activities
from ui import data
from ui.verdict import Outcome, banner

SAMPLE = sorted((Path(__file__).parents[1] / "sample_data").glob("*.*"))


@pytest.fixture
def sample_book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    monkeypatch.setenv("LEDGERS_IN_PROCESS", "1")
    store = Store(tmp_path / "data", secret=b"test-secret")
    files = [(p.name, p.read_bytes()) for p in data.sample_files()]
    outcome = data.handle_upload(files, store)
    data.accept_upload(outcome, store)
    assert len(store.book()) == 16
    return store


def test_the_eight_files_change_only_the_activity_ledger(sample_book: Store) -> None:
    store = sample_book
    before_versions = {v.ledger: v.id for v in store.book()}
    before = compute_all(store.load_book()[0], year=2026, as_of=None)
    outcome = data.handle_upload(eight_files(), store)
    assert outcome.proposal is not None
    assert list(outcome.proposal.diffs) == ["activities"]  # headers only, missing column: nothing proposed
    assert {v.ledger: v.id for v in store.book()} == before_versions  # nothing before accepting
    diff = outcome.proposal.diffs["activities"]
    assert (diff.rows_before, diff.rows_after) == (99, 6) and Caution.FEWER_ROWS in diff.warnings
    with pytest.raises(StoreError):
        data.accept_upload(outcome, store)  # the shrink was not confirmed
    data.accept_upload(outcome, store, confirm=["activities"])
    after_versions = {v.ledger: v.id for v in store.book()}
    assert {k for k in after_versions if after_versions[k] != before_versions[k]} == {"activities"}
    after = compute_all(store.load_book()[0], year=2026, as_of=before.as_of)
    same = [m.id for m in before.metrics if "activities" not in BY_ID[m.id].ledgers]
    assert len(same) > 30
    values = {m.id: m.value for m in before.metrics}, {m.id: m.value for m in after.metrics}
    for metric_id in same:
        assert values[1][metric_id] == values[0][metric_id], metric_id
    assert values[1]["B04"] != values[0]["B04"]


@pytest.mark.parametrize(("file", "outcome", "reason"), [
    ("志愿者名册.xlsx", Outcome.NOT_IMPORTED, "不是 Excel 或 CSV 表格"),
    ("设施台账.xlsx", Outcome.NOT_IMPORTED, "损坏"),
    ("就业援助台账.xlsx", Outcome.NOT_IMPORTED, "已加密"),
    ("治安工作台账.xlsx", Outcome.NOT_IMPORTED, "只有表头"),
    ("入户调查.csv", Outcome.NOT_IMPORTED, "文件是空的"),
    ("空白.xlsx", Outcome.NOT_IMPORTED, "没有任何数据"),
    ("调解台账.xlsx", Outcome.NOT_IMPORTED, "缺少必填列：调解结果"),
    ("活动台账.xlsx", Outcome.IMPORTED, None),
])
def test_each_file_gets_an_honest_verdict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, file: str,
                                          outcome: Outcome, reason: str | None) -> None:
    monkeypatch.setenv("LEDGERS_IN_PROCESS", "1")
    result = data.handle_upload(eight_files(), Store(tmp_path / "data", secret=b"test-secret"))
    verdicts = {v.file: v for v in result.verdicts("zh")}
    verdict = verdicts[file]
    assert verdict.outcome is outcome
    if reason is None:
        assert verdict.reasons == [] and verdict.notes_sheets == ["说明"]  # notes beside the data: no error
        assert verdict.line("zh") == "活动台账.xlsx：已导入（活动台账 6 行）（已跳过说明页：说明）"
    else:
        assert reason in verdict.line("zh") and "「" + file + "」" not in verdict.line("zh")
    assert banner(list(verdicts.values()), "zh") == "8 个文件：1 个已导入，7 个未导入"
    assert banner(list(verdicts.values()), "en") == "8 files: 1 imported, 7 not imported"


def test_unreadable_files_are_unreadable_not_unrecognised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEDGERS_IN_PROCESS", "1")
    result = data.handle_upload(eight_files(), Store(tmp_path / "data", secret=b"test-secret"))
    table = data.sheets_table(result.report, "zh")
    kinds = dict(zip(table.iloc[:, 0], table.iloc[:, 2], strict=False))  # file -> what it was read as
    assert kinds["志愿者名册.xlsx"] == "无法读取" and kinds["就业援助台账.xlsx"] == "无法读取"
    assert kinds["空白.xlsx"] == "没有数据" and "未识别" not in set(kinds.values())
    # the 说明 sheet is listed as skipped notes, and the mapper is not offered for it
    assert "说明页（已跳过）" in set(table.iloc[:, 2])
    assert [u.sheet for u in result.unknown_sheets] == ["调解台账"]
    groups = data.problem_groups(result.report, "zh")
    assert not [g for g in groups if g.sheet == "说明" and g.serious]


def test_a_re_upload_of_the_same_files_is_recognised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEDGERS_IN_PROCESS", "1")
    store = Store(tmp_path / "data", secret=b"test-secret")
    files = [("活动台账.xlsx", good_activities(8))]
    data.accept_upload(data.handle_upload(files, store), store)
    again = data.handle_upload(files, store)
    assert again.proposal is not None and again.proposal.acceptable == [] and not again.pending
    assert len(store.history("activities")) == 1


def test_each_version_names_the_files_it_was_read_from(sample_book: Store) -> None:
    files = {v.ledger: [f.name for f in v.files] for v in sample_book.book()}
    assert files["mediation"] == ["调解台账.csv"]
    assert files["incidents"] == ["治安消防台账.xlsx"]
