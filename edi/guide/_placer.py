"""The loop placer: a state machine that puts each segment of a transaction in its loop.

It follows pyx12's map walker (so the two agree on every file without bad qualifiers): from the last placed segment
it scans the rest of the current loop, then the loops after it, popping outwards until a segment spec matches by id
and qualifier. Because that search depends only on the current spec and on the segment's id and qualifier values,
each answer is computed once and memoized; a transaction is then placed with one dict lookup per segment.

One departure from pyx12: a segment whose qualifier is no code the guide knows for that segment id at all (NM1*8X,
HL*1**2X, REF*XY — a typo, not a segment in the wrong place) and that matches nowhere is placed by its id alone, at
the spec the same scan reaches whose codes the bad value is most like (a ``Guess``; the first on a tie). The
validator then reports the one bad code at the qualifier element, and the segments after it stay in their loops;
pyx12 leaves it where it stands, so the loop it opens is "missing" and its other segments are "unexpected" — one
root cause, a cascade of findings.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from edi.guide._spec import LoopSpec, SegmentSpec, TransactionSpec
from edi.x12 import Segment


@dataclass(frozen=True, slots=True)
class Move:
    """How to get from the last placed segment to this one: close ``pops`` loops, open ``pushes``."""

    target: SegmentSpec
    pops: int
    pushes: tuple[LoopSpec, ...]


@dataclass(frozen=True, slots=True)
class Guess:
    """A placement by segment id alone: where it went, and the qualifier codes that would have placed a segment
    with this id at this point (every spec the id reaches here), for a message that names them all."""

    move: Move
    element: int
    component: int
    codes: frozenset[str]


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
        self.last_guess: tuple[int, Guess] | None = None  # (segment index, how) of the last segment placed by id

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
        if move is None:
            guess = self._guess(seg, key) if len(key) > 2 else None
            if guess is None:
                return None  # not expected here: kept in the current loop
            move = guess.move
            self.last_guess = (seg.index, guess)
        if move.pops >= self.depth and self.depth:
            return None  # would leave the transaction: kept in the current loop
        self.depth += len(move.pushes) - move.pops
        self.state = move.target
        return move

    # -- the search, run once per (state, segment id, qualifier values) -----------------------------------
    def _resolve(self, seg: Segment) -> Move | None:
        return next(self._moves(seg), None)

    def _moves(self, seg: Segment, by_id: bool = False) -> Iterator[Move]:
        """Every spec the segment could be placed at from the current state, in pyx12's scan order (the first is
        where it goes); ``by_id`` matches segment ids alone, ignoring qualifiers."""
        guide = self.guide
        state = self.state
        if state is self.st_loop:
            # ST opens the transaction (found by id: a map may put a loop at ST's position, e.g. 830.4010.PS)
            first = next((c for c in state.children if isinstance(c, SegmentSpec) and c.id == "ST"), None)
            if first is not None and _matches(first, seg):
                yield Move(first, 0, (state,))  # type: ignore[arg-type]
            return
        node = state if isinstance(state, LoopSpec) else guide.parent(state)
        start_pos = state.pos
        popped = 0
        while node is not None:
            yield from self._scan(node, start_pos, seg, popped, by_id)
            if node.kind == "root":
                return
            start_pos = node.pos
            popped += 1
            node = guide.parent(node)

    def _scan(self, node: LoopSpec, start_pos: int, seg: Segment, popped: int, by_id: bool) -> Iterator[Move]:
        for child in node.children:
            if child.pos < start_pos:
                continue
            if isinstance(child, SegmentSpec):
                if not _matches(child, seg, by_id):
                    continue
                if node.kind != "root" and _loop_matches(node, seg, by_id):
                    # the segment starts this loop again: close the current instance, open a new one
                    first, pushes = _descend(node, seg, by_id)  # type: ignore[misc]
                    yield Move(first, popped + 1, pushes)
                else:
                    yield Move(child, popped, ())
            elif _loop_matches(child, seg, by_id):
                found = _descend(child, seg, by_id)
                if found is not None:
                    yield Move(found[0], popped, found[1])

    def _guess(self, seg: Segment, key: tuple[object, ...]) -> Guess | None:
        """Where a segment goes whose qualifiers are no code the guide knows for its id (``key`` ends in Nones)
        and that matched nowhere: among the specs its id alone reaches from here — not re-opening a loop that
        may occur once — the one whose qualifier codes the bad value is most like (a typo: NM1*8X → 85), the
        first in scan order on a tie. Memoized by the qualifier values."""
        if any(value is not None for value in key[2:]):
            return None  # a known code in the wrong place: not expected here
        raw = tuple(_raw(seg, e, c) for e, c, _ in self._cache.key_fields[seg.id])
        memo = self._cache.guesses
        memo_key = (key, raw)
        if memo_key in memo:
            return memo[memo_key]
        chain = []
        loop = self.state if isinstance(self.state, LoopSpec) else self.guide.parent(self.state)
        while loop is not None:
            chain.append(loop)
            loop = self.guide.parent(loop)
        best: Move | None = None
        best_score = -1
        candidates = []
        for move in self._moves(seg, by_id=True):
            closed = chain[:move.pops]
            if any(pushed in closed and pushed.repeat == 1 for pushed in move.pushes):
                continue  # would open a second instance of a loop that occurs once
            candidates.append(move.target)
            score = _likeness(seg, move.target)
            if score > best_score:
                best, best_score = move, score
        guess = None
        if best is not None and best.target.key is not None:
            element, component, _ = best.target.key
            codes = frozenset(code for target in candidates if target.key is not None
                              and target.key[:2] == (element, component) for code in target.key[2])
            guess = Guess(best, element, component, codes)
        memo[memo_key] = guess
        return guess


def _matches(spec: SegmentSpec, seg: Segment, by_id: bool = False) -> bool:
    if spec.id != seg.id:
        return False
    if spec.key is None or by_id:
        return True
    element, component, codes = spec.key
    return _raw(seg, element, component) in codes


def _likeness(seg: Segment, spec: SegmentSpec) -> int:
    """How much a segment's qualifier looks like one of the spec's codes: characters equal in place, at best."""
    if spec.key is None:
        return 0
    element, component, codes = spec.key
    value = _raw(seg, element, component)
    return max((sum(a == b for a, b in zip(value, code)) for code in codes), default=0)


def _raw(seg: Segment, element: int, component: int) -> str:
    return seg.component(element, component) if component else seg[element]


def _value(seg: Segment, element: int, component: int, codes: frozenset[str]) -> str | None:
    value = _raw(seg, element, component)
    return value if value in codes else None


def _loop_matches(loop: LoopSpec, seg: Segment, by_id: bool = False) -> bool:
    if not loop.children:
        return False
    first = loop.children[0]
    if isinstance(first, LoopSpec):
        return any(isinstance(c, LoopSpec) and _loop_matches(c, seg, by_id) for c in loop.children)
    return _matches(first, seg, by_id)


def _descend(loop: LoopSpec, seg: Segment, by_id: bool = False) -> tuple[SegmentSpec, tuple[LoopSpec, ...]] | None:
    first = loop.children[0] if loop.children else None
    if isinstance(first, SegmentSpec) and _matches(first, seg, by_id):
        return first, (loop,)
    for child in loop.children:
        if isinstance(child, LoopSpec):
            found = _descend(child, seg, by_id)
            if found is not None:
                return found[0], (loop, *found[1])
    return None


@dataclass
class _Tables:
    guide: TransactionSpec  # the moves point into this guide's specs: a reloaded guide gets tables of its own
    key_fields: dict[str, tuple[tuple[int, int, frozenset[str]], ...]]
    simple_keys: dict[str, frozenset[str]]  # segment ids whose only qualifier is element 01: its codes
    moves: dict[tuple[object, ...], Move | None]
    guesses: dict[tuple[object, ...], Guess | None]  # (moves key, raw qualifier values) → placed by id alone


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
        tables = _TABLES[guide.map_name] = _Tables(guide, key_fields, simple, {}, {})
    return tables
