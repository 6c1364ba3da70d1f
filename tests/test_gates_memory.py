"""#18 item 9: memory bounded — one shared copy of a snapshot, one PDF render at a time (the others
queued, told their place), and a cap on one upload's total size."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ledgers.slots import Slots


def _wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.01)


def test_slots_admit_in_order_and_tell_each_waiter_its_place():
    slots = Slots(lambda: 1)
    heard: dict[str, list[int]] = {"b": [], "c": []}
    order: list[str] = []

    def worker(name: str) -> None:
        with slots.slot(heard[name].append):
            order.append(name)

    with slots.slot():  # "a" holds the only slot
        b = threading.Thread(target=worker, args=("b",))
        b.start()
        _wait_for(lambda: slots.waiting() == 1, "b queued")
        c = threading.Thread(target=worker, args=("c",))
        c.start()
        _wait_for(lambda: slots.waiting() == 2 and heard["c"] == [2], "c queued behind b")
    b.join(10)
    c.join(10)
    assert order == ["b", "c"] and heard["b"] == [1] and heard["c"][0] == 2
    assert slots.running == 0 and slots.waiting() == 0


def test_ten_pdf_requests_at_once_print_one_at_a_time_and_all_are_delivered(monkeypatch):
    from report import pdf

    live, peak = [0], [0]
    lock = threading.Lock()

    def fake_print(html: str, *, chromium: str, footer: str) -> bytes:  # stands in for one Chromium
        with lock:
            live[0] += 1
            peak[0] = max(peak[0], live[0])
        time.sleep(0.02)
        with lock:
            live[0] -= 1
        return b"%PDF " + html.encode()

    monkeypatch.setattr(pdf, "_print", fake_print)
    monkeypatch.setattr(pdf, "check_prerequisites", lambda: [])
    monkeypatch.setattr(pdf, "find_chromium", lambda: "/usr/bin/chromium")
    out: dict[int, bytes] = {}
    threads = [threading.Thread(target=lambda i=i: out.__setitem__(i, pdf.html_to_pdf(f"<p>{i}</p>")))
               for i in range(10)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert peak[0] == 1
    assert out == {i: f"%PDF <p>{i}</p>".encode() for i in range(10)}


def test_a_snapshot_is_decoded_once_for_every_session(tmp_path: Path, monkeypatch):
    from store.db import Store
    from tests.support.store import upload
    from ui import data, shared

    store = Store(tmp_path / "data", secret=b"k")
    info = store.save_snapshot(*upload(0))
    loads: list[int] = []
    real = data.load_snapshot

    def counting(s: Store, sid: int) -> data.Dataset:
        loads.append(sid)
        return real(s, sid)

    monkeypatch.setattr(data, "load_snapshot", counting)
    shared.forget()
    first = shared.snapshot(store, info.id)
    second = shared.snapshot(store, info.id)  # another session asking for the same snapshot
    assert first is second and loads == [info.id]
    shared.forget()  # deleting a snapshot drops the shared copies
    assert shared.snapshot(store, info.id) is not first and loads == [info.id, info.id]
    shared.forget()


@pytest.mark.parametrize("sizes", [[48 << 20] * 5, [60 << 20, 41 << 20]], ids=["five_48MB", "60_and_41MB"])
def test_an_upload_over_the_total_cap_is_refused_before_it_is_read(sizes):
    def app() -> None:
        import streamlit as st

        from ui import upload

        class _Upload:  # what st.file_uploader hands over: a name, a size, the bytes on demand
            def __init__(self, name: str, size: int) -> None:
                self.name, self.size = name, size

            def getvalue(self) -> bytes:
                raise AssertionError("an upload over the total cap must not even be read")

        upload.receive([_Upload(f"台账{i}.csv", s) for i, s in enumerate(st.session_state["sizes"])], "zh")

    at = AppTest.from_function(app, default_timeout=60)
    at.session_state["sizes"] = sizes
    at.run()
    assert not at.exception
    assert [e.value for e in at.error][0].startswith(f"这次上传的 {len(sizes)} 个文件共")
    assert "超过一次上传的上限 100 MB" in at.error[0].value


def test_a_whole_pdf_job_waits_its_turn_and_its_inner_print_does_not_wait_on_itself(monkeypatch):
    """Computing every metric of a big book for the PDF costs as much as printing it: the whole job
    queues, and the print inside it (which asks for the same slot) goes straight on."""
    from report import pdf

    live, peak = [0], [0]
    lock = threading.Lock()

    def fake_build(frames, report, **kw) -> bytes:
        with lock:
            live[0] += 1
            peak[0] = max(peak[0], live[0])
        time.sleep(0.02)
        out = pdf.html_to_pdf("<p>x</p>")  # the inner step takes the slot its job already holds
        with lock:
            live[0] -= 1
        return out

    monkeypatch.setattr(pdf, "_build_from_frames", fake_build)
    monkeypatch.setattr(pdf, "_print", lambda html, *, chromium, footer: b"%PDF")
    monkeypatch.setattr(pdf, "check_prerequisites", lambda: [])
    monkeypatch.setattr(pdf, "find_chromium", lambda: "/usr/bin/chromium")
    out: list[bytes] = []
    threads = [threading.Thread(target=lambda: out.append(pdf.build_pdf_from_frames({}))) for _ in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert peak[0] == 1 and out == [b"%PDF"] * 6 and pdf.PRINTS.running == 0
