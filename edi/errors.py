"""The engine's exceptions: one root, raised for API misuse and for input that cannot be framed at all.

Everything else that is wrong with a file is reported as a located finding, not raised.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from edi.x12._segment import Position


class EdiError(Exception):
    """Root of every exception the engine raises on purpose."""


class FramingError(EdiError):
    """The input cannot be split into segments or envelopes: no usable ISA, broken delimiters, truncation."""

    def __init__(self, message: str, position: Position | None = None, source: str = "<input>") -> None:
        self.reason = message
        self.position = position
        self.source = source
        super().__init__(self._render())

    def _render(self) -> str:
        if self.position is None:
            return f"{self.source}: {self.reason}"
        p = self.position
        return f"{self.source}: segment {p.index + 1} (byte {p.offset}, line {p.line}): {self.reason}"

    def with_source(self, source: str) -> FramingError:
        """The same error, naming the file it came from."""
        return FramingError(self.reason, self.position, source)


class GuideError(EdiError):
    """An implementation guide cannot be found or compiled, or a segment cannot be placed when building."""


class MappingError(EdiError):
    """A file under mappings/ (payer profile, code table) that fails its schema, named by file and key."""

    def __init__(self, message: str, source: str = "<mapping>", key: str | None = None) -> None:
        self.reason = message
        self.source = source
        self.key = key
        super().__init__(f"{source}: {key}: {message}" if key else f"{source}: {message}")
