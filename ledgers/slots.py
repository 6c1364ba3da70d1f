"""A first-come, first-served limit on heavy work at once (parser children, Chromium PDF renders).

Each caller takes a ticket and waits until the tickets before it were admitted and a slot is free;
``on_wait(position)`` hears its place in the queue (1 = next) whenever it changes, so a page can show
it. Work past the limit waits instead of multiplying memory.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator


class Slots:
    def __init__(self, limit: Callable[[], int]) -> None:
        self.limit = limit
        self.cond = threading.Condition()
        self.running = 0
        self.tickets = 0  # handed out in arrival order
        self.serving = 0  # the lowest ticket not yet admitted
        self.holders: set[int] = set()  # threads holding a slot now

    def waiting(self) -> int:
        with self.cond:
            return self.tickets - self.serving

    @contextlib.contextmanager
    def slot(self, on_wait: Callable[[int], object] | None = None) -> Iterator[None]:
        """Wait for a slot and hold it; a thread already holding one holds it on (re-entrant), so an
        outer step can queue a whole job whose inner step asks for the slot again."""
        me = threading.get_ident()
        if me in self.holders:
            yield
            return
        with self.cond:
            ticket = self.tickets
            self.tickets += 1
            told = None
            while ticket != self.serving or self.running >= max(1, self.limit()):
                place = ticket - self.serving + 1
                if on_wait is not None and place != told:
                    told = place
                    self.cond.release()  # the caller may draw on a page: not under the lock
                    try:
                        on_wait(place)
                    finally:
                        self.cond.acquire()
                    continue
                self.cond.wait(0.5)
            self.serving += 1
            self.running += 1
            self.holders.add(me)
            self.cond.notify_all()
        try:
            yield
        finally:
            with self.cond:
                self.holders.discard(me)
                self.running -= 1
                self.cond.notify_all()
