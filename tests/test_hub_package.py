"""Report packages: built and signed by a community's install, checked by the street's hub."""

from __future__ import annotations

import datetime as dt
import io
import json
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
