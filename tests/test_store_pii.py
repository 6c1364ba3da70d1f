"""PII at rest: no raw ID, phone or name reaches the database files, even if the reader let one through."""

from __future__ import annotations

import sqlite3
import zlib
from pathlib import Path

import pandas as pd
import pytest

from ledgers.privacy import scrub
from store.db import Store
from store.pii import mask_pii_value, remask_frames
from tests.support.store import (
    FakeReport,
    FakeResult,
    assert_frames_equal,
    ledger_frames,
    obj,
    sample_report,
)

RAW_IDS = ["310101199003071234", "31010519851122002X"]
RAW_PHONES = ["13812345678", "15900001111"]
RAW_NAMES = ["张三丰", "欧阳娜娜"]
CANARY = "桃园读书会0-0"  # a plain value that must be found: proves the scan can see into the data


def _database_bytes(data_dir: Path) -> bytes:
    """The database, its WAL and shared-memory files as bytes, plus every frame blob decompressed
    (frames are zlib-compressed, so a raw byte scan alone could not see inside them)."""
    blobs = b"".join(p.read_bytes() for p in data_dir.glob("dashboard.sqlite3*"))
    with sqlite3.connect(data_dir / "dashboard.sqlite3") as conn:
        for (blob,) in conn.execute("SELECT data FROM ledger_versions"):
            blobs += zlib.decompress(blob)
    return blobs


def _assert_no_raw_pii(data_dir: Path, canary: str = CANARY) -> None:
    content = _database_bytes(data_dir)
    if canary:
        assert canary.encode() in content
    for raw in [*RAW_IDS, *RAW_PHONES, *RAW_NAMES]:
        assert raw.encode() not in content, f"raw value {raw!r} found in the database"
        assert raw.encode("utf-16-le") not in content


def _leaky_frames() -> dict[str, pd.DataFrame]:
    """Frames as a buggy reader might hand them over: PII columns unmasked, a phone in free text."""
    frames = ledger_frames(0)
    frames["employment"] = pd.DataFrame({
        "姓名": obj(RAW_NAMES),
        "身份证号": obj(RAW_IDS),
        "登记日期": pd.Series(pd.to_datetime(["2026-01-05", "2026-02-01"]), dtype="datetime64[ns]"),
        "参加社保": pd.array([True, None], dtype="boolean"),
    })
    vol = frames["volunteers"]
    vol["联系电话"] = obj([RAW_PHONES[0], "159-0000-1111", None])
    vol["联系电话"] = vol["联系电话"].astype(object)
    frames["incidents"] = pd.DataFrame({"描述": obj([f"居民（电话{RAW_PHONES[1]}）报称楼道堆物",
                                                   f"身份证{RAW_IDS[1]}遗失", None])})
    return frames


def test_raw_pii_is_masked_before_it_is_written(tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = Store(data, secret=b"test-secret")
    report = sample_report()
    report["problems"].append({"file": "就业.xlsx", "sheet": "Sheet1", "row": 4, "column": "身份证号",
                               "message": f"身份证号 {RAW_IDS[0]} 位数不对", "severity": "warning",
                               "code": "bad_id"})
    info = store.save_snapshot(FakeResult(_leaky_frames(), FakeReport(report)), [("x.xlsx", b"x")])
    assert info.remasked >= 8
    _assert_no_raw_pii(data)
    frames, stored_report = store.load_snapshot(info.id)
    emp = frames["employment"]
    assert emp["姓名"].tolist() == ["张**", "欧阳**"]  # as the reader masks: ledgers.privacy
    assert emp["身份证号"].tolist() == ["310***********1234", "310***********002X"]
    # the keyed hash the reader would have added: same raw value, same key
    assert emp["姓名_key"].notna().all() and emp["身份证号_key"].str.fullmatch("[0-9a-f]{64}").all()
    vol = frames["volunteers"]
    assert vol["联系电话"].tolist() == ["138****5678", "159****1111", None]
    assert "13812345678" not in str(stored_report)
    # free text keeps its meaning; only the number inside it is masked
    assert frames["incidents"]["描述"].tolist() == ["居民（电话159****1111）报称楼道堆物",
                                                   "身份证310***********002X遗失", None]


def test_frames_masked_by_the_reader_pass_unchanged() -> None:
    frames = ledger_frames(0, rows=9)
    out, n = remask_frames(frames, b"k")
    assert n == 0
    for name in frames:
        assert out[name] is frames[name]  # not even copied


def test_key_hashes_survive_an_18_char_check() -> None:
    # a 64-hex key is never taken for an ID number or phone
    frames = {"volunteers": pd.DataFrame({"姓名": obj(["张*"]), "姓名_key": obj(["1" * 64])})}
    out, n = remask_frames(frames, b"k")
    assert n == 0 and out["volunteers"]["姓名_key"][0] == "1" * 64


@pytest.mark.parametrize(("raw", "masked"), [
    ("13812345678", "138****5678"),
    ("138 1234 5678", "138****5678"),
    ("+8613812345678", "138****5678"),
    (13812345678.0, "138****5678"),
    ("310101199003071234", "310***********1234"),
    ("31010519851122002x", "310***********002X"),  # the reader reads x as X
    ("张三", "张*"),
    ("欧阳娜娜", "欧阳**"),  # a compound surname is kept, as the reader keeps it
    ("１３８１２３４５６７８", "138****5678"),  # full-width digits
])
def test_mask_pii_value(raw, masked) -> None:
    assert mask_pii_value(raw) == (masked, True)


@pytest.mark.parametrize("value", ["张*", "138****5678", "310***********1234", None, "", float("nan")])
def test_already_masked_or_blank_values_are_left(value) -> None:
    out, was_raw = mask_pii_value(value)
    assert not was_raw and (out == value or (out != out and value != value))


def test_scrub_text_leaves_ordinary_numbers() -> None:
    assert scrub("2026年3月5日 参与户数1200户 编号20260305") == ("2026年3月5日 参与户数1200户 编号20260305", 0)
    assert scrub("联系13812345678或021-12345678") == ("联系138****5678或021-12345678", 1)


def test_reader_output_through_the_store(tmp_path: Path) -> None:
    """The real path: an xlsx with raw IDs and phones, read by ledgers.reader, saved, byte-scanned."""
    try:
        from ledgers import reader
    except ImportError as exc:  # the reader is being written alongside the store
        pytest.skip(f"ledgers.reader not importable yet: {exc}")
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "志愿者名册"
    ws.append(["姓名", "队伍", "加入日期", "状态", "联系电话"])
    ws.append([RAW_NAMES[0], "治安巡逻队", "2025-06-01", "在册", RAW_PHONES[0]])
    ws.append([RAW_NAMES[1], "文明劝导", "2025-07-01", "在册", RAW_PHONES[1]])
    emp = wb.create_sheet("就业援助台账")
    emp.append(["姓名", "身份证号", "人员类别", "登记日期", "参加社保"])
    for name, id_no in zip(RAW_NAMES, RAW_IDS, strict=True):
        emp.append([name, id_no, "失业", "2026-01-05", "是"])
    path = tmp_path / "台账.xlsx"
    wb.save(path)

    data = tmp_path / "data"
    store = Store(data)
    try:
        result = reader.load_files([path], secret=store.secret, in_process=True)
    except ModuleNotFoundError as exc:  # a reader module not committed yet
        pytest.skip(f"ledgers.reader incomplete: {exc}")
    assert "volunteers" in result.frames and "employment" in result.frames
    info = store.save_snapshot(result, [path])
    assert info.remasked == 0  # the reader masked everything; the store's check agrees with it
    _assert_no_raw_pii(data, canary="治安巡逻队")
    frames, report = store.load_snapshot(info.id)
    assert_frames_equal(result.frames, frames)  # the reader's real dtypes round-trip too
    assert report == result.report.to_dict()


def test_store_remasks_and_keys_exactly_as_the_reader_does(tmp_path: Path) -> None:
    """One privacy module: a raw frame remasked by the store equals what the reader makes of the same
    cells, masks and identity keys alike (the store once masked 欧阳娜娜 as 欧*, the reader as 欧阳**)."""
    from ledgers.reader import SourceFile, load_files

    names = ["张三", "欧阳娜娜", "李 四"]
    phones = ["138-1234-5678", "+86 159 0000 1111", "021-62345678"]
    ids = ["310101199003071234", "31010519851122002x", "310101199003071234"]
    csv = "姓名,身份证号,人员类别,登记日期,参加社保\n" + "".join(
        f"{n},{i},失业,2026-01-05,是\n" for n, i in zip(names, ids, strict=True))
    vol = "姓名,队伍,状态,联系电话\n" + "".join(f"{n},文明劝导,在册,{p}\n" for n, p in zip(names, phones, strict=True))
    secret = b"same-secret"
    read = load_files([SourceFile("就业援助台账.csv", csv.encode()), SourceFile("志愿者名册.csv", vol.encode())],
                      secret=secret, in_process=True).frames
    raw = {"employment": pd.DataFrame({"姓名": obj(names), "身份证号": obj(ids)}),
           "volunteers": pd.DataFrame({"姓名": obj(names), "联系电话": obj(phones)})}
    stored, n = remask_frames(raw, secret)
    assert n == 12
    for ledger, cols in (("employment", ("姓名", "身份证号")), ("volunteers", ("姓名", "联系电话"))):
        for col in cols:
            assert stored[ledger][col].tolist() == read[ledger][col].tolist(), (ledger, col)
            assert stored[ledger][f"{col}_key"].tolist() == read[ledger][f"{col}_key"].tolist(), (ledger, col)
    assert read["employment"]["姓名"].tolist()[:2] == ["张*", "欧阳**"]
    assert read["volunteers"]["联系电话"].tolist()[:2] == ["138****5678", "159****1111"]
    assert read["employment"]["身份证号"].tolist()[:2] == ["310***********1234", "310***********002X"]
