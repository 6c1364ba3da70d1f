"""The ledger book in a real browser: upload the sample, accept, save a snapshot, upload only
调解台账 with five more settled disputes, accept; the overview shows B08 changed, the other metrics
unchanged, and the change since the snapshot. Screenshots go to tests/_artifacts/ (git-ignored)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.server import CHROMIUM, CHROMIUM_ARGS, fresh_server
from tests.support.uploads import mediation_plus
from ui import data

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "_artifacts"

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    with fresh_server(tmp_path) as url:
        yield url


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
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
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
        # the overview's rows arrive in several deltas: read the change column once all 46 are drawn
        page.wait_for_function("document.querySelectorAll('.change').length >= 46", timeout=60_000)
        cells = page.locator(".change").all_inner_texts()
        moved = [c for c in cells if "▲" in c or "▼" in c]
        assert len(cells) == 46 and len(moved) == 1 and "个百分点" in moved[0]
        row = page.locator("[data-testid=stHorizontalBlock]", has_text="B08 纠纷调解率").last
        assert "▲" in row.inner_text()
        shoot(page, "book_overview_change")
        browser.close()
