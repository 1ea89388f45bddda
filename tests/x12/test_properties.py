"""Property tests: any delimiter choice and line-break style round-trips; garbage raises only EdiError."""

from __future__ import annotations

import contextlib

from hypothesis import given, settings
from hypothesis import strategies as st

from edi.errors import EdiError
from edi.x12 import (ControlNumbers, Delimiters, Framer, GroupContent, InterchangeHeader, Party, TransactionContent,
                     build_interchange, tokenize, write)

SEPARATORS = "*|^~:!>`{}\x1c\x1d\x1e\x1f+"
separators = st.lists(st.sampled_from(SEPARATORS), min_size=4, max_size=4, unique=True)
line_breaks = st.sampled_from(["", "\n", "\r\n", "\r", "\n    "])
values = st.lists(st.text(alphabet="ABCXYZ0123456789 .-", max_size=10), min_size=1, max_size=8)


def make_interchange(d: Delimiters, bodies: list[list[str]]) -> bytes:
    header = InterchangeHeader(Party("ZZ", "SENDER"), Party("ZZ", "RECEIVER"))
    txn = TransactionContent("837", [("REF", *body) for body in bodies], "005010X222A1")
    return write(build_interchange([GroupContent("HC", "005010X222A1", [txn])], header, ControlNumbers(), d), d)


@settings(max_examples=200, deadline=None)
@given(separators, line_breaks, st.lists(values, max_size=30))
def test_any_separators_round_trip(seps: list[str], line_break: str, bodies: list[list[str]]) -> None:
    d = Delimiters(*seps, line_break=line_break)
    raw = make_interchange(d, bodies)
    segments = list(tokenize(raw, chunk_size=97))
    assert raw == write(segments)
    assert d.element == segments[0].delimiters.element and d.segment == segments[0].delimiters.segment
    framer = Framer(segments)
    list(framer)
    assert [] == framer.findings
    refs = [s for s in segments if s.id == "REF"]
    assert len(bodies) == len(refs)
    for body, seg in zip(bodies, refs):
        trimmed = list(body)
        while trimmed and trimmed[-1] == "":
            trimmed.pop()
        assert tuple(trimmed) == seg.elements[1:] or (not trimmed and seg.elements == ("REF",))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=4000))
def test_garbage_raises_nothing_but_edi_error(data: bytes) -> None:
    with contextlib.suppress(EdiError):
        list(Framer(tokenize(data)))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600), st.integers(min_value=0, max_value=400))
def test_garbage_after_a_valid_isa_raises_nothing_but_edi_error(tail: bytes, cut: int) -> None:
    raw = make_interchange(Delimiters(), [["A", "B"]])
    with contextlib.suppress(EdiError):
        list(Framer(tokenize(raw[:106 + cut] + tail)))
