"""A file's findings from independent tasks, for engines with no step that joins the parts' reports (a Spark data
source): together the tasks give exactly the findings of :func:`edi.validate.validate` — no more, none twice.

``edi validate --jobs`` checks the parts of a big file in processes and joins their reports (``_engine.finish``):
it runs the file rules (a CLM01 or an 835 trace number used twice in the file) over every transaction's facts and
keeps one component-separator finding per interchange. Here each part must decide alone, so:

- :func:`part_findings` (task k of n) checks the transactions whose ST starts in the k-th n-th of the file's
  bytes, task 0 the envelope too: a task passes over the bytes before its share without splitting them (~160
  MB/s) and stops after it, so n tasks pass over about n / 2 times the file (``edi validate --jobs`` shares every
  n-th transaction instead: each process passes over the whole file). A component-separator finding is kept only
  when no earlier transaction of the interchange, in an earlier task, has one (those are checked one by one, in
  file order, only when the task found one — a file whose body and ISA16 disagree usually disagrees from its
  first transaction, so one is checked).
- :func:`file_rule_findings` (one more task per file) reads the file's segments without checking them (~1/10 of
  the cost of checking) and keeps the transaction each CLM01 and TRN03/TRN02 is first used in. A value used once
  cannot be a duplicate; the transactions holding a value used again (and the one that used it first) are
  checked, those only, and the file rules run over their facts. Every fact the rules compare is a CLM or TRN
  segment of the scan, so no pair is missed; the check decides, so a segment the guide would not read as a claim
  is not reported either.
- :func:`reused_interchanges`: an ISA13 another file of the run used (what ``edi validate`` over several files
  reports), from each file's interchange headers — a file holding one ISA is read no further than its first
  segment.
"""

from __future__ import annotations

import bisect
import math
import mmap
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from edi.errors import FramingError
from edi.validate._duplicates import InterchangeRegistry
from edi.validate._engine import SEPARATORS, Report, TransactionResult, Validator
from edi.validate._finding import Finding, Location, Severity
from edi.x12 import Framer, Interchange, Role, Segment, tokenize
from edi.x12._delimiters import ISA_SEARCH, WHITESPACE, read_isa

UNREADABLE = "snip1.file.unreadable"   # the file cannot be framed (``edi validate``'s "fatal")


def whole_findings(validator: Validator, path: str) -> Iterator[Finding]:
    """A file checked in one task: ``validate()``'s findings, and one for a file that cannot be read."""
    report = validator.run(Path(path), path)
    yield from report.findings
    if report.fatal is not None:
        yield unreadable(report)


def part_findings(validator: Validator, path: str, k: int, n: int) -> Iterator[Finding]:
    """Task k of n: the findings of the transactions whose ST starts in the k-th n-th of the file's bytes (task 0:
    and of the envelope). A task passes over the bytes before its share without splitting the bodies there, and
    stops at the first ST after it (task 0 reads on over the envelope)."""
    lo, hi = byte_range(path, k, n)
    report = validator.run_part(Path(path), path, keep=lambda st: lo <= st.offset < hi, envelope=k == 0,
                                stop=None if k == 0 else hi)
    yield from report.framing_findings
    yield from report.envelope_findings
    for result in report.transactions:
        for finding in result.findings:
            if finding.code != SEPARATORS or not _separators_seen_before(validator, path, result, lo):
                yield finding
    if report.fatal is not None and k == 0:
        yield unreadable(report)


def byte_range(path: str, k: int, n: int) -> tuple[int, float]:
    """The k-th of n equal byte ranges of the file, the last one open."""
    try:
        size = os.path.getsize(path)
    except OSError:
        size = 0   # reading says why
    return size * k // n, size * (k + 1) // n if k < n - 1 else math.inf


def file_rule_findings(validator: Validator, path: str) -> Iterator[Finding]:
    """The findings of the file rules (values used twice in the file), for the task that joins no reports."""
    if not validator.file_rules:
        return
    uses = _uses_found(path)
    if uses is None:
        uses = _uses_read(path)
    first: dict[object, int] = {}   # CLM01 / (TRN03, TRN02) → the offset of the ST it is first used under
    twice: set[int] = set()         # the ST offset of each transaction holding a value used before or after
    for key, st in uses:
        earlier = first.get(key)
        if earlier is None:
            first[key] = st
        else:               # used before, in this transaction or another: both are checked
            twice.update((earlier, st))
    if not twice:
        return
    report = validator.run_part(Path(path), path, keep=lambda st: st.offset in twice)
    for rule in validator.file_rules:
        for _, finding in rule(report.transactions):
            yield finding


def _uses_read(path: str) -> Iterator[tuple[object, int]]:
    """Each CLM01 and TRN03/TRN02 of the file with the offset of the ST of its transaction, read by the tokenizer."""
    try:
        for role, seg, transaction, _ in Framer(tokenize(Path(path), name=path)).events():
            if transaction is None or role is Role.STRAY:
                continue
            sid = seg.id
            key: object = seg[1] if sid == "CLM" else (seg[3], seg[2]) if sid == "TRN" and seg[2] else ""
            if key:
                yield key, transaction.header.offset
    except FramingError:
        pass  # the transactions read before it still count (the parts report why the file stops)


def _uses_found(path: str) -> list[tuple[object, int]] | None:
    """The same found in the raw bytes (~10x faster than reading the segments): each "CLM" / "TRN" segment under
    the last "ST" segment before it (a segment starts after the terminator and any whitespace). What the tokenizer
    would read, and perhaps more (a CLM between SE and ST counts under the ST before it: one transaction more is
    checked), never less — as long as the file is plain: one ISA, a punctuation terminator, no binary segment;
    None otherwise."""
    data = _mapped(path)
    if data is None:
        return None
    with data:
        return _found_in(data)


def _found_in(data: mmap.mmap) -> list[tuple[object, int]] | None:
    head = data[:ISA_SEARCH].decode("latin-1")
    if not head.startswith("ISA"):
        return None
    try:
        d, length = read_isa(head)
    except FramingError:
        return None
    t, es = d.segment.encode("latin-1"), d.element.encode("latin-1")
    if d.segment in "\r\n" or head.count(d.segment, 0, length - 1) or data.find(b"BIN" + es) >= 0 \
            or data.find(b"ISA" + es, 3) >= 0:
        return None
    ws = {ord(c) for c in WHITESPACE if c not in (d.segment, d.element, d.component, d.repetition)}

    def starts(needle: bytes) -> list[int]:
        found, at = [], data.find(needle, length)
        while at >= 0:
            j = at - 1
            while data[j] in ws:
                j -= 1
            if data[j] == t[0]:
                found.append(at)
            at = data.find(needle, at + 1)
        return found

    sts = starts(b"ST" + es)
    uses: list[tuple[object, int]] = []
    for needle in (b"CLM" + es, b"TRN" + es):
        for at in starts(needle):
            n = bisect.bisect_right(sts, at) - 1
            if n < 0:
                continue   # before any transaction: the tokenizer's reading would not count it either
            end = data.find(t, at)
            elements = data[at:end if end >= 0 else len(data)].decode("latin-1").split(d.element)
            key: object = (elements[1:2] or [""])[0] if needle[0] == 67 else \
                ((elements[3:4] or [""])[0], elements[2]) if len(elements) > 2 and elements[2] else ""
            if key:
                uses.append((key, sts[n]))
    return uses


def _separators_seen_before(validator: Validator, path: str, result: TransactionResult, lo: int) -> bool:
    """Whether a transaction of ``result``'s interchange before byte ``lo`` (checked by an earlier task) finds the
    body's component separator too: then that one's finding is the interchange's, as ``finish`` keeps the first."""
    group = result.transaction.group
    interchange = group.interchange.header.index if group is not None else None
    for offset, isa in _transactions(path, lo):
        if isa != interchange:
            continue
        alone = validator.run_part(Path(path), path, keep=lambda st, at=offset: st.offset == at,  # type: ignore[misc]
                                   envelope=False, stop=offset + 1)
        if any(f.code == SEPARATORS for t in alone.transactions for f in t.findings):
            return True
    return False


def _transactions(path: str, before: int) -> list[tuple[int, int | None]]:
    """(ST byte offset, its interchange's ISA index) of the file's transactions before byte ``before``, bodies not
    read."""
    found = []
    try:
        for role, seg, transaction, framed in Framer(tokenize(Path(path), keep=_none)).events():
            if seg.offset >= before:
                break
            if role is Role.ST and transaction is not None:
                isa = framed.interchange.header.index if framed is not None and framed.interchange else None
                found.append((seg.offset, isa))
    except FramingError:
        pass
    return found


def _none(_: Segment) -> bool:
    return False


def unreadable(report: Report) -> Finding:
    """The reason a file cannot be read (``Report.fatal``) as a finding, at the segment where reading stopped."""
    at = report.fatal_at
    location = Location(report.file, (None, None, None), at.index if at else report.segments,
                        at.line if at else 0, "", offset=at.offset if at else -1)
    return Finding(UNREADABLE, 1, Severity.ERROR, report.fatal or "", location)


# -- across the files of a run --------------------------------------------------------------------------------
def reused_interchanges(paths: Sequence[str]) -> dict[str, list[Finding]]:
    """For each file (in the order given) the findings for its interchanges whose sender, receiver and ISA13 an
    earlier file used — what ``edi validate`` reports over the same files."""
    registry = InterchangeRegistry()
    found: dict[str, list[Finding]] = {}
    for path in paths:
        report = Report(path, interchanges=list(interchanges_of(path)))
        duplicates = registry.check(report)
        if duplicates:
            found[path] = duplicates
    return found


def interchanges_of(path: str) -> Iterable[Interchange]:
    """The file's interchanges (header data): read up to its first segment when "ISA" and the element separator
    occur once in the file, else its envelope (bodies skipped). A file that cannot be framed: those read."""
    single = _isa_count(path) == 1
    try:
        for role, _, _, framed in Framer(tokenize(Path(path), keep=_none)).events():
            if role is Role.ISA and framed is not None and framed.interchange is not None:
                yield framed.interchange
                if single:
                    return
    except FramingError:
        return


def _isa_count(path: str, most: int = 2) -> int:
    """How many times "ISA" + the first ISA's element separator occurs in the file (counting stops at ``most``)."""
    data = _mapped(path)
    if data is None:
        return most   # the envelope read says why
    with data:
        start = data.find(b"ISA")
        if start < 0 or start + 3 >= len(data):
            return 0
        needle = data[start:start + 4]
        count, at = 0, start
        while at >= 0 and count < most:
            count += 1
            at = data.find(needle, at + 1)
        return count


def _mapped(path: str) -> mmap.mmap | None:
    """The file's bytes mapped read-only (the mapping outlives the file object); None when it cannot be read or is
    empty (mmap refuses length 0) — a full read then says why."""
    try:
        with open(path, "rb") as stream:
            return mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return None
