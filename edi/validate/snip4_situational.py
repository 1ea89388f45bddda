"""SNIP 4 — situational (inter-segment) rules: what the helpers of the 837 and 835 rule modules share.

The rules themselves live in ``snip4_837`` (837P X222A1, 837I X223A2) and ``snip4_835`` (835 X221A1). This module
tells the transactions apart, reads dates and addresses, builds located findings, and holds :func:`today`, the
reference date for "not in the future" rules (tests replace it with ``monkeypatch``).
"""

from __future__ import annotations

import functools

import re
import time
from datetime import date

from edi.guide import Loop, SegmentNode
from edi.validate._engine import Context
from edi.validate._finding import Finding, Location, Severity
from edi.x12 import Segment

SNIP = 4
OLDEST = date(1900, 1, 1)       # dates of service before 1900 are typing errors


def today() -> date:
    """The reference date for "not in the future" rules; tests replace it to fix "today". Read from the clock at
    most once a second (it is asked for every date in a file)."""
    now = time.monotonic()
    if now - _TODAY[0] > 1.0:
        _TODAY[:] = [now, date.today()]
    return _TODAY[1]  # type: ignore[return-value]


_TODAY: list[object] = [float("-inf"), None]   # (when read, the date read)


def in_future(day: date) -> bool:
    """True for a date after :func:`today` (looked up at call time, so tests can fix it)."""
    return day > today()


# -- locations and findings ------------------------------------------------------------------------------
def position(ctx: Context, seg: Segment) -> int:
    """The segment's position in its transaction (ST = 1), as 999 IK302 wants it."""
    header = ctx.transaction.header if ctx.transaction is not None else None
    return seg.index - header.index + 1 if header is not None and seg.index >= header.index >= 0 else 0


def at_segment(ctx: Context, node: SegmentNode) -> Location:
    return ctx.at(node.segment, node.loop, position(ctx, node.segment))


def at_element(ctx: Context, node: SegmentNode, n: int, k: int = 0) -> Location:
    """The location of element ``n`` (component ``k`` when not 0) of a placed segment, named from the guide."""
    seg = node.segment
    spec = node.element_spec(n)
    if k and spec is not None and k <= len(spec.components):
        spec = spec.components[k - 1]
    ref = spec.id if spec is not None else (f"{seg.id}{n:02d}" + (f"-{k:02d}" if k else ""))
    return ctx.at(seg, node.loop, position(ctx, seg), ref, spec.name if spec is not None else None, (n, k, 0),
                  spec.data_ele if spec is not None else None)


def element_finding(ctx: Context, code: str, message: str, node: SegmentNode, n: int, k: int = 0, *,
                    ik403: str, severity: Severity = Severity.ERROR, **details: object) -> Finding:
    """A finding about one element's value (999: IK304 8 with an IK4)."""
    value = node.segment.component(n, k) if k else node.segment[n]
    return ctx.finding(code, SNIP, message, at_element(ctx, node, n, k), value=value or None, ik304="8",
                       ik403=ik403, severity=severity, **details)


def segment_finding(ctx: Context, code: str, message: str, node: SegmentNode, *, ik304: str,
                    severity: Severity = Severity.ERROR, **details: object) -> Finding:
    """A finding about a whole segment: present when it must not be (I9), or one that is missing (I6)."""
    return ctx.finding(code, SNIP, message, at_segment(ctx, node), ik304=ik304, severity=severity, **details)


# -- reading values ----------------------------------------------------------------------------------------
def segments(loop: Loop, seg_id: str, qualifier: str | None = None) -> list[SegmentNode]:
    """Segments with this id directly in a loop (not in its child loops), with element 1 = qualifier if given."""
    found = []
    for child in loop.children:
        if child.__class__ is SegmentNode:
            e = child.segment.elements  # type: ignore[union-attr]
            if e[0] == seg_id and (qualifier is None or (len(e) > 1 and e[1] == qualifier)):
                found.append(child)
    return found  # type: ignore[return-value]


def ancestor(loop: Loop, loop_id: str) -> Loop | None:
    return next((a for a in loop.ancestors() if a.spec.id == loop_id), None)


@functools.lru_cache(maxsize=4096)  # a file's dates repeat; a date is immutable
def parse_date(text: str) -> date | None:
    """A CCYYMMDD date (the first 8 digits of a DT value), or None when it is not one."""
    if len(text) < 8 or not (text[:8].isascii() and text[:8].isdigit()):
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def period(qualifier: str, value: str) -> tuple[date, date] | None:
    """(start, end) of a D8, DT or RD8 date value; None when it cannot be read (SNIP 2 reports that)."""
    if qualifier == "RD8":
        start, _, end = value.partition("-")
        first, last = parse_date(start), parse_date(end)
        return (first, last) if first and last and len(start) == len(end) == 8 else None
    if qualifier in ("D8", "DT"):
        day = parse_date(value)
        return (day, day) if day else None
    return None


def dtp_period(node: SegmentNode | None) -> tuple[date, date] | None:
    return period(node.segment[2], node.segment[3]) if node is not None else None


def party_id(loop: Loop) -> str | None:
    """NM108:NM109 of a loop's NM1 ("XX:1234567893"), None without an identifier."""
    nm1 = loop.first("NM1")
    return f"{nm1.segment[8]}:{nm1.segment[9]}" if nm1 is not None and nm1.segment[9] else None


def address(loop: Loop) -> tuple[str, ...] | None:
    """A loop's N3/N4 street, city, state and ZIP, normalised (case, spaces, 5-digit ZIP) for comparison."""
    n3, n4 = loop.first("N3"), loop.first("N4")
    if n3 is None or n4 is None:
        return None
    parts = (n3.segment[1], n3.segment[2], n4.segment[1], n4.segment[2], n4.segment[3][:5], n4.segment[4])
    return tuple(" ".join(p.upper().replace(".", "").replace(",", "").split()) for p in parts)


_PO_BOX = re.compile(r"\s*(P\s*\.?\s*O\s*\.?\s*BOX|POST\s+OFFICE\s+BOX|POB|LOCK\s*BOX)(?![A-Z])", re.IGNORECASE)


def is_po_box(street: str) -> bool:
    """True for a street line that starts with a post office box or lock box ("PO BOX 12", "P.O. Box 12")."""
    return bool(_PO_BOX.match(street))
