"""ERA posting: ERAs (835 transaction sets, each posted once by payer + trace), the claim payments matched to
claims, the journal entries (postings) every dollar lands in, work items (denials by root cause and the exception
queue) and files posted whole; append-only like the rest (triggers).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from edi.ledger._types import ScaledDecimal, UtcDateTime

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.INTEGER(), "sqlite")
TABLES = ["eras", "claim_payments", "postings", "work_items", "posted_files"]


def _money() -> ScaledDecimal:
    return ScaledDecimal(14, 2)


def _id() -> sa.Column:
    return sa.Column('id', ID, autoincrement=True, nullable=False)


def _fk(name: str, table: str, nullable: bool) -> tuple[sa.Column, sa.ForeignKeyConstraint]:
    return (sa.Column(name, ID, nullable=nullable),
            sa.ForeignKeyConstraint([name], [f'{table}.id'], name=f'fk_{{}}_{name}'))


def _table(name: str, *items: object) -> None:
    parts = []
    for item in items:
        if isinstance(item, tuple):
            column, fk = item
            fk = sa.ForeignKeyConstraint(list(fk.column_keys), [e.target_fullname for e in fk.elements],
                                         name=fk.name.format(name))
            parts += [column, fk]
        else:
            parts.append(item)
    op.create_table(name, *parts, sa.PrimaryKeyConstraint('id', name=f'pk_{name}'))


def upgrade() -> None:
    _table('eras', _id(),
           sa.Column('era_key', sa.String(200), nullable=False),
           _fk('source_id', 'sources', False),
           sa.Column('source_ref', sa.String(200), nullable=True),
           sa.Column('payer_id', sa.String(80), nullable=False),
           sa.Column('payer_name', sa.String(60), nullable=True),
           sa.Column('trace_number', sa.String(50), nullable=False),
           sa.Column('payment_amount', _money(), nullable=False),
           sa.Column('credit_debit', sa.String(1), nullable=True),
           sa.Column('payment_method', sa.String(3), nullable=True),
           sa.Column('payment_date', sa.Date(), nullable=True),
           sa.Column('forced', sa.SmallInteger(), nullable=False),
           _fk('run_id', 'runs', True),
           sa.Column('recorded_at', UtcDateTime(), nullable=False),
           sa.UniqueConstraint('era_key', name='uq_eras_era_key'))
    _table('claim_payments', _id(),
           sa.Column('fingerprint', sa.String(64), nullable=False),
           _fk('era_id', 'eras', False),
           sa.Column('ordinal', sa.Integer(), nullable=False),
           _fk('claim_id', 'claims', True),
           sa.Column('match_method', sa.String(20), nullable=False),
           sa.Column('match_score', ScaledDecimal(15, 3), nullable=False),
           sa.Column('patient_control_number', sa.String(38), nullable=False),
           sa.Column('payer_claim_number', sa.String(50), nullable=True),
           sa.Column('status_code', sa.String(2), nullable=False),
           sa.Column('charge', _money(), nullable=False),
           sa.Column('paid', _money(), nullable=False),
           sa.Column('patient_responsibility', _money(), nullable=True),
           _fk('reverses_id', 'claim_payments', True),
           sa.Column('source_ref', sa.String(200), nullable=True),
           sa.UniqueConstraint('fingerprint', name='uq_claim_payments_fingerprint'))
    for column in ('era_id', 'claim_id', 'patient_control_number', 'payer_claim_number'):
        op.create_index(f'ix_claim_payments_{column}', 'claim_payments', [column], unique=False)
    _table('postings', _id(),
           _fk('era_id', 'eras', False),
           _fk('claim_payment_id', 'claim_payments', True),
           _fk('claim_id', 'claims', True),
           _fk('claim_line_id', 'claim_lines', True),
           sa.Column('line_ref', sa.SmallInteger(), nullable=True),
           sa.Column('line_match', sa.String(20), nullable=True),
           sa.Column('account', sa.String(12), nullable=False),
           sa.Column('kind', sa.String(20), nullable=False),
           sa.Column('group_code', sa.String(2), nullable=True),
           sa.Column('reason_code', sa.String(5), nullable=True),
           sa.Column('remarks', sa.String(200), nullable=True),
           sa.Column('amount', _money(), nullable=False),
           sa.Column('quantity', ScaledDecimal(15, 3), nullable=True),
           sa.Column('reference', sa.String(50), nullable=True),
           sa.Column('flagged', sa.SmallInteger(), nullable=False))
    for column in ('era_id', 'claim_payment_id', 'claim_id'):
        op.create_index(f'ix_postings_{column}', 'postings', [column], unique=False)
    _table('work_items', _id(),
           _fk('era_id', 'eras', False),
           _fk('claim_payment_id', 'claim_payments', True),
           _fk('claim_id', 'claims', True),
           sa.Column('line_ref', sa.SmallInteger(), nullable=True),
           sa.Column('queue', sa.String(10), nullable=False),
           sa.Column('root_cause', sa.String(16), nullable=False),
           sa.Column('action', sa.String(40), nullable=False),
           sa.Column('group_code', sa.String(2), nullable=True),
           sa.Column('reason_code', sa.String(5), nullable=True),
           sa.Column('remark_code', sa.String(10), nullable=True),
           sa.Column('amount', _money(), nullable=True),
           sa.Column('note', sa.String(500), nullable=True))
    for column in ('era_id', 'claim_payment_id', 'claim_id'):
        op.create_index(f'ix_work_items_{column}', 'work_items', [column], unique=False)
    _table('posted_files', _id(),
           _fk('source_id', 'sources', False),
           sa.Column('eras', sa.Integer(), nullable=False),
           _fk('run_id', 'runs', True),
           sa.Column('recorded_at', UtcDateTime(), nullable=False),
           sa.UniqueConstraint('source_id', name='uq_posted_files_source_id'))
    _append_only(TABLES)


def _append_only(tables: list[str]) -> None:
    """The journal rule of revision 0001 for the new tables (its function edi_refuse_change() on PostgreSQL)."""
    if op.get_bind().dialect.name == "postgresql":
        for table in tables:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION edi_refuse_change()")
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION edi_refuse_change()")
        return
    for table in tables:
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} BEGIN "
                       f"SELECT RAISE(ABORT, 'edi ledger: {table} is append-only: {verb} refused "
                       "(record a new row instead)'); END")


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
