"""The one way this project opens its SQLite database and runs a write transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def connect(path: Path) -> Iterator[sqlite3.Connection]:
    # isolation_level=None: we issue BEGIN/COMMIT ourselves, so a transaction is exactly what
    # the code says, not what the sqlite3 module guesses.
    conn = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 30000")
        # FULL: a commit that returned is on disk even if the power goes right after.
        conn.execute("PRAGMA synchronous = FULL")
        # Deleted pages are zeroed, not left readable in the file.
        conn.execute("PRAGMA secure_delete = ON")
        yield conn
    finally:
        conn.close()


@contextmanager
def write(path: Path) -> Iterator[sqlite3.Connection]:
    """One write transaction. IMMEDIATE takes the write lock up front, so two writers queue
    instead of deadlocking on a read-then-write upgrade."""
    with connect(path) as conn:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
