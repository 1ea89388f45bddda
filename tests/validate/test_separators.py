"""A body written with other separators than its ISA declares is one problem: one SNIP 1 finding naming the
separators seen and declared (snip1.envelope.separators), not a finding for every segment it derails.

Corpus files that do this: other/TigerShark__835-example-2.txt (a '~' before each segment, a line break declared as
the terminator) and seven x12 files whose composites use '>' under ISA16 ':' (see test_corpus_files below).
"""

from __future__ import annotations

import pytest

from conftest import CORPUS, SAMPLES
from edi.validate import validate

P837 = (SAMPLES / "837p-office-visits.x12").read_bytes()
R835 = (SAMPLES / "835-remittance.x12").read_bytes()


def body_with(data: bytes, old: bytes, new: bytes) -> bytes:
    return data[:106] + data[106:].replace(old, new)


def errors(data: bytes, jobs: int = 1) -> list[tuple[str, str | None]]:
    return [(f.code, f.location.element) for f in validate(data, jobs=jobs).findings if f.is_error]


class TestElementSeparator:
    def test_one_finding_instead_of_one_per_segment(self) -> None:
        """Was 90 'found between GE and the next GS or IEA' findings."""
        report = validate(body_with(P837, b"*", b"|"))
        assert [("snip1.envelope.separators", "026")] == [(f.code, f.ta1_note) for f in report.findings]
        assert "'|' between elements" in report.findings[0].message and "declares '*'" in report.findings[0].message


class TestComponentSeparator:
    """Composites written with '>' where ISA16 is ':' are read with '>' from the first one on."""

    def test_837p_gives_one_finding_and_nothing_else_changes(self) -> None:
        clean = errors(P837)
        data = body_with(P837, b":", b">")
        found = validate(data).findings
        separators = [f for f in found if f.code == "snip1.envelope.separators"]
        assert 1 == len(separators)
        first = separators[0]
        assert ("CLM", "CLM05", "027", "11>B>1") == (first.location.segment_id, first.location.element,
                                                      first.ta1_note, first.value)
        assert "with '>'" in first.message and "declares ':' (ISA16)" in first.message
        assert clean == [(f.code, f.location.element) for f in found if f.is_error and f is not first]

    def test_835_service_lines_are_placed(self) -> None:
        """SVC01-1 decides the 2110 loop: read with ':' the SVC segments would all stand unexpected."""
        data = body_with(R835, b":", b">")
        assert [("snip1.envelope.separators", "SVC01")] == errors(data)

    def test_a_body_that_uses_the_declared_separator_gets_none(self) -> None:
        assert [] == [f for f in validate(P837).findings if f.code == "snip1.envelope.separators"]

    def test_the_same_report_with_several_processes(self) -> None:
        """Each part of a file split across processes finds the separator anew; the report has it once."""
        transactions = P837.split(b"ST*837*0001", 1)
        st_to_se = b"ST*837*0001" + transactions[1].split(b"GE*", 1)[0]
        many = transactions[0] + b"".join(st_to_se.replace(b"0001", f"{n:04d}".encode())
                                          for n in range(1, 9)) + b"GE*8*1001~\nIEA*1*000001001~\n"
        data = body_with(many, b":", b">")
        assert errors(data, jobs=1) == errors(data, jobs=2)
        assert 1 == sum(code == "snip1.envelope.separators" for code, _ in errors(data, jobs=2))


# Corpus files whose body uses other separators than the ISA declares: one finding each, at this segment.
CORPUS_FILES = {
    "other/TigerShark__835-example-2.txt": "~GS",
    "835/x12__cob-contractural-adjustment.835": "SVC",
    "835/x12__secondary-payment.835": "SVC",
    "837i/x12__out-of-network-repriced-claim.837i": "CLM",
    "837i/x12__ppo-repriced-claim.837i": "CLM",
    "837p/x12__demo.example11.837": "CLM",
    "837p/x12__demo.example12.837": "CLM",
    "bad/X12Parser__Spec_3.1.4_OutOfNetworkRepricedClaim.txt": "CLM",
}


@pytest.mark.corpus
@pytest.mark.parametrize("name", sorted(CORPUS_FILES))
def test_corpus_files(name: str) -> None:
    report = validate(CORPUS / name)
    found = [f for f in report.findings if f.code == "snip1.envelope.separators"]
    assert [CORPUS_FILES[name]] == [f.location.segment_id for f in found]
    assert not any(f.code in ("snip2.segment.unexpected", "snip1.envelope.segment.outside") for f in report.findings)


@pytest.mark.corpus
def test_no_other_corpus_file_is_said_to_use_other_separators() -> None:
    from conftest import corpus_files

    said = [p for p in corpus_files() if str(p.relative_to(CORPUS)) not in CORPUS_FILES and
            any(f.code == "snip1.envelope.separators" for f in validate(p).findings)]
    assert [] == [str(p.relative_to(CORPUS)) for p in said]

