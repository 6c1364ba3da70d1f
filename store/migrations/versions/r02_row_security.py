"""PostgreSQL only: row-level security on every table a community owns, the second wall behind the
store's own ``WHERE community_id = …``. A row is visible and writable only when its community is in
``app.community_ids``, which ``store.engine.scoped`` sets for one transaction. FORCE applies the
policies to the tables' owner too, so only a superuser or a BYPASSRLS role sees past them."""

from __future__ import annotations

from alembic import op

from store.schema import COMMUNITY_TABLES

revision = "r02_row_security"
down_revision = "r01_baseline"
branch_labels = None
depends_on = None

POLICY = ("community_id = ANY (string_to_array(nullif(current_setting('app.community_ids', true), ''), ',')"
          "::int[])")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in COMMUNITY_TABLES:
        op.execute(f"ALTER TABLE {table.name} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table.name} FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY community_only ON {table.name} USING ({POLICY}) WITH CHECK ({POLICY})")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in COMMUNITY_TABLES:
        op.execute(f"DROP POLICY community_only ON {table.name}")
        op.execute(f"ALTER TABLE {table.name} NO FORCE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table.name} DISABLE ROW LEVEL SECURITY")
