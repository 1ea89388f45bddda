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


_RULES: dict[int, tuple[LoopSpec, tuple[tuple[int, bool, int, CountRule], ...]]] = {}


def count_rules(loop: LoopSpec) -> tuple[tuple[int, bool, int, CountRule], ...]:
    """The children of a loop spec that need counting (required ones, and those with a finite limit), each as
    (child uid, required, limit, rule): read once per loop instance."""
    cached = _RULES.get(id(loop))
    if cached is not None and cached[0] is loop:  # the spec is kept alive with its rules, so its id stays its own
        return cached[1]
    rules = tuple(
        CountRule(child, child.usage == "R",
                  child.repeat if isinstance(child, LoopSpec) else child.max_use)
        for child in loop.children
        if child.usage == "R" or (child.repeat if isinstance(child, LoopSpec) else child.max_use) < (1 << 30))
    keyed = tuple((rule.child.uid, rule.required, rule.limit, rule) for rule in rules)
    _RULES[id(loop)] = (loop, keyed)
    return keyed


def count_problems(loop: LoopSpec, counts: dict[int, int]) -> list[CountProblem]:
    """Problems with how often each child of one loop instance occurred (``counts`` by child spec uid)."""
    problems: list[CountProblem] = []
    get = counts.get
    for uid, required, limit, rule in count_rules(loop):
        found = get(uid, 0)
        if found == 0:
            if required and not _wrapper_satisfied(rule.child, counts):
                problems.append(CountProblem(rule.child, "3", f"required {_what(rule.child)} is missing from "
                                             f"{loop.title}", 0))
        elif found > limit:
            child = rule.child
            code = "4" if isinstance(child, LoopSpec) else "5"
            problems.append(CountProblem(child, code, f"{_what(child)} occurs {found} times in {loop.title}; at "
                                         f"most {limit} allowed", found, limit))
    return problems


def _what(child: LoopSpec | SegmentSpec) -> str:
    return f"loop {child.title}" if isinstance(child, LoopSpec) else f"segment {child.id} ({child.name})"


def _wrapper_satisfied(child: LoopSpec | SegmentSpec, counts: dict[int, int]) -> bool:
    """A required wrapper loop (HEADER, DETAIL) counts as present when any loop inside it is."""
    return isinstance(child, LoopSpec) and child.kind == "wrapper" and any(
        counts.get(c.uid, 0) for c in child.children)
