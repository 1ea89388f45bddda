"""Acknowledgment models: the 999 implementation acknowledgment (005010X231A1), the TA1 interchange
acknowledgment and the 277CA claim acknowledgment (005010X214).

Readers are in ``_read_acks`` and writers in ``_write_acks``; ``body()`` here only hands over to them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from edi.models import _write_acks
from edi.models._base import Model, RawSegment, Source, TransactionModel, Unheld
from edi.models.codes import AckCode
from edi.models.common import Party, Reference
from edi.x12._writer import Built

# 999: IK501 / AK901 codes under which a transaction set counts as accepted.
ACCEPTED_ACK_CODES = frozenset({"A", "E"})
# 277CA: claim status category codes (code source 507) that mean the claim went on, or came back.
ACCEPTED_CATEGORIES = frozenset({"A0", "A1", "A2", "A5"})
REJECTED_CATEGORIES = frozenset({"A3", "A4", "A6", "A7", "A8"})


# -- 999 ---------------------------------------------------------------------------------------------------
class ErrorContext(Model):
    """A CTX: the business unit an error belongs to ("CLM01", "ABC123") or the segment that triggers a rule."""

    name: str                            # CTX01-1: CLM01, NM109, TRN02 … or SITUATIONAL TRIGGER
    reference: str = ""                  # CTX01-2: the business unit's value, e.g. the claim's CLM01
    segment_id: str = ""                 # CTX02
    segment_position: int | None = None  # CTX03: position in the transaction set, ST being 1
    loop_id: str = ""                    # CTX04
    element_position: int | None = None  # CTX05-1
    component_position: int | None = None   # CTX05-2
    repetition_position: int | None = None  # CTX05-3
    element_reference: str = ""          # CTX06-1: data element reference number
    unheld: Unheld = ()                  # CTX elements no field holds, as read
    source: Source | None = None

    @property
    def business_unit(self) -> bool:
        """True for a business unit identifier (CTX*CLM01:…), False for a segment context."""
        return not self.segment_id


class ElementError(Model):
    """An IK4 (loop 2110): one bad element of a bad segment, with its own contexts."""

    code: str                            # IK403: 1 missing, 7 invalid code value, 8 invalid date, I12 …
    element_position: int | None = None  # IK401-1
    component_position: int | None = None   # IK401-2
    repetition_position: int | None = None  # IK401-3
    element_reference: str = ""          # IK402: data element reference number
    bad_data: str = ""                   # IK404: copy of the bad data element
    contexts: tuple[ErrorContext, ...] = ()   # CTX
    extra: tuple[RawSegment, ...] = ()
    unheld: Unheld = ()                  # IK4 elements no field holds, as read
    source: Source | None = None


class SegmentError(Model):
    """An IK3 (loop 2100): one bad segment, its contexts and its bad elements."""

    segment_id: str                      # IK301
    position: int | None = None          # IK302: position in the transaction set, ST being 1
    loop_id: str = ""                    # IK303
    code: str = ""                       # IK304: 1 unrecognized, 2 unexpected, 3 missing, 8 element errors …
    contexts: tuple[ErrorContext, ...] = ()       # CTX: business unit, then segment contexts
    element_errors: tuple[ElementError, ...] = ()  # loop 2110
    extra: tuple[RawSegment, ...] = ()
    unheld: Unheld = ()                  # IK3 elements no field holds, as read
    source: Source | None = None


class TransactionAck(Model):
    """Loop 2000: the response to one transaction set (AK2 … IK5)."""

    set_id: str                          # AK201: 837, 835 …
    control_number: str                  # AK202: the acknowledged ST02
    guide: str = ""                      # AK203: the acknowledged ST03
    segment_errors: tuple[SegmentError, ...] = ()  # loop 2100
    code: str = ""                       # IK501: A, E, M, R, W, X
    error_codes: tuple[str, ...] = ()    # IK502–IK506
    extra: tuple[RawSegment, ...] = ()
    unheld: Unheld = ()                  # AK2, IK5 elements no field holds, as read
    source: Source | None = None

    @property
    def status(self) -> AckCode | None:
        return AckCode.of(self.code)

    @property
    def accepted(self) -> bool:
        """Accepted, with or without noted errors (IK501 A or E)."""
        return self.code in ACCEPTED_ACK_CODES


class FunctionalGroupAck(TransactionModel, kw_only=True):
    """A 999: the response to one functional group (AK1), per transaction set (AK2 … IK5), and overall (AK9).

    AK902–AK904 left as None are counted from ``transactions`` when written."""

    SET_ID = "999"
    FUNCTIONAL_ID = "FA"
    GUIDE = "005010X231A1"

    functional_id: str                   # AK101: GS01 of the acknowledged group (HC, HP …)
    group_control_number: str            # AK102: its GS06
    version: str = ""                    # AK103: its GS08
    transactions: tuple[TransactionAck, ...] = ()  # loop 2000
    code: str = ""                       # AK901: A, E, M, P, R, W, X
    included_count: int | None = None    # AK902: transaction sets in the group (its GE01)
    received_count: int | None = None    # AK903
    accepted_count: int | None = None    # AK904
    error_codes: tuple[str, ...] = ()    # AK905–AK909
    extra: tuple[RawSegment, ...] = ()
    unheld: Unheld = ()                  # AK1, AK9 elements no field holds, as read
    source: Source | None = None

    @property
    def status(self) -> AckCode | None:
        return AckCode.of(self.code)

    @property
    def accepted(self) -> list[TransactionAck]:
        return [t for t in self.transactions if t.accepted]

    @property
    def rejected(self) -> list[TransactionAck]:
        return [t for t in self.transactions if not t.accepted]

    def body(self) -> Iterator[Built]:
        return _write_acks.functional_group_ack(self)


# -- TA1 ---------------------------------------------------------------------------------------------------
class InterchangeAck(Model):
    """A TA1: the receipt of one interchange, inside an interchange envelope but outside any group."""

    control_number: str                  # TA101: the acknowledged ISA13
    interchange_date: date | None = None  # TA102: its ISA09 (YYMMDD)
    interchange_time: str = ""           # TA103: its ISA10 (HHMM)
    code: str = ""                       # TA104: A accepted, E accepted with errors, R rejected
    note_code: str = ""                  # TA105: 000 no error, 001 ISA13/IEA02 mismatch, 024 invalid content …
    unheld: Unheld = ()                  # TA1 elements no field holds, as read
    source: Source | None = None

    @property
    def status(self) -> AckCode | None:
        return AckCode.of(self.code)

    @property
    def accepted(self) -> bool:
        return self.code in ACCEPTED_ACK_CODES


# -- 277CA -------------------------------------------------------------------------------------------------
class StatusInfo(Model):
    """One health care claim status composite (STC01, STC10 or STC11)."""

    category: str                        # -1: A1 received, A2 accepted, A3 returned, A7 invalid information …
    status: str = ""                     # -2: status code, e.g. 20 accepted for processing, 21 missing info
    entity: str = ""                     # -3: entity identifier code: PR payer, 85 billing provider, IL …
    code_list_qualifier: str = ""        # -4: not used in 005010X214

    @property
    def accepted(self) -> bool:
        return self.category in ACCEPTED_CATEGORIES

    @property
    def rejected(self) -> bool:
        return self.category in REJECTED_CATEGORIES


class Status(Model):
    """An STC: the status codes of a batch, a provider, a claim or a service line."""

    codes: tuple[StatusInfo, ...]        # STC01, STC10, STC11 (STC01 always first)
    effective: date | None = None        # STC02: status information effective date
    action: str = ""                     # STC03: WQ accepted, U rejected
    charge: Decimal | None = None        # STC04: total submitted charges (claim: CLM02)
    payment: Decimal | None = None       # STC05 (not used in 005010X214)
    adjudicated: date | None = None      # STC06 (not used)
    payment_method: str = ""             # STC07 (not used)
    check_issued: date | None = None     # STC08 (not used)
    check_number: str = ""               # STC09 (not used)
    message: str = ""                    # STC12: free-form message text
    unheld: Unheld = ()                  # STC elements no field holds, as read
    source: Source | None = None


class Trace(Model):
    """A TRN: a trace number; which one depends on the level (receipt, batch, provider, patient control)."""

    type: str                            # TRN01: 1 current transaction trace, 2 referenced transaction trace
    number: str                          # TRN02
    originator: str = ""                 # TRN03 (not used in 005010X214)
    reference: str = ""                  # TRN04 (not used)
    unheld: Unheld = ()                  # TRN elements no field holds, as read
    source: Source | None = None


def _codes(statuses: tuple[Status, ...]) -> tuple[StatusInfo, ...]:
    return tuple(info for status in statuses for info in status.codes)


def _is_rejected(statuses: tuple[Status, ...]) -> bool:
    return any(info.rejected for info in _codes(statuses))


def _is_accepted(statuses: tuple[Status, ...]) -> bool:
    return not _is_rejected(statuses) and any(info.accepted for info in _codes(statuses))


class AcknowledgedLine(Model):
    """Loop 2220D: the status of one service line."""

    procedure: tuple[str, ...] = ()      # SVC01: qualifier, code, modifiers…, (SVC01-7 description)
    charge: Decimal | None = None        # SVC02: line item charge amount
    payment: Decimal | None = None       # SVC03 (not used)
    revenue_code: str = ""               # SVC04
    units: Decimal | None = None         # SVC05 (not used)
    original_units: Decimal | None = None  # SVC07
    statuses: tuple[Status, ...] = ()    # STC
    line_item_control_number: str = ""   # REF*FJ: the 837's REF*6R
    prescription_number: str = ""        # REF*XZ
    service_from: date | None = None     # DTP*472
    service_to: date | None = None
    extra: tuple[RawSegment, ...] = ()
    unheld: Unheld = ()                  # SVC elements no field holds, as read
    source: Source | None = None

    @property
    def rejected(self) -> bool:
        return _is_rejected(self.statuses)


class AcknowledgedClaim(Model):
    """Loop 2200D: the status of one claim, found by its patient control number (the 837's CLM01)."""

    trace: Trace | None = None           # TRN: TRN02 is the patient control number
    statuses: tuple[Status, ...] = ()    # STC
    payer_claim_control_number: str = ""  # REF*1K (the 835's CLP07)
    clearinghouse_trace_number: str = ""  # REF*D9
    bill_type: str = ""                  # REF*BLT (institutional claims)
    service_from: date | None = None     # DTP*472
    service_to: date | None = None
    lines: tuple[AcknowledgedLine, ...] = ()   # loop 2220D
    extra: tuple[RawSegment, ...] = ()
    source: Source | None = None

    @property
    def patient_control_number(self) -> str:
        return self.trace.number if self.trace is not None else ""

    @property
    def codes(self) -> tuple[StatusInfo, ...]:
        return _codes(self.statuses)

    @property
    def total_charge(self) -> Decimal | None:
        return next((s.charge for s in self.statuses if s.charge is not None), None)

    @property
    def accepted(self) -> bool:
        """Some STC says received or accepted (A0, A1, A2, A5) and none says rejected."""
        return _is_accepted(self.statuses)

    @property
    def rejected(self) -> bool:
        """Some STC says returned or rejected (A3, A4, A6, A7, A8)."""
        return _is_rejected(self.statuses)


class Patient(Model):
    """Loop 2000D: a patient (2100D NM1*QC) and the status of their claims."""

    name: Party                          # 2100D NM1*QC
    claims: tuple[AcknowledgedClaim, ...] = ()  # loop 2200D
    extra: tuple[RawSegment, ...] = ()
    unheld: Unheld = ()                  # HL elements no field holds, as read
    source: Source | None = None


class ProviderOfService(Model):
    """Loop 2000C: a billing provider (2100C NM1*85), its status (2200C) and its patients."""

    name: Party                          # 2100C NM1*85
    trace: Trace | None = None           # 2200C TRN*1
    statuses: tuple[Status, ...] = ()    # 2200C STC
    secondary_id: Reference | None = None  # 2200C REF: TJ tax id, 0B, 1G, G2, LU, SY
    accepted_quantity: Decimal | None = None  # 2200C QTY*QA: claims accepted
    rejected_quantity: Decimal | None = None  # 2200C QTY*QC: claims rejected
    accepted_amount: Decimal | None = None    # 2200C AMT*YU: their total charges
    rejected_amount: Decimal | None = None    # 2200C AMT*YY
    patients: tuple[Patient, ...] = ()   # loop 2000D
    extra: tuple[RawSegment, ...] = ()
    unheld: Unheld = ()                  # HL elements no field holds, as read
    source: Source | None = None


class InformationReceiver(Model):
    """Loop 2000B: who the acknowledgment is for (2100B NM1*41), the batch status (2200B), its providers."""

    name: Party                          # 2100B NM1*41
    trace: Trace | None = None           # 2200B TRN*2: the claim transaction batch number (837 BHT03)
    statuses: tuple[Status, ...] = ()    # 2200B STC
    accepted_quantity: Decimal | None = None  # 2200B QTY*90: claims accepted
    rejected_quantity: Decimal | None = None  # 2200B QTY*AA: claims rejected
    accepted_amount: Decimal | None = None    # 2200B AMT*YU: their total charges
    rejected_amount: Decimal | None = None    # 2200B AMT*YY
    providers: tuple[ProviderOfService, ...] = ()  # loop 2000C
    extra: tuple[RawSegment, ...] = ()
    unheld: Unheld = ()                  # HL elements no field holds, as read
    source: Source | None = None


class InformationSource(Model):
    """Loop 2000A: the payer or clearinghouse acknowledging (2100A), its receipt (2200A), its receivers."""

    name: Party                          # 2100A NM1*PR payer or NM1*AY clearinghouse
    trace: Trace | None = None           # 2200A TRN*1: transmission receipt control identifier
    received: date | None = None         # 2200A DTP*050
    processed: date | None = None        # 2200A DTP*009
    receivers: tuple[InformationReceiver, ...] = ()  # loop 2000B
    extra: tuple[RawSegment, ...] = ()
    unheld: Unheld = ()                  # HL elements no field holds, as read
    source: Source | None = None


class ClaimStatusItem(Model):
    """One acknowledged claim with the levels above it: what a biller looks up by patient control number."""

    claim: AcknowledgedClaim
    patient: Party                       # 2100D
    provider: Party                      # 2100C
    receiver: Party                      # 2100B
    information_source: Party            # 2100A
    batch_trace_number: str = ""         # 2200B TRN02 (the 837's BHT03)
    receipt_trace_number: str = ""       # 2200A TRN02

    @property
    def patient_control_number(self) -> str:
        return self.claim.patient_control_number

    @property
    def codes(self) -> tuple[StatusInfo, ...]:
        return self.claim.codes

    @property
    def total_charge(self) -> Decimal | None:
        return self.claim.total_charge

    @property
    def payer_claim_control_number(self) -> str:
        return self.claim.payer_claim_control_number

    @property
    def clearinghouse_trace_number(self) -> str:
        return self.claim.clearinghouse_trace_number

    @property
    def accepted(self) -> bool:
        return self.claim.accepted

    @property
    def rejected(self) -> bool:
        return self.claim.rejected


class ClaimAcknowledgment(TransactionModel):
    """A 277CA: the front-end acceptance or rejection of each claim of an 837 batch."""

    SET_ID = "277"
    FUNCTIONAL_ID = "HN"
    GUIDE = "005010X214"

    reference: str = ""                  # BHT03: originator application transaction identifier
    created: date | None = None          # BHT04
    created_time: str = ""               # BHT05: HHMM or HHMMSS
    structure: str = "0085"              # BHT01: hierarchical structure code
    purpose: str = "08"                  # BHT02: transaction set purpose code
    transaction_type: str = "TH"         # BHT06: receipt acknowledgment advice
    information_sources: tuple[InformationSource, ...] = ()  # loop 2000A
    extra: tuple[RawSegment, ...] = ()
    unheld: Unheld = ()                  # BHT elements no field holds, as read
    source: Source | None = None

    @property
    def claims(self) -> tuple[ClaimStatusItem, ...]:
        """Every claim of every level, in file order, each with its patient, provider, receiver and source."""
        return tuple(_flat_claims(self))

    def body(self) -> Iterator[Built]:
        return _write_acks.claim_acknowledgment(self)


def _flat_claims(ack: ClaimAcknowledgment) -> Iterator[ClaimStatusItem]:
    for src in ack.information_sources:
        receipt = src.trace.number if src.trace is not None else ""
        for receiver in src.receivers:
            batch = receiver.trace.number if receiver.trace is not None else ""
            for provider in receiver.providers:
                for patient in provider.patients:
                    for claim in patient.claims:
                        yield ClaimStatusItem(claim=claim, patient=patient.name, provider=provider.name,
                                              receiver=receiver.name, information_source=src.name,
                                              batch_trace_number=batch, receipt_trace_number=receipt)


# -- 997 ---------------------------------------------------------------------------------------------------
class FunctionalAcknowledgment(TransactionModel, kw_only=True):
    """A 997: the syntax response to one functional group (AK1), per transaction set (AK2 … AK5), and overall
    (AK9) — the predecessor of the 999 (4010 and 5010 005010X230), still returned by many trading partners. Its
    levels hold what the 999's do: AK2/AK5 a :class:`TransactionAck`, AK3 a :class:`SegmentError`, AK4 an
    :class:`ElementError` (a 997 has no CTX).

    Reader in ``_read_997``, writer in ``_write_997``."""

    SET_ID = "997"
    FUNCTIONAL_ID = "FA"

    functional_id: str                   # AK101: GS01 of the acknowledged group (HC, HP …)
    group_control_number: str            # AK102: its GS06
    version: str = ""                    # AK103 (5010 only): its GS08
    transactions: tuple[TransactionAck, ...] = ()  # loop AK2
    code: str = ""                       # AK901: A, E, P, R
    included_count: int | None = None    # AK902
    received_count: int | None = None    # AK903
    accepted_count: int | None = None    # AK904
    error_codes: tuple[str, ...] = ()    # AK905–AK909
    guide: str = "004010"                # ST03, else GS08: 004010 …, 005010X230 (a 997 has no single version)
    extra: tuple[RawSegment, ...] = ()
    source: Source | None = None

    @property
    def USES_ST03(self) -> bool:  # type: ignore[override]  # ST03 exists from 5010 on
        return self.guide.startswith("00501")

    @property
    def status(self) -> AckCode | None:
        return AckCode.of(self.code)

    @property
    def accepted(self) -> list[TransactionAck]:
        return [t for t in self.transactions if t.accepted]

    @property
    def rejected(self) -> list[TransactionAck]:
        return [t for t in self.transactions if not t.accepted]

    def body(self) -> Iterator[Built]:
        from edi.models._write_997 import functional_acknowledgment
        return functional_acknowledgment(self)
