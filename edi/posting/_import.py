"""``edi ledger import``: claims another system sent (its 837 files) recorded in the ledger as if we had built
them — encounters with their claims and lines (the line's REF*6R, or a key derived from CLM01 and the line's
number when the 837 has none), and one submission per interchange with its control numbers — so that an ERA for
them can be posted. Recording goes through the ledger's own :class:`edi.ledger.Journal` (``record_encounters``,
``record_submission``), which makes a second import of the same file a no-op."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from edi.errors import EdiError

CHUNK = 1000

if TYPE_CHECKING:
    from edi.ledger import Encounter, Ledger, Person
    from edi.models import Claim


@dataclass(frozen=True, slots=True)
class Imported:
    """What importing one file did: claims read, encounters new, submissions new (0 everywhere: known before)."""

    file: str
    claims: int
    new_encounters: int
    interchanges: int
    new_submissions: int
    derived_line_keys: int        # lines without REF*6R that got CLM01-derived keys

    @property
    def changed(self) -> bool:
        return bool(self.new_encounters or self.new_submissions)


def derived_line_key(clm01: str, line_number: int) -> str:
    """The line key of an 837 line without REF*6R: CLM01 and the line's number (what a payer echoes in REF*6R is
    then absent too, so the ERA's line is matched by procedure and date instead)."""
    return f"{clm01}#{line_number}"[:50]


def import_837(ledger: Ledger, path: Path) -> Imported:
    """Record the claims of one 837 file (every interchange in it) in one transaction."""
    from edi.ledger import Source, Submission, SubmittedClaim
    from edi.models import Claim as ClaimModel
    from edi.models import iter_records
    from edi.models.envelope import GroupEnvelope, InterchangeEnvelope

    source = Source.of_file(path, "837")
    claims = new_encounters = new_submissions = derived = 0
    interchanges = 0
    with ledger.transaction(run="ledger import") as journal:
        isa: InterchangeEnvelope | None = None
        pending: list[tuple[ClaimModel, str, str]] = []       # claims not yet recorded (a chunk at a time)
        submitted: list[SubmittedClaim] = []                  # the interchange's claims, recorded

        def record_chunk() -> None:
            nonlocal new_encounters
            recorded = journal.record_encounters([encounter_of_claim(claim, source) for claim, _, _ in pending])
            new_encounters += sum(r.new for r in recorded)
            submitted.extend(SubmittedClaim(r.claims[0].claim_id, gs06, st02)
                             for r, (_, gs06, st02) in zip(recorded, pending))
            pending.clear()

        def flush() -> None:
            nonlocal new_submissions, interchanges
            if pending:
                record_chunk()
            if isa is None or not submitted:
                return
            interchanges += 1
            done = journal.record_submission(Submission(
                source, receiver_name="", sender=(isa.sender_qualifier, isa.sender_id.strip()),
                receiver=(isa.receiver_qualifier, isa.receiver_id.strip()),
                interchange_control_number=isa.control, claims=tuple(dict.fromkeys(submitted)),
                usage_indicator=isa.usage or "P"))
            new_submissions += done.new
            submitted.clear()

        for record in iter_records(path, name=str(path)):
            if isinstance(record, InterchangeEnvelope):
                flush()
                isa = record
            elif isinstance(record, ClaimModel):
                claims += 1
                derived += sum(1 for line in record.lines if _control_number(line) is None)
                src = record.source
                pending.append((record, src.group if src else "", src.transaction if src else ""))
                if len(pending) >= CHUNK:
                    record_chunk()
            elif isinstance(record, GroupEnvelope):
                continue
        flush()
    if claims == 0:
        raise EdiError(f"{path}: no 837 claims in it (edi ledger import reads 837P/837I files)")
    return Imported(str(path), claims, new_encounters, interchanges, new_submissions, derived)


def _control_number(line: object) -> str | None:
    return next((r.value for r in getattr(line, "references", ()) if r.qualifier == "6R"), None)


def encounter_of_claim(claim: Claim, source: object = None) -> Encounter:
    """The ledger's values of one 837 claim: patient (the subscriber, or the 2000C patient), its one coverage
    (the claim's payer, order from SBR01), the claim and its lines."""
    from edi.ledger import Claim as LedgerClaim
    from edi.ledger import Coverage, Encounter, Line
    from edi.models import InstitutionalClaim

    clm01 = claim.patient_control_number
    sub = claim.subscriber
    member = sub.member.name if sub.member else None
    payer = claim.payer
    payer_id = (payer.id if payer else "") or "UNKNOWN"
    member_id = member.id if member else ""
    subscriber = _person(f"{payer_id}/{member_id}", member, sub.member.birth_date if sub.member else None,
                         sub.member.gender if sub.member else None)
    patient = subscriber
    relationship = "18"
    if claim.patient is not None and claim.patient.person is not None:
        p = claim.patient.person
        patient = _person(f"{payer_id}/{member_id}/{p.name.last_name}/{p.name.first_name}/{p.birth_date or ''}",
                          p.name, p.birth_date, p.gender)
        relationship = claim.patient.relationship or "21"
    order = {"P": 1, "S": 2, "T": 3}.get(sub.payer_responsibility, 1)
    coverage = Coverage(order, payer_id, (payer.last_name if payer else "")[:60] or payer_id, member_id or "UNKNOWN",
                        relationship, subscriber if patient is not subscriber else None,
                        sub.group_number or None, sub.claim_filing_indicator or None)
    billing = claim.billing_provider.provider
    billing_npi = (billing.npi if billing else None) or "0000000000"
    rendering = next((p.party.npi for p in claim.providers if p.party.entity == "82" and p.party.npi), None)
    lines = []
    for n, line in enumerate(claim.lines, 1):
        dos = _line_dates(line) or _claim_dates(claim)
        lines.append(Line(n, _control_number(line) or derived_line_key(clm01, n), line.charge or Decimal(0),
                          line.units or Decimal(1), dos[0], dos[1], line.procedure_code or None,
                          tuple(m for m in line.procedure_modifiers if m)[:4], line.unit_basis or "UN",
                          line.revenue_code or None,
                          next((p.party.npi for p in line.providers if p.party.npi), None),
                          tuple(line.diagnosis_pointers)))
    start = min((ln.service_from for ln in lines), default=None)
    end = max(((ln.service_to or ln.service_from) for ln in lines), default=None)
    claim_from, claim_to = _claim_dates(claim, start, end)
    ledger_claim = LedgerClaim(clm01, order, claim.total_charge or Decimal(0), billing_npi, claim_from, claim_to,
                               tuple(lines), claim.frequency_code or "1",
                               next((r.value for r in claim.references if r.qualifier == "F8"), None), rendering)
    digest = hashlib.sha256(f"{payer_id}\x1f{clm01}".encode()).hexdigest()[:16]
    return Encounter(f"837:{clm01}:{digest}"[:80], "institutional" if isinstance(claim, InstitutionalClaim)
                     else "professional", patient, claim_from, claim_to, billing_npi, (coverage,), (ledger_claim,),
                     claim.facility_code or None, rendering, source=source,   # type: ignore[arg-type]
                     source_ref=f"CLM01 {clm01}")


def _person(key: str, name: object, birth: date | None, sex: str | None) -> Person:
    from edi.ledger import Person

    return Person(hashlib.sha256(key.encode()).hexdigest()[:40] if len(key) > 80 else key,
                  (getattr(name, "last_name", "") or "UNKNOWN")[:60], (getattr(name, "first_name", "") or None),
                  (getattr(name, "middle_name", "") or None), None, birth, sex or None)


def _line_dates(line: object) -> tuple[date, date] | None:
    for d in getattr(line, "dates", ()):
        if d.qualifier == "472" and d.start is not None:
            return d.start, d.end or d.start
    return None


def _claim_dates(claim: Claim, start: date | None = None, end: date | None = None) -> tuple[date, date]:
    for d in claim.dates:
        if d.qualifier in ("434", "472") and d.start is not None:
            return d.start, d.end or d.start
    if start is not None and end is not None:
        return start, end
    return date(1900, 1, 1), date(1900, 1, 1)
