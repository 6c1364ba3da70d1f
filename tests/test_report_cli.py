"""`python cli.py pdf`: exit codes and messages; one real run on the sample."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from report import pdf

ROOT = Path(__file__).resolve().parent.parent


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "cli.py", "pdf", *args], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=300)


@pytest.mark.parametrize(
    ("args", "words"),
    [(["sample_data"], "--out"), (["--out", "x.txt", "sample_data"], ".pdf"),
     (["--out", "/no/such/dir/x.pdf", "sample_data"], "输出文件夹不存在"),
     (["--out", "x.pdf", "/no/such/ledgers"], "没有找到"), (["--lang", "fr", "--out", "x.pdf", "sample_data"], "fr"),
     (["--as-of", "20261120", "--out", "x.pdf", "sample_data"], "YYYY-MM-DD")],
)
def test_usage_errors_exit_2_with_one_chinese_line(args: list[str], words: str):
    run = _cli(*args)
    assert run.returncode == 2, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in lines[0])


def test_missing_chromium_exits_1_with_install_hint(tmp_path):
    run = _cli("--out", str(tmp_path / "r.pdf"), "sample_data", env={"REPORT_CHROMIUM": ""})
    assert run.returncode == 1
    assert "apt-get install chromium fonts-wqy-microhei" in run.stderr
    assert not (tmp_path / "r.pdf").exists()


@pytest.mark.browser
@pytest.mark.slow
def test_sample_pdf_from_the_command_line(tmp_path):
    if pdf.check_prerequisites():
        pytest.skip("Chromium or the Chinese font is missing")
    out = tmp_path / "2026-11.pdf"
    run = _cli("--out", str(out), "sample_data")
    assert run.returncode == 0, run.stderr
    assert out.read_bytes().startswith(b"%PDF") and str(out) in run.stdout
