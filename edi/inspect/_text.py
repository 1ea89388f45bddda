"""`edi inspect`: the loop tree as indented text, with loop, segment and element names and what codes mean.

Lines are produced as the file is read (:func:`edi.inspect._nest.nest`), so a file of any size is shown in flat
memory; with a filter (``--loop``, ``--claim``) only the matching loops' lines are produced, as they are read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from edi.guide import ElementSpec, LoopSpec, SegmentSpec, control_segment, guide_for
from edi.inspect._codes import explainer, rarc_explainer
from edi.inspect._nest import nest
from edi.x12 import Segment, Source, Transaction

CLAIM_LOOPS = {"2300": "CLM", "2100": "CLP"}  # the loop a claim (837) or claim payment (835) opens, by its first segment


def inspect_lines(source: Source, *, loop_id: str | None = None, claim: str | None = None,
                  name: str | None = None) -> Iterator[str]:
    """Lines of the tree; ``loop_id`` keeps only that loop's instances, ``claim`` only the 2300 (or 835 2100)
    whose CLM01 (CLP01) equals it. Nothing is yielded when a filter matches nothing."""
    filtered = loop_id is not None or claim is not None
    explain = _Explainer()
    is_loop: list[bool] = []   # per open container: a loop (or transaction), not an interchange or group
    loops = 0                  # loops open, the transaction's ST_LOOP included
    shown_from: int | None = None if filtered else 1  # the depth (in loops) of the loop being shown
    indent = 0 if filtered else 2                      # unfiltered, loops stand under their transaction's line
    for close, opened, role, seg, transaction, spec in nest(source, name):
        for _ in range(close):
            if is_loop.pop():
                loops -= 1
                if filtered and shown_from is not None and loops < shown_from:
                    shown_from = None
        for n, marker in enumerate(opened):
            if not isinstance(marker, LoopSpec):
                is_loop.append(False)
                continue
            is_loop.append(True)
            loops += 1
            if shown_from is None and _matches(marker, n == len(opened) - 1, seg, loop_id, claim):
                shown_from = loops
            if shown_from is None:
                continue
            if marker.id == "ST_LOOP" and not filtered and transaction is not None:
                yield _transaction_line(transaction)
            pad = "  " * (loops - shown_from + indent)
            yield f"{pad}{marker.title}" if not marker.kind else f"{pad}[{marker.id}] {marker.name}"
        if transaction is None:
            if not filtered:
                yield from _segment_lines(seg, control_segment(seg.id), "", explain, envelope=True)
        elif shown_from is not None:
            pad = "  " * (loops - shown_from + indent + 1)
            yield from _segment_lines(seg, spec, pad, explain)


def _matches(loop: LoopSpec, innermost: bool, seg: Segment, loop_id: str | None, claim: str | None) -> bool:
    if claim is not None:
        return innermost and CLAIM_LOOPS.get(loop.id) == seg.id and seg[1] == claim
    return loop.id == loop_id


def _transaction_line(t: Transaction) -> str:
    guide = guide_for(t.guide, t.set_id)
    return f"  Transaction {t.set_id} {t.control}  {t.guide}" + (
        f"  ({guide.name})" if guide else "  (no guide known: segments not placed)")


def _segment_lines(seg: Segment, spec: SegmentSpec | None, pad: str, explain: _Explainer,
                   envelope: bool = False) -> list[str]:
    where = f"#{seg.index + 1}"
    if envelope:
        lines = [f"{seg.id}  {spec.name if spec else '(not an envelope segment)'}  {where}"]
    elif spec is None:
        lines = [f"{pad}{seg.id}  ! not expected here by the guide  {where}: {seg.text()}"]
    else:
        lines = [f"{pad}{seg.id}  {spec.name}  {where}"]
    elements = seg.elements
    rows = explain.rows(seg.id, spec, len(elements) - 1, envelope)
    inner = "    " if envelope else pad + "    "
    for n in range(1, len(elements)):
        value = elements[n]
        if not value or envelope and not value.strip():
            continue
        label, meaning_of = rows[n - 1]
        meaning = meaning_of(seg, n, value) if meaning_of is not None else None
        lines.append(f"{inner}{label}{value}  ({meaning})" if meaning else f"{inner}{label}{value}")
    return lines


Row = tuple[str, "Callable[[Segment, int, str], str | None] | None"]  # (label before the value, what it means)


class _Explainer:
    """Per segment spec, each element's label and way of explaining its value, worked out once."""

    def __init__(self) -> None:
        self.cache: dict[object, tuple[Row, ...]] = {}

    def rows(self, seg_id: str, spec: SegmentSpec | None, count: int, envelope: bool) -> tuple[Row, ...]:
        key = (id(spec), envelope) if spec is not None else seg_id  # specs live as long as their (cached) guide
        rows = self.cache.get(key)
        if rows is None or len(rows) < count:
            size = max(count, len(spec.elements) if spec is not None else 0)
            rows = self.cache[key] = tuple(_row(seg_id, spec.element(n) if spec else None, n, envelope)
                                           for n in range(1, size + 1))
        return rows


def _row(seg_id: str, element: ElementSpec | None, n: int, envelope: bool) -> Row:
    if element is None:
        return (f"{seg_id}{n:02d} " if envelope else f"{seg_id + format(n, '02d'):<9}"), None
    label = f"{element.id} {element.name}: " if envelope else f"{element.id:<9}{element.name}: "
    if seg_id == "LQ" and n == 2:  # a remark code when LQ01 is HE
        remark = rarc_explainer()
        return label, lambda seg, _, value: remark(value) if seg[1] == "HE" else None
    if not element.is_composite:
        whole = explainer(element)
        return label, (lambda _, __, value: whole(value)) if whole is not None else None
    parts = tuple(explainer(component) for component in element.components)
    if not any(parts):
        return label, None

    def composite(seg: Segment, n: int, _: str) -> str | None:
        meanings = [f"{part} {meaning}" for part, explain in zip(seg.components(n), parts)
                    if explain is not None and part and (meaning := explain(part))]
        return "; ".join(meanings) or None
    return label, composite
