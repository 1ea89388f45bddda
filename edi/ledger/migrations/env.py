"""Alembic's entry point for the ledger's migrations: always run on a connection the ledger hands over (see
``edi.ledger._engine``), inside the transaction it opened, so a migration is all or nothing."""

from __future__ import annotations

from alembic import context

from edi.ledger._engine import VERSION_TABLE
from edi.ledger._schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("the ledger's migrations run through edi.ledger (edi ledger init), not the alembic command")
context.configure(connection=connection, target_metadata=metadata, version_table=VERSION_TABLE)
with context.begin_transaction():
    context.run_migrations()
