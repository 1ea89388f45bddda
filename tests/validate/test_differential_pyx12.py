"""Differential test against pyx12's validator: every error pyx12 reports, we report too, at the same segment
(or, for a missing segment or loop, naming the same missing segment or loop) — unless DISAGREE records why pyx12
is wrong, or it is pyx12's cascade after a root cause we report once (tests/cascades.py). pyx12 reads only copies
without byte-order mark, indentation or errata versions (see tests/guide/test_differential.py), so both tools read
the same copy."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cascades import Placement, explained
from conftest import corpus_files, corpus_id
from edi.validate import validate
from guide.test_differential import readable_by_pyx12
from pyx12_errors import pyx12_errors

pytestmark = pytest.mark.corpus

# pyx12's envelope errors carry no segment (line 0): matched by what they are about.
ENVELOPE = {"4": "snip1.envelope.se01.count", "5": "snip1.envelope.ge01.count", "23": "snip1.envelope.st02.duplicate",
            "023": "snip1.envelope.iea"}
# Where pyx12 is wrong, with the reason.
DISAGREE = {
    ("837p/X12Parser__ST1309-XX.txt", "023"): "pyx12 drops a last segment that has no terminator and then reports "
    "IEA missing; the IEA is there (we report it as unterminated: snip1.envelope.iea.unterminated)",
}
MISSING = re.compile(r'Mandatory (?:segment|loop) "[^"]*" \(([^)=]+)')


def matched(error: tuple[int, str, str, str], findings: list, name: str) -> bool:  # type: ignore[type-arg]
    line, seg_id, code, message = error
    missing = MISSING.search(message)
    if missing:
        return any(f.details.get("missing") == missing.group(1) for f in findings)
    if line == 0:
        prefix = ENVELOPE.get(code, "snip1.envelope")
        return any(f.code.startswith(prefix) for f in findings)
    return any(f.location.segment_index + 1 == line for f in findings)


@pytest.mark.parametrize("path", corpus_files("837p", "837i", "835", "999", "277ca"), ids=corpus_id)
def test_every_pyx12_error_is_found(path: Path, tmp_path: Path) -> None:
    readable = readable_by_pyx12(path, tmp_path)
    try:
        theirs = pyx12_errors(str(readable))
    except Exception as exc:  # pyx12 itself fails on a few files; then there is nothing to compare
        pytest.skip(f"pyx12 raised {type(exc).__name__}: {exc}")
    report = validate(readable, snips=(1, 2, 5))
    assert report.fatal is None
    name = corpus_id(path)
    placement = Placement(readable)
    missed = [e for e in theirs if not matched(e, report.findings, name) and (name, e[2]) not in DISAGREE
              and not explained(e, report.findings, placement)]
    assert [] == missed[:5], f"{len(missed)} pyx12 errors we do not report"
