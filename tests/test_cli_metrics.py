"""`python cli.py metrics` as a subprocess on small ledgers the test writes (xlsx and csv)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, in_process: bool = True) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    if in_process:
        env["LEDGERS_IN_PROCESS"] = "1"
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], capture_output=True, text=True,
                          encoding="utf-8", env=env, cwd=ROOT, timeout=120)


def write_xlsx(path: Path, sheet: str, header: list[str], rows: list[list]) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(header)
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


@pytest.fixture
def ledger_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "ledgers"
    folder.mkdir()
    write_xlsx(folder / "活动.xlsx", "活动台账", ["活动日期", "活动名称", "活动类别"], [
        [dt.date(2026, 1, 10), "健身操", "文体"], [dt.date(2026, 3, 5), "广场舞", "文体"],
        [dt.date(2026, 4, 1), "法律讲座", "法制"], [dt.date(2025, 6, 1), "去年的", "文体"]])
    (folder / "调解台账.csv").write_text(
        "受理日期,调解结果\n2026-02-01,成功\n2026-03-01,成功\n2026-04-15,转交\n2026-05-01,调解中\n", encoding="utf-8-sig")
    (folder / "notes.txt").write_text("not a ledger", encoding="utf-8")
    nested = folder / "old"
    nested.mkdir()
    write_xlsx(nested / "活动.xlsx", "活动台账", ["活动日期", "活动名称", "活动类别"],
               [[dt.date(2026, 12, 30), "子文件夹里的", "文体"]])  # not read: folders are not recursive
    return folder


def metric(out: dict, metric_id: str) -> dict:
    return next(m for m in out["metrics"] if m["id"] == metric_id)


def test_metrics_json_from_a_folder(ledger_dir: Path):
    proc = run("metrics", str(ledger_dir))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert (out["year"], out["as_of"]) == (2026, "2026-05-01")
    assert len(out["metrics"]) == 46 and out["metrics"][0]["id"] == "B01"
    b04 = metric(out, "B04")
    assert (b04["value"], b04["status"], b04["source"]) == (2, "on_track", "活动台账")
    b08 = metric(out, "B08")  # 2 成功 / (4 received − 1 调解中); 转交 counts as not mediated
    assert (b08["value"], b08["numerator"], b08["denominator"], b08["status"]) == (0.6667, 2, 3, "behind")
    assert metric(out, "B07a")["value"] is None and metric(out, "B07a")["status"] == "no_data"
    assert {"活动台账", "调解台账"} <= set(out["report"]["ledgers"])
    assert "problems" in out["report"]


def test_year_and_as_of_flags(ledger_dir: Path):
    out = json.loads(run("metrics", "--as-of", "2026-03-05", str(ledger_dir)).stdout)
    assert (out["as_of"], metric(out, "B04")["value"], metric(out, "B08")["denominator"]) == ("2026-03-05", 2, 2)
    out = json.loads(run("metrics", "--year", "2025", str(ledger_dir / "活动.xlsx")).stdout)
    assert (out["year"], out["as_of"], metric(out, "B04")["value"]) == (2025, "2025-06-01", 1)


def test_files_given_one_by_one_are_combined(tmp_path: Path, ledger_dir: Path):
    extra = write_xlsx(tmp_path / "更多活动.xlsx", "活动台账", ["活动日期", "活动名称", "活动类别"],
                       [[dt.date(2026, 4, 20), "篮球赛", "文体"]])
    out = json.loads(run("metrics", str(ledger_dir / "活动.xlsx"), str(extra)).stdout)
    assert metric(out, "B04")["value"] == 3


def test_table_is_aligned_for_wide_characters(ledger_dir: Path):
    proc = run("metrics", "--format", "table", str(ledger_dir))
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line[:1] in ("编", "B", "T")]
    assert len(lines) == 47

    def column_at(line: str, token: str, after: str) -> int:
        prefix = line[: line.index(token, line.index(after) + len(after))]
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in prefix)

    header = lines[0]
    start = column_at(header, "数值", "指标")
    for line in lines[1:]:
        cells = line.split()
        assert column_at(line, cells[2], cells[1]) == start, line
    assert "纠纷调解率" in proc.stdout and "未达标" in proc.stdout and "无数据" in proc.stdout


def test_unreadable_file_is_a_problem_not_a_failure(tmp_path: Path, ledger_dir: Path):
    broken = tmp_path / "坏文件.xlsx"
    broken.write_bytes(b"this is not a zip archive")
    proc = run("metrics", str(ledger_dir / "活动.xlsx"), str(broken))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert any(p.get("file") == "坏文件.xlsx" for p in out["report"]["problems"])
    assert metric(out, "B04")["value"] == 2


def test_default_reader_in_a_child_process(ledger_dir: Path):
    pytest.importorskip("ledgers.worker")
    proc = run("metrics", str(ledger_dir), in_process=False)
    assert proc.returncode == 0, proc.stderr
    assert metric(json.loads(proc.stdout), "B04")["value"] == 2


@pytest.mark.parametrize(("args", "words"), [
    (["metrics"], "台账还是空的"),  # no PATH: the book of the data folder, empty here
    (["metrics", "{empty}"], "没有找到"),
    (["metrics", "{missing}"], "没有找到"),
    (["metrics", "--as-of", "2026-02-30", "{ledgers}"], "日期格式不对"),
    (["metrics", "--as-of", "20261120", "{ledgers}"], "日期格式不对"),
    (["metrics", "--year", "二〇二六", "{ledgers}"], "不是整数"),
    (["metrics", "--format", "xml", "{ledgers}"], "用法错误"),
    ([], "用法错误"),
], ids=["no-path", "empty-folder", "missing-path", "bad-date", "undashed-date", "bad-year", "bad-format", "no-command"])
def test_usage_errors_exit_2_with_one_chinese_line(tmp_path: Path, ledger_dir: Path, args, words, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path / "data"))
    empty = tmp_path / "empty"
    empty.mkdir()
    filled = [a.format(empty=empty, missing=tmp_path / "nope.xlsx", ledgers=ledger_dir) for a in args]
    proc = run(*filled)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0] and "Traceback" not in proc.stderr


def test_main_leaves_room_for_more_subcommands():
    import cli

    parser = cli.build_parser()
    assert callable(cli.add_metrics_command) and cli.add_metrics_command in cli.COMMANDS
    args = parser.parse_args(["metrics", "--year", "2026", "x.xlsx"])
    assert (args.command, args.year, args.paths, args.handler) == ("metrics", 2026, ["x.xlsx"], cli.run_metrics)
