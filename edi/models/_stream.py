"""A file as a stream of model records, in file order, in the memory of one claim.

``iter_records`` yields what ``edi to-json --models`` writes and ``edi from-json --models`` reads back:

- an ``InterchangeEnvelope`` (ISA), ``InterchangeAck`` (TA1), ``GroupEnvelope`` (GS), ``END_GROUP`` (GE) and
  ``END_INTERCHANGE`` (IEA) — the envelope, as read;
- a ``Head`` per transaction: its model without its claims. An 837's claims (``Claim``) and an 835's header
  numbers (``HeaderNumber``, LX) and claim payments (``ClaimPayment``) follow one at a time as their loops close,
  then a ``Tail`` with what comes after them (an 837's ``after_claims``; an 835's PLBs and ``footer_extra``).
  Other transactions (999, 277CA, and those no typed model covers) come whole in their ``Head``;
- a ``RawSegment`` for a segment the envelope has no place for (a stray), where it stood.

Nothing read is dropped: whatever a streamed transaction's loops still hold when it ends goes to its ``Tail``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import chain
from typing import Any, NamedTuple, Union

from msgspec.structs import replace

from edi.errors import EdiError
from edi.guide import Loop, SegmentNode, TreeBuilder, dismantle
from edi.guide._select import map_name_for
from edi.guide._tree import CLAIM_HOLDERS
from edi.models._base import RawSegment, TransactionModel
from edi.models._encode import iter_text
from edi.models._io import READERS, default_guide, delimiters_of, reader_for, set_id
from edi.models._raw import envelope_source
from edi.models._write_acks import ta1_segment
from edi.models.acks import InterchangeAck
from edi.models.claim import Claim, ClaimTransaction, ProfessionalClaim
from edi.models.envelope import (Envelope, Enveloper, GroupEnvelope, InterchangeEnvelope, group_of,
                                 interchange_of)
from edi.models.remittance import ClaimPayment, HeaderNumber, Remittance
from edi.x12 import Delimiters, Framer, Role, Segment, Transaction, tokenize
from edi.x12 import Source as Input
from edi.x12._writer import Built


class Head(NamedTuple):
    """A transaction's own fields; ``streamed``: its claims follow as records, then a ``Tail``."""

    model: TransactionModel
    streamed: bool = False


class Tail(NamedTuple):
    """What a streamed transaction holds after its claims, by field name."""

    fields: dict[str, Any]


class _End(NamedTuple):
    level: str


END_GROUP = _End("group")
END_INTERCHANGE = _End("interchange")
Record = Union[InterchangeEnvelope, InterchangeAck, GroupEnvelope, Head, HeaderNumber, Claim, ClaimPayment, Tail,
               RawSegment, _End]
LEVELS = frozenset({"2000A", "2000B", "2000C"})  # the 837's HL levels


def iter_records(source: Input | Framer, *, name: str | None = None) -> Iterator[Record]:
    """Every record of a file, in order (see the module's docstring)."""
    framer = source if isinstance(source, Framer) else Framer(tokenize(source, name=name))
    out: list[Record] = []
    reader: _Transaction | None = None
    group = interchange = False
    stray, se = Role.STRAY, Role.SE
    for role, seg, transaction, framed in framer.events():
        if transaction is not None and role is not stray:
            if reader is None or reader.transaction is not transaction:
                if reader is not None:
                    reader.finish()
                reader = _reader_for(transaction, out)
            reader.add(seg)
            if role is se:
                reader.finish()
                reader = None
            if out:
                yield from out
                out.clear()
            continue
        if reader is not None:  # an envelope segment where the transaction's SE should have been
            reader.finish()
            reader = None
            yield from out
            out.clear()
        if role is Role.ISA:
            if group:
                yield END_GROUP
            if interchange:
                yield END_INTERCHANGE
            group, interchange = False, True
            yield interchange_of(seg)
        elif role is Role.GS:
            if group:
                yield END_GROUP
            group = True
            yield group_of(seg)
        elif role is Role.GE:
            group = False
            yield END_GROUP
        elif role is Role.IEA:
            if group:
                yield END_GROUP
            group = interchange = False
            yield END_INTERCHANGE
        elif role is Role.TA1:
            from edi.models._read_acks import read_ta1

            isa = framed.interchange if framed is not None else None
            yield read_ta1(seg, isa.control if isa is not None else "")
        else:
            yield RawSegment(elements=seg.elements)
    if reader is not None:
        reader.finish()
        yield from out
    if group:
        yield END_GROUP
    if interchange:
        yield END_INTERCHANGE


def _reader_for(transaction: Transaction, out: list[Record]) -> _Transaction:
    target = READERS.get(map_name_for(transaction.guide, transaction.set_id) or "", "")
    if target.endswith("read_837"):
        return _Claims(transaction, out)
    if target.endswith("read_835"):
        return _Remittance(transaction, out)
    return _Transaction(transaction, out)


def short_envelope(transaction: Transaction) -> Envelope:
    """ST02 and ST03 as read: a record's interchange and group are the records before it."""
    return Envelope(control=transaction.control, guide=transaction.header[3])


class _Transaction:
    """A transaction read whole, then emitted as one ``Head`` (999, 277CA, and those without a typed model)."""

    def __init__(self, transaction: Transaction, out: list[Record]) -> None:
        self.transaction, self.out = transaction, out
        self.builder = self.make_builder()

    def make_builder(self) -> TreeBuilder:
        return TreeBuilder(self.transaction)

    def add(self, seg: Segment) -> None:
        self.builder.add(seg)

    def finish(self) -> None:
        tree = self.builder.tree()
        model = reader_for(tree)(tree)
        dismantle(tree.root)
        self.out.append(Head(replace(model, envelope=short_envelope(self.transaction))))


class _Streamed(_Transaction):
    """An 837 or 835: the head as soon as the claims begin, then each claim as its loop closes, then the tail."""

    CLAIM_LOOP = ""

    def __init__(self, transaction: Transaction, out: list[Record]) -> None:
        self.headed = False
        super().__init__(transaction, out)

    def make_builder(self) -> TreeBuilder:
        return TreeBuilder(self.transaction, self.closed, folds=lambda _: {self.CLAIM_LOOP: self.fold},
                           units=CLAIM_HOLDERS)

    def head(self) -> None:
        """Emit the transaction's own fields, once, from what its tree holds outside DETAIL and FOOTER."""
        if self.headed:
            return
        self.headed = True
        root = self.builder.root
        if root is None:
            return
        body = [c for c in root.children
                if c.__class__ is Loop and c.spec.id in ("DETAIL", "FOOTER")]  # type: ignore[union-attr]
        model = self.read_head([c for c in root.children if not any(c is b for b in body)])
        root.children[:] = body
        self.out.append(Head(replace(model, envelope=short_envelope(self.transaction)), True))

    def read_head(self, children: list[Loop | SegmentNode]) -> TransactionModel:
        raise NotImplementedError

    def fold(self, loop: Loop, envelope: Transaction) -> None:
        raise NotImplementedError

    def closed(self, loop: Loop) -> None:
        if loop.spec.id == "HEADER":
            self.head()

    def leftovers(self) -> list[RawSegment]:
        """Every segment the finished tree still holds but ST and SE (and, for a subclass, what it reads)."""
        root = self.builder.finish()
        self.head()
        kept: list[RawSegment] = []
        for child in root.children if root is not None else ():
            if child.__class__ is Loop:
                kept += self.tail_loop(child)  # type: ignore[arg-type]
            elif child.segment.id not in ("ST", "SE"):  # type: ignore[union-attr]
                kept.append(RawSegment(elements=child.segment.elements))  # type: ignore[union-attr]
        return kept

    def tail_loop(self, loop: Loop) -> list[RawSegment]:
        return [RawSegment(elements=node.segment.elements) for node in loop.segments()]


class _Remittance(_Streamed):
    CLAIM_LOOP = "2100"

    def __init__(self, transaction: Transaction, out: list[Record]) -> None:
        from edi.models import _read_835

        self.read = _read_835
        self.txn = envelope_source(transaction)
        self.lx: Loop | None = None  # the 2000 whose HeaderNumber was emitted
        self.plbs: list[Any] = []
        self.footer_extra: list[RawSegment] = []
        super().__init__(transaction, out)

    def read_head(self, children: list[Loop | SegmentNode]) -> TransactionModel:
        from edi.models.remittance import Remittance

        fields, extra = self.read.head_fields(children, self.txn)
        return Remittance(**fields, extra=tuple(extra), source=self.txn)

    def header_number(self, loop: Loop) -> None:
        self.head()
        self.lx = loop
        self.out.append(self.read._header_number(loop, self.txn, with_claims=False))  # noqa: SLF001

    def fold(self, loop: Loop, envelope: Transaction) -> None:
        parent = loop.parent
        if parent is not self.lx and parent is not None and parent.spec.id == "2000":
            self.header_number(parent)
        self.head()
        self.out.append(self.read._claim(loop, self.txn))  # noqa: SLF001
        return None  # the builder drops the loop

    def closed(self, loop: Loop) -> None:
        kind = loop.spec.id
        if kind == "2000":
            if loop is not self.lx:
                self.header_number(loop)
            self.lx = None
            _drop(loop)
        elif kind == "HEADER":
            self.head()

    def tail_loop(self, loop: Loop) -> list[RawSegment]:
        if loop.spec.id == "FOOTER":
            self.read._footer(loop, self.txn, self.plbs, self.footer_extra)  # noqa: SLF001
            return []
        return super().tail_loop(loop)

    def finish(self) -> None:
        kept = self.leftovers()
        self.out.append(Tail({"provider_adjustments": tuple(self.plbs),
                              "footer_extra": (*self.footer_extra, *kept)}))


class _Claims(_Streamed):
    CLAIM_LOOP = "2300"

    def __init__(self, transaction: Transaction, out: list[Record]) -> None:
        from edi.models import _read_837

        self.read = _read_837
        self.holders: set[int] = set()  # open loops that held a claim: dropped when they close
        self.after: list[RawSegment] = []
        super().__init__(transaction, out)

    def read_head(self, children: list[Loop | SegmentNode]) -> TransactionModel:
        reader = self.read._reader(self.transaction)  # noqa: SLF001
        root = Loop(self.builder.root.spec, None)  # type: ignore[union-attr]
        root.children = children
        return reader.transaction(root, claims=False)

    def fold(self, loop: Loop, envelope: Transaction) -> None:
        self.head()
        self.out.append(self.read.fold_claim(loop, envelope))
        if loop.parent is not None:
            self.holders.add(id(loop.parent))
        return None

    def closed(self, loop: Loop) -> None:
        key = id(loop)
        if key not in self.holders or loop.parent is None:  # the transaction's own loop: see leftovers()
            if loop.spec.id == "HEADER":
                self.head()
            return
        self.holders.remove(key)  # now: a freed loop's id may come back as another loop's
        # What the holder still holds was read into the claims' contexts, but the levels that held no claim
        # (and, in a wrapper, anything at all): those are kept for the tail.
        for child in loop.children:
            if child.__class__ is Loop:
                if loop.spec.kind or child.spec.id in LEVELS:  # type: ignore[union-attr]
                    self.after += self.tail_loop(child)  # type: ignore[arg-type]
            elif loop.spec.kind:
                self.after.append(RawSegment(elements=child.segment.elements))  # type: ignore[union-attr]
        parent = loop.parent
        if parent is not None:
            self.holders.add(id(parent))
            _drop(loop)
            self.builder.release(loop)

    def finish(self) -> None:
        kept = self.leftovers()
        self.out.append(Tail({"after_claims": (*self.after, *kept)}))


def _drop(loop: Loop) -> None:
    """Take a closed loop out of its parent (it is the last child, or close to it)."""
    parent = loop.parent
    if parent is None:
        return
    children = parent.children
    if children and children[-1] is loop:
        children.pop()
    else:
        for i in range(len(children) - 1, -1, -1):
            if children[i] is loop:
                del children[i]
                break


# -- writing -----------------------------------------------------------------------------------------------
class RecordError(EdiError):
    """A record stream that cannot be written as X12 (a claim outside a transaction, a transaction outside a
    group …); ``index`` is the 0-based number of the record at fault."""

    def __init__(self, message: str, index: int) -> None:
        super().__init__(message)
        self.index = index


class _Pending:
    """An iterator of records that counts them and can take one back."""

    def __init__(self, records: Iterable[Record]) -> None:
        self._records = iter(records)
        self._back: list[Record] = []
        self.index = -1

    def __iter__(self) -> _Pending:
        return self

    def __next__(self) -> Record:
        self.index += 1
        return self._back.pop() if self._back else next(self._records)

    def push(self, record: Record) -> None:
        self.index -= 1
        self._back.append(record)


def record_segments(records: Iterable[Record]) -> Iterator[Built | RawSegment | Delimiters]:
    """Built segments (and a ``Delimiters`` before each ISA) for a record stream, written as it is read:
    envelopes as their records give them, trailers counted."""
    env = Enveloper()
    pending = _Pending(records)
    for record in pending:
        kind = record.__class__
        if kind is Head:
            model = record.model  # type: ignore[union-attr]
            if env.group is None:
                raise RecordError(f"a {type(model).__name__} stands outside a functional group: an interchange and "
                                  "a group must come before it", pending.index)
            e = model.envelope
            if e is None:  # built in code: ST03 as its guide uses it
                e = Envelope(guide=default_guide(model) if model.USES_ST03 else "")
            guide = e.guide
            body = _streamed_body(model, pending) if record.streamed else model.body()  # type: ignore[union-attr]
            yield from env.transaction(set_id(model), e.control or f"{env.transactions + 1:04d}", guide, body)
        elif kind is InterchangeEnvelope:
            yield from env.close_interchange()
            yield delimiters_of(record)  # type: ignore[arg-type]
            yield from env.open_interchange(record)  # type: ignore[arg-type]
        elif kind is GroupEnvelope:
            if env.interchange is None:
                raise RecordError("a functional group (GS) stands outside an interchange: an interchange must come "
                                  "before it", pending.index)
            yield from env.open_group(record)  # type: ignore[arg-type]
        elif record is END_GROUP:
            yield from env.close_group()
        elif record is END_INTERCHANGE:
            yield from env.close_interchange()
        elif kind is InterchangeAck:
            if env.interchange is None:
                raise RecordError("a TA1 stands outside an interchange", pending.index)
            yield from env.close_group()
            yield ta1_segment(record)  # type: ignore[arg-type]
        elif kind is RawSegment:
            yield record  # type: ignore[misc]
        else:
            raise RecordError(f"a {kind.__name__} stands outside a transaction: it must follow its transaction "
                              "(an 837's claims, an 835's header numbers and claim payments)", pending.index)
    yield from env.close_interchange()


def _streamed_body(model: TransactionModel, pending: _Pending) -> Iterator[Built]:
    from edi.models.claim import ClaimTransaction

    if isinstance(model, ClaimTransaction):
        return _claims_body(model, pending)
    return _remittance_body(model, pending)  # type: ignore[arg-type]


def _claims_body(t: ClaimTransaction, pending: _Pending) -> Iterator[Built]:
    from edi.models import _write_837

    tail: dict[str, Any] = {}
    claim_type = type(t).__annotations__.get("claims", "")

    def claims() -> Iterator[Claim]:
        for record in pending:
            if isinstance(record, Claim):
                if isinstance(record, ProfessionalClaim) is t.INSTITUTIONAL:
                    raise RecordError(f"a {type(record).__name__} in a {type(t).__name__} ({claim_type})",
                                      pending.index)
                yield record
                continue
            if record.__class__ is Tail:
                tail.update(record.fields)  # type: ignore[union-attr]
            else:
                pending.push(record)
            return

    guide = _write_837.guide_of(t)
    ids = [raw.id for raw in t.extra]
    split = ids.index("HL") if "HL" in ids else len(ids)
    yield from _write_837.head_segments(t, t.extra[:split])
    yield from _write_837.hierarchy(chain(t.claims, claims()), guide)
    yield from t.extra[split:]
    yield from t.after_claims
    yield from tail.get("after_claims", ())


def _remittance_body(r: Remittance, pending: _Pending) -> Iterator[Built]:
    from edi.models import _write_835

    yield from _write_835.head_segments(r)
    number = 0
    for number, header in enumerate(r.headers, 1):
        yield from _write_835.header_segments(header, str(number))
    tail: dict[str, Any] = {}
    for record in pending:
        kind = record.__class__
        if kind is ClaimPayment:
            out: list[Built] = []
            _write_835.claim_segments(record, out)  # type: ignore[arg-type]
            yield from out
        elif kind is HeaderNumber:
            number += 1
            yield from _write_835.header_segments(record, str(number))  # type: ignore[arg-type]
        else:
            if kind is Tail:
                tail = record.fields  # type: ignore[union-attr]
            else:
                pending.push(record)
            break
    yield from _write_835.tail_segments((*r.provider_adjustments, *tail.get("provider_adjustments", ())),
                                        (*r.footer_extra, *tail.get("footer_extra", ())))


def write_records(records: Iterable[Record]) -> bytes:
    """X12 for a record stream (``iter_records``'s, or one read back from JSON)."""
    return b"".join(iter_text(record_segments(records)))
