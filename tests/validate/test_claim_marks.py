"""ClaimMarks keeps an 837 transaction's claim marks in compact columns: what goes in comes out unchanged."""

from __future__ import annotations

import sys
from decimal import Decimal

from hypothesis import given, strategies as st

from edi.validate._engine import ClaimMark, ClaimMarks

LEVELS = st.lists(st.integers(0, 10**9), min_size=1, max_size=3).map(tuple)
CHARGES = st.one_of(st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-10**12, max_value=10**12),
                    st.sampled_from([Decimal("0.001"), Decimal("1E+30"), Decimal("-0"), Decimal("12.3456")]))


@given(st.lists(st.tuples(st.integers(0, 10**9), CHARGES, st.booleans(), LEVELS), max_size=30))
def test_marks_come_back_as_they_went_in(rows: list[tuple[int, Decimal, bool, tuple[int, ...]]]) -> None:
    marks = ClaimMarks()
    for row in rows:
        marks.append(*row)
    back = list(marks)
    assert len(marks) == len(rows)
    assert back == [ClaimMark(*row) for row in rows]
    assert [m.charge for m in back] == [row[1] for row in rows]   # equal amounts (Decimal == ignores exponent)


def test_marks_are_compact() -> None:
    marks = ClaimMarks()
    for i in range(10_000):
        marks.append(i * 40, Decimal("125.50"), i % 7 == 0, (1, 2 + i, 3 + i))
    columns = sum(sys.getsizeof(getattr(marks, name)) for name in ClaimMarks.__slots__)
    assert columns < 10_000 * 64   # objects (ClaimMark + Decimal + tuple) took ~250 bytes a claim
