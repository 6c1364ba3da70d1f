"""Parse uploads in a child process with a memory cap and a timeout.

A file that slips past ``ledgers.guards`` and makes calamine abort or balloon kills only the child:
the parent names that file in the report and carries on with the remaining files in a fresh child.
Children fork from a ``forkserver`` that has already imported pandas and the reader, so one costs
tens of milliseconds, not a Python start-up; the app's threads (Streamlit) are never forked.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import resource
import time
from typing import Any

from ledgers.reader import FileResult, read_file
from ledgers.report import SheetReport
from ledgers.sheet import Problems

_CTX: Any = None


def _context() -> Any:
    global _CTX
    if _CTX is None:
        _CTX = mp.get_context("forkserver")
        _CTX.set_forkserver_preload(["ledgers.reader", "ledgers.worker"])
    return _CTX


def _limit_memory(memory_mb: int) -> None:
    """Cap the child's address space at what it already maps plus ``memory_mb``."""
    try:
        with open("/proc/self/statm") as fh:
            mapped = int(fh.read().split()[0]) * resource.getpagesize()
    except OSError:
        mapped = 0
    limit = mapped + memory_mb * (1 << 20)
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _child_main(conn: Any, jobs: list, mappings: dict | None, secret: bytes, memory_mb: int) -> None:
    os.environ["LEDGERS_MEMORY_MB"] = str(memory_mb)  # for the message naming the limit
    _limit_memory(memory_mb)
    for k, (name, path, data) in enumerate(jobs):
        conn.send(("start", k))
        try:
            result = read_file(name, path, data, mappings, secret)
        except MemoryError:
            result = _failed(name, "out_of_memory", limit=memory_mb)
        conn.send(("done", k, result))
    conn.send(("end",))
    conn.close()


def _failed(name: str, code: str, **params: Any) -> FileResult:
    problems = Problems(name)
    problems.add(None, None, None, code, "error", **params)
    return FileResult(name, problems=problems.items, sheets=[SheetReport(name, None, "failed")])


def run_jobs(jobs: list[tuple[str, str | None, bytes | None]], mappings: dict | None, secret: bytes, *,
             timeout: float = 120.0, memory_mb: int = 4096) -> list[FileResult]:
    """Results in job order; ``timeout`` applies to each file."""
    ctx = _context()
    results: dict[int, FileResult] = {}
    pending = list(range(len(jobs)))
    while pending:
        receiver, sender = ctx.Pipe(duplex=False)
        batch = list(pending)
        proc = ctx.Process(target=_child_main, args=(sender, [jobs[i] for i in batch], mappings, secret, memory_mb),
                           daemon=True)
        proc.start()
        sender.close()
        current: int | None = None
        deadline = time.monotonic() + timeout
        failure: str | None = None
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                failure = "parse_timeout"
                break
            try:
                if not receiver.poll(min(left, 0.5)):
                    if not proc.is_alive() and not receiver.poll(0):
                        failure = "parse_crashed"
                        break
                    continue
                msg = receiver.recv()
            except (EOFError, OSError):
                failure = "parse_crashed"
                break
            if msg[0] == "start":
                current = batch[msg[1]]
                deadline = time.monotonic() + timeout
            elif msg[0] == "done":
                results[batch[msg[1]]] = msg[2]
                pending.remove(batch[msg[1]])
                current = None
            else:
                break
        receiver.close()
        if failure:
            if proc.is_alive():
                proc.kill()
            culprit = current if current is not None else (pending[0] if pending else None)
            if culprit is not None and culprit in pending:
                params = {"seconds": int(timeout)} if failure == "parse_timeout" else {}
                results[culprit] = _failed(jobs[culprit][0], failure, **params)
                pending.remove(culprit)
        proc.join(5)
    return [results[i] for i in range(len(jobs))]
