"""997 functional acknowledgments (4010, and 5010 005010X230) → :class:`FunctionalAcknowledgment`.

Read from the transaction's segments in order rather than its loops: a 997's levels follow from the segment ids
alone (AK2 opens a transaction response, AK3 a segment error, AK4 an element error of it, AK5 closes the
transaction response), so a 997 reads the same whether its loops were placed by a guide or not. Anything else
goes to the ``extra`` of the level it stands in, in file order.
"""

from __future__ import annotations

from edi.guide import TransactionTree
from edi.models._base import RawSegment, Source
from edi.models._raw import envelope_of, transaction_source
from edi.models._read_acks import _codes, _int
from edi.models.acks import ElementError, FunctionalAcknowledgment, SegmentError, TransactionAck
from edi.models.common import source_of
from edi.x12 import Segment


def read_997(tree: TransactionTree) -> FunctionalAcknowledgment:
    txn = transaction_source(tree)
    top: list[RawSegment] = []
    ak1 = ak9 = None
    transactions: list[TransactionAck] = []
    current: _Transaction | None = None
    for node in tree.segments():
        seg = node.segment
        sid = seg.id
        if sid in ("ST", "SE"):
            continue
        if sid == "AK1" and ak1 is None:
            ak1 = seg
        elif sid == "AK9" and ak9 is None:
            if current is not None:
                transactions.append(current.done(None, txn))
                current = None
            ak9 = seg
        elif sid == "AK2":
            if current is not None:
                transactions.append(current.done(None, txn))
            current = _Transaction(seg)
        elif current is not None and sid in ("AK3", "AK4", "AK5"):
            if sid == "AK5":
                transactions.append(current.done(seg, txn))
                current = None
            else:
                current.add(seg, txn)
        elif current is not None:
            current.other(seg)
        else:
            top.append(RawSegment(elements=seg.elements))
    if current is not None:
        transactions.append(current.done(None, txn))
    ak1 = ak1 or Segment.of(("AK1",))
    ak9 = ak9 or Segment.of(("AK9",))
    return FunctionalAcknowledgment(
        functional_id=ak1[1], group_control_number=ak1[2], version=ak1[3], transactions=tuple(transactions),
        code=ak9[1], included_count=_int(ak9[2]), received_count=_int(ak9[3]), accepted_count=_int(ak9[4]),
        error_codes=_codes(ak9, 5, 9), guide=tree.envelope.guide or "004010", extra=tuple(top), source=txn,
        envelope=envelope_of(tree.envelope))


class _Transaction:
    """An AK2 being read: its AK3s (each with its AK4s) and the segments no field holds."""

    def __init__(self, ak2: Segment) -> None:
        self.ak2 = ak2
        self.errors: list[tuple[Segment, list[Segment], list[RawSegment]]] = []
        self.extra: list[RawSegment] = []

    def add(self, seg: Segment, txn: Source) -> None:
        if seg.id == "AK3":
            self.errors.append((seg, [], []))
        elif self.errors:
            self.errors[-1][1].append(seg)
        else:
            self.extra.append(RawSegment(elements=seg.elements))   # an AK4 before any AK3

    def other(self, seg: Segment) -> None:
        target = self.errors[-1][2] if self.errors else self.extra
        target.append(RawSegment(elements=seg.elements))

    def done(self, ak5: Segment | None, txn: Source) -> TransactionAck:
        ak5 = ak5 or Segment.of(("AK5",))
        errors = tuple(SegmentError(segment_id=ak3[1], position=_int(ak3[2]), loop_id=ak3[3], code=ak3[4],
                                    element_errors=tuple(_element(ak4, txn) for ak4 in ak4s), extra=tuple(rest),
                                    source=source_of(ak3, txn)) for ak3, ak4s, rest in self.errors)
        return TransactionAck(set_id=self.ak2[1], control_number=self.ak2[2], guide=self.ak2[3],
                              segment_errors=errors, code=ak5[1], error_codes=_codes(ak5, 2, 6),
                              extra=tuple(self.extra), source=source_of(self.ak2, txn))


def _element(ak4: Segment, txn: Source) -> ElementError:
    return ElementError(code=ak4[3], element_position=_int(ak4.component(1, 1)),
                        component_position=_int(ak4.component(1, 2)), repetition_position=_int(ak4.component(1, 3)),
                        element_reference=ak4[2], bad_data=ak4[4], source=source_of(ak4, txn))
