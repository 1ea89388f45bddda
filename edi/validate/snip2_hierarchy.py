"""SNIP 2 — hierarchy and numbering: HL01 counts up from 1, HL02 names an earlier HL, HL04 tells the truth,
LX01 numbers a claim's service lines 1..n."""

from __future__ import annotations

from collections.abc import Iterator

from edi.guide import SegmentNode
from edi.validate._engine import Context
from edi.validate._finding import Finding
from edi.validate._engine import TransactionResult
from edi.validate._rules import segment_rule, transaction_rule


@segment_rule("HL", snip=2)
def hl_numbering(ctx: Context, node: SegmentNode) -> Iterator[Finding]:
    seg = node.segment
    seen: dict[str, str] = ctx.state.setdefault("hl_levels", {})  # type: ignore[assignment]
    expected = str(len(seen) + 1)
    where = ctx.at(seg, node.loop, ctx.position, "HL01", "Hierarchical ID Number", (1, 0, 0), "628")
    if seg[1] != expected:
        yield ctx.finding("snip2.hl.sequence", 2, f"HL01 is {seg[1]!r} but this is HL number {expected}; number HL "
                          "segments 1, 2, 3 … in order", where, value=seg[1], ik304="8", ik403="7")
    parent = seg[2]
    if parent and parent not in seen:
        yield ctx.finding("snip2.hl.parent", 2, f"HL02 {parent!r} names no earlier HL; a parent must come before "
                          "its children", ctx.at(seg, node.loop, ctx.position, "HL02", "Hierarchical Parent ID Number",
                                                 (2, 0, 0), "734"), value=parent, ik304="8", ik403="7")
    previous = ctx.state.get("hl_open")
    if isinstance(previous, tuple):
        has_child = parent == previous[0][1]
        if previous[0][4] == "0" and has_child:
            yield _child_code(ctx, previous, "0", "has children")
        elif previous[0][4] == "1" and not has_child:
            yield _child_code(ctx, previous, "1", "has no children")
    seen[seg[1]] = seg[3]
    ctx.state["hl_open"] = (seg, node.loop, ctx.position)


def _child_code(ctx: Context, hl: tuple, code: str, truth: str) -> Finding:  # type: ignore[type-arg]
    seg, loop, position = hl
    return ctx.finding("snip2.hl.child_code", 2, f"HL04 is {code!r} but HL {seg[1]} {truth}; set HL04 to "
                       f"{'1' if code == '0' else '0'}", ctx.at(seg, loop, position, "HL04", "Hierarchical Child Code",
                                                                (4, 0, 0), "736"), value=code, ik304="8", ik403="7")


@segment_rule("LX", snip=2)
def lx_numbering(ctx: Context, node: SegmentNode) -> Iterator[Finding]:
    """837 service lines (2400) are numbered 1..n within each claim."""
    if node.loop.spec.id != "2400":
        return
    claim = node.loop.parent
    if ctx.state.get("lx_claim") is not claim:
        ctx.state["lx_claim"], ctx.state["lx_count"] = claim, 0
    expected = ctx.state["lx_count"] = int(ctx.state["lx_count"]) + 1  # type: ignore[call-overload]
    seg = node.segment
    if seg[1] != str(expected):
        yield ctx.finding("snip2.lx.sequence", 2, f"LX01 is {seg[1]!r} but this is service line {expected} of the "
                          "claim; number lines 1, 2, 3 … within each claim",
                          ctx.at(seg, node.loop, ctx.position, "LX01", "Assigned Number", (1, 0, 0), "554"),
                          value=seg[1], ik304="8", ik403="7")


@transaction_rule(snip=2)
def last_hl_has_no_children(ctx: Context, result: TransactionResult) -> Iterator[Finding]:
    last = ctx.state.get("hl_open")
    if isinstance(last, tuple) and last[0][4] == "1":
        yield _child_code(ctx, last, "1", "has no children")
