"""The envelope a transaction was read in — its ISA, GS and ST as read — so that writing a model back gives the
interchange it came from: sender and receiver ids, authorization and security, dates, control numbers, the
errata version in GS08/ST03 (005010X222A2 …) and the delimiters. Trailers are not kept: SE01/GE01/IEA01 are
counted and SE02/GE02/IEA02 repeat their header's control number when written.

A model built in code has no envelope; ``edi.models.write`` then takes an ``InterchangeHeader`` and
``ControlNumbers`` instead.
"""

from __future__ import annotations

from collections.abc import Iterator

from edi.models._base import Model, RawSegment, Source
from edi.x12 import Delimiters, Segment
from edi.x12._delimiters import ISA_WIDTHS
from edi.x12._writer import Built


class InterchangeEnvelope(Model, omit_defaults=False):
    """An ISA as read, its fields without their padding, with the delimiters of its interchange."""

    authorization_qualifier: str = "00"  # ISA01
    authorization: str = ""              # ISA02, padded to 10 characters when written
    security_qualifier: str = "00"       # ISA03
    security: str = ""                   # ISA04, padded to 10
    sender_qualifier: str = "ZZ"         # ISA05
    sender_id: str = ""                  # ISA06, padded to 15
    receiver_qualifier: str = "ZZ"       # ISA07
    receiver_id: str = ""                # ISA08, padded to 15
    date: str = ""                       # ISA09: YYMMDD
    time: str = ""                       # ISA10: HHMM
    repetition_separator: str = "^"      # ISA11: the repetition separator (00501); U (standards id) before 00402
    version: str = "00501"               # ISA12
    control: str = ""                    # ISA13: interchange control number
    ack_requested: str = "0"             # ISA14: 1 asks for a TA1
    usage: str = "P"                     # ISA15: P production, T test
    component_separator: str = ":"       # ISA16
    element_separator: str = "*"         # the character after "ISA"
    segment_terminator: str = "~"        # the character after ISA16
    line_break: str = "\n"               # written after each terminator: "", "\n" or "\r\n" as the file had
    source: Source | None = None         # the ISA (it tells two interchanges with equal headers apart)

    @property
    def delimiters(self) -> Delimiters:
        """The delimiters these fields name (raises ValueError when they cannot frame an interchange). ISA11 is
        no repetition separator before version 00402, nor when it is a letter, digit or space, or another
        delimiter (as the tokenizer reads it)."""
        repetition: str | None = self.repetition_separator
        if (self.version < "00402" or len(repetition) != 1 or repetition.isalnum() or repetition == " "
                or repetition in (self.element_separator, self.component_separator, self.segment_terminator)):
            repetition = None
        return Delimiters(self.element_separator, self.component_separator, repetition, self.segment_terminator,
                          self.line_break)

    def segment(self) -> tuple[str, ...]:
        """The ISA's 16 elements, fixed width: shorter fields padded with spaces (a longer one is kept whole)."""
        values = (self.authorization_qualifier, self.authorization, self.security_qualifier, self.security,
                  self.sender_qualifier, self.sender_id, self.receiver_qualifier, self.receiver_id, self.date,
                  self.time, self.repetition_separator, self.version, self.control, self.ack_requested, self.usage,
                  self.component_separator)
        return ("ISA", *(value.ljust(width) for value, width in zip(values, ISA_WIDTHS)))


class GroupEnvelope(Model, omit_defaults=False):
    """A GS as read."""

    functional_id: str = ""              # GS01: HC (837), HP (835), FA (999), HN (277) …
    sender: str = ""                     # GS02: application sender's code
    receiver: str = ""                   # GS03: application receiver's code
    date: str = ""                       # GS04: CCYYMMDD
    time: str = ""                       # GS05: HHMM[SS[DD]]
    control: str = ""                    # GS06: group control number
    agency: str = "X"                    # GS07: responsible agency code
    version: str = ""                    # GS08: 005010X222A1, 005010X222A2 …
    source: Source | None = None         # the GS

    def segment(self) -> tuple[str, ...]:
        return ("GS", self.functional_id, self.sender, self.receiver, self.date, self.time, self.control,
                self.agency, self.version)


class Envelope(Model):
    """Where a transaction stands: its interchange and group as read, its ST02 and ST03."""

    control: str = ""                    # ST02: transaction set control number
    guide: str = ""                      # ST03 as read (005010X222A2 …); "" when the ST has none
    group: GroupEnvelope | None = None
    interchange: InterchangeEnvelope | None = None


ISA_FIELDS = InterchangeEnvelope.__struct_fields__[:16]  # ISA01 … ISA16
_DELIMITER_FIELDS = {"element separator": "element_separator", "component separator": "component_separator",
                     "repetition separator": "repetition_separator", "segment terminator": "segment_terminator"}


def interchange_problem(isa: InterchangeEnvelope) -> tuple[str, str] | None:
    """Why an ISA cannot be written — (field, reason) — or None: a field longer than its fixed width, delimiters
    that are not single, distinct punctuation characters, a line break that is not one."""
    for n, (name, width) in enumerate(zip(ISA_FIELDS, ISA_WIDTHS), 1):
        value = getattr(isa, name)
        if len(value) > width:
            return name, f"{value!r} is {len(value)} characters, but ISA{n:02d} has {width} (the ISA is fixed width)"
    try:
        isa.delimiters  # noqa: B018  (it checks them)
    except ValueError as exc:
        label = next((label for label in _DELIMITER_FIELDS if label in str(exc)), "element separator")
        return _DELIMITER_FIELDS[label], f"{exc}"
    if isa.line_break not in ("", "\n", "\r\n", "\r"):
        return "line_break", f"{isa.line_break!r} is not a line break (use \"\", \"\\n\" or \"\\r\\n\")"
    return None


# -- reading -----------------------------------------------------------------------------------------------
def interchange_of(isa: Segment) -> InterchangeEnvelope:
    """An ISA segment's fields; the delimiters from the segment (else the defaults)."""
    e = isa.elements + ("",) * max(0, 17 - len(isa.elements))
    d = isa.delimiters or Delimiters()
    gap = isa.tail[1:].rstrip(" \t") if isa.tail[:1] == d.segment else ""  # the line break, not an indent
    return InterchangeEnvelope(
        authorization_qualifier=e[1].rstrip(" "), authorization=e[2].rstrip(" "),
        security_qualifier=e[3].rstrip(" "), security=e[4].rstrip(" "), sender_qualifier=e[5].rstrip(" "),
        sender_id=e[6].rstrip(" "), receiver_qualifier=e[7].rstrip(" "), receiver_id=e[8].rstrip(" "),
        date=e[9].rstrip(" "), time=e[10].rstrip(" "), repetition_separator=e[11], version=e[12].rstrip(" "),
        control=e[13].rstrip(" "), ack_requested=e[14].rstrip(" "), usage=e[15].rstrip(" "),
        component_separator=e[16][:1] or d.component, element_separator=d.element, segment_terminator=d.segment,
        line_break=gap if gap in ("\n", "\r\n", "\r") else "", source=Source(interchange=e[13], segment=isa.index))


def group_of(gs: Segment) -> GroupEnvelope:
    e = gs.elements + ("",) * max(0, 9 - len(gs.elements))
    return GroupEnvelope(functional_id=e[1], sender=e[2], receiver=e[3], date=e[4], time=e[5], control=e[6],
                         agency=e[7], version=e[8], source=Source(group=e[6], segment=gs.index))


# -- writing -----------------------------------------------------------------------------------------------
class Enveloper:
    """Writes envelopes around built segments as they stream by: ISA, GS and ST from the envelopes as read,
    their trailers counted (SE01, GE01, IEA01) with the header's control number (SE02, GE02, IEA02)."""

    def __init__(self) -> None:
        self.interchange: InterchangeEnvelope | None = None
        self.group: GroupEnvelope | None = None
        self.groups = 0          # in the open interchange
        self.transactions = 0    # in the open group

    def open_interchange(self, isa: InterchangeEnvelope) -> Iterator[Built | RawSegment]:
        yield from self.close_interchange()
        self.interchange, self.groups = isa, 0
        yield RawSegment(elements=isa.segment())  # raw: ISA11 and ISA16 are separators

    def open_group(self, gs: GroupEnvelope) -> Iterator[Built]:
        yield from self.close_group()
        self.group, self.transactions = gs, 0
        self.groups += 1
        yield gs.segment()

    def transaction(self, set_id: str, control: str, guide: str, body: Iterator[Built]) -> Iterator[Built]:
        """ST, the body, SE with its count."""
        self.transactions += 1
        yield ("ST", set_id, control, guide) if guide else ("ST", set_id, control)
        count = 2
        for seg in body:
            count += 1
            yield seg
        yield ("SE", str(count), control)

    def close_group(self) -> Iterator[Built]:
        if self.group is not None:
            yield ("GE", str(self.transactions), self.group.control)
            self.group = None

    def close_interchange(self) -> Iterator[Built]:
        yield from self.close_group()
        if self.interchange is not None:
            yield ("IEA", str(self.groups), self.interchange.segment()[13])  # ISA13 as written (padded)
            self.interchange = None
