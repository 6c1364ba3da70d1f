"""cli.py and the ledger book: `import` prints the page's summary and changes nothing without
--accept; a big shrink needs --confirm; `metrics`/`pdf` without PATH read the book, --snapshot an
earlier state, --compare the change since a snapshot."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import cli
from store.db import Store
from tests.support.uploads import eight_files, good_activities, mediation_plus
from ui import data


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LEDGERS_IN_PROCESS", "1")
    return tmp_path


def write(folder: Path, name: str, files: list[tuple[str, bytes]]) -> Path:
    target = folder / name
    target.mkdir()
    for file_name, blob in files:
        (target / file_name).write_bytes(blob)
    return target


def book() -> dict[str, int]:
    return {v.ledger: v.rows for v in Store().book()}


def test_import_without_accept_changes_nothing(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    upload = write(folder, "eight", eight_files())
    assert cli.main(["import", str(upload)]) == 0
    out = capsys.readouterr().out
    assert "8 个文件：1 个已导入，7 个未导入" in out
    assert "✖ 调解台账.xlsx：未导入 — 识别为「调解台账」，但缺少必填列：调解结果" in out
    assert "台账没有变化" in out and book() == {}
    assert cli.main(["import", str(upload), "--accept"]) == 0
    assert book() == {"activities": 6}


def test_a_big_shrink_needs_confirm(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    big = write(folder, "big", [("活动台账.xlsx", good_activities(28))])
    small = write(folder, "small", [("活动台账.xlsx", good_activities(10))])
    assert cli.main(["import", str(big), "--accept"]) == 0
    assert cli.main(["import", str(small), "--accept"]) == 1
    assert "未采用「活动台账」" in capsys.readouterr().out and book() == {"activities": 28}
    assert cli.main(["import", str(small), "--accept", "--confirm"]) == 0
    assert book() == {"activities": 10}


def test_metrics_read_the_book_a_snapshot_and_compare(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["metrics"]) == 2  # an empty book is a usage error, said in one line
    assert "台账还是空的" in capsys.readouterr().err
    sample = write(folder, "sample", [(p.name, p.read_bytes()) for p in data.sample_files()])
    cli.main(["import", str(sample), "--accept"])
    Store().take_snapshot("十一月例会")
    cli.main(["import", str(write(folder, "more", [mediation_plus(5)])), "--accept"])
    capsys.readouterr()
    assert cli.main(["metrics", "--compare", "十一月例会"]) == 0
    now = json.loads(capsys.readouterr().out)
    moved = {k: v["change"] for k, v in now["compare"].items() if v["before"] != v["after"]}
    assert list(moved) == ["B08"] and moved["B08"].startswith("▲ ")
    assert cli.main(["metrics", "--snapshot", "#1"]) == 0
    then = json.loads(capsys.readouterr().out)
    b08 = {m["id"]: m["value"] for m in then["metrics"]}["B08"]
    assert b08 == now["compare"]["B08"]["before"] != now["compare"]["B08"]["after"]
    assert cli.main(["metrics", "--snapshot", "没有这个"]) == 2
    assert cli.main(["metrics", str(sample), "--format", "table"]) == 0  # files as always
    assert "调解台账" in capsys.readouterr().out


@pytest.mark.slow
def test_pdf_of_the_book_lists_the_change_since_a_snapshot(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import subprocess

    from report.pdf import check_prerequisites

    if check_prerequisites() or not Path("/usr/bin/pdftotext").exists():
        pytest.skip("needs Chromium, a CJK font and pdftotext")
    cli.main(["import", str(write(folder, "sample", [(p.name, p.read_bytes()) for p in data.sample_files()])),
              "--accept"])
    Store().take_snapshot("十一月例会")
    cli.main(["import", str(write(folder, "more", [mediation_plus(5)])), "--accept"])
    out = folder / "book.pdf"
    assert cli.main(["pdf", "--out", str(out), "--compare", "十一月例会"]) == 0
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    section = text[text.index("较上次快照的变化"):]
    assert "与快照 #1" in section
    changed = [line for line in section.splitlines()[:8] if "▲" in line or "▼" in line]
    assert len(changed) == 1 and changed[0].split()[0] == "B08"
