"""Where pyx12 reports a cascade that we report once, at its root cause (a helper module, no tests here).

Two root causes make pyx12 lose its place in a transaction where we keep ours:

* a segment whose qualifier is no code the guide knows for its id (``NM1*8X``, a masked ``SVC*XX>99999``): our
  placer puts it where its id alone fits (``edi.guide._placer``, ``Move.guessed``) and the validator reports the
  bad code at the qualifier; pyx12 leaves it unplaced ("Segment … not found"), so the loop it opens is "missing"
  and every segment of that loop is "not found" too;
* composites written with another component separator than ISA16 declares: we report it once
  (``snip1.envelope.separators``) and read the rest of the interchange with the separator the body uses; pyx12
  reads on with the declared one.

``Placement(path)`` replays our placement to tell which segments (file index) follow from a guess.
"""

from __future__ import annotations

from pathlib import Path

from edi.guide import Loop, SegmentNode, TreeBuilder
from edi.x12 import Framer, Role, tokenize


class Placement:
    """Our loop tree of every transaction of a file, and what in it was placed by a guess."""

    def __init__(self, path: Path) -> None:
        self.guessed: set[int] = set()     # segments placed by id alone (qualifier not a code of their spec)
        self.zone: set[int] = set()        # those, and every segment of the loops they opened
        self.ids: set[str] = set()         # their segment ids and the ids of the loops they opened
        builders: dict[int, TreeBuilder] = {}
        for framed in Framer(tokenize(path)):
            if framed.transaction is None or framed.role is Role.STRAY:
                continue
            key = id(framed.transaction)
            builder = builders.get(key) or builders.setdefault(key, TreeBuilder(framed.transaction))
            node = builder.add(framed.segment)
            if _guessed(node):
                self.guessed.add(node.segment.index)
                self.ids.add(node.segment.id)
        for builder in builders.values():
            root = builder.finish()
            if root is not None:
                self._zones(root)

    def _zones(self, loop: Loop) -> None:
        first = loop.children[0] if loop.children else None
        if isinstance(first, SegmentNode) and first.segment.index in self.guessed:
            self.ids.add(loop.spec.id)
            self.zone.update(node.segment.index for node in loop.segments())
        for child in loop.children:
            if isinstance(child, Loop):
                self._zones(child)
            else:
                if child.segment.index in self.guessed:
                    self.zone.add(child.segment.index)


def _guessed(node: SegmentNode) -> bool:
    spec = node.spec
    if spec is None or spec.key is None:
        return False
    element, component, codes = spec.key
    value = node.segment.component(element, component) if component else node.segment[element]
    return value not in codes


def explained(error: tuple[int, str, str, str], findings: list, placement: Placement) -> bool:  # type: ignore[type-arg]
    """A pyx12 error (line = 1-based segment number) that follows from a root cause we report once."""
    line, seg_id, code, message = error
    if any(f.code == "snip1.envelope.separators" and f.location.segment_index + 1 <= line for f in findings):
        return True  # we read the composites with the body's component separator from there on
    if line - 1 in placement.zone:
        return True  # pyx12 could not place a segment we placed by its id (or one of the loop it opened)
    return "missing" in message and any(f'({name})' in message for name in placement.ids)
