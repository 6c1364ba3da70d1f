"""The real PDF: the sample of 桃园社区 and a messy workbook, through the reader, the metrics engine, the
chart builders and headless Chromium; assertions on the bytes via poppler (pdftotext, pdffonts,
pdftoppm)."""

from __future__ import annotations

import datetime as dt
import math
import re
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from report import pdf

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
RADICALS = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf]")  # CJK radical look-alikes: broken text extraction

RAW_IDS = ["310101198803071234", "31011519900215321X", "320102197512300017"]
RAW_PHONES = ["13812345678", "13998765432", "15000001111"]


@pytest.fixture(scope="module", autouse=True)
def _prerequisites():
    missing = pdf.check_prerequisites()
    if missing:  # ./dev installs them; a bare machine gets the same message the page shows
        pytest.skip(str(pdf.ReportUnavailable(missing)))


def _load(paths: list[Path]):
    from ledgers.reader import load_files

    return load_files(paths)


def _build(paths: list[Path], lang: str = "zh", **kw) -> tuple[bytes, object, dict]:
    from metrics.engine import compute_all

    loaded = _load(paths)
    report = loaded.report.to_dict()
    sources = [(p.name, dt.datetime(2026, 11, 21, 9, 30)) for p in paths]
    start = time.perf_counter()
    data = pdf.build_pdf_from_frames(loaded.frames, report, sources=sources, lang=lang, **kw)
    print(f"\nPDF ({lang}, {len(paths)} files): {time.perf_counter() - start:.1f} s, {len(data) // 1024} KB")
    results = compute_all(loaded.frames, year=kw.get("year"), as_of=kw.get("as_of"))
    return data, results, report


def _run(args: list[str], data: bytes) -> str:
    return subprocess.run(args, input=data, capture_output=True, check=True).stdout.decode("utf-8")


def _text(data: bytes) -> str:
    return _run(["pdftotext", "-enc", "UTF-8", "-", "-"], data)


def _pages(data: bytes) -> int:
    info = _run(["pdfinfo", "-"], data)
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def _page_bounds(results, report: dict) -> tuple[int, int]:
    """Pages the layout can take: cover, summary, each theme (table, then two rows of two charts a
    page), ledgers, appendix with sign-off."""
    per_theme = Counter(m.theme for m in results.metrics)
    n = len(results.metrics)
    low = 2 + sum(math.ceil(k / 4) for k in per_theme.values()) + 2
    problems = min(len(report.get("problems") or []), 300)
    high = 1 + (2 + n // 25) + sum(1 + math.ceil(k / 2) for k in per_theme.values()) + 2 + 1 + problems // 20
    return low, high


def _assert_report(data: bytes, results, report: dict, *, lang: str = "zh") -> str:
    assert data.startswith(b"%PDF")
    text = _text(data)
    flat = re.sub(r"\s+", "", text)
    assert not RADICALS.search(text), sorted(set(RADICALS.findall(text)))
    assert ("桃园社区" if lang == "zh" else "TaoyuanCommunity") in flat
    for m in results.metrics:
        assert m.id in flat
        if lang == "zh":
            assert re.sub(r"\s+", "", m.name) in flat, m.name
    fonts = _run(["pdffonts", "-"], data).splitlines()[2:]
    cjk = [line for line in fonts if re.search(r"WenQuanYi|NotoSansCJK|SourceHan|DroidSansFallback", line)]
    assert cjk, fonts
    assert all(line.split()[-5] == "yes" for line in cjk), cjk  # emb column
    assert not [line for line in fonts if "Type 3" in line], fonts  # no faux-bold glyph outlines
    low, high = _page_bounds(results, report)
    pages = _pages(data)
    assert low <= pages <= high, (low, pages, high)
    assert re.search(rf"第\s*1\s*页\s*/\s*共\s*{pages}\s*页" if lang == "zh" else rf"Page\s*1\s*of\s*{pages}",
                     text)
    return text


def _assert_no_blank_page(data: bytes, tmp_path: Path) -> None:
    from PIL import Image

    (tmp_path / "r.pdf").write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", "30", str(tmp_path / "r.pdf"), str(tmp_path / "pg")], check=True)
    pngs = sorted(tmp_path.glob("pg-*.png"))
    assert len(pngs) == _pages(data)
    for png in pngs:
        im = Image.open(png).convert("L")
        w, h = im.size
        body = im.crop((0, 0, w, int(h * 0.92)))  # without the footer, which every page has
        hist = body.histogram()
        inked = sum(hist[:235]) / (body.size[0] * body.size[1])
        assert inked > 0.005, f"{png.name} is blank ({inked:.3%} inked)"


@pytest.fixture(scope="module")
def sample_pdf():
    paths = sorted(p for p in SAMPLE.iterdir() if p.suffix.lower() in (".xlsx", ".xls", ".csv"))
    return _build(paths)


def test_sample_report_text_fonts_pages(sample_pdf, tmp_path):
    data, results, report = sample_pdf
    text = _assert_report(data, results, report)
    flat = re.sub(r"\s+", "", text)
    # the problems appendix words a problem as the screen and the CLI do: the two-row header of the
    # activity sheet (a title, then 参与 over 户数 | 人数) is on rows 3–4, not "row 4"
    for word in ("达标情况总览", "制表人", "审核人", "附录：导入问题", str(results.year),
                 results.as_of.isoformat(), "表头在第3–4行"):
        assert word in flat, word
    for status in {m.status for m in results.metrics}:  # greyscale-readable: the word is printed
        assert {"met": "达标", "on_track": "按进度", "at_risk": "需关注", "behind": "未达标",
                "no_data": "无数据"}[status] in flat
    _assert_no_blank_page(data, tmp_path)


def _write_messy(path: Path) -> None:
    """A workbook as an office writes it: raw IDs and phones, a title row, a bad date, a blank row."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "志愿者名册"
    ws.append(["志愿者名册（2026年）"])
    ws.append(["姓名", "队伍", "加入日期", "状态", "联系电话"])
    teams = ["业余消防队", "计生志愿者", "专职巡逻队"]
    for i in range(12):
        ws.append([f"王{'一二三四五六七八九十'[i % 10]}明", teams[i % 3], f"2026-0{1 + i % 9}-15", "在册",
                   RAW_PHONES[i % 3]])
    ws.append(["李四", "业余消防队", "2026年13月45日", "在册", "1391234"])  # bad date, short phone
    ws.append([])
    emp = wb.create_sheet("就业援助台账")
    emp.append(["姓名", "身份证号", "人员类别", "登记日期", "安置日期", "参加社保"])
    for i in range(9):
        emp.append([f"赵{i}", RAW_IDS[i % 3], "下岗" if i % 2 else "失业", f"2026-0{1 + i}-03",
                    f"2026-0{2 + i % 8}-20" if i % 3 else None, "是" if i % 4 else "否"])
    emp.append(["钱七", "12345", "失业", "不详", None, "是"])
    wb.save(path)


def test_messy_workbook_report_masks_pii(tmp_path):
    path = tmp_path / "居委会台账（乱）.xlsx"
    _write_messy(path)
    data, results, report = _build([path], year=2026, as_of=dt.date(2026, 11, 20))
    text = _assert_report(data, results, report)
    flat = re.sub(r"\s+", "", text)
    for raw in RAW_IDS + RAW_PHONES:
        assert raw not in flat, raw
    assert not re.search(r"(?<!\d)\d{17}[\dXx](?!\d)", flat)
    assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", flat)
    assert "附录：导入问题" in flat and path.name in flat
    _assert_no_blank_page(data, tmp_path)


def test_english_report_with_the_pages_figure_builder(tmp_path):
    """The page hands over its own builder (``figure_builder``); lang="en" labels everything."""
    from charts.figures import metric_figure
    from metrics.engine import compute_all, history_all

    path = tmp_path / "ledgers.xlsx"
    _write_messy(path)
    loaded = _load([path])
    results = compute_all(loaded.frames, year=2026, as_of=dt.date(2026, 11, 20))
    hist = history_all(loaded.frames, results.year, results.as_of)
    calls: list[str] = []

    def builder(result, h, lang):
        calls.append(result.id)
        return metric_figure(result, h, lang, results=results.metrics, as_of=results.as_of)

    report = loaded.report.to_dict()
    data = pdf.build_pdf(results, report=report, history=hist, sources=[(path.name, None)], lang="en",
                         figure_builder=builder)
    assert calls == [m.id for m in results.metrics]
    text = _assert_report(data, results, report, lang="en")
    flat = re.sub(r"\s+", "", text)
    assert "Statussummary" in flat and "Preparedby" in flat


def test_community_name_with_markup_prints_as_text(tmp_path):
    """Issue 18 item 13: the 社区名称 went raw into Chromium's footer template, where a ``<link>`` made
    printing fail and tags rendered. Now it is text on the cover and in every page's footer."""
    name = "<link rel=stylesheet href=x><b>x</b>"
    path = tmp_path / "ledgers.xlsx"
    _write_messy(path)
    data, _, _ = _build([path], year=2026, as_of=dt.date(2026, 11, 20), community=name)
    assert data.startswith(b"%PDF")
    pages = _pages(data)
    flat = re.sub(r"\s+", "", _text(data))
    # once on the cover, once in each page's footer (community · title)
    assert flat.count(re.sub(r"\s+", "", name)) == 1 + pages
    assert flat.count(re.sub(r"\s+", "", f"{name} · 2026 年文明社区创建工作报告")) == pages
    assert re.search(rf"第1页/共{pages}页", flat)
