"""SNIP 1 — syntax integrity beyond the envelope checks of edi.x12: empty segments, trailing delimiters."""

from __future__ import annotations

from collections.abc import Iterator

from edi.guide import SegmentNode
from edi.validate._engine import Context
from edi.validate._finding import Finding, Severity
from edi.validate._rules import segment_rule


@segment_rule("*", snip=1)
def trailing_delimiters(ctx: Context, node: SegmentNode) -> Iterator[Finding]:
    """X12 forbids a segment that ends in an element separator, or a composite that ends in a component
    separator: writers must drop trailing empty elements."""
    seg = node.segment
    elements = seg.elements
    if len(elements) > 1 and elements[-1] == "":
        yield ctx.finding("snip1.segment.trailing_separator", 1, f"{seg.id} ends with an empty element (a trailing "
                          f"{seg.delimiters.element if seg.delimiters else '*'!r}); remove trailing separators",
                          ctx.at(seg, node.loop, ctx.position), severity=Severity.ERROR, ik304="8", ik403="3")
        return
    sep = seg.delimiters.component if seg.delimiters else ":"
    for n, value in enumerate(elements[1:], start=1):
        if value.endswith(sep) and seg.id != "ISA":
            yield ctx.finding("snip1.composite.trailing_separator", 1, f"{seg.id}{n:02d} {value!r} ends with a "
                              f"component separator; remove trailing separators",
                              ctx.at(seg, node.loop, ctx.position, f"{seg.id}{n:02d}"), value=value,
                              ik304="8", ik403="13")
