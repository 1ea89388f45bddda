"""What several edits read off an encounter: dates of service, the provider of a line, the patient's key and age,
the services that identify a duplicate. The build (``edi claims build``) records claims with the same
:func:`patient_key` and :func:`service_keys`, so the duplicate edit finds what earlier builds submitted."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from edi.claims.encounter import Encounter, Line, Provider

EM_OFFICE = frozenset(f"{n}" for n in (*range(99202, 99206), *range(99211, 99216)))
"""Office or other outpatient E/M visits (CPT 99202–99205, 99211–99215)."""


def is_em(code: str) -> bool:
    """An evaluation and management code: CPT 99202–99499 (the E/M section)."""
    return len(code) == 5 and code.isdigit() and 99202 <= int(code) <= 99499


def claim_date(enc: Encounter, as_of: date) -> date:
    """The date codes are judged on: the claim's first date of service (SNIP 5 reads the same: the earliest
    DTP*472 or DTP*434), else ``as_of``."""
    period = enc.service_period
    return period[0] if period else as_of


def line_date(enc: Encounter, line: Line, as_of: date) -> date:
    return line.service_date or enc.service_date or enc.statement_from or claim_date(enc, as_of)


def clinician(enc: Encounter) -> tuple[str, Provider | None]:
    """The claim's rendering clinician and its role: rendering (837P) or attending (837I)."""
    role = "attending" if enc.institutional else "rendering"
    return role, getattr(enc.providers, role)


def line_provider_npi(enc: Encounter, line: Line) -> str:
    """Who rendered the line: its own rendering provider, the claim's, else the billing provider (as the ledger
    records ``claim_lines.provider_npi``)."""
    own = line.providers.rendering if line.providers is not None else None
    claim_level = enc.providers.rendering or enc.providers.attending
    for provider in (own, claim_level, enc.billing_provider):
        if provider is not None and provider.npi:
            return provider.npi
    return ""


def patient_key(enc: Encounter) -> str:
    """The patient's account key in the ledger: the medical record number, else one derived from the billed
    payer, member id and date of birth ("EXHP1:SYN123456789:1980-02-03")."""
    if enc.medical_record_number:
        return enc.medical_record_number
    cov = enc.billed
    born = enc.patient.birth_date.isoformat() if enc.patient.birth_date else ""
    return f"{cov.payer.id}:{cov.member_id}:{born}"


def service_keys(enc: Encounter, as_of: date) -> Iterator[tuple[int, tuple[str, str, date, str]]]:
    """(line index, (patient key, provider NPI, date of service, procedure)) for each line with a procedure code:
    what makes two claim lines the same service (edi.ledger.ServiceKey's fields)."""
    patient = patient_key(enc)
    for n, line in enumerate(enc.lines):
        if line.procedure_code:
            yield n, (patient, line_provider_npi(enc, line), line_date(enc, line, as_of), line.procedure_code)


def age_on(born: date, day: date) -> int:
    """Whole years of age on ``day``."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def dx(code: str) -> str:
    """An ICD-10-CM code as X12 carries it: no dot, upper case."""
    return code.replace(".", "").strip().upper()
