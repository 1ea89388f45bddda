"""Writing acknowledgments for a validated file: the answering interchange goes back to the sender.

Each acknowledgment is streamed to its file as it is built (a 277CA of 100,000 claims never sits in memory),
under a control number reserved from the output folder's counter (:class:`ControlCounter`): the file is named
``<file>.<kind>.<ISA13>.x12``, so runs never overwrite each other. What is not answered is said in words, never
dropped silently: acknowledgments are never acknowledged, transactions no guide covers get no 999, transactions
the 999 rejects get no 277CA.
"""

from __future__ import annotations

import functools
import io
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from edi.acks._277ca import claims_to_acknowledge, iter_277ca, not_acknowledged
from edi.acks._999 import acknowledgment_kind, build_999, not_answered, rejected_by_999
from edi.acks._counter import ControlCounter, Counter
from edi.acks._policy import DEFAULT_POLICY, AckPolicy, safe_text
from edi.acks._ta1 import answer_interchanges
from edi.errors import EdiError
from edi.guide import control_segment
from edi.models._io import write_to
from edi.models._write_acks import ta1_interchange
from edi.validate import Report
from edi.x12 import ControlNumbers, Delimiters, InterchangeHeader, Party
from edi.x12 import write_to as write_segments

KINDS = ("999", "ta1", "277ca")
DELIMITERS = Delimiters()   # what we send: ~ * : ^ and a line break after each segment
VERSIONS = ("00401", "00501")   # interchange versions (ISA12) we answer in kind; any other gets a 00501 answer


@dataclass(frozen=True)
class AckIds:
    """Who the acknowledgments are from and to (ISA05/06 and ISA07/08, also GS02/GS03); None: the answered
    interchange's receiver and sender, swapped."""

    sender: Party | None = None
    receiver: Party | None = None


def parse_party(text: str) -> Party:
    """"ZZ:CLEARINGHOUSE" → Party("ZZ", "CLEARINGHOUSE") (ISA05/ISA06 or ISA07/ISA08)."""
    qualifier, sep, ident = text.partition(":")
    if not sep or not (len(qualifier) == 2 and qualifier.isalnum()) or not (0 < len(ident) <= 15) \
            or not all(c.isascii() and c.isprintable() and c not in "*~:^|>" for c in ident):
        raise EdiError(f"{text!r}: give an interchange id as QUALIFIER:ID, e.g. ZZ:CLEARINGHOUSE (a 2-character "
                       "qualifier, an id of 1 to 15 characters without delimiters)")
    return Party(qualifier.upper(), ident)


@dataclass(frozen=True)
class AckResult:
    """One acknowledgment asked for a file: where it was written (None when nothing was) under which ISA13, and
    what it leaves unanswered, in words."""

    kind: str
    source: str
    path: Path | None = None
    control_number: str = ""
    notes: tuple[str, ...] = ()


def reply_header(report: Report, when: datetime, ids: AckIds = AckIds(), *,
                 same_version: bool = False) -> InterchangeHeader:
    """The answering interchange's header: sender and receiver swapped from the first interchange read (or as
    ``ids`` says), its usage indicator (test or production) kept; 5010, or with ``same_version`` (a TA1) the
    version of the interchange answered when it is 4010."""
    if report.interchanges:
        isa = report.interchanges[0].header
        usage = isa[15] if isa[15] in ("P", "T") else "P"
        sender, receiver = _party(isa[7], isa[8]), _party(isa[5], isa[6])
        version = isa[12] if same_version and isa[12] in VERSIONS else "00501"
    else:
        sender, receiver, usage, version = Party("ZZ", "RECEIVER"), Party("ZZ", "SENDER"), "P", "00501"
    return InterchangeHeader(ids.sender or sender, ids.receiver or receiver, usage=usage, version=version,
                             created=when)


def _delimiters(header: InterchangeHeader) -> Delimiters:
    """A 4010 interchange has no repetition separator (its ISA11 is the standards identifier U)."""
    return DELIMITERS if header.version != "00401" else Delimiters(repetition=None)


def _party(qualifier: str, ident: str) -> Party:
    """An id of the answered ISA for ours; a qualifier the 5010 envelope does not allow becomes ZZ (mutually
    defined), an id with characters we may not send is cleaned."""
    allowed = _qualifiers()
    return Party(qualifier if qualifier in allowed else "ZZ", safe_text(ident.strip()) or "UNKNOWN")


@functools.cache
def _qualifiers() -> frozenset[str]:
    isa = control_segment("ISA")
    return isa.elements[4].codes if isa is not None else frozenset({"ZZ"})


@dataclass
class _Plan:
    """What one kind of acknowledgment will hold: the control numbers it needs and how to write it."""

    notes: list[str]
    groups: int = 0
    transactions: int = 0
    write: Callable[[BinaryIO, InterchangeHeader, ControlNumbers], object] | None = None


def _plan(kind: str, report: Report, source: Path | bytes, when: datetime, policy: AckPolicy) -> _Plan:
    planner = _PLANNERS.get(kind)
    if planner is None:
        raise ValueError(f"unknown acknowledgment {kind!r}; choose from {', '.join(KINDS)}")
    if report.fatal is not None and kind != "ta1":
        return _Plan([f"the file cannot be read to its end ({report.fatal}); only a TA1 answers it"])
    return planner(report, source, when, policy)


def _plan_ta1(report: Report, source: Path | bytes, when: datetime, policy: AckPolicy) -> _Plan:
    answer = answer_interchanges(report, when)
    notes = list(answer.notes)
    if not report.interchanges:
        notes.append("no interchange header (ISA) could be read, so no TA1 can answer")
    if not answer.acks:
        return _Plan(notes)
    return _Plan(notes, write=lambda stream, header, numbers: write_segments(
        stream, ta1_interchange(answer.acks, header, numbers, _delimiters(header)), _delimiters(header)))


def _plan_999(report: Report, source: Path | bytes, when: datetime, policy: AckPolicy) -> _Plan:
    acks = build_999(report, policy)
    answered = {id(r.transaction.group) for r in report.transactions if not_answered(r.transaction) is None}
    notes = [reason for r in report.transactions if id(r.transaction.group) not in answered
             and (reason := not_answered(r.transaction)) is not None]
    if not report.transactions:
        notes.append("no transaction set to acknowledge")
    if not acks:
        return _Plan(notes)
    return _Plan(notes, 1, len(acks),
                 lambda stream, header, numbers: write_to(stream, acks, header, numbers, DELIMITERS))


def _plan_277ca(report: Report, source: Path | bytes, when: datetime, policy: AckPolicy) -> _Plan:
    notes = not_acknowledged(report, policy)
    rejected = rejected_by_999(report, policy)
    answered = sum(1 for r in report.transactions if claims_to_acknowledge(r.transaction)
                   and r.transaction.header.index not in rejected)
    others = [r.transaction for r in report.transactions if r.transaction.set_id != "837"]
    notes += [f"transaction {t.control} is a {ack}: acknowledgments are never acknowledged" for t in others
              if (ack := acknowledgment_kind(t)) is not None]
    if len(others) == len(report.transactions):
        sets = sorted({t.set_id for t in others})
        notes.append(f"no 837 claim transaction ({', '.join(sets) or 'no transaction at all'}): a 277CA "
                     "acknowledges claims")
    if not answered:
        return _Plan(notes)
    return _Plan(notes, 1, answered, lambda stream, header, numbers: write_to(
        stream, iter_277ca(report, source, when=when, policy=policy), header, numbers, DELIMITERS))


_PLANNERS: dict[str, Callable[[Report, Path | bytes, datetime, AckPolicy], _Plan]] = {
    "999": _plan_999, "ta1": _plan_ta1, "277ca": _plan_277ca}


def ack_bytes(kind: str, report: Report, source: Path | bytes, *, numbers: ControlNumbers | None = None,
              when: datetime | None = None, policy: AckPolicy = DEFAULT_POLICY, ids: AckIds = AckIds()) -> bytes | None:
    """The acknowledgment interchange of one kind for a validated file; None when there is nothing to answer."""
    when = when or _now()
    plan = _plan(kind, report, source, when, policy)
    if plan.write is None:
        return None
    buffer = io.BytesIO()
    plan.write(buffer, reply_header(report, when, ids, same_version=kind == "ta1"), numbers or ControlNumbers())
    return buffer.getvalue()


def write_acks(report: Report, source: Path | bytes, kinds: Iterable[str], out_dir: Path, *,
               policy: AckPolicy = DEFAULT_POLICY, ids: AckIds = AckIds(), when: datetime | None = None,
               counter: Counter | None = None) -> list[AckResult]:
    """Write ``<file>.<kind>.<ISA13>.x12`` into ``out_dir`` for each kind that has something to say, each under
    control numbers reserved from ``counter`` (default: the counter file in ``out_dir``; a
    :class:`LedgerCounter` takes them from the ledger, per sender–receiver pair)."""
    when = when or _now()
    counter = counter or ControlCounter(out_dir)
    results = []
    for kind in dict.fromkeys(kinds):
        plan = _plan(kind, report, source, when, policy)
        if plan.write is None:
            results.append(AckResult(kind, report.file, notes=tuple(plan.notes)))
            continue
        out_dir.mkdir(parents=True, exist_ok=True)
        header = reply_header(report, when, ids, same_version=kind == "ta1")
        numbers = counter.reserve(plan.groups, plan.transactions, sender=header.sender, receiver=header.receiver)
        isa13 = f"{numbers.interchange:09d}"
        target = out_dir / f"{Path(report.file).name.strip('<>') or 'input'}.{kind}.{isa13}.x12"
        partial = target.with_name(f".{target.name}.{os.getpid()}.part")
        try:
            with partial.open("wb") as stream:
                plan.write(stream, header, numbers)
            os.replace(partial, target)   # whole or not at all
        finally:
            partial.unlink(missing_ok=True)
        results.append(AckResult(kind, report.file, target, isa13, tuple(plan.notes)))
    return results


def _now() -> datetime:
    return datetime.now().replace(second=0, microsecond=0)


__all__ = ["KINDS", "AckIds", "AckResult", "ack_bytes", "parse_party", "reply_header", "write_acks"]
