"""Parse uploads in a child process with a memory cap and a timeout.

A file that slips past ``ledgers.guards`` and makes calamine abort or balloon kills only the child:
the parent names that file in the report and carries on with the remaining files in a fresh child.
The child is ``python -m ledgers.worker`` (one per ``load_files`` call, ~0.5 s to import pandas):
multiprocessing's spawn/forkserver would re-run the caller's ``__main__`` in the child, and under
Streamlit that is the app script itself. Requests and results travel as pickles over stdin/stdout.
"""

from __future__ import annotations

import os
import pickle
import queue
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from ledgers.reader import FileResult, read_file
from ledgers.report import SheetReport
from ledgers.sheet import Problems

_ROOT = str(Path(__file__).resolve().parent.parent)


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


def _child() -> None:
    jobs, mappings, secret, memory_mb = pickle.load(sys.stdin.buffer)
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the result stream
    os.environ["LEDGERS_MEMORY_MB"] = str(memory_mb)  # for the message naming the limit
    _limit_memory(memory_mb)

    def send(msg: tuple) -> None:
        pickle.dump(msg, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()

    for k, (name, path, data) in enumerate(jobs):
        send(("start", k))
        try:
            result = read_file(name, path, data, mappings, secret)
        except MemoryError:
            result = _failed(name, "out_of_memory", limit=memory_mb)
        send(("done", k, result))
    send(("end",))


def _failed(name: str, code: str, **params: Any) -> FileResult:
    problems = Problems(name)
    problems.add(None, None, None, code, "error", **params)
    return FileResult(name, problems=problems.items, sheets=[SheetReport(name, None, "failed")])


def _pump(stream: Any, inbox: queue.Queue) -> None:
    try:
        while True:
            inbox.put(pickle.load(stream))
    except Exception:  # EOF or a truncated pickle: the child is gone
        inbox.put(("eof",))


def run_jobs(jobs: list[tuple[str, str | None, bytes | None]], mappings: dict | None, secret: bytes, *,
             timeout: float = 120.0, memory_mb: int = 4096) -> list[FileResult]:
    """Results in job order; ``timeout`` applies to each file."""
    results: dict[int, FileResult] = {}
    pending = list(range(len(jobs)))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [_ROOT, os.environ.get("PYTHONPATH")])))
    while pending:
        batch = list(pending)
        proc = subprocess.Popen([sys.executable, "-m", "ledgers.worker"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=_ROOT, env=env)
        inbox: queue.Queue = queue.Queue()
        reader = threading.Thread(target=_pump, args=(proc.stdout, inbox), daemon=True)
        reader.start()
        try:
            pickle.dump(([jobs[i] for i in batch], mappings, secret, memory_mb), proc.stdin,
                        protocol=pickle.HIGHEST_PROTOCOL)
            proc.stdin.close()
        except (BrokenPipeError, OSError):
            pass  # the child died at start; the inbox says so
        current: int | None = None
        failure: str | None = None
        deadline = time.monotonic() + timeout + 10  # start-up (imports) is not the file's fault
        while True:
            try:
                msg = inbox.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                failure = "parse_timeout"
                break
            if msg[0] == "start":
                current = batch[msg[1]]
                deadline = time.monotonic() + timeout
            elif msg[0] == "done":
                results[batch[msg[1]]] = msg[2]
                pending.remove(batch[msg[1]])
                current = None
            elif msg[0] == "end":
                break
            else:
                failure = "parse_crashed"
                break
        if failure:
            proc.kill()
            culprit = current if current is not None else (pending[0] if pending else None)
            if culprit is not None and culprit in pending:
                params = {"seconds": int(timeout)} if failure == "parse_timeout" else {}
                results[culprit] = _failed(jobs[culprit][0], failure, **params)
                pending.remove(culprit)
        proc.wait(10)
        reader.join(5)
    return [results[i] for i in range(len(jobs))]


if __name__ == "__main__":
    _child()
