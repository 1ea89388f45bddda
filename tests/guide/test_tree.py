"""Loop trees built while streaming: releasing closed unit loops (claims) without walking their segments."""

from __future__ import annotations

from pathlib import Path

from edi.guide import Loop, SegmentNode, TreeBuilder
from edi.x12 import Framer, Role, tokenize

SAMPLE = Path(__file__).parents[2] / "samples" / "837p-office-visits.x12"


def _build(units: frozenset[str], keep: list[tuple[Loop, list[Loop]]], release: bool) -> None:
    """Build the sample's trees; on each closed 2300, note its loops below, then release it if asked."""
    builder: TreeBuilder | None = None

    def on_close(loop: Loop) -> None:
        if loop.spec.id == "2300":
            keep.append((loop, list(loop.loops())))
            if release:
                assert builder is not None
                builder.release(loop)

    for role, seg, transaction, _ in Framer(tokenize(SAMPLE)).events():
        if transaction is None or role is Role.STRAY:
            continue
        if builder is None or builder.transaction is not transaction:
            builder = TreeBuilder(transaction, on_close, units=units)
        builder.add(seg)
        if role is Role.SE:
            builder.finish()
            builder = None


def test_a_released_unit_and_every_loop_inside_it_are_emptied() -> None:
    kept: list[tuple[Loop, list[Loop]]] = []
    _build(frozenset({"2300"}), kept, release=True)
    assert kept and any(inner for _, inner in kept), "the sample has claims with service lines"
    for claim, inner in kept:
        assert claim.children == []
        assert all(loop.children == [] for loop in inner)


def test_a_loop_that_is_not_a_unit_is_dismantled_all_the_same() -> None:
    kept: list[tuple[Loop, list[Loop]]] = []
    _build(frozenset(), kept, release=True)  # no units: release falls back to walking the subtree
    assert kept
    for claim, inner in kept:
        assert claim.children == [] and all(loop.children == [] for loop in inner)


def test_without_release_the_tree_is_whole() -> None:
    kept: list[tuple[Loop, list[Loop]]] = []
    _build(frozenset({"2300"}), kept, release=False)
    for claim, inner in kept:
        first = claim.children[0]
        assert isinstance(first, SegmentNode) and first.segment.id == "CLM"
        assert all(loop.children for loop in inner)


def test_units_nest_a_subscriber_releases_the_loops_opened_in_it() -> None:
    """2000B and 2300 both units: a released claim is emptied when it closes, its subscriber (with its 2010BA/BB
    names and the claims it held) when the subscriber closes."""
    subscribers: list[tuple[Loop, list[Loop]]] = []
    builder: TreeBuilder | None = None

    def on_close(loop: Loop) -> None:
        assert builder is not None
        if loop.spec.id == "2300":
            assert loop.children, "a claim is whole when it closes"
            builder.release(loop)
            assert loop.children == []
        elif loop.spec.id == "2000B":
            inner = list(loop.loops())
            assert any(kid.spec.id == "2010BA" and kid.children for kid in inner)
            subscribers.append((loop, inner))
            builder.release(loop)

    for role, seg, transaction, _ in Framer(tokenize(SAMPLE)).events():
        if transaction is None or role is Role.STRAY:
            continue
        if builder is None or builder.transaction is not transaction:
            builder = TreeBuilder(transaction, on_close, units=frozenset({"2000B", "2300"}))
        builder.add(seg)
        if role is Role.SE:
            builder.finish()
            builder = None
    assert subscribers
    for subscriber, inner in subscribers:
        assert subscriber.children == [] and all(loop.children == [] for loop in inner)
