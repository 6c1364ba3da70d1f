"""Alembic's environment, run only programmatically (``store.engine``): the caller hands over its
connection in ``config.attributes["connection"]`` inside its own transaction, so the upgrade lands
with whatever else that transaction does, or not at all. There is no alembic.ini."""

from __future__ import annotations

from alembic import context

from store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
