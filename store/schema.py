"""The database's tables, once, as SQLAlchemy Core ``Table``s: the same schema on SQLite and PostgreSQL.

Every table a community owns carries ``community_id`` (``COMMUNITY_TABLES``); its keys include it, and
every store query filters on it (PostgreSQL's row-level security checks it again, see
``store/migrations``). Times are ISO-8601 text in Asia/Shanghai, as they always were; flags are 0/1
integers. A change here comes with a new Alembic revision in ``store/migrations/versions``.
"""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
)

# Named constraints: Alembic can then alter them by name on both databases.
metadata = MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})

# sqlite_autoincrement: ids are never reused, so a deleted snapshot's id never names another one


def _community() -> Column[int]:
    return Column("community_id", Integer, ForeignKey("communities.id"), nullable=False)


communities = Table(
    "communities", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False, unique=True),
    Column("street", Text),
    Column("households", Integer),
    Column("created_at", Text),
    sqlite_autoincrement=True,
)

snapshots = Table(
    "snapshots", metadata,
    Column("id", Integer, primary_key=True),
    _community(),
    Column("created_at", Text, nullable=False),
    Column("label", Text),
    Column("files_digest", Text, nullable=False),  # SHA-256 over the sorted file SHA-256s
    Column("data_digest", Text, nullable=False),  # SHA-256 over the stored frames
    Column("report_json", Text, nullable=False),
    Column("rows_json", Text, nullable=False),
    Column("problems", Integer, nullable=False),
    Column("remasked", Integer, nullable=False, server_default="0"),
    Column("kind", Text, nullable=False, server_default="upload"),  # store.models.SnapshotKind
    Index(None, "community_id", "files_digest"),
    sqlite_autoincrement=True,
)

snapshot_files = Table(
    "snapshot_files", metadata,
    Column("snapshot_id", Integer, ForeignKey("snapshots.id", ondelete="CASCADE"), nullable=False),
    _community(),
    Column("position", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("sha256", Text, nullable=False),
    Column("size", Integer, nullable=False),
    PrimaryKeyConstraint("snapshot_id", "position"),
)

# the ledger book: every kept version of every ledger, the current one per ledger, what happened
ledger_versions = Table(
    "ledger_versions", metadata,
    Column("id", Integer, primary_key=True),
    _community(),
    Column("ledger", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("data_digest", Text, nullable=False),  # SHA-256 of the encoded frame: the same rows are one version
    Column("format", Text, nullable=False),
    Column("rows", Integer, nullable=False),
    Column("files_json", Text, nullable=False),  # [[name, sha256, size], ...] of the files it was read from
    Column("report_json", Text, nullable=False),  # this ledger's part of the import report
    Column("first_date", Text),
    Column("last_date", Text),
    Column("data", LargeBinary, nullable=False),
    Index(None, "community_id", "ledger", "data_digest"),
    sqlite_autoincrement=True,
)

book = Table(
    "book", metadata,
    _community(),
    Column("ledger", Text, nullable=False),
    Column("version_id", Integer, ForeignKey("ledger_versions.id"), nullable=False),
    Column("accepted_at", Text, nullable=False),
    Column("accepted_by", Text),
    PrimaryKeyConstraint("community_id", "ledger"),
)

book_log = Table(
    "book_log", metadata,
    Column("id", Integer, primary_key=True),
    _community(),
    Column("at", Text, nullable=False),
    Column("by", Text),
    Column("action", Text, nullable=False),
    Column("ledger", Text, nullable=False),
    Column("version_id", Integer, ForeignKey("ledger_versions.id"), nullable=False),
    Column("previous_id", Integer, ForeignKey("ledger_versions.id")),
    CheckConstraint("action IN ('accept', 'rollback', 'migrate')", name="action"),
    Index(None, "community_id", "ledger"),
    sqlite_autoincrement=True,
)

# a snapshot is a freeze of ledger versions (an old upload, or the book at a meeting): no row copies
snapshot_ledgers = Table(
    "snapshot_ledgers", metadata,
    Column("snapshot_id", Integer, ForeignKey("snapshots.id", ondelete="CASCADE"), nullable=False),
    _community(),
    Column("ledger", Text, nullable=False),
    Column("position", Integer, nullable=False),
    Column("version_id", Integer, ForeignKey("ledger_versions.id"), nullable=False),
    PrimaryKeyConstraint("snapshot_id", "ledger"),
)

targets = Table(
    "targets", metadata,
    _community(),
    Column("metric_id", Text, nullable=False),
    Column("value", Float),
    Column("enabled", Integer, nullable=False),
    Column("updated_at", Text, nullable=False),
    CheckConstraint("enabled IN (0, 1)", name="enabled"),
    PrimaryKeyConstraint("community_id", "metric_id"),
)

mappings = Table(
    "mappings", metadata,
    _community(),
    Column("signature", Text, nullable=False),
    Column("ledger", Text, nullable=False),
    Column("columns_json", Text, nullable=False),
    Column("updated_at", Text, nullable=False),
    PrimaryKeyConstraint("community_id", "signature"),
)

action_items = Table(
    "action_items", metadata,
    Column("id", Integer, primary_key=True),
    _community(),
    Column("metric_id", Text, nullable=False),
    Column("what", Text, nullable=False),
    Column("who", Text, nullable=False),
    Column("due", Text, nullable=False),
    Column("meeting_date", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("done_at", Text),
    CheckConstraint("status IN ('open', 'done')", name="status"),
    Index(None, "community_id", "metric_id"),
    sqlite_autoincrement=True,
)

check_ins = Table(
    "check_ins", metadata,
    Column("id", Integer, primary_key=True),
    _community(),
    Column("metric_id", Text, nullable=False),
    Column("meeting_date", Text, nullable=False),
    Column("note", Text, nullable=False),
    Column("owner", Text, nullable=False, server_default=""),
    Column("status", Text, nullable=False, server_default=""),  # the metric's status at that meeting
    Column("created_at", Text, nullable=False),
    UniqueConstraint("community_id", "metric_id", "meeting_date"),
    sqlite_autoincrement=True,
)

target_log = Table(
    "target_log", metadata,
    Column("id", Integer, primary_key=True),
    _community(),
    Column("metric_id", Text, nullable=False),
    Column("at", Text, nullable=False),
    Column("old_value", Float),
    Column("new_value", Float),
    Column("old_enabled", Integer),
    Column("new_enabled", Integer),
    Column("reason", Text, nullable=False, server_default=""),
    sqlite_autoincrement=True,
)

# hub mode (issue #15): logins, materialised results, street-wide targets, imported report packages
users = Table(
    "users", metadata,
    Column("id", Integer, primary_key=True),
    Column("username", Text, nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),
    Column("role", Text, nullable=False),  # store.users.Role
    Column("community_id", Integer, ForeignKey("communities.id")),  # NULL only for the street admin
    Column("created_at", Text),
    Column("disabled", Integer, nullable=False, server_default="0"),
    sqlite_autoincrement=True,
)

results = Table(
    "results", metadata,
    _community(),
    Column("metric_id", Text, nullable=False),
    Column("value", Float),
    Column("status", Text),
    Column("target", Float),
    Column("as_of", Text),
    Column("book_digest", Text),
    Column("computed_at", Text),
    PrimaryKeyConstraint("community_id", "metric_id"),
)

street_targets = Table(
    "street_targets", metadata,
    Column("metric_id", Text, primary_key=True),
    Column("target", Float, nullable=False),
    Column("set_at", Text),
    Column("set_by", Text),
)

packages = Table(
    "packages", metadata,
    Column("id", Integer, primary_key=True),
    _community(),
    Column("imported_at", Text),
    Column("package_sha256", Text),
    Column("summary_json", Text),
    Column("pdf", LargeBinary),
    sqlite_autoincrement=True,
)

# The tables one community owns: scoped in code, and by row-level security on PostgreSQL.
COMMUNITY_TABLES: tuple[Table, ...] = (
    snapshots, snapshot_files, ledger_versions, book, book_log, snapshot_ledgers, targets, mappings,
    action_items, check_ins, target_log, results, packages,
)
# The tables of the schema-2 SQLite file (before communities), in an order that copies safely.
LEGACY_TABLES: tuple[Table, ...] = (
    snapshots, snapshot_files, ledger_versions, book, book_log, snapshot_ledgers, targets, mappings,
    action_items, check_ins, target_log,
)
