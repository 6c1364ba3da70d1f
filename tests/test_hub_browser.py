"""The street hub in a real browser (issue #15, "Done when"): A's 录入员 logs in, uploads the sample
ledgers and accepts them, and no URL reaches community B; then the 街道管理员 logs in and sees A's
new values in the street grid. Screenshots go to tests/_artifacts/ (git-ignored)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.support.server import CHROMIUM, CHROMIUM_ARGS, fresh_server
from ui import data

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "_artifacts"
A, B = "桃园社区", "梅林社区"
CLERK, ADMIN = ("taoyuan", "桃园Clerk-2026"), ("jiedao", "街道Admin-2026")

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")]


def b_ledger(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["活动日期", "活动名称", "活动类别", "参与人数"])
    for i in range(7):
        ws.append([f"2026-0{i + 1}-05", f"梅林独有活动{i}", "文体", 30 + i])
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(buf.getvalue())
    return path


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, int, int]]:
    """A served hub on SQLite: A (empty), B (a book of 7 activities and a snapshot), A's clerk and the
    street's administrator. Yields (url, B's id, B's snapshot id)."""
    from ledgers.reader import load_files
    from store.communities import ensure_community
    from store.db import Store
    from store.engine import dispose_all, open_engine
    from store.users import Role, create_user

    monkeypatch.setenv("DASHBOARD_HUB", "1")
    data_dir = tmp_path / "data"
    engine = open_engine(None, data_dir)
    a, b = ensure_community(engine, A).id, ensure_community(engine, B).id
    create_user(engine, *CLERK, Role.CLERK, a)
    create_user(engine, *ADMIN, Role.STREET_ADMIN)
    store = Store(data_dir, engine=engine, community=b)
    path = b_ledger(tmp_path / "梅林活动台账.xlsx")
    store.accept(store.propose(load_files([path], secret=store.secret), [path]), by="test")
    snapshot = store.take_snapshot("梅林例会").id
    dispose_all()
    with fresh_server(tmp_path) as url:
        yield url, b, snapshot


def settle(page, text: str) -> None:
    page.get_by_text(text, exact=False).first.wait_for(timeout=120_000)
    quiet(page)


def close_dialog(page) -> None:
    """Streamlit's own "Page not found" box, shown over the page for an address the session may not open."""
    dialog = page.get_by_role("dialog")
    if dialog.count():
        page.keyboard.press("Escape")
        dialog.first.wait_for(state="detached", timeout=10_000)


def quiet(page) -> None:
    page.wait_for_function("!document.querySelector('[data-testid=stStatusWidget]')", timeout=120_000)
    page.wait_for_timeout(1000)


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def log_in(page, url: str, user: tuple[str, str]) -> None:
    page.goto(url)
    settle(page, "请用办公室发给您的账号登录")
    close_dialog(page)
    page.get_by_label("用户名").fill(user[0])
    page.get_by_label("密码").fill(user[1])
    page.get_by_role("button", name="登录").click()
    page.get_by_label("用户名").wait_for(state="detached", timeout=120_000)
    page.get_by_text(f"{user[0]}（", exact=False).first.wait_for(state="attached", timeout=120_000)


def test_a_clerk_uploads_reaches_no_other_community_and_the_street_sees_it(hub: tuple[str, int, int]) -> None:
    from playwright.sync_api import sync_playwright

    url, b, b_snapshot = hub
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
        log_in(page, f"{url}/data", CLERK)  # the address asked for is the page shown after logging in
        settle(page, "导入报告")
        page.locator("input[type=file][accept*='.xlsx']").set_input_files([str(f) for f in data.sample_files()])
        settle(page, "采用前请先核对")
        page.get_by_role("button", name="全部采用").click()
        settle(page, "已更新台账")
        shoot(page, "hub_clerk_accepted")
        for path in ("/", f"/?community={b}", f"/?community_id={b}", f"/?community={B}",
                     f"/?snapshot={b_snapshot}", f"/?snapshot_id={b_snapshot}&source=snapshot",
                     f"/data?community={b}", f"/meeting?mode=projector&slide=1&community={b}",
                     "/street", "/users", "/dashboard", f"/party?community={b}"):
            log_in(page, url + path, CLERK)  # every address is a new session: it asks to log in again
            page.get_by_text(A, exact=False).locator("visible=true").first.wait_for(timeout=120_000)
            quiet(page)
            close_dialog(page)
            body = page.locator("body").inner_text()
            assert "梅林" not in body, path
            assert "用户管理" not in body and "街道总览" not in body, path
        log_in(page, url, CLERK)
        shoot(page, "hub_clerk_overview")
        b08 = page.get_by_text("B08 纠纷调解率", exact=False).locator("visible=true").first
        b08.wait_for()
        clerk_b08 = page.locator("[data-testid=stHorizontalBlock]", has_text="B08 纠纷调解率").last.inner_text()

        page = browser.new_page(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
        log_in(page, url, ADMIN)  # the street's administrator starts on 街道总览
        page.locator("table.grid").first.wait_for(timeout=180_000)
        quiet(page)
        row = page.locator("table.grid tr", has_text=A).first
        title = row.locator("td[title^='B08 ']").get_attribute("title")
        assert title is not None and title.startswith("B08 纠纷调解率：84.0%"), title
        assert "84.0%" in clerk_b08  # the same value the clerk's overview showed
        b_title = page.locator("table.grid tr", has_text=B).first.locator("td[title^='B08 ']").get_attribute("title")
        assert b_title is not None and "84.0%" not in b_title
        shoot(page, "hub_street_grid")
        browser.close()
