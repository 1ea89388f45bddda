"""Encounters as JSON: the JSON Schema (``edi schema encounter``) and JSON Lines output."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, BinaryIO

import msgspec

from edi.claims import encounter as model
from edi.claims._docs import description


def encounter_schema() -> dict[str, Any]:
    """The JSON Schema of :class:`Encounter`, each property described (what it holds → its 837 destination)."""
    schema = msgspec.json.schema(model.Encounter)
    schema["$id"] = model.SCHEMA
    for name, definition in schema["$defs"].items():
        cls = getattr(model, name)
        for field, prop in definition.get("properties", {}).items():
            text = description(cls, field)
            if text:
                prop["description"] = text
    return schema


_ENCODER = msgspec.json.Encoder(decimal_format="string")


class JsonWriter:
    """Encounters (or any models) written as they come: JSON Lines, or one JSON array (``array``)."""

    def __init__(self, stream: BinaryIO, *, array: bool = False) -> None:
        self.stream, self.array, self.count = stream, array, 0
        self._buffer = bytearray(b"[\n" if array else b"")

    def write(self, items: Iterable[msgspec.Struct]) -> int:
        """Write every item; returns how many this call wrote."""
        buffer, before = self._buffer, self.count
        for item in items:
            if self.array and self.count:
                buffer.extend(b",\n")
            _ENCODER.encode_into(item, buffer, -1)
            if not self.array:
                buffer.extend(b"\n")
            self.count += 1
            if len(buffer) > 1 << 16:
                self.stream.write(buffer)
                buffer.clear()
        return self.count - before

    def close(self) -> None:
        """Flush what is left (and close the array)."""
        if self.array:
            self._buffer.extend(b"\n]\n")
        self.stream.write(self._buffer)
        self._buffer.clear()


def encode_lines(items: Iterable[msgspec.Struct], stream: BinaryIO) -> int:
    """Write each encounter (or any model) as one JSON line; returns how many were written."""
    writer = JsonWriter(stream)
    count = writer.write(items)
    writer.close()
    return count
