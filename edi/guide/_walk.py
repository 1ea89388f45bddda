"""A file's segments in order, each with its place in the guide — without building loop trees.

:func:`walk_segments` is the flat-memory walk under the commands that write as they read (`edi inspect`,
`to-json`, `to-xml`): for every segment it tells the envelope role, the loops closed and opened just before it,
its segment spec and its transaction. It places exactly as :class:`~edi.guide.TreeBuilder` does (the same
:class:`~edi.guide.LoopPlacer`, the same rules for unexpected segments), so replaying the steps gives the trees
:func:`~edi.guide.iter_transactions` builds; but nothing of a segment outlives its step.
"""

from __future__ import annotations

from collections.abc import Iterator

from edi.guide._placer import LoopPlacer
from edi.guide._select import guide_for
from edi.guide._spec import LoopSpec, SegmentSpec, TransactionSpec
from edi.x12 import Framer, Role, Segment, Source, Transaction, tokenize

# One step per segment: (role, segment, transaction, closed, opened, spec).
#   role         the segment's envelope role (Role.BODY for the bulk of a transaction)
#   transaction  the ST–SE it belongs to, or None for envelope and stray segments
#   closed       loops closed before it, innermost first. A transaction's loops (its ST_LOOP last) are closed by
#                the first step after it: the next envelope segment or the next transaction's ST. Loops still open
#                when the file ends are closed by no step: the caller closes what it has open.
#   opened       loops opened before it, outermost first; a transaction's first step opens its ST_LOOP
#   spec         the guide's spec of the segment, or None when the guide does not expect it there (it stays in
#                the innermost open loop) or no guide is known for the transaction (ST_LOOP holds every segment)
Step = tuple[Role, Segment, "Transaction | None", tuple[LoopSpec, ...], tuple[LoopSpec, ...], "SegmentSpec | None"]

_NONE: tuple[LoopSpec, ...] = ()


def unknown_loop(transaction: Transaction) -> LoopSpec:
    """The ST_LOOP of a transaction no guide is known for: it holds every segment, none placed."""
    name = f"Transaction Set {transaction.set_id} {transaction.guide} (no implementation guide known)"
    return LoopSpec(-1, "ST_LOOP", name, "R", 0, 1, "explicit", (), "/ST_LOOP")


def walk_segments(source: Source | Framer, *, name: str | None = None) -> Iterator[Step]:
    """Every segment of a file in order, with its placement (see :data:`Step`); memory stays flat."""
    framer = source if isinstance(source, Framer) else Framer(tokenize(source, name=name))
    stack: list[LoopSpec] = []          # the loops open in the current transaction, outermost first
    current: Transaction | None = None
    placers: dict[str, LoopPlacer] = {}  # one per guide, reset per transaction
    place = None
    st_loop: LoopSpec | None = None
    none = _NONE
    for role, seg, transaction, _ in framer.events():
        if transaction is None:  # envelope or stray: ends the transaction in progress
            if stack:
                closed = tuple(reversed(stack))
                stack.clear()
                current = None
                yield role, seg, None, closed, none, None
            else:
                current = None
                yield role, seg, None, none, none, None
            continue
        closed = none
        if transaction is not current:
            if stack:
                closed = tuple(reversed(stack))
                stack.clear()
            current = transaction
            placer = _placer(placers, guide_for(transaction.guide, transaction.set_id))
            place = placer.place if placer is not None else None
            st_loop = placer.st_loop if placer is not None else unknown_loop(transaction)
        move = place(seg) if place is not None else None
        if move is None:
            if stack:
                yield role, seg, transaction, closed, none, None
            else:
                stack.append(st_loop)  # type: ignore[arg-type]
                yield role, seg, transaction, closed, (st_loop,), None  # type: ignore[misc]
            continue
        pops = move.pops
        if pops:
            popped = tuple(stack[:-pops - 1:-1])
            closed = closed + popped if closed else popped
            del stack[-pops:]
        pushes = move.pushes
        if pushes:
            stack.extend(pushes)
        yield role, seg, transaction, closed, pushes, move.target


def _placer(placers: dict[str, LoopPlacer], guide: TransactionSpec | None) -> LoopPlacer | None:
    if guide is None:
        return None
    placer = placers.get(guide.map_name)
    if placer is None or placer.guide is not guide:
        placer = placers[guide.map_name] = LoopPlacer(guide)
    else:
        placer.reset()
    return placer
