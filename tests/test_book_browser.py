"""The ledger book in a real browser: upload the sample, accept, save a snapshot, upload only
调解台账 with five more settled disputes, accept; the overview shows B08 changed, the other metrics
unchanged, and the change since the snapshot. Screenshots go to tests/_artifacts/ (git-ignored)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.uploads import mediation_plus
from ui import data

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "_artifacts"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, DASHBOARD_DATA_DIR=str(tmp_path / "data"))
    log = (tmp_path / "streamlit.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail("streamlit did not start")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def settle(page, text: str) -> None:
    page.get_by_text(text, exact=False).first.wait_for(timeout=120_000)
    page.wait_for_function("!document.querySelector('[data-testid=stStatusWidget]')", timeout=120_000)
    page.wait_for_timeout(1500)


def shoot(page, name: str, *, full: bool = False) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full)


def test_a_second_upload_of_one_ledger_changes_b08_only(server: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    sample = [str(p) for p in data.sample_files()]
    name, blob = mediation_plus(5)
    (tmp_path / "more").mkdir()
    more = tmp_path / "more" / name
    more.write_bytes(blob)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
        page.goto(f"{server}/data")
        settle(page, "导入报告")
        page.locator("input[type=file]").set_input_files(sample)
        settle(page, "采用前请先核对")
        assert page.get_by_text("12 个文件：11 个已导入，1 个部分导入").count() == 1
        page.get_by_text("采用前请先核对").first.scroll_into_view_if_needed()
        shoot(page, "book_preview_first")
        page.get_by_role("button", name="全部采用").click()
        settle(page, "已更新台账")
        page.get_by_role("button", name="保存当前台账为快照").click()
        settle(page, "已保存快照 #1")

        page.locator("input[type=file]").set_input_files(str(more))
        settle(page, "采用前请先核对")
        assert page.get_by_text("1 个文件：1 个已导入").count() == 1
        page.get_by_text("采用前请先核对").first.scroll_into_view_if_needed()
        page.wait_for_timeout(800)
        shoot(page, "book_preview")
        page.get_by_role("button", name="全部采用").click()
        settle(page, "已更新台账：调解台账（63 行）")

        page.goto(server)  # a new session opens the book, compared with the snapshot
        settle(page, "与快照 #1")
        cells = page.locator(".change").all_inner_texts()
        moved = [c for c in cells if "▲" in c or "▼" in c]
        assert len(cells) == 46 and len(moved) == 1 and "个百分点" in moved[0]
        row = page.locator("[data-testid=stHorizontalBlock]", has_text="B08 纠纷调解率").last
        assert "▲" in row.inner_text()
        shoot(page, "book_overview_change")
        browser.close()
