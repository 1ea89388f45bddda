"""Acknowledgment models → built segments: the 999 body, the 277CA body (HL numbers filled in), TA1s and a
TA1 interchange."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from edi.models._base import RawSegment, Unheld, absent, fill, text
from edi.models.common import Party, name_segments

_NO_NAME = Party(entity="")  # a level read without its name loop
from edi.x12 import ControlNumbers, Delimiters, GroupContent, InterchangeHeader, build_interchange
from edi.x12._writer import Built

if TYPE_CHECKING:
    from edi.models.acks import (AcknowledgedClaim, AcknowledgedLine, ClaimAcknowledgment, ElementError,
                                 ErrorContext, FunctionalGroupAck, InformationReceiver, InformationSource,
                                 InterchangeAck, Patient, ProviderOfService, SegmentError, Status, Trace,
                                 TransactionAck)


def _number(value: int | None) -> str:
    return "" if value is None else str(value)


def _raw(extra: Iterable[RawSegment]) -> Iterator[Built]:
    for seg in extra:
        yield seg


# -- 999 ---------------------------------------------------------------------------------------------------
DERIVED = frozenset({"HL01", "HL02", "HL03", "HL04", "AK902", "AK903", "AK904"})  # written as read, when kept


def _single(seg: Built, unheld: Unheld) -> Iterator[Built]:
    """A single segment with what its model does not hold put back, unless the model was read without it."""
    if not absent(unheld, seg[0]):  # type: ignore[arg-type]
        yield fill(seg, unheld, DERIVED) if unheld else seg  # type: ignore[arg-type]


def functional_group_ack(ack: FunctionalGroupAck) -> Iterator[Built]:
    yield from _single(("AK1", ack.functional_id, ack.group_control_number, ack.version), ack.unheld)
    yield from _raw(ack.extra)
    for transaction in ack.transactions:
        yield from _transaction_ack(transaction)
    included = ack.included_count if ack.included_count is not None else len(ack.transactions)
    received = ack.received_count if ack.received_count is not None else len(ack.transactions)
    accepted = ack.accepted_count if ack.accepted_count is not None else len(ack.accepted)
    yield from _single(("AK9", ack.code, str(included), str(received), str(accepted), *ack.error_codes), ack.unheld)


def _transaction_ack(t: TransactionAck) -> Iterator[Built]:
    yield from _single(("AK2", t.set_id, t.control_number, t.guide), t.unheld)
    yield from _raw(t.extra)
    for error in t.segment_errors:
        yield from _segment_error(error)
    yield from _single(("IK5", t.code, *t.error_codes), t.unheld)


def _segment_error(e: SegmentError) -> Iterator[Built]:
    yield from _single(("IK3", e.segment_id, _number(e.position), e.loop_id, e.code), e.unheld)
    yield from (_context(c) for c in e.contexts)
    yield from _raw(e.extra)
    for element in e.element_errors:
        yield from _element_error(element)


def _element_error(e: ElementError) -> Iterator[Built]:
    position = (_number(e.element_position), _number(e.component_position), _number(e.repetition_position))
    yield from _single(("IK4", position, e.element_reference, e.code, e.bad_data), e.unheld)
    yield from (_context(c) for c in e.contexts)
    yield from _raw(e.extra)


def _context(c: ErrorContext) -> Built:
    position = (_number(c.element_position), _number(c.component_position), _number(c.repetition_position))
    return fill(("CTX", (c.name, c.reference), c.segment_id, _number(c.segment_position), c.loop_id, position,
                 c.element_reference), c.unheld)


# -- TA1 ---------------------------------------------------------------------------------------------------
def ta1_segment(ack: InterchangeAck) -> Built:
    """The TA1 segment of an interchange acknowledgment (TA102 as YYMMDD)."""
    when = ack.interchange_date.strftime("%y%m%d") if ack.interchange_date is not None else ""
    return fill(("TA1", ack.control_number, when, ack.interchange_time, ack.code, ack.note_code), ack.unheld)


def ta1_interchange(acks: Iterable[InterchangeAck], header: InterchangeHeader, numbers: ControlNumbers,
                    delimiters: Delimiters, groups: Iterable[GroupContent] = ()) -> Iterator[Built]:
    """ISA, the TA1s, then ``groups`` (none for a TA1-only interchange, IEA01 = 0) and IEA."""
    segments = build_interchange(groups, header, numbers, delimiters)
    yield next(segments)
    for ack in acks:
        yield ta1_segment(ack)
    yield from segments


# -- 277CA -------------------------------------------------------------------------------------------------
def claim_acknowledgment(ack: ClaimAcknowledgment) -> Iterator[Built]:
    yield from _single(("BHT", ack.structure, ack.purpose, ack.reference, text(ack.created), ack.created_time,
                        ack.transaction_type), ack.unheld)
    yield from _raw(ack.extra)
    numbers = itertools.count(1)
    for src in ack.information_sources:
        yield from _information_source(src, numbers)


def _hl(own: int, parent: str, code: str, child: str | None, unheld: Unheld) -> tuple[Built, str]:
    """An HL and the number it is written with (as read, when the file numbered it otherwise)."""
    built = ("HL", str(own), parent, code) if child is None else ("HL", str(own), parent, code, child)
    seg = fill(built, unheld, DERIVED) if unheld else built
    return seg, str(seg[1])


def _name(party: Party) -> Iterator[Built]:
    """The NM1 loop of a level; none for an empty party (a level read without one)."""
    if party != _NO_NAME:
        yield from name_segments(party)


def _information_source(src: InformationSource, numbers: Iterator[int]) -> Iterator[Built]:
    hl, own = _hl(next(numbers), "", "20", "1", src.unheld)
    yield hl
    yield from _name(src.name)
    if src.trace is not None:
        yield _trn(src.trace)
    if src.received is not None:
        yield ("DTP", "050", "D8", text(src.received))
    if src.processed is not None:
        yield ("DTP", "009", "D8", text(src.processed))
    yield from _raw(src.extra)
    for receiver in src.receivers:
        yield from _receiver(receiver, own, numbers)


def _receiver(r: InformationReceiver, parent: str, numbers: Iterator[int]) -> Iterator[Built]:
    hl, own = _hl(next(numbers), parent, "21", "1" if r.providers else "0", r.unheld)
    yield hl
    yield from _name(r.name)
    if r.trace is not None:
        yield _trn(r.trace)
    yield from (_stc(s) for s in r.statuses)
    yield from _totals(r.accepted_quantity, r.rejected_quantity, r.accepted_amount, r.rejected_amount, "90", "AA")
    yield from _raw(r.extra)
    for provider in r.providers:
        yield from _provider(provider, own, numbers)


def _provider(p: ProviderOfService, parent: str, numbers: Iterator[int]) -> Iterator[Built]:
    hl, own = _hl(next(numbers), parent, "19", "1", p.unheld)
    yield hl
    yield from _name(p.name)
    if p.trace is not None:
        yield _trn(p.trace)
    yield from (_stc(s) for s in p.statuses)
    if p.secondary_id is not None:
        yield ("REF", p.secondary_id.qualifier, p.secondary_id.value, p.secondary_id.description)
    yield from _totals(p.accepted_quantity, p.rejected_quantity, p.accepted_amount, p.rejected_amount, "QA", "QC")
    yield from _raw(p.extra)
    for patient in p.patients:
        yield from _patient(patient, own, numbers)


def _patient(p: Patient, parent: str, numbers: Iterator[int]) -> Iterator[Built]:
    hl, _ = _hl(next(numbers), parent, "PT", None, p.unheld)
    yield hl
    yield from _name(p.name)
    yield from _raw(p.extra)
    for claim in p.claims:
        yield from _claim(claim)


def _claim(c: AcknowledgedClaim) -> Iterator[Built]:
    if c.trace is not None:
        yield _trn(c.trace)
    yield from (_stc(s) for s in c.statuses)
    for qualifier, value in (("1K", c.payer_claim_control_number), ("D9", c.clearinghouse_trace_number),
                             ("BLT", c.bill_type)):
        if value:
            yield ("REF", qualifier, value)
    yield from _dtp472(c.service_from, c.service_to)
    yield from _raw(c.extra)
    for line in c.lines:
        yield from _line(line)


def _line(line: AcknowledgedLine) -> Iterator[Built]:
    yield from _single(("SVC", line.procedure, text(line.charge), text(line.payment), line.revenue_code,
                        text(line.units), "", text(line.original_units)), line.unheld)
    yield from (_stc(s) for s in line.statuses)
    if line.line_item_control_number:
        yield ("REF", "FJ", line.line_item_control_number)
    if line.prescription_number:
        yield ("REF", "XZ", line.prescription_number)
    yield from _dtp472(line.service_from, line.service_to)
    yield from _raw(line.extra)


def _trn(trace: Trace) -> Built:
    return fill(("TRN", trace.type, trace.number, trace.originator, trace.reference), trace.unheld)


def _stc(s: Status) -> Built:
    composites = [(i.category, i.status, i.entity, i.code_list_qualifier) for i in s.codes]
    first = composites[0] if composites else ""
    rest = composites[1:3]
    return fill(("STC", first, text(s.effective), s.action, text(s.charge), text(s.payment), text(s.adjudicated),
                 s.payment_method, text(s.check_issued), s.check_number, *rest, *([""] * (2 - len(rest))),
                 s.message), s.unheld)


def _totals(accepted_qty: Decimal | None, rejected_qty: Decimal | None, accepted: Decimal | None,
            rejected: Decimal | None, accepted_code: str, rejected_code: str) -> Iterator[Built]:
    if accepted_qty is not None:
        yield ("QTY", accepted_code, text(accepted_qty))
    if rejected_qty is not None:
        yield ("QTY", rejected_code, text(rejected_qty))
    if accepted is not None:
        yield ("AMT", "YU", text(accepted))
    if rejected is not None:
        yield ("AMT", "YY", text(rejected))


def _dtp472(start: date | None, end: date | None) -> Iterator[Built]:
    if start is None and end is None:
        return
    if start == end or end is None:
        yield ("DTP", "472", "D8", text(start))
    else:
        yield ("DTP", "472", "RD8", f"{text(start)}-{text(end)}")
