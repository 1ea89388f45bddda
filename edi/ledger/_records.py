"""What the ledger is given and what it answers: small frozen values in the ledger's own words (no X12, no ORM).

The mapping layer turns its encounter and claim models into these records (one small function); the ledger never
imports those models, so either side can change without the other.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Literal

from edi.errors import EdiError


class ClaimStatus(StrEnum):
    """A claim's status events; the current status is the latest event (by ``occurred_at``, then insertion)."""

    BUILT = "built"                  # mapped and batched, not yet sent
    HELD = "held"                    # stopped by the scrubber
    SUBMITTED = "submitted"          # written into an interchange (recorded with the submission)
    ACCEPTED = "accepted"            # 999 / 277CA accepted it
    REJECTED = "rejected"            # 999 / TA1 / 277CA rejected it at the front door: never reached adjudication
    PENDING = "pending"              # the payer adjudicates (277 pended)
    PAID = "paid"
    PARTIALLY_PAID = "partially_paid"
    DENIED = "denied"
    REVERSED = "reversed"
    FORWARDED = "forwarded"          # crossed over to the next payer
    REPLACED = "replaced"            # a frequency-7 claim replaced it
    VOIDED = "voided"                # a frequency-8 claim voided it


NOT_PENDING_AT_PAYER = frozenset({ClaimStatus.REJECTED, ClaimStatus.DENIED, ClaimStatus.VOIDED,
                                  ClaimStatus.REPLACED})
"""Statuses after which sending the same service again is not a duplicate claim."""


@dataclass(frozen=True, slots=True)
class Source:
    """A file that rows came from (or that a submission wrote), known by its SHA-256."""

    name: str
    sha256: str
    kind: str
    size: int | None = None

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[0-9a-f]{64}", self.sha256):
            raise EdiError(f"{self.name}: a source is named by its SHA-256 (64 hex digits), not {self.sha256!r}")

    @classmethod
    def of_bytes(cls, name: str, data: bytes, kind: str) -> Source:
        return cls(name, hashlib.sha256(data).hexdigest(), kind, len(data))

    @classmethod
    def of_file(cls, path: Path, kind: str) -> Source:
        digest = hashlib.sha256()
        size = 0
        with path.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
        return cls(path.name, digest.hexdigest(), kind, size)


@dataclass(frozen=True, slots=True)
class Person:
    """A patient, subscriber or guarantor: what billing needs to address a claim or a statement. ``key`` is the
    practice's account number or MRN (or one derived from payer + member id + date of birth)."""

    key: str
    last_name: str
    first_name: str | None = None
    middle_name: str | None = None
    name_suffix: str | None = None
    birth_date: date | None = None
    sex: str | None = None
    address_line_1: str | None = None
    address_line_2: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None


@dataclass(frozen=True, slots=True)
class Coverage:
    """One of the patient's coverages; ``order`` 1 is primary. ``subscriber`` None: the patient is the
    subscriber (relationship 18)."""

    order: int
    payer_id: str
    payer_name: str
    member_id: str
    relationship: str = "18"
    subscriber: Person | None = None
    group_number: str | None = None
    filing_indicator: str | None = None
    effective_from: date | None = None
    effective_to: date | None = None


@dataclass(frozen=True, slots=True)
class Line:
    """A service line as sent. ``provider_npi`` None: the claim's rendering provider, else its billing provider."""

    line_number: int
    line_control_number: str
    charge: Decimal
    units: Decimal
    service_from: date
    service_to: date | None = None
    procedure_code: str | None = None
    modifiers: tuple[str, ...] = ()
    unit_basis: str = "UN"
    revenue_code: str | None = None
    provider_npi: str | None = None
    diagnosis_pointers: tuple[int, ...] = ()
    ndc: str | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    """A claim to one payer for an encounter: ``payer_order`` names the coverage (1 primary …)."""

    patient_control_number: str
    payer_order: int
    total_charge: Decimal
    billing_npi: str
    service_from: date
    service_to: date
    lines: tuple[Line, ...]
    frequency_code: str = "1"
    original_claim_number: str | None = None
    rendering_npi: str | None = None


@dataclass(frozen=True, slots=True)
class Encounter:
    """A coded encounter with the claims made from it. ``guarantor`` is who is billed for what the patient owes
    (None: the patient, or the primary subscriber for a dependent). ``document`` is the encounter as given (JSON
    text), kept so later claims (secondary, corrected) can be rebuilt; ``source_ref`` says where in ``source`` it
    was."""

    key: str
    claim_type: Literal["professional", "institutional"]
    patient: Person
    service_from: date
    service_to: date
    billing_npi: str
    coverages: tuple[Coverage, ...] = ()
    claims: tuple[Claim, ...] = ()
    facility_code: str | None = None
    rendering_npi: str | None = None
    guarantor: Person | None = None
    document: str | None = None
    source: Source | None = field(default=None, compare=False)
    source_ref: str | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class RecordedClaim:
    claim_id: int
    patient_control_number: str
    payer_order: int


@dataclass(frozen=True, slots=True)
class RecordedEncounter:
    """What recording an encounter gave: its row, its claims' rows, and whether it was new (False: the same
    encounter was recorded before, and nothing was added)."""

    key: str
    encounter_id: int
    claims: tuple[RecordedClaim, ...]
    new: bool


@dataclass(frozen=True, slots=True)
class SubmittedClaim:
    claim_id: int
    group_control_number: str          # GS06
    transaction_control_number: str    # ST02


@dataclass(frozen=True, slots=True)
class Submission:
    """An interchange written for a receiver: the file by its hash, the interchange ids and control number, and
    where each claim went."""

    source: Source
    receiver_name: str
    sender: tuple[str, str]            # (qualifier, id): ISA05, ISA06
    receiver: tuple[str, str]          # ISA07, ISA08
    interchange_control_number: str    # ISA13
    claims: tuple[SubmittedClaim, ...]
    usage_indicator: str = "P"
    submitted_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class RecordedSubmission:
    submission_id: int
    new: bool                          # False: this interchange was recorded before; nothing was added


@dataclass(frozen=True, slots=True)
class StatusEvent:
    """A claim's status changed. ``key`` makes the event idempotent: e.g. ``277ca:<sha256>:<claim>``."""

    claim_id: int
    status: ClaimStatus
    key: str
    occurred_at: datetime | None = None
    reason_code: str | None = None
    reason: str | None = None
    source: Source | None = None
    source_ref: str | None = None


@dataclass(frozen=True, slots=True)
class ScrubFinding:
    """A scrubber finding on an encounter (and its claim or line when known)."""

    code: str
    severity: str
    root_cause: str
    message: str
    field: str | None = None
    line_number: int | None = None
    claim_id: int | None = None
    prevents: str | None = None


# ---------------------------------------------------------------- answers


@dataclass(frozen=True, slots=True)
class DuplicateClaim:
    """An earlier submitted claim line for the same patient, provider, date and procedure."""

    claim_id: int
    patient_control_number: str
    line_control_number: str
    procedure_code: str
    modifiers: tuple[str, ...]
    service_date: date
    status: ClaimStatus
    submitted_at: datetime
    file_name: str
    interchange_control_number: str


@dataclass(frozen=True, slots=True)
class SubmissionRef:
    """Where a claim was sent: file, receiver and control numbers."""

    claim_id: int
    patient_control_number: str
    frequency_code: str
    file_name: str
    receiver_name: str
    interchange_control_number: str
    group_control_number: str
    transaction_control_number: str
    submitted_at: datetime
    payer_order: int = 1               # the coverage it was billed to (1 primary, 2 secondary …)


@dataclass(frozen=True, slots=True)
class ClaimLineRef:
    """A claim line found by its line item control number (REF*6R)."""

    claim_id: int
    patient_control_number: str
    payer_id: str
    line_number: int
    line_control_number: str
    procedure_code: str | None
    modifiers: tuple[str, ...]
    charge: Decimal
    units: Decimal
    service_from: date


@dataclass(frozen=True, slots=True)
class EnrollmentCheck:
    """Whether an NPI is enrolled with a payer on a date, and why not: ``roster_known`` False means no roster
    names the payer (so the answer says nothing about the provider)."""

    npi: str
    payer_id: str
    on: date
    enrolled: bool
    roster_known: bool
    reason: str
