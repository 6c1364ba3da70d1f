"""A big workbook read by two processes: the reader's child and a fork of it, its partner.

One process parses a workbook's sheets one after another, and on a street's workbook the biggest
sheet (half of the XML) holds up every sheet after it. For a workbook of ``$LEDGERS_SPLIT_MB`` or more,
``reader.read_file`` asks ``Fork.start`` for a partner: the child forks after the guard's inspection,
the fork reads its share of the sheets (``reader._partner_sheets``), streams their frames back through
the child, which forwards them to the parent as they come, and sends last what its sheets added to
the report (a ``reader.BookPart``), which the child merges into its own.

The child's guarantees hold for the pair:
- the memory cap is shared, not doubled: each process gets half the room left under the child's cap,
  so the read of one file never holds more than one child could (and below ``MIN_ROOM`` there is no
  partner);
- the partner dies with the child (``PR_SET_PDEATHSIG``), so the parent's timeout, which kills the
  child, kills both;
- a partner that crashes takes the child with it: the parent reports the crash as it always has, from
  the stderr the two share (an allocation failure still reads as out of memory).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import resource
import signal
import threading
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from ledgers.reader import BookPart

MIN_ROOM = 1 << 30  # bytes of room under the cap below which one process reads alone
_CRASHED = 70  # the child's exit status when its partner crashed (EX_SOFTWARE)
# The partner yields the cores to the child: the child holds the biggest sheet, the longest chain of
# scan, parse and typing, and the partner's share has room to finish later (300k bench workbook, cli.py
# metrics, 6 alternating runs: 1.71 s mean at the same priority, 1.64 s with the partner at nice 5).
_NICE = 5


class Channel:
    """Where a reading process's messages go, one pickle at a time: the child's stdout, to the parent;
    in the partner, the pipe to the child. The lock keeps a frame forwarded from the partner from
    interleaving with one of the child's own."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.lock = threading.Lock()

    def send(self, msg: tuple[Any, ...]) -> None:
        with self.lock:
            pickle.dump(msg, self.out, protocol=pickle.HIGHEST_PROTOCOL)
            self.out.flush()


class Fork:
    """The child's ``reader.Share``: a partner forked from this process."""

    def __init__(self, channel: Channel) -> None:
        self.channel = channel

    def start(self, work: Callable[[], BookPart]) -> Partner | None:
        """``work`` run in a fork of this process; None (read alone) without room under the cap for
        two, or when the fork fails."""
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if soft != resource.RLIM_INFINITY:
            mapped = mapped_bytes()
            if soft - mapped < MIN_ROOM:
                return None
            resource.setrlimit(resource.RLIMIT_AS, (mapped + (soft - mapped) // 2, hard))  # both halves
        child = os.getpid()
        read_end, write_end = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
            return None
        if pid == 0:
            os.close(read_end)
            _serve(child, write_end, self.channel, work)
        os.close(write_end)
        return Partner(pid, os.fdopen(read_end, "rb"), self.channel, (soft, hard))


class Partner:
    """The child's side of a partner: a thread forwards the partner's frames to the parent as they
    come; ``part`` waits for the rest."""

    def __init__(self, pid: int, pipe: IO[bytes], channel: Channel, limit: tuple[int, int]) -> None:
        self.pid = pid
        self.pipe = pipe
        self.channel = channel
        self.limit = limit  # the child's own cap, back once the partner is done
        self.received: BookPart | None = None
        self.thread = threading.Thread(target=self._forward, name="partner", daemon=True)
        self.thread.start()

    def _forward(self) -> None:
        with contextlib.suppress(Exception):  # end of input: the partner is done, or gone
            while True:
                msg = pickle.load(self.pipe)
                if msg[0] == "part":
                    self.received = msg[1]
                    return
                self.channel.send(msg)

    def part(self) -> BookPart:
        """What the partner's sheets added; a partner that crashed ends this process too."""
        self.thread.join()
        self.pipe.close()
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        resource.setrlimit(resource.RLIMIT_AS, self.limit)
        if self.received is None:
            # calamine aborts the process when an allocation fails under the cap: the parent sees this
            # child end, and finds the partner's last words in the stderr they share
            with contextlib.suppress(Exception):
                self.channel.out.flush()
            os._exit(_CRASHED)
        return self.received


def _serve(child: int, write_end: int, channel: Channel, work: Callable[[], BookPart]) -> NoReturn:
    """The partner's life: its sheets read, their frames and then its part sent to the child."""
    code = 1
    try:
        _die_with(child)
        os.nice(_NICE)
        quiet = os.open(os.devnull, os.O_RDWR)
        os.dup2(quiet, 0)  # the parent's pipes are the child's: the parent must see their end when it ends
        os.dup2(quiet, 1)
        channel.out = os.fdopen(write_end, "wb")
        channel.lock = threading.Lock()
        channel.send(("part", work()))
        code = 0
    except BaseException:  # noqa: BLE001, S110 - the child sees the pipe end without a part: a crash
        pass
    finally:
        os._exit(code)  # never the child's atexit hooks, buffers or heap teardown


def _die_with(child: int) -> None:
    """Be killed when the child ends (the parent's timeout kills the child only)."""
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != child:  # the child was gone before the line above took effect
        os._exit(1)


def mapped_bytes() -> int:
    """Bytes of address space this process maps (what ``RLIMIT_AS`` counts)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * resource.getpagesize()
    except OSError:
        return 0
