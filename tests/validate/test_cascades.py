"""One root cause, one finding: a qualifier that is no code of the guide (the entity code of an NM1, the level code of
an HL, a REF or DTP qualifier — what decides which loop or segment spec applies) is reported once, at that
element, and the segments after it stay in their loops.

Before, each of these gave the unexpected segment, then every segment of the loop it should have opened as
"unexpected" and the loop as "required … missing" (up to 80 findings for one HL03). pyx12 reports the same cascade
("Segment … not found", "Mandatory loop … missing"); the first of its errors is at the segment we report.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import SAMPLES
from edi.guide import iter_transactions
from edi.validate import validate

P837 = (SAMPLES / "837p-office-visits.x12").read_text("latin-1")
R835 = (SAMPLES / "835-remittance.x12").read_text("latin-1")

# (sample, old, new, element reported, the code the guide allows there, the loop the segment is read in)
BAD_QUALIFIERS = [
    (P837, "NM1*85*2*EXAMPLE", "NM1*8X*2*EXAMPLE", "NM101", "85", "2010AA"),
    (P837, "NM1*41*2", "NM1*4X*2", "NM101", "41", "1000A"),
    (P837, "NM1*IL*1*DOE*JANE", "NM1*IX*1*DOE*JANE", "NM101", "IL", "2010BA"),
    (P837, "NM1*PR*2*EXAMPLE HEALTH PLAN", "NM1*PX*2*EXAMPLE HEALTH PLAN", "NM101", "PR", "2010BB"),
    (P837, "NM1*82*1*SMITH", "NM1*8Z*1*SMITH", "NM101", "82", "2310B"),
    (P837, "HL*1**20*1", "HL*1**2X*1", "HL03", "20", "2000A"),
    (P837, "HL*2*1*22*0", "HL*2*1*2X*0", "HL03", "22", "2000B"),
    (P837, "REF*EI*990000001", "REF*XY*990000001", "REF01", "EI", "2010AA"),
    (P837, "DTP*431*D8", "DTP*999*D8", "DTP01", "431", "2300"),
    (P837, "REF*6R*1001L1", "REF*XX*1001L1", "REF01", "6R", "2400"),
    (P837, "SBR*P*18", "SBR*X*18", "SBR01", "P", "2000B"),
    (P837, "HI*ABK:J069", "HI*XXX:J069", "HI01-01", "ABK", "2300"),
    (P837, "SV1*HC:99214", "SV1*XX:99214", "SV101-01", "HC", "2400"),
    (R835, "N1*PR*", "N1*PX*", "N101", "PR", "1000A"),
    (R835, "N1*PE*", "N1*PX*", "N101", "PE", "1000B"),
    (R835, "SVC*HC:", "SVC*XX:", "SVC01-01", "HC", "2110"),
]


def mutated(text: str, old: str, new: str) -> bytes:
    assert old in text
    return text.replace(old, new, 1).encode("latin-1")


@pytest.mark.parametrize("text, old, new, element, allowed, loop", BAD_QUALIFIERS, ids=[b[2] for b in BAD_QUALIFIERS])
def test_a_bad_qualifier_is_one_finding_at_the_element(text: str, old: str, new: str, element: str, allowed: str,
                                                        loop: str) -> None:
    data = mutated(text, old, new)
    errors = [f for f in validate(data).findings if f.is_error]
    assert [("snip2.element.code", element)] == [(f.code, f.location.element) for f in errors]
    message = errors[0].message
    assert re.search(rf"not a code the guide takes here \([^)]*\b{allowed}\b", message), message
    assert errors[0].location.loop_path.split("/")[-1].startswith(loop) and "is read as" in message


@pytest.mark.parametrize("text, old, new, element, allowed, loop", BAD_QUALIFIERS[:8],
                         ids=[b[2] for b in BAD_QUALIFIERS[:8]])
def test_pyx12_starts_its_cascade_where_we_report(text: str, old: str, new: str, element: str, allowed: str,
                                                  loop: str, tmp_path: Path) -> None:
    from pyx12_errors import pyx12_errors

    path = tmp_path / "mutated.x12"
    path.write_bytes(mutated(text, old, new))
    ours = [f for f in validate(path).findings if f.is_error]
    theirs = sorted(pyx12_errors(str(path)))
    assert theirs and theirs[0][0] == ours[0].location.segment_index + 1


def test_the_segments_after_it_stay_in_their_loops() -> None:
    """The billing provider's N3, N4 and REF stay in 2010AA after NM1*8X (they were 'unexpected' in 2000A)."""
    trees = list(iter_transactions(mutated(P837, "NM1*85*2*EXAMPLE", "NM1*8X*2*EXAMPLE")))
    billing = next(trees[0].loops("2010AA"))
    assert ["NM1", "N3", "N4", "REF"] == [node.segment.id for node in billing.segments()]
    assert all(node.spec is not None for tree in trees for node in tree.segments())


def test_a_known_code_in_the_wrong_place_is_still_unexpected() -> None:
    """NM1*85 (a billing provider) inside a claim is a segment out of place, not a typo: it is not guessed."""
    data = mutated(P837, "PRV*PE*PXC*207Q00000X~", "PRV*PE*PXC*207Q00000X~\nNM1*85*2*X*****XX*1234567893~")
    codes = [f.code for f in validate(data).findings if f.is_error and f.location.segment_id == "NM1"]
    assert "snip2.segment.unexpected" in codes


def test_rules_do_not_judge_an_invalid_qualifier_again() -> None:
    """SBR01 'X' is no payer sequence: the COB rule (a non-primary claim names other payers) leaves it to SNIP 2;
    an HI qualifier that is no code still holds its place in the diagnosis list SV107 points into."""
    assert ["snip2.element.code"] == [f.code for f in validate(mutated(P837, "SBR*P*18", "SBR*X*18")).findings
                                      if f.is_error]
    assert ["snip2.element.code"] == [f.code for f in validate(mutated(P837, "HI*ABK:J069", "HI*XXX:J069")).findings
                                      if f.is_error]
