"""walk_segments: every segment in file order with its placement, and replaying the steps gives back exactly the
trees TreeBuilder builds (iter_transactions) — on every corpus file, the samples and synthetic files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import SAMPLES, corpus_files, corpus_id
from edi.errors import FramingError
from edi.guide import Loop, LoopSpec, iter_transactions, walk_segments
from edi.synth import write_synth
from edi.x12 import Role, tokenize

Shape = tuple[Any, ...]


def _shape(loop: Loop) -> Shape:
    """A loop as nested tuples: (spec, children), children being shapes or (segment index, segment spec)."""
    return (id(loop.spec) if loop.spec.uid >= 0 else loop.spec.name, tuple(
        _shape(child) if isinstance(child, Loop) else (child.segment.index, id(child.spec))
        for child in loop.children))


def _replayed(source: Path | bytes) -> list[tuple[str, Shape]]:
    """The trees the steps describe: a transaction's steps open and close loops on a stack, segments go into the
    innermost open loop (every closed loop must be the one on top of the stack)."""
    trees: list[tuple[str, Shape]] = []
    stack: list[tuple[LoopSpec, list[Any]]] = []
    current = None

    def close(spec: LoopSpec) -> None:
        top_spec, children = stack.pop()
        assert top_spec is spec, f"closed {spec.id} but {top_spec.id} is open"
        shape = (id(spec) if spec.uid >= 0 else spec.name, tuple(children))
        if stack:
            stack[-1][1].append(shape)
        else:
            trees.append((current.control, shape))  # type: ignore[union-attr]

    for role, seg, transaction, closed, opened, spec in walk_segments(source):
        for loop in closed:
            close(loop)
        if transaction is None:
            assert not stack and not opened and spec is None, f"{seg.id}: an envelope segment is in no loop"
            current = None
            continue
        assert role is not Role.STRAY
        if transaction is not current:
            assert not stack, "a new transaction starts with every loop of the last one closed"
            current = transaction
        for loop in opened:
            stack.append((loop, []))
        stack[-1][1].append((seg.index, id(spec)))
    while stack:
        close(stack[-1][0])
    return trees


def _built(source: Path | bytes) -> list[tuple[str, Shape]]:
    return [(tree.envelope.control, _shape(tree.root)) for tree in iter_transactions(source)]


def _assert_same_trees(source: Path | bytes) -> None:
    try:
        built = _built(source)
    except FramingError:
        with pytest.raises(FramingError):
            list(walk_segments(source))
        return
    assert _replayed(source) == built


@pytest.mark.corpus
@pytest.mark.parametrize("path", corpus_files(), ids=corpus_id)
def test_steps_rebuild_the_trees_of_every_corpus_file(path: Path) -> None:
    _assert_same_trees(path)


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.x12")), ids=lambda p: p.name)
def test_steps_rebuild_the_trees_of_every_sample(path: Path) -> None:
    _assert_same_trees(path)


@pytest.mark.parametrize("kind", ["837p", "837i", "835", "999", "277ca"])
def test_steps_rebuild_the_trees_of_synthetic_files(kind: str, tmp_path: Path) -> None:
    out = tmp_path / f"{kind}.x12"
    with out.open("wb") as stream:
        write_synth(kind, 40, 3, stream)
    _assert_same_trees(out)


def test_every_segment_comes_once_in_file_order() -> None:
    path = SAMPLES / "835-remittance.x12"
    assert [seg.index for seg in tokenize(path)] == [step[1].index for step in walk_segments(path)]


def test_a_transaction_without_a_known_guide_is_one_st_loop_of_unexpected_segments() -> None:
    data = (SAMPLES / "835-remittance.x12").read_bytes().replace(b"005010X221A1", b"005010X999A1")
    steps = [step for step in walk_segments(data) if step[2] is not None]
    assert steps and all(spec is None for *_, spec in steps)
    first_opened = steps[0][4]
    assert 1 == len(first_opened) and "ST_LOOP" == first_opened[0].id and "no implementation guide" in first_opened[0].name
    assert all(not opened for _, _, _, _, opened, _ in steps[1:])
    _assert_same_trees(data)


def test_a_transaction_cut_off_by_the_next_st_closes_its_loops_there() -> None:
    """An ST without its SE: the next ST's step closes every loop of the cut-off transaction, its ST_LOOP last."""
    data = (SAMPLES / "835-remittance.x12").read_bytes()
    cut = data.replace(b"SE*", b"ST*835*0002~XX*", 1)  # the SE becomes an unknown segment after a new ST
    steps = list(walk_segments(cut))
    second_st = next(step for step in steps if step[1].id == "ST" and step[1][2] == "0002")
    assert second_st[3] and "ST_LOOP" == second_st[3][-1].id
    _assert_same_trees(cut)
