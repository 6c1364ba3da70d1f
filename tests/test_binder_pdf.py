"""The binder from the sample, as `cli.py binder` makes it: the contents list all 32 items with their
pages, each item's section starts where the contents say, the notes carry the numbers, photos show
their dates and checks, the rules PDF is merged in, the zip's names are by item; the sample's
evidence/ regenerates byte for byte and its GPS is gone after intake."""

from __future__ import annotations

import importlib.util
import io
import re
import zipfile
from pathlib import Path

import pytest

import cli
from evidence.items import PLAN_ITEMS

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
pytestmark = pytest.mark.skipif(bool(__import__("report.pdf", fromlist=["x"]).check_prerequisites()),
                                reason="no Chromium or CJK font")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("binder")
    code = cli.main(["binder", "--out", str(out / "b.pdf"), "--zip", str(out / "b.zip"), str(SAMPLE)])
    assert code == 0
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO((out / "b.pdf").read_bytes()))
    pages = [re.sub(r"\s+", "", p.extract_text() or "") for p in reader.pages]
    marks = {o.title: reader.get_destination_page_number(o) for o in reader.outline if not isinstance(o, list)}
    return pages, zipfile.ZipFile(out / "b.zip"), marks


def test_contents_list_all_32_items_with_the_page_each_starts_on(built):
    pages, _, _ = built
    toc = pages[1]
    assert toc.startswith("目录")
    heads = [item.heading().replace(" ", "") for item in PLAN_ITEMS]
    at = [toc.index(h) for h in heads]  # every item listed, in plan order
    assert at == sorted(at)
    starts = [next(i for i, text in enumerate(pages) if i > 1 and h in text and "计划要求" in text) for h in heads]
    assert starts == sorted(starts) and len(set(starts)) == 32
    # each contents row (heading, counts of the four forms, page) ends with the page its section starts on
    end = toc.index("桃园社区迎检材料")  # the footer
    rows = [toc[a:b] for a, b in zip(at, at[1:] + [end], strict=True)]
    for item, row, start in zip(PLAN_ITEMS, rows, starts, strict=True):
        assert row.endswith(str(start + 1)), (item.id, row, start + 1)


def test_bookmarks_one_per_item_at_its_page(built):
    pages, _, marks = built
    assert list(marks) == [item.heading() for item in PLAN_ITEMS]
    for item, page in marks.items():
        assert item.replace(" ", "") in pages[page] and "计划要求" in pages[page]


@pytest.mark.parametrize(("item", "words"), [
    ("B04", ["小型文体活动次数为8次", "参与居民约571人次", "超过计划「小型文体活动一年不少于4次」的要求",
             "广场舞展演文体3183社区活动室文体活动62"]),  # its row, with the 2 photos attached to it
    ("B07", ["消防器材配备率为87.0%", "差3.0个百分点"]),
    ("T04", ["服务热线办结率：台账中暂无数据"]),
])
def test_item_page_carries_note_figures_and_rows(built, item, words):
    pages, _, _ = built
    heading = next(i for i in PLAN_ITEMS if i.id == item).heading().replace(" ", "")
    text = next(t for i, t in enumerate(pages) if i > 1 and heading in t and "计划要求" in t)
    for word in words:
        assert word in text


def test_photos_with_dates_and_checks_and_rules_merged(built):
    pages, _, _ = built
    photo_pages = [t for t in pages if "实景图片" in t and "拍摄于" in t]
    joined = "".join(photo_pages)
    assert "拍摄于2026-03-23·活动台账2026-03-23广场舞展演" in joined  # attached to its activity row
    assert "拍摄于2026-05-12" in joined
    assert "不在迎检时段" in joined  # 楼道清洁 of 2025-06-15
    assert "短边600像素" in joined and "疑似多次压缩" in joined  # 走道灯检查 800×600 at quality 12
    assert "治安巡逻制度.pdf（1页，附后）" in "".join(pages)
    b01 = next(i for i, t in enumerate(pages) if "B01治安制度" in t and "计划要求" in t)
    b02 = next(i for i, t in enumerate(pages) if "B02防火防灾" in t and "计划要求" in t)
    assert b02 - b01 >= 2  # B01's own pages, then the merged rules page (a scan: no text)


def test_zip_names_by_item(built):
    _, zf, _ = built
    assert sorted(zf.namelist()) == [
        "B01_治安制度/治安巡逻制度_1.pdf",
        "B04_文体活动/2026-03-23_广场舞展演_1.jpg",
        "B04_文体活动/2026-03-23_广场舞展演_2.jpg",
        "B11_公共走道灯/2026-08-10_走道灯检查_1.jpg",
        "B13_环境卫生/2025-06-15_楼道清洁_1.jpg",
        "T14_党建活动/2026-05-12_党员志愿服务日_1.jpg",
    ]
    from PIL import Image

    exif = Image.open(io.BytesIO(zf.read("B04_文体活动/2026-03-23_广场舞展演_1.jpg"))).getexif()
    assert 0x8825 not in exif  # the sample's GPS photo, stripped on intake


def test_sample_evidence_regenerates_byte_identical(tmp_path):
    spec = importlib.util.spec_from_file_location("evidence_gen", SAMPLE / "evidence_gen.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    written = gen.generate(tmp_path)
    committed = sorted(p.relative_to(SAMPLE) for p in (SAMPLE / "evidence").rglob("*") if p.is_file())
    assert sorted(p.relative_to(tmp_path) for p in written) == committed
    for p in written:
        assert p.read_bytes() == (SAMPLE / p.relative_to(tmp_path)).read_bytes(), p.name
    from PIL import Image

    assert 0x8825 in Image.open(SAMPLE / "evidence/B04_文体活动/2026-03-23_广场舞展演_1.jpg").getexif()
