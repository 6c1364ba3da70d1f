"""Report packages: built and signed by a community's install, checked by the street's hub."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile

import pytest

from hub.package import MANIFEST, PDF, RESULTS, SIGNATURE, SUMMARY, PackageError, Street, build, read
from metrics.vocab import Status
from tests.support.results import metric

OURS = Street("静安区石门二路街道", b"street-key-ours-0123456789")
OTHER = Street("静安区南京西路街道", b"street-key-other-0123456789")
D = dt.date(2026, 11, 20)
REPORT = {"ledgers": {"人民调解台账": {"key": "mediation", "rows": 40, "skipped": 2, "sheets": []}},
          "problems": [{"severity": "error", "message": "第 7 行「当事人」：张*"}, {"severity": "warning"}]}
RESULTS_IN = [metric("B08", value=0.85, target=0.9, status="at_risk"),
              metric("B04", kind="count", value=3.0, target=4.0, status="behind", unit="次")]


def package(street: Street = OURS, pdf: bytes | None = b"%PDF-1.4 fake") -> bytes:
    return build(street, community="桃园社区", year=2026, as_of=D, results=RESULTS_IN, report=REPORT, pdf=pdf,
                 created_at=dt.datetime(2026, 11, 21, 8, 0, tzinfo=dt.UTC))


def rewrite(data: bytes, name: str, change) -> bytes:
    """The same zip with one part changed (as someone editing the package by hand would)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for info in src.infolist():
            body = src.read(info)
            zf.writestr(info.filename, change(body) if info.filename == name else body)
        if name not in src.namelist():
            zf.writestr(name, change(b""))
    return out.getvalue()


def test_round_trip_keeps_results_summary_and_pdf():
    got = read(package(), "桃园.zip", OURS)
    assert (got.community, got.year, got.as_of) == ("桃园社区", 2026, D)
    assert [(r.id, r.value, r.status, r.target, r.as_of) for r in got.results] == [
        ("B08", 0.85, Status.AT_RISK, 0.9, D), ("B04", 3.0, Status.BEHIND, 4.0, D)]
    # counts only: the problem's message (with its masked name) never enters the package
    assert got.summary == {"ledgers": {"人民调解台账": {"rows": 40, "skipped": 2}},
                           "problems": {"error": 1, "warning": 1, "info": 0}}
    assert got.pdf == b"%PDF-1.4 fake"


def test_the_same_content_gives_the_same_bytes():
    assert package() == package()


def test_no_row_and_no_message_is_in_the_package():
    zf = zipfile.ZipFile(io.BytesIO(package()))
    assert sorted(zf.namelist()) == sorted([MANIFEST, SIGNATURE, RESULTS, SUMMARY, PDF])
    text = b"".join(zf.read(n) for n in (MANIFEST, RESULTS, SUMMARY)).decode("utf-8")
    assert "张" not in text and "message" not in text


def _edit_json(key: str, value):
    def change(body: bytes) -> bytes:
        obj = json.loads(body)
        if isinstance(obj, list):
            obj[0][key] = value
        else:
            obj[key] = value
        return json.dumps(obj, ensure_ascii=False).encode("utf-8")
    return change


@pytest.mark.parametrize(("data", "key", "words"), [
    (lambda: package(OTHER), "hub.package.error.other_street", ["其他街道", "静安区南京西路街道"]),
    # the street's name edited to ours: the signature no longer matches
    (lambda: rewrite(package(OTHER), MANIFEST, _edit_json("street", OURS.id)), "hub.package.error.signature", ["签名不符"]),
    (lambda: rewrite(package(), MANIFEST, _edit_json("community", "梅林社区")), "hub.package.error.signature", ["签名不符"]),
    (lambda: rewrite(package(), RESULTS, _edit_json("status", "met")), "hub.package.error.hash", ["results.json", "校验值不符"]),
    (lambda: rewrite(package(), PDF, lambda b: b + b"x"), "hub.package.error.hash", ["report.pdf"]),
    (lambda: rewrite(package(), "rows.csv", lambda b: "姓名,电话\n张三,13812345678".encode()), "hub.package.error.pii",
     ["rows.csv"]),
    (lambda: b"PK\x03\x04 not really", "hub.package.error.not_zip", ["不是上报包"]),
    (lambda: rewrite(package(), SIGNATURE, lambda b: b"0" * 64), "hub.package.error.signature", ["已拒绝导入"]),
])
def test_a_doubtful_package_is_refused_with_a_chinese_message_naming_the_file(data, key, words):
    with pytest.raises(PackageError) as caught:
        read(data(), "桃园.zip", OURS)
    assert caught.value.key == key
    message = caught.value.text("zh")
    assert "桃园.zip" in message and all(w in message for w in words)
    assert caught.value.text("en") != message  # English beside it


def test_a_package_without_its_manifest_is_refused():
    src = zipfile.ZipFile(io.BytesIO(package()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for n in src.namelist():
            if n != MANIFEST:
                zf.writestr(n, src.read(n))
    with pytest.raises(PackageError) as caught:
        read(out.getvalue(), "x.zip", OURS)
    assert caught.value.key == "hub.package.error.missing" and MANIFEST in str(caught.value)


def test_a_package_without_a_pdf_is_fine():
    assert read(package(pdf=None), "x.zip", OURS).pdf is None


@pytest.mark.parametrize(("street", "key"), [(None, "k"), ("街道", None), ("", "")])
def test_without_a_street_key_nothing_is_signed(street, key):
    with pytest.raises(PackageError) as caught:
        Street.from_settings(street, key)
    assert "DASHBOARD_STREET_KEY" in str(caught.value)


# ---------------------------------------------------------------- the hub imports it


@pytest.fixture
def hub(db_url, tmp_path):
    """A hub of two communities, on SQLite and on PostgreSQL (the app's role, row-level security on)."""
    from store.communities import ensure_community
    from tests.support.postgres import open_db

    engine = open_db(db_url, tmp_path / "data")
    ids = {name: ensure_community(engine, name).id for name in ("桃园社区", "杏花社区")}
    return engine, ids


def test_the_hub_stores_the_results_and_the_package_in_its_community(hub):
    from sqlalchemy import select

    from hub.package import store_package
    from hub.results import street_rows
    from store.engine import scoped
    from store.schema import packages

    engine, ids = hub
    got = store_package(engine, read(package(), "桃园.zip", OURS), "桃园.zip", allowed=None)
    assert got == ids["桃园社区"]
    assert {(r.community_id, r.metric_id, r.status) for r in street_rows(engine)} == {
        (got, "B08", Status.AT_RISK), (got, "B04", Status.BEHIND)}
    with scoped(engine, [got], write=False) as conn:
        kept = conn.execute(select(packages.c.community_id, packages.c.pdf, packages.c.summary_json)).all()
    assert kept[0][0] == got and kept[0][1] == b"%PDF-1.4 fake" and '"rows":' in kept[0][2].replace(" ", "")


def test_a_package_for_a_community_the_user_does_not_hold_is_refused_and_nothing_written(hub):
    from hub.package import store_package
    from hub.results import street_rows

    engine, ids = hub
    with pytest.raises(PackageError) as caught:
        store_package(engine, read(package(), "桃园.zip", OURS), "桃园.zip", allowed=[ids["杏花社区"]])
    assert caught.value.key == "hub.package.error.community" and "桃园社区" in str(caught.value)
    assert street_rows(engine) == []


def test_a_package_for_a_community_the_street_does_not_have_is_refused(hub):
    from hub.package import store_package

    engine, _ = hub
    other = build(OURS, community="无名社区", year=2026, as_of=D, results=RESULTS_IN)
    with pytest.raises(PackageError) as caught:
        store_package(engine, read(other, "x.zip", OURS), "x.zip", allowed=None)
    assert caught.value.key == "hub.package.error.unknown_community"


# ---------------------------------------------------------------- a single install exports it


def test_the_cli_exports_a_package_the_hub_reads(tmp_path, monkeypatch, capsys):
    import cli
    from ledgers.reader import load_files
    from metrics.engine import compute_all
    from ui.data import sample_files

    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DASHBOARD_STREET", OURS.id)
    monkeypatch.setenv("DASHBOARD_STREET_KEY", OURS.key.decode())
    out = tmp_path / "桃园.zip"
    paths = [str(p) for p in sample_files()]
    assert cli.main(["package", "--out", str(out), "--name", "桃园社区", "--no-pdf", *paths]) == 0
    got = read(out.read_bytes(), out.name, OURS)
    expected = compute_all(load_files(sample_files(), in_process=True).frames)
    assert got.community == "桃园社区" and got.as_of == expected.as_of
    assert [(r.id, r.status) for r in got.results] == [(m.id, m.status) for m in expected.metrics]
    assert sum(part["rows"] for part in got.summary["ledgers"].values()) > 0
    zf = zipfile.ZipFile(out)
    text = "".join(zf.read(n).decode("utf-8") for n in zf.namelist())
    assert not re.search(r"[\u4e00-\u9fff]\*|\d{3}\*{4}|\*{11}", text)  # no masked name, phone or ID
    assert "当事人" not in text and "_row" not in text  # no ledger column, no row


def test_the_cli_refuses_without_a_street_key(tmp_path, monkeypatch, capsys):
    import cli

    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DASHBOARD_STREET_KEY", raising=False)
    assert cli.main(["package", "--out", str(tmp_path / "x.zip"), "--name", "桃园社区", "sample_data"]) == 2
    assert "DASHBOARD_STREET_KEY" in capsys.readouterr().err


def test_the_street_lists_what_it_imported_with_the_counts(hub):
    from hub.package import imported, store_package

    engine, _ = hub
    store_package(engine, read(package(), "桃园.zip", OURS), "桃园.zip", allowed=None)
    [got] = imported(engine)
    assert (got.community, got.rows, got.skipped, got.problems["error"]) == ("桃园社区", 40, 2, 1)


def test_the_cli_exports_the_book_with_its_office_targets(tmp_path, monkeypatch, capsys):
    import cli
    from ledgers.reader import load_files
    from store.book import Confirm
    from store.db import Store
    from ui.data import sample_files

    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DASHBOARD_STREET", OURS.id)
    monkeypatch.setenv("DASHBOARD_STREET_KEY", OURS.key.decode())
    store = Store(tmp_path / "data")
    store.accept(store.propose(load_files(sample_files(), secret=store.secret), sample_files()), confirm=Confirm.ALL)
    store.set_target("B08", 0.99)
    out = tmp_path / "p.zip"
    assert cli.main(["package", "--out", str(out), "--no-pdf"]) == 2  # 「本社区」: the street cannot place it
    assert "--name" in capsys.readouterr().err
    assert cli.main(["package", "--out", str(out), "--name", "桃园社区", "--no-pdf"]) == 0
    b08 = next(r for r in read(out.read_bytes(), out.name, OURS).results if r.id == "B08")
    assert b08.target == pytest.approx(0.99) and b08.status is Status.BEHIND  # the sample's B08 is far under 99 %
