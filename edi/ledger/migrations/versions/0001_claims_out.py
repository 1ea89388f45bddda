"""Claims out: accounts, coverages, encounters, claims and lines, submissions, status events, scrub findings,
control-number counters, provider enrollment and code tables (NCCI PTP, MUE, add-on), with the append-only rule
enforced by triggers.

Revision ID: 0001
Revises:
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from edi.ledger._types import ScaledDecimal, UtcDateTime

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.INTEGER(), "sqlite")   # SQLite auto-numbers only INTEGER PRIMARY KEY
MUTABLE = {"control_counters"}   # next_value moves forward; every other table is append-only


def upgrade() -> None:
    op.create_table('control_counters',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('counter', sa.String(length=20), nullable=False),
    sa.Column('sender', sa.String(length=40), nullable=False),
    sa.Column('receiver', sa.String(length=40), nullable=False),
    sa.Column('next_value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_control_counters')),
    sa.UniqueConstraint('counter', 'sender', 'receiver', name=op.f('uq_control_counters_counter_sender_receiver'))
    )
    op.create_table('runs',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('edi_version', sa.String(length=40), nullable=False),
    sa.Column('started_at', UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_runs'))
    )
    op.create_table('sources',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=True),
    sa.Column('recorded_at', UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sources')),
    sa.UniqueConstraint('sha256', name=op.f('uq_sources_sha256'))
    )
    op.create_table('accounts',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('account_key', sa.String(length=80), nullable=False),
    sa.Column('last_name', sa.String(length=60), nullable=False),
    sa.Column('first_name', sa.String(length=35), nullable=True),
    sa.Column('middle_name', sa.String(length=25), nullable=True),
    sa.Column('name_suffix', sa.String(length=10), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('sex', sa.String(length=1), nullable=True),
    sa.Column('address_line_1', sa.String(length=55), nullable=True),
    sa.Column('address_line_2', sa.String(length=55), nullable=True),
    sa.Column('city', sa.String(length=30), nullable=True),
    sa.Column('state', sa.String(length=2), nullable=True),
    sa.Column('postal_code', sa.String(length=15), nullable=True),
    sa.Column('country', sa.String(length=3), nullable=True),
    sa.Column('run_id', ID, nullable=True),
    sa.Column('recorded_at', UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_accounts_run_id')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accounts')),
    sa.UniqueConstraint('account_key', name=op.f('uq_accounts_account_key'))
    )
    op.create_table('control_number_reservations',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('counter_id', ID, nullable=False),
    sa.Column('first_value', sa.BigInteger(), nullable=False),
    sa.Column('last_value', sa.BigInteger(), nullable=False),
    sa.Column('run_id', ID, nullable=True),
    sa.Column('recorded_at', UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['counter_id'], ['control_counters.id'], name=op.f('fk_control_number_reservations_counter_id')),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_control_number_reservations_run_id')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_control_number_reservations'))
    )
    op.create_index(op.f('ix_control_number_reservations_counter_id'), 'control_number_reservations', ['counter_id'], unique=False)
    op.create_table('reference_loads',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('quarter', sa.String(length=6), nullable=True),
    sa.Column('source_id', ID, nullable=False),
    sa.Column('run_id', ID, nullable=True),
    sa.Column('recorded_at', UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_reference_loads_run_id')),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_reference_loads_source_id')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reference_loads')),
    sa.UniqueConstraint('kind', 'source_id', name=op.f('uq_reference_loads_kind_source_id'))
    )
    op.create_table('submissions',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('source_id', ID, nullable=False),
    sa.Column('file_name', sa.String(length=500), nullable=False),
    sa.Column('receiver_name', sa.String(length=80), nullable=False),
    sa.Column('sender_qualifier', sa.String(length=2), nullable=False),
    sa.Column('sender_id', sa.String(length=15), nullable=False),
    sa.Column('receiver_qualifier', sa.String(length=2), nullable=False),
    sa.Column('receiver_id', sa.String(length=15), nullable=False),
    sa.Column('interchange_control_number', sa.String(length=9), nullable=False),
    sa.Column('usage_indicator', sa.String(length=1), nullable=False),
    sa.Column('submitted_at', UtcDateTime(), nullable=False),
    sa.Column('run_id', ID, nullable=True),
    sa.Column('recorded_at', UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_submissions_run_id')),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_submissions_source_id')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submissions')),
    sa.UniqueConstraint('sender_qualifier', 'sender_id', 'receiver_qualifier', 'receiver_id', 'interchange_control_number', name='uq_submissions_interchange')
    )
    op.create_table('addon_codes',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('load_id', ID, nullable=False),
    sa.Column('addon_code', sa.String(length=5), nullable=False),
    sa.Column('primary_code', sa.String(length=5), nullable=True),
    sa.Column('edit_type', sa.SmallInteger(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('deleted_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['load_id'], ['reference_loads.id'], name=op.f('fk_addon_codes_load_id')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_addon_codes'))
    )
    op.create_index(op.f('ix_addon_codes_addon_code'), 'addon_codes', ['addon_code'], unique=False)
    op.create_table('coverages',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('coverage_key', sa.String(length=64), nullable=False),
    sa.Column('patient_account_id', ID, nullable=False),
    sa.Column('subscriber_account_id', ID, nullable=False),
    sa.Column('relationship', sa.String(length=2), nullable=False),
    sa.Column('payer_id', sa.String(length=80), nullable=False),
    sa.Column('payer_name', sa.String(length=60), nullable=False),
    sa.Column('member_id', sa.String(length=80), nullable=False),
    sa.Column('group_number', sa.String(length=50), nullable=True),
    sa.Column('filing_indicator', sa.String(length=2), nullable=True),
    sa.Column('effective_from', sa.Date(), nullable=True),
    sa.Column('effective_to', sa.Date(), nullable=True),
    sa.Column('run_id', ID, nullable=True),
    sa.Column('recorded_at', UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['patient_account_id'], ['accounts.id'], name=op.f('fk_coverages_patient_account_id')),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_coverages_run_id')),
    sa.ForeignKeyConstraint(['subscriber_account_id'], ['accounts.id'], name=op.f('fk_coverages_subscriber_account_id')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coverages')),
    sa.UniqueConstraint('coverage_key', name=op.f('uq_coverages_coverage_key'))
    )
    op.create_index(op.f('ix_coverages_patient_account_id'), 'coverages', ['patient_account_id'], unique=False)
    op.create_index(op.f('ix_coverages_payer_id'), 'coverages', ['payer_id'], unique=False)
    op.create_table('encounters',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('encounter_key', sa.String(length=80), nullable=False),
    sa.Column('claim_type', sa.String(length=13), nullable=False),
    sa.Column('patient_account_id', ID, nullable=False),
    sa.Column('guarantor_account_id', ID, nullable=True),
    sa.Column('service_from', sa.Date(), nullable=False),
    sa.Column('service_to', sa.Date(), nullable=False),
    sa.Column('facility_code', sa.String(length=4), nullable=True),
    sa.Column('billing_npi', sa.String(length=10), nullable=False),
    sa.Column('rendering_npi', sa.String(length=10), nullable=True),
    sa.Column('document', sa.Text(), nullable=True),
    sa.Column('source_id', ID, nullable=True),
    sa.Column('source_ref', sa.String(length=200), nullable=True),
    sa.Column('run_id', ID, nullable=True),
    sa.Column('recorded_at', UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['guarantor_account_id'], ['accounts.id'],
                            name=op.f('fk_encounters_guarantor_account_id')),
    sa.ForeignKeyConstraint(['patient_account_id'], ['accounts.id'], name=op.f('fk_encounters_patient_account_id')),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_encounters_run_id')),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_encounters_source_id')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_encounters')),
    sa.UniqueConstraint('fingerprint', name=op.f('uq_encounters_fingerprint'))
    )
    op.create_index(op.f('ix_encounters_encounter_key'), 'encounters', ['encounter_key'], unique=False)
    op.create_index(op.f('ix_encounters_patient_account_id'), 'encounters', ['patient_account_id'], unique=False)
    op.create_table('mue',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('load_id', ID, nullable=False),
    sa.Column('setting', sa.String(length=12), nullable=False),
    sa.Column('code', sa.String(length=5), nullable=False),
    sa.Column('max_units', sa.Integer(), nullable=False),
    sa.Column('adjudication_indicator', sa.SmallInteger(), nullable=False),
    sa.Column('rationale', sa.String(length=200), nullable=True),
    sa.Column('effective_from', sa.Date(), nullable=True),
    sa.Column('deleted_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['load_id'], ['reference_loads.id'], name=op.f('fk_mue_load_id')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mue'))
    )
    op.create_index(op.f('ix_mue_code'), 'mue', ['code'], unique=False)
    op.create_table('ncci_ptp',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('load_id', ID, nullable=False),
    sa.Column('setting', sa.String(length=12), nullable=False),
    sa.Column('column_1', sa.String(length=5), nullable=False),
    sa.Column('column_2', sa.String(length=5), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('deleted_on', sa.Date(), nullable=True),
    sa.Column('modifier_indicator', sa.String(length=1), nullable=False),
    sa.Column('rationale', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['load_id'], ['reference_loads.id'], name=op.f('fk_ncci_ptp_load_id')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ncci_ptp'))
    )
    op.create_index(op.f('ix_ncci_ptp_column_1_column_2'), 'ncci_ptp', ['column_1', 'column_2'], unique=False)
    op.create_table('provider_enrollments',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('load_id', ID, nullable=False),
    sa.Column('npi', sa.String(length=10), nullable=False),
    sa.Column('payer_id', sa.String(length=80), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('effective_to', sa.Date(), nullable=True),
    sa.Column('tax_id', sa.String(length=9), nullable=True),
    sa.Column('name', sa.String(length=60), nullable=True),
    sa.ForeignKeyConstraint(['load_id'], ['reference_loads.id'], name=op.f('fk_provider_enrollments_load_id')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provider_enrollments'))
    )
    op.create_index(op.f('ix_provider_enrollments_npi_payer_id'), 'provider_enrollments', ['npi', 'payer_id'], unique=False)
    op.create_index(op.f('ix_provider_enrollments_payer_id_load_id'), 'provider_enrollments', ['payer_id', 'load_id'], unique=False)
    op.create_table('claims',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('claim_key', sa.String(length=64), nullable=False),
    sa.Column('encounter_id', ID, nullable=False),
    sa.Column('coverage_id', ID, nullable=True),
    sa.Column('payer_order', sa.SmallInteger(), nullable=False),
    sa.Column('payer_id', sa.String(length=80), nullable=False),
    sa.Column('patient_control_number', sa.String(length=38), nullable=False),
    sa.Column('frequency_code', sa.String(length=1), nullable=False),
    sa.Column('original_claim_number', sa.String(length=50), nullable=True),
    sa.Column('total_charge', ScaledDecimal(precision=14, scale=2), nullable=False),
    sa.Column('billing_npi', sa.String(length=10), nullable=False),
    sa.Column('rendering_npi', sa.String(length=10), nullable=True),
    sa.Column('service_from', sa.Date(), nullable=False),
    sa.Column('service_to', sa.Date(), nullable=False),
    sa.Column('run_id', ID, nullable=True),
    sa.Column('recorded_at', UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['coverage_id'], ['coverages.id'], name=op.f('fk_claims_coverage_id')),
    sa.ForeignKeyConstraint(['encounter_id'], ['encounters.id'], name=op.f('fk_claims_encounter_id')),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_claims_run_id')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claims')),
    sa.UniqueConstraint('claim_key', name=op.f('uq_claims_claim_key'))
    )
    op.create_index(op.f('ix_claims_encounter_id'), 'claims', ['encounter_id'], unique=False)
    op.create_index(op.f('ix_claims_patient_control_number'), 'claims', ['patient_control_number'], unique=False)
    op.create_table('claim_lines',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('claim_id', ID, nullable=False),
    sa.Column('line_number', sa.SmallInteger(), nullable=False),
    sa.Column('line_control_number', sa.String(length=50), nullable=False),
    sa.Column('procedure_code', sa.String(length=48), nullable=True),
    sa.Column('modifier_1', sa.String(length=2), nullable=True),
    sa.Column('modifier_2', sa.String(length=2), nullable=True),
    sa.Column('modifier_3', sa.String(length=2), nullable=True),
    sa.Column('modifier_4', sa.String(length=2), nullable=True),
    sa.Column('revenue_code', sa.String(length=4), nullable=True),
    sa.Column('units', ScaledDecimal(precision=15, scale=3), nullable=False),
    sa.Column('unit_basis', sa.String(length=2), nullable=False),
    sa.Column('charge', ScaledDecimal(precision=14, scale=2), nullable=False),
    sa.Column('service_from', sa.Date(), nullable=False),
    sa.Column('service_to', sa.Date(), nullable=False),
    sa.Column('provider_npi', sa.String(length=10), nullable=False),
    sa.Column('diagnosis_pointers', sa.String(length=12), nullable=True),
    sa.Column('ndc', sa.String(length=11), nullable=True),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_claim_lines_claim_id')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_lines')),
    sa.UniqueConstraint('claim_id', 'line_number', name=op.f('uq_claim_lines_claim_id_line_number'))
    )
    op.create_index(op.f('ix_claim_lines_line_control_number'), 'claim_lines', ['line_control_number'], unique=False)
    op.create_index(op.f('ix_claim_lines_procedure_code_service_from'), 'claim_lines', ['procedure_code', 'service_from'], unique=False)
    op.create_table('claim_status_events',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('event_key', sa.String(length=200), nullable=False),
    sa.Column('claim_id', ID, nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('occurred_at', UtcDateTime(), nullable=False),
    sa.Column('reason_code', sa.String(length=30), nullable=True),
    sa.Column('reason', sa.String(length=1000), nullable=True),
    sa.Column('source_id', ID, nullable=True),
    sa.Column('source_ref', sa.String(length=200), nullable=True),
    sa.Column('run_id', ID, nullable=True),
    sa.Column('recorded_at', UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_claim_status_events_claim_id')),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_claim_status_events_run_id')),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_claim_status_events_source_id')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_status_events')),
    sa.UniqueConstraint('event_key', name=op.f('uq_claim_status_events_event_key'))
    )
    op.create_index(op.f('ix_claim_status_events_claim_id'), 'claim_status_events', ['claim_id'], unique=False)
    op.create_table('scrub_findings',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('run_id', ID, nullable=False),
    sa.Column('encounter_id', ID, nullable=False),
    sa.Column('claim_id', ID, nullable=True),
    sa.Column('line_number', sa.SmallInteger(), nullable=True),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('severity', sa.String(length=10), nullable=False),
    sa.Column('root_cause', sa.String(length=16), nullable=False),
    sa.Column('prevents', sa.String(length=20), nullable=True),
    sa.Column('field', sa.String(length=120), nullable=True),
    sa.Column('message', sa.String(length=1000), nullable=False),
    sa.Column('recorded_at', UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_scrub_findings_claim_id')),
    sa.ForeignKeyConstraint(['encounter_id'], ['encounters.id'], name=op.f('fk_scrub_findings_encounter_id')),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_scrub_findings_run_id')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scrub_findings'))
    )
    op.create_index(op.f('ix_scrub_findings_encounter_id'), 'scrub_findings', ['encounter_id'], unique=False)
    op.create_table('submission_claims',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('submission_id', ID, nullable=False),
    sa.Column('claim_id', ID, nullable=False),
    sa.Column('group_control_number', sa.String(length=9), nullable=False),
    sa.Column('transaction_control_number', sa.String(length=9), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_submission_claims_claim_id')),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_submission_claims_submission_id')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submission_claims')),
    sa.UniqueConstraint('submission_id', 'claim_id', name=op.f('uq_submission_claims_submission_id_claim_id'))
    )
    op.create_index(op.f('ix_submission_claims_claim_id'), 'submission_claims', ['claim_id'], unique=False)

    _append_only(["runs", "sources", "accounts", "coverages", "encounters", "claims", "claim_lines", "submissions",
                  "submission_claims", "claim_status_events", "scrub_findings", "control_number_reservations",
                  "reference_loads", "provider_enrollments", "ncci_ptp", "mue", "addon_codes"])


def _append_only(tables: list[str]) -> None:
    """Triggers that refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL) on the journal tables, and DELETE on
    the counters. A guard against mistakes in code and in hand-written SQL; against a hostile user with the
    table owner's rights, grant the application INSERT and SELECT only (docs/ledger.md)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION edi_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'edi ledger: % is append-only: % refused (record a new row instead)',
                    TG_TABLE_NAME, TG_OP USING ERRCODE = '55000';
            END $$""")
        for table in tables:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION edi_refuse_change()")
        for table in [*tables, *MUTABLE]:
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION edi_refuse_change()")
        for table in MUTABLE:
            op.execute(f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION edi_refuse_change()")
        return
    for table in tables:
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} BEGIN "
                       f"SELECT RAISE(ABORT, 'edi ledger: {table} is append-only: {verb} refused "
                       "(record a new row instead)'); END")
    for table in MUTABLE:
        op.execute(f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} BEGIN "
                   f"SELECT RAISE(ABORT, 'edi ledger: {table} is append-only: DELETE refused'); END")


def downgrade() -> None:
    op.drop_index(op.f('ix_submission_claims_claim_id'), table_name='submission_claims')
    op.drop_table('submission_claims')
    op.drop_index(op.f('ix_scrub_findings_encounter_id'), table_name='scrub_findings')
    op.drop_table('scrub_findings')
    op.drop_index(op.f('ix_claim_status_events_claim_id'), table_name='claim_status_events')
    op.drop_table('claim_status_events')
    op.drop_index(op.f('ix_claim_lines_procedure_code_service_from'), table_name='claim_lines')
    op.drop_index(op.f('ix_claim_lines_line_control_number'), table_name='claim_lines')
    op.drop_table('claim_lines')
    op.drop_index(op.f('ix_claims_patient_control_number'), table_name='claims')
    op.drop_index(op.f('ix_claims_encounter_id'), table_name='claims')
    op.drop_table('claims')
    op.drop_index(op.f('ix_provider_enrollments_payer_id_load_id'), table_name='provider_enrollments')
    op.drop_index(op.f('ix_provider_enrollments_npi_payer_id'), table_name='provider_enrollments')
    op.drop_table('provider_enrollments')
    op.drop_index(op.f('ix_ncci_ptp_column_1_column_2'), table_name='ncci_ptp')
    op.drop_table('ncci_ptp')
    op.drop_index(op.f('ix_mue_code'), table_name='mue')
    op.drop_table('mue')
    op.drop_index(op.f('ix_encounters_patient_account_id'), table_name='encounters')
    op.drop_index(op.f('ix_encounters_encounter_key'), table_name='encounters')
    op.drop_table('encounters')
    op.drop_index(op.f('ix_coverages_payer_id'), table_name='coverages')
    op.drop_index(op.f('ix_coverages_patient_account_id'), table_name='coverages')
    op.drop_table('coverages')
    op.drop_index(op.f('ix_addon_codes_addon_code'), table_name='addon_codes')
    op.drop_table('addon_codes')
    op.drop_table('submissions')
    op.drop_table('reference_loads')
    op.drop_index(op.f('ix_control_number_reservations_counter_id'), table_name='control_number_reservations')
    op.drop_table('control_number_reservations')
    op.drop_table('accounts')
    op.drop_table('sources')
    op.drop_table('runs')
    op.drop_table('control_counters')
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION edi_refuse_change()")
