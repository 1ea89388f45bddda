"""Writing acknowledgments for a validated file: the answering interchange goes back to the sender."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from edi.acks._277ca import build_277ca
from edi.acks._999 import build_999
from edi.acks._policy import DEFAULT_POLICY, AckPolicy
from edi.acks._ta1 import build_ta1
from edi.models._io import write
from edi.models._write_acks import ta1_interchange
from edi.validate import Report
from edi.x12 import ControlNumbers, Delimiters, InterchangeHeader, Party, write as write_segments

KINDS = ("999", "ta1", "277ca")


def reply_header(report: Report, when: datetime) -> InterchangeHeader:
    """The answering interchange's header: sender and receiver swapped from the first interchange read."""
    if report.interchanges:
        isa = report.interchanges[0].header
        return InterchangeHeader(Party(isa[7], isa[8].strip()), Party(isa[5], isa[6].strip()), usage=isa[15] or "P",
                                 created=when)
    return InterchangeHeader(Party("ZZ", "RECEIVER"), Party("ZZ", "SENDER"), created=when)


def ack_bytes(kind: str, report: Report, source: Path, *, numbers: ControlNumbers | None = None,
              when: datetime | None = None, policy: AckPolicy = DEFAULT_POLICY) -> bytes | None:
    """The acknowledgment interchange of one kind for a validated file; None when there is nothing to answer."""
    when = when or datetime.now().replace(second=0, microsecond=0)
    header, numbers, d = reply_header(report, when), numbers or ControlNumbers(), Delimiters()
    if kind == "999":
        acks = build_999(report, policy)
        return write(acks, header, numbers, d) if acks else None
    if kind == "277ca":
        claims = build_277ca(report, source, when=when.date(), policy=policy)
        return write(claims, header, numbers, d) if claims else None
    if kind == "ta1":
        tas = build_ta1(report)
        return write_segments(ta1_interchange(tas, header, numbers, d), d) if tas else None
    raise ValueError(f"unknown acknowledgment {kind!r}; choose from {', '.join(KINDS)}")


def write_acks(report: Report, source: Path, kinds: Iterable[str], out_dir: Path, *,
               policy: AckPolicy = DEFAULT_POLICY) -> list[Path]:
    """Write ``<file>.<kind>.x12`` into ``out_dir`` for each kind that has something to say."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in kinds:
        data = ack_bytes(kind, report, source, policy=policy)
        if data is not None:
            target = out_dir / f"{source.name}.{kind}.x12"
            target.write_bytes(data)
            written.append(target)
    return written


__all__ = ["KINDS", "ack_bytes", "reply_header", "write_acks"]
