"""Writing to the journal: every write is an INSERT, keyed so that recording the same thing again adds nothing.

A :class:`Journal` is one open database transaction (``with ledger.transaction() as journal:``): what is recorded
in it is committed together or not at all — a process killed half-way leaves no half-recorded encounter or
submission. Rows go in by the thousand (executemany) so a 100,000-claim build is not a 100,000-round-trip one.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any, TypeVar

import msgspec
from sqlalchemy import Connection, Table, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from edi.errors import EdiError
from edi.ledger import _schema as t
from edi.ledger._bulk import bulk_insert, ids_by_key
from edi.ledger._records import (
    Claim,
    ClaimStatus,
    Encounter,
    Person,
    RecordedClaim,
    RecordedEncounter,
    RecordedSubmission,
    ScrubFinding,
    Source,
    StatusEvent,
    Submission,
)
from edi.ledger._types import utc_now
from edi.logging import get_logger

T = TypeVar("T")

CHUNK = 1000          # rows per statement batch and keys per IN (...) lookup


class Journal:
    """Inserts into the ledger inside one transaction (see :meth:`edi.ledger.Ledger.transaction`)."""

    def __init__(self, conn: Connection, run_id: int | None = None) -> None:
        self.conn = conn
        self.run_id = run_id

    # ------------------------------------------------------------ provenance
    def start_run(self, kind: str) -> int:
        """A run row for the command now writing (``"claims build"``); later rows of this journal name it."""
        self.run_id = self.conn.execute(insert(t.runs).values(kind=kind, edi_version=_version(),
                                                              started_at=utc_now()).returning(t.runs.c.id)).scalar_one()
        return self.run_id

    def source_ids(self, sources: Iterable[Source]) -> dict[str, int]:
        """The rows of these files (by SHA-256), added when new."""
        unique = {source.sha256: source for source in sources}
        now = utc_now()
        insert_ignore(self.conn, t.sources, [{"sha256": s.sha256, "name": s.name[-500:], "kind": s.kind,
                                               "size": s.size, "recorded_at": now} for s in unique.values()],
                      ["sha256"])
        return ids_by(self.conn, t.sources.c.sha256, list(unique))

    # ------------------------------------------------------------ encounters, claims, lines
    def record_encounters(self, encounters: Iterable[Encounter]) -> list[RecordedEncounter]:
        """Record encounters with their patients, coverages, claims and lines. An encounter recorded before (the
        same values, from any file) is not added again: its result says ``new=False`` and gives its rows."""
        recorded: list[RecordedEncounter] = []
        for chunk in _chunks(encounters, CHUNK):
            recorded.extend(self._record_chunk(chunk))
        get_logger(__name__).info("ledger.encounters", run=self.run_id, encounters=len(recorded),
                                  new=sum(r.new for r in recorded), claims=sum(len(r.claims) for r in recorded))
        return recorded

    def _record_chunk(self, chunk: Sequence[Encounter]) -> list[RecordedEncounter]:
        now = utc_now()
        prints = [_fingerprint(encounter) for encounter in chunk]
        claim_keys = {(p, n): _claim_key(p, claim) for p, e in zip(prints, chunk) for n, claim in enumerate(e.claims)}
        known = ids_by(self.conn, t.encounters.c.fingerprint, prints)
        fresh = {p: e for p, e in zip(prints, chunk) if p not in known}
        encounter_ids = dict(known)
        claim_ids: dict[str, int] = {}
        if fresh:
            encounter_ids.update(self._insert_encounters(fresh, claim_keys, now, claim_ids))
        claim_ids.update(ids_by(self.conn, t.claims.c.claim_key, [key for (p, _), key in claim_keys.items()
                                                                  if p not in fresh]))
        return [RecordedEncounter(e.key, encounter_ids[p],
                                  tuple(RecordedClaim(claim_ids[claim_keys[p, n]], c.patient_control_number,
                                                      c.payer_order) for n, c in enumerate(e.claims)),
                                  p not in known)
                for p, e in zip(prints, chunk)]

    def _insert_encounters(self, fresh: dict[str, Encounter], claim_keys: dict[tuple[str, int], str],
                           now: datetime, claim_ids: dict[str, int]) -> dict[str, int]:
        """Insert new encounters (by fingerprint) with what they bring: people, coverages, claims and lines.
        Returns the encounters' ids by fingerprint; puts their claims' ids by claim key in ``claim_ids``."""
        stamp = {"run_id": self.run_id, "recorded_at": now}
        account_ids = self._insert_people(fresh.values(), stamp)
        coverage_rows = {}
        for encounter in fresh.values():
            for coverage in encounter.coverages:
                row = _coverage_row(encounter.patient, coverage, account_ids)
                coverage_rows.setdefault(row["coverage_key"], row | stamp)
        insert_ignore(self.conn, t.coverages, list(coverage_rows.values()), ["coverage_key"])
        coverage_ids = ids_by(self.conn, t.coverages.c.coverage_key, list(coverage_rows))
        source_ids = self.source_ids(e.source for e in fresh.values() if e.source is not None)
        insert_ignore(self.conn, t.encounters, [_encounter_row(p, e, account_ids, source_ids) | stamp
                                                for p, e in fresh.items()], ["fingerprint"])
        encounter_ids = ids_by(self.conn, t.encounters.c.fingerprint, list(fresh))
        claim_rows: dict[str, dict[str, Any]] = {}
        claims_by_key: dict[str, Claim] = {}
        for p, encounter in fresh.items():
            coverage_by_order = {c.order: _coverage_key(encounter.patient, c) for c in encounter.coverages}
            for n, claim in enumerate(encounter.claims):
                key = claim_keys[p, n]
                claims_by_key[key] = claim
                coverage_key = coverage_by_order.get(claim.payer_order)
                if coverage_key is None and encounter.coverages:
                    raise EdiError(f"encounter {encounter.key}: claim {claim.patient_control_number} is for payer "
                                   f"order {claim.payer_order}, but the encounter has no coverage of that order")
                claim_rows[key] = _claim_row(claim, key, encounter_ids[p],
                                             coverage_ids[coverage_key] if coverage_key else None,
                                             _payer_of(encounter, claim)) | stamp
        insert_ignore(self.conn, t.claims, list(claim_rows.values()), ["claim_key"])
        claim_ids.update(ids_by(self.conn, t.claims.c.claim_key, list(claim_rows)))
        insert_ignore(self.conn, t.claim_lines, [_line_row(claim_ids[key], claim, line)
                                                 for key, claim in claims_by_key.items() for line in claim.lines],
                      ["claim_id", "line_number"])
        return encounter_ids

    def _insert_people(self, encounters: Iterable[Encounter], stamp: dict[str, Any]) -> dict[str, int]:
        """Patients, guarantors and subscribers as accounts (the first record of a person stays); ids by key."""
        people: dict[str, Person] = {}
        for encounter in encounters:
            others = [c.subscriber for c in encounter.coverages] + [encounter.guarantor]
            for person in [encounter.patient, *others]:
                if person is not None:
                    people.setdefault(person.key, person)
        insert_ignore(self.conn, t.accounts, [_account_row(p) | stamp for p in people.values()], ["account_key"])
        return ids_by(self.conn, t.accounts.c.account_key, list(people))

    # ------------------------------------------------------------ submissions and status
    def record_submission(self, submission: Submission) -> RecordedSubmission:
        """Record an interchange sent and the claims in it (each claim also gets a ``submitted`` status event).
        The same interchange (sender, receiver, ISA13) recorded again adds nothing."""
        source_id = self.source_ids([submission.source])[submission.source.sha256]
        when = submission.submitted_at or utc_now()
        (sender_q, sender_id), (receiver_q, receiver_id) = submission.sender, submission.receiver
        stmt = _dialect_insert(self.conn, t.submissions).values(
            source_id=source_id, file_name=submission.source.name[-500:], receiver_name=submission.receiver_name,
            sender_qualifier=sender_q, sender_id=sender_id, receiver_qualifier=receiver_q, receiver_id=receiver_id,
            interchange_control_number=submission.interchange_control_number,
            usage_indicator=submission.usage_indicator, submitted_at=when, run_id=self.run_id,
            recorded_at=utc_now(),
        ).on_conflict_do_nothing(index_elements=["sender_qualifier", "sender_id", "receiver_qualifier", "receiver_id",
                                                 "interchange_control_number"]).returning(t.submissions.c.id)
        new_id = self.conn.execute(stmt).scalar()
        if new_id is None:
            existing = self.conn.execute(select(t.submissions.c.id).where(
                t.submissions.c.sender_qualifier == sender_q, t.submissions.c.sender_id == sender_id,
                t.submissions.c.receiver_qualifier == receiver_q, t.submissions.c.receiver_id == receiver_id,
                t.submissions.c.interchange_control_number == submission.interchange_control_number)).scalar_one()
            return RecordedSubmission(existing, new=False)
        for chunk in _chunks(submission.claims, CHUNK):
            bulk_insert(self.conn, t.submission_claims, [
                {"submission_id": new_id, "claim_id": c.claim_id, "group_control_number": c.group_control_number,
                 "transaction_control_number": c.transaction_control_number} for c in chunk])
        self.record_status(StatusEvent(c.claim_id, ClaimStatus.SUBMITTED, f"submitted:{new_id}:{c.claim_id}", when,
                                       source=submission.source,
                                       source_ref=f"ISA13 {submission.interchange_control_number} GS06 "
                                                  f"{c.group_control_number} ST02 {c.transaction_control_number}")
                           for c in submission.claims)
        get_logger(__name__).info("ledger.submission", run=self.run_id, submission=new_id,
                                  isa13=submission.interchange_control_number, claims=len(submission.claims))
        return RecordedSubmission(new_id, new=True)

    def record_status(self, events: Iterable[StatusEvent]) -> int:
        """Record status events; an event whose key was recorded before is skipped. Returns how many were new."""
        added = 0
        now = utc_now()
        for chunk in _chunks(events, CHUNK):
            keys = [event.key for event in chunk]
            known = ids_by(self.conn, t.claim_status_events.c.event_key, keys)
            fresh = {event.key: event for event in chunk if event.key not in known}
            source_ids = self.source_ids(e.source for e in fresh.values() if e.source is not None)
            insert_ignore(self.conn, t.claim_status_events, [
                {"event_key": e.key, "claim_id": e.claim_id, "status": ClaimStatus(e.status).value,
                 "occurred_at": e.occurred_at or now, "reason_code": e.reason_code, "reason": _cut(e.reason, 1000),
                 "source_id": source_ids[e.source.sha256] if e.source else None,
                 "source_ref": _cut(e.source_ref, 200), "run_id": self.run_id, "recorded_at": now}
                for e in fresh.values()], ["event_key"])
            added += len(fresh)
        return added

    def record_findings(self, encounter_id: int, findings: Iterable[ScrubFinding]) -> None:
        """Record the scrubber's findings on an encounter, under this journal's run (start one first)."""
        if self.run_id is None:
            raise EdiError("record_findings needs a run: call journal.start_run(kind) first")
        now = utc_now()
        for chunk in _chunks(findings, CHUNK):
            bulk_insert(self.conn, t.scrub_findings, [
                {"run_id": self.run_id, "encounter_id": encounter_id, "claim_id": f.claim_id,
                 "line_number": f.line_number, "code": f.code, "severity": f.severity, "root_cause": f.root_cause,
                 "prevents": f.prevents, "field": _cut(f.field, 120), "message": _cut(f.message, 1000),
                 "recorded_at": now} for f in chunk])


# ---------------------------------------------------------------- rows


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("edi")
    except PackageNotFoundError:
        return "unknown"


def _fingerprint(encounter: Encounter) -> str:
    return hashlib.sha256(msgspec.json.encode(dataclasses.replace(encounter, source=None, source_ref=None)))\
        .hexdigest()


def _claim_key(encounter_print: str, claim: Claim) -> str:
    return hashlib.sha256(encounter_print.encode() + msgspec.json.encode(claim)).hexdigest()


_PERSON_FIELDS = [f.name for f in dataclasses.fields(Person) if f.name != "key"]


def _account_row(person: Person) -> dict[str, Any]:
    row = {name: getattr(person, name) for name in _PERSON_FIELDS}
    row["account_key"] = person.key
    return row


def _coverage_key(patient: Person, coverage: Any) -> str:
    parts = (patient.key, coverage.payer_id, coverage.member_id, coverage.relationship,
             coverage.subscriber.key if coverage.subscriber else "", str(coverage.effective_from or ""))
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _coverage_row(patient: Person, coverage: Any, account_ids: dict[str, int]) -> dict[str, Any]:
    subscriber = coverage.subscriber or patient
    return {"coverage_key": _coverage_key(patient, coverage), "patient_account_id": account_ids[patient.key],
            "subscriber_account_id": account_ids[subscriber.key], "relationship": coverage.relationship,
            "payer_id": coverage.payer_id, "payer_name": coverage.payer_name, "member_id": coverage.member_id,
            "group_number": coverage.group_number, "filing_indicator": coverage.filing_indicator,
            "effective_from": coverage.effective_from, "effective_to": coverage.effective_to}


def _encounter_row(fingerprint: str, e: Encounter, account_ids: dict[str, int],
                   source_ids: dict[str, int]) -> dict[str, Any]:
    return {"fingerprint": fingerprint, "encounter_key": e.key, "claim_type": e.claim_type,
            "patient_account_id": account_ids[e.patient.key],
            "guarantor_account_id": account_ids[e.guarantor.key] if e.guarantor else None,
            "service_from": e.service_from, "service_to": e.service_to, "facility_code": e.facility_code,
            "billing_npi": e.billing_npi, "rendering_npi": e.rendering_npi, "document": e.document,
            "source_id": source_ids[e.source.sha256] if e.source else None, "source_ref": _cut(e.source_ref, 200)}


def _payer_of(encounter: Encounter, claim: Claim) -> str:
    for coverage in encounter.coverages:
        if coverage.order == claim.payer_order:
            return coverage.payer_id
    return ""   # an encounter recorded without coverages (e.g. imported from another system's 837)


def _claim_row(claim: Claim, key: str, encounter_id: int, coverage_id: int | None, payer_id: str) -> dict[str, Any]:
    return {"claim_key": key, "encounter_id": encounter_id, "coverage_id": coverage_id,
            "payer_order": claim.payer_order, "payer_id": payer_id,
            "patient_control_number": claim.patient_control_number, "frequency_code": claim.frequency_code,
            "original_claim_number": claim.original_claim_number, "total_charge": claim.total_charge,
            "billing_npi": claim.billing_npi, "rendering_npi": claim.rendering_npi,
            "service_from": claim.service_from, "service_to": claim.service_to}


def _line_row(claim_id: int, claim: Claim, line: Any) -> dict[str, Any]:
    if len(line.modifiers) > 4:
        raise EdiError(f"claim {claim.patient_control_number} line {line.line_number}: at most 4 modifiers, "
                       f"got {len(line.modifiers)}")
    modifiers = (*line.modifiers, None, None, None, None)
    return {"claim_id": claim_id, "line_number": line.line_number, "line_control_number": line.line_control_number,
            "procedure_code": line.procedure_code, "modifier_1": modifiers[0], "modifier_2": modifiers[1],
            "modifier_3": modifiers[2], "modifier_4": modifiers[3], "revenue_code": line.revenue_code,
            "units": line.units, "unit_basis": line.unit_basis, "charge": line.charge,
            "service_from": line.service_from, "service_to": line.service_to or line.service_from,
            "provider_npi": line.provider_npi or claim.rendering_npi or claim.billing_npi,
            "diagnosis_pointers": ",".join(map(str, line.diagnosis_pointers)) or None, "ndc": line.ndc}


# ---------------------------------------------------------------- helpers shared by the writers


def _dialect_insert(conn: Connection, table: Table) -> Any:
    return (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(table)


def insert_ignore(conn: Connection, table: Table, rows: list[dict[str, Any]], keys: list[str]) -> None:
    """INSERT … ON CONFLICT (keys) DO NOTHING: what is already there (also from a concurrent writer) stays."""
    for chunk in _chunks(rows, CHUNK):
        bulk_insert(conn, table, chunk, tuple(keys))


def ids_by(conn: Connection, column: Any, keys: Sequence[Any]) -> dict[Any, int]:
    """``{key: id}`` of the rows whose ``column`` (a text key) is one of ``keys`` (looked up a chunk at a time)."""
    found: dict[Any, int] = {}
    for chunk in _chunks(list(dict.fromkeys(keys)), CHUNK):
        found.update(ids_by_key(conn, column, chunk))
    return found


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _cut(text: str | None, limit: int) -> str | None:
    return text if text is None or len(text) <= limit else text[: limit - 1] + "…"
