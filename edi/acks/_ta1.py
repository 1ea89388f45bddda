"""TA1 interchange acknowledgments from a validation report: one per interchange read, rejecting it (TA104 R) with
the note code (TA105) of its interchange-level errors — ISA elements, the IEA trailer, a premature end of file, a
duplicate control number. A TA1 holds one note: with several, the one a receiver finds first, checking the ISA's
structure, then its elements in order, then the trailer, duplicates and content (``NOTE_ORDER``)."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date, datetime

from edi.acks._999 import acknowledgment_kind
from edi.acks._policy import echoed_number
from edi.models.acks import InterchangeAck
from edi.validate import Finding, Report
from edi.x12 import Interchange

# TA105 codes in the order a receiver meets the problems: delimiters and structure (026 element separator, 027
# component separator, 004 terminator, 022 control structure, 002/003 standard and version not supported), the
# ISA elements ISA01 … ISA15 (010–013 authorization and security, 005–009 ids, 014 date, 015 time, 016 standards
# id, 017 version, 018 control number, 019 acknowledgment requested, 020 usage), the end of the interchange
# (023 premature end of file, 001 IEA02 mismatch, 021 IEA01 group count), 025 duplicate control number and
# 024 invalid content.
NOTE_ORDER = ("026", "027", "004", "022", "002", "003", "010", "011", "012", "013", "005", "006", "007", "008",
              "009", "014", "015", "016", "017", "018", "019", "020", "023", "001", "021", "025", "024")
PREMATURE_END = "023"


@dataclass(frozen=True)
class Ta1Result:
    """The TA1s to send and, in words, what they say and what was left unanswered."""

    acks: tuple[InterchangeAck, ...]
    notes: tuple[str, ...] = ()


def build_ta1(report: Report, when: datetime | None = None) -> list[InterchangeAck]:
    """One TA1 per interchange read that is not itself made of acknowledgments."""
    return list(answer_interchanges(report, when).acks)


def answer_interchanges(report: Report, when: datetime | None = None) -> Ta1Result:
    """The TA1s for a report; an interchange date or time that is not valid (TA105 014 / 015) is answered with
    ``when`` (default: now), the moment it was received, as TA102 / TA103 must hold a valid one."""
    received = when or datetime.now()
    starts = sorted(i.header.index for i in report.interchanges)
    acks: list[InterchangeAck] = []
    notes: list[str] = []
    held: dict[int, list[str | None]] = {}   # interchange → what kind of acknowledgment each transaction is
    for r in report.transactions:
        group = r.transaction.group
        if group is not None:
            held.setdefault(id(group.interchange), []).append(acknowledgment_kind(r.transaction))
    for interchange in report.interchanges:
        kinds = _acknowledgments_only(interchange, held.get(id(interchange), []))
        if kinds:
            notes.append(f"interchange {interchange.control} holds only acknowledgments ({', '.join(kinds)}): "
                         "acknowledgments are never acknowledged, so no TA1 answers it")
            continue
        codes = [f.ta1_note for f in report.findings if f.ta1_note and f.is_error
                 and _owner(f, report.interchanges, starts) is interchange]
        if report.fatal is not None and interchange is report.interchanges[-1] and interchange.trailer is None:
            codes.append(PREMATURE_END)   # the file ends (or breaks off) inside this interchange
        chosen = first_note(codes)
        if len(set(codes)) > 1:
            notes.append(f"interchange {interchange.control}: TA105 {chosen}, the first a receiver meets of "
                         f"{', '.join(sorted(set(codes), key=_rank))} (a TA1 carries one note)")
        isa = interchange.header
        sent = _yymmdd(isa[9])
        control = ta101(interchange.control)
        if control != interchange.control:
            notes.append(f"interchange {interchange.control!r}: its ISA13 is not a 9-digit number, so TA101 (which "
                         f"must be one) says {control}")
        acks.append(InterchangeAck(control_number=control, interchange_date=sent or received.date(),
                                   interchange_time=isa[10] if _hhmm(isa[10]) else received.strftime("%H%M"),
                                   code="R" if chosen else "A", note_code=chosen or "000"))
    return Ta1Result(tuple(acks), tuple(notes))


def ta101(isa13: str) -> str:
    """The interchange control number as TA101 can carry it (9 digits): a shorter number zero-padded (the same
    number), anything else — too long, not digits — all zeros, the TA105 saying why (018)."""
    return echoed_number(isa13, 9, 9)


def _owner(finding: Finding, interchanges: list[Interchange], starts: list[int]) -> Interchange | None:
    """The interchange a finding is about: the one with its ISA13 when that number is used once, else the one
    it stands in (a finding about a missing IEA stands at the next ISA, so position alone would not do)."""
    named = [i for i in interchanges if i.control == finding.location.control[0]]
    if len(named) == 1:
        return named[0]
    at = bisect.bisect_right(starts, finding.location.segment_index) - 1
    return next((i for i in interchanges if at >= 0 and i.header.index == starts[at]), None)


def first_note(codes: list[str]) -> str | None:
    """The note code to send of those found: the one a receiver meets first (``NOTE_ORDER``)."""
    return min(codes, key=_rank) if codes else None


def _rank(code: str) -> int:
    return NOTE_ORDER.index(code) if code in NOTE_ORDER else len(NOTE_ORDER)


def _acknowledgments_only(interchange: Interchange, kinds: list[str | None]) -> list[str]:
    """The kinds of acknowledgment an interchange holds when it holds nothing else (999, 277CA …, or TA1 when
    it has no group at all but a TA1); an empty list otherwise. ``kinds``: each of its transactions' kind."""
    if kinds:
        return sorted({k for k in kinds if k}) if all(kinds) else []
    return ["TA1"] if interchange.groups == 0 and interchange.ta1s else []


def _hhmm(raw: str) -> bool:
    return len(raw) == 4 and raw.isdigit() and int(raw[:2]) < 24 and int(raw[2:]) < 60


def _yymmdd(raw: str) -> date | None:
    if len(raw) == 6 and raw.isdigit():
        try:
            return date(2000 + int(raw[:2]), int(raw[2:4]), int(raw[4:]))
        except ValueError:
            return None
    return None
