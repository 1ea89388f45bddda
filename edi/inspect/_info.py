"""`edi info`: what a file holds — interchanges, groups, transactions, claim and remittance counts."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from edi.inspect._nest import delimiters_of
from edi.x12 import Framer, Role, Source, tokenize

COUNTED = {"CLM": "claims", "CLP": "claim_payments", "LX": "lx", "SV1": "service_lines", "SV2": "service_lines",
           "SVC": "service_payments", "STC": "statuses", "AK2": "acknowledged_transactions",
           "IK3": "segment_errors", "AK3": "segment_errors"}   # 999 IK3, 997 AK3


@dataclass
class TransactionInfo:
    set_id: str
    control: str
    guide: str
    segments: int = 0
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class GroupInfo:
    functional_id: str
    control: str
    version: str
    sender: str
    receiver: str
    transactions: list[TransactionInfo] = field(default_factory=list)


@dataclass
class InterchangeInfo:
    control: str
    sender: str
    receiver: str
    date: str
    version: str
    usage: str
    delimiters: dict[str, str | None]          # line_break: what follows each terminator in the file ("\n" …)
    groups: list[GroupInfo] = field(default_factory=list)


@dataclass
class FileInfo:
    file: str
    bytes: int
    segments: int = 0
    interchanges: list[InterchangeInfo] = field(default_factory=list)
    findings: list[dict[str, object]] = field(default_factory=list)
    error: str | None = None

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    @property
    def totals(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for isa in self.interchanges:
            for gs in isa.groups:
                for st in gs.transactions:
                    totals["transactions"] = totals.get("transactions", 0) + 1
                    for key, value in st.counts.items():
                        totals[key] = totals.get(key, 0) + value
        return totals


def file_info(source: Source, name: str | None = None) -> FileInfo:
    """Summarize one file. Framing problems become findings; a file that cannot be tokenized raises FramingError."""
    label = name or (str(source) if isinstance(source, Path) else "<bytes>")
    size = (source.stat().st_size if isinstance(source, Path) else
            len(source) if isinstance(source, (bytes, bytearray, memoryview)) else -1)  # a stream: counted below
    info = FileInfo(label, size)
    framer = Framer(tokenize(source, name=label))
    isa_info: InterchangeInfo | None = None
    gs_info: GroupInfo | None = None
    st_info: TransactionInfo | None = None
    seg = None
    body = Role.BODY
    for role, seg, transaction, _ in framer.events():  # body segments (the bulk) come without a Framed object
        info.segments += 1
        if role is body and st_info is not None:
            key = COUNTED.get(seg.id)
            if key:
                st_info.counts[key] = st_info.counts.get(key, 0) + 1
            st_info.segments += 1
        elif role is Role.ISA:
            d = seg.delimiters
            isa_info = InterchangeInfo(seg[13], f"{seg[5]}:{seg[6].strip()}", f"{seg[7]}:{seg[8].strip()}",
                                       f"{seg[9]} {seg[10]}", seg[12], seg[15], delimiters_of(seg) or {})
            info.interchanges.append(isa_info)
            gs_info = st_info = None
        elif role is Role.GS and isa_info is not None:
            gs_info = GroupInfo(seg[1], seg[6], seg[8], seg[2], seg[3])
            isa_info.groups.append(gs_info)
        elif role is Role.ST and gs_info is not None and transaction is not None:
            st_info = TransactionInfo(seg[1], seg[2], transaction.guide, 1)
            gs_info.transactions.append(st_info)
        elif role is Role.SE and st_info is not None:
            st_info.segments += 1
            st_info = None
    if info.bytes < 0:  # read from a stream: the file ends where its last segment (with what follows it) ends
        info.bytes = 0 if seg is None else (seg.offset + len(seg.delimiters.element.join(seg.elements) if seg.delimiters
                                                               else "".join(seg.elements)) + len(seg.tail))
    info.findings = [{"code": f.code, "message": f.message, "segment": f.position.index + 1,
                      "line": f.position.line, "element": f.element} for f in framer.findings]
    return info


def render_info(info: FileInfo) -> str:
    """A few lines a person reads at a glance."""
    if info.error:
        return info.error
    lines = [f"{info.file}: {info.bytes:,} bytes, {info.segments:,} segments, "
             f"{len(info.interchanges)} interchange(s)"]
    for isa in info.interchanges:
        lines.append(f"  ISA {isa.control}  {isa.sender} -> {isa.receiver}  {isa.date}  version {isa.version}  "
                     f"{'production' if isa.usage == 'P' else 'test' if isa.usage == 'T' else isa.usage}")
        for gs in isa.groups:
            lines.append(f"    GS {gs.control}  {gs.functional_id}  {gs.version}  {gs.sender} -> {gs.receiver}")
            for st in gs.transactions:
                counts = ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in st.counts.items() if k != "lx")
                lines.append(f"      ST {st.set_id} {st.control}  {st.guide}  {st.segments:,} segments"
                             + (f"  ({counts})" if counts else ""))
    for f in info.findings:
        lines.append(f"  ! segment {f['segment']} (line {f['line']}): {f['message']}")
    return "\n".join(lines)
