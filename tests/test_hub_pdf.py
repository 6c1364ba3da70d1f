"""The street PDF as bytes: the grid page, then one page per community, Chinese text with the font embedded."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess

import pytest

from hub.grid import CommunityInfo, ResultRow, grid
from hub.pdf import street_html, street_pdf
from metrics.vocab import Status
from report import pdf

D = dt.date(2026, 11, 20)
COMMUNITIES = [CommunityInfo(1, "桃园社区", 1460), CommunityInfo(2, "杏花社区", 900),
               CommunityInfo(3, "<b>梅林</b>社区", None)]  # never reported, and a name with markup in it
RESULTS = [ResultRow(1, "B08", 0.917, Status.MET, 0.9, D), ResultRow(1, "B04", 3.0, Status.BEHIND, 4.0, D),
           ResultRow(2, "B08", 0.87, Status.AT_RISK, 0.9, D), ResultRow(2, "B03", 2 / 3, Status.BEHIND, 1.0, D)]
AT = dt.datetime(2026, 11, 21, 9, 30, tzinfo=dt.UTC)


def rows():
    return grid(COMMUNITIES, RESULTS)


def test_names_are_text_never_markup():
    html = street_html(rows(), street="石门二路街道", generated_at=AT)
    assert "<b>梅林</b>" not in html and "&lt;b&gt;梅林&lt;/b&gt;社区" in html


def test_grid_cells_carry_the_status_icon_not_colour_alone():
    html = street_html(rows(), street="石门二路街道", generated_at=AT)
    grid_html = html.split('<table class="grid">')[1].split("</table>")[0]
    # 46 cells a row, three rows: B08 met in 桃园, B04 behind, …; 杏花 B03 behind; 梅林 all without data
    assert grid_html.count(">✔</td>") == 1 and grid_html.count(">✖</td>") == 2 and grid_html.count(">▲</td>") == 1
    assert grid_html.count(">○</td>") == 46  # not reported: every metric without data
    assert 'title="B08 纠纷调解率：87.0%（≥ 90%）▲ 需关注"' in grid_html  # the cell says it all on hover
    assert grid_html.count('class="cell off"') == 2 * 44  # reported: a metric not in its results is switched off


@pytest.fixture(scope="module")
def printed() -> bytes:
    missing = pdf.check_prerequisites()
    if missing:
        pytest.skip(str(pdf.ReportUnavailable(missing)))
    return street_pdf(rows(), street="石门二路街道", generated_at=AT)


def test_one_grid_page_then_one_page_per_community(printed):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(printed))
    texts = [re.sub(r"\s+", "", p.extract_text()) for p in reader.pages]
    assert len(texts) == 1 + 3
    assert "石门二路街道文明社区创建情况" in texts[0] and "各社区指标状态" in texts[0]
    # the grid's order: 梅林 (not reported) first, then 桃园 and 杏花 (one 未达标 each; 需关注 decides)
    assert [t.split("：")[0] for t in texts[1:]] == ["<b>梅林</b>社区", "杏花社区", "桃园社区"]
    assert "尚未上报" in texts[1]
    assert "87.0%" in texts[2] and "≥90%" in texts[2] and "2/3" in texts[2] and "=3/3" in texts[2]
    assert "3次" in texts[3] and "≥4次" in texts[3] and "1,460户" in texts[3]
    assert all(f"第{n}页/共4页" in t for n, t in enumerate(texts, 1))


def test_the_chinese_font_is_embedded(printed):
    fonts = subprocess.run(["pdffonts", "-"], input=printed, capture_output=True, check=True).stdout.decode()
    cjk = [line for line in fonts.splitlines()[2:] if "WenQuanYi" in line or "NotoSansCJK" in line]
    assert cjk and all(line.split()[-5] == "yes" for line in cjk)
    assert "Type 3" not in fonts
