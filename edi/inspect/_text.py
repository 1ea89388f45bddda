"""`edi inspect`: the loop tree as indented text, with loop, segment and element names."""

from __future__ import annotations

from collections.abc import Iterator

from edi.guide import Loop, SegmentNode, TransactionTree, control_segment, walk_file
from edi.x12 import Framed, Source


def inspect_lines(source: Source, *, loop_id: str | None = None, claim: str | None = None,
                  name: str | None = None) -> Iterator[str]:
    """Lines of the tree; ``loop_id`` keeps only that loop's instances, ``claim`` only the 2300 (or 835 2100)
    whose CLM01 (CLP01) equals it."""
    filtered = loop_id is not None or claim is not None
    for item in walk_file(source, name=name):
        if isinstance(item, TransactionTree):
            t = item.envelope
            if not filtered:
                yield f"  Transaction {t.set_id} {t.control}  {t.guide}" + (
                    f"  ({item.guide.name})" if item.guide else "  (no guide known: segments not placed)")
            for loop in _selected(item, loop_id, claim):
                yield from _loop_lines(loop, 2 if not filtered else 0)
        elif not filtered:
            yield from _envelope_lines(item)


def _selected(tree: TransactionTree, loop_id: str | None, claim: str | None) -> Iterator[Loop]:
    if claim is not None:
        for loop in tree.loops():
            if loop.id in ("2300", "2100"):
                first = loop.children[0]
                if isinstance(first, SegmentNode) and first.segment.id in ("CLM", "CLP") and first.segment[1] == claim:
                    yield loop
        return
    if loop_id is not None:
        yield from tree.loops(loop_id)
        return
    yield tree.root


def _loop_lines(loop: Loop, depth: int) -> Iterator[str]:
    pad = "  " * depth
    yield f"{pad}{loop.title}" if not loop.spec.kind else f"{pad}[{loop.id}] {loop.name}"
    for child in loop.children:
        if isinstance(child, Loop):
            yield from _loop_lines(child, depth + 1)
        else:
            yield from _segment_lines(child, depth + 1)


def _segment_lines(node: SegmentNode, depth: int) -> Iterator[str]:
    pad = "  " * depth
    seg = node.segment
    where = f"#{seg.index + 1}"
    if node.spec is None:
        yield f"{pad}{seg.id}  ! not expected here by the guide  {where}: {seg.text()}"
    else:
        yield f"{pad}{seg.id}  {node.spec.name}  {where}"
    for ref, title, value in node.named_elements():
        if value:
            yield f"{pad}    {ref:<9}{title + ': ' if title else ''}{value}"


def _envelope_lines(item: Framed) -> Iterator[str]:
    seg = item.segment
    spec = control_segment(seg.id)
    yield f"{seg.id}  {spec.name if spec else '(not an envelope segment)'}  #{seg.index + 1}"
    for n in range(1, len(seg.elements)):
        element = spec.element(n) if spec else None
        title = f"{element.id} {element.name}: " if element else f"{seg.id}{n:02d} "
        if seg.elements[n].strip():
            yield f"    {title}{seg.elements[n]}"


