"""A transaction no typed model covers (270/271, 834, 4010 …): its segments, kept so nothing is lost."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from edi.guide import TransactionTree
from edi.models._base import Model, RawSegment, Source, TransactionModel
from edi.models.envelope import Envelope, GroupEnvelope, InterchangeEnvelope, group_of, interchange_of
from edi.x12 import Group, Interchange, Segment, Transaction
from edi.x12._writer import Built


class RawTransaction(TransactionModel, kw_only=True):
    set_id: str                                # ST01
    guide: str                                 # ST03 or GS08
    functional_id: str = ""                    # GS01
    segments: tuple[RawSegment, ...] = ()      # between ST and SE
    source: Source | None = None

    def body(self) -> Iterator[Built]:
        for seg in self.segments:
            yield seg


def read_raw(tree: TransactionTree) -> RawTransaction:
    envelope = tree.envelope
    group = envelope.group
    nodes = list(tree.segments())
    inner = [n for n in nodes if n.segment.id not in ("ST", "SE")] if nodes else []
    return RawTransaction(set_id=envelope.set_id, guide=envelope.guide,
                          functional_id=group.functional_id if group else "",
                          segments=tuple(RawSegment(elements=n.segment.elements) for n in inner),
                          source=transaction_source(tree), envelope=envelope_of(envelope))


def transaction_source(tree: TransactionTree) -> Source:
    return envelope_source(tree.envelope)


def envelope_source(envelope: Transaction) -> Source:
    """Where a transaction came from: its ISA13, GS06, ST02 and the ST's segment index."""
    group = envelope.group
    interchange = group.interchange if group else None
    return Source(interchange=interchange.control if interchange else "", group=group.control if group else "",
                  transaction=envelope.control, segment=envelope.header.index)


# The envelope models of the latest group and interchange: transactions of a group come one after another, so
# they share one GroupEnvelope and one InterchangeEnvelope (and a file's models stay small).
_latest: list[tuple[Group | Interchange | None, GroupEnvelope | InterchangeEnvelope | None]] = [(None, None)] * 2


def envelope_of(transaction: Transaction) -> Envelope:
    """A transaction's ISA, GS and ST02/ST03 as read."""
    group = transaction.group
    interchange = group.interchange if group is not None else None
    return Envelope(control=transaction.control, guide=transaction.header[3], group=_shared(0, group, group_of),
                    interchange=_shared(1, interchange, interchange_of))  # type: ignore[arg-type]


def _shared(slot: int, level: Group | Interchange | None, read: Callable[[Segment], Model]) -> Model | None:
    if level is None:
        return None
    known, model = _latest[slot]
    if known is not level:
        model = read(level.header)
        _latest[slot] = (level, model)  # type: ignore[assignment]
    return model  # type: ignore[return-value]
