"""The compiled "is this segment clean?" test (edi.validate._fastpath) is sound: whenever it says clean, the full
element checker finds nothing. Checked on every placed segment of the corpus and of the synthetic files, and on
random element tuples built from each spec's own codes, types and lengths (hypothesis)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import corpus_files
from edi.guide import SegmentSpec, guide_named, iter_transactions
from edi.validate._elements import SegmentChecker
from edi.x12 import Delimiters

GUIDES = ("837p", "837i", "835", "999", "277ca")
SPECS = [spec for name in GUIDES for spec in guide_named(name).nodes if isinstance(spec, SegmentSpec)]


@cache
def _checker(spec: SegmentSpec) -> SegmentChecker:
    return SegmentChecker(spec)


def _unsound(spec: SegmentSpec, elements: tuple[str, ...], d: Delimiters) -> list[str]:
    """The full checker's problems with a segment the fast path called clean (should be none)."""
    checker = _checker(spec)
    if not checker.clean(elements, d):
        return []
    return [f"{spec.id}{p.element:02d}: {p.message}" for p in checker._check(elements, d)]


@pytest.mark.corpus
def test_sound_on_every_segment_of_the_corpus_and_the_samples() -> None:
    files = corpus_files("837p", "837i", "835", "999", "277ca") + sorted(
        (Path(__file__).parents[2] / "samples").glob("*.x12"))
    checked = 0
    for path in files:
        try:
            trees = list(iter_transactions(path))
        except Exception:  # noqa: BLE001  (files the tokenizer refuses have their own tests)
            continue
        for tree in trees:
            for node in tree.segments():
                if node.spec is not None and node.segment.delimiters is not None:
                    checked += 1
                    assert [] == _unsound(node.spec, node.segment.elements, node.segment.delimiters), str(path)
    assert checked > 10_000


def _fitting(element: object) -> st.SearchStrategy[str]:
    """Values the element's spec allows (so that many random segments are clean, and the test bites)."""
    codes = sorted(getattr(element, "codes", ()) or ())
    if codes:
        return st.sampled_from(codes)
    kind = getattr(element, "data_type", "AN")
    low, high = max(getattr(element, "min_len", 1), 1), min(getattr(element, "max_len", 10), 12)
    if kind == "R":
        return st.sampled_from(["0", "12.5", "-3", "100", ".5"])
    if kind.startswith("N"):
        return st.integers(0, 10 ** min(high, 6) - 1).map(str).filter(lambda v: low <= len(v) <= high)
    if kind == "DT":
        return st.sampled_from(["20250101", "20241231"] if high >= 8 else ["250101"])
    if kind == "TM":
        return st.sampled_from(["1200", "235959"][: 1 if high < 6 else 2])
    return st.text(alphabet="AZ09 ", min_size=low, max_size=max(low, high)).filter(lambda v: v.strip() == v and v)


def _value(element: object) -> st.SearchStrategy[str]:
    odd = st.one_of(st.just(""), st.sampled_from(["1", "0", "12.5", "-3", ".5", "5.", "1.2.3", "20250101", "20251301",
                                                  "1200", "2460", "AB", "A:B", "X" * 40, "é", "~", "1-2"]),
                    st.text(alphabet="0123456789AZaz.-: ", max_size=12))
    return st.one_of(_fitting(element), _fitting(element), _fitting(element), odd) if element is not None else odd


@st.composite
def _segment(draw: st.DrawFn) -> tuple[SegmentSpec, tuple[str, ...]]:
    spec = draw(st.sampled_from(SPECS))
    required = [n for n, e in enumerate(spec.elements, start=1) if e.usage == "R"]
    count = draw(st.integers(min_value=max(required, default=0) if draw(st.booleans()) else 0,
                             max_value=len(spec.elements) + 1))
    values = []
    for n in range(1, count + 1):
        element = spec.elements[n - 1] if n <= len(spec.elements) else None
        if element is not None and element.usage != "R" and draw(st.booleans()):
            values.append("")
        elif element is not None and element.is_composite and draw(st.booleans()):
            parts = [draw(_value(c)) for c in element.components[:draw(st.integers(1, len(element.components)))]]
            values.append(":".join(parts))
        else:
            values.append(draw(_value(element)))
    while values and not values[-1] and draw(st.integers(0, 4)):  # mostly no trailing empty elements
        values.pop()
    return spec, (spec.id, *values)


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_segment())
def test_sound_on_random_segments(case: tuple[SegmentSpec, tuple[str, ...]]) -> None:
    spec, elements = case
    assert [] == _unsound(spec, elements, Delimiters())


def test_separators_that_are_regular_expression_characters_give_the_same_answers() -> None:
    """The fast test is an expression built for the separators: '+' and '?' (both special in expressions) as
    element and component separators give, segment for segment, the same answer as '*' and ':'."""
    other = Delimiters(element="+", component="?", repetition="^", segment="~")
    path = Path(__file__).parents[2] / "samples" / "837p-office-visits.x12"
    checked = 0
    for tree in iter_transactions(path):
        for node in tree.segments():
            if node.spec is None:
                continue
            elements = node.segment.elements
            moved = tuple(value.replace(":", "?") for value in elements)
            fresh = SegmentChecker(node.spec)
            assert fresh.clean(elements, Delimiters()) == fresh.clean(moved, other), elements
            checked += fresh.clean(moved, other)
    assert checked > 60  # most of the sample's segments are clean


def test_the_fast_test_passes_nearly_every_segment_of_a_clean_file() -> None:
    """Speed depends on it: of a clean synthetic 835 and 837P, the fast test passes all but a few segments
    (29 February dates, repeated elements), so the full checker runs on almost none."""
    import io

    from edi.synth import write_synth

    for kind in ("835", "837p", "837i"):
        data = io.BytesIO()
        write_synth(kind, 200, 3, data)
        nodes = [n for tree in iter_transactions(data.getvalue()) for n in tree.segments() if n.spec]
        passed = sum(bool(_checker(n.spec).clean(n.segment.elements, n.segment.delimiters)) for n in nodes)
        assert passed >= 0.99 * len(nodes), (kind, passed, len(nodes))
