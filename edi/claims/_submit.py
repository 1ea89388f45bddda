"""Recording a written, checked interchange: its claims (spooled to disk while the file was written), the submission
with each claim's GS06 and ST02, and the replaced claims' status — in one database transaction — then the file's
own name. It runs in the build's process, or in the check worker right after the check (a long build then
records one file while it writes the next).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, BinaryIO

import msgspec

from edi.claims._record import record_of
from edi.claims.encounter import Encounter
from edi.ledger import ClaimStatus, Ledger, Source, StatusEvent, Submission, SubmittedClaim


class Spooled(msgspec.Struct, array_like=True, gc=False):
    """A claim on its way: waiting in a transaction, then spooled with its file until the file is recorded (so a
    5,000-claim file costs no memory for its claims)."""

    encounter: Encounter
    input: str
    replaces: list[int]               # claim ids of open claims a replacement replaces
    st02: str = ""


_ENCODER = msgspec.msgpack.Encoder(decimal_format="number")
_DECODER = msgspec.msgpack.Decoder(Spooled)


def spool(stream: BinaryIO, claim: Spooled) -> None:
    data = _ENCODER.encode(claim)
    stream.write(len(data).to_bytes(4, "little") + data)


def spooled(path: Path) -> Iterator[Spooled]:
    with path.open("rb") as stream:
        while head := stream.read(4):
            yield _DECODER.decode(stream.read(int.from_bytes(head, "little")))


@dataclass(frozen=True)
class FileToRecord:
    """What recording a file needs (plain values: it is sent to the worker as JSON)."""

    path: str                         # the final name
    partial: str                      # where it was written
    spool: str
    kind: str
    isa13: str
    gs06: str
    usage: str
    receiver_key: str
    sender: tuple[str, str]           # ISA05, ISA06
    receiver: tuple[str, str]         # ISA07, ISA08
    sources: dict[str, tuple[str, str, str, int | None]]   # input path → its Source (name, sha256, kind, size)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FileToRecord:
        return cls(**{**data, "sender": tuple(data["sender"]), "receiver": tuple(data["receiver"]),
                      "sources": {k: tuple(v) for k, v in data["sources"].items()}})


def record_file(ledger: Ledger, run_id: int | None, file: FileToRecord) -> list[dict[str, Any]]:
    """Record the file's claims and its submission in one transaction, then give it its name; returns the
    manifest's entries (with each claim's id in the ledger)."""
    partial, path = Path(file.partial), Path(file.path)
    written = Source.of_file(partial, "837")
    source = Source(path.name, written.sha256, "837", written.size)
    sources = {name: Source(*value) for name, value in file.sources.items()}
    entries: list[dict[str, Any]] = []
    replaces: list[list[int]] = []

    def records() -> Iterator[Any]:
        for claim in spooled(Path(file.spool)):
            record = record_of(claim.encounter, source=sources.get(claim.input))
            first = record.claims[0]
            entries.append({"claim": first.patient_control_number, "lines": [line.line_control_number
                                                                            for line in first.lines],
                            "frequency": first.frequency_code, "type": file.kind, "file": path.name,
                            "isa13": file.isa13, "gs06": file.gs06, "st02": claim.st02, "input": claim.input})
            replaces.append(claim.replaces)
            yield record

    made = list(records())   # before the transaction: the ledger's write lock is held for the inserts alone
    with ledger.transaction() as journal:
        journal.run_id = run_id
        recorded = journal.record_encounters(made)
        ids = [done.claims[0].claim_id for done in recorded]
        journal.record_submission(Submission(
            source, file.receiver_key, file.sender, file.receiver, file.isa13,
            tuple(SubmittedClaim(claim_id, file.gs06, entry["st02"])
                  for claim_id, entry in zip(ids, entries, strict=True)),
            usage_indicator=file.usage))
        journal.record_status(
            StatusEvent(old, ClaimStatus.REPLACED, f"replaced:{old}:{new}",
                        reason=f"replaced by claim {new} (ISA13 {file.isa13})", source=source)
            for new, olds in zip(ids, replaces, strict=True) for old in olds)
    os.replace(partial, path)
    Path(file.spool).unlink(missing_ok=True)
    for entry, claim_id, olds in zip(entries, ids, replaces, strict=True):
        entry["claim_id"] = claim_id
        if olds:
            entry["replaces"] = olds
    return entries
