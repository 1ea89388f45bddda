"""A transaction no typed model covers (270/271, 834, 4010 …): its segments, kept so nothing is lost."""

from __future__ import annotations

from collections.abc import Iterator

from edi.guide import TransactionTree
from edi.models._base import RawSegment, Source, TransactionModel
from edi.x12 import Transaction
from edi.x12._writer import Built


class RawTransaction(TransactionModel):
    set_id: str                                # ST01
    guide: str                                 # ST03 or GS08
    functional_id: str = ""                    # GS01
    segments: tuple[RawSegment, ...] = ()      # between ST and SE
    source: Source | None = None

    def body(self) -> Iterator[Built]:
        for seg in self.segments:
            yield seg.elements


def read_raw(tree: TransactionTree) -> RawTransaction:
    envelope = tree.envelope
    group = envelope.group
    nodes = list(tree.segments())
    inner = [n for n in nodes if n.segment.id not in ("ST", "SE")] if nodes else []
    return RawTransaction(set_id=envelope.set_id, guide=envelope.guide,
                          functional_id=group.functional_id if group else "",
                          segments=tuple(RawSegment(elements=n.segment.elements) for n in inner),
                          source=transaction_source(tree))


def transaction_source(tree: TransactionTree) -> Source:
    return envelope_source(tree.envelope)


def envelope_source(envelope: Transaction) -> Source:
    """Where a transaction came from: its ISA13, GS06, ST02 and the ST's segment index."""
    group = envelope.group
    interchange = group.interchange if group else None
    return Source(interchange=interchange.control if interchange else "", group=group.control if group else "",
                  transaction=envelope.control, segment=envelope.header.index)
