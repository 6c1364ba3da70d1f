"""No log line, warning, or line of `cli.py metrics` output carries a raw ID, phone or name.

The fixture puts raw personal data where the reader must mask it (PII columns) and where it is not
expected (a date cell, free text, a note row, an unknown sheet), then reads it with logging at DEBUG,
Python warnings recorded, through the store, and through the command line in both output formats.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import subprocess
import sys
import warnings
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]

IDS = ["310101199003071234", "31010519851122002X", "310101900307123"]  # 18, 18 with X, old 15-digit
PHONES = ["13812345678", "15900001111", "13698765432"]
TYPED_PHONES = ["138-1234-5678", "+86 159 0000 1111", "136 9876 5432"]
NAMES = ["张三丰", "欧阳娜娜", "李四光"]
RAW = [*IDS, IDS[1].lower(), *PHONES, *TYPED_PHONES, *NAMES]


@pytest.fixture(scope="module")
def ledger_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pii_ledgers")
    book = openpyxl.Workbook()
    emp = book.active
    emp.title = "就业援助台账"
    emp.append(["姓名", "身份证号", "人员类别", "登记日期", "安置日期", "参加社保"])
    emp.append([NAMES[0], IDS[0], "失业", dt.date(2026, 1, 5), None, "是"])
    emp.append([NAMES[1], IDS[1].lower(), "下岗", dt.date(2026, 2, 5), dt.date(2026, 3, 1), "否"])
    emp.append([NAMES[2], IDS[0][:16], "失业", f"见{PHONES[2]}", None, "是"])  # a phone in a date cell
    emp.append(["王五", 310101199003071234, "失业", dt.date(2026, 3, 5), None, "是"])  # Excel ate digits
    emp.append([f"填表人：{NAMES[2]}"])
    vol = book.create_sheet("志愿者名册")
    vol.append(["姓名", "队伍", "加入日期", "状态", "联系电话"])
    for name, phone in zip(NAMES, TYPED_PHONES, strict=True):
        vol.append([name, "治安巡逻队", dt.date(2025, 6, 1), "在册", phone])
    vol.append(["赵六", "文明劝导", dt.date(2025, 6, 1), "在册", PHONES[0][:10]])  # one digit short
    inc = book.create_sheet("事件台账")
    inc.append(["发生日期", "事件类别", "描述", "处理结果"])
    inc.append([dt.date(2026, 4, 1), "其他", f"居民电话{TYPED_PHONES[0]}，身份证{IDS[1]}", f"回电{PHONES[1]}"])
    inc.append([dt.date(2026, 4, 2), f"遗失证件{IDS[2]}", "无", None])  # an ID as an unknown category
    odd = book.create_sheet("Sheet9")  # nobody's ledger: its "headers" are a row of data
    odd.append(["序号", PHONES[1], IDS[0]])
    book.save(folder / "桃园社区台账.xlsx")
    (folder / "调解台账.csv").write_text(
        "受理日期,纠纷类型,当事人,调解结果,备注\n"
        f"2026-03-05,邻里,{NAMES[0]},成功,当事人手机{PHONES[0]}\n"
        f"2026-03-06,家庭,{NAMES[1]}（{PHONES[2]}）,调解中,\n", encoding="utf-8")
    return folder


def _assert_clean(text: str, where: str) -> None:
    for raw in RAW:
        assert raw not in text, f"raw value {raw!r} in {where}"


def test_reading_computing_and_storing_log_nothing_raw(ledger_dir: Path, tmp_path: Path,
                                                      caplog: pytest.LogCaptureFixture, capsys) -> None:
    from ledgers.reader import load_files
    from metrics.engine import compute_all
    from store.db import Store
    from tests.support.store import FakeReport, FakeResult

    caplog.set_level(logging.DEBUG)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = load_files(sorted(ledger_dir.iterdir()), in_process=True)
        results = compute_all(result.frames)
        store = Store(tmp_path / "data")
        store.save_snapshot(result, sorted(ledger_dir.iterdir()))
        # a frame a buggy reader let through: the store masks it and logs that it did (a count only)
        leaky = {"employment": pd.DataFrame({"姓名": pd.Series(NAMES, dtype=object),
                                             "身份证号": pd.Series(IDS, dtype=object)})}
        info = store.save_snapshot(FakeResult(leaky, FakeReport({"problems": []})), [("x.xlsx", b"x")])
    assert info.remasked == 6 and "re-masked" in caplog.text  # the log line was really captured
    report = json.dumps(results.to_dict(result.report.to_dict()), ensure_ascii=False)
    assert "136****5432" in report and "159****1111" in report  # the data did go through
    _assert_clean(report, "the metrics JSON")
    _assert_clean("\n".join(p.text("en") for p in result.report.problems), "English problem texts")
    _assert_clean(caplog.text, "the log")
    _assert_clean("\n".join(str(w.message) for w in caught), "Python warnings")
    out = capsys.readouterr()
    _assert_clean(out.out + out.err, "stdout/stderr")


def _cli(*args: str, in_process: bool) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    env.pop("LEDGERS_IN_PROCESS", None)
    if in_process:
        env["LEDGERS_IN_PROCESS"] = "1"
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], capture_output=True, text=True,
                          encoding="utf-8", env=env, cwd=ROOT, timeout=180)


@pytest.mark.parametrize(("fmt", "in_process"), [("json", True), ("table", True), ("json", False)])
def test_cli_metrics_prints_nothing_raw(ledger_dir: Path, fmt: str, in_process: bool) -> None:
    done = _cli("metrics", "--format", fmt, str(ledger_dir), in_process=in_process)
    assert done.returncode == 0, done.stderr
    if fmt == "json":
        assert "136****5432" in done.stdout
    _assert_clean(done.stdout, "stdout")
    _assert_clean(done.stderr, "stderr")


def test_cli_internal_error_line_is_scrubbed(monkeypatch: pytest.MonkeyPatch, capsys, ledger_dir: Path) -> None:
    import cli

    def boom(args):  # an exception quoting a cell, as a library error might
        raise ValueError(f"could not convert {PHONES[0]!r} / {IDS[0]}")

    monkeypatch.setattr(cli, "compute_from_args", boom)
    assert cli.main(["metrics", str(ledger_dir)]) == 1
    err = capsys.readouterr().err
    assert "内部错误：ValueError" in err and "138****5678" in err
    _assert_clean(err, "the internal-error line")
