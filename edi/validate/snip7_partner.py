"""SNIP 7 — trading-partner rules: a payer profile's companion-guide requirements (edi.validate.profiles).

``snip7_rules(profile)`` gives loop rules, by loop id, that the validator adds when it is given the profile. They
run when a claim closes (837 2300, 835 2100), for claims whose payer is one of the profile's ids, and look at every
segment the claim carries: its own and those of the loops around it (billing provider, subscriber, payer, the 835
header). A finding about a segment the claims share is reported once per transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation

from edi.guide import Loop, SegmentNode
from edi.validate._engine import UNITS, Context
from edi.validate._finding import Finding, Location
from edi.validate.profiles import PayerProfile

__all__ = ["snip7_rules"]

LoopRule = Callable[[Context, Loop], list[Finding]]
View = list[tuple[SegmentNode, str]]   # a claim's segments and the loop each stands in


def snip7_rules(profile: PayerProfile) -> dict[str, list[LoopRule]]:
    """The loop rules (by loop id) that apply one payer profile."""

    def claim(ctx: Context, unit: Loop) -> list[Finding]:
        label = _transaction(ctx)
        if label not in profile.applies_to:
            return []
        view, payer_ids = _claim_view(ctx, unit, label)
        if not profile.matches(payer_ids):
            return []
        found = [*_required_segments(ctx, profile, unit), *_forbidden_qualifiers(ctx, profile, view),
                 *_value_restrictions(ctx, profile, view)]
        if label != "835":
            found += [*_line_count(ctx, profile, unit), *_claim_charge(ctx, profile, unit)]
        return _once(ctx, found)

    return {"2300": [claim], "2100": [claim]}


# -- the rules ---------------------------------------------------------------------------------------------------
def _required_segments(ctx: Context, profile: PayerProfile, unit: Loop) -> Iterator[Finding]:
    """Every instance of a named loop carries the required segment (with its qualifier in element 01)."""
    for rule in profile.required_segments:
        for loop in _view_loops(unit):
            if loop.spec.id != rule.loop or any(
                    isinstance(c, SegmentNode) and c.segment.id == rule.segment
                    and rule.qualifier in (None, c.segment.component(1, 1)) for c in loop.children):
                continue
            anchor = next((c for c in loop.children if isinstance(c, SegmentNode)), None)
            if anchor is None:
                continue
            wanted = rule.segment + (f"*{rule.qualifier}" if rule.qualifier else "")
            yield ctx.finding("snip7.payer.required_segment", 7, f"{profile.name} requires {wanted} in loop "
                              f"{rule.loop}" + (f": {rule.message}" if rule.message else ""), _at(ctx, anchor),
                              ik304="3", payer=profile.name, profile=profile.source, missing=wanted)


def _forbidden_qualifiers(ctx: Context, profile: PayerProfile, view: View) -> Iterator[Finding]:
    """No segment carries a qualifier (element 01) the payer does not accept."""
    for rule in profile.forbidden_qualifiers:
        for node, loop_id in view:
            if node.segment.id != rule.segment:
                continue
            qualifier = node.segment.component(1, 1)
            if qualifier == rule.qualifier and rule.loop in (None, loop_id):
                yield ctx.finding("snip7.payer.forbidden_qualifier", 7, f"{profile.name} does not accept "
                                  f"{rule.segment}*{rule.qualifier}" + (f": {rule.message}" if rule.message else
                                                                       "; remove the segment"),
                                  _at(ctx, node, 1), value=qualifier, ik304="8", ik403="7", payer=profile.name,
                                  profile=profile.source)


def _value_restrictions(ctx: Context, profile: PayerProfile, view: View) -> Iterator[Finding]:
    """An element the payer restricts holds one of the values it allows."""
    for rule in profile.value_restrictions:
        for node, loop_id in view:
            if node.segment.id != rule.segment or rule.loop not in (None, loop_id):
                continue
            seg = node.segment
            value = seg.component(rule.position, rule.component) if rule.component else seg[rule.position]
            if value and value not in rule.allowed:
                allowed = ", ".join(sorted(rule.allowed))
                yield ctx.finding("snip7.payer.value_not_allowed", 7, f"{rule.element} {value!r} is not accepted by "
                                  f"{profile.name}; it accepts {allowed}" + (f" ({rule.message})" if rule.message
                                                                             else ""),
                                  _at(ctx, node, rule.position, rule.component), value=value, ik304="8", ik403="7",
                                  payer=profile.name, profile=profile.source, allowed=sorted(rule.allowed))


def _line_count(ctx: Context, profile: PayerProfile, claim: Loop) -> Iterator[Finding]:
    """An 837 claim has no more service lines (2400) than the payer accepts."""
    limit = profile.max_lines_per_claim
    lines = sum(1 for c in claim.children if isinstance(c, Loop) and c.spec.id == "2400")
    clm = claim.first("CLM")
    if limit is not None and lines > limit and clm is not None:
        yield ctx.finding("snip7.payer.too_many_lines", 7, f"the claim has {lines} service lines; {profile.name} "
                          f"accepts at most {limit}: split it into several claims", _at(ctx, clm), value=str(lines),
                          ik304="4", payer=profile.name, profile=profile.source, limit=limit)


def _claim_charge(ctx: Context, profile: PayerProfile, claim: Loop) -> Iterator[Finding]:
    """An 837 claim's total charge (CLM02) is not above the payer's maximum."""
    limit = profile.max_claim_charge
    clm = claim.first("CLM")
    if limit is None or clm is None:
        return
    try:
        charge = Decimal(clm.segment[2])
    except InvalidOperation:
        return
    if charge.is_finite() and charge > limit:
        yield ctx.finding("snip7.payer.claim_charge", 7, f"CLM02 total charge {charge} is above the {limit} "
                          f"{profile.name} accepts electronically", _at(ctx, clm, 2), value=clm.segment[2],
                          ik304="8", ik403="7", payer=profile.name, profile=profile.source, limit=str(limit))


# -- what a claim carries, and whose it is ---------------------------------------------------------------------
def _transaction(ctx: Context) -> str:
    name = ctx.guide.map_name if ctx.guide is not None else ""
    return "837P" if name.startswith("837.5010.X222") else "837I" if name.startswith("837Q3") else \
        "835" if name.startswith("835") else ""


def _claim_view(ctx: Context, unit: Loop, label: str) -> tuple[View, set[str]]:
    """The segments the claim carries (with their loop ids) and its payer ids, found once for all the profiles'
    rules (they run one after the other on the same claim)."""
    last = ctx.state.get("snip7_view")
    if last is not None and last[0] is unit:   # type: ignore[index]
        return last[1]   # type: ignore[index,no-any-return]
    view = [(node, _loop_id(node)) for node in _view_segments(unit)]
    found = view, _payer_ids(ctx, view, label)
    ctx.state["snip7_view"] = (unit, found)
    return found


def _payer_ids(ctx: Context, view: View, label: str) -> set[str]:
    """837: the claim's payer (2010BB NM109) and GS03; 835: the payer (1000A N104, REF*2U) and GS02."""
    group = ctx.transaction.group if ctx.transaction is not None else None
    ids = {group.receiver if label != "835" else group.sender} if group is not None else set()
    for node, loop in view:
        seg = node.segment
        if (loop == "2010BB" and seg.id == "NM1") or (loop == "1000A" and seg.id == "N1"):
            ids.add(seg[9] if seg.id == "NM1" else seg[4])
        elif loop == "1000A" and seg.id == "REF" and seg[1] == "2U":
            ids.add(seg[2])
    return ids - {""}


def _view_segments(unit: Loop) -> Iterator[SegmentNode]:
    """The unit's segments, then those of its open ancestors and their other (finished, non-claim) loops."""
    yield from unit.segments()
    child = unit
    for parent in unit.ancestors():
        for c in parent.children:
            if isinstance(c, SegmentNode):
                yield c
            elif c is not child and c.spec.id not in UNITS:
                yield from c.segments()
        child = parent


def _view_loops(unit: Loop) -> Iterator[Loop]:
    """The unit, its loops, its ancestors and their other finished non-claim loops."""
    yield unit
    yield from unit.loops()
    child = unit
    for parent in unit.ancestors():
        yield parent
        for c in parent.children:
            if isinstance(c, Loop) and c is not child and c.spec.id not in UNITS:
                yield c
                yield from c.loops()
        child = parent


def _loop_id(node: SegmentNode) -> str:
    loop: Loop | None = node.loop
    while loop is not None and loop.spec.kind:
        loop = loop.parent
    return loop.spec.id if loop is not None else ""


def _at(ctx: Context, node: SegmentNode, n: int = 0, k: int = 0) -> Location:
    """Location of a segment (or its element n, component k) seen from a loop rule."""
    seg = node.segment
    spec = node.element_spec(n) if n else None
    part = spec.components[k - 1] if spec is not None and k and k <= len(spec.components) else None
    named = part or (spec if not k else None)
    ref = (named.id if named is not None else f"{seg.id}{n:02d}" + (f"-{k:02d}" if k else "")) if n else None
    header = ctx.transaction.header if ctx.transaction is not None else None
    position = seg.index - header.index + 1 if header is not None and seg.index >= header.index >= 0 else 0
    return ctx.at(seg, node.loop, position, ref, named.name if named else None, (n, k, 0) if n else None,
                  named.data_ele if named else None)


def _once(ctx: Context, findings: list[Finding]) -> list[Finding]:
    """Drops findings already reported in this transaction (segments shared by several claims)."""
    seen: set[tuple[str, int, str | None]] = ctx.state.setdefault("snip7_seen", set())  # type: ignore[assignment]
    fresh = []
    for f in findings:
        key = (f.code, f.location.segment_index, f.location.element)
        if key not in seen:
            seen.add(key)
            fresh.append(f)
    return fresh
