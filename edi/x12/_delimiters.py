"""The four X12 delimiters, read from the ISA segment.

X12.5 makes the ISA fixed width (106 characters), so readers may take the delimiters from fixed places. Real
files collapse or over-pad ISA fields; as stupidedi, X12Parser and TigerShark do, the delimiters are then found
from the element separators: the element separator is the character after ``ISA``, the component separator the
one after the 16th element separator, and the segment terminator the one after that. Whether the ISA is fixed
width is judged by the validator (SNIP 1), not by the reader.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from edi.errors import FramingError
from edi.x12._segment import Position

ISA_LENGTH = 106
# Where the element separator must stand in a fixed-width ISA (0-based), before ISA01..ISA16.
ISA_SEPARATOR_OFFSETS = (3, 6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103)
ISA_WIDTHS = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)
ISA_SEARCH = 512  # how far into an interchange the element separators of an ISA not fixed width are looked for
# Text that may stand between segments without being data: line breaks, indentation, NUL and EOF padding.
WHITESPACE = " \t\r\n\x00\x1a\x0b\x0c"


@dataclass(frozen=True, slots=True)
class Delimiters:
    """Element separator, component separator, repetition separator (None before 5010) and segment terminator.

    ``line_break`` is what the writer puts after each terminator when it builds new segments ("" for none).
    """

    element: str = "*"
    component: str = ":"
    repetition: str | None = "^"
    segment: str = "~"
    line_break: str = "\n"

    def __post_init__(self) -> None:
        problem = self.problem()
        if problem:
            raise ValueError(problem)

    def problem(self) -> str | None:
        """Why these delimiters cannot frame an interchange, or None when they can."""
        named = [("element separator", self.element), ("component separator", self.component),
                 ("segment terminator", self.segment)]
        if self.repetition is not None:
            named.append(("repetition separator", self.repetition))
        for label, value in named:
            if len(value) != 1:
                return f"the {label} must be one character, got {value!r}"
            if value.isalnum():
                return f"the {label} {value!r} is a letter or digit, which X12 data uses"
        for i, (label_a, a) in enumerate(named):
            for label_b, b in named[i + 1:]:
                if a == b:
                    return f"the {label_a} and the {label_b} are both {a!r}"
        return None

    def as_dict(self) -> dict[str, str | None]:
        return {"element": self.element, "component": self.component, "repetition": self.repetition,
                "segment": self.segment, "line_break": self.line_break}


def read_delimiters(head: str, position: Position | None = None, source: str = "<input>") -> Delimiters:
    """Delimiters from the start of an interchange: its ISA segment and whatever text follows it."""
    return read_isa(head, position, source)[0]


def read_isa(head: str, position: Position | None = None, source: str = "<input>") -> tuple[Delimiters, int]:
    """Delimiters from the start of an interchange (the ISA and what follows it, up to :data:`ISA_SEARCH`
    characters), and the length of the ISA with its terminator. Raises :class:`FramingError` when they cannot
    be determined. A repetition separator that cannot be one (a letter or digit, a space, another delimiter, or
    any ISA11 before version 00501) is read as absent; the validator reports it."""
    def fail(message: str, at: int = 0) -> FramingError:
        where = None if position is None else Position(position.offset + at, position.index, position.line)
        return FramingError(message, where, source)

    if not head.startswith("ISA"):
        raise fail(f"expected an ISA segment, found {head[:20]!r}")
    element = head[3:4]
    if not element or element.isalnum() or element in WHITESPACE:
        raise fail(f"the element separator (the 4th character of the ISA) is {element!r}; it must be a "
                   "punctuation character such as '*'", 3)
    if len(head) > ISA_SEPARATOR_OFFSETS[-1] and all(head[at] == element for at in ISA_SEPARATOR_OFFSETS):
        last = ISA_SEPARATOR_OFFSETS[-1]  # fixed width, as X12.5 has it: the common case
    else:
        last, why = _last_separator(head, element)
        if why:
            raise fail(why, last)
    if len(head) < last + 3:
        raise fail(f"the file ends inside the ISA segment ({len(head)} characters, none after ISA16)", len(head))
    component, segment = head[last + 1], head[last + 2]
    if segment.isalnum() or segment == " ":
        raise fail(f"the segment terminator (the character right after ISA16 {component!r}) is {segment!r}; it "
                   "must be a punctuation character or a line break, and ISA16 a single character", last + 2)
    fields = head[:last].split(element)
    repetition: str | None = None
    if len(fields) == 16 and fields[12] >= "00501":  # before 00501 ISA11 is the standards id ("U")
        isa11 = fields[11]
        if len(isa11) == 1 and not isa11.isalnum() and isa11 not in (" ", element, component, segment):
            repetition = isa11
    try:
        return Delimiters(element, component, repetition, segment, ""), last + 3
    except ValueError as exc:
        raise fail(f"the delimiters cannot be told apart: {exc} (ISA16 {component!r}, then the terminator "
                   f"{segment!r})", last + 1) from None


def _last_separator(head: str, element: str) -> tuple[int, str | None]:
    """Where the 16th element separator (the one before ISA16) stands in an ISA that is not fixed width:
    ``(offset, None)``, or ``(offset, why)`` where the search stopped: an ISA does not run on into the next
    segment."""
    end = min(len(head), ISA_SEARCH)
    separators, at = 1, 3
    while separators < 16:
        nxt = head.find(element, at + 1, end)
        if nxt < 0:
            break
        separators, at = separators + 1, nxt
    run_on = _next_segment(element).search(head, 4, at + 1)
    if run_on is None and separators == 16:
        return at, None
    if run_on is not None:
        end, stop = run_on.start(), f"the next segment ({run_on.group()!r})"
    else:
        stop = "the end of the file" if end == len(head) else f"its first {ISA_SEARCH} characters"
    separators = head.count(element, 0, end)
    return end, (f"the ISA has {separators} element separators {element!r} before {stop}; it needs 16 (ISA01-ISA16), "
                 "so its component separator and segment terminator cannot be found")


@functools.cache
def _next_segment(element: str) -> re.Pattern[str]:
    """A terminator (punctuation, or a line break), then an envelope segment id and the element separator: where
    an ISA with too few elements runs on into the next segment."""
    sep = re.escape(element)
    return re.compile(rf"(?:[^\w\s{sep}]\s*|[\r\n]+)(?:GS|ST|IEA|TA1){sep}")
