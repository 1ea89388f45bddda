"""SNIP 1 — syntax integrity beyond the envelope checks of edi.x12: trailing delimiters (checked with each
segment's elements, in edi.validate._elements, so identical segments are checked once)."""

from __future__ import annotations

from edi.validate._problem import ElementProblem


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
