"""The ledger's tables (SQLAlchemy Core). Alembic migrations under ``migrations/`` create them; a test checks that
the migrated database and these definitions agree, on SQLite and on PostgreSQL.

The journal rule: every table but ``control_counters`` is append-only — rows are inserted, never updated or
deleted (the first migration installs triggers that refuse both). What changes over time is a new row: a status
event, a new encounter version, a new roster or code-table load; current states are derived by queries. Every
row names where it came from (``source_id``: a file by its SHA-256, plus a place in it, or the ``run_id`` of the
command that wrote it), and rows that a replay could repeat carry a unique key, so recording the same thing
twice is a no-op.

Values, not segments: the ledger stores claim numbers, codes, amounts and dates that the mapping layer gives it;
it never sees X12.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy import BigInteger as _BigInteger
from sqlalchemy.dialects import sqlite

from edi.ledger._types import Money, Quantity, UtcDateTime

# SQLite makes only an INTEGER PRIMARY KEY an alias of its rowid (auto-numbered); BIGINT elsewhere.
BigInteger = _BigInteger().with_variant(sqlite.INTEGER(), "sqlite")

metadata = MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s",
    "pk": "pk_%(table_name)s",
})


def _id() -> Column[int]:
    return Column("id", BigInteger, primary_key=True, autoincrement=True)


def _ref(name: str, table: str, *, nullable: bool = False, index: bool = True) -> Column[int]:
    return Column(name, BigInteger, ForeignKey(f"{table}.id"), nullable=nullable, index=index)


def _recorded() -> Column[object]:
    return Column("recorded_at", UtcDateTime(), nullable=False)


# ---------------------------------------------------------------- provenance
runs = Table(
    "runs", metadata, _id(),
    Column("kind", String(40), nullable=False),          # "claims build", "codes load", "validate acks" …
    Column("edi_version", String(40), nullable=False),
    Column("started_at", UtcDateTime(), nullable=False),
)

sources = Table(
    "sources", metadata, _id(),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("name", String(500), nullable=False),         # the file's name as given (never its contents)
    Column("kind", String(40), nullable=False),          # "encounters", "837", "roster", "ncci-ptp" …
    Column("size", _BigInteger, nullable=True),
    _recorded(),
)

# ---------------------------------------------------------------- people and coverage
accounts = Table(
    "accounts", metadata, _id(),
    Column("account_key", String(80), nullable=False, unique=True),  # the practice's account / MRN, or derived
    Column("last_name", String(60), nullable=False),     # or an organization's name
    Column("first_name", String(35)),
    Column("middle_name", String(25)),
    Column("name_suffix", String(10)),
    Column("birth_date", Date),
    Column("sex", String(1)),
    Column("address_line_1", String(55)),
    Column("address_line_2", String(55)),
    Column("city", String(30)),
    Column("state", String(2)),
    Column("postal_code", String(15)),
    Column("country", String(3)),
    _ref("run_id", "runs", nullable=True, index=False),
    _recorded(),
)

coverages = Table(
    "coverages", metadata, _id(),
    Column("coverage_key", String(64), nullable=False, unique=True),   # SHA-256 of what identifies it
    _ref("patient_account_id", "accounts"),
    _ref("subscriber_account_id", "accounts", index=False),
    Column("relationship", String(2), nullable=False),  # patient to subscriber: 18 self, 01 spouse, 19 child …
    Column("payer_id", String(80), nullable=False, index=True),
    Column("payer_name", String(60), nullable=False),
    Column("member_id", String(80), nullable=False),
    Column("group_number", String(50)),
    Column("filing_indicator", String(2)),              # claim filing indicator: CI, MB, MC, BL …
    Column("effective_from", Date),
    Column("effective_to", Date),
    _ref("run_id", "runs", nullable=True, index=False),
    _recorded(),
)

# ---------------------------------------------------------------- encounters, claims, lines
encounters = Table(
    "encounters", metadata, _id(),
    Column("fingerprint", String(64), nullable=False, unique=True),   # SHA-256 of the values: a replay is a no-op
    Column("encounter_key", String(80), nullable=False, index=True),  # the coder's id; a corrected one is a new row
    Column("claim_type", String(13), nullable=False),                 # professional | institutional
    _ref("patient_account_id", "accounts"),
    _ref("guarantor_account_id", "accounts", nullable=True, index=False),   # who gets the statement
    Column("service_from", Date, nullable=False),
    Column("service_to", Date, nullable=False),
    Column("facility_code", String(4)),                 # place of service (professional) or type of bill
    Column("billing_npi", String(10), nullable=False),
    Column("rendering_npi", String(10)),
    Column("document", Text),                           # the encounter as given (JSON), to rebuild claims later
    _ref("source_id", "sources", nullable=True, index=False),
    Column("source_ref", String(200)),                  # where in the source: "line 12", "row 40", "CLM01 PCN1"
    _ref("run_id", "runs", nullable=True, index=False),
    _recorded(),
)

claims = Table(
    "claims", metadata, _id(),
    Column("claim_key", String(64), nullable=False, unique=True),     # SHA-256 of encounter + payer + claim values
    _ref("encounter_id", "encounters"),
    _ref("coverage_id", "coverages", nullable=True, index=False),
    Column("payer_order", SmallInteger, nullable=False),  # 1 primary, 2 secondary, 3 tertiary …
    Column("payer_id", String(80), nullable=False),
    Column("patient_control_number", String(38), nullable=False, index=True),   # CLM01
    Column("frequency_code", String(1), nullable=False),  # 1 original, 7 replacement, 8 void
    Column("original_claim_number", String(50)),        # the payer's number of the claim a 7/8 replaces
    Column("total_charge", Money(), nullable=False),
    Column("billing_npi", String(10), nullable=False),
    Column("rendering_npi", String(10)),
    Column("service_from", Date, nullable=False),
    Column("service_to", Date, nullable=False),
    _ref("run_id", "runs", nullable=True, index=False),
    _recorded(),
)

claim_lines = Table(
    "claim_lines", metadata, _id(),
    _ref("claim_id", "claims", index=False),
    Column("line_number", SmallInteger, nullable=False),
    Column("line_control_number", String(50), nullable=False, index=True),   # REF*6R, matched by the 835
    Column("procedure_code", String(48)),               # CPT/HCPCS; None on a revenue-code-only 837I line
    Column("modifier_1", String(2)),
    Column("modifier_2", String(2)),
    Column("modifier_3", String(2)),
    Column("modifier_4", String(2)),
    Column("revenue_code", String(4)),
    Column("units", Quantity(), nullable=False),
    Column("unit_basis", String(2), nullable=False),    # UN units, MJ minutes, DA days
    Column("charge", Money(), nullable=False),
    Column("service_from", Date, nullable=False),
    Column("service_to", Date, nullable=False),
    Column("provider_npi", String(10), nullable=False),  # who rendered it: line, else claim rendering, else billing
    Column("diagnosis_pointers", String(12)),           # "1,2"
    Column("ndc", String(11)),
    UniqueConstraint("claim_id", "line_number"),
    Index(None, "procedure_code", "service_from"),
)

# ---------------------------------------------------------------- what was sent, and what became of it
submissions = Table(
    "submissions", metadata, _id(),
    _ref("source_id", "sources", index=False),          # the file written, by its SHA-256
    Column("file_name", String(500), nullable=False),
    Column("receiver_name", String(80), nullable=False),
    Column("sender_qualifier", String(2), nullable=False),
    Column("sender_id", String(15), nullable=False),
    Column("receiver_qualifier", String(2), nullable=False),
    Column("receiver_id", String(15), nullable=False),
    Column("interchange_control_number", String(9), nullable=False),  # ISA13: once per sender–receiver, ever
    Column("usage_indicator", String(1), nullable=False),             # T test, P production
    Column("submitted_at", UtcDateTime(), nullable=False),
    _ref("run_id", "runs", nullable=True, index=False),
    _recorded(),
    UniqueConstraint("sender_qualifier", "sender_id", "receiver_qualifier", "receiver_id",
                     "interchange_control_number", name="uq_submissions_interchange"),
)

submission_claims = Table(
    "submission_claims", metadata, _id(),
    _ref("submission_id", "submissions", index=False),
    _ref("claim_id", "claims"),
    Column("group_control_number", String(9), nullable=False),        # GS06
    Column("transaction_control_number", String(9), nullable=False),  # ST02
    UniqueConstraint("submission_id", "claim_id"),
)

claim_status_events = Table(
    "claim_status_events", metadata, _id(),
    Column("event_key", String(200), nullable=False, unique=True),     # a replayed event is a no-op
    _ref("claim_id", "claims"),
    Column("status", String(20), nullable=False),       # ClaimStatus values
    Column("occurred_at", UtcDateTime(), nullable=False),
    Column("reason_code", String(30)),                  # e.g. 277CA STC01, CARC, 999 IK5
    Column("reason", String(1000)),
    _ref("source_id", "sources", nullable=True, index=False),
    Column("source_ref", String(200)),
    _ref("run_id", "runs", nullable=True, index=False),
    _recorded(),
)

scrub_findings = Table(
    "scrub_findings", metadata, _id(),
    _ref("run_id", "runs", index=False),
    _ref("encounter_id", "encounters"),
    _ref("claim_id", "claims", nullable=True, index=False),
    Column("line_number", SmallInteger),
    Column("code", String(60), nullable=False),         # the edit's stable code, e.g. coding.ncci.ptp
    Column("severity", String(10), nullable=False),     # error | warning
    Column("root_cause", String(16), nullable=False),   # coding | billing | credentialing | coverage
    Column("prevents", String(20)),                     # the denial it prevents, e.g. CO-236
    Column("field", String(120)),                       # the encounter field path
    Column("message", String(1000), nullable=False),
    _recorded(),
)

# ---------------------------------------------------------------- control numbers
control_counters = Table(   # the one table whose rows change: next_value moves forward under a row lock
    "control_counters", metadata, _id(),
    Column("counter", String(20), nullable=False),      # interchange (ISA13), group (GS06), transaction (ST02)
    Column("sender", String(40), nullable=False),
    Column("receiver", String(40), nullable=False),
    Column("next_value", _BigInteger, nullable=False),
    UniqueConstraint("counter", "sender", "receiver"),
)

control_number_reservations = Table(   # the journal of every block handed out
    "control_number_reservations", metadata, _id(),
    _ref("counter_id", "control_counters"),
    Column("first_value", _BigInteger, nullable=False),
    Column("last_value", _BigInteger, nullable=False),
    _ref("run_id", "runs", nullable=True, index=False),
    _recorded(),
)

# ---------------------------------------------------------------- reference data: roster and code tables
reference_loads = Table(
    "reference_loads", metadata, _id(),
    Column("kind", String(20), nullable=False),         # enrollment, ncci-ptp, mue, addon
    Column("quarter", String(6)),                       # "2025Q3" for CMS's quarterly files
    _ref("source_id", "sources", index=False),
    _ref("run_id", "runs", nullable=True, index=False),
    _recorded(),
    UniqueConstraint("kind", "source_id"),
)

provider_enrollments = Table(
    "provider_enrollments", metadata, _id(),
    _ref("load_id", "reference_loads", index=False),
    Column("npi", String(10), nullable=False),
    Column("payer_id", String(80), nullable=False),
    Column("effective_from", Date, nullable=False),
    Column("effective_to", Date),
    Column("tax_id", String(9)),
    Column("name", String(60)),
    Index(None, "payer_id", "load_id"),
    Index(None, "npi", "payer_id"),
)

ncci_ptp = Table(
    "ncci_ptp", metadata, _id(),
    _ref("load_id", "reference_loads", index=False),
    Column("setting", String(12), nullable=False),      # practitioner | hospital
    Column("column_1", String(5), nullable=False),
    Column("column_2", String(5), nullable=False),
    Column("effective_from", Date, nullable=False),
    Column("deleted_on", Date),
    Column("modifier_indicator", String(1), nullable=False),   # 0 never, 1 with an NCCI modifier, 9 n/a
    Column("rationale", String(200)),
    Index(None, "column_1", "column_2"),
)

mue = Table(
    "mue", metadata, _id(),
    _ref("load_id", "reference_loads", index=False),
    Column("setting", String(12), nullable=False),      # practitioner | hospital | dme
    Column("code", String(5), nullable=False, index=True),
    Column("max_units", Integer, nullable=False),
    Column("adjudication_indicator", SmallInteger, nullable=False),   # MAI 1 line, 2 day (policy), 3 day
    Column("rationale", String(200)),
    Column("effective_from", Date),
    Column("deleted_on", Date),
)

addon_codes = Table(
    "addon_codes", metadata, _id(),
    _ref("load_id", "reference_loads", index=False),
    Column("addon_code", String(5), nullable=False, index=True),
    Column("primary_code", String(5)),                  # None on a type 2 row (no listed primaries)
    Column("edit_type", SmallInteger, nullable=False),  # 1, 2, 3
    Column("effective_from", Date, nullable=False),
    Column("deleted_on", Date),
)

# ---------------------------------------------------------------- what came back: ERAs posted (revision 0002)
eras = Table(   # one 835 transaction set, posted in one database transaction
    "eras", metadata, _id(),
    Column("era_key", String(200), nullable=False, unique=True),   # payer + TRN02 + TRN03: posted once, ever
    _ref("source_id", "sources", index=False),          # the file it was first posted from, by its SHA-256
    Column("source_ref", String(200)),                  # ISA13 / GS06 / ST02 in that file
    Column("payer_id", String(80), nullable=False),     # TRN03 (or N1*PR N104)
    Column("payer_name", String(60)),
    Column("trace_number", String(50), nullable=False),  # TRN02: check or EFT trace number
    Column("payment_amount", Money(), nullable=False),  # BPR02
    Column("credit_debit", String(1)),                  # BPR03
    Column("payment_method", String(3)),                # BPR04: ACH, CHK, NON …
    Column("payment_date", Date),                       # BPR16
    Column("forced", SmallInteger, nullable=False),     # 1: posted with --force (a difference went to suspense)
    _ref("run_id", "runs", nullable=True, index=False),
    _recorded(),
)

claim_payments = Table(   # one CLP of an ERA and what it was matched to (claim_id None: unmatched, in suspense)
    "claim_payments", metadata, _id(),
    Column("fingerprint", String(64), nullable=False, unique=True),   # SHA-256 of ERA key, place and values
    _ref("era_id", "eras"),
    Column("ordinal", Integer, nullable=False),         # its place in the ERA (1-based)
    _ref("claim_id", "claims", nullable=True),
    Column("match_method", String(20), nullable=False),  # clm01, clm01-prefix, payer-claim-number, none, ambiguous
    Column("match_score", Quantity(), nullable=False),  # 1 exact … 0 unmatched
    Column("patient_control_number", String(38), nullable=False, index=True),   # CLP01
    Column("payer_claim_number", String(50), index=True),   # CLP07
    Column("status_code", String(2), nullable=False),   # CLP02
    Column("charge", Money(), nullable=False),          # CLP03
    Column("paid", Money(), nullable=False),            # CLP04
    Column("patient_responsibility", Money()),          # CLP05
    _ref("reverses_id", "claim_payments", nullable=True, index=False),   # CLP02 22: the payment it reverses
    Column("source_ref", String(200)),                  # "segment 41" (the CLP's 0-based index in the file)
)

postings = Table(   # journal entries: every dollar of an ERA lands in exactly one
    "postings", metadata, _id(),
    _ref("era_id", "eras"),
    _ref("claim_payment_id", "claim_payments", nullable=True),
    _ref("claim_id", "claims", nullable=True),
    _ref("claim_line_id", "claim_lines", nullable=True, index=False),
    Column("line_ref", SmallInteger),                   # the SVC's place in its CLP (1-based)
    Column("line_match", String(20)),                   # 6r, procedure, procedure-modifier, svc06, none
    Column("account", String(12), nullable=False),      # payment, interest, adjustment, patient, plb, suspense
    Column("kind", String(20), nullable=False),         # line, claim, deductible, coinsurance, copay, WO, FB …
    Column("group_code", String(2)),                    # CAS01
    Column("reason_code", String(5)),                   # CARC (CAS02) or PLB03-1
    Column("remarks", String(200)),                     # RARCs: LQ, MOA, MIA
    Column("amount", Money(), nullable=False),          # payment +; CAS as given; PLB as its effect (−PLB04)
    Column("quantity", Quantity()),                     # CAS04
    Column("reference", String(50)),                    # PLB03-2
    Column("flagged", SmallInteger, nullable=False),    # 1: suspense from --force or an unbalanced claim
)

work_items = Table(   # what a person must do: denials by root cause, and unmatched payments (the exceptions)
    "work_items", metadata, _id(),
    _ref("era_id", "eras"),
    _ref("claim_payment_id", "claim_payments", nullable=True),
    _ref("claim_id", "claims", nullable=True),
    Column("line_ref", SmallInteger),
    Column("queue", String(10), nullable=False),        # denial | exception
    Column("root_cause", String(16), nullable=False),   # coding | billing | credentialing | coverage | matching …
    Column("action", String(40), nullable=False),       # resubmit-7, appeal, bill-patient, write-off, match …
    Column("group_code", String(2)),
    Column("reason_code", String(5)),
    Column("remark_code", String(10)),
    Column("amount", Money()),
    Column("note", String(500)),
)

posted_files = Table(   # a file all of whose ERAs are in: posting it again is answered without reading it
    "posted_files", metadata, _id(),
    _ref("source_id", "sources", index=False),
    Column("eras", Integer, nullable=False),
    _ref("run_id", "runs", nullable=True, index=False),
    _recorded(),
    UniqueConstraint("source_id"),
)

MUTABLE = frozenset({"control_counters"})
"""Tables whose rows may be updated (never deleted); every other table is append-only."""

APPEND_ONLY = tuple(name for name in metadata.tables if name not in MUTABLE)
