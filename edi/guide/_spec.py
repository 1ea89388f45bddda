"""Frozen implementation-guide specs: loops, segments, elements, compiled from pyx12's map XML."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

UNBOUNDED = 1 << 30  # ">1" repeat / max use


class _Pickled:
    """Pickled as (class, field values): unpickling calls the constructor, where a frozen dataclass's own
    ``__setstate__`` looks its fields up again for every object (~5× slower; a guide has thousands of specs,
    loaded from the disk cache at every start)."""

    __slots__ = ()

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        return self.__class__, tuple([getattr(self, name) for name in self.__slots__])  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class ElementSpec(_Pickled):
    id: str                      # "CLM01", or "CLM05-01" for a component
    name: str                    # "Patient Control Number"
    usage: str                   # R required, S situational, N not used
    seq: int                     # position in the segment (or in the composite)
    data_ele: str                # data element number, "1028"; "C023" for a composite
    data_type: str               # AN, ID, N0, N2, R, DT, TM, B …; "" for a composite
    min_len: int
    max_len: int
    codes: frozenset[str]        # valid codes listed in the guide (empty: any value)
    external: str | None         # external code list name from codes.xml ("states", "pos", …)
    regex: str | None
    repeat: int                  # how many repetitions the element may have (1 unless the guide says)
    components: tuple[ElementSpec, ...] = ()

    @property
    def is_composite(self) -> bool:
        return bool(self.components)

    @property
    def title(self) -> str:
        return f"{self.id} {self.name}"


@dataclass(frozen=True, slots=True)
class SegmentSpec(_Pickled):
    uid: int                     # index in the guide's node table
    id: str                      # "CLM"
    name: str                    # "Claim Information"
    usage: str
    pos: int
    max_use: int
    elements: tuple[ElementSpec, ...]
    syntax: tuple[str, ...]      # X12 syntax rules: "P0809", "C1110", "R0203", "E0102", "L010203"
    key: tuple[int, int, frozenset[str]] | None  # (element, component or 0, codes) that tells same-id siblings apart
    path: str                    # "/ISA_LOOP/GS_LOOP/ST_LOOP/DETAIL/2000A/2000B/2300/CLM"

    is_loop = False

    def element(self, seq: int) -> ElementSpec | None:
        """The spec of element ``seq`` (1-based), or None when the guide defines no such element."""
        return self.elements[seq - 1] if 0 < seq <= len(self.elements) else None

    @property
    def title(self) -> str:
        return f"{self.id} {self.name}"


@dataclass(frozen=True, slots=True)
class LoopSpec(_Pickled):
    uid: int
    id: str                      # "2300", "HEADER", "ST_LOOP"
    name: str                    # "Claim Information"
    usage: str
    pos: int
    repeat: int
    kind: str                    # "explicit" (envelopes), "wrapper" (table wrappers), "" (a guide loop)
    children: tuple[LoopSpec | SegmentSpec, ...]  # in pyx12's scan order: by position, loops first
    path: str

    is_loop = True

    @property
    def title(self) -> str:
        """"2300 CLAIM INFORMATION" — how the guides name a loop."""
        return f"{self.id} {self.name.upper()}"

    def walk(self) -> Iterator[LoopSpec | SegmentSpec]:
        """This loop and everything under it, depth first."""
        yield self
        for child in self.children:
            if isinstance(child, LoopSpec):
                yield from child.walk()
            else:
                yield child

    def walk_loops(self) -> Iterator[LoopSpec]:
        return (node for node in self.walk() if isinstance(node, LoopSpec))

    def find(self, loop_id: str) -> LoopSpec | None:
        return next((loop for loop in self.walk_loops() if loop.id == loop_id), None)


@dataclass(frozen=True, slots=True)
class TransactionSpec(_Pickled):
    """One implementation guide: 837P (005010X222A1), 835 (005010X221A1) …"""

    id: str                      # the map's transaction id: "837", "835W1", "837Q3"
    name: str                    # "HIPAA Health Care Claim: Professional X222A1-837"
    map_name: str                # "837.5010.X222.A1.xml"
    root: LoopSpec               # a pseudo-loop holding ISA_LOOP
    nodes: tuple[LoopSpec | SegmentSpec, ...]  # every loop and segment, indexed by uid
    parents: tuple[int, ...]     # uid of each node's enclosing loop (-1 for the root)

    def parent(self, node: LoopSpec | SegmentSpec) -> LoopSpec | None:
        uid = self.parents[node.uid]
        return None if uid < 0 else self.nodes[uid]  # type: ignore[return-value]

    def loop(self, loop_id: str) -> LoopSpec | None:
        return self.root.find(loop_id)

    def segment_by_path(self, path: str) -> SegmentSpec | None:
        return next((n for n in self.nodes if isinstance(n, SegmentSpec) and n.path == path), None)
