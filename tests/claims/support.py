"""What the encounter tests share: writing claims as an interchange, models without their sources."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec

from edi.claims import claim_of, transactions
from edi.claims.encounter import Address, Coverage, Diagnosis, Encounter, Line, Patient, Payer, Provider, Providers
from edi.models import write
from edi.models.claim import Claim
from edi.models.common import Contact, Party
from edi.x12 import ControlNumbers, InterchangeHeader
from edi.x12 import Party as EnvelopeParty

SUBMITTER = Party(entity="41", entity_type="2", last_name="EXAMPLE BILLING SERVICE", id_qualifier="46", id="EXBILL",
                  contacts=(Contact(name="EDI DESK", channels=(("TE", "5555550100"),)),))
RECEIVER = Party(entity="40", entity_type="2", last_name="EXAMPLE CLEARINGHOUSE", id_qualifier="46", id="EXCH")
HEADER = InterchangeHeader(EnvelopeParty("ZZ", "EXBILL"), EnvelopeParty("ZZ", "EXCH"), usage="T",
                           created=datetime(2026, 6, 15, 9, 30))


def interchange(claims: Iterable[Claim], max_claims: int = 5000) -> bytes:
    """One interchange (ISA … IEA) holding the claims, grouped into transactions by edi.claims.transactions."""
    txns = list(transactions(claims, submitter=SUBMITTER, receiver=RECEIVER, created=datetime(2026, 6, 15, 9, 30),
                             max_claims=max_claims, batch_id="B"))
    return write(txns, HEADER, ControlNumbers(interchange=1, group=1, transaction=1))


def x12_of(encounters: Iterable[Encounter], tmp: Path, name: str = "built.x12", max_claims: int = 5000) -> Path:
    """The encounters built and written to a file (for edi validate and pyx12)."""
    path = tmp / name
    path.write_bytes(interchange((claim_of(e) for e in encounters), max_claims))
    return path


def without_sources(value: object) -> Any:
    """Models as plain data, every ``source`` left out; a Decimal as its value (1 and 1.00 are equal)."""
    if isinstance(value, msgspec.Struct):
        return (type(value).__name__, {f: without_sources(getattr(value, f)) for f in value.__struct_fields__
                                       if f != "source"})
    if isinstance(value, (list, tuple)):
        return [without_sources(v) for v in value]
    if isinstance(value, Decimal):
        return ("Decimal", value.normalize() if value else Decimal(0))
    return value


# -- encounters for the scrubber's tests: one clean office visit, changed one field at a time --------------------
AS_OF = date(2026, 5, 20)          # scrub runs "today"
DOS = date(2026, 5, 4)             # ICD-10-CM FY2026 April update; 16 days before AS_OF
FICTIONAL_NCCI = Path(__file__).parent / "fixtures" / "ncci"   # FICTIONAL PTP/MUE/add-on rows, not CMS data
CLINIC = Provider(npi="1234567893", name="EXAMPLE FAMILY PRACTICE", taxonomy="207Q00000X", tax_id="990000001",
                  address=Address(line1="100 MAIN STREET", city="SPRINGFIELD", state="IL", postal_code="627010001"))
DOCTOR = Provider(npi="1234567901", name="SMITH", first_name="ALEX", taxonomy="207Q00000X")
HEALTH_PLAN = Coverage(payer=Payer(name="EXAMPLE HEALTH PLAN", id="EXHP1"), member_id="SYN123456789",
                       group_number="GRP0001", claim_filing_indicator="CI", effective_date=date(2025, 1, 1))


def service(code: str, *modifiers: str, charge: str = "100.00", units: int = 1, pointers: tuple[int, ...] = (1,),
            **fields: Any) -> Line:
    """A procedure line (one unit, pointing to the principal diagnosis unless told)."""
    return Line(procedure_code=code, modifiers=modifiers, charge=Decimal(charge), units=Decimal(units),
                diagnosis_pointers=pointers, **fields)


def office_visit(*lines: Line, **changes: Any) -> Encounter:
    """A clean 837P office visit billed to EXHP1 on DOS: 99213 for J02.0 (streptococcal pharyngitis, billable and
    specific), a 42-year-old woman, providers with valid NPIs, a 9-digit billing ZIP; ``changes`` replace fields."""
    fields: dict[str, Any] = dict(
        id="V1", patient=Patient(last_name="DOE", first_name="JANE", birth_date=date(1983, 7, 1), sex="F",
                                 address=Address(line1="1 TEST LANE", city="SPRINGFIELD", state="IL",
                                                 postal_code="62704")),
        coverages=(HEALTH_PLAN,), billing_provider=CLINIC, providers=Providers(rendering=DOCTOR),
        place_of_service="11", service_date=DOS, diagnoses=(Diagnosis(code="J020"),),
        lines=lines or (service("99213", charge="125.00"),))
    fields.update(changes)
    return Encounter(**fields)
