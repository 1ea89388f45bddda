"""Built segments → X12 text for the model writers, refusing any value that holds a delimiter.

A model's typed values are single data elements or components: none may hold a delimiter, or the X12 written would
say something else than the model (``"PCN1003*X"`` is two elements). Raw segments (``RawSegment``: what no typed
field holds) keep their composites and repetitions as read, joined with the file's own separators, so in them only
the element separator and the segment terminator are refused (BIN/BDS binary data excepted).

The check is made on the joined text of a whole segment: counting each delimiter there is far cheaper than testing
every value, and the values are looked at one by one only when a count is off.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from edi.errors import EdiError
from edi.models._base import RawSegment, RawText
from edi.x12 import Delimiters
from edi.x12._writer import Built

BINARY = frozenset({"BIN", "BDS"})  # their second element is binary data, framed by its length (BIN01)
NAMES = ("element separator", "component separator", "repetition separator", "segment terminator")


class ValueNotWritable(EdiError, ValueError):
    """A value cannot be written as X12: it holds a delimiter, or a character outside ISO 8859-1."""

    def __init__(self, segment_id: str, element: int, component: int | None, value: str, character: str,
                 why: str) -> None:
        self.segment_id, self.element, self.component = segment_id, element, component
        self.value, self.character, self.why = value, character, why
        self.at = f"{segment_id}{element:02d}" + (f"-{component}" if component else "") if segment_id else ""
        held = f"holds {character!r}, " if character else ""
        super().__init__(f"{self.at + ' ' if self.at else ''}value {value!r} {held}{why}")

    def located(self) -> str:
        """What is wrong, for a message that leads with the value's JSON path."""
        held = f"holds {character!r}, " if (character := self.character) else ""
        at = f" ({self.at})" if self.at else ""
        return f"{self.value!r} {held}{self.why.split(';')[0]}{at}"


class DelimiterInValue(ValueNotWritable):
    """A value to be written holds one of the interchange's delimiters."""

    def __init__(self, segment_id: str, element: int, component: int | None, value: str, character: str,
                 name: str) -> None:
        super().__init__(segment_id, element, component, value, character,
                         f"the {name}; X12 data cannot hold a delimiter (change the value, or write with other "
                         "delimiters)")


def encode(seg: Built | RawSegment, d: Delimiters) -> str:
    """One segment with its terminator and line break; trailing empty elements and components are dropped."""
    if seg.__class__ is RawSegment:
        return _raw(seg.elements, d)  # type: ignore[union-attr]
    texts: list[str] = []
    joins = 0  # component separators the composites put in
    component = d.component
    for value in seg:  # type: ignore[union-attr]
        if value.__class__ is str or value.__class__ is RawText:
            texts.append(value)  # type: ignore[arg-type]
            continue
        parts = list(value)
        while parts and not parts[-1]:
            parts.pop()
        if len(parts) > 1:
            joins += len(parts) - 1
        texts.append(component.join(parts))
    while len(texts) > 1 and not texts[-1]:
        texts.pop()
    text = d.element.join(texts)
    if (text.count(d.element) != len(texts) - 1 or d.segment in text or text.count(component) != joins
            or (d.repetition is not None and d.repetition in text)):
        if seg[0] == "ISA":  # type: ignore[index]  # ISA11 and ISA16 are the separators themselves
            return _raw(tuple(seg), d)  # type: ignore[arg-type]
        _refuse(seg, d, typed=True)  # type: ignore[arg-type]  # (text as read, RawText, may hold separators)
    if not text.isascii():
        _one_byte(text, d)
    return text + d.segment + d.line_break


def _raw(elements: tuple[str, ...], d: Delimiters) -> str:
    checked = elements[:2] if elements[0] in BINARY else elements
    text = d.element.join(checked)
    if text.count(d.element) != len(checked) - 1 or d.segment in text:
        _refuse(checked, d, typed=False)
    if checked is not elements:
        text = d.element.join(elements)
    end = len(text)
    while end and text[end - 1] == d.element:  # trailing empty elements
        end -= 1
    if not text.isascii():
        _one_byte(text, d)
    return text[:end] + d.segment + d.line_break


def _one_byte(text: str, d: Delimiters) -> None:
    """Refuse a segment with a character ISO 8859-1 has not (X12 is read and written one byte a character)."""
    try:
        text.encode("latin-1")
    except UnicodeEncodeError as exc:
        bad = text[exc.start]
        elements = text.split(d.element)
        n, value = next((n, v) for n, v in enumerate(elements) if bad in v)
        raise ValueNotWritable(elements[0], n, None, value, bad,
                               "a character X12 cannot carry (one byte per character, ISO 8859-1)") from None


def _refuse(seg: Built, d: Delimiters, typed: bool) -> None:
    """Raise for the first value that holds a delimiter it may not hold (none: the separators counted were in
    text as read, which keeps its composites and repeats)."""
    seg_id = str(seg[0])
    always = [(d.element, NAMES[0]), (d.segment, NAMES[3])]
    forbidden = always + ([(d.component, NAMES[1])] + ([(d.repetition, NAMES[2])] if d.repetition else [])
                          if typed else [])
    for char, name in always:
        if char in seg_id:
            raise DelimiterInValue(seg_id, 0, None, seg_id, char, name)
    for n, value in enumerate(seg[1:], 1):
        parts = [(None, value)] if isinstance(value, str) else list(enumerate(value, 1))
        for k, part in parts:
            for char, name in (always if part.__class__ is RawText else forbidden):
                if char in part:
                    raise DelimiterInValue(seg_id, n, k, part, char, name)


def iter_text(items: Iterable[Built | RawSegment | Delimiters], chunk_segments: int = 2048) -> Iterator[bytes]:
    """Encode a stream of segments in chunks; a ``Delimiters`` item switches the delimiters (a new interchange)."""
    d = Delimiters()
    out: list[str] = []
    for item in items:
        if item.__class__ is Delimiters:
            d = item  # type: ignore[assignment]
            continue
        out.append(encode(item, d))  # type: ignore[arg-type]
        if len(out) >= chunk_segments:
            yield _bytes(out, d)
            out.clear()
    if out:
        yield _bytes(out, d)


def _bytes(texts: list[str], d: Delimiters) -> bytes:
    """X12 is read and written as ISO 8859-1 (one byte per character, as the tokenizer reads it; ``encode``
    refused any other character)."""
    return "".join(texts).encode("latin-1")
