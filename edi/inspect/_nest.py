"""How the views nest a file: interchanges hold groups, groups hold transactions, transactions hold loops.

:func:`nest` turns :func:`edi.guide.walk_segments` into one rule for every writer (JSON, XML, text): before each
segment, close ``close`` containers and open those in ``opened``, then put the segment in the innermost one. An
interchange is opened by its ISA (marker ``Role.ISA``), a group by its GS (``Role.GS``), a transaction by its
ST_LOOP spec, a loop by its LoopSpec. The GE closes its group and the IEA its interchange with the step after
them; whatever is still open when the file ends, the writer closes. Segments outside any interchange (and
transactions outside any group) stand at the level that is open, as the envelope left them.
"""

from __future__ import annotations

from collections.abc import Iterator

from edi.guide import LoopSpec, SegmentSpec, walk_segments
from edi.x12 import Role, Segment, Source, Transaction

Opened = tuple["LoopSpec | Role", ...]
Nested = tuple[int, Opened, Role, Segment, "Transaction | None", "SegmentSpec | None"]

_INTERCHANGE: Opened = (Role.ISA,)
_GROUP: Opened = (Role.GS,)


def nest(source: Source, name: str | None = None) -> Iterator[Nested]:
    """(close, opened, role, segment, transaction, spec) for every segment of ``source``, in order."""
    isa_open = gs_open = False
    close_group = close_interchange = False  # the GE / IEA just written closes its level before the next step
    for role, seg, transaction, closed, loops, spec in walk_segments(source, name=name):
        close = len(closed)
        if close_group:
            close += 1
            gs_open = close_group = False
        if close_interchange:
            close += 1
            isa_open = close_interchange = False
        if transaction is not None:
            yield close, loops, role, seg, transaction, spec  # type: ignore[misc]
            continue
        opened: Opened = ()
        if role is Role.ISA:
            close += gs_open + isa_open
            isa_open, gs_open, opened = True, False, _INTERCHANGE
        elif role is Role.GS and isa_open:
            close += gs_open
            gs_open, opened = True, _GROUP
        elif role is Role.GE:
            close_group = gs_open
        elif role is Role.IEA:
            close += gs_open
            gs_open, close_interchange = False, isa_open
        yield close, opened, role, seg, None, None


def delimiters_of(isa: Segment) -> dict[str, str | None] | None:
    """An ISA's delimiters as a dict, with ``line_break`` as the file has it: what follows its terminator
    ("\\n" for ``~`` + line feed, "" when segments follow each other on one line)."""
    d = isa.delimiters
    if d is None:
        return None
    tail = isa.tail
    return {**d.as_dict(), "line_break": tail[1:] if tail.startswith(d.segment) else ""}
