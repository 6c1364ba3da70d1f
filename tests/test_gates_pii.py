"""#18 item 4: personal data is masked wherever it hides — glued to letters, spaced, dotted, in file
names, in extra columns whatever their header, and in an unknown sheet's first row.

The corpus is table-driven with hand-written masked forms; the last test uploads all of it and scans
the bytes of the database, its ``-wal``, the log and the PDF's text for any raw spelling.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import subprocess
import zlib
from pathlib import Path

import pytest

from ledgers import privacy
from ledgers.reader import SourceFile, load_files

# (text, what scrub() must make of it): mask_digits keeps three digits in front and four behind
SPELLINGS = [
    ("13812345678", "138****5678"),
    ("138-1234-5678", "138****5678"),
    ("138 1234 5678", "138****5678"),
    ("139.8765.4321", "139****4321"),
    ("+8613812345678", "138****5678"),
    ("+86 138 1234 5678", "138****5678"),
    ("0086-13812345678", "138****5678"),
    ("86-13812345678", "138****5678"),
    ("Tel18612340000", "Tel186****0000"),
    ("tel:18612340000", "tel:186****0000"),
    ("手机18612340000", "手机186****0000"),
    ("电话：186 1234 0000。", "电话：186****0000。"),
    ("１８６１２３４００００", "186****0000"),
    ("Mobile:186-1234-0000,备用", "Mobile:186****0000,备用"),
    ("18612340000/13987654321", "186****0000/139****4321"),
    ("call18612340000now", "call186****0000now"),
    ("310115198511224567", "310***********4567"),
    ("ID310115198511224567", "ID310***********4567"),
    ("31011519851122456X", "310***********456X"),
    ("31011519851122456x", "310***********456x"),
    ("310101 19900307 1230", "310***********1230"),
    ("310101-19900307-1230", "310***********1230"),
    ("310101 1990 0307 1230", "310***********1230"),
    ("310101.19900307.1230", "310***********1230"),
    ("身份证号310115198511224567号", "身份证号310***********4567号"),
    ("证件:310115198511224567;", "证件:310***********4567;"),
    ("NO310115198511224567ABC", "NO310***********4567ABC"),
    ("３１０１１５１９８５１１２２４５６７", "310***********4567"),
    ("310101850307123", "310********7123"),
    ("旧证310101850307123号", "旧证310********7123号"),
    ("王:13812345678,李:13987654321", "王:138****5678,李:139****4321"),
    ("ID:310115198511224567 Tel:18612340000", "ID:310***********4567 Tel:186****0000"),
    # not personal data: left alone
    ("2025年3月5日", "2025年3月5日"),
    ("订单20250101123456789012", "订单20250101123456789012"),
    ("金额12345元", "金额12345元"),
]


@pytest.mark.parametrize("text, masked", SPELLINGS, ids=[s[0] for s in SPELLINGS])
def test_every_spelling_of_a_phone_or_id_is_masked(text, masked):
    assert privacy.scrub_text(text) == masked


FILE_NAMES = [
    ("活动台账_王小明18612340000.xlsx", "活动台账_王**186****0000.xlsx"),
    ("台账王小明13812345678.csv", "台账王**138****5678.csv"),
    ("张江镇_欧阳娜娜_ID310115198511224567.csv", "张江镇_欧阳**_ID310***********4567.csv"),
    ("陈建国.xlsx", "陈**.xlsx"),
    ("2026年3月活动台账.xlsx", "2026年3月活动台账.xlsx"),
    ("消防器材台账(1).xlsx", "消防器材台账(1).xlsx"),
]


@pytest.mark.parametrize("name, masked", FILE_NAMES, ids=[f[0] for f in FILE_NAMES])
def test_file_names_lose_their_personal_data_and_keep_the_rest(name, masked):
    assert privacy.mask_file_name(name) == masked


HEAD = ["活动日期", "活动名称", "活动类别"]
EXTRA = [
    # (header, values, problem code): judged by header, or by content when the header says nothing
    ("紧急联络", ["赵建国", "孙丽华", "周海涛"], "pii_extra_column"),
    ("同住人", ["吴佩琪", "郑秀英", "冯志强"], "pii_extra_column"),
    ("涉及人员", ["赵建国", "孙丽华", "周海涛"], "pii_extra_column"),
    ("Name", ["赵建国", "孙丽华", "周海涛"], "pii_extra_column"),
    ("Tel", ["13812345678", "13987654321", "15000001111"], "pii_extra_column"),
    ("备用", ["赵建国", "孙丽华", "周海涛"], "pii_extra_column_content"),
    ("其他", ["138 1234 5678", "139.8765.4321", "150-0000-1111"], "pii_extra_column_content"),
    ("补充", ["310115198511224567", "310101 19900307 1230", "31011519851122456X"], "pii_extra_column_content"),
]


def _csv(rows: list[list[str]]) -> bytes:
    return ("\n".join(",".join(r) for r in rows) + "\n").encode()


@pytest.mark.parametrize("header, values, code", EXTRA, ids=[e[0] for e in EXTRA])
def test_an_extra_column_of_personal_data_is_not_loaded_and_the_report_says_so(header, values, code):
    rows = [[*HEAD, header]] + [[f"2026-01-0{i + 1}", f"读书会{i}", "文化", v] for i, v in enumerate(values)]
    res = load_files([SourceFile("活动.csv", _csv(rows))], in_process=True)
    frame = res.frames["activities"]
    assert len(frame) == 3 and header not in frame.columns
    assert not any(v in str(frame.to_dict()) for v in values)
    (p,) = [p for p in res.report.problems if p.code.startswith("pii_extra")]
    assert p.code == code and header in p.message and "未导入" in p.message


def test_an_ordinary_extra_column_is_still_kept():
    rows = [[*HEAD, "备注"]] + [[f"2026-01-0{i + 1}", f"读书会{i}", "文化", w] for i, w in enumerate(["下雨", "改期", "顺利"])]
    frame = load_files([SourceFile("活动.csv", _csv(rows))], in_process=True).frames["activities"]
    assert frame["备注"].tolist() == ["下雨", "改期", "顺利"]


def test_a_sheet_without_a_header_row_puts_no_name_in_the_report():
    rows = [["王小明", "13812345678", "2026-01-05"], ["李建华", "13987654321", "2026-01-06"]]
    res = load_files([SourceFile("名单.csv", _csv(rows))], in_process=True)
    (unknown,) = res.report.unknown_sheets
    assert unknown.headers == ["王**", "138****5678", "2026-01-05"]
    text = str(res.report.to_dict())
    assert "王小明" not in text and "13812345678" not in text


# --- everything at once, then the bytes on disk -----------------------------------------------------

NAMES = ["王小明", "赵建国", "孙丽华", "周海涛", "吴佩琪", "郑秀英", "冯志强", "李建华"]


def _corpus_files() -> list[SourceFile]:
    spelled = [s for s, masked in SPELLINGS if s != masked]
    extra = [e for e in EXTRA]
    rows = [[*HEAD, "备注", *[e[0] for e in extra]]]
    for i, text in enumerate(spelled):
        rows.append([f"2026-01-{i % 28 + 1:02d}", f"读书会{i}", "文化", f'"{text}"',
                     *[e[1][i % 3] for e in extra]])
    headerless = [["王小明", "13812345678", "2026-01-05"], ["李建华", "13987654321", "2026-01-06"]]
    return [SourceFile("活动台账_王小明18612340000.csv", _csv(rows)), SourceFile("名单.csv", _csv(headerless))]


def _raw_forms() -> list[str]:
    """Every raw spelling, and each number's bare digits (what a careless store would keep)."""
    out = set(NAMES)
    for text, masked in SPELLINGS:
        if text != masked:
            for m in privacy._PHONE_IN_TEXT.finditer(text.translate(privacy._WIDE_DIGITS)):
                out.add(m.group(0))
                out.add(privacy._NUMBER_SEPARATORS.sub("", m.group(0))[-11:])
            for pattern in (privacy._ID_IN_TEXT, privacy._OLD_ID_IN_TEXT):
                for m in pattern.finditer(text.translate(privacy._WIDE_DIGITS)):
                    out.add(m.group(0))
                    out.add(privacy._NUMBER_SEPARATORS.sub("", m.group(0)))
            out.add(text)
    for e in EXTRA:
        out.update(e[1])
    return sorted(out)


def _database_text(data_dir: Path) -> str:
    """The raw bytes of every file in the data folder, plus each stored value decompressed."""
    parts = [p.read_bytes().decode("utf-8", "replace") for p in sorted(data_dir.iterdir()) if p.is_file()]
    with sqlite3.connect(data_dir / "dashboard.sqlite3") as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}"'):  # noqa: S608 - names from sqlite_master
                for v in row:
                    if isinstance(v, bytes):
                        with contextlib.suppress(zlib.error):
                            v = zlib.decompress(v)
                        v = v.decode("utf-8", "replace")
                    parts.append(str(v))
    return "\n".join(parts)


def test_the_corpus_leaves_no_raw_personal_data_in_database_wal_log_or_pdf(tmp_path, caplog):
    from report import pdf
    from store.db import DB_NAME, Store

    caplog.set_level(logging.DEBUG)
    files = _corpus_files()
    result = load_files(files)  # through the parser child, as the app does
    assert len(result.frames["activities"]) == len(_corpus_files()[0].data.decode().splitlines()) - 1
    store = Store(tmp_path / "data", secret=b"gates-test")
    assert DB_NAME == "dashboard.sqlite3"
    other = sqlite3.connect(store.path)  # an open reader keeps the -wal file from being folded back
    other.execute("SELECT count(*) FROM snapshots").fetchone()
    info = store.save_snapshot(result, [(f.name, f.data) for f in files], label="三月例会")
    assert (tmp_path / "data" / (DB_NAME + "-wal")).exists()
    on_disk = _database_text(tmp_path / "data")
    other.close()
    log = "\n".join(r.getMessage() for r in caplog.records) + caplog.text
    leaks = {where: [raw for raw in _raw_forms() if raw in text] for where, text in
             (("database+wal", on_disk), ("log", log), ("report", str(result.report.to_dict())))}
    assert leaks == {"database+wal": [], "log": [], "report": []}
    assert "活动台账_王**186****0000.csv" in on_disk  # the file name is there, masked
    if pdf.check_prerequisites():
        pytest.skip("no Chromium/CJK font for the PDF part")
    data = pdf.build_pdf_from_frames(result.frames, result.report.to_dict(),
                                     sources=[(f.name, info.created_at) for f in store.snapshot(info.id).files],
                                     lang="zh")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode("utf-8")
    assert [raw for raw in _raw_forms() if raw in text or raw in text.replace("\n", "")] == []


def test_an_upload_shows_and_keeps_its_file_name_masked(tmp_path):
    from store.db import Store
    from ui.data import accept_upload, handle_upload

    store = Store(tmp_path / "data", secret=b"test-secret")
    rows = [HEAD, ["2026-01-05", "读书会", "文化"]]
    outcome = handle_upload([("活动台账_王小明18612340000.csv", _csv(rows))], store)
    assert [name for name, _ in outcome.files] == ["活动台账_王**186****0000.csv"]
    accept_upload(outcome, store)
    assert [f.name for v in store.book() for f in v.files] == ["活动台账_王**186****0000.csv"]
    assert set(store.load_book()[0]["activities"]["_file"]) == {"活动台账_王**186****0000.csv"}
