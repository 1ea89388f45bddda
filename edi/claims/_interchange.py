"""One interchange file being written: ISA and GS when it opens, each 837 transaction (ST … SE) as it fills, GE and
IEA when it closes — segments go to disk as they are made, so a file of 5,000 claims is never held in memory.

It is written under a temporary name (``.<name>.partial``) in the output folder; :meth:`Interchange.publish` renames
it to its own name once it has been checked and recorded. Control numbers are taken when they are needed: ISA13
and GS06 when the file opens, each ST02 when its transaction starts (``numbers``, the ledger's counters).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from edi.models._encode import encode
from edi.models.claim import ClaimTransaction
from edi.x12 import Delimiters, InterchangeHeader

DELIMITERS = Delimiters(element="*", component=":", repetition="^", segment="~", line_break="\n")


@dataclass
class Interchange:
    """An open interchange of one claim type (one GS) for one receiver."""

    path: Path                        # the final name
    kind: str                         # 837p / 837i
    isa13: str
    gs06: str
    header: InterchangeHeader
    version: str                      # GS08 and ST03: 005010X222A1 / 005010X223A2
    next_st02: Callable[[], int]
    group_sender: str = ""
    group_receiver: str = ""
    claims: int = 0
    transactions: int = 0
    stream: BinaryIO | None = field(default=None, repr=False)

    @property
    def partial(self) -> Path:
        return self.path.with_name(f".{self.path.name}.partial")

    def open(self) -> Interchange:
        self.stream = self.partial.open("wb")
        h, when = self.header, self.header.created
        self._write(("ISA", "00", " " * 10, "00", " " * 10, h.sender.qualifier, h.sender.id.ljust(15)[:15],
                     h.receiver.qualifier, h.receiver.id.ljust(15)[:15], when.strftime("%y%m%d"),
                     when.strftime("%H%M"), DELIMITERS.repetition or "U", h.version, self.isa13, h.ack_requested,
                     h.usage, DELIMITERS.component))
        self._write(("GS", "HC", self.group_sender or h.sender.id, self.group_receiver or h.receiver.id,
                     when.strftime("%Y%m%d"), when.strftime("%H%M"), self.gs06, "X", self.version))
        return self

    def add(self, transaction: ClaimTransaction) -> str:
        """Write one transaction; returns its ST02."""
        st02 = f"{self.next_st02():04d}"
        self._write(("ST", "837", st02, self.version))
        count = 1
        out: list[str] = []
        for seg in transaction.body():
            out.append(encode(seg, DELIMITERS))
            count += 1
            if len(out) >= 2048:
                self._flush(out)
        out.append(encode(("SE", str(count + 1), st02), DELIMITERS))
        self._flush(out)
        self.transactions += 1
        self.claims += len(transaction.claims)
        return st02

    def close(self) -> None:
        """Write GE and IEA and close the file (still under its temporary name)."""
        if self.stream is None:
            return
        self._write(("GE", str(self.transactions), self.gs06))
        self._write(("IEA", "1", self.isa13))
        self.stream.flush()
        os.fsync(self.stream.fileno())
        self.stream.close()
        self.stream = None

    def publish(self) -> None:
        """Give the checked, recorded file its own name."""
        os.replace(self.partial, self.path)

    def discard(self) -> None:
        if self.stream is not None:
            self.stream.close()
            self.stream = None
        self.partial.unlink(missing_ok=True)

    def _write(self, seg: tuple[str, ...]) -> None:
        assert self.stream is not None
        self.stream.write(encode(seg, DELIMITERS).encode("latin-1"))

    def _flush(self, texts: list[str]) -> None:
        assert self.stream is not None
        self.stream.write("".join(texts).encode("latin-1"))
        texts.clear()


def created_now() -> datetime:
    return datetime.now().replace(second=0, microsecond=0)
