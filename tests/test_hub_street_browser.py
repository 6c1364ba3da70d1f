"""街道总览 in a real browser (Debian's Chromium) at 1920×1080 and 1366×768: the street's
administrator logs in, opens the street page, sees every community's row of the grid in attention
order with each metric's icon on its status tint, and a click on a row opens that community's board
read-only."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Page

from metrics.vocab import Status
from tests.support.server import CHROMIUM, CHROMIUM_ARGS, fresh_server

PASSWORD = "街道Admin-2026"
pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")]


@pytest.fixture
def street_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A hub of three: 桃园 (the sample book), 梅林 (results from a package), 杏花 (nothing yet)."""
    from hub import results as hub_results
    from ledgers.reader import load_files
    from store.book import Confirm
    from store.communities import ensure_community
    from store.db import Store
    from store.engine import dispose_all, open_engine
    from store.users import Role, create_user
    from ui.data import sample_files

    data = tmp_path / "data"
    engine = open_engine(None, data)
    taoyuan = ensure_community(engine, "桃园社区", street="石门二路街道", households=1460).id
    meilin = ensure_community(engine, "梅林社区", street="石门二路街道", households=3087).id
    ensure_community(engine, "杏花社区", street="石门二路街道", households=900)
    create_user(engine, "jiedao", PASSWORD, Role.STREET_ADMIN)
    store = Store(data, engine=engine, community=taoyuan)
    store.accept(store.propose(load_files(sample_files(), secret=store.secret, in_process=True), sample_files()),
                 confirm=Confirm.ALL)
    hub_results.write(engine, meilin, [{"metric_id": "B08", "value": 0.7, "status": "behind", "target": 0.9,
                                        "as_of": "2026-11-20"}], "package:meilin")
    dispose_all()
    monkeypatch.setenv("DASHBOARD_HUB", "1")
    monkeypatch.setenv("DASHBOARD_STREET", "石门二路街道")
    return tmp_path


@contextmanager
def browser(width: int, height: int) -> Iterator[Page]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium.new_page(viewport={"width": width, "height": height}, locale="zh-CN")
        finally:
            chromium.close()


def open_street(page: Page, server: str) -> None:
    page.goto(server)
    page.get_by_label("用户名").fill("jiedao")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.locator("[data-testid='stSidebarNav'] a", has_text="街道总览").click()
    page.wait_for_selector(".street-grid table.grid", timeout=90_000)
    page.wait_for_function("!document.querySelector('[data-testid=stStatusWidget]')", timeout=90_000)
    page.wait_for_timeout(1500)


def tints_seen(png: bytes) -> set[Status]:
    """The statuses whose cell tint (over white, as the grid draws it) shows in the screenshot."""
    from PIL import Image

    from hub.pdf import CELL_ALPHA

    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = set(image.getdata())
    seen = set()
    for status in Status:
        h = status.color.lstrip("#")
        rgb = [int(h[i:i + 2], 16) for i in (0, 2, 4)]
        want = tuple(round(c * CELL_ALPHA + 255 * (1 - CELL_ALPHA)) for c in rgb)
        if any(all(abs(a - b) <= 3 for a, b in zip(c, want, strict=True)) for c in colours):
            seen.add(status)
    return seen


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1366, 768)])
def test_the_grid_reads_at_both_screen_sizes(street_dir: Path, width: int, height: int) -> None:
    with fresh_server(street_dir) as server, browser(width, height) as page:
        open_street(page, server)
        names = page.locator(".street-grid td.who").all_inner_texts()
        assert names == ["杏花社区", "桃园社区", "梅林社区"]  # not reported, the sample (5 behind), 1 behind
        assert page.locator(".street-grid th.mid").count() == 46
        assert page.locator(".street-grid tbody tr").nth(0).locator("td.cell").all_inner_texts() == ["○"] * 46
        first = page.locator(".street-grid tbody tr").first.bounding_box()
        assert first is not None and first["y"] + first["height"] <= height  # the grid starts above the fold
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0  # a wider grid would scroll in its own box, never the page
        inner = page.evaluate("(() => { const e = document.querySelector('.street-grid');"
                              " return e.scrollWidth - e.clientWidth; })()")
        assert inner <= 0  # all 46 columns in view, the sidebar open, even at 1366
        png = page.locator(".street-grid").screenshot(path=str(street_dir / f"street-grid-{width}.png"))
        # every status of the sample and the package shows as its tint (and each cell carries its icon)
        assert {Status.MET, Status.AT_RISK, Status.BEHIND, Status.NO_DATA} <= tints_seen(png)
        page.screenshot(path=str(street_dir / f"street-{width}.png"))


def test_a_click_on_a_row_opens_that_community_read_only(street_dir: Path) -> None:
    with fresh_server(street_dir) as server, browser(1920, 1080) as page:
        open_street(page, server)
        table = page.locator("[data-testid='stDataFrame']").first
        table.scroll_into_view_if_needed()
        box = table.bounding_box()
        assert box is not None
        page.mouse.click(box["x"] + 12, box["y"] + 35 + 35 * 1 + 17)  # the second row: 桃园社区
        page.get_by_text("正在只读查看").first.wait_for(timeout=90_000)
        page.wait_for_timeout(1500)
        body = page.inner_text("body")
        assert "桃园社区" in body and "创建指标总览" in body
        assert not page.locator("[data-testid='stFileUploader']").count()  # read-only: nothing to upload


def test_a_clerk_imports_their_own_package_and_is_refused_another_s(street_dir: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from hub.package import Street, build
    from store.communities import community_by_name
    from store.engine import dispose_all, open_engine
    from store.users import Role, create_user
    from tests.support.results import metric

    key = Street("石门二路街道", b"street-key-0123456789")
    monkeypatch.setenv("DASHBOARD_STREET_KEY", key.key.decode())
    engine = open_engine(None, street_dir / "data")
    meilin = community_by_name(engine, "梅林社区")
    assert meilin is not None
    create_user(engine, "meilin", "梅林Clerk-2026", Role.CLERK, meilin.id)
    dispose_all()
    for name in ("梅林社区", "桃园社区"):
        (street_dir / f"{name}.zip").write_bytes(build(key, community=name, year=2026, as_of=dt.date(2026, 11, 20),
                                                       results=[metric("B08", status="met")]))
    with fresh_server(street_dir) as server, browser(1366, 768) as page:
        page.goto(f"{server}/data")
        page.get_by_label("用户名").fill("meilin")
        page.get_by_label("密码").fill("梅林Clerk-2026")
        page.get_by_role("button", name="登录").click()
        uploader = page.locator("[data-testid='stFileUploader']").filter(has_text="上报包")
        uploader.wait_for(timeout=90_000)
        uploader.locator("input[type=file]").set_input_files(str(street_dir / "梅林社区.zip"))
        page.get_by_text("已导入「梅林社区」的上报包").wait_for(timeout=90_000)
        uploader.locator("input[type=file]").set_input_files(str(street_dir / "桃园社区.zip"))
        page.get_by_text("您没有该社区的权限").wait_for(timeout=90_000)
        assert "桃园社区.zip" in page.inner_text("body")
    from hub.package import imported

    assert [p.community for p in imported(open_engine(None, street_dir / "data"))] == ["梅林社区"]  # only its own
