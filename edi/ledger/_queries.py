"""Questions the claims side asks the ledger: was this service already billed, where did a claim go, which claim
owns a line control number, what is a claim's status now. Statuses are derived — the latest status event — never
stored in place.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import Connection, select

from edi.ledger import _schema as t
from edi.ledger._journal import CHUNK, _chunks
from edi.ledger._records import (
    NOT_PENDING_AT_PAYER,
    ClaimLineRef,
    ClaimStatus,
    DuplicateClaim,
    SubmissionRef,
)


class ServiceKey(NamedTuple):
    """What makes two claim lines the same service: patient (account key), rendering provider (NPI), date of
    service and procedure code."""

    patient: str
    provider: str
    service_date: date
    procedure: str


def current_status(claim_id: Any) -> Any:
    """A scalar subquery: the claim's latest status (by when it happened, then by insertion)."""
    e = t.claim_status_events
    return (select(e.c.status).where(e.c.claim_id == claim_id)
            .order_by(e.c.occurred_at.desc(), e.c.id.desc()).limit(1).scalar_subquery())


def claim_status(conn: Connection, claim_id: int) -> ClaimStatus | None:
    status = conn.execute(select(current_status(claim_id))).scalar()
    return ClaimStatus(status) if status else None


def find_duplicates(conn: Connection, keys: Iterable[ServiceKey]) -> dict[ServiceKey, list[DuplicateClaim]]:
    """For each service, the claim lines already submitted for it whose claim is not denied, rejected, voided or
    replaced (each claim once, with its latest submission). Asked for many services at once, so a batch of
    100,000 encounters costs a few queries per thousand, not one each."""
    found: dict[ServiceKey, list[DuplicateClaim]] = {}
    for chunk in _chunks(dict.fromkeys(keys), CHUNK):
        found.update(_duplicates_in(conn, chunk))
    return found


def _duplicates_in(conn: Connection, keys: list[ServiceKey]) -> dict[ServiceKey, list[DuplicateClaim]]:
    lines, claims, encounters, accounts = t.claim_lines, t.claims, t.encounters, t.accounts
    links, submissions = t.submission_claims, t.submissions
    status = current_status(claims.c.id).label("status")
    query = (
        select(accounts.c.account_key, lines.c.provider_npi, lines.c.procedure_code, lines.c.service_from,
               lines.c.service_to, lines.c.line_control_number, lines.c.modifier_1, lines.c.modifier_2,
               lines.c.modifier_3, lines.c.modifier_4, claims.c.id, claims.c.patient_control_number, status,
               submissions.c.submitted_at, submissions.c.file_name, submissions.c.interchange_control_number)
        .select_from(lines.join(claims, lines.c.claim_id == claims.c.id)
                     .join(encounters, claims.c.encounter_id == encounters.c.id)
                     .join(accounts, encounters.c.patient_account_id == accounts.c.id)
                     .join(links, links.c.claim_id == claims.c.id)
                     .join(submissions, links.c.submission_id == submissions.c.id))
        # the patients lead (account key → encounters → claims → lines, all by index): `|| ''` keeps SQLite from
        # starting at the (procedure, date) index instead, which reads every line of those codes — a few codes
        # cover most of a big ledger, so each chunk's query grew with the ledger (quadratic over a 100k build)
        .where(accounts.c.account_key.in_({k.patient for k in keys}),
               lines.c.procedure_code.concat("").in_({k.procedure for k in keys}),
               lines.c.service_from <= max(k.service_date for k in keys),
               lines.c.service_to >= min(k.service_date for k in keys))
        .order_by(submissions.c.submitted_at.desc(), submissions.c.id.desc())
    )
    by_service: dict[tuple[str, str, str], list[Any]] = defaultdict(list)
    for row in conn.execute(query):
        if ClaimStatus(row.status) not in NOT_PENDING_AT_PAYER:
            by_service[row.account_key, row.provider_npi, row.procedure_code].append(row)
    result: dict[ServiceKey, list[DuplicateClaim]] = {}
    for key in keys:
        seen: set[tuple[int, str]] = set()
        matches = []
        for row in by_service.get((key.patient, key.provider, key.procedure), ()):
            if row.service_from <= key.service_date <= row.service_to and (row.id, row.line_control_number) not in seen:
                seen.add((row.id, row.line_control_number))
                matches.append(DuplicateClaim(
                    row.id, row.patient_control_number, row.line_control_number, row.procedure_code,
                    tuple(m for m in (row.modifier_1, row.modifier_2, row.modifier_3, row.modifier_4) if m),
                    key.service_date, ClaimStatus(row.status), row.submitted_at, row.file_name,
                    row.interchange_control_number))
        result[key] = matches
    return result


def submissions_for_claim(conn: Connection, patient_control_number: str) -> list[SubmissionRef]:
    """Every submission of claims with this CLM01, oldest first."""
    claims, links, submissions = t.claims, t.submission_claims, t.submissions
    rows = conn.execute(
        select(claims.c.id, claims.c.patient_control_number, claims.c.frequency_code, submissions.c.file_name,
               submissions.c.receiver_name, submissions.c.interchange_control_number,
               links.c.group_control_number, links.c.transaction_control_number, submissions.c.submitted_at)
        .select_from(claims.join(links, links.c.claim_id == claims.c.id)
                     .join(submissions, links.c.submission_id == submissions.c.id))
        .where(claims.c.patient_control_number == patient_control_number)
        .order_by(submissions.c.submitted_at, submissions.c.id))
    return [SubmissionRef(*row) for row in rows]


def open_submissions(conn: Connection, patient_control_numbers: Iterable[str]) -> dict[str, list[SubmissionRef]]:
    """For each CLM01, the submissions of its claims whose current status is not denied, rejected, voided or
    replaced (newest first); CLM01s never submitted, or only in claims that are no longer open, are left out.
    Asked in chunks, so a build of 100,000 encounters costs a query per thousand."""
    claims, links, submissions = t.claims, t.submission_claims, t.submissions
    status = current_status(claims.c.id).label("status")
    found: dict[str, list[SubmissionRef]] = {}
    for chunk in _chunks(dict.fromkeys(patient_control_numbers), CHUNK):
        rows = conn.execute(
            select(claims.c.id, claims.c.patient_control_number, claims.c.frequency_code, submissions.c.file_name,
                   submissions.c.receiver_name, submissions.c.interchange_control_number,
                   links.c.group_control_number, links.c.transaction_control_number, submissions.c.submitted_at,
                   status)
            .select_from(claims.join(links, links.c.claim_id == claims.c.id)
                         .join(submissions, links.c.submission_id == submissions.c.id))
            .where(claims.c.patient_control_number.in_(chunk))
            .order_by(submissions.c.submitted_at.desc(), submissions.c.id.desc()))
        for row in rows:
            if ClaimStatus(row.status) not in NOT_PENDING_AT_PAYER:
                found.setdefault(row.patient_control_number, []).append(SubmissionRef(*row[:9]))
    return found


def file_submitted(conn: Connection, sha256: str) -> bool:
    """Whether an interchange with these bytes was recorded as sent."""
    found = conn.execute(select(t.submissions.c.id).select_from(
        t.submissions.join(t.sources, t.submissions.c.source_id == t.sources.c.id))
        .where(t.sources.c.sha256 == sha256).limit(1)).first()
    return found is not None


def claims_by_line_control_number(conn: Connection, line_control_number: str) -> list[ClaimLineRef]:
    """The claim lines recorded with this line item control number (REF*6R), newest claim first."""
    lines, claims = t.claim_lines, t.claims
    rows = conn.execute(
        select(claims.c.id, claims.c.patient_control_number, claims.c.payer_id, lines.c.line_number,
               lines.c.line_control_number, lines.c.procedure_code, lines.c.modifier_1, lines.c.modifier_2,
               lines.c.modifier_3, lines.c.modifier_4, lines.c.charge, lines.c.units, lines.c.service_from)
        .select_from(lines.join(claims, lines.c.claim_id == claims.c.id))
        .where(lines.c.line_control_number == line_control_number)
        .order_by(claims.c.id.desc()))
    return [ClaimLineRef(r.id, r.patient_control_number, r.payer_id, r.line_number, r.line_control_number,
                         r.procedure_code, tuple(m for m in (r.modifier_1, r.modifier_2, r.modifier_3, r.modifier_4)
                                                 if m), r.charge, r.units, r.service_from) for r in rows]
