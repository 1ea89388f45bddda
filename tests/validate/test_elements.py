"""The element checker's memo of clean segments: a repeated segment is passed without a second check, but never
when the component separator differs, and a segment with a problem is reported every time it occurs."""

from __future__ import annotations

from edi.guide import SegmentSpec, guide_named
from edi.validate._elements import SEEN_FIRST, SEEN_LIMIT, SegmentChecker
from edi.x12 import Delimiters


def _bht() -> SegmentSpec:
    guide = guide_named("005010X222A1")
    return next(n for n in guide.nodes if isinstance(n, SegmentSpec) and n.id == "BHT")


def test_a_repeated_clean_segment_stays_clean_and_a_new_separator_is_checked_again() -> None:
    checker = SegmentChecker(_bht())
    elements = ("BHT", "0019", "00", "ABC!", "20260101", "1200", "CH")
    assert checker.check(elements, Delimiters()) == []
    assert checker.check(elements, Delimiters()) == []     # from the memo
    # '!' as the component separator: BHT03 now ends with one — the memo must not answer for it
    problems = checker.check(elements, Delimiters(component="!"))
    assert [(p.element, p.kind) for p in problems] == [(3, "trailing_separator")]
    assert checker.check(elements, Delimiters()) == []


def test_a_segment_with_a_problem_is_reported_each_time() -> None:
    checker = SegmentChecker(_bht())
    bad = ("BHT", "0019", "00", "ABC", "20261301", "1200", "CH")  # BHT04 in month 13
    first = checker.check(bad, Delimiters())
    assert [p.ik403 for p in first] == ["8"]
    assert [p.ik403 for p in checker.check(bad, Delimiters())] == ["8"]


def test_the_memo_is_bounded_and_kept_only_for_segments_that_repeat() -> None:
    distinct = SegmentChecker(_bht())
    for n in range(SEEN_LIMIT + 500):
        assert distinct.check(("BHT", "0019", "00", f"B{n}", "20260101", "1200", "CH"), Delimiters()) == []
    assert len(distinct.seen) == SEEN_FIRST      # nothing came back: it stopped remembering early
    repeating = SegmentChecker(_bht())
    for n in range(3 * SEEN_LIMIT):
        for _ in range(3):
            assert repeating.check(("BHT", "0019", "00", f"B{n}", "20260101", "1200", "CH"), Delimiters()) == []
    assert len(repeating.seen) == SEEN_LIMIT


def test_digits_of_other_scripts_are_not_x12_numbers_or_dates() -> None:
    """Fullwidth or Arabic-Indic digits pass Python's \\d and isdigit() but are not X12 data: BHT04 (DT) and
    BHT05 (TM) written with them are reported, by the full checker and never passed by the fast test."""
    checker = SegmentChecker(_bht())
    bad = ("BHT", "0019", "00", "ABC", "２０２６０１０１", "١٢٠٠", "CH")
    assert not checker.clean(bad, Delimiters())
    assert [(p.element, p.ik403) for p in checker.check(bad, Delimiters())] == [(4, "8"), (5, "9")]


def test_equal_delimiters_of_another_interchange_keep_the_memo_and_are_adopted() -> None:
    """A second interchange brings its own (equal) Delimiters object: what was seen stays seen, and the new
    object is adopted, so its segments pass the validator's identity test instead of comparing delimiters."""
    checker = SegmentChecker(_bht())
    elements = ("BHT", "0019", "00", "ABC", "20260101", "1200", "CH")
    first, second = Delimiters(), Delimiters()
    assert checker.check(elements, first) == [] and elements in checker.seen
    assert checker.check(elements, second) == [] and checker.seen_with is second and elements in checker.seen
    assert checker.hits == 1
