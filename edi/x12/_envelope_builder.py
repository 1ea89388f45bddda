"""Building envelopes: ISA/GS/ST headers with control numbers from a counter, and their trailers with counts."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from edi.x12._delimiters import Delimiters
from edi.x12._writer import Built


@dataclass
class ControlNumbers:
    """The next ISA13, GS06 and ST02 to use. Keep one per trading partner and persist it between runs."""

    interchange: int = 1
    group: int = 1
    transaction: int = 1

    def take(self, kind: str) -> int:
        value = getattr(self, kind)
        setattr(self, kind, value + 1)
        return value


@dataclass(frozen=True)
class Party:
    qualifier: str  # ISA05/ISA07, e.g. "ZZ" mutually defined, "30" federal tax id
    id: str         # ISA06/ISA08; GS02/GS03 use the same id unless the group says otherwise


@dataclass
class TransactionContent:
    set_id: str                    # ST01: "837", "835", "999", "277"
    body: Iterable[Built]          # the segments between ST and SE
    guide: str | None = None       # ST03 (implementation convention reference), None where the guide omits it


@dataclass
class GroupContent:
    functional_id: str             # GS01: HC (837), HP (835), FA (999), HN (277)
    version: str                   # GS08: 005010X222A1 …
    transactions: Iterable[TransactionContent]
    sender: str | None = None      # GS02, defaults to the interchange sender id
    receiver: str | None = None    # GS03, defaults to the interchange receiver id


@dataclass(frozen=True)
class InterchangeHeader:
    sender: Party
    receiver: Party
    usage: str = "P"               # ISA15: P production, T test
    ack_requested: str = "0"       # ISA14: 1 asks for a TA1
    version: str = "00501"         # ISA12
    created: datetime = field(default_factory=lambda: datetime(2026, 1, 1, 12, 0))


def build_interchange(groups: Iterable[GroupContent], header: InterchangeHeader, numbers: ControlNumbers,
                      delimiters: Delimiters) -> Iterator[Built]:
    """Yield ISA … IEA with ISA13/GS06/ST02 taken from ``numbers`` and SE01/GE01/IEA01 counted as it goes."""
    isa13 = f"{numbers.take('interchange'):09d}"
    when = header.created
    yield ("ISA", "00", " " * 10, "00", " " * 10, header.sender.qualifier, header.sender.id.ljust(15)[:15],
           header.receiver.qualifier, header.receiver.id.ljust(15)[:15], when.strftime("%y%m%d"),
           when.strftime("%H%M"), delimiters.repetition or "U", header.version, isa13, header.ack_requested, header.usage, delimiters.component)
    group_count = 0
    for group in groups:
        group_count += 1
        gs06 = str(numbers.take("group"))
        yield ("GS", group.functional_id, group.sender or header.sender.id, group.receiver or header.receiver.id,
               when.strftime("%Y%m%d"), when.strftime("%H%M"), gs06, "X", group.version)
        st_count = 0
        for txn in group.transactions:
            st_count += 1
            st02 = f"{numbers.take('transaction'):04d}"
            yield ("ST", txn.set_id, st02, txn.guide or "")
            count = 1
            for seg in txn.body:
                count += 1
                yield seg
            yield ("SE", str(count + 1), st02)
        yield ("GE", str(st_count), gs06)
    yield ("IEA", str(group_count), isa13)
