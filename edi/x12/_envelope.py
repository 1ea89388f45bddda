"""Envelope framing: which interchange, group and transaction each segment belongs to, and the control checks.

Problems are collected as located :class:`EnvelopeFinding` values (never raised) so that a validator can turn
them into TA1 and 999 acknowledgments.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum

from edi.x12._segment import Position, Segment


class Role(str, Enum):
    """What a segment is to the envelope."""

    ISA = "ISA"
    GS = "GS"
    ST = "ST"
    BODY = "BODY"      # a segment between ST and SE
    SE = "SE"
    GE = "GE"
    IEA = "IEA"
    TA1 = "TA1"        # an interchange acknowledgment inside an interchange, outside groups
    STRAY = "STRAY"    # a segment where the envelope does not allow one


@dataclass(frozen=True, slots=True)
class EnvelopeFinding:
    code: str                                  # "envelope.se01.count" — stable, documented
    message: str
    position: Position
    segment_id: str
    element: str | None                        # "SE01"
    control: tuple[str | None, str | None, str | None]  # ISA13, GS06, ST02
    ta1_note: str | None = None                # TA105 note code when the problem is at interchange level


@dataclass
class Interchange:
    header: Segment
    control: str                               # ISA13
    sender: tuple[str, str]                    # (ISA05, ISA06 stripped)
    receiver: tuple[str, str]
    version: str                               # ISA12
    usage: str                                 # ISA15
    groups: int = 0
    trailer: Segment | None = None
    findings: list[EnvelopeFinding] = field(default_factory=list)
    garbled: bool = False                      # its body is written with other separators than the ISA declares
    ta1s: int = 0                              # TA1 segments it carries (an interchange acknowledgment)


@dataclass
class Group:
    header: Segment
    interchange: Interchange
    functional_id: str                         # GS01
    control: str                               # GS06
    version: str                               # GS08
    sender: str
    receiver: str
    transactions: int = 0
    trailer: Segment | None = None


@dataclass
class Transaction:
    header: Segment
    group: Group | None
    set_id: str                                # ST01
    control: str                               # ST02
    guide: str                                 # ST03, else GS08
    segments: int = 1                          # ST … SE inclusive, counted so far
    trailer: Segment | None = None

    @property
    def version(self) -> str:
        return self.guide


@dataclass(frozen=True, slots=True)
class Framed:
    segment: Segment
    role: Role
    interchange: Interchange | None
    group: Group | None
    transaction: Transaction | None
    index_in_transaction: int = 0              # 1 for ST; the IK302 position used by 999s


class Framer:
    """Iterate to get every segment with its role and envelope; findings gather in ``findings``."""

    def __init__(self, segments: Iterable[Segment]) -> None:
        self._segments = segments
        self.findings: list[EnvelopeFinding] = []
        self.interchanges = 0
        self._isa: Interchange | None = None
        self._gs: Group | None = None
        self._st: Transaction | None = None
        self._last: Segment | None = None
        self._st_controls: dict[int, set[str]] = {}
        self._gs_controls: dict[int, set[str]] = {}
        self._isa_controls: dict[tuple[str, str, str, str, str], int] = {}   # sender, receiver, ISA13 → index

    def __iter__(self) -> Iterator[Framed]:
        for role, seg, transaction, framed in self.events():
            if framed is None:
                yield Framed(seg, role, self._isa, self._gs, transaction, transaction.segments)  # type: ignore[union-attr]
            else:
                yield framed

    def events(self) -> Iterator[tuple[Role, Segment, Transaction | None, Framed | None]]:
        """The fast path for streaming consumers: (role, segment, transaction, Framed or None for a body
        segment). Body segments, the bulk of a file, get no Framed object."""
        handlers = {"ISA": self._on_isa, "GS": self._on_gs, "ST": self._on_st, "SE": self._on_se,
                    "GE": self._on_ge, "IEA": self._on_iea}
        body = Role.BODY
        seg = None
        for seg in self._segments:
            st = self._st
            handler = handlers.get(seg.id)
            if handler is None and st is not None:
                st.segments += 1
                yield body, seg, st, None
                continue
            framed = handler(seg) if handler is not None else self._outside(seg)
            yield framed.role, seg, framed.transaction, framed
        self._last = seg
        self._at_end()

    # -- findings ------------------------------------------------------------------------------------------
    def _find(self, code: str, message: str, seg: Segment, element: str | None = None,
              ta1_note: str | None = None) -> None:
        control = (self._isa.control if self._isa else None, self._gs.control if self._gs else None,
                   self._st.control if self._st else None)
        finding = EnvelopeFinding(code, message, seg.position, seg.id, element, control, ta1_note)
        self.findings.append(finding)
        if self._isa is not None:
            self._isa.findings.append(finding)

    # -- handlers ------------------------------------------------------------------------------------------
    def _on_isa(self, seg: Segment) -> Framed:
        if self._isa is not None:
            self._close_open_levels(seg, "a new ISA")
            self._missing("envelope.iea.missing", f"interchange {self._isa.control} has no IEA trailer before the "
                          "next ISA", seg, None, "023")
        self.interchanges += 1
        self._isa = Interchange(seg, seg[13], (seg[5], seg[6].strip()), (seg[7], seg[8].strip()), seg[12], seg[15])
        self._unique_interchange(seg)
        if len(seg.elements) != 17:
            self._find("envelope.isa.elements", f"ISA has {len(seg.elements) - 1} elements; it must have 16",
                       seg, "ISA", "024")
        return Framed(seg, Role.ISA, self._isa, None, None)

    def _on_gs(self, seg: Segment) -> Framed:
        if self._isa is None:
            self._find("envelope.gs.outside", "GS found outside an interchange (no ISA before it)", seg, "GS")
        if self._gs is not None:
            self._close_open_levels(seg, "a new GS")
        if self._isa is not None:
            self._isa.groups += 1
        self._gs = Group(seg, self._isa, seg[1], seg[6], seg[8], seg[2], seg[3])  # type: ignore[arg-type]
        if self._isa is not None:
            seen = self._gs_controls.setdefault(id(self._isa), set())
            if seg[6] in seen:
                self._find("envelope.gs06.duplicate", f"GS06 {seg[6]!r} is used by another functional group of "
                           "this interchange; group control numbers must be unique within an interchange", seg,
                           "GS06")
            seen.add(seg[6])
        if not seg[8]:
            self._find("envelope.gs08.missing", "GS08 (version / release / industry identifier) is empty; it "
                       "names the implementation guide, e.g. 005010X222A1", seg, "GS08")
        return Framed(seg, Role.GS, self._isa, self._gs, None)

    def _on_st(self, seg: Segment) -> Framed:
        if self._st is not None:
            self._find("envelope.se.missing", f"transaction {self._st.control} has no SE trailer before the "
                       "next ST", seg, "SE")
            self._st = None
        if self._gs is None:
            self._find("envelope.st.outside", "ST found outside a functional group (no GS before it)", seg, "ST")
        else:
            self._gs.transactions += 1
        gs08 = self._gs.version if self._gs else ""
        st03 = seg[3]
        self._st = Transaction(seg, self._gs, seg[1], seg[2], st03 or gs08)
        if st03 and gs08 and st03 != gs08:
            self._find("envelope.st03.version", f"ST03 {st03!r} differs from GS08 {gs08!r}; the transaction is "
                       "read with ST03's guide", seg, "ST03")
        if self._gs is not None:
            seen = self._st_controls.setdefault(id(self._gs), set())
            if seg[2] in seen:
                self._find("envelope.st02.duplicate", f"ST02 {seg[2]!r} is used by another transaction of this "
                           "group; control numbers must be unique within a functional group", seg, "ST02")
            seen.add(seg[2])
        if not (4 <= len(seg[2]) <= 9 and seg[2].isdigit()):
            self._find("envelope.st02.format", f"ST02 {seg[2]!r} must be a 4 to 9 digit control number", seg, "ST02")
        return Framed(seg, Role.ST, self._isa, self._gs, self._st, 1)

    def _on_se(self, seg: Segment) -> Framed:
        st = self._st
        if st is None:
            self._find("envelope.se.outside", "SE found without a matching ST", seg, "SE")
            return Framed(seg, Role.STRAY, self._isa, self._gs, None)
        if seg.index > st.header.index >= 0:
            st.segments = seg.index - st.header.index + 1  # counts segments a tokenizer skipped (tokenize keep=)
        else:
            st.segments += 1
        st.trailer = seg
        if seg[1] != str(st.segments):
            self._find("envelope.se01.count", f"SE01 is {seg[1]!r} but the transaction has {st.segments} "
                       f"segments from ST to SE; set SE01 to {st.segments}", seg, "SE01")
        if seg[2] != st.control:
            self._find("envelope.se02.control", f"SE02 {seg[2]!r} does not match ST02 {st.control!r}", seg, "SE02")
        framed = Framed(seg, Role.SE, self._isa, self._gs, st, st.segments)
        self._st = None
        return framed

    def _on_ge(self, seg: Segment) -> Framed:
        if self._st is not None:
            self._find("envelope.se.missing", f"transaction {self._st.control} has no SE trailer before GE",
                       seg, "SE")
            self._st = None
        gs = self._gs
        if gs is None:
            self._find("envelope.ge.outside", "GE found without a matching GS", seg, "GE")
            return Framed(seg, Role.STRAY, self._isa, None, None)
        gs.trailer = seg
        if seg[1] != str(gs.transactions):
            self._find("envelope.ge01.count", f"GE01 is {seg[1]!r} but the group has {gs.transactions} "
                       f"transaction sets; set GE01 to {gs.transactions}", seg, "GE01")
        if seg[2] != gs.control:
            self._find("envelope.ge02.control", f"GE02 {seg[2]!r} does not match GS06 {gs.control!r}", seg, "GE02")
        framed = Framed(seg, Role.GE, self._isa, gs, None)
        self._gs = None
        return framed

    def _on_iea(self, seg: Segment) -> Framed:
        if self._gs is not None or self._st is not None:
            self._close_open_levels(seg, "IEA")
        isa = self._isa
        if isa is None:
            self._find("envelope.iea.outside", "IEA found without a matching ISA", seg, "IEA", "024")
            return Framed(seg, Role.STRAY, None, None, None)
        isa.trailer = seg
        if not seg.terminated:
            self._find("envelope.iea.unterminated", "IEA has no segment terminator after it (the file ends right "
                       "after IEA02); some trading partners reject such files", seg, "IEA", "023")
        if seg[1] != str(isa.groups):
            self._find("envelope.iea01.count", f"IEA01 is {seg[1]!r} but the interchange has {isa.groups} "
                       f"functional groups; set IEA01 to {isa.groups}", seg, "IEA01", "021")
        if seg[2] != isa.control:
            self._find("envelope.iea02.control", f"IEA02 {seg[2]!r} does not match ISA13 {isa.control!r}",
                       seg, "IEA02", "001")
        framed = Framed(seg, Role.IEA, isa, None, None)
        self._isa = None
        return framed

    def _unique_interchange(self, seg: Segment) -> None:
        isa = self._isa
        assert isa is not None
        key = (*isa.sender, *isa.receiver, isa.control)
        earlier = self._isa_controls.setdefault(key, seg.index)
        if earlier != seg.index:
            self._find("envelope.isa13.duplicate", f"ISA13 {isa.control!r} was already used by the interchange at "
                       f"segment {earlier + 1} from the same sender to the same receiver; each interchange needs "
                       "its own control number", seg, "ISA13", "025")

    def _outside(self, seg: Segment) -> Framed:
        isa = self._isa
        if seg.id == "TA1" and isa is not None and self._gs is None:
            isa.ta1s += 1
            return Framed(seg, Role.TA1, isa, None, None)
        if isa is not None and (isa.garbled or self._garbled(seg)):
            return Framed(seg, Role.STRAY, isa, self._gs, None)  # reported once for the interchange
        where = ("between SE and the next ST or GE" if self._gs is not None else
                 "between GE and the next GS or IEA" if self._isa is not None else "outside any interchange")
        shown = seg.id or "an empty segment"
        self._find("envelope.segment.outside", f"{shown} found {where}; only envelope segments may stand there",
                   seg, None, "024" if self._gs is None else None)
        return Framed(seg, Role.STRAY, self._isa, self._gs, None)

    def _garbled(self, seg: Segment) -> bool:
        """Whether a segment standing where the envelope allows none is an envelope segment written with other
        separators than its interchange's ISA declares; if so, say so once for the whole interchange."""
        seen = separators_seen(seg)
        if seen is None:
            return False
        message, note = seen
        self._find("envelope.separators", message, seg, None, note)
        self._isa.garbled = True  # type: ignore[union-attr]
        return True

    def _missing(self, code: str, message: str, seg: Segment, element: str | None, ta1_note: str | None = None) -> None:
        """A trailer not found — unless the interchange's body is written with other separators than its ISA
        declares: then the trailer is most likely there, unreadable, and that is reported already."""
        if self._isa is None or not self._isa.garbled:
            self._find(code, message, seg, element, ta1_note)

    def _close_open_levels(self, seg: Segment, before: str) -> None:
        if self._st is not None:
            self._missing("envelope.se.missing", f"transaction {self._st.control} has no SE trailer before "
                          f"{before}", seg, "SE")
            self._st = None
        if self._gs is not None:
            self._missing("envelope.ge.missing", f"group {self._gs.control} has no GE trailer before {before}",
                          seg, "GE")
            self._gs = None

    def _at_end(self) -> None:
        if self._last is None:
            return
        last = self._last
        if self._st is not None:
            self._missing("envelope.se.missing", f"the file ends inside transaction {self._st.control} (no SE)",
                          last, "SE")
            self._st = None
        if self._gs is not None:
            self._missing("envelope.ge.missing", f"the file ends inside group {self._gs.control} (no GE)", last,
                          "GE")
            self._gs = None
        if self._isa is not None:
            self._missing("envelope.iea.missing", f"the file ends inside interchange {self._isa.control} (no IEA)",
                          last, "IEA", "023")
            self._isa = None


ENVELOPE_IDS = ("GS", "ST", "SE", "GE", "IEA", "TA1")


def separators_seen(seg: Segment) -> tuple[str, str] | None:
    """When a stray segment is an envelope segment written with other separators than its ISA declares: what is
    seen against what is declared, in words, and the TA105 note code (026 for the element separator, 004 for the
    segment terminator); else None."""
    d = seg.delimiters
    if d is None:
        return None
    text = seg.text()
    body = text.lstrip("".join(c for c in set(text[:8]) if not c.isalnum()))
    lead = text[: len(text) - len(body)]
    head = next((h for h in ENVELOPE_IDS if body.startswith(h) and len(body) > len(h)), None)
    if head is None:
        return None
    sep = body[len(head)]
    shown = body[:40]
    if not lead and sep != d.element and not sep.isalnum() and sep not in " ":
        return (f"the body is written with {sep!r} between elements ({shown!r}) but the ISA declares {d.element!r} "
                "(the character after 'ISA'): no segment of this interchange can be read as an envelope or "
                f"transaction segment; write the ISA with {sep!r} as its element separator, or the body with "
                f"{d.element!r}", "026")
    if lead and sep == d.element:
        declared = "a line break" if d.segment in "\r\n" else repr(d.segment)
        return (f"the segments after the ISA begin with {lead.strip()!r} ({text[:40]!r}): the body puts "
                f"{lead.strip()!r} between segments, but the ISA declares {declared} as the segment terminator (the "
                f"character after ISA16 {d.component!r}); no segment of this interchange can be read as an "
                "envelope or transaction segment", "004")
    return None
