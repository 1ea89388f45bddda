"""Segment: one X12 segment as raw element text, with where it came from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import msgspec
import msgspec.structs

if TYPE_CHECKING:
    from edi.x12._delimiters import Delimiters


@dataclass(frozen=True, slots=True)
class Position:
    """Where a segment starts in its file."""

    offset: int  # byte offset of the segment's first byte (its id)
    index: int   # 0-based segment number in the file
    line: int    # 1-based line number of the segment's first byte


class Segment(msgspec.Struct, frozen=True, gc=False):
    """One segment: ``elements[0]`` is the segment id, so ``elements[n]`` is element n (``CLM01`` is ``seg[1]``).

    Elements are raw, lossless text; composites and repetitions are split on demand with :meth:`components`
    and :meth:`repetitions`. ``lead`` is any text before the segment (a byte-order mark or whitespace at the
    start of the file); ``tail`` is the terminator and the text after it up to the next segment (line breaks,
    indentation) — it lacks the terminator only for a file's last segment when the file ends without one.
    Immutable (equal when every field is); build one with :meth:`of`, make changed copies with :meth:`replace`.

    A msgspec Struct rather than a slotted class: the tokenizer makes one per segment, and the Struct's
    constructor costs a third as much (~35 ns against ~110 ns); ``gc=False`` keeps millions of them out of the
    cyclic collector's way (they hold only strings, numbers and the Delimiters).
    """

    id: str                        # elements[0], kept as a field: read for every segment, many times
    elements: tuple[str, ...]
    offset: int = -1
    index: int = -1
    line: int = 0
    tail: str = ""
    lead: str = ""
    delimiters: Delimiters | None = None

    @classmethod
    def of(cls, elements: tuple[str, ...], offset: int = -1, index: int = -1, line: int = 0, tail: str = "",
           lead: str = "", delimiters: Delimiters | None = None) -> Segment:
        """A segment from its elements (id first)."""
        return cls(elements[0], elements, offset, index, line, tail, lead, delimiters)

    @property
    def position(self) -> Position:
        return Position(self.offset, self.index, self.line)

    def __getitem__(self, n: int) -> str:
        """Element n (1-based as in the guide); "" when the segment is shorter."""
        elements = self.elements
        return elements[n] if n < len(elements) else ""

    def __len__(self) -> int:
        """Number of elements, not counting the id."""
        return len(self.elements) - 1

    def components(self, n: int) -> tuple[str, ...]:
        """Element n split on the component separator (``SV101`` → ``("HC", "99213", "25")``)."""
        value = self[n]
        sep = self.delimiters.component if self.delimiters else ":"
        return tuple(value.split(sep)) if sep in value else (value,)

    def component(self, n: int, k: int) -> str:
        """Component k (1-based) of element n; "" when absent."""
        parts = self.components(n)
        return parts[k - 1] if k <= len(parts) else ""

    def repetitions(self, n: int) -> tuple[str, ...]:
        """Element n split on the repetition separator (5010 and later)."""
        value = self[n]
        sep = self.delimiters.repetition if self.delimiters else None
        return tuple(value.split(sep)) if sep and sep in value else (value,)

    def replace(self, **changes: Any) -> Segment:
        if "elements" in changes:
            changes["id"] = changes["elements"][0]
        return msgspec.structs.replace(self, **changes)

    @property
    def terminated(self) -> bool:
        """False for a last segment that the file ends without a terminator after."""
        return self.delimiters is None or self.tail.startswith(self.delimiters.segment)

    def text(self) -> str:
        """The segment as it reads in the file, without terminator ("CLM*A37*100***11:B:1")."""
        sep = self.delimiters.element if self.delimiters else "*"
        return sep.join(self.elements)

    def __repr__(self) -> str:
        return f"<Segment {self.text()!r} #{self.index + 1} line {self.line}>"
