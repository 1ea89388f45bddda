"""Loop-level checks (SNIP 2): required segments and loops present, max use and repeat counts, usage "not used"."""

from __future__ import annotations

from dataclasses import dataclass

from edi.guide import LoopSpec, SegmentSpec


@dataclass(frozen=True, slots=True)
class CountRule:
    child: LoopSpec | SegmentSpec
    required: bool
    limit: int


@dataclass(frozen=True, slots=True)
class CountProblem:
    child: LoopSpec | SegmentSpec
    ik304: str
    message: str
    found: int
    limit: int = 0


@dataclass(frozen=True, slots=True)
class CountTable:
    """A loop spec's count rules, and what the common case (nothing wrong) is checked against."""

    rules: tuple[CountRule, ...]
    required: tuple[int, ...]     # uids of required children
    limits: dict[int, int]        # uid → the most it may occur


_TABLES: dict[int, tuple[LoopSpec, CountTable]] = {}


def count_rules(loop: LoopSpec) -> CountTable:
    """The children of a loop spec that need counting: required ones, and those with a finite limit."""
    cached = _TABLES.get(id(loop))
    if cached is not None and cached[0] is loop:  # the spec is kept alive with its rules, so its id stays its own
        return cached[1]
    rules = tuple(
        CountRule(child, child.usage == "R",
                  child.repeat if isinstance(child, LoopSpec) else child.max_use)
        for child in loop.children
        if child.usage == "R" or (child.repeat if isinstance(child, LoopSpec) else child.max_use) < (1 << 30))
    table = CountTable(rules, tuple(r.child.uid for r in rules if r.required),
                       {r.child.uid: r.limit for r in rules})
    _TABLES[id(loop)] = (loop, table)
    return table


def count_problems(loop: LoopSpec, counts: dict[int, int]) -> list[CountProblem]:
    """Problems with how often each child of one loop instance occurred (``counts`` by child spec uid, only
    children that occurred)."""
    table = count_rules(loop)
    limits = table.limits
    for uid in table.required:
        if uid not in counts:
            break
    else:
        for uid, found in counts.items():
            if found > limits.get(uid, found):
                break
        else:
            return []  # every required child is there and none occurs too often
    problems: list[CountProblem] = []
    for rule in table.rules:
        child = rule.child
        found = counts.get(child.uid, 0)
        if rule.required and found == 0 and not _wrapper_satisfied(child, counts):
            problems.append(CountProblem(child, "3", f"required {_what(child)} is missing from {loop.title}", 0))
        elif found > rule.limit:
            code = "4" if isinstance(child, LoopSpec) else "5"
            problems.append(CountProblem(child, code, f"{_what(child)} occurs {found} times in {loop.title}; at "
                                         f"most {rule.limit} allowed", found, rule.limit))
    return problems


def _what(child: LoopSpec | SegmentSpec) -> str:
    return f"loop {child.title}" if isinstance(child, LoopSpec) else f"segment {child.id} ({child.name})"


def _wrapper_satisfied(child: LoopSpec | SegmentSpec, counts: dict[int, int]) -> bool:
    """A required wrapper loop (HEADER, DETAIL) counts as present when any loop inside it is."""
    return isinstance(child, LoopSpec) and child.kind == "wrapper" and any(
        counts.get(c.uid, 0) for c in child.children)
