"""A lossless JSON form of an interchange file, and back: ``from_json(to_json(f)) == f`` byte for byte.

The document (``edi-x12-json/1``, see docs/json.md): ``{"format": "edi-x12-json/1", "children": [...]}`` where
each child is a segment (``{"id", "elements", "tail", ["lead"], ["name"], ["unexpected"]}``) or a container with
its own ``children``: an interchange (with its delimiters), a group, a transaction, or a loop. The JSON Lines
form (``lines=True``) has the line ``{"format": "edi-x12-json/1"}`` then one line per envelope segment and per
transaction. Reading back flattens the segments in order, so envelopes, loops and names are for people and tools;
the bytes come from elements, tails and leads.

Both directions stream: :func:`to_json` writes each segment as the walk places it, :func:`write_x12` (in
``_json_read``) writes each segment as it is parsed, so memory stays flat on any file size.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import IO, Any

import msgspec

from edi.guide import LoopSpec, guide_for
from edi.inspect._nest import delimiters_of, nest
from edi.x12 import Role, Segment, Source, Transaction

FORMAT = "edi-x12-json/1"
_FLUSH = 2048  # pieces per write


def to_json(source: Source, out: IO[str] | IO[bytes], name: str | None = None, *, lines: bool = False) -> None:
    """Write the JSON form of a file to ``out`` (a text or binary stream) as it is read.

    The document puts one segment per line, indented by depth; ``lines=True`` writes JSON Lines instead: one
    envelope segment or one whole transaction (its loops nested) per line, after a ``{"format": …}`` line."""
    write: Callable[[bytes], Any]
    if isinstance(out, io.TextIOBase):
        text_out = out
        write = lambda chunk: text_out.write(chunk.decode("utf-8"))  # noqa: E731
    else:
        write = out.write  # type: ignore[assignment]
    _Writer(write, lines).run(source, name)


def to_document(source: Source, name: str | None = None) -> dict[str, Any]:
    """The JSON form as Python objects (for small files: it is all in memory)."""
    out = io.BytesIO()
    to_json(source, out, name)
    return json.loads(out.getvalue())  # type: ignore[no-any-return]


class _Writer:
    """Containers are written as they open and closed as they close; ``stack`` holds, per open container,
    whether it is written (False: an interchange or group in the JSON Lines form, which has no containers for
    them) and whether it has a child yet."""

    def __init__(self, write: Callable[[bytes], Any], lines: bool) -> None:
        self.write = write
        self.lines = lines
        self.encode = msgspec.json.Encoder().encode
        self.pieces: list[bytes] = []
        self.stack: list[list[bool]] = []
        self.maps: dict[tuple[str, str], bytes] = {}  # (version, set id) → the transaction's "map" value

    def run(self, source: Source, name: str | None) -> None:
        pieces, stack, encode, lines = self.pieces, self.stack, self.encode, self.lines
        if lines:
            pieces.append(b'{"format":"%s"}\n' % FORMAT.encode())
            stack.append([False, False])
        else:
            pieces.append(b'{"format":"%s","children":[' % FORMAT.encode())
            stack.append([True, False])
        top_level = 1  # stack depth of a child of the document: such a segment names its delimiters
        parent, top = stack[-1], True
        first, more = self._separators(top_level)
        isa = Role.ISA
        for close, opened, role, seg, transaction, spec in nest(source, name):
            if close or opened:
                for _ in range(close):
                    self._close()
                for marker in opened:
                    self._open(marker, seg, transaction)
                parent = stack[-1]
                top = len(stack) == top_level
                first, more = self._separators(len(stack))
            if spec is not None:
                obj = {"id": seg.id, "elements": seg.elements[1:], "tail": seg.tail, "name": spec.name}
            else:
                obj = {"id": seg.id, "elements": seg.elements[1:], "tail": seg.tail}
                if transaction is not None:
                    obj["unexpected"] = True
            if seg.lead:
                obj["lead"] = seg.lead
            if top and not lines or lines and role is isa:
                obj["delimiters"] = delimiters_of(seg)
            if parent[0]:
                pieces.append(more if parent[1] else first)
                pieces.append(encode(obj))
                parent[1] = True
            else:
                pieces.append(encode(obj) + b"\n")
            if len(pieces) > _FLUSH:
                self.write(b"".join(pieces))
                pieces.clear()
        while len(stack) > 1:
            self._close()
        if not lines:
            pieces.append(b"]}\n")
        self.write(b"".join(pieces))
        pieces.clear()

    def _separators(self, depth: int) -> tuple[bytes, bytes]:
        """What goes before the first child of a container at this depth, and before each later one."""
        return (b"", b",") if self.lines else (b"\n" + b" " * depth, b",\n" + b" " * depth)

    def _head(self, text: bytes) -> None:
        """Put a container's head in the innermost open container."""
        parent = self.stack[-1]
        if parent[0]:
            first, more = self._separators(len(self.stack))
            self.pieces.append((more if parent[1] else first) + text)
            parent[1] = True
        else:
            self.pieces.append(text)

    def _open(self, marker: LoopSpec | Role, seg: Segment, transaction: Transaction | None) -> None:
        encode = self.encode
        if marker is Role.ISA or marker is Role.GS:
            if self.lines:
                self.stack.append([False, False])
                return
            head = (b'{"interchange":%s,"delimiters":%s,"children":[' % (encode(seg[13]), encode(delimiters_of(seg)))
                    if marker is Role.ISA else
                    b'{"group":%s,"version":%s,"children":[' % (encode(seg[6]), encode(seg[8])))
        elif marker.id == "ST_LOOP" and transaction is not None:  # type: ignore[union-attr]
            t = transaction
            head = b'{"transaction":%s,"control":%s,"guide":%s,"map":%s,' % (
                encode(t.set_id), encode(t.control), encode(t.guide), self._map(t))
            if len(self.stack) == 1 and not self.lines:  # a transaction outside any interchange
                head += b'"delimiters":%s,' % encode(delimiters_of(seg))
            head += b'"children":['
        else:
            head = b'{"loop":%s,"name":%s,"children":[' % (encode(marker.id), encode(marker.name))  # type: ignore[union-attr]
        self._head(head)
        self.stack.append([True, False])

    def _map(self, t: Transaction) -> bytes:
        key = (t.guide, t.set_id)
        value = self.maps.get(key)
        if value is None:
            guide = guide_for(t.guide, t.set_id)
            value = self.maps[key] = self.encode(guide.map_name if guide is not None else None)
        return value

    def _close(self) -> None:
        written, _ = self.stack.pop()
        if written:
            self.pieces.append(b"]}" if self.stack[-1][0] else b"]}\n")


def from_json(text: str | bytes) -> bytes:
    """The exact bytes a JSON document or JSON Lines text (from :func:`to_json`) was made from."""
    from edi.inspect._json_read import write_x12

    data = text.encode("utf-8") if isinstance(text, str) else text
    out = io.BytesIO()
    write_x12(io.BytesIO(data), out)
    return out.getvalue()
