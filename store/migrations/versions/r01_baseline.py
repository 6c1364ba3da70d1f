"""Baseline (schema 3): every table of store/schema.py as it was when communities arrived.

SQLite files of schema 1 and 2 do not run this: ``store.legacy`` converts them in place and stamps
them at this revision. When a later revision changes store/schema.py, copy the definitions this one
needs here first, so the baseline keeps meaning what it meant.
"""

from __future__ import annotations

from alembic import op

from store.schema import metadata

revision = "r01_baseline"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    metadata.create_all(op.get_bind())


def downgrade() -> None:
    metadata.drop_all(op.get_bind())
