"""ISA element checks (SNIP 1): every problem is a finding at the ISA element, with the TA1 note code (TA105) a
receiver would use; interchanges whose ISA is not fixed width are read and judged, not refused.

Expected note codes are X12's I18 code list ("Invalid Interchange Date Value" 014 …), checked against the list
pyx12's x12.control.00501.xml gives for TA105 and pyx12's error_997.py map from ISA element to note code.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SAMPLES
from edi.acks import build_ta1
from edi.validate import validate
from edi.x12 import tokenize, write

SAMPLE = (SAMPLES / "837p-office-visits.x12").read_bytes()
ISA = SAMPLE[:106].decode("latin-1")   # ISA*00*          *00*          *ZZ*EXAMPLEFP      *ZZ*EXAMPLECH      *…*:~
BODY = SAMPLE[106:].decode("latin-1")


def with_isa(*changes: tuple[int, str], terminator: str = "~", body: str = BODY, lead: str = "") -> bytes:
    parts = ISA[:-1].split("*")
    for n, value in changes:
        parts[n] = value
    return (lead + "*".join(parts) + terminator + body).encode("latin-1")


def isa_findings(data: bytes) -> list[tuple[str, str | None, str | None]]:
    report = validate(data)
    assert report.fatal is None
    return [(f.code, f.location.element, f.ta1_note) for f in report.findings if f.location.segment_id == "ISA"]


class TestEachElement:
    """One bad value per element: one finding there, with that element's note code."""

    def test_the_sample_has_none(self) -> None:
        assert [] == isa_findings(SAMPLE)

    def test_authorization_and_security(self) -> None:
        assert [("snip1.envelope.isa.code", "ISA01", "010"), ("snip1.envelope.isa.code", "ISA03", "012")] == \
            isa_findings(with_isa((1, "07"), (3, "05")))

    def test_authorization_and_security_information_width(self) -> None:
        assert [("snip1.envelope.isa.width", "ISA02", "011"), ("snip1.envelope.isa.width", "ISA04", "013")] == \
            isa_findings(with_isa((2, "SECRET"), (4, "PASSWORD1234")))

    def test_sender_and_receiver(self) -> None:
        assert [("snip1.envelope.isa.code", "ISA05", "005"), ("snip1.envelope.isa.blank", "ISA06", "006"),
                ("snip1.envelope.isa.code", "ISA07", "007"), ("snip1.envelope.isa.width", "ISA08", "008")] == \
            isa_findings(with_isa((5, "YY"), (6, " " * 15), (7, "QQ"), (8, "EXAMPLECH")))

    def test_date_and_time(self) -> None:
        assert [("snip1.envelope.isa.date", "ISA09", "014"), ("snip1.envelope.isa.time", "ISA10", "015")] == \
            isa_findings(with_isa((9, "251315"), (10, "2460")))

    def test_version(self) -> None:
        assert [("snip1.envelope.isa.version", "ISA12", "017")] == isa_findings(with_isa((12, "00502")))

    def test_control_number(self) -> None:
        data = with_isa((13, "00000100A")).replace(b"IEA*1*000001001", b"IEA*1*00000100A")
        found = isa_findings(data)
        assert [("snip1.envelope.isa13.format", "ISA13", "018")] == found

    def test_acknowledgment_requested_and_usage(self) -> None:
        assert [("snip1.envelope.isa.code", "ISA14", "019"), ("snip1.envelope.isa.code", "ISA15", "020")] == \
            isa_findings(with_isa((14, "2"), (15, "X")))

    def test_component_separator_that_is_a_space(self) -> None:
        data = with_isa((16, " ")).replace(b"11:B:1", b"11 B 1")
        assert ("snip1.envelope.isa.component_separator", "ISA16", "027") in isa_findings(data)

    def test_one_finding_per_element(self) -> None:
        """ISA09 too short and not a date is one defect: the date (what makes it unusable) is reported."""
        assert [("snip1.envelope.isa.date", "ISA09", "014")] == isa_findings(with_isa((9, "2501")))

    def test_findings_carry_the_guide_name_the_value_and_the_fix(self) -> None:
        report = validate(with_isa((6, "EXAMPLEFP")))
        finding = next(f for f in report.findings if f.location.element == "ISA06")
        assert "Interchange Sender ID" == finding.location.element_name and "EXAMPLEFP" == finding.value
        assert "pad it with spaces to 15" in finding.message
        assert ("000001001", None, None) == finding.location.control

    def test_4010_interchanges_are_judged_by_the_4010_control_map(self) -> None:
        """ISA11 is the standards identifier U there, ISA12 00401."""
        data = with_isa((11, "U"), (12, "00401"))
        assert [] == isa_findings(data)
        assert [("snip1.envelope.isa.code", "ISA11", "016")] == isa_findings(with_isa((11, "V"), (12, "00401")))


class TestTolerantlyReadInterchanges:
    """Hand-made variants of the sample: read, written back byte for byte, and judged at the element."""

    def read_back(self, data: bytes) -> None:
        assert data == write(tokenize(data)) == write(tokenize(data, chunk_size=256))

    def test_unpadded(self) -> None:
        data = with_isa((2, ""), (4, ""), (6, "EXAMPLEFP"), (8, "EXAMPLECH"))
        self.read_back(data)
        assert [("snip1.envelope.isa.width", ref, note) for ref, note in
                [("ISA02", "011"), ("ISA04", "013"), ("ISA06", "006"), ("ISA08", "008")]] == isa_findings(data)

    def test_over_padded(self) -> None:
        data = with_isa((6, "EXAMPLEFP       "), (9, " 250115"))
        self.read_back(data)
        assert [("snip1.envelope.isa.width", "ISA06", "006"), ("snip1.envelope.isa.width", "ISA09", "014")] == \
            isa_findings(data)

    def test_repetition_separator_equal_to_the_component_separator(self) -> None:
        data = with_isa((11, ":"))
        self.read_back(data)
        assert [("snip1.envelope.isa.repetition_separator", "ISA11", "016")] == isa_findings(data)
        assert next(tokenize(data)).delimiters.repetition is None

    def test_alphanumeric_repetition_separator(self) -> None:
        data = with_isa((11, "U"))
        self.read_back(data)
        report = validate(data)
        finding = next(f for f in report.findings if f.location.element == "ISA11")
        assert ("snip1.envelope.isa.repetition_separator", "016") == (finding.code, finding.ta1_note)
        assert "Repetition Separator" == finding.location.element_name
        assert "Read as no repetition separator" in finding.message

    def test_crlf_terminators_and_byte_order_mark(self) -> None:
        data = with_isa((6, "EXAMPLEFP"), terminator="~\r\n", body=BODY.replace("~\n", "~\r\n"), lead="\xef\xbb\xbf")
        self.read_back(data)
        assert [("snip1.envelope.isa.width", "ISA06", "006")] == isa_findings(data)

    def test_carriage_return_as_terminator(self) -> None:
        data = with_isa((6, "EXAMPLEFP"), terminator="\r\n", body=BODY.replace("~\n", "\r\n"))
        self.read_back(data)
        assert "\r" == next(tokenize(data)).delimiters.segment
        assert [("snip1.envelope.isa.width", "ISA06", "006")] == isa_findings(data)

    def test_the_ta1_rejects_with_the_first_note(self) -> None:
        acks = build_ta1(validate(with_isa((9, "250230"), (6, "EXAMPLEFP"))))
        assert [("R", "006")] == [(a.code, a.note_code) for a in acks]


WIDTHS = {2: 10, 4: 10, 6: 15, 8: 15}


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(WIDTHS)), st.integers(min_value=0, max_value=20), min_size=1))
def test_any_field_widths_read_round_trip_and_are_found(widths: dict[int, int]) -> None:
    """Pad or cut ISA02/04/06/08 to any width: the file reads and writes back, and exactly the fields whose width
    is not X12's are reported."""
    parts = ISA[:-1].split("*")
    changes = [(n, (parts[n].strip() + " " * 20)[:width] if parts[n].strip() else " " * width)
               for n, width in widths.items()]
    data = with_isa(*changes)
    assert data == write(tokenize(data))
    wrong = sorted(n for n, width in widths.items() if width != WIDTHS[n])
    found = isa_findings(data)
    assert [f"ISA{n:02d}" for n in wrong] == [ref for _, ref, _ in found]
    assert all(code in ("snip1.envelope.isa.width", "snip1.envelope.isa.blank") for code, _, _ in found)
