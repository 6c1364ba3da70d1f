"""The one way the store reaches its database: ``open_engine`` (SQLite in the data folder, or
PostgreSQL from ``DASHBOARD_DATABASE_URL``; the schema upgraded with Alembic on open) and ``scoped``
(one transaction, limited to some communities).

SQLite keeps what the store always did: WAL, ``synchronous=FULL``, ``secure_delete``, foreign keys,
a new connection per transaction (no pool: nothing is shared between threads) and ``BEGIN IMMEDIATE``
for a write, so two writers queue instead of deadlocking. On PostgreSQL each transaction sets
``app.community_ids`` with ``SET LOCAL`` semantics, which the row-level security policies read.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, event, make_url, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.pool import NullPool

from store import sqlite
from store.models import StoreError

log = logging.getLogger(__name__)

DB_NAME = "dashboard.sqlite3"
# SQLite's PRAGMA user_version: 1 snapshots held frames; 2 the ledger book; 3 communities (Alembic).
# Bump it with every new Alembic revision, so an older program refuses a newer file.
SCHEMA_VERSION = 3
HEAD = "r02_row_security"  # Alembic's head revision (tests check it is the scripts' head)
_WRITE = "store_write"  # execution option: this transaction writes (SQLite: BEGIN IMMEDIATE)
_MIGRATION_LOCK = 715_015  # pg_advisory_xact_lock key: two replicas starting at once migrate one at a time
_WRITE_LOCK = 715_016  # pg_advisory_xact_lock(this, community id): one community's writes queue, as on SQLite

_engines: dict[str, Engine] = {}
_upgraded: set[str] = set()
_lock = threading.Lock()


def sqlite_url(data_dir: Path) -> str:
    return f"sqlite:///{Path(data_dir) / DB_NAME}"


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def open_engine(url: str | None, data_dir: Path, *, owner_url: str | None = None) -> Engine:
    """The engine for ``url`` (None: ``data_dir/dashboard.sqlite3``), its schema at Alembic's head.

    ``owner_url`` (PostgreSQL): the role that owns the tables and runs the migrations, when the app's
    own role (``url``) may not. Engines are shared per URL within the process.
    """
    if url is None:
        Path(data_dir).mkdir(parents=True, exist_ok=True, mode=0o700)
        url = sqlite_url(Path(data_dir))
    engine = _engine(url)
    if is_postgres(engine):
        _upgrade_postgres(engine, owner_url)
    else:
        _upgrade_sqlite(engine)
    return engine


def _engine(url: str) -> Engine:
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _sqlite_engine(url) if make_url(url).get_backend_name() == "sqlite" else _pg_engine(url)
            _engines[url] = engine
        return engine


def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(url, poolclass=NullPool, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        # isolation_level=None: pysqlite emits no BEGIN of its own; the "begin" hook below does.
        dbapi_connection.isolation_level = None
        for pragma in (sqlite.FOREIGN_KEYS, *sqlite.SAFETY_PRAGMAS):
            dbapi_connection.execute(pragma)

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(_WRITE) else "BEGIN")

    return engine


def _pg_engine(url: str) -> Engine:
    # pre_ping: a pooled connection the server dropped is replaced before use, not failed on
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def _sqlite_path(engine: Engine) -> Path:
    return Path(str(engine.url.database))


def _upgrade_sqlite(engine: Engine) -> None:
    from store import legacy

    path = _sqlite_path(engine)
    try:
        # schema 1/2 files become schema 3 in place; a file at the head revision needs nothing more
        if legacy.prepare(path, SCHEMA_VERSION) != (SCHEMA_VERSION, HEAD):
            with engine.connect() as conn:
                conn.execution_options(**{_WRITE: True})
                with conn.begin():
                    _alembic_upgrade(conn)
                    conn.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except (sqlite3.DatabaseError, DBAPIError) as exc:
        if isinstance(exc, DBAPIError) and not isinstance(exc.orig, sqlite3.DatabaseError):
            raise
        raise StoreError("store.error.unreadable", path=str(path)) from exc
    with suppress(OSError):
        path.chmod(0o600)


def _upgrade_postgres(engine: Engine, owner_url: str | None) -> None:
    key = engine.url.render_as_string(hide_password=False)
    if key in _upgraded:
        return
    owner = create_engine(owner_url, poolclass=NullPool) if owner_url else engine
    try:
        with _unavailable(), owner.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
            _alembic_upgrade(conn)
            app_role = engine.url.username
            if owner_url and app_role and app_role != owner.url.username:
                _grant(conn, app_role)
        with _unavailable(), engine.connect() as conn:
            strong = conn.execute(text("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")
                                  ).scalar()
        if strong:
            log.warning("The dashboard connects to PostgreSQL as a role that bypasses row-level security: "
                        "the database no longer checks which community a query may see.")
    finally:
        if owner is not engine:
            owner.dispose()
    _upgraded.add(key)


def _grant(conn: Connection, role: str) -> None:
    """The app's role may read and write rows, never change the tables or their policies."""
    quoted = conn.dialect.identifier_preparer.quote(role)
    conn.exec_driver_sql(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}")
    conn.exec_driver_sql(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}")
    conn.exec_driver_sql(f"REVOKE ALL ON alembic_version FROM {quoted}")


def _alembic_upgrade(conn: Connection) -> None:
    """Alembic's upgrade to head on this connection, inside its open transaction (no alembic.ini)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, "head")


@contextmanager
def _unavailable() -> Iterator[None]:
    """A PostgreSQL server that cannot be reached, or went away mid-transaction, is one clear refusal
    (「数据库暂时无法连接」); the transaction it interrupted was never committed."""
    try:
        yield
    except (OperationalError, InterfaceError) as exc:
        if exc.connection_invalidated or _is_pg_error(exc):
            log.warning("database unavailable: %s", type(exc.orig).__name__)
            raise StoreError("store.error.db_unavailable") from exc
        raise


def _is_pg_error(exc: DBAPIError) -> bool:
    return type(exc.orig).__module__.startswith("psycopg")


@contextmanager
def scoped(engine: Engine, communities: Sequence[int] | None, *, write: bool) -> Iterator[Connection]:
    """One transaction for ``communities`` (None: every community, reading only).

    On PostgreSQL it sets ``app.community_ids`` for this transaction alone (``set_config(…, true)``
    is ``SET LOCAL``), so row-level security hides every other community's rows; on SQLite a write
    begins IMMEDIATE. The store's queries filter by community themselves as well: two walls.
    """
    if write and communities is None:
        raise ValueError("a write names its communities")
    with _unavailable(), engine.connect() as conn:
        if write:
            conn.execution_options(**{_WRITE: True})
        with conn.begin():
            if is_postgres(engine):
                _postgres_scope(conn, communities, write)
            yield conn


def _postgres_scope(conn: Connection, communities: Sequence[int] | None, write: bool) -> None:
    """Row-level security's list of communities for this transaction; for a write, also the
    community's write lock. SQLite's BEGIN IMMEDIATE makes a write's read-then-write (is this upload
    a duplicate? did the book move since the proposal? a meeting snapshot this month?) atomic; under
    PostgreSQL's READ COMMITTED two such writes would both pass their check, so one community's writes
    queue on an advisory lock instead (taken in id order: no deadlock), and other communities' don't wait."""
    ids = (sorted({int(i) for i in communities}) if communities is not None
           else list(conn.execute(text("SELECT id FROM communities ORDER BY id")).scalars()))
    conn.execute(text("SELECT set_config('app.community_ids', :ids, true)"), {"ids": ",".join(map(str, ids))})
    if write:
        for community_id in ids:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k, :c)"), {"k": _WRITE_LOCK, "c": community_id})


def upsert(conn: Connection, table: Table, values: Mapping[str, Any], keys: Sequence[str],
           update: Sequence[str] = ()) -> None:
    """INSERT, or on a clash of ``keys`` UPDATE the ``update`` columns (nothing when empty)."""
    dialect_insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite_dialect.insert
    stmt = dialect_insert(table).values(**values)
    if update:
        stmt = stmt.on_conflict_do_update(index_elements=list(keys),
                                          set_={c: stmt.excluded[c] for c in update})
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=list(keys))
    conn.execute(stmt)


def forget(url: str) -> None:
    """Close the pooled connections of ``url``'s engine and drop it from the cache (a test that is
    about to drop its database, or a URL that will not be used again)."""
    with _lock:
        engine = _engines.pop(url, None)
        if engine is not None:
            _upgraded.discard(engine.url.render_as_string(hide_password=False))
            engine.dispose()


def dispose_all() -> None:
    """Close every pooled connection (tests, and a process about to fork)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
        _upgraded.clear()
