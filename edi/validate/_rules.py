"""Rule registries: each SNIP module registers small functions by the loop or segment they look at."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from edi.guide import Loop, SegmentNode
    from edi.validate._engine import Context, TransactionResult
    from edi.validate._finding import Finding

SegmentRule = Callable[["Context", "SegmentNode"], Iterable["Finding"]]
LoopRule = Callable[["Context", "Loop"], Iterable["Finding"]]
TransactionRule = Callable[["Context", "TransactionResult"], Iterable["Finding"]]
FileRule = Callable[[list["TransactionResult"]], Iterable[tuple["TransactionResult", "Finding"]]]

SEGMENT_RULES: dict[str, list[tuple[int, SegmentRule]]] = {}      # by segment id; "*" for every segment
LOOP_RULES: dict[str, list[tuple[int, LoopRule]]] = {}            # by loop id, run when the loop closes
TRANSACTION_RULES: list[tuple[int, TransactionRule]] = []         # run at SE
FILE_RULES: list[tuple[int, FileRule]] = []                       # run at the end, over every transaction's facts


def segment_rule(seg_id: str, *, snip: int) -> Callable[[SegmentRule], SegmentRule]:
    def register(fn: SegmentRule) -> SegmentRule:
        SEGMENT_RULES.setdefault(seg_id, []).append((snip, fn))
        return fn
    return register


def loop_rule(loop_id: str, *, snip: int) -> Callable[[LoopRule], LoopRule]:
    def register(fn: LoopRule) -> LoopRule:
        LOOP_RULES.setdefault(loop_id, []).append((snip, fn))
        return fn
    return register


def transaction_rule(*, snip: int) -> Callable[[TransactionRule], TransactionRule]:
    def register(fn: TransactionRule) -> TransactionRule:
        TRANSACTION_RULES.append((snip, fn))
        return fn
    return register


def file_rule(*, snip: int) -> Callable[[FileRule], FileRule]:
    """A rule across the transactions of a file, which may have been checked in different processes: it sees
    each TransactionResult's ``facts`` and yields (transaction, finding) pairs."""
    def register(fn: FileRule) -> FileRule:
        FILE_RULES.append((snip, fn))
        return fn
    return register


def selected(registry: dict[str, list[tuple[int, Any]]], snips: frozenset[int]) -> dict[str, list[Any]]:
    return {key: [fn for snip, fn in rules if snip in snips] for key, rules in registry.items()}
