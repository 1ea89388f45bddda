"""Loop trees: every segment of a transaction in its implementation-guide loop, built while streaming."""

from __future__ import annotations

import dataclasses
import functools
import gc
from collections.abc import Callable, Iterator, Mapping
from typing import Any
from dataclasses import dataclass
from pathlib import Path

import msgspec

from edi.guide._loader import load_guide
from edi.guide._placer import LoopPlacer
from edi.guide._select import CONTROL_MAP, guide_for
from edi.guide._spec import ElementSpec, LoopSpec, SegmentSpec, TransactionSpec
from edi.guide._walk import unknown_loop
from edi.x12 import Framed, Framer, Role, Segment, Source, Transaction, tokenize


class SegmentNode(msgspec.Struct, eq=False):
    """A segment in its loop. ``spec`` is None for a segment the guide does not expect there (kept, marked).

    A msgspec Struct (compared by identity): one is made per segment, and its constructor costs a third of a
    slotted class's."""

    segment: Segment
    spec: SegmentSpec | None
    loop: Loop

    @property
    def id(self) -> str:
        return self.segment.id

    @property
    def unexpected(self) -> bool:
        return self.spec is None

    def __getitem__(self, n: int) -> str:
        return self.segment[n]

    def element_spec(self, n: int) -> ElementSpec | None:
        return self.spec.element(n) if self.spec is not None else None

    def named_elements(self) -> Iterator[tuple[str, str, str]]:
        """(reference "CLM01", guide name, raw value) for every element present."""
        seg = self.segment
        for n in range(1, len(seg.elements)):
            spec = self.element_spec(n)
            ref = spec.id if spec is not None else f"{seg.id}{n:02d}"
            yield ref, spec.name if spec is not None else "", seg.elements[n]

    def __repr__(self) -> str:
        mark = " (unexpected)" if self.spec is None else ""
        return f"<{self.loop.id}/{self.segment.text()}{mark}>"


class Loop:
    """One instance of a loop: its spec, its children (segments and loops, in file order) and its parent."""

    __slots__ = ("spec", "children", "parent")

    def __init__(self, spec: LoopSpec, parent: Loop | None) -> None:
        self.spec = spec
        self.children: list[Loop | SegmentNode] = []
        self.parent = parent

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def title(self) -> str:
        return self.spec.title

    def segments(self) -> Iterator[SegmentNode]:
        """Every segment in this loop and the loops under it, in file order."""
        for child in self.children:
            if isinstance(child, Loop):
                yield from child.segments()
            else:
                yield child

    def loops(self, loop_id: str | None = None) -> Iterator[Loop]:
        """Loops under this one (depth first), all or those with one id."""
        for child in self.children:
            if isinstance(child, Loop):
                if loop_id is None or child.spec.id == loop_id:
                    yield child
                yield from child.loops(loop_id)

    def first(self, seg_id: str) -> SegmentNode | None:
        """The first segment with this id directly in this loop."""
        for child in self.children:
            if child.__class__ is SegmentNode and child.segment.id == seg_id:  # type: ignore[union-attr]
                return child  # type: ignore[return-value]
        return None

    def ancestors(self) -> Iterator[Loop]:
        loop = self.parent
        while loop is not None:
            yield loop
            loop = loop.parent

    @property
    def path(self) -> str:
        """"2000A/2000B/2300" — the guide loops from the transaction down to this one."""
        ids = [loop.spec.id for loop in (*reversed(list(self.ancestors())), self) if not loop.spec.kind]
        return "/".join(ids)

    def __repr__(self) -> str:
        return f"<Loop {self.spec.title} ({len(self.children)} children)>"


class FoldedLoop(Loop):
    """A loop whose content was folded into ``value`` (e.g. a claim model) as soon as it closed: its segments
    are gone, so a big transaction never holds more than one claim's segments at a time."""

    __slots__ = ("value",)

    def __init__(self, spec: LoopSpec, parent: Loop | None, value: object) -> None:
        super().__init__(spec, parent)
        self.value = value


# The 837 loops that hold claims (2300) under a billing provider: a subscriber, a patient. Streaming readers free
# them as they close, so builders treat them as units (see TreeBuilder).
CLAIM_HOLDERS = frozenset({"2000B", "2000C"})

Fold = Callable[[Loop, "Transaction"], object]
Folds = Callable[[TransactionSpec | None], Mapping[str, Fold]]


def dismantle(loop: Loop) -> None:
    """Empty a finished subtree so reference counting frees it at once (its loops point at their parents)."""
    pending = [loop]
    node = SegmentNode
    while pending:
        children = pending.pop().children
        pending += [child for child in children if child.__class__ is not node]  # loops, folded or not
        children.clear()


@dataclass
class TransactionTree:
    """One transaction (ST–SE) placed in its guide's loops."""

    envelope: Transaction
    guide: TransactionSpec | None      # None when no guide is known for its version
    root: Loop                         # the ST_LOOP

    def segments(self) -> Iterator[SegmentNode]:
        return self.root.segments()

    def loops(self, loop_id: str | None = None) -> Iterator[Loop]:
        return self.root.loops(loop_id)

    def unexpected(self) -> list[SegmentNode]:
        return [node for node in self.segments() if node.spec is None]


class TreeBuilder:
    """Builds one transaction's loop tree from its segments; ``on_close`` sees every loop as it is closed.

    ``units`` (and the loops ``folds`` names) are loops the caller is done with once they close (claims, the
    subscriber loops that hold them): the builder remembers the loops opened inside each open unit, so
    :meth:`release` frees a closed unit's subtree without walking all its segments. Units may nest."""

    def __init__(self, transaction: Transaction, on_close: Callable[[Loop], None] | None = None,
                 folds: Folds | None = None, units: frozenset[str] | set[str] = frozenset()) -> None:
        self.transaction = transaction
        self.guide = guide_for(transaction.guide, transaction.set_id)
        self.placer = LoopPlacer(self.guide) if self.guide is not None else None
        self._place = self.placer.place if self.placer is not None else None   # bound once: called per segment
        self.root: Loop | None = None
        self.stack: list[Loop] = []
        self.on_close = on_close
        self.folds = folds(self.guide) if folds is not None else {}
        self.units = frozenset(units) | frozenset(self.folds)
        self._open: list[tuple[Loop, list[Loop]]] = []      # open units, innermost last, with the loops opened in them
        self._closed: tuple[Loop, list[Loop]] | None = None   # the last unit closed, with the loops opened in it

    def add(self, seg: Segment) -> SegmentNode:
        place = self._place
        move = place(seg) if place is not None else None
        stack = self.stack
        if move is None:
            if not stack:
                placer = self.placer
                spec = placer.st_loop if placer is not None else unknown_loop(self.transaction)
                self.root = Loop(spec, None)
                stack.append(self.root)
            loop = stack[-1]
            node = SegmentNode(seg, None, loop)
            loop.children.append(node)
            return node
        pops, pushes = move.pops, move.pushes
        if pops:
            for _ in range(pops):
                self._close(stack.pop())
        if pushes:
            for spec in pushes:
                parent = stack[-1] if stack else None
                loop = Loop(spec, parent)
                if parent is None:
                    self.root = loop
                else:
                    parent.children.append(loop)
                stack.append(loop)
                units = self._open
                if units:
                    units[-1][1].append(loop)
                if spec.id in self.units:
                    units.append((loop, []))
        loop = stack[-1]
        node = SegmentNode(seg, move.target, loop)
        loop.children.append(node)
        return node

    def finish(self) -> Loop | None:
        while self.stack:
            self._close(self.stack.pop())
        return self.root

    def _close(self, loop: Loop) -> None:
        units = self._open
        if units and units[-1][0] is loop:
            self._closed = units.pop()
        fold = self.folds.get(loop.spec.id)
        parent = loop.parent
        if fold is not None and parent is not None and parent.children and parent.children[-1] is loop:
            value = fold(loop, self.transaction)
            if value is None:
                parent.children.pop()  # the fold kept what it needed elsewhere
            else:
                parent.children[-1] = FoldedLoop(loop.spec, parent, value)
            self.release(loop)
        if self.on_close is not None:
            self.on_close(loop)

    def release(self, loop: Loop) -> None:
        """Empty a closed loop the caller is done with, so reference counting frees it at once: for the last
        unit closed, only the loops opened inside it are visited; any other loop is dismantled."""
        closed = self._closed
        if closed is not None and closed[0] is loop:
            for inner in closed[1]:
                inner.children.clear()
            loop.children.clear()
            self._closed = None
        else:
            dismantle(loop)

    def tree(self) -> TransactionTree:
        root = self.finish()
        assert root is not None, "a transaction has at least its ST"
        return TransactionTree(self.transaction, self.guide, root)


def _framer(source: Source | Framer, name: str | None) -> Framer:
    return source if isinstance(source, Framer) else Framer(tokenize(source, name=name))


def walk_file(source: Source | Framer, *, name: str | None = None,
              folds: Folds | None = None) -> Iterator[Framed | TransactionTree]:
    """Everything in a file in order: envelope and stray segments as Framed, each transaction as a tree.

    ``folds`` names, per guide, loops to fold as soon as they close (``FoldedLoop``): e.g. claims into models,
    so that a 5,000-claim transaction is read in the memory of one claim. While a tree is being built the
    cyclic garbage collector is paused: rescanning the growing tree cost more than the build itself.
    """
    enabled = gc.isenabled()
    builder: TreeBuilder | None = None
    gc.disable()
    try:
        for role, seg, transaction, framed in _framer(source, name).events():
            if transaction is None or role is Role.STRAY:
                if builder is not None:
                    yield from _handed_over(builder.tree(), enabled)
                    builder = None
                yield from _handed_over(framed, enabled)  # type: ignore[arg-type]
                continue
            if builder is None or builder.transaction is not transaction:
                if builder is not None:
                    yield from _handed_over(builder.tree(), enabled)
                builder = TreeBuilder(transaction, folds=folds)
            builder.add(seg)
            if role is Role.SE:
                yield from _handed_over(builder.tree(), enabled)
                builder = None
        if builder is not None:
            yield from _handed_over(builder.tree(), enabled)
    finally:
        if enabled:
            gc.enable()


def _handed_over(item: Framed | TransactionTree, enabled: bool) -> Iterator[Framed | TransactionTree]:
    """Yield with the collector in the caller's state; pause it again when the walk resumes. (A tree's loops
    point at their parents: a caller done with a tree can free it at once with ``dismantle(tree.root)``.)"""
    if enabled:
        gc.enable()
    yield item
    gc.disable()


def iter_transactions(source: Source | Framer, *, name: str | None = None,
                      folds: Folds | None = None) -> Iterator[TransactionTree]:
    """Yield each transaction of a file as a complete loop tree, one at a time (see :func:`walk_file`)."""
    for item in walk_file(source, name=name, folds=folds):
        if isinstance(item, TransactionTree):
            yield item
        del item  # let the walker free the tree when it resumes


def iter_loop_trees(source: Source | Framer, loop_id: str, *, name: str | None = None) -> Iterator[Loop]:
    """Yield every instance of ``loop_id`` ("2300" claims, "2100" claim payments) as soon as it is complete.

    Memory stays flat on any file size: a yielded loop is dropped from the tree once the caller moves on, and
    so is every loop that held one. The loop's ``parent`` chain gives its context (billing provider,
    subscriber, payer …) as far as it has been read; use it before asking for the next loop.
    """
    done: list[Loop] = []
    holders: set[int] = set()  # loops that held a yielded loop: dropped from their parent when they close

    def on_close(loop: Loop) -> None:
        held = id(loop) in holders
        holders.discard(id(loop))  # always: a freed loop's id may come back as another loop's
        if loop.spec.id == loop_id:
            done.append(loop)
        elif not held:
            return
        parent = loop.parent
        if parent is not None:
            holders.add(id(parent))
            if parent.children and parent.children[-1] is loop:
                parent.children.pop()
            else:
                parent.children.remove(loop)

    def builder_for(transaction: Transaction) -> TreeBuilder:
        holders.clear()
        return TreeBuilder(transaction, on_close)

    return stream_closed(source, name, builder_for, done)


def stream_closed(source: Source | Framer, name: str | None, builder_for: Callable[[Transaction], TreeBuilder],
                  ready: list[Any]) -> Iterator[Any]:
    """Feed each transaction's segments to the builder ``builder_for`` makes for it, and yield what its loop
    hooks put in ``ready`` as soon as they put it there (a closed claim loop, a claim model …)."""
    builder: TreeBuilder | None = None
    stray, se = Role.STRAY, Role.SE  # an enum member lookup costs more than a local, once per segment
    for role, seg, transaction, _ in _framer(source, name).events():
        if transaction is None or role is stray:
            continue
        if builder is None or builder.transaction is not transaction:
            if builder is not None:
                builder.finish()
            builder = builder_for(transaction)
        builder.add(seg)
        if role is se:
            builder.finish()
            builder = None
        if ready:
            yield from ready
            ready.clear()
    if builder is not None:
        builder.finish()
    yield from ready
    ready.clear()


CONTROL_MAPS = {"00401": "x12.control.00401.xml"}   # ISA12 → envelope map; 00501 (CONTROL_MAP) otherwise


# Element names pyx12's 00501 envelope map keeps from 4010 where 5010 renamed the element.
RENAMED_IN_5010 = {"ISA11": "Repetition Separator"}  # 4010: Interchange Control Standards Identifier ('U')


def control_guide(version: str = "") -> TransactionSpec:
    """The envelope map (ISA, GS, GE, IEA, TA1) of an interchange version (ISA12), for element names outside
    any transaction: 4010 interchanges have their own (ISA11 is the standards identifier there)."""
    return load_guide(CONTROL_MAPS.get(version, CONTROL_MAP))


@functools.cache
def control_segment(seg_id: str, version: str = "") -> SegmentSpec | None:
    """The envelope map's spec of ISA, GS, GE, IEA or TA1 for the interchange version ISA12 (5010's element
    names unless it is a 4010 interchange)."""
    spec = next((n for n in control_guide(version).nodes if isinstance(n, SegmentSpec) and n.id == seg_id), None)
    if spec is None or version in CONTROL_MAPS or not any(e.id in RENAMED_IN_5010 for e in spec.elements):
        return spec
    elements = tuple(dataclasses.replace(e, name=RENAMED_IN_5010[e.id]) if e.id in RENAMED_IN_5010 else e
                     for e in spec.elements)
    return dataclasses.replace(spec, elements=elements)


def read_trees(path: Path) -> list[TransactionTree]:
    """Every transaction of a (small) file as trees; for big files stream with :func:`iter_transactions`."""
    return list(iter_transactions(path))
