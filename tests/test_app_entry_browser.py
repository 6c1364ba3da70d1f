"""Deep links as the very first request of a fresh server, in a real browser (Debian's Chromium).

A fresh `streamlit run app.py` per URL: Streamlit 1.67 runs the first session of a process through
its legacy ``pages/`` folder navigation, which is what this file is about (see ui/entry.py).
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.support.server import CHROMIUM, CHROMIUM_ARGS, fresh_server

ROOT = Path(__file__).resolve().parent.parent
URLS = ["", "dashboard", "safety", "culture", "environment", "service", "party", "meeting", "data", "targets",
        "binder"]
PASSWORD = "桃园Office-2026"

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")]


@contextmanager
def browser_page() -> Iterator[Page]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        finally:
            browser.close()


def settled_text(page: Page, text: str) -> str:
    page.get_by_text(text, exact=False).first.wait_for(timeout=90_000)
    page.wait_for_function("!document.querySelector('[data-testid=stStatusWidget]')", timeout=90_000)
    page.wait_for_timeout(1500)
    return page.inner_text("body")


@pytest.mark.parametrize("url", URLS)
def test_protect_viewing_on_every_url_as_the_first_request(url: str, tmp_path: Path) -> None:
    with fresh_server(tmp_path, f'password = "{PASSWORD}"\nprotect_viewing = true\n') as server, \
            browser_page() as page:
        page.goto(f"{server}/{url}")
        body = settled_text(page, "请输入密码查看看板")
        for word in ("消防", "志愿", "导入报告", "sample_data", ".xlsx", "删除此快照", "修改目标", "not found"):
            assert word not in body, (url, word)
        assert page.locator("input[type=password]").count() == 1


@pytest.mark.parametrize(("url", "marker", "lands_on"), [
    ("targets", "修改目标", "/targets"), ("data", "导入报告", "/data"), ("safety", "统计截至", "/safety"),
    ("dashboard", "创建指标总览", "/"), ("meeting", "督办事项", "/meeting")])
def test_deep_link_as_the_first_request_shows_the_page_and_no_page_not_found(
        url: str, marker: str, lands_on: str, tmp_path: Path) -> None:
    with fresh_server(tmp_path) as server, browser_page() as page:
        page.goto(f"{server}/{url}")
        body = settled_text(page, marker)
        assert "not found" not in body.lower(), body[:300]
        assert urllib.parse.urlsplit(page.url).path == lands_on
        nav = page.locator("[data-testid=stSidebarNav]").inner_text()
        assert "总览" in nav and "指标设置" in nav  # the app's own navigation, not the file list
        assert "culture" not in nav and "targets" not in nav  # file names (icons are ligature text)


def test_a_secrets_file_that_does_not_parse_stops_every_page_even_the_first_request(tmp_path: Path) -> None:
    with fresh_server(tmp_path, f'password = "{PASSWORD}"\nprotect_viewing = yes\n') as server, \
            browser_page() as page:
        page.goto(f"{server}/data")
        body = settled_text(page, "设置有误")
        assert "protect_viewing = true" in body
        for word in ("导入报告", "culture", "binder", "请输入密码", "消防器材"):  # no page, no file list, no form
            assert word not in body, word
