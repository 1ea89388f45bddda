"""The loop placer: a state machine that puts each segment of a transaction in its loop.

It follows pyx12's map walker exactly (so the two agree on every file): from the last placed segment it scans
the rest of the current loop, then the loops after it, popping outwards until a segment spec matches by id and
qualifier. Because that search depends only on the current spec and on the segment's id and qualifier values,
each answer is computed once and memoized; a transaction is then placed with one dict lookup per segment.
"""

from __future__ import annotations

from dataclasses import dataclass

from edi.guide._spec import LoopSpec, SegmentSpec, TransactionSpec
from edi.x12 import Segment


@dataclass(frozen=True, slots=True)
class Move:
    """How to get from the last placed segment to this one: close ``pops`` loops, open ``pushes``."""

    target: SegmentSpec
    pops: int
    pushes: tuple[LoopSpec, ...]


class LoopPlacer:
    """Feed the segments of one transaction (ST first) to :meth:`place`; it returns a Move, or None for a segment
    the guide does not expect where it stands (the caller keeps it in the current loop, marked)."""

    def __init__(self, guide: TransactionSpec) -> None:
        self.guide = guide
        self._cache = _tables(guide)
        st_loop = guide.root.find("ST_LOOP")
        if st_loop is None:
            raise ValueError(f"{guide.map_name} has no ST_LOOP")
        self.st_loop = st_loop
        self.reset()

    def reset(self) -> None:
        """Start a new transaction: the next segment should be its ST."""
        self.state: LoopSpec | SegmentSpec = self.st_loop
        self.depth = 0  # loops open, ST_LOOP included

    def place(self, seg: Segment) -> Move | None:
        tables = self._cache
        sid = seg.id
        codes = tables.simple_keys.get(sid)
        if codes is not None:  # the common case: the qualifier is element 01
            elements = seg.elements
            value = elements[1] if len(elements) > 1 else ""
            key: tuple[object, ...] = (self.state.uid, sid, value if value in codes else None)
        else:
            fields = tables.key_fields.get(sid)
            if fields is None:
                key = (self.state.uid, sid)
            elif len(fields) == 1 and fields[0][1] == 1:  # SVC01-1, SV101-1, HI01-1: the first component
                element, _, codes = fields[0]
                elements = seg.elements
                raw = elements[element] if element < len(elements) else ""
                d = seg.delimiters
                value = raw.partition(d.component if d is not None else ":")[0]
                key = (self.state.uid, sid, value if value in codes else None)
            else:
                key = (self.state.uid, sid, *[_value(seg, e, c, codes) for e, c, codes in fields])
        try:
            move = tables.moves[key]
        except KeyError:
            move = tables.moves[key] = self._resolve(seg)
        if move is None or move.pops >= self.depth and self.depth:
            return None  # not expected here, or would leave the transaction: kept in the current loop
        self.depth += len(move.pushes) - move.pops
        self.state = move.target
        return move

    # -- the search, run once per (state, segment id, qualifier values) -----------------------------------
    def _resolve(self, seg: Segment) -> Move | None:
        guide = self.guide
        state = self.state
        if state is self.st_loop:
            first = state.children[0]
            ok = isinstance(first, SegmentSpec) and _matches(first, seg)
            return Move(first, 0, (state,)) if ok else None  # type: ignore[arg-type]
        node = state if isinstance(state, LoopSpec) else guide.parent(state)
        start_pos = state.pos
        popped = 0
        while node is not None:
            found = self._scan(node, start_pos, seg, popped)
            if found is not None:
                return found
            if node.kind == "root":
                return None
            start_pos = node.pos
            popped += 1
            node = guide.parent(node)
        return None

    def _scan(self, node: LoopSpec, start_pos: int, seg: Segment, popped: int) -> Move | None:
        for child in node.children:
            if child.pos < start_pos:
                continue
            if isinstance(child, SegmentSpec):
                if not _matches(child, seg):
                    continue
                if node.kind != "root" and _loop_matches(node, seg):
                    # the segment starts this loop again: close the current instance, open a new one
                    first, pushes = _descend(node, seg)  # type: ignore[misc]
                    return Move(first, popped + 1, pushes)
                return Move(child, popped, ())
            if _loop_matches(child, seg):
                found = _descend(child, seg)
                if found is not None:
                    return Move(found[0], popped, found[1])
        return None


def _matches(spec: SegmentSpec, seg: Segment) -> bool:
    if spec.id != seg.id:
        return False
    if spec.key is None:
        return True
    element, component, codes = spec.key
    return _raw(seg, element, component) in codes


def _raw(seg: Segment, element: int, component: int) -> str:
    return seg.component(element, component) if component else seg[element]


def _value(seg: Segment, element: int, component: int, codes: frozenset[str]) -> str | None:
    value = _raw(seg, element, component)
    return value if value in codes else None


def _loop_matches(loop: LoopSpec, seg: Segment) -> bool:
    if not loop.children:
        return False
    first = loop.children[0]
    if isinstance(first, LoopSpec):
        return any(isinstance(c, LoopSpec) and _loop_matches(c, seg) for c in loop.children)
    return _matches(first, seg)


def _descend(loop: LoopSpec, seg: Segment) -> tuple[SegmentSpec, tuple[LoopSpec, ...]] | None:
    first = loop.children[0] if loop.children else None
    if isinstance(first, SegmentSpec) and _matches(first, seg):
        return first, (loop,)
    for child in loop.children:
        if isinstance(child, LoopSpec):
            found = _descend(child, seg)
            if found is not None:
                return found[0], (loop, *found[1])
    return None


@dataclass
class _Tables:
    guide: TransactionSpec  # the moves point into this guide's specs: a reloaded guide gets tables of its own
    key_fields: dict[str, tuple[tuple[int, int, frozenset[str]], ...]]
    simple_keys: dict[str, frozenset[str]]  # segment ids whose only qualifier is element 01: its codes
    moves: dict[tuple[object, ...], Move | None]


_TABLES: dict[str, _Tables] = {}


def _tables(guide: TransactionSpec) -> _Tables:
    """Per guide: which qualifier fields matter for each segment id, and the memo of moves (shared)."""
    tables = _TABLES.get(guide.map_name)
    if tables is None or tables.guide is not guide:
        fields: dict[str, dict[tuple[int, int], set[str]]] = {}
        for node in guide.nodes:
            if isinstance(node, SegmentSpec) and node.key is not None:
                element, component, codes = node.key
                fields.setdefault(node.id, {}).setdefault((element, component), set()).update(codes)
        key_fields = {seg_id: tuple((e, c, frozenset(codes)) for (e, c), codes in sorted(by_field.items()))
                      for seg_id, by_field in fields.items()}
        simple = {seg_id: f[0][2] for seg_id, f in key_fields.items() if len(f) == 1 and f[0][:2] == (1, 0)}
        tables = _TABLES[guide.map_name] = _Tables(guide, key_fields, simple, {})
    return tables
