"""The 迎检材料 page through AppTest: on the sample, the completeness view lists all 32 items gaps first;
a photo uploaded to B04 (attached to its activity row) shows with its date and checks and closes the gap;
a renamed non-image is refused with its Chinese message and the stored photo stays; the note is edited and
kept with the date; the zip of originals downloads by item."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.support import photos

ROOT = Path(__file__).resolve().parent.parent
JPEG = "image/jpeg"


pytestmark = pytest.mark.usefixtures("app_sandbox")


def binder_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("pages/binder.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def completeness(at: AppTest):
    return at.dataframe[0].value


def test_completeness_lists_32_items_gaps_first():
    at = binder_page()
    assert at.title[0].value == "迎检材料"
    table = completeness(at)
    assert len(table) == 32
    assert set(table["项目"].str[:3]) == {f"B{i:02d}" for i in range(1, 18)} | {f"T{i:02d}" for i in range(1, 16)}
    assert list(table["缺项数"]) == sorted(table["缺项数"], reverse=True)
    # on the bare sample every item lacks rules, photos and an edited note; T04 (热线, no ledger) its table too
    assert table.iloc[0]["项目"] == "T04 服务热线" and table.iloc[0]["缺项数"] == 4
    assert set(table["规范文件"]) == {"✖ 缺"} and set(table["情况说明"]) == {"△ 仅自动草稿"}
    assert any("水印检测不在检查范围内" in c.value for c in at.caption)


def test_upload_photo_note_and_bad_file():
    at = binder_page()
    at.selectbox(key="binder_item").set_value("B04").run()
    assert "小型文体活动次数为 8 次" in str(at.text_area(key="binder_note_B04").value)
    at.selectbox(key="binder_row_B04").set_value("activities|2026-03-23|广场舞展演")
    at.file_uploader(key="binder_photos_B04").set_value([
        ("广场舞.jpg", photos.photo(1600, 1200, gps=True), JPEG),
        ("改名的.jpg", b"not a picture at all" * 10, JPEG)])
    at.button[[b.label for b in at.button].index("保存到本项目")].click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("已保存 1 个文件" in s.value for s in at.success)
    assert any("「改名的.jpg」：扩展名是图片，但内容不是可识别的图片" in e.value for e in at.error)
    files = at.dataframe[-1].value
    assert list(files["说明"]) == ["广场舞展演"] and list(files["拍摄日期"]) == ["2026-03-23"]
    assert list(files["检查"]) == ["✔ 符合要求"]
    row = completeness(at).set_index("项目").loc["B04 文体活动"]
    assert row["实景图片"] == "✔ 已有"
    at.text_area(key="binder_note_B04").set_value("2026年社区共开展文体活动8次。")
    at.button(key="binder_note_save_B04").click().run()
    assert at.text_area(key="binder_note_B04").value == "2026年社区共开展文体活动8次。"
    assert completeness(at).set_index("项目").loc["B04 文体活动"]["情况说明"] == "✔ 已有"
    assert any(c.value.startswith("已编辑，保存于") for c in at.caption)
    at.button(key="binder_zip").click().run()
    import io
    import zipfile

    names = zipfile.ZipFile(io.BytesIO(at.session_state["binder_zip_data"])).namelist()
    assert names == ["B04_文体活动/2026-03-23_广场舞展演_1.jpg"]


def test_binder_pdf_builds_from_the_page():
    from report.pdf import check_prerequisites

    if check_prerequisites():
        pytest.skip("no Chromium or CJK font")
    at = binder_page()
    at.button(key="binder_build").click().run()
    assert not at.exception, [e.message for e in at.exception]
    pdf = at.session_state["binder_pdf"]
    assert pdf.startswith(b"%PDF-")
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    assert [o.title for o in reader.outline if not isinstance(o, list)][:2] == ["B01 治安制度", "B02 防火防灾"]
    assert "目录" in (reader.pages[1].extract_text() or "")
