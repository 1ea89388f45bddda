"""What the encounter mapping asks the implementation guides (pyx12's maps, via :mod:`edi.guide`): the order of
same-position segments by qualifier, which loop each provider role lives in, which loops carry a PRV, REF or PER.

The guide's order matters because the models write a loop's DTPs, REFs and provider loops in the order they are
given; the reader gives them in file order. Building in the guide's order gives a valid 837 and makes a file read
back equal to the claim built.
"""

from __future__ import annotations

import functools

from edi.guide import LoopSpec, SegmentSpec, guide_named

# Provider roles of :class:`edi.claims.encounter.Providers` → NM101 entity identifier code.
ROLE_ENTITY = {"referring": "DN", "primary_care": "P3", "rendering": "82", "service_facility": "77",
               "supervising": "DQ", "ambulance_pickup": "PW", "ambulance_dropoff": "45", "attending": "71",
               "operating": "72", "other_operating": "ZZ", "ordering": "DK", "purchased_service": "QB"}
ENTITY_ROLE = {entity: role for role, entity in ROLE_ENTITY.items()}
LAST = 1 << 20  # rank of a qualifier the guide does not list: after the listed ones, in the order given


def guide_name(institutional: bool) -> str:
    return "837i" if institutional else "837p"


@functools.cache
def _loop(guide: str, loop_id: str) -> LoopSpec:
    spec = guide_named(guide).loop(loop_id)
    assert spec is not None, f"{guide} has no loop {loop_id}"
    return spec


def _segments(loop: LoopSpec, seg_id: str) -> list[SegmentSpec]:
    return [c for c in loop.children if isinstance(c, SegmentSpec) and c.id == seg_id]


@functools.cache
def ranks(guide: str, loop_id: str, seg_id: str) -> dict[str, int]:
    """Qualifier (first element's code) → rank of its segment among ``seg_id`` segments in the loop."""
    table: dict[str, int] = {}
    for rank, seg in enumerate(_segments(_loop(guide, loop_id), seg_id)):
        for code in seg.elements[0].codes if seg.elements else ():
            table.setdefault(code, rank)
    return table


@functools.cache
def role_loops(guide: str, parent: str) -> dict[str, tuple[int, str]]:
    """Provider role → (rank, loop id) of the NM1 loops under ``parent`` ("2300" claim, "2400" line)."""
    found: dict[str, tuple[int, str]] = {}
    for rank, child in enumerate(_loop(guide, parent).children):
        if not isinstance(child, LoopSpec):
            continue
        first = next(c for c in child.children if isinstance(c, SegmentSpec))
        if first.id != "NM1":
            continue
        for entity in sorted(first.elements[0].codes):
            role = ENTITY_ROLE.get(entity)
            if role is not None:
                found[role] = (rank, child.id)
    return found


@functools.cache
def has_segment(guide: str, loop_id: str, seg_id: str, qualifier: str | None = None) -> bool:
    """Whether the loop has a ``seg_id`` segment (with ``qualifier`` among its first element's codes)."""
    return any(qualifier is None or qualifier in seg.elements[0].codes
               for seg in _segments(_loop(guide, loop_id), seg_id))


@functools.cache
def specialty(guide: str, loop_id: str) -> str:
    """The PRV01 code a loop's PRV takes ("BI", "PE", "AT"), "" when the loop has no PRV."""
    for seg in _segments(_loop(guide, loop_id), "PRV"):
        codes = sorted(seg.elements[0].codes)
        return codes[0] if len(codes) == 1 else ""
    return ""


@functools.cache
def contact_codes(guide: str, loop_id: str) -> tuple[frozenset[str], ...]:
    """The communication number qualifiers a loop's PER takes at PER03, PER05 and PER07 (those it uses)."""
    for seg in _segments(_loop(guide, loop_id), "PER"):
        return tuple(e.codes for e in seg.elements if e.seq in (3, 5, 7) and e.usage != "N")
    return ()
