"""SNIP 1 — syntax integrity beyond the envelope checks of edi.x12: trailing delimiters (checked with each
segment's elements, in edi.validate._elements, so identical segments are checked once), and composites written with
another component separator than the ISA declares (looked for only when a segment has element problems)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from edi.validate._problem import ElementProblem

if TYPE_CHECKING:
    from edi.guide import SegmentSpec
    from edi.x12 import Delimiters


def trailing_separators(elements: tuple[str, ...], component: str) -> list[ElementProblem]:
    """X12 forbids a segment that ends in an element separator, or a composite that ends in a component
    separator: writers must drop trailing empty elements and components."""
    seg_id = elements[0]
    if len(elements) > 1 and elements[-1] == "":
        return [ElementProblem(len(elements) - 1, 0, 0, None, "3", 1, f"{seg_id} ends with an empty element (a "
                               "trailing element separator); remove trailing separators", "", "trailing_separator")]
    if seg_id == "ISA":
        return []
    return [ElementProblem(n, 0, 0, None, "13", 1, f"{seg_id}{n:02d} {value!r} ends with a component separator; "
                           "remove trailing separators", value, "trailing_separator")
            for n, value in enumerate(elements[1:], start=1) if value.endswith(component)]


def component_separator_seen(elements: tuple[str, ...], spec: SegmentSpec, d: Delimiters) -> tuple[int, str] | None:
    """A body that writes composites with another component separator than its ISA16 declares (``11>B>1`` where
    ISA16 is ':'): (the element, the character it uses) when some composite of ``spec`` holds no declared
    separator but splits on another punctuation character into components that are each valid; else None."""
    from edi.validate._elements import check_value  # (_elements imports this module)

    taken = (d.element, d.segment, d.repetition, d.component)
    for n, element in enumerate(spec.elements, start=1):
        value = elements[n] if n < len(elements) else ""
        if not element.is_composite or not value or d.component in value:
            continue
        for c in dict.fromkeys(ch for ch in value if not ch.isalnum() and ch not in " .-" and ch not in taken):
            parts = value.split(c)
            if len(parts) <= len(element.components) and all(
                    (check_value(part, component) is None) if part else component.usage != "R"
                    for part, component in zip(parts, element.components)):
                return n, c
    return None
