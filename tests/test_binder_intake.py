"""迎检材料 intake and store: each bad input refused with a clear Chinese message naming the file and
nothing else lost; GPS gone from the stored file, the taken-date kept; the same content stored once;
caps per file and per community; edited notes kept with their date; the checks and completeness."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from evidence.checks import State, Window, completeness, photo_findings
from evidence.intake import DATE_TAKEN, EXIF_IFD, GPS_IFD, IntakeError, prepare
from evidence.items import PLAN_ITEMS, Form
from store.evidence import EvidenceStore
from tests.support import photos

BAD = [
    # (name, bytes builder, slot, i18n key, words the Chinese message must hold)
    ("活动照片.jpg", lambda: b"This is a text file renamed to .jpg\n" * 20, Form.PHOTO, "binder.error.not_image", "不是可识别的图片"),
    ("截断.jpg", lambda: photos.photo()[:6000], Form.PHOTO, "binder.error.truncated", "图片不完整"),
    ("炸弹.png", photos.bomb_png, Form.PHOTO, "binder.error.bomb", "40000 万像素"),
    ("超大.jpg", lambda: photos.photo() + b"\0" * (60 * 2**20), Form.PHOTO, "binder.error.too_big", "超过单个文件上限 20 MB"),
    ("脚本.pdf", lambda: photos.pdf(javascript=True), Form.RULES, "binder.error.pdf_js", "JavaScript"),
    ("加密.pdf", lambda: photos.pdf(encrypted=True), Form.RULES, "binder.error.pdf_encrypted", "去除密码"),
    ("../../etc/照片.jpg", photos.photo, Form.PHOTO, "binder.error.path", "文件名含路径"),
    ("..\\照片.jpg", photos.photo, Form.PHOTO, "binder.error.path", "文件名含路径"),
    ("制度.pdf", photos.pdf, Form.PHOTO, "binder.error.photo_is_not_image", "不是图片"),
]


@pytest.fixture
def store(tmp_path):
    return EvidenceStore(tmp_path / "data")


@pytest.mark.parametrize(("name", "build", "form", "key", "words"), BAD, ids=[b[3] + ":" + b[0] for b in BAD])
def test_bad_input_refused_with_chinese_message_and_nothing_lost(store, name, build, form, key, words):
    kept = store.add("B04", Form.PHOTO, "已有.jpg", photos.photo(seed=9)).file
    with pytest.raises(IntakeError) as caught:
        store.add("B04", form, name, build())
    assert caught.value.key == key
    text = caught.value.text("zh")
    assert words in text and f"「{name}」" in text
    assert [f.id for f in store.files()] == [kept.id]  # nothing else lost, nothing half-stored
    assert store.read(kept) == store.read(store.files()[0])
    assert len(list(store.blob_dir.rglob("*.*"))) == 1


def _stored_exif(store: EvidenceStore, f) -> Image.Exif:
    return Image.open(io.BytesIO(store.read(f))).getexif()


def test_gps_absent_after_intake_and_taken_date_kept(store):
    original = photos.photo(gps=True, taken=dt.date(2026, 3, 23))
    assert GPS_IFD in Image.open(io.BytesIO(original)).getexif()
    f = store.add("B04", Form.PHOTO, "广场舞.jpg", original).file
    exif = _stored_exif(store, f)
    assert GPS_IFD not in exif and not exif.get_ifd(GPS_IFD)
    assert exif.get_ifd(EXIF_IFD)[DATE_TAKEN] == "2026:03:23 10:15:00"
    assert (f.taken, f.gps_removed, f.width, f.height) == (dt.date(2026, 3, 23), True, 1200, 1000)
    # the picture itself is untouched: same pixels, JPEG data copied (not re-encoded)
    assert Image.open(io.BytesIO(store.read(f))).tobytes() == Image.open(io.BytesIO(original)).tobytes()
    assert b"TestPhone" in store.read(f)  # other EXIF kept


def test_heic_converted_to_jpg_without_gps(store):
    f = store.add("B04", Form.PHOTO, "IMG_0012.HEIC", photos.heic(dt.date(2026, 5, 12))).file
    assert (f.suffix, f.converted, f.taken, f.name) == (".jpg", "HEIC", dt.date(2026, 5, 12), "IMG_0012.jpg")
    assert GPS_IFD not in _stored_exif(store, f)


def test_heic_without_converter_asks_for_jpg(monkeypatch):
    import evidence.intake as intake

    monkeypatch.setattr(intake, "_heif_opener", lambda: False)
    with pytest.raises(IntakeError) as caught:
        prepare("IMG_0013.HEIC", photos.heic())
    assert "请转换为 JPG" in caught.value.text("zh")


def test_same_content_stored_once(store):
    data = photos.photo(seed=3)
    first = store.add("B04", Form.PHOTO, "a.jpg", data)
    again = store.add("B04", Form.PHOTO, "a 副本.jpg", data)
    other_item = store.add("T14", Form.PHOTO, "a.jpg", data)
    assert (first.duplicate, again.duplicate, other_item.duplicate) == (False, True, False)
    assert again.file.id == first.file.id
    assert len(store.files()) == 2 and len(list(store.blob_dir.rglob("*.jpg"))) == 1
    store.delete(first.file.id)
    assert len(list(store.blob_dir.rglob("*.jpg"))) == 1  # still used by T14
    store.delete(other_item.file.id)
    assert list(store.blob_dir.rglob("*.jpg")) == []


def test_community_cap(tmp_path):
    small = EvidenceStore(tmp_path, max_community_bytes=1_000_000)
    small.add("B04", Form.PHOTO, "1.jpg", photos.photo(seed=1))
    with pytest.raises(IntakeError) as caught:
        small.add("B04", Form.PHOTO, "2.jpg", photos.photo(seed=2))
    assert caught.value.key == "binder.error.quota" and "「2.jpg」" in caught.value.text()
    assert len(small.files()) == 1


@pytest.mark.parametrize(("name", "data", "kind", "suffix"), [
    ("会议纪要.docx", b"PK\x03\x04 a word file", "attachment", ".docx"),
    ("制度.pdf", None, "pdf", ".pdf"),
    ("扫描件.png", None, "photo", ".png"),
])
def test_documents_pdf_picture_or_attachment(store, name, data, kind, suffix):
    data = data or (photos.pdf(pages=2) if suffix == ".pdf" else photos.photo(fmt="PNG", gps=True))
    f = store.add("B01", Form.RULES, name, data).file
    assert (f.kind.value, f.suffix) == (kind, suffix)


def test_note_kept_with_item_and_date(store):
    store.save_note("B04", "初稿")
    saved = store.save_note("B04", "2026年社区共开展文体活动8次。")
    notes = store.notes()
    assert notes["B04"].text == "2026年社区共开展文体活动8次。" and notes["B04"].saved_at == saved.saved_at
    assert set(notes) == {"B04"}


WINDOW = Window.before(dt.date(2026, 11, 20))


def test_default_window_is_twelve_months_ending_a_month_before():
    assert (WINDOW.start, WINDOW.end) == (dt.date(2025, 10, 21), dt.date(2026, 10, 20))
    assert Window.before(dt.date(2026, 3, 31)) == Window(dt.date(2025, 3, 1), dt.date(2026, 2, 28))


@pytest.mark.parametrize(("size", "taken", "quality", "keys"), [
    ((1600, 1200), dt.date(2026, 3, 23), 90, []),
    ((1600, 1200), dt.date(2025, 6, 1), 90, ["binder.check.outside"]),
    ((1600, 1200), None, 90, ["binder.check.no_date"]),
    ((900, 700), dt.date(2026, 3, 23), 90, ["binder.check.small"]),
    ((1600, 1200), dt.date(2026, 3, 23), 5, ["binder.check.mush"]),
])
def test_photo_checks(store, size, taken, quality, keys):
    f = store.add("B04", Form.PHOTO, "p.jpg", photos.photo(*size, taken=taken, quality=quality, noise=12)).file
    assert [x.key for x in photo_findings(f, WINDOW)] == keys


def test_completeness_gaps_first(store):
    store.add("B04", Form.PHOTO, "ok.jpg", photos.photo(1600, 1200, seed=4))
    store.add("B04", Form.RULES, "制度.pdf", photos.pdf())
    store.save_note("B04", "说明")
    store.add("T14", Form.PHOTO, "old.jpg", photos.photo(1600, 1200, taken=dt.date(2024, 5, 1), seed=5))
    rows = completeness(store.files(), store.notes(), None, WINDOW)
    assert len(rows) == 32 and {r.item.id for r in rows} == {i.id for i in PLAN_ITEMS}
    by_id = {r.item.id: r for r in rows}
    assert by_id["B04"].states == {Form.RULES: State.PRESENT, Form.NOTE: State.PRESENT, Form.PHOTO: State.PRESENT,
                                   Form.TABLE: State.MISSING}
    assert by_id["T14"].states[Form.PHOTO] is State.OUTSIDE
    assert rows[-1].item.id == "B04" and by_id["B04"].gaps == 1
    assert [r.gaps for r in rows] == sorted((r.gaps for r in rows), reverse=True)


def test_cli_without_paths_reads_the_stored_evidence(tmp_path, monkeypatch):
    """`cli.py binder` without PATH: the data folder's book (none yet) and its stored evidence."""
    import argparse

    import cli

    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path / "data"))
    EvidenceStore(tmp_path / "data").add("B04", Form.PHOTO, "a.jpg", photos.photo(seed=7))
    frames, evidence, refused = cli._binder_sources(argparse.Namespace(paths=[]), tmp_path / "unused")
    assert frames == {} and refused == []
    assert [f.name for f in evidence.files()] == ["a.jpg"]


def test_cli_with_paths_takes_the_evidence_folder_beside_them(tmp_path):
    import argparse

    import cli

    root = Path(__file__).resolve().parent.parent / "sample_data"
    frames, evidence, refused = cli._binder_sources(argparse.Namespace(paths=[str(root)]), tmp_path)
    assert refused == [] and "activities" in frames
    by_item = {(f.item, f.label, f.row_key) for f in evidence.files()}
    assert ("B04", "广场舞展演", "activities|2026-03-23|广场舞展演") in by_item
    assert ("B01", "治安巡逻制度", None) in by_item and len(evidence.files()) == 6


def test_personal_data_in_names_captions_and_notes_masked(store):
    from evidence.binder import build_zip

    f = store.add("B04", Form.PHOTO, "王小明_13812345678.jpg", photos.photo(seed=8), caption="联系人张三丰13812345678").file
    assert f.name == "王**_138****5678.jpg" and "13812345678" not in f.caption
    note = store.save_note("B04", "如有疑问请联系 13812345678")
    assert note.text == "如有疑问请联系 138****5678" and store.notes()["B04"].text == note.text
    names = zipfile.ZipFile(io.BytesIO(build_zip(store.files(), store.read))).namelist()
    assert not any("13812345678" in n or "王小明" in n for n in names)
