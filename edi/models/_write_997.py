"""The 997 model → built segments: AK1, per transaction AK2 / AK3 / AK4 / AK5, and AK9."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from edi.x12._writer import Built

if TYPE_CHECKING:
    from edi.models.acks import ElementError, FunctionalAcknowledgment, SegmentError, TransactionAck


def _number(value: int | None) -> str:
    return "" if value is None else str(value)


def functional_acknowledgment(ack: FunctionalAcknowledgment) -> Iterator[Built]:
    yield ("AK1", ack.functional_id, ack.group_control_number, ack.version)
    yield from (seg.elements for seg in ack.extra)
    for transaction in ack.transactions:
        yield from _transaction(transaction)
    included = ack.included_count if ack.included_count is not None else len(ack.transactions)
    received = ack.received_count if ack.received_count is not None else len(ack.transactions)
    accepted = ack.accepted_count if ack.accepted_count is not None else len(ack.accepted)
    yield ("AK9", ack.code, str(included), str(received), str(accepted), *ack.error_codes)


def _transaction(t: TransactionAck) -> Iterator[Built]:
    yield ("AK2", t.set_id, t.control_number, t.guide)
    yield from (seg.elements for seg in t.extra)
    for error in t.segment_errors:
        yield from _segment(error)
    yield ("AK5", t.code, *t.error_codes)


def _segment(e: SegmentError) -> Iterator[Built]:
    yield ("AK3", e.segment_id, _number(e.position), e.loop_id, e.code)
    yield from (seg.elements for seg in e.extra)
    for element in e.element_errors:
        yield from _element(element)


def _element(e: ElementError) -> Iterator[Built]:
    position = (_number(e.element_position), _number(e.component_position), _number(e.repetition_position))
    yield ("AK4", position, e.element_reference, e.code, e.bad_data)
    yield from (seg.elements for seg in e.extra)
