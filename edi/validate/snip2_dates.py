"""SNIP 2 — date and time values whose format a qualifier names (DTP02, DTM05): D8, RD8, DT, TM, RD8 ranges."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from edi.guide import SegmentNode
from edi.validate._elements import real_date
from edi.validate._engine import Context
from edi.validate._finding import Finding
from edi.validate._rules import segment_rule

_FORMATS = {
    "D8": re.compile(r"([0-9]{8})"),
    "RD8": re.compile(r"([0-9]{8})-([0-9]{8})"),
    "DT": re.compile(r"([0-9]{8})[0-9]{4}"),
    "D6": re.compile(r"([0-9]{6})"),
    "TM": re.compile(r"[0-9]{4}"),
}
_SHAPES = {"D8": "CCYYMMDD", "RD8": "CCYYMMDD-CCYYMMDD", "DT": "CCYYMMDDHHMM", "D6": "YYMMDD", "TM": "HHMM"}


@functools.lru_cache(maxsize=4096)  # a file's dates repeat; the answer depends on nothing else
def date_problem(qualifier: str, value: str) -> str | None:
    pattern = _FORMATS.get(qualifier)
    if pattern is None or not value:
        return None
    match = pattern.fullmatch(value)
    if match is None:
        return f"{value!r} is not in the {qualifier} format {_SHAPES[qualifier]}"
    for part in match.groups():
        if not real_date(part):
            return f"{value!r}: {part} is not a real date"
    if qualifier == "RD8" and match.group(1) > match.group(2):
        return f"{value!r}: the range ends before it starts"
    return None


@segment_rule("DTP", snip=2)
def dtp_format(ctx: Context, node: SegmentNode) -> Iterator[Finding]:
    seg = node.segment
    problem = date_problem(seg[2], seg[3])
    if problem:
        name = node.spec.element(3).name if node.spec and node.spec.element(3) else "Date Time Period"
        yield ctx.finding("snip2.element.date", 2, f"DTP03 {name}: {problem}",
                          ctx.at(seg, node.loop, ctx.position, "DTP03", name, (3, 0, 0), "1251"),
                          value=seg[3], ik304="8", ik403="8")


@segment_rule("DTM", snip=2)
def dtm_format(ctx: Context, node: SegmentNode) -> Iterator[Finding]:
    """835 DTM carries its date in DTM02 (type DT, already checked); DTM05/06 when a period format is used."""
    seg = node.segment
    problem = date_problem(seg[5], seg[6])
    if problem:
        yield ctx.finding("snip2.element.date", 2, f"DTM06 Date Time Period: {problem}",
                          ctx.at(seg, node.loop, ctx.position, "DTM06", "Date Time Period", (6, 0, 0), "1251"),
                          value=seg[6], ik304="8", ik403="8")
