"""Encounters in the ledger's words: :func:`record_of` turns a coded encounter (and the claim built from it) into
the :class:`edi.ledger.Encounter` the journal records — people, coverages, the claim and its lines with their line
control numbers. The ledger never sees the encounter model, and this module writes no SQL.

The patient is keyed as the scrubber's duplicate-claim edit asks (the medical record number, else billed payer,
member id and birth date); a subscriber by payer, member id, birth date and first name.
"""

from __future__ import annotations

from decimal import Decimal

import msgspec

from edi.claims.encounter import Coverage, Encounter, Person
from edi.ledger import Claim as ClaimRecord
from edi.ledger import Coverage as CoverageRecord
from edi.ledger import Encounter as EncounterRecord
from edi.ledger import Line as LineRecord
from edi.ledger import Person as PersonRecord
from edi.ledger import Source

_ENCODER = msgspec.json.Encoder(decimal_format="string")


def patient_key(enc: Encounter) -> str:
    """The patient's account key in the ledger — the one the scrubber's duplicate-claim edit asks about."""
    from edi.claims.scrub._facts import patient_key as scrub_key

    return scrub_key(enc)


def _person_key(cov: Coverage, who: Person) -> str:
    born = who.birth_date.isoformat() if who.birth_date else ""
    return f"MI:{cov.payer.id}:{cov.member_id}:{born}:{who.first_name.upper()}"


def _person(key: str, p: Person) -> PersonRecord:
    a = p.address
    return PersonRecord(key, p.last_name, p.first_name or None, p.middle_name or None, p.suffix or None,
                        p.birth_date, p.sex or None, a.line1 or None if a else None, a.line2 or None if a else None,
                        a.city or None if a else None, a.state or None if a else None,
                        a.postal_code or None if a else None, a.country or None if a else None)


def record_of(enc: Encounter, *, source: Source | None = None, source_ref: str | None = None) -> EncounterRecord:
    """The ledger's record of an encounter and the one claim built from it (to the billed coverage)."""
    period = enc.service_period
    if period is None:
        raise ValueError(f"encounter {enc.id} has no date of service")
    patient = _person(patient_key(enc), enc.patient)
    coverages = tuple(CoverageRecord(
        order=n, payer_id=c.payer.id, payer_name=c.payer.name, member_id=c.member_id, relationship=c.relationship,
        subscriber=None if c.relationship == "18" or c.subscriber is None else _person(_person_key(c, c.subscriber),
                                                                                      c.subscriber),
        group_number=c.group_number or None, filing_indicator=c.claim_filing_indicator or None,
        effective_from=c.effective_date, effective_to=c.end_date) for n, c in enumerate(enc.coverages, 1))
    rendering = enc.providers.rendering.npi if enc.providers.rendering is not None else None
    lines = []
    for n, line in enumerate(enc.lines, 1):
        start = line.service_date or enc.service_date or period[0]
        override = line.providers.rendering if line.providers is not None else None
        lines.append(LineRecord(
            line_number=n, line_control_number=enc.line_control_number(n), charge=line.charge, units=line.units,
            service_from=start, service_to=line.service_date_end, procedure_code=line.procedure_code or None,
            modifiers=line.modifiers, unit_basis=line.unit_basis, revenue_code=line.revenue_code or None,
            provider_npi=override.npi or None if override is not None else None,
            diagnosis_pointers=line.diagnosis_pointers, ndc=line.drug.ndc if line.drug is not None else None))
    claim = ClaimRecord(
        patient_control_number=enc.id, payer_order=min(enc.billed_coverage, len(enc.coverages)),
        total_charge=sum((line.charge for line in enc.lines), Decimal(0)), billing_npi=enc.billing_provider.npi,
        service_from=period[0], service_to=period[1], lines=tuple(lines), frequency_code=enc.frequency,
        original_claim_number=enc.original_claim_number or None, rendering_npi=rendering or None)
    return EncounterRecord(
        key=enc.id, claim_type=enc.claim_type, patient=patient, service_from=period[0], service_to=period[1],
        billing_npi=enc.billing_provider.npi, coverages=coverages, claims=(claim,),
        facility_code=(enc.facility_type if enc.institutional else enc.place_of_service) or None,
        rendering_npi=rendering or None, document=_ENCODER.encode(enc).decode(), source=source,
        source_ref=source_ref)
