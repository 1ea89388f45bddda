"""`edi split` and `edi merge`: interchanges cut apart or put together, envelopes rebuilt.

Both work on the streamed model records of :func:`edi.models.iter_records` — the transactions' bodies are written
back as read — and rebuild what an envelope must get right: every output interchange takes a new ISA13 from a
persistent counter (the one acknowledgments use: never the same number twice in a folder), trailers are counted
when written (SE01, GE01, IEA01) and repeat their header's number. Memory stays that of one claim, except that a
split by payer reads the file once more per payer.

- ``split(FILE, by="transaction")``: one file per transaction set, in its own interchange and group (GS as read);
- ``by="claim"`` (837P/837I): one file per claim, with the billing provider, subscriber and patient levels above
  it (HL numbers renumbered). An 835's claim payments share one payment (BPR02) and its PLB adjustments, so an 835
  is split by transaction, not by claim;
- ``by="payer"``: one file per payer — an 837's claims by their payer (2010BB NM109), an 835 by its payer (1000A
  N1*PR N104) — each transaction keeping its own claims for that payer.
- ``merge(FILES)``: one interchange of every transaction set of the files, in order: consecutive transactions of
  the same functional group kind, application sender/receiver and version share a GS (new GS06), ST02 renumbered
  from 0001 within a group. The files must share the ISA's sender, receiver, version, usage and delimiters.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from msgspec.structs import replace

from edi.acks._counter import ControlCounter
from edi.errors import EdiError
from edi.models._base import RawSegment
from edi.models._encode import iter_text
from edi.models._stream import (
    END_GROUP,
    END_INTERCHANGE,
    Head,
    Record,
    Tail,
    iter_records,
    record_segments,
)
from edi.models.acks import InterchangeAck
from edi.models.claim import Claim
from edi.models.envelope import GroupEnvelope, InterchangeEnvelope
from edi.models.remittance import ClaimPayment, Remittance

WAYS = ("transaction", "claim", "payer")


class SplitError(EdiError):
    """A file that cannot be split or merged as asked, and why."""


@dataclass(frozen=True)
class Written:
    path: Path
    interchange: str          # the ISA13 it was given
    transactions: int
    claims: int


def split(source: Path, out_dir: Path, by: str) -> list[Written]:
    """Write ``source``'s parts into ``out_dir`` (see the module docstring); the files written, in order."""
    if by not in WAYS:
        raise SplitError(f"split by {by!r}: choose {', '.join(WAYS)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    counter = ControlCounter(out_dir)
    if by == "payer":
        plan = _payer_plan(source)
        payers = list(dict.fromkeys(p for claims in plan for p in claims))
        return [_write(out_dir / f"{source.name}.payer-{_safe(payer)}", counter,
                       lambda payer=payer: _share(source, payer, plan), renumber=True) for payer in payers]
    written = []
    for n, part in enumerate(_parts(source, by), start=1):
        written.append(_write(out_dir / f"{source.name}.{by}-{n}", counter, lambda part=part: iter([part])))
    return written


def merge(sources: Iterable[Path], out: Path) -> Written:
    """One interchange holding every transaction set of ``sources``, in order (see the module docstring)."""
    sources = list(sources)
    return _write(out, ControlCounter(out.parent),
                  lambda: (part for source in sources for part in _transactions(source)), renumber=True,
                  named=True)


class _Part(NamedTuple):
    """One output transaction: the interchange and group it was read in, its Head, and the records after it (its
    claims and Tail, streamed)."""

    interchange: InterchangeEnvelope
    group: GroupEnvelope
    head: Head
    body: Iterable[Record]
    source: Path


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text) or "none"


def _write(stem: Path, counter: ControlCounter, parts: Callable[[], Iterator[_Part]], *, renumber: bool = False,
           named: bool = False) -> Written:
    """One interchange of ``parts()`` at ``stem`` (.ISA13.x12 added unless ``named``), written to a temporary name
    and renamed when complete. ``renumber``: parts are read twice — first to check they can share an interchange
    and to count their groups — and get new GS06s and ST02s; otherwise the one part keeps its GS as read."""
    groups = _check(parts()) if renumber else 0
    numbers = counter.reserve(groups=groups)
    isa13 = f"{numbers.interchange:09d}"
    path = stem if named else stem.with_name(f"{stem.name}.{isa13}.x12")
    tally = [0, 0]
    tmp = path.with_name(path.name + ".part")
    try:
        with tmp.open("wb") as out:
            records = _enveloped(parts(), isa13, numbers.group if renumber else None, tally)
            for chunk in iter_text(record_segments(records)):
                out.write(chunk)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return Written(path, isa13, tally[0], tally[1])


def _group_key(group: GroupEnvelope) -> tuple[str, ...]:
    return (group.functional_id, group.sender, group.receiver, group.version)


_SAME = ("sender_qualifier", "sender_id", "receiver_qualifier", "receiver_id", "version", "usage",
         "element_separator", "component_separator", "segment_terminator", "repetition_separator")


def _check(parts: Iterator[_Part]) -> int:
    """The number of groups the parts will need; refused when their interchanges cannot be one."""
    first: InterchangeEnvelope | None = None
    key: tuple[str, ...] | None = None
    groups = 0
    for part in parts:
        for _ in part.body:
            pass
        if first is None:
            first = part.interchange
        for name in _SAME:
            a, b = getattr(first, name), getattr(part.interchange, name)
            if a != b:
                raise SplitError(f"{part.source}: ISA {name.replace('_', ' ')} is {b!r} where the first is {a!r}: "
                                 "only interchanges between the same parties, of one version, usage and delimiters "
                                 "go into one")
        if _group_key(part.group) != key:
            key = _group_key(part.group)
            groups += 1
    if first is None:
        raise SplitError("no transaction set to write")
    return groups


def _enveloped(parts: Iterator[_Part], isa13: str, gs06: int | None, tally: list[int]) -> Iterator[Record]:
    """The records of one interchange: ISA (new ISA13), a GS per run of one group kind (new GS06s from ``gs06``
    on, or the part's own), each part's Head (ST02 renumbered with new GS06s) and body; trailers follow."""
    key: tuple[str, ...] | None = None
    st = 0
    opened = False
    for part in parts:
        if not opened:
            yield replace(part.interchange, control=isa13, source=None)
            opened = True
        if key is None or (_group_key(part.group) != key if gs06 is not None else True):
            if key is not None:
                yield END_GROUP
            key = _group_key(part.group)
            control = part.group.control
            if gs06 is not None:
                control, gs06, st = str(gs06), gs06 + 1, 0
            yield replace(part.group, control=control, source=None)
        head = part.head
        if gs06 is not None:
            st += 1
            envelope = head.model.envelope
            if envelope is not None:
                head = Head(replace(head.model, envelope=replace(envelope, control=f"{st:04d}")), head.streamed)
        tally[0] += 1
        yield head
        for record in part.body:
            tally[1] += isinstance(record, (Claim, ClaimPayment))
            yield record
    if opened:
        yield END_GROUP
        yield END_INTERCHANGE


def _transactions(source: Path) -> Iterator[_Part]:
    """Each transaction of a file with its envelope; a streamed one's records follow as its body is read."""
    isa: InterchangeEnvelope | None = None
    gs: GroupEnvelope | None = None
    records = iter_records(source)
    for record in records:
        if isinstance(record, InterchangeEnvelope):
            isa = record
        elif isinstance(record, GroupEnvelope):
            gs = record
        elif isinstance(record, Head):
            assert isa is not None and gs is not None
            body = _until_tail(records) if record.streamed else iter(())
            yield _Part(isa, gs, record, body, source)
            for _ in body:      # what the caller did not read
                pass
        elif isinstance(record, (InterchangeAck, RawSegment)):
            what = "a TA1" if isinstance(record, InterchangeAck) else \
                f"a {record.elements[0]} segment outside any transaction"
            raise SplitError(f"{source}: {what}: only transaction sets are split and merged; remove it first")


def _until_tail(records: Iterator[Record]) -> Iterator[Record]:
    for record in records:
        yield record
        if isinstance(record, Tail):
            return


def _parts(source: Path, by: str) -> Iterator[_Part]:
    for part in _transactions(source):
        if by == "transaction" or not part.head.streamed:
            yield part
            continue
        if isinstance(part.head.model, Remittance):
            raise SplitError(f"{source}: an 835's claim payments share one payment (BPR02) and its PLB adjustments: "
                             "split an 835 by transaction or payer, not by claim")
        held: Claim | None = None
        for record in part.body:
            if isinstance(record, Claim):
                if held is not None:
                    yield part._replace(body=[held, Tail({})])
                held = record
            elif isinstance(record, Tail):
                if held is not None:
                    yield part._replace(body=[held, record])    # what follows the claims goes with the last
                elif record.fields:
                    yield part._replace(body=[record])


def _payer(party: Any) -> str:
    return (party.id or party.last_name) if party is not None else ""


def _payer_plan(source: Path) -> list[list[str]]:
    """Per transaction: the payer of each of its claims (837), or [its payer] (835 and others, kept whole)."""
    plan: list[list[str]] = []
    for part in _transactions(source):
        model = part.head.model
        if isinstance(model, Remittance) or not part.head.streamed:
            plan.append([_payer(getattr(model, "payer", None))])
        else:
            plan.append([_payer(r.payer) for r in part.body if isinstance(r, Claim)] or [""])
    return plan


def _share(source: Path, payer: str, plan: list[list[str]]) -> Iterator[_Part]:
    for n, part in enumerate(_transactions(source)):
        mine = plan[n]
        if payer not in mine:
            continue
        if isinstance(part.head.model, Remittance) or not part.head.streamed:
            yield part
            continue
        claims = iter(mine)
        yield part._replace(body=(r for r in part.body if not isinstance(r, Claim) or next(claims) == payer))
