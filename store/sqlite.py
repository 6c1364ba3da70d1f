"""The one way this project opens its SQLite database and runs a write transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# What every connection to a database file runs first — the engine's, the raw ones below and the
# old-schema converter's (store/legacy.py, which leaves foreign keys off while it rebuilds tables).
FOREIGN_KEYS = "PRAGMA foreign_keys = ON"
SAFETY_PRAGMAS = (
    "PRAGMA busy_timeout = 30000",
    "PRAGMA synchronous = FULL",  # a commit that returned is on disk even if the power goes right after
    "PRAGMA secure_delete = ON",  # deleted pages are zeroed, not left readable in the file
)


def open_raw(path: Path) -> sqlite3.Connection:
    """A connection with the safety pragmas and no implicit transactions: isolation_level=None, so we
    issue BEGIN/COMMIT ourselves and a transaction is exactly what the code says."""
    conn = sqlite3.connect(path, timeout=30, isolation_level=None)
    for pragma in SAFETY_PRAGMAS:
        conn.execute(pragma)
    return conn


@contextmanager
def connect(path: Path) -> Iterator[sqlite3.Connection]:
    conn = open_raw(path)
    try:
        conn.execute(FOREIGN_KEYS)
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
