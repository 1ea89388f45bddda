"""Segments → bytes: lossless for segments read from a file, trimmed and delimited for built ones."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import BinaryIO, Union

from edi.x12._delimiters import Delimiters
from edi.x12._segment import Segment

Element = Union[str, Sequence[str]]  # a plain element, or the components of a composite
Built = Sequence[Element]            # ("CLM", "A37", "100", "", "", ("11", "B", "1"), ...)


def write(segments: Iterable[Segment | Built], delimiters: Delimiters | None = None) -> bytes:
    """Serialize segments. Read segments keep their own delimiters and whitespace, so a tokenized file writes
    back byte for byte; pass ``delimiters`` to re-delimit them. Built segments (tuples) need ``delimiters``."""
    return b"".join(iter_bytes(segments, delimiters))


def write_to(stream: BinaryIO, segments: Iterable[Segment | Built], delimiters: Delimiters | None = None) -> int:
    """Stream segments to a binary file object; return the number of bytes written."""
    total = 0
    for chunk in iter_bytes(segments, delimiters):
        stream.write(chunk)
        total += len(chunk)
    return total


def iter_bytes(segments: Iterable[Segment | Built], delimiters: Delimiters | None = None,
               chunk_segments: int = 4096) -> Iterator[bytes]:
    """Serialize in chunks of ``chunk_segments`` segments, so memory stays flat on large outputs."""
    out: list[str] = []
    for seg in segments:
        out.append(encode(seg, delimiters))
        if len(out) >= chunk_segments:
            yield "".join(out).encode("latin-1")
            out.clear()
    if out:
        yield "".join(out).encode("latin-1")


def encode(seg: Segment | Built, delimiters: Delimiters | None = None) -> str:
    """One segment as text, with its terminator and what follows it."""
    if isinstance(seg, Segment):
        own = seg.delimiters
        if delimiters is None or delimiters == own:
            if own is None:
                raise ValueError(f"segment {seg.id} has no delimiters; pass delimiters= to write it")
            return f"{seg.lead}{own.element.join(seg.elements)}{seg.tail}"
        return _redelimit(seg, own, delimiters)
    if delimiters is None:
        raise ValueError("built segments need delimiters= to be written")
    return _built(seg, delimiters)


def _built(elements: Built, d: Delimiters) -> str:
    texts = [e if isinstance(e, str) else _composite(e, d.component) for e in elements]
    while len(texts) > 1 and texts[-1] == "":
        texts.pop()
    for text in texts:
        _check_free_of_delimiters(text, d, elements[0] if elements else "?")
    return d.element.join(texts) + d.segment + d.line_break


def _composite(components: Sequence[str], sep: str) -> str:
    parts = list(components)
    while parts and parts[-1] == "":
        parts.pop()
    return sep.join(parts)


def _check_free_of_delimiters(text: str, d: Delimiters, seg_id: object) -> None:
    for delimiter in (d.element, d.segment):
        if delimiter in text:
            raise ValueError(f"{seg_id}: value {text!r} contains the delimiter {delimiter!r}")


def _redelimit(seg: Segment, old: Delimiters | None, new: Delimiters) -> str:
    old = old or Delimiters()
    table = {ord(old.component): new.component}
    if old.repetition and new.repetition:
        table[ord(old.repetition)] = new.repetition
    elements = [e.translate(table) for e in seg.elements]
    if seg.id == "ISA" and len(elements) > 16:
        if new.repetition:
            elements[11] = new.repetition
        elements[16] = new.component
    return new.element.join(elements) + new.segment + new.line_break
