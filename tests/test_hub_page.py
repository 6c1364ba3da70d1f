"""街道总览 as a user sees it (AppTest): the street's counts, the grid in attention order, the problem
counts, one metric across the street, the street targets form — all read from stored results."""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from hub import results as hub_results
from hub.targets import street_defaults
from store.communities import ensure_community
from store.engine import open_engine

SCRIPT = "from ui import street\nstreet.page('{lang}')"


def result(metric_id: str, status: str, value: float, target: float) -> dict:
    return {"metric_id": metric_id, "value": value, "status": status, "target": target, "as_of": "2026-11-20"}


@pytest.fixture
def street(app_sandbox, tmp_path):
    engine = open_engine(None, tmp_path / "data")
    a = ensure_community(engine, "桃园社区", street="石门二路街道", households=1460).id
    b = ensure_community(engine, "杏花社区", street="石门二路街道", households=900).id
    ensure_community(engine, "梅林社区", street="石门二路街道", households=3087)  # reported nothing yet
    hub_results.write(engine, a, [result("B08", "met", 0.95, 0.9), result("B04", "at_risk", 3.5, 4)], "package:a")
    hub_results.write(engine, b, [result("B08", "behind", 0.7, 0.9), result("B04", "behind", 1, 4)], "package:b")
    return engine


def run(lang: str = "zh") -> AppTest:
    at = AppTest.from_string(SCRIPT.format(lang=lang), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_page_shows_the_street_from_stored_results(street):
    at = run()
    assert at.title[0].value == "石门二路街道 · 街道总览"
    cards = [m.value for m in at.markdown if "count-card" in m.value]
    counts = [(c.split("<div class='n'>")[1].split("<")[0], c.split("<div class='w'>")[1].split("<")[0]) for c in cards]
    assert counts == [("1", "✔ 达标"), ("0", "→ 按进度"), ("1", "▲ 需关注"), ("2", "✖ 未达标"), ("46", "○ 无数据")]
    problems = at.dataframe[0].value
    assert list(problems["社区"]) == ["梅林社区", "杏花社区", "桃园社区"]  # not reported, 2 behind, 1 at risk
    assert list(problems["✖ 未达标"]) == [0, 2, 0] and list(problems["▲ 需关注"]) == [0, 0, 1]
    assert list(problems["○ 无数据"]) == [46, 0, 0] and problems["数据截至"][0] == "尚未上报"


def test_the_grid_lists_every_community_in_the_same_order(street):
    at = run()
    html = next(h.proto.body for h in at.get("html") if "street-grid" in h.proto.body)
    assert html.index("梅林社区") < html.index("杏花社区") < html.index("桃园社区")
    assert 'title="B08 纠纷调解率：70.0%（≥ 90%）✖ 未达标"' in html


def test_the_distribution_starts_at_the_metric_most_behind(street):
    at = run()
    assert at.selectbox(key="street_metric").value in ("B04", "B08")
    assert at.get("plotly_chart")


@pytest.mark.parametrize(("value", "saved", "message"), [
    (0.85, None, "不能比创建计划宽松"),  # plan ≥ 90 %
    (95.0, 0.95, None),
])
def test_street_targets_never_looser_than_the_plan(street, value, saved, message):
    at = run()
    at.selectbox(key="street_target_metric").set_value("B08")
    at.number_input(key="street_target_value").set_value(value)
    next(b for b in at.button if b.label == "保存街道目标").click()
    at.run()
    assert street_defaults(street).get("B08") == saved
    if message:
        assert any(message in e.value for e in at.error)


def test_english_beside_chinese(street):
    at = run("en")
    assert at.title[0].value == "石门二路街道 · street overview"
    assert "Community" in at.dataframe[0].value.columns


def test_a_stale_community_is_recomputed_on_view(street, tmp_path):
    # a book accepted on the hub after the results were written: the view recomputes that one
    from store.db import Store
    from ui.data import sample_files

    store = Store(tmp_path / "data", engine=street, community="桃园社区")
    from ledgers.reader import load_files

    loaded = load_files(sample_files(), in_process=True)
    from store.book import Confirm

    store.accept(store.propose(loaded, sample_files()), confirm=Confirm.ALL)
    assert hub_results.stale(street) == [store.community_id]
    run()
    assert hub_results.stale(street) == []
    assert len(hub_results.street_rows(street, [store.community_id])) == 46
    assert dt.date(2026, 11, 20) in {r.as_of for r in hub_results.street_rows(street, [store.community_id])}


def test_the_street_pdf_is_made_from_the_page(street):
    from report.pdf import check_prerequisites

    if check_prerequisites():
        pytest.skip("the PDF needs Chromium and a Chinese font")
    at = run()
    at.button(key="street_pdf_make").click().run()
    assert not at.exception and not at.error
    data = at.session_state["_street_pdf"][1]
    assert data.startswith(b"%PDF") and at.get("download_button")


def test_imported_packages_are_listed_with_their_counts(street):
    from hub.package import Street, build, read, store_package
    from tests.support.results import metric

    key = Street("石门二路街道", b"street-key-0123456789")
    data = build(key, community="梅林社区", year=2026, as_of=dt.date(2026, 11, 20), results=[metric("B08")],
                 report={"ledgers": {"调解台账": {"rows": 58, "skipped": 1}}, "problems": []})
    store_package(street, read(data, "梅林.zip", key), "梅林.zip", allowed=None)
    at = run()
    listed = at.dataframe[1].value
    assert list(listed["社区"]) == ["梅林社区"] and list(listed["读入行数"]) == [58] and list(listed["跳过行数"]) == [1]
    assert list(at.dataframe[0].value["社区"])[-1] == "梅林社区"  # its one result met: nothing to attend to


def test_the_cli_lists_the_street_as_the_page_orders_it_and_prints_its_pdf(street, tmp_path, capsys):
    import json

    import cli
    from report.pdf import check_prerequisites

    assert cli.main(["street", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(r["community"], r["behind"], r["at_risk"], r["no_data"]) for r in listed] == [
        ("梅林社区", 0, 0, 46), ("杏花社区", 2, 0, 0), ("桃园社区", 0, 1, 0)]
    if check_prerequisites():
        return
    out = tmp_path / "street.pdf"
    assert cli.main(["street", "--pdf", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
