"""Bank deposits (``edi ledger deposits FILE.csv``): date, amount and trace of each deposit, keyed by those three so
loading a statement again adds nothing; append-only like the rest (triggers). Reconciled against ERAs by TRN02 and
BPR02 in ``edi ledger report``.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from edi.ledger._types import ScaledDecimal, UtcDateTime

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.INTEGER(), "sqlite")


def upgrade() -> None:
    op.create_table(
        'deposits',
        sa.Column('id', ID, autoincrement=True, nullable=False),
        sa.Column('deposit_key', sa.String(64), nullable=False),
        sa.Column('deposit_date', sa.Date(), nullable=False),
        sa.Column('amount', ScaledDecimal(14, 2), nullable=False),
        sa.Column('trace_number', sa.String(50), nullable=False),
        sa.Column('source_id', ID, nullable=False),
        sa.Column('source_ref', sa.String(200), nullable=True),
        sa.Column('run_id', ID, nullable=True),
        sa.Column('recorded_at', UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name='fk_deposits_source_id'),
        sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name='fk_deposits_run_id'),
        sa.PrimaryKeyConstraint('id', name='pk_deposits'),
        sa.UniqueConstraint('deposit_key', name='uq_deposits_deposit_key'))
    op.create_index('ix_deposits_trace_number', 'deposits', ['trace_number'], unique=False)
    if op.get_bind().dialect.name == "postgresql":   # the journal rule (revision 0001's edi_refuse_change())
        op.execute("CREATE TRIGGER deposits_append_only BEFORE UPDATE OR DELETE ON deposits "
                   "FOR EACH ROW EXECUTE FUNCTION edi_refuse_change()")
        op.execute("CREATE TRIGGER deposits_no_truncate BEFORE TRUNCATE ON deposits "
                   "FOR EACH STATEMENT EXECUTE FUNCTION edi_refuse_change()")
        return
    for verb in ("UPDATE", "DELETE"):
        op.execute(f"CREATE TRIGGER deposits_no_{verb.lower()} BEFORE {verb} ON deposits BEGIN "
                   f"SELECT RAISE(ABORT, 'edi ledger: deposits is append-only: {verb} refused "
                   "(record a new row instead)'); END")


def downgrade() -> None:
    op.drop_table('deposits')
