"""Guides pyx12 ships no map for, derived from the map of the same transaction set in an earlier version.

The 5010 997 functional acknowledgment (GS08 005010X230, or plain 005010) is still returned by many trading
partners, but pyx12 4.0.0 ships only ``997.4010.xml`` (its maps.xml registers ``997.5010.xml`` in a comment). The
5010 997 has the 4010 structure with three optional elements added — ST03 and AK203 (1705 implementation
convention reference) and AK103 (480 version / release / industry identifier) — and a third component of AK401
(C030-03, 1528 repeating data element position); its GS08 names a 5010 version. The derived guide is the 4010
map with exactly those changes, so 997s of both eras are placed, named and validated by pyx12's map.
"""

from __future__ import annotations

import functools
from dataclasses import replace

from edi.guide._loader import data_elements, load_guide
from edi.guide._spec import ElementSpec, LoopSpec, SegmentSpec, TransactionSpec

MAP_997 = "997.4010.xml"
VERSIONS_997_5010 = ("005010X230", "005010")
# segment id → elements the 5010 997 adds after the 4010 ones: (id, name, data element number)
ADDED_997_5010 = {
    "ST": (("ST03", "Implementation Convention Reference", "1705"),),
    "AK1": (("AK103", "Version / Release / Industry Identifier Code", "480"),),
    "AK2": (("AK203", "Implementation Convention Reference", "1705"),),
}
ADDED_COMPONENTS = {"AK4": ("AK401-03", "Repeating Data Element Position", "1528")}


def derived_map(version: str, set_id: str) -> str | None:
    """The map a guide is derived from for this version and transaction set, or None."""
    return MAP_997 if set_id == "997" and version in VERSIONS_997_5010 else None


@functools.cache
def guide_997_5010() -> TransactionSpec:
    base = load_guide(MAP_997)
    nodes: list[LoopSpec | SegmentSpec] = list(base.nodes)

    def rebuilt(node: LoopSpec | SegmentSpec) -> LoopSpec | SegmentSpec:
        if isinstance(node, LoopSpec):
            new: LoopSpec | SegmentSpec = replace(node, children=tuple(rebuilt(child) for child in node.children))
        else:
            new = _segment(node)
        nodes[node.uid] = new
        return new

    root = rebuilt(base.root)
    return replace(base, name=f"{base.name} (5010: ST03, AK103, AK203, AK401-3 added)", root=root,
                   nodes=tuple(nodes))


def _segment(spec: SegmentSpec) -> SegmentSpec:
    elements = list(spec.elements)
    for element_id, name, number in ADDED_997_5010.get(spec.id, ()):
        elements.append(_element(element_id, name, number, len(elements) + 1))
    if spec.id in ADDED_COMPONENTS and elements and elements[0].components:
        element_id, name, number = ADDED_COMPONENTS[spec.id]
        first = elements[0]
        elements[0] = replace(first, components=(*first.components,
                                                 _element(element_id, name, number, len(first.components) + 1)))
    if spec.id == "GS":   # GS08 names a 5010 version
        elements = [replace(e, codes=e.codes | set(VERSIONS_997_5010)) if e.seq == 8 else e for e in elements]
    if elements == list(spec.elements):
        return spec
    return replace(spec, elements=tuple(elements))


def _element(element_id: str, name: str, number: str, seq: int) -> ElementSpec:
    data_type, min_len, max_len = data_elements().get(number, ("AN", 1, 35))
    return ElementSpec(element_id, name, "S", seq, number, data_type, min_len, max_len, frozenset(), None, None, 1)
