"""The claims ledger: an append-only journal of what was built, sent and heard back, in SQLite or PostgreSQL.

It stores values, not segments (the mapping layer gives it claim numbers, codes, amounts and dates), keeps
control-number counters that never hand out a number twice, and answers the claims side's questions (duplicate
claims, enrollment, where a claim went). Tables, the journal rule and how to point it at PostgreSQL:
docs/ledger.md.

    from edi.ledger import open_ledger
    with open_ledger("postgresql+psycopg://billing@db.internal/edi") as ledger:
        isa13 = ledger.reserve("interchange", 1, sender="ZZ:CLINIC", receiver="ZZ:CLEARINGHOUSE")[0]
        with ledger.transaction(run="claims build") as journal:
            recorded = journal.record_encounters(encounters)
            journal.record_submission(submission)

Importing this package loads SQLAlchemy (~0.3 s): the CLI imports it only in commands that open the ledger.
"""

from edi.ledger._engine import DEFAULT_FILE, ENV_VAR, LedgerError, resolve_url
from edi.ledger._journal import Journal
from edi.ledger._ledger import Ledger, LedgerStatus, open_ledger
from edi.ledger._queries import ServiceKey
from edi.ledger._records import (
    Claim,
    ClaimLineRef,
    ClaimStatus,
    Coverage,
    DuplicateClaim,
    Encounter,
    EnrollmentCheck,
    Line,
    Person,
    RecordedClaim,
    RecordedEncounter,
    RecordedSubmission,
    ScrubFinding,
    Source,
    StatusEvent,
    Submission,
    SubmissionRef,
    SubmittedClaim,
)
from edi.ledger._reference import AddonRow, EnrollmentRow, LoadResult, MueRow, PtpRow

__all__ = ["DEFAULT_FILE", "ENV_VAR", "AddonRow", "Claim", "ClaimLineRef", "ClaimStatus", "Coverage",
           "DuplicateClaim", "Encounter", "EnrollmentCheck", "EnrollmentRow", "Journal", "Ledger", "LedgerError",
           "LedgerStatus", "Line", "LoadResult", "MueRow", "Person", "PtpRow", "RecordedClaim", "RecordedEncounter",
           "RecordedSubmission", "ScrubFinding", "ServiceKey", "Source", "StatusEvent", "Submission",
           "SubmissionRef", "SubmittedClaim", "open_ledger", "resolve_url"]
