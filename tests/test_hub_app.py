"""The street hub's street part through the whole app (AppTest, DASHBOARD_HUB=1 on SQLite): the
街道总览 page for the street's administrator only, its results fresh after a community's upload, and
the street's target defaults applied to a community's own board and targets page."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from store.users import Role
from ui import keys

ROOT = Path(__file__).resolve().parent.parent
PASSWORDS = {"jiedao": "街道Admin-2026", "taoyuan": "桃园Clerk-2026"}


@pytest.fixture
def hub(app_sandbox, monkeypatch: pytest.MonkeyPatch):
    """One hub: 桃园社区 with the sample book, 梅林社区 without one; the street's administrator, 桃园's clerk."""
    from ledgers.reader import load_files
    from store.book import Confirm
    from store.communities import ensure_community
    from store.db import Store
    from store.engine import open_engine
    from store.users import create_user
    from ui.data import sample_files

    monkeypatch.setenv("DASHBOARD_HUB", "1")
    monkeypatch.setenv("DASHBOARD_STREET", "石门二路街道")
    data_dir = Path(os.environ["DASHBOARD_DATA_DIR"])
    engine = open_engine(None, data_dir)
    a = ensure_community(engine, "桃园社区", households=1460).id
    ensure_community(engine, "梅林社区", households=3087)
    create_user(engine, "jiedao", PASSWORDS["jiedao"], Role.STREET_ADMIN)
    create_user(engine, "taoyuan", PASSWORDS["taoyuan"], Role.CLERK, a)
    store = Store(data_dir, engine=engine, community=a)
    store.accept(store.propose(load_files(sample_files(), secret=store.secret), sample_files()), confirm=Confirm.ALL)
    return engine


def logged_in(username: str, page: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.text_input(key=keys.LOGIN_USERNAME).input(username)
    at.text_input(key=keys.LOGIN_PASSWORD).input(PASSWORDS[username])
    next(b for b in at.button if b.form_id == "auth_login").click().run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_the_street_admin_sees_every_community_fresh_from_its_book(hub):
    at = logged_in("jiedao", "pages/street.py")
    assert at.title[0].value == "石门二路街道 · 街道总览"
    problems = at.dataframe[0].value
    assert list(problems["社区"]) == ["梅林社区", "桃园社区"]  # 梅林 reported nothing: first
    assert list(problems["✖ 未达标"])[1] == 5 and list(problems["▲ 需关注"])[1] == 4  # the sample's golden counts


def test_a_clerk_has_no_street_page(hub):
    at = logged_in("taoyuan")
    with pytest.raises(ValueError, match="Could not find a navigation page"):  # not in the clerk's navigation
        at.switch_page("pages/street.py")


def test_a_street_default_applies_to_the_community_and_cannot_be_loosened_there(hub):
    from hub.targets import set_street_target

    set_street_target(hub, "B08", 0.99)
    at = logged_in("taoyuan")
    view = at.session_state[keys.VIEW]
    assert view.results.get("B08").target == pytest.approx(0.99)
    at.switch_page("pages/targets.py").run()
    at.selectbox(key="target_metric").set_value("B08").run()
    at.number_input(key="target_value_B08").set_value(95.0).run()
    at.button(key="target_save").click().run()
    assert any("只能比街道统一目标更严格" in e.value for e in at.error), [e.value for e in at.error]
    from store.db import Store

    assert "B08" not in Store(Path(os.environ["DASHBOARD_DATA_DIR"]), engine=hub, community="桃园社区").targets()


def test_a_single_install_of_a_street_exports_its_package_from_the_data_page(app_sandbox, monkeypatch):
    from hub.package import Street, read
    from ledgers.reader import load_files
    from report.pdf import check_prerequisites
    from store.book import Confirm
    from store.db import Store
    from ui.data import sample_files

    if check_prerequisites():
        pytest.skip("the package's PDF needs Chromium and a Chinese font")
    monkeypatch.setenv("DASHBOARD_STREET", "石门二路街道")
    monkeypatch.setenv("DASHBOARD_STREET_KEY", "street-key-0123456789")
    store = Store(Path(os.environ["DASHBOARD_DATA_DIR"]))
    store.accept(store.propose(load_files(sample_files(), secret=store.secret), sample_files()), confirm=Confirm.ALL)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.switch_page("pages/data.py").run()
    at.button(key="street_package_make").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    data = at.session_state["_street_pdf_package"][1]
    package = read(data, "x.zip", Street("石门二路街道", b"street-key-0123456789"))
    view = at.session_state[keys.VIEW]
    assert package.community == view.community and package.as_of == view.as_of
    assert [(r.id, r.status) for r in package.results] == [(m.id, m.status) for m in view.results.metrics]
    assert package.pdf is not None and package.pdf.startswith(b"%PDF")


def test_a_street_target_saved_on_the_page_applies_to_every_community_s_results(hub):
    from hub import results as hub_results

    at = logged_in("jiedao", "pages/street.py")
    at.selectbox(key="street_target_metric").set_value("B08")
    at.number_input(key="street_target_value").set_value(95.0)
    next(b for b in at.button if b.label == "保存街道目标").click().run()
    assert not at.exception
    assert hub_results.stale(hub) == []
    b08 = next(r for r in hub_results.street_rows(hub) if r.metric_id == "B08")
    assert b08.target == pytest.approx(0.95)


def test_a_clerks_change_recomputes_the_communitys_stored_results_at_once(hub):
    """Not at the street's next view: the clerk who saved the target waits for it (hub.results.refresh_own)."""
    from hub.results import stale, street_rows
    from store.communities import community_by_name

    a = community_by_name(hub, "桃园社区").id
    assert a in stale(hub)  # the fixture accepted the sample outside the app: nothing computed yet
    at = logged_in("taoyuan")
    at.switch_page("pages/targets.py").run()
    at.selectbox(key="target_metric").set_value("B08").run()
    at.number_input(key="target_value_B08").set_value(95.0).run()
    at.button(key="target_save").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert a not in stale(hub)
    b08 = next(r for r in street_rows(hub, [a]) if r.metric_id == "B08")
    assert b08.target == pytest.approx(0.95) and b08.value == pytest.approx(0.84)  # the sample's B08: 84.0 %
