"""A big workbook read by two processes (the reader's child and its forked partner, #17) reads exactly
as one process reads it; the partner takes the sheets it is dealt, shares the child's memory cap and
dies with the child."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import xlsxwriter

from bench.generate import generate
from ledgers import guards
from ledgers.reader import SourceFile, _partner_sheets, load_files
from tests.support.workbooks import sheets_of_many_sizes

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = [ROOT / "sample_data" / name for name in ("桃园社区活动台账2025-2026.xlsx", "治安消防台账.xlsx", "环境卫生台账.xlsx")]
MB = 1 << 20


@pytest.fixture(scope="module")
def street_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bench's street workbook at 3,000 rows: 19 sheets, personal columns, long numbers."""
    path = tmp_path_factory.mktemp("street") / "street_3000.xlsx"
    generate(path, 3000, 20261130)
    return path


@pytest.mark.parametrize("sizes, split_mb, kind, theirs", [
    # dealt biggest first to the process with less so far; the biggest stays with the child
    ({"a": 50 * MB, "b": 20 * MB, "c": 20 * MB, "d": 5 * MB}, 16, "xlsx", {"b", "c", "d"}),
    ({"a": 10 * MB, "b": 10 * MB, "c": 10 * MB, "d": 10 * MB}, 16, "xlsx", {"b", "d"}),
    ({"x": 3, "y": 2, "z": 1}, 0, "xlsx", {"y", "z"}),  # 3 | 2, then 1 to the lighter: there (3)
    ({"a": 10 * MB, "b": 5 * MB}, 16, "xlsx", set()),  # 15 MB of XML: one process
    ({"a": 40 * MB}, 16, "xlsx", set()),  # one sheet
    ({"a": 20 * MB, "b": 20 * MB}, 16, "xls", set()),  # python-calamine's workbooks are not dealt
])
def test_the_partner_is_dealt_sheets_by_their_size(sizes, split_mb, kind, theirs, monkeypatch):
    monkeypatch.setenv("LEDGERS_SPLIT_MB", str(split_mb))
    assert _partner_sheets(guards.Inspection(kind, sizes=sizes)) == theirs


def _assert_same(one, two) -> None:
    assert two.report.to_dict() == one.report.to_dict()
    assert list(two.frames) == list(one.frames)
    for key, frame in one.frames.items():
        pd.testing.assert_frame_equal(two.frames[key], frame, check_exact=True)
        for col in frame.select_dtypes(include="object").columns:
            assert [type(v) for v in two.frames[key][col]] == [type(v) for v in frame[col]], (key, col)


def _far_sheets(*far: tuple[int, str]) -> bytes:
    """An activities sheet of 200 rows, and per (rows, cell) a sheet of that many rows of filler and one
    value at that cell, far out (the guard refuses such a sheet before a parser allocates it)."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf)
    for k, (rows, cell) in enumerate(far):
        ws = wb.add_worksheet(f"远处{k}")
        for i in range(rows):
            ws.write_row(i, 0, ["备注", f"第{i}行"])
        ws.write(cell, "x")
        if k == 0:
            ws = wb.add_worksheet("文体活动")
            ws.write_row(0, 0, ["活动日期", "活动名称", "活动类别", "参与人数"])
            for i in range(200):
                ws.write_row(i + 1, 0, ["2026-03-05", f"活动{i}", "文体", 10])
    wb.close()
    return buf.getvalue()


def _blank_sheets() -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf)
    for name in ("一", "二", "三"):
        wb.add_worksheet(name).write("A1", " ")
    wb.close()
    return buf.getvalue()


BOOKS = {
    "many sizes": sheets_of_many_sizes,
    "blank sheets only": _blank_sheets,
    # 文体活动 is the biggest (the child's), 远处0 the partner's
    "the partner's sheet refused": lambda: _far_sheets((0, "XFD1048576")),
    # 远处0 the child's, 文体活动 and 远处1 the partner's: both fail, and the file's problem is the
    # one a single reader meets first (远处0's reference, not 远处1's)
    "both refused": lambda: _far_sheets((400, "XFD1048576"), (0, "XFD1048570")),
}


@pytest.mark.parametrize("name", list(BOOKS))
def test_a_workbook_read_by_two_processes_reads_as_one_reads_it(name, monkeypatch):
    monkeypatch.delenv("LEDGERS_IN_PROCESS", raising=False)
    source = SourceFile(f"{name}.xlsx", BOOKS[name]())
    one = load_files([source], secret=b"k", in_process=True)
    monkeypatch.setenv("LEDGERS_SPLIT_MB", "0")  # every workbook of two sheets or more
    _assert_same(one, load_files([source], secret=b"k"))


@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_a_sample_workbook_read_by_two_processes_reads_as_one_reads_it(path, monkeypatch):
    monkeypatch.delenv("LEDGERS_IN_PROCESS", raising=False)
    one = load_files([path], secret=b"k", in_process=True)
    monkeypatch.setenv("LEDGERS_SPLIT_MB", "0")
    _assert_same(one, load_files([path], secret=b"k"))


def test_a_street_workbook_read_by_two_processes_reads_as_one_reads_it(street_book, monkeypatch):
    monkeypatch.delenv("LEDGERS_IN_PROCESS", raising=False)
    one = load_files([street_book], secret=b"k", in_process=True)
    assert len(one.report.sheets) == 19 and one.frames["households"]["户主_key"].notna().any()
    monkeypatch.setenv("LEDGERS_SPLIT_MB", "0")
    _assert_same(one, load_files([street_book], secret=b"k"))


# A child as ledgers.worker runs one, in a process of its own: its messages go to a file, and each
# frame says which process typed it.
_CHILD = """
import json, os, pickle, sys, tempfile
from ledgers import worker
worker._load_reading_modules()
from ledgers import guards
from ledgers.partner import Channel, Fork
from ledgers.reader import _partner_sheets, read_file
worker._limit_memory(2048)
out = tempfile.TemporaryFile()
channel = Channel(out)
def sink(key, frame):
    channel.send(("frame", frame.sheet, os.getpid()))
result = read_file("street.xlsx", sys.argv[1], None, None, b"k", sink=sink, share=Fork(channel))
out.seek(0)
typed = {}
while True:
    try:
        _, sheet, pid = pickle.load(out)
    except EOFError:
        break
    typed[sheet] = "child" if pid == os.getpid() else "partner"
dealt = _partner_sheets(guards.inspect("street.xlsx", open(sys.argv[1], "rb").read(), defer_sheets=True))
print(json.dumps({"typed": typed, "dealt": sorted(dealt), "sheets": [s.sheet for s in result.sheets],
                  "failed": result.failed}))
"""


def test_the_partner_types_the_sheets_it_is_dealt_and_its_frames_come_through_the_child(street_book):
    env = dict(os.environ, LEDGERS_SPLIT_MB="0", PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(street_book)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    got = json.loads(proc.stdout)
    assert not got["failed"] and len(got["sheets"]) == 19
    by_partner = sorted(sheet for sheet, who in got["typed"].items() if who == "partner")
    assert by_partner and by_partner == sorted(set(got["dealt"]) & set(got["typed"]))
    assert "入户走访" in got["typed"] and got["typed"]["入户走访"] == "child"  # the biggest stays


# A child whose partner reports its memory cap and then waits: the child prints both caps and its own
# after the partner is done, or (with "hang") the partner's pid, and waits to be killed.
_CAPS = """
import os, resource, sys, time
from ledgers import worker
from ledgers.partner import Channel, Fork, mapped_bytes
from ledgers.reader import BookPart
worker._limit_memory(int(sys.argv[1]))
before = resource.getrlimit(resource.RLIMIT_AS)[0]
def work():
    print("partner", resource.getrlimit(resource.RLIMIT_AS)[0], file=sys.stderr, flush=True)
    if sys.argv[2] == "hang":
        time.sleep(60)
    return BookPart("x.xlsx")
partner = Fork(Channel(open(os.devnull, "wb"))).start(work)
if partner is None:
    print("alone", before, resource.getrlimit(resource.RLIMIT_AS)[0])
    sys.exit(0)
print("pid", partner.pid, flush=True)
during = resource.getrlimit(resource.RLIMIT_AS)[0]
partner.part()
print("caps", before, during, resource.getrlimit(resource.RLIMIT_AS)[0], mapped_bytes())
"""


def _run_caps(memory_mb: int, mode: str) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-c", _CAPS, str(memory_mb), mode], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_the_child_and_its_partner_share_the_memory_cap():
    proc = _run_caps(2048, "")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err[-2000:]
    caps = out.split("caps ")[1].split()
    before, during, after, mapped = (int(v) for v in caps)
    partner = int(err.split("partner ")[1].split()[0])
    assert partner == during  # both halves are the same
    room = before - during  # what the child gave up is the partner's
    assert after == before and 1000 * MB / 2 < room < 2048 * MB / 2 + 1
    assert during - mapped < 2048 * MB / 2  # and neither half has more than half the room


def test_a_small_cap_leaves_the_child_reading_alone():
    proc = _run_caps(600, "")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err[-2000:]
    _, before, now = out.split()
    assert before == now and "partner" not in err  # no fork, the cap untouched


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended
    except FileNotFoundError:
        return False


def test_the_partner_dies_with_the_child():
    proc = _run_caps(2048, "hang")
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.startswith("pid "), proc.stderr.read() if proc.stderr else ""
    pid = int(line.split()[1])
    assert _alive(pid)
    proc.send_signal(signal.SIGKILL)  # what the parent's timeout does to a child
    proc.wait(10)
    deadline = time.monotonic() + 10
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pid)
