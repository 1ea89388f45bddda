"""Small fictional records for the ledger tests (no real people: names, NPIs and member ids are made up)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from edi.ledger import Claim, Coverage, Encounter, Ledger, Line, Person, Source, Submission, SubmittedClaim

BILLING_NPI = "1234567893"
RENDERING_NPI = "1234567901"
DOS = date(2025, 1, 6)


def encounter(n: int, *, patient: str | None = None, dos: date = DOS, procedures: tuple[str, ...] = ("99213",),
              rendering: str | None = RENDERING_NPI, charge: Decimal = Decimal("100.00"), frequency: str = "1",
              clm01: str | None = None, lines_to: date | None = None) -> Encounter:
    """Encounter ``n``: one primary coverage, one claim with a line per procedure (REF*6R ``<CLM01>-<line>``)."""
    key = patient or f"MRN{n}"
    pcn = clm01 or f"PCN{n}"
    lines = tuple(Line(i, f"{pcn}-{i}", charge, Decimal("1"), dos, service_to=lines_to, procedure_code=code)
                  for i, code in enumerate(procedures, start=1))
    claim = Claim(pcn, 1, charge * len(lines), BILLING_NPI, dos, lines_to or dos, lines, frequency_code=frequency,
                  rendering_npi=rendering)
    return Encounter(f"E{n}" + ("" if frequency == "1" else f"-{frequency}"), "professional",
                     Person(key, "DOE", "JAN", birth_date=date(1980, 2, 3), city="ANYTOWN", state="PA"), dos,
                     lines_to or dos, BILLING_NPI, coverages=(Coverage(1, "EXHP1", "EXAMPLE HEALTH PLAN", f"M{key}"),),
                     claims=(claim,), facility_code="11", rendering_npi=rendering)


def submission(isa13: str, claim_ids: list[int], name: str = "batch.x12") -> Submission:
    return Submission(Source.of_bytes(name, f"{name}:{isa13}".encode(), "837"), "EXAMPLE CLEARINGHOUSE",
                      ("ZZ", "CLINIC"), ("ZZ", "CLEARINGHOUSE"), isa13,
                      tuple(SubmittedClaim(claim_id, "1", f"{n + 1:04d}") for n, claim_id in enumerate(claim_ids)))


def submit(ledger: Ledger, encounters: list[Encounter], isa13: str) -> list[int]:
    """Record encounters and submit their claims in one interchange; returns the claim ids."""
    with ledger.transaction(run="test") as journal:
        recorded = journal.record_encounters(encounters)
        ids = [claim.claim_id for r in recorded for claim in r.claims]
        journal.record_submission(submission(isa13, ids))
    return ids
