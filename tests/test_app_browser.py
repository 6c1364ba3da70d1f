"""End to end in a real browser: `streamlit run app.py`, Debian's Chromium through Playwright at 1920×1080.

Screenshots land in tests/_artifacts/ (git-ignored) for a person to look at: `<page>.png` is what the
projector shows, `<page>_full.png` the whole page (the viewport stretched to the content's height).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.server import CHROMIUM, CHROMIUM_ARGS, fresh_server
from tests.support.workbooks import messy_activities

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "_artifacts"
# every page at its file's name; the overview at the root URL (and /dashboard, which goes there)
PAGES = [("", "overview"), ("safety", "safety"), ("culture", "culture"), ("environment", "environment"),
         ("service", "service"), ("party", "party"), ("data", "data"), ("targets", "targets")]

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with fresh_server(tmp_path_factory.mktemp("server")) as url:
        yield url


def settle(page, text: str) -> None:
    """Wait for real content, for Streamlit to finish running and for the charts to draw."""
    page.get_by_text(text, exact=False).first.wait_for(timeout=90_000)
    page.wait_for_function("!document.querySelector('[data-testid=stStatusWidget]')", timeout=90_000)
    page.wait_for_timeout(2500)  # plotly draws after the element mounts


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    # Streamlit scrolls inside its own container: stretch the viewport to the content to see it all
    height = page.evaluate("() => document.querySelector('[data-testid=stMain]')?.scrollHeight || 1080")
    page.set_viewport_size({"width": 1920, "height": min(max(1080, int(height) + 40), 16000)})
    page.wait_for_timeout(1500)
    page.screenshot(path=str(ARTIFACTS / f"{name}_full.png"))
    page.set_viewport_size({"width": 1920, "height": 1080})


def test_dashboard_in_chromium(server: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    upload = tmp_path / "桃园社区活动台账.xlsx"
    upload.write_bytes(messy_activities())
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
        page.goto(server)
        settle(page, "B07a 消防器材配备率")
        page.get_by_role("link", name="T15 实事工程完成率").first.wait_for()  # the rows, not only 需要讨论
        assert page.get_by_role("link", name="T15 实事工程完成率").count() == 1  # one row (需要讨论 names it too)
        for url, name in PAGES:
            page.goto(f"{server}/{url}")
            settle(page, {"data": "导入报告", "targets": "修改目标"}.get(name, "统计截至"))
            shoot(page, name)

        # upload the messy workbook through the real file input
        page.goto(f"{server}/data")
        settle(page, "导入报告")
        page.locator("input[type=file]").set_input_files(str(upload))
        settle(page, "已导入")
        assert page.get_by_text("桃园社区活动台账.xlsx").count() >= 1
        shoot(page, "data_after_upload")
        page.goto(server)  # a new session: the sample again, the upload is a snapshot
        settle(page, "B04 小型文体活动次数")

        # English labels, metric names included
        page.get_by_text("English", exact=True).click()
        settle(page, "Fire equipment provision rate")
        shoot(page, "overview_en")
        # through the sidebar, not a new URL: a new session would start in Chinese again
        page.locator("[data-testid=stSidebarNav]").get_by_text("Safety & fire").click()
        settle(page, "Fire equipment provision rate")
        assert page.get_by_text("As of").count() >= 1
        shoot(page, "safety_en")
        browser.close()
