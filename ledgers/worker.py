"""Parse uploads in a child process with a memory cap and a timeout.

A file that slips past ``ledgers.guards`` and makes calamine abort or balloon kills only the child:
the parent names that file in the report and carries on with the remaining files in a fresh child.
The child is ``python -m ledgers.worker`` (multiprocessing's spawn/forkserver would re-run the
caller's ``__main__`` in the child, and under Streamlit that is the app script itself). Requests and
results travel as pickles over stdin/stdout; each typed sheet inside them as an Arrow IPC stream
(``ledgers.ipc``: dictionary arrays of the distinct typed values and the rows' codes).

The child is kept warm: starting Python and importing pandas costs ~0.5-1 s, so after a request that
went well the child waits for the next ``load_files`` of this process (one idle child at most; a
second upload at the same time gets a child of its own). A child that crashed, timed out or hit its
memory cap is never reused, nor one started with another memory cap; an idle child exits when its
stdin closes, which happens at interpreter exit (``atexit``) or when this process dies.
Frames are sent one by one as soon as each sheet is typed, so the parent unpickles a sheet while
the child is still reading the next one. A big workbook's sheets are shared with a fork of the child
(``ledgers.partner``), whose frames come through the child's stdout all the same.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import os
import pickle
import queue
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import settings
from ledgers.slots import Slots

if TYPE_CHECKING:  # the reader's modules cost numpy, pyarrow and the rest: loaded where used, so
    from ledgers.packed import PackedFrame
    from ledgers.reader import FileResult  # ``prestart`` can start the child before this process
    from ledgers.registry import Mappings  # imports them

_ROOT = str(Path(__file__).resolve().parent.parent)
_MAX_IDLE = 1
# the HMAC key of the ``<col>_key`` columns when the caller names none: one per process, so the keys of
# one run compare with each other and with nothing else (here, not in the reader, so ``prestart`` can
# send a request before this process imports the reader's modules)
PROCESS_SECRET = os.urandom(32)  # what secrets.token_bytes gives, without importing hmac here

Job = tuple[str, str | None, bytes | None]  # (file name as given, path, or the upload's bytes)
Request = tuple[list[Job], "Mappings | None", bytes]  # (jobs, mappings, HMAC secret)


def path_job(path: str | Path) -> Job:
    """The job of a file on disk, as ``load_files`` and ``prestart`` both build it (the two must be
    equal for a child started ahead to be taken up)."""
    file = Path(path)
    return (file.name, str(file), None)


def max_children() -> int:
    """How many parser children may parse at once (#18: four hostile uploads at once once added
    12.7 GB): ``$DASHBOARD_PARSER_CHILDREN`` through settings.py."""
    return settings.from_env().parser_children


SLOTS = Slots(max_children)  # uploads past the limit wait their turn, in order


def _limit_memory(memory_mb: int) -> None:
    """Cap the child's address space at what it already maps plus ``memory_mb``."""
    from ledgers.partner import mapped_bytes

    limit = mapped_bytes() + memory_mb * (1 << 20)
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


_TRIM_ROWS = 20_000  # after a sheet this long, the freed heap goes back to the system (~3 ms a call)


def _trim() -> None:
    """Hand the heap's free pages back to the system (glibc keeps them otherwise)."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _release_memory() -> None:
    """Between requests: hand freed heap back to the system, so an idle child holds little."""
    gc.collect()
    _trim()


def _load_reading_modules() -> None:
    """Everything a request needs, imported before the cap (the cap is headroom on top of it); pandas
    is not (the child reads with numpy and pyarrow only: ~0.2 s and ~50 MB less)."""
    from ledgers.arrowgrid import arrow_without_pandas

    arrow_without_pandas()
    import fastexcel  # noqa: F401
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.compute  # type: ignore[import-untyped]  # noqa: F401
    import python_calamine  # noqa: F401

    # Arrow's default pool (mimalloc) keeps what a sheet freed for itself; the system's allocator hands
    # it back to ``_trim`` between sheets: ~50 MB less at the child's peak on the 300k workbook
    pa.set_memory_pool(pa.system_memory_pool())

    from ledgers import guards, ipc, partner, reader, sheet  # noqa: F401 - reader.py loads guards/sheet lazily (for the parent)


def _child() -> None:
    _load_reading_modules()
    from ledgers import ipc
    from ledgers.partner import Channel, Fork
    from ledgers.reader import read_file

    memory_mb = int(sys.argv[1]) if len(sys.argv) > 1 else 4096
    inp = sys.stdin.buffer
    channel = Channel(sys.stdout.buffer)  # a partner's messages come through here too (ledgers.partner)
    sys.stdout = sys.stderr  # a stray print must not corrupt the result stream
    os.environ["LEDGERS_MEMORY_MB"] = str(memory_mb)  # for the message naming the limit
    _limit_memory(memory_mb)
    send = channel.send
    share = Fork(channel)

    send(("ready",))
    # The cyclic collector would walk the millions of cells calamine hands over, again and again as
    # they are allocated (~10 % of a load); nothing here builds cycles worth collecting mid-request,
    # and _release_memory collects after each request.
    gc.disable()
    while True:
        try:
            jobs, mappings, secret = pickle.load(inp)
        except (EOFError, pickle.UnpicklingError):
            # the parent closed the pipe (exit) or died: nothing is left to flush, and the parent may be
            # waiting to close its end of our output, so skip the interpreter's teardown of our heap
            channel.out.flush()
            sys.stderr.flush()
            os._exit(0)
        for k, (name, path, data) in enumerate(jobs):
            send(("start", k))

            def sink(key: str, frame: PackedFrame, k: int = k) -> None:
                big = len(frame) >= _TRIM_ROWS
                if big:  # what the typing freed goes back before the packing takes more (300k: -30 MB at the peak)
                    _trim()
                send(("frame", k, key, ipc.pack(frame)))  # Arrow IPC: codes and typed values as buffers
                if big:
                    _trim()  # and the packed stream, while the parent builds its frame

            try:
                result = read_file(name, path, data, mappings, secret, sink=sink, share=share)
            except MemoryError:
                result = _failed(name, "out_of_memory", limit=memory_mb)
            send(("done", k, result))
            if result.failed and any(p.code == "out_of_memory" for p in result.problems):
                # This process sits at its cap with a fragmented heap: the files after this one would
                # fail too. Stop here; the parent gives the rest to a fresh child.
                break
            del result
        jobs = mappings = secret = None
        send(("end",))  # the parent goes on; the clean-up below is off its clock
        _release_memory()


def _failed(name: str, code: str, **params: Any) -> FileResult:
    """A file that failed as a whole; ``name`` as given (masked here: the child masks the names it reads)."""
    from ledgers.privacy import mask_file_name
    from ledgers.reader import FileResult
    from ledgers.report import SheetReport
    from ledgers.sheet import Problems

    name = mask_file_name(name)
    problems = Problems(name)
    problems.add(None, None, None, code, "error", **params)
    return FileResult(name, problems=problems.items, sheets=[SheetReport(name, None, "failed")], failed=True)


def _pump(stream: Any, inbox: queue.Queue[tuple[Any, ...]]) -> None:
    try:
        while True:
            inbox.put(pickle.load(stream))
    except Exception:  # EOF or a truncated pickle: the child is gone
        inbox.put(("eof",))


class _Child:
    """One ``python -m ledgers.worker`` and the thread reading its messages."""

    def __init__(self, memory_mb: int) -> None:
        self.memory_mb = memory_mb
        self.env = dict(os.environ)
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [_ROOT, os.environ.get("PYTHONPATH")])))
        # read only to tell an allocation failure from other crashes; closed in close()
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115
        self.proc = subprocess.Popen([sys.executable, "-m", "ledgers.worker", str(memory_mb)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr,
                                     cwd=_ROOT, env=env)
        self.inbox: queue.Queue[tuple[Any, ...]] = queue.Queue()
        self.reader = threading.Thread(target=_pump, args=(self.proc.stdout, self.inbox), daemon=True)
        self.reader.start()
        self.ready = False
        self.healthy = True
        self.sent: Request | None = None  # a request sent ahead by ``prestart``, its answer not yet taken

    def send(self, request: tuple[Any, ...]) -> None:
        stdin = self.proc.stdin
        assert stdin is not None  # Popen(stdin=PIPE)
        try:
            pickle.dump(request, stdin, protocol=pickle.HIGHEST_PROTOCOL)
            stdin.flush()
        except (BrokenPipeError, OSError, ValueError):
            pass  # the child died; the inbox says so

    def usable(self, memory_mb: int) -> bool:
        # a child sees the environment it was started with (LEDGERS_*, PATH...): a changed one is not reused
        return self.healthy and self.proc.poll() is None and self.memory_mb == memory_mb and self.env == os.environ

    def ran_out_of_memory(self) -> bool:
        """Whether the child's last words were an allocation failure: calamine (Rust) aborts the
        process when an allocation fails under the memory cap, where Python would raise MemoryError,
        and so does glibc when a thread's first use of a library's thread-local data (Arrow's, RE2's:
        the guard's scan in the parse thread) finds no memory for it."""
        try:
            self.proc.wait(5)
            size = self.stderr.seek(0, os.SEEK_END)
            self.stderr.seek(max(0, size - 8192))
            tail = self.stderr.read()
        except (OSError, ValueError, subprocess.TimeoutExpired):
            return False
        return any(words in tail for words in (b"memory allocation of", b"MemoryError",
                                                b"cannot allocate memory for thread-local data"))

    def close(self, *, kill: bool = False) -> None:
        self.healthy = False
        if kill:
            with contextlib.suppress(OSError):
                self.proc.kill()
        else:
            with contextlib.suppress(OSError, ValueError):
                self.proc.stdin.close()  # type: ignore[union-attr]
        try:
            self.proc.wait(5 if not kill else 10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(OSError):
                self.proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(5)
        self.reader.join(5)
        with contextlib.suppress(OSError):
            self.stderr.close()


_idle: list[_Child] = []
_idle_lock = threading.Lock()


def _take(memory_mb: int, request: Request) -> _Child:
    """An idle child, else a new one; ``request`` is sent to it unless it was sent ahead already."""
    with _idle_lock:
        while _idle:
            child = _idle.pop()
            if child.usable(memory_mb) and child.sent in (None, request):
                if child.sent is None:
                    child.send(request)
                child.sent = None  # its answer is this caller's now
                return child
            # busy with another request sent ahead (its answer must not be read as ours), or stale
            threading.Thread(target=child.close, kwargs={"kill": child.sent is not None}, daemon=True).start()
    child = _Child(memory_mb)
    child.send(request)
    return child


def _give_back(child: _Child) -> None:
    with _idle_lock:
        if child.usable(child.memory_mb) and len(_idle) < _MAX_IDLE:
            _idle.append(child)
            return
    child.close()


def prestart(memory_mb: int = 4096, paths: Sequence[str | Path] = ()) -> None:
    """Start the reader's child now, so its start-up (Python, pyarrow: ~0.2 s) runs while this process
    imports the rest (``cli.py`` before its metrics); ``load_files`` takes it up. With ``paths``, the
    child starts reading them at once, as ``load_files(paths)`` with its defaults will ask (no mappings,
    ``PROCESS_SECRET``): their frames wait in the pipe until it does; a ``load_files`` asking for
    anything else gets another child. Nothing when the reader runs in process or an idle child is
    already there."""
    if settings.from_env().ledgers_in_process:
        return
    with _idle_lock:
        if any(child.usable(memory_mb) for child in _idle) or len(_idle) >= _MAX_IDLE:
            return
        child = _Child(memory_mb)
        if paths:
            child.sent = ([path_job(p) for p in paths], None, PROCESS_SECRET)
            child.send(child.sent)
        _idle.append(child)


def shutdown() -> None:
    """Close the idle children (they exit on end of input) and wait for them."""
    with _idle_lock:
        children, _idle[:] = list(_idle), []
    for child in children:
        child.close()


@atexit.register
def let_go() -> None:
    """End the idle children's input and leave them to exit on their own (an idle child is waiting for a
    request; it exits at end of input without tearing down its heap). At interpreter exit, so a short
    ``cli.py`` does not wait for a child's clean-up; and by a caller that reads no more (``cli.py``
    after its files: the child's heap is gone before the metrics build theirs)."""
    with _idle_lock:
        children, _idle[:] = list(_idle), []
    for child in children:
        with contextlib.suppress(OSError, ValueError):
            child.proc.stdin.close()  # type: ignore[union-attr]


def run_jobs(jobs: list[Job], mappings: Mappings | None, secret: bytes, *,
             timeout: float = 120.0, memory_mb: int = 4096) -> list[FileResult]:
    """Results in job order; ``timeout`` applies to each file. Waits for a free slot first (``SLOTS``)."""
    with SLOTS.slot():
        return _run_jobs(jobs, mappings, secret, timeout=timeout, memory_mb=memory_mb)


def _run_jobs(jobs: list[Job], mappings: Mappings | None, secret: bytes, *,
              timeout: float, memory_mb: int) -> list[FileResult]:
    from ledgers import ipc

    results: dict[int, FileResult] = {}
    pending = list(range(len(jobs)))
    while pending:
        batch = list(pending)
        child = _take(memory_mb, ([jobs[i] for i in batch], mappings, secret))
        current: int | None = None
        failure: str | None = None
        frames: list[tuple[str, str, Any]] = []  # (sheet, ledger key, frame) as they arrive
        deadline = time.monotonic() + timeout + 10  # start-up (imports) is not the file's fault
        while True:
            try:
                msg = child.inbox.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                failure = "parse_timeout"
                break
            if msg[0] == "ready":
                child.ready = True
            elif msg[0] == "start":
                current = batch[msg[1]]
                frames = []
                deadline = time.monotonic() + timeout
            elif msg[0] == "frame":
                packed = ipc.unpack(msg[3])
                frames.append((packed.sheet, msg[2], packed.frame()))  # built here while the child reads on
            elif msg[0] == "done":
                result = msg[2]
                if not result.failed:
                    # sheets arrive in the order they were read (biggest first); the result's sheets are
                    # in the workbook's, which is the order a ledger's rows from several sheets keep
                    place = {report.sheet: k for k, report in enumerate(result.sheets)}
                    frames.sort(key=lambda sent: place.get(sent[0], len(place)))
                    result.frames = [(key, frame) for _, key, frame in frames] + result.frames
                results[batch[msg[1]]] = result
                pending.remove(batch[msg[1]])
                current = None
                if any(p.code == "out_of_memory" for p in result.problems):
                    child.healthy = False  # near its cap: the next request gets a fresh child
            elif msg[0] == "end":
                break
            else:
                failure = "parse_crashed"
                break
        if failure:
            if failure == "parse_crashed" and child.ran_out_of_memory():
                failure = "out_of_memory"
            child.close(kill=True)
            culprit = current if current is not None else (pending[0] if pending else None)
            if culprit is not None and culprit in pending:
                params = ({"seconds": int(timeout)} if failure == "parse_timeout"
                          else {"limit": memory_mb} if failure == "out_of_memory" else {})
                results[culprit] = _failed(jobs[culprit][0], failure, **params)
                pending.remove(culprit)
        else:
            _give_back(child)
    return [results[i] for i in range(len(jobs))]


if __name__ == "__main__":
    _child()
