"""`edi to-xml`: the loop tree as XML, with loop, segment and element names as attributes, written as it is read.

The markup is written as text, segment by segment (each spec's element tags are made once and kept): a
100k-claim file is converted in flat memory, where building the tree in lxml took gigabytes.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import IO, Any

from edi.guide import LoopSpec, SegmentSpec, control_segment
from edi.inspect._nest import nest
from edi.x12 import Role, Segment, Source, Transaction

_FLUSH = 4096  # pieces per write
# XML 1.0 cannot hold control characters: they are shown as \xNN (as before); markup characters are escaped.
_TEXT = {c: f"\\x{c:02x}" for c in range(32) if chr(c) not in "\t\n\r"} | {
    ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord("\r"): "&#13;"}
_ATTRIBUTE = _TEXT | {ord('"'): "&quot;", ord("\n"): "&#10;", ord("\t"): "&#9;"}

# Per segment spec (or segment id, outside the guide): for each element position, its opening tag and, for a
# composite, its components' opening tags.
Tags = tuple[tuple[str, str, tuple[str, ...] | None], ...]  # (reference "CLM05", opening tag, component tags)


def attribute(value: str) -> str:
    return value if value.isalnum() else value.translate(_ATTRIBUTE)


def to_xml(source: Source, name: str | None = None) -> bytes:
    """The XML of a (small) file as bytes; :func:`write_xml` streams it."""
    out = io.BytesIO()
    write_xml(source, out, name)
    return out.getvalue()


def write_xml(source: Source, out: IO[bytes], name: str | None = None) -> None:
    """Write the XML of ``source`` to a binary stream as it is read."""
    label = name or (str(source) if not isinstance(source, (bytes, bytearray, memoryview)) else "<bytes>")
    _Writer(out.write).run(source, name, label)


class _Writer:
    def __init__(self, write: Callable[[bytes], Any]) -> None:
        self.write = write
        self.pieces: list[str] = []
        self.closers: list[str] = []        # the closing tag of each open container
        self.tags: dict[object, tuple[str, Tags]] = {}  # (escaped id, element tags) by spec id, else segment id
        self.names: dict[object, str] = {}

    def run(self, source: Source, name: str | None, label: str) -> None:
        pieces, closers = self.pieces, self.closers
        pieces.append(f"<?xml version='1.0' encoding='UTF-8'?>\n<x12 file=\"{attribute(label)}\">\n")
        for close, opened, role, seg, transaction, spec in nest(source, name):
            for _ in range(close):
                pieces.append(closers.pop())
            for marker in opened:
                self._open(marker, seg, transaction)
            if transaction is None:
                spec = control_segment(seg.id)
                self._segment(seg, spec, False)
            else:
                self._segment(seg, spec, spec is None)
            if len(pieces) > _FLUSH:
                self.flush()
        while closers:
            pieces.append(closers.pop())
        pieces.append("</x12>\n")
        self.flush()

    def flush(self) -> None:
        self.write("".join(self.pieces).encode("utf-8"))
        self.pieces.clear()

    def _open(self, marker: LoopSpec | Role, seg: Segment, transaction: Transaction | None) -> None:
        pad = "  " * (len(self.closers) + 1)
        if marker is Role.ISA:
            tag, head = "interchange", f'interchange control="{attribute(seg[13])}"'
        elif marker is Role.GS:
            tag, head = "group", f'group control="{attribute(seg[6])}" version="{attribute(seg[8])}"'
        elif marker.id == "ST_LOOP" and transaction is not None:  # type: ignore[union-attr]
            t = transaction
            tag, head = "transaction", (f'transaction set="{attribute(t.set_id)}" control="{attribute(t.control)}" '
                                        f'guide="{attribute(t.guide)}"')
        else:
            loop: LoopSpec = marker  # type: ignore[assignment]
            tag, head = "loop", f'loop id="{attribute(loop.id)}" name="{attribute(loop.name)}"'
        self.pieces.append(f"{pad}<{head}>\n")
        self.closers.append(f"{pad}</{tag}>\n")

    def _segment(self, seg: Segment, spec: SegmentSpec | None, unexpected: bool) -> None:
        pad = "  " * (len(self.closers) + 1)
        key = id(spec) if spec is not None else seg.id  # specs live as long as their (cached) guide
        elements = seg.elements
        cached = self.tags.get(key)
        if cached is None or len(cached[1]) < len(elements) - 1:
            cached = self.tags[key] = _tags(seg.id, spec, len(elements) - 1)
        seg_id, tags = cached
        rest = ""
        if spec is not None:
            rest = self.names.get(key) or self.names.setdefault(key, f' name="{attribute(spec.name)}"')
        elif unexpected:
            rest = ' unexpected="true"'
        head = f'{pad}<segment id="{seg_id}" index="{seg.index + 1}"{rest}'
        parts: list[str] = []
        inner = pad + "  "
        table = _TEXT
        for n in range(1, len(elements)):
            value = elements[n]
            if not value:
                continue
            ref, opening, components = tags[n - 1]
            if components is None:
                parts.append(f"{inner}{opening}{value if value.isalnum() else value.translate(table)}</element>\n")
                continue
            parts.append(f"{inner}{opening}\n")
            for k, part in enumerate(seg.components(n)):
                if part:
                    tag = components[k] if k < len(components) else f'<component id="{ref}-{k + 1:02d}">'
                    parts.append(f"{inner}  {tag}{part if part.isalnum() else part.translate(table)}</component>\n")
            parts.append(f"{inner}</element>\n")
        if parts:
            self.pieces.append(f"{head}>\n{''.join(parts)}{pad}</segment>\n")
        else:
            self.pieces.append(f"{head}/>\n")


def _tags(seg_id: str, spec: SegmentSpec | None, count: int) -> tuple[str, Tags]:
    """Opening tags for elements 1..count of a segment (more than the spec has, when the segment is longer)."""
    out = []
    for n in range(1, max(count, len(spec.elements) if spec is not None else 0) + 1):
        element = spec.element(n) if spec is not None else None
        if element is None:
            ref = attribute(f"{seg_id}{n:02d}")
            out.append((ref, f'<element id="{ref}">', None))
            continue
        opening = f'<element id="{attribute(element.id)}" name="{attribute(element.name)}">'
        if not element.is_composite:
            out.append((attribute(element.id), opening, None))
            continue
        components = tuple(f'<component id="{attribute(sub.id)}" name="{attribute(sub.name)}">'
                           for sub in element.components)
        out.append((attribute(element.id), opening, components))
    return attribute(seg_id), tuple(out)
